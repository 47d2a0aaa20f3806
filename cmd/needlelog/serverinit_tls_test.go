//go:build unix

package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/postgres"
)

// On a server with TLS on, server init gives the PCs a URL that asks for it, though --db did not,
// and says nothing of unencrypted records; the URL connects, encrypted.
func TestServerInitAsksForTLSWhenTheServerHasIt(t *testing.T) {
	serverEnv(t)
	c := testkit.StartPgCluster(t)
	c.TLSOn(t)
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
