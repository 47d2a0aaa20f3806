//go:build unix

package postgres

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"needlelog.app/needlelog/internal/testkit"
)

// A server with TLS on: server init asks for it in the PCs' URL, though the administrator
// connected without it, and keeps a verification the administrator asked for, with its
// certificate; the PCs' connection is encrypted.
func TestInitServerAsksForTLSWhenTheServerHasIt(t *testing.T) {
	ctx := context.Background()
	c := testkit.StartPgCluster(t)
	rootCert := tlsOn(t, c.URL)
	port := mustParse(t, c.URL).Port()
	o := InitOptions{Database: "clinic"}

	res := initServerOK(t, c.URL, o) // c.URL says sslmode=disable
	want := "postgres://clinic_app@127.0.0.1:" + port + "/clinic?sslmode=require"
	wantPCs := "postgres://clinic_app@" + AddressPlaceholder + ":" + port + "/clinic?sslmode=require"
	if !res.TLS || res.AppURL != want || res.PCURL != wantPCs {
		t.Errorf("on a server with TLS on: TLS %v, URL %s, for the PCs %s; want true, %s, %s", res.TLS, res.AppURL, res.PCURL, want, wantPCs)
	}
	encrypted := func(appURL string) {
		t.Helper()
		app, err := connectAs(t, appURL, res.AppPassword)
		if err != nil {
			t.Fatalf("connect with %s: %v", appURL, err)
		}
		var ssl bool
		if err := app.QueryRow(ctx, `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl); err != nil || !ssl {
			t.Errorf("the connection with %s is encrypted: %v (%v), want true", appURL, ssl, err)
		}
	}
	encrypted(res.AppURL)

	admin := mustParse(t, c.URL)
	q := admin.Query()
	q.Set("sslmode", "verify-full")
	q.Set("sslrootcert", rootCert)
	admin.RawQuery = q.Encode()
	o.Address = "127.0.0.1"
	verified := initServerOK(t, admin.String(), o)
	want = "postgres://clinic_app@127.0.0.1:" + port + "/clinic?sslmode=verify-full&sslrootcert=" + url.QueryEscape(rootCert)
	if !verified.TLS || verified.AppURL != want || verified.PCURL != want {
		t.Errorf("an administrator verifying the server: URL %s, for the PCs %s; want %s", verified.AppURL, verified.PCURL, want)
	}
	encrypted(verified.AppURL)
}

// tlsOn turns TLS on in the test's own server, with a self-signed certificate for 127.0.0.1 made
// here, and returns the certificate's file, to verify the server with.
func tlsOn(t *testing.T, server string) (rootCert string) {
	t.Helper()
	ctx := context.Background()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "clinic-server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})

	// The server reads its certificate and key from its data folder, where they must belong to
	// the user it runs as (the key readable by it only).
	conn := adminConn(t, server)
	var dataDir string
	if err := conn.QueryRow(ctx, `SHOW data_directory`).Scan(&dataDir); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	owner := st.Sys().(*syscall.Stat_t)
	for name, b := range map[string][]byte{"server.crt": certPEM, "server.key": keyPEM} {
		f := filepath.Join(dataDir, name)
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(f, int(owner.Uid), int(owner.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{`ALTER SYSTEM SET ssl_cert_file = 'server.crt'`, `ALTER SYSTEM SET ssl_key_file = 'server.key'`,
		`ALTER SYSTEM SET ssl = on`, `SELECT pg_reload_conf()`} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	// The server reads its settings again a moment after being asked.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var ssl string
		if err := adminConn(t, server).QueryRow(ctx, `SHOW ssl`).Scan(&ssl); err != nil {
			t.Fatal(err)
		}
		if ssl == "on" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the test's server does not take ssl = on with the certificate made for it")
		}
	}
	rootCert = filepath.Join(t.TempDir(), "root.crt")
	if err := os.WriteFile(rootCert, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return rootCert
}
