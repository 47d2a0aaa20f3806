package testkit_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"
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

func TestPostgresFailsWithoutAServer(t *testing.T) {
	t.Setenv(testkit.PostgresEnv, "")
	ft := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		testkit.Postgres(ft)
	}()
	<-done
	if !strings.Contains(ft.fatal, "scripts/test") || !strings.Contains(ft.fatal, testkit.PostgresEnv) {
		t.Fatalf("without a server the test fails with %q; want a sentence naming scripts/test and %s", ft.fatal, testkit.PostgresEnv)
	}
}

// fatalTB records a Fatal and ends the goroutine, as testing.T does, without failing the test.
type fatalTB struct {
	testing.TB
	fatal string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fatalTB) Fatal(args ...any) {
	f.fatal = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fatalTB) Skip(args ...any)                 { f.fatal = "skipped: " + fmt.Sprint(args...); runtime.Goexit() }
func (f *fatalTB) Skipf(format string, args ...any) { f.Skip(fmt.Sprintf(format, args...)) }
func (f *fatalTB) SkipNow()                         { f.Skip() }

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
