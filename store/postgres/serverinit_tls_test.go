//go:build unix

package postgres

import (
	"context"
	"net/url"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
)

// A server with TLS on: server init asks for it in the PCs' URL, though the administrator
// connected without it, and keeps a verification the administrator asked for, with its
// certificate; the PCs' connection is encrypted.
func TestInitServerAsksForTLSWhenTheServerHasIt(t *testing.T) {
	ctx := context.Background()
	c := testkit.StartPgCluster(t)
	rootCert := c.TLSOn(t)
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
