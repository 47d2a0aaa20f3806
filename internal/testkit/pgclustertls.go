//go:build unix

package testkit

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
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TLSOn turns TLS on in the cluster, as Debian's PostgreSQL has it, with a self-signed
// certificate for 127.0.0.1 and localhost made here, and returns that certificate's file, to
// verify the server with (sslmode=verify-full&sslrootcert=FILE).
func (c *PgCluster) TLSOn(t testing.TB) (rootCert string) {
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

	conn, err := pgx.Connect(ctx, c.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The server reads its certificate and key from its data folder, where they must belong to
	// the user it runs as (the key readable by it only).
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
	// The server reads its settings again a moment after being asked; new connections see it.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		fresh, err := pgx.Connect(ctx, c.URL)
		if err != nil {
			t.Fatal(err)
		}
		var ssl string
		err = fresh.QueryRow(ctx, `SHOW ssl`).Scan(&ssl)
		fresh.Close(ctx)
		if err != nil {
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
