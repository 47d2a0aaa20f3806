package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresEnv names the variable holding the URL of a superuser on a PostgreSQL server the tests
// may make and drop databases and roles on, and which asks for passwords (the tests of wrong
// passwords count on it). scripts/test starts such a throwaway cluster (scripts/pg-cluster) and
// sets it.
const PostgresEnv = "NEEDLELOG_TEST_POSTGRES"

// Postgres gives the test a new, empty database of its own on the test server and returns its URL
// (the server's, naming that database). The database is dropped when the test ends, with any
// connection still open on it. Without a server the test fails, never skips: a check that did not
// run must not pass for one that did.
func Postgres(t testing.TB) string {
	t.Helper()
	return PostgresWith(t, "")
}

// PostgresWith is Postgres with CREATE DATABASE's options ("ENCODING 'UTF8' TEMPLATE template0",
// a locale, an owner), for tests of how the schema meets a server's settings.
func PostgresWith(t testing.TB, options string) string {
	t.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		t.Fatalf("this test needs a PostgreSQL server: run it with scripts/test, which starts one, or set %s to a superuser's URL (scripts/pg-cluster start DIR prints one)", PostgresEnv)
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s is not a postgres:// URL", PostgresEnv)
	}
	name := postgresDBName(t.Name())
	if err := postgresAdmin(server, strings.TrimSpace("CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" "+options)); err != nil {
		t.Fatalf("make the test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := postgresAdmin(server, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop the test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// postgresDBName is a database name unique to one call: the test's name, shortened to what
// PostgreSQL allows in a name (63 bytes), and random digits.
func postgresDBName(testName string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(testName) {
		switch {
		case b.Len() >= 32:
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	random := make([]byte, 6)
	rand.Read(random)
	return "nt_" + b.String() + "_" + hex.EncodeToString(random)
}

// postgresAdmin runs one statement on the server as its superuser, outside any transaction (as
// CREATE and DROP DATABASE must be).
func postgresAdmin(server, statement string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, statement)
	return err
}
