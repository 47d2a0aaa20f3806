package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"needlelog.app/needlelog/internal/testkit"
)

// badAddresses are what a practice manager might give --address that is not the server's name or
// IP address: each is refused with one sentence and exit 2, with nothing made.
var badAddresses = []string{
	"clinic server", "postgres://clinic-server:5432/needlelog", "/var/run/postgresql", `\\clinic-server\needlelog`,
	"clinic-server:99999", "clinic-server:", "postgres@clinic-server", "999.1.1.1", "clinic-server;rm -rf ~",
}

// Run on the server itself, with --db naming this computer, server init does not give the PCs a
// URL that names localhost: it puts a placeholder where the server's address goes and says how to
// give it; with --address, the URL and the password file's line name the server as given, with
// its port or --db's. The test server has TLS off: the URL says so and server init says what that
// means and how to turn it on.
func TestServerInitNamesTheServerAsThePCsReachIt(t *testing.T) {
	serverEnv(t)
	admin := os.Getenv(testkit.PostgresEnv)
	if admin == "" {
		t.Fatalf("this test needs a PostgreSQL server: set %s (scripts/pg-cluster start DIR prints one)", testkit.PostgresEnv)
	}
	port := strings.TrimPrefix(testServerAddress(t, admin), "127.0.0.1:")
	name := serverPractice(t, admin)
	app := name + "_app"

	code, out, errOut := runCLI(t, "server", "init", "--db", admin, "--database", name)
	password := regexp.MustCompile(`(?m)made now and shown only this once: (\S+)$`).FindStringSubmatch(out)
	if code != 0 || password == nil {
		t.Fatalf("server init without --address: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"\nEach PC connects with: postgres://" + app + "@SERVER-ADDRESS:" + port + "/" + name + "?sslmode=disable\n",
		"\nA PC reaches the server by its name or address on the clinic's network, which --db does not give (it names this computer): " +
			"put that in place of SERVER-ADDRESS, or run server init again with --address HOST (such as 192.168.1.10 or clinic-server.local) to have it printed.\n",
		"\nThe server has TLS off, so records would cross the clinic's network unencrypted (sslmode=disable): " +
			"turn it on with ssl = on and a certificate (ssl_cert_file, ssl_key_file) in the server's postgresql.conf, reload the server, and run server init again.\n",
		"\n  *:" + port + ":" + name + ":" + app + ":" + password[1] + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("server init without --address does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "@127.0.0.1") || strings.Contains(out, "127.0.0.1:") || strings.Contains(out, "passfile") {
		t.Errorf("server init without --address gives the PCs this computer's address or the administrator's password file:\n%s", out)
	}

	// Again, with the server's address: the URL names it, with its port.
	code, out, errOut = runCLI(t, "server", "init", "--db", admin, "--database", name, "--address", "clinic-server.local:6543")
	want := "\nEach PC connects with: postgres://" + app + "@clinic-server.local:6543/" + name + "?sslmode=disable\n"
	if code != 0 || !strings.Contains(out, want) || strings.Contains(out, "SERVER-ADDRESS") || strings.Contains(out, "A PC reaches") ||
		!strings.Contains(out, "The server has TLS off") {
		t.Errorf("server init --address clinic-server.local:6543: exit %d, want %q\n%s%s", code, want, out, errOut)
	}

	// A new practice set up with --address: the password file's line names it too, with --db's port.
	other := serverPractice(t, admin)
	code, out, errOut = runCLI(t, "server", "init", "--db", admin, "--database", other, "--address", "192.168.1.10")
	password = regexp.MustCompile(`(?m)made now and shown only this once: (\S+)$`).FindStringSubmatch(out)
	if code != 0 || password == nil {
		t.Fatalf("server init --address 192.168.1.10: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"\nEach PC connects with: postgres://" + other + "_app@192.168.1.10:" + port + "/" + other + "?sslmode=disable\n",
		"\n  192.168.1.10:" + port + ":" + other + ":" + other + "_app:" + password[1] + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("server init --address 192.168.1.10 does not say %q:\n%s", want, out)
		}
	}

	// A bad address: one sentence, exit 2, nothing made.
	refused := serverPractice(t, admin)
	for _, bad := range badAddresses {
		code, out, errOut := runCLI(t, "server", "init", "--db", admin, "--database", refused, "--address", bad)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 ||
			!strings.HasPrefix(errOut, "needlelog server init: the server's address ") || !strings.Contains(errOut, "is not a host name or an IP address") {
			t.Errorf("server init --address %q: exit %d\n%s%s", bad, code, out, errOut)
		}
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var made int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_database WHERE datname = $1)
		+ (SELECT count(*) FROM pg_roles WHERE rolname IN ($2, $3))`, refused, refused+"_app", refused+"_owner").Scan(&made); err != nil || made != 0 {
		t.Errorf("server init with bad addresses made %d databases and roles (%v), want none", made, err)
	}

	code, help, helpErr := runCLI(t, "server", "init", "-h")
	help += helpErr
	if code != 0 || !strings.Contains(help, "--address HOST[:PORT]") || !strings.Contains(help, "sslmode=require") {
		t.Errorf("server init -h: exit %d\n%s", code, help)
	}
}
