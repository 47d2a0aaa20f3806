//go:build unix

package testkit_test

// These tests need the test server scripts/test starts, and scripts/pg-cluster itself (bash):
// both are Linux's. The Windows run of the tests under Wine (scripts/wine-test) has no server.

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"needlelog.app/needlelog/internal/testkit"
)

func TestPostgresGivesEachTestAnEmptyDatabaseDroppedAfter(t *testing.T) {
	ctx := context.Background()
	var first, second string
	var left []*pgx.Conn
	t.Run("inner", func(t *testing.T) {
		first, second = testkit.Postgres(t), testkit.Postgres(t)
		if first == second {
			t.Fatalf("two calls gave the same database: %s", first)
		}
		for _, u := range []string{first, second} {
			conn, err := pgx.Connect(ctx, u)
			if err != nil {
				t.Fatalf("connect to the test database: %v", err)
			}
			var db string
			var tables int
			err = conn.QueryRow(ctx, `SELECT current_database(), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')`).Scan(&db, &tables)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimPrefix(mustURL(t, u).Path, "/"); db != want {
				t.Errorf("connected to database %q, want %q", db, want)
			}
			if tables != 0 {
				t.Errorf("database %s holds %d tables, want none", db, tables)
			}
			if _, err := conn.Exec(ctx, `CREATE TABLE t (x int)`); err != nil {
				t.Fatal(err)
			}
			left = append(left, conn) // left open: the database must be dropped all the same
		}
	})
	server := os.Getenv(testkit.PostgresEnv)
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, u := range []string{first, second} {
		name := strings.TrimPrefix(mustURL(t, u).Path, "/")
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("database %s is still there after its test ended", name)
		}
	}
	for _, c := range left {
		if err := c.Ping(ctx); err == nil {
			t.Error("a connection left open on a dropped test database still works")
		}
		c.Close(ctx)
	}
	if len(left) != 2 {
		t.Errorf("%d connections were made, want 2", len(left))
	}
}

func TestPgClusterStartsAThrowawayServerAndRemovesIt(t *testing.T) {
	ctx := context.Background()
	// The server's user (not root) must be able to enter the cluster's folder: t.TempDir's is closed.
	top, err := os.MkdirTemp("", "nl-pgc-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(top, "cluster")
	script := filepath.Join("..", "..", "scripts", "pg-cluster")
	out, err := exec.Command(script, "start", dir).Output()
	t.Cleanup(func() { exec.Command(script, "stop", dir).Run() })
	if err != nil {
		t.Fatalf("pg-cluster start: %v\n%s", err, stderrOf(err))
	}
	serverURL := strings.TrimSpace(string(out))
	u := mustURL(t, serverURL)
	port, _ := strconv.Atoi(u.Port())
	if u.Hostname() != "127.0.0.1" || port < 55000 || port > 55999 || u.Query().Get("passfile") != filepath.Join(dir, "pgpass") {
		t.Errorf("pg-cluster printed %s: want 127.0.0.1, a port in 55000-55999 and the password file in the cluster's folder", serverURL)
	}
	if _, ok := u.User.Password(); ok {
		t.Errorf("the URL holds a password: %s", serverURL)
	}

	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("connect to the new cluster: %v", err)
	}
	settings := map[string]string{}
	for _, name := range []string{"fsync", "listen_addresses", "unix_socket_directories", "is_superuser"} {
		var v string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		settings[name] = v
	}
	conn.Close(ctx)
	want := map[string]string{"fsync": "off", "listen_addresses": "127.0.0.1", "unix_socket_directories": dir, "is_superuser": "on"}
	if !maps.Equal(settings, want) {
		t.Errorf("the cluster's settings are %v, want %v", settings, want)
	}
	if st, err := os.Stat(filepath.Join(dir, "data")); err != nil || st.Sys().(*syscall.Stat_t).Uid == 0 {
		t.Errorf("the cluster's files are root's, or missing (%v): the server must run as an unprivileged user", err)
	}

	// Without the password file the server asks for a password: no one else on the machine gets in.
	t.Setenv("PGPASSFILE", filepath.Join(top, "none"))
	t.Setenv("PGPASSWORD", "")
	q := u.Query()
	q.Del("passfile")
	u.RawQuery = q.Encode()
	if conn, err := pgx.Connect(ctx, u.String()); err == nil {
		conn.Close(ctx)
		t.Error("the cluster let a connection in without a password")
	}

	if out, err := exec.Command(script, "stop", dir).CombinedOutput(); err != nil {
		t.Fatalf("pg-cluster stop: %v\n%s", err, out)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the cluster's folder is still there after stop (%v)", err)
	}
	if conn, err := pgx.Connect(ctx, serverURL); err == nil {
		conn.Close(ctx)
		t.Error("the cluster still answers after stop")
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
