//go:build unix

package main

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
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/postgres"
)

// On a server with TLS on, server init gives the PCs a URL that asks for it, though --db did not,
// and says nothing of unencrypted records; the URL connects, encrypted.
func TestServerInitAsksForTLSWhenTheServerHasIt(t *testing.T) {
	serverEnv(t)
	c := testkit.StartPgCluster(t)
	serverTLSOn(t, c.URL)
	address := testServerAddress(t, c.URL)

	code, out, errOut := runCLI(t, "server", "init", "--db", c.URL, "--database", "clinic", "--address", address)
	want := "\nEach PC connects with: postgres://clinic_app@" + address + "/clinic?sslmode=require\n"
	password := regexp.MustCompile(`(?m)made now and shown only this once: (\S+)$`).FindStringSubmatch(out)
	if code != 0 || !strings.Contains(out, want) || strings.Contains(out, "TLS off") || strings.Contains(out, "unencrypted") || password == nil {
		t.Fatalf("server init on a server with TLS on: exit %d, want %q and no word of TLS off\n%s%s", code, want, out, errOut)
	}
	t.Setenv(postgres.PasswordEnv, password[1])
	app := "postgres://clinic_app@" + address + "/clinic?sslmode=require"
	if code, out, errOut := runCLI(t, "verify", "--db", app); code != 0 {
		t.Errorf("verify with the PCs' URL: exit %d\n%s%s", code, out, errOut)
	}
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(app)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = password[1]
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect with the PCs' URL: %v", err)
	}
	defer conn.Close(ctx)
	var ssl bool
	if err := conn.QueryRow(ctx, `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl); err != nil || !ssl {
		t.Errorf("the PCs' connection is encrypted: %v (%v), want true", ssl, err)
	}
}

// serverTLSOn turns TLS on in the test's own server, with a self-signed certificate made here for
// 127.0.0.1, kept in the server's data folder and belonging to the user the server runs as.
func serverTLSOn(t *testing.T, server string) {
	t.Helper()
	ctx := context.Background()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "clinic-server"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var dataDir string
	if err := conn.QueryRow(ctx, `SHOW data_directory`).Scan(&dataDir); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	owner := st.Sys().(*syscall.Stat_t)
	for name, block := range map[string]*pem.Block{"server.crt": {Type: "CERTIFICATE", Bytes: der}, "server.key": {Type: "PRIVATE KEY", Bytes: pkcs8}} {
		f := filepath.Join(dataDir, name)
		if err := os.WriteFile(f, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(f, int(owner.Uid), int(owner.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{`ALTER SYSTEM SET ssl = on`, `SELECT pg_reload_conf()`} {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	// The server reads its settings again a moment after being asked.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Fatal(err)
		}
		var ssl string
		err = c.QueryRow(ctx, `SHOW ssl`).Scan(&ssl)
		c.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ssl == "on" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the test's server does not take ssl = on with the certificate made for it")
		}
	}
}
