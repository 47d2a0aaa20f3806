package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
)

// These tests run against a real server: scripts/test starts one (see testkit.Postgres).

func TestSchemaVersionsFollowSQLites(t *testing.T) {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatalf("the embedded migrations: %v", err)
	}
	if ms[0].name != "0007_init.sql" {
		t.Errorf("the first migration is %s, want 0007_init.sql: PostgreSQL's schema starts whole at SQLite's version 7", ms[0].name)
	}
	if got, want := SchemaVersion(), sqlite.SchemaVersion(); got != want {
		t.Errorf("PostgreSQL's schema version is %d, SQLite's %d: the two engines number their schemas alike", got, want)
	}
}

func TestLoadMigrationsRefusesGapsAndStrangeNames(t *testing.T) {
	for _, tc := range []struct {
		files []string
		want  string // in the error; "" for none
	}{
		{[]string{"0007_init.sql", "0008_more.sql", "0009_again.sql"}, ""},
		{[]string{"0001_init.sql"}, ""},
		{[]string{"0007_init.sql", "0009_skipped.sql"}, "version 9 does not follow version 7"},
		{[]string{"0007_init.sql", "7_short.sql"}, "not NNNN_name.sql"},
		{[]string{"0007_Init.sql"}, "not NNNN_name.sql"},
		{[]string{"0000_zero.sql"}, "versions start at 1"},
		{nil, "no migrations"},
	} {
		fsys := fstest.MapFS{}
		for _, f := range tc.files {
			fsys["migrations/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
		}
		ms, err := loadMigrations(fsys)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.files, err)
		case tc.want == "" && len(ms) != len(tc.files):
			t.Errorf("%v: %d migrations loaded", tc.files, len(ms))
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want one saying %q", tc.files, err, tc.want)
		}
	}
}

func TestOpenMigratesANewDatabaseAndReopeningChangesNothing(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	openClose(t, dbURL, Options{})
	if got := schemaVersionOf(t, dbURL); got != SchemaVersion() {
		t.Fatalf("a new database is at schema version %d after opening, want %d", got, SchemaVersion())
	}
	before := tablesOf(t, dbURL)
	if !slices.Contains(before, "needlelog_schema") || len(before) < 2 {
		t.Fatalf("a new database holds the tables %v, want the version table and the migrations' tables", before)
	}
	s, err := Open(ctx, dbURL, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	s.Close()
	if after := tablesOf(t, dbURL); !slices.Equal(after, before) || schemaVersionOf(t, dbURL) != SchemaVersion() {
		t.Errorf("reopening changed the database: tables %v, version %d", after, schemaVersionOf(t, dbURL))
	}
}

// Migrations that record themselves being applied, in a table of their own.
var (
	counted7 = "CREATE TABLE applied (version int); INSERT INTO applied VALUES (7);"
	counted8 = "INSERT INTO applied VALUES (8); CREATE TABLE eight (x int);"
)

func TestOpenAppliesEachMigrationOnceInOrder(t *testing.T) {
	dbURL := testkit.Postgres(t)
	openWith(t, dbURL, migrations(t, "0007_init.sql", counted7))
	openWith(t, dbURL, migrations(t, "0007_init.sql", counted7))
	if got := appliedOf(t, dbURL); !slices.Equal(got, []int{7}) {
		t.Fatalf("after two opens the migrations applied are %v, want [7]", got)
	}
	openWith(t, dbURL, migrations(t, "0007_init.sql", counted7, "0008_eight.sql", counted8))
	if got := appliedOf(t, dbURL); !slices.Equal(got, []int{7, 8}) {
		t.Fatalf("after an upgrade the migrations applied are %v, want [7 8]", got)
	}
	if got := schemaVersionOf(t, dbURL); got != 8 {
		t.Errorf("schema version %d after the upgrade, want 8", got)
	}
}

func TestFailedMigrationLeavesTheVersionBefore(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	openWith(t, dbURL, migrations(t, "0007_init.sql", counted7))
	broken := migrations(t, "0007_init.sql", counted7, "0008_eight.sql", counted8+" SELECT 1/0;")
	s, err := open(ctx, dbURL, Options{}, broken)
	if err == nil {
		s.Close()
		t.Fatal("a migration that fails half way opened")
	}
	if !strings.Contains(err.Error(), "could not be brought up to schema version 8 (0008_eight.sql)") || strings.Contains(err.Error(), "SQLSTATE") {
		t.Errorf("the error %q does not say which migration failed", err)
	}
	if got := schemaVersionOf(t, dbURL); got != 7 {
		t.Errorf("schema version %d after a failed migration, want 7", got)
	}
	if got := tablesOf(t, dbURL); slices.Contains(got, "eight") || !slices.Equal(appliedOf(t, dbURL), []int{7}) {
		t.Errorf("a failed migration left part of itself: tables %v, applied %v", got, appliedOf(t, dbURL))
	}
	openWith(t, dbURL, migrations(t, "0007_init.sql", counted7, "0008_eight.sql", counted8))
	if got := appliedOf(t, dbURL); !slices.Equal(got, []int{7, 8}) {
		t.Errorf("once mended the migrations applied are %v, want [7 8]", got)
	}
}

func TestConnectionLostDuringAMigrationLeavesNothingOfIt(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	db := strings.TrimPrefix(mustParse(t, dbURL).Path, "/")
	slow := migrations(t, "0007_init.sql", counted7+" SELECT pg_sleep(30);")
	opened := make(chan error, 1)
	go func() {
		s, err := open(ctx, dbURL, Options{}, slow)
		if s != nil {
			s.Close()
		}
		opened <- err
	}()
	// The server ends the connection while the migration runs, as when it is restarted.
	admin := adminConn(t, dbURL)
	for ended := false; !ended; {
		err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) > 0 FROM pg_stat_activity
			WHERE datname = $1 AND application_name = 'Needlelog' AND query LIKE '%pg_sleep(30)%'`, db).Scan(&ended)
		if err != nil {
			t.Fatal(err)
		}
		if ended {
			break
		}
		select {
		case err := <-opened:
			t.Fatalf("open ended before its connection was: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	err := <-opened
	if want := "the clinic's server at " + mustParse(t, dbURL).Host + " cannot be reached"; !errors.Is(err, ErrUnreachable) || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want ErrUnreachable saying %q", err, want)
	}
	if got := tablesOf(t, dbURL); len(got) != 0 {
		t.Errorf("a migration cut off by the server left the tables %v", got)
	}
	openWith(t, dbURL, migrations(t, "0007_init.sql", counted7))
	if got := appliedOf(t, dbURL); !slices.Equal(got, []int{7}) {
		t.Errorf("opened again, the migrations applied are %v, want [7]", got)
	}
}

func TestOpenRefusesANewerSchemaChangingNothing(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	openClose(t, dbURL, Options{})
	newer := SchemaVersion() + 1
	adminExec(t, dbURL, `UPDATE needlelog_schema SET version = $1`, newer)
	tables := tablesOf(t, dbURL)
	s, err := Open(ctx, dbURL, Options{})
	if err == nil {
		s.Close()
		t.Fatal("a database at a newer schema version opened")
	}
	if !errors.Is(err, data.ErrNewerSchema) || !strings.Contains(err.Error(), fmt.Sprintf("schema version %d; this version reads up to %d", newer, SchemaVersion())) {
		t.Errorf("error %q, want data.ErrNewerSchema saying both versions", err)
	}
	if got := schemaVersionOf(t, dbURL); got != newer || !slices.Equal(tablesOf(t, dbURL), tables) {
		t.Errorf("refusing a newer schema changed the database: version %d, tables %v (were %v)", got, tablesOf(t, dbURL), tables)
	}
}

func TestOpenRefusesAnOlderSchemaItCannotUpgrade(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	adminExec(t, dbURL, `CREATE TABLE needlelog_schema (only_row boolean PRIMARY KEY DEFAULT true, version integer NOT NULL);
		INSERT INTO needlelog_schema (version) VALUES (3)`)
	s, err := Open(ctx, dbURL, Options{})
	if err == nil {
		s.Close()
		t.Fatal("a database at schema version 3 opened, though PostgreSQL's schema starts at 7")
	}
	if !errors.Is(err, data.ErrNotDatabase) || !strings.Contains(err.Error(), "schema version 3") {
		t.Errorf("error %q, want data.ErrNotDatabase naming version 3", err)
	}
	if got := tablesOf(t, dbURL); !slices.Equal(got, []string{"needlelog_schema"}) || schemaVersionOf(t, dbURL) != 3 {
		t.Errorf("refusing an older schema changed the database: tables %v, version %d", got, schemaVersionOf(t, dbURL))
	}
}

func TestOpenRefusesAnotherProgramsDatabase(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	adminExec(t, dbURL, `CREATE TABLE invoices (id int)`)
	s, err := Open(ctx, dbURL, Options{})
	if err == nil {
		s.Close()
		t.Fatal("a database holding another program's tables opened")
	}
	if !errors.Is(err, data.ErrNotDatabase) {
		t.Errorf("error %q, want data.ErrNotDatabase", err)
	}
	if got := tablesOf(t, dbURL); !slices.Equal(got, []string{"invoices"}) {
		t.Errorf("refusing another program's database changed it: tables %v", got)
	}
}

func TestOpensAtOnceApplyTheSchemaOnce(t *testing.T) {
	// Each migration waits a moment inside its transaction, so that the openers overlap.
	slow := migrations(t, "0007_init.sql", counted7+" SELECT pg_sleep(0.2);", "0008_eight.sql", counted8+" SELECT pg_sleep(0.2);")
	for _, tc := range []struct {
		name string
		ms   []migration
	}{{"embedded", nil}, {"slow", slow}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dbURL := testkit.Postgres(t)
			const openers = 5
			errs := make([]error, openers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range openers {
				wg.Go(func() {
					<-start
					var s *Store
					if tc.ms == nil {
						s, errs[i] = Open(ctx, dbURL, Options{})
					} else {
						s, errs[i] = open(ctx, dbURL, Options{}, tc.ms)
					}
					if s != nil {
						s.Close()
					}
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("opener %d of %d starting at once: %v", i+1, openers, err)
				}
			}
			if tc.ms != nil {
				if got := appliedOf(t, dbURL); !slices.Equal(got, []int{7, 8}) {
					t.Errorf("the migrations applied are %v, want [7 8]: each once", got)
				}
			}
		})
	}
}

func TestAnOpenerThatGoesAwayHoldingTheLockDoesNotHoldUpTheOthers(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	migrationIdleTimeout = "1s"
	held, release := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	afterMigrateLock = func() { // the first opener stops answering once it has the lock
		if first.CompareAndSwap(false, true) {
			close(held)
			<-release
		}
	}
	t.Cleanup(func() { migrationIdleTimeout, afterMigrateLock = "60s", nil })

	firstDone := make(chan error, 1)
	go func() {
		s, err := Open(ctx, dbURL, Options{})
		if s != nil {
			s.Close()
		}
		firstDone <- err
	}()
	<-held
	// The second waits for the lock until the server ends the silent session, then migrates.
	// (Without that end it would wait for ever: the bound turns a hang into a failure.)
	bounded, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, err := Open(bounded, dbURL, Options{})
	close(release)
	if err != nil {
		t.Fatalf("an opener waiting behind one that went away: %v", err)
	}
	s.Close()
	if err := <-firstDone; !errors.Is(err, ErrUnreachable) {
		t.Errorf("the opener whose session the server ended got %v, want ErrUnreachable", err)
	}
	if got := schemaVersionOf(t, dbURL); got != SchemaVersion() {
		t.Errorf("schema version %d, want %d", got, SchemaVersion())
	}
}

func TestUnreachableServerIsSaidQuickly(t *testing.T) {
	ctx := context.Background()
	secret := "env-" + randomHex()
	t.Setenv(PasswordEnv, secret)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close() // nothing listens there now

	// A server that takes the connection and never answers: only the connect timeout ends the wait.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()

	for _, tc := range []struct{ name, url, addr string }{
		{"nothing listens", "postgres://needlelog@" + closed + "/practice?sslmode=disable", closed},
		{"no answer", "postgres://needlelog@" + silent.Addr().String() + "/practice?sslmode=disable&connect_timeout=1", silent.Addr().String()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			began := time.Now()
			s, err := Open(ctx, tc.url, Options{})
			took := time.Since(began)
			if err == nil {
				s.Close()
				t.Fatal("opened a server that is not there")
			}
			want := "the clinic's server at " + tc.addr + " cannot be reached"
			if !errors.Is(err, ErrUnreachable) || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q, want ErrUnreachable saying %q", err, want)
			}
			// Not a speed target: without a connect timeout the silent server is waited for forever.
			if took > 20*time.Second {
				t.Errorf("it took %v to give up", took)
			}
			noSecret(t, err, secret)
		})
	}
}

func TestConnectTimeoutDefaultsToFiveSeconds(t *testing.T) {
	t.Setenv("PGCONNECT_TIMEOUT", "")
	for _, tc := range []struct {
		url  string
		want time.Duration
	}{
		{"postgres://u@db.clinic.lan/practice", defaultConnectTimeout},
		{"postgres://u@db.clinic.lan/practice?connect_timeout=12", 12 * time.Second},
	} {
		cfg, err := poolConfig(tc.url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.ConnConfig.ConnectTimeout; got != tc.want {
			t.Errorf("%s: connect timeout %v, want %v", tc.url, got, tc.want)
		}
	}
}

func TestMissingDatabaseIsSaid(t *testing.T) {
	dbURL := testkit.Postgres(t)
	u, _ := url.Parse(dbURL)
	u.Path = "/no_such_practice"
	s, err := Open(context.Background(), u.String(), Options{})
	if err == nil {
		s.Close()
		t.Fatal("opened a database that does not exist")
	}
	if want := `has no database "no_such_practice"`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to say %q", err, want)
	}
}

func TestPasswordsAreTakenInTurnAndNeverShown(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	openClose(t, dbURL, Options{}) // the role below may read the schema's version, not make tables
	role, password := loginRole(t, dbURL)
	adminExec(t, dbURL, `GRANT SELECT ON needlelog_schema TO `+pgx.Identifier{role}.Sanitize())
	t.Setenv("PGPASSWORD", "")
	u, _ := url.Parse(dbURL) // its passfile holds the superuser's password only
	u.User = url.User(role)
	noPassword := u.String()
	u.User = url.UserPassword(role, password)
	withPassword := u.String()
	wrong := "wrong-" + randomHex()
	u.User = url.UserPassword(role, wrong)
	withWrongPassword := u.String()

	for _, tc := range []struct {
		name, url, env string
		opts           Options
		want           string // "" to open as the role
	}{
		{"from NEEDLELOG_DB_PASSWORD", noPassword, password, Options{}, ""},
		{"from the URL, before NEEDLELOG_DB_PASSWORD", withPassword, wrong, Options{}, ""},
		{"asked for, before NEEDLELOG_DB_PASSWORD", noPassword, wrong, Options{Password: password}, ""},
		{"wrong in NEEDLELOG_DB_PASSWORD", noPassword, wrong, Options{}, fmt.Sprintf("did not accept the password of user %q", role)},
		{"wrong in the URL", withWrongPassword, "", Options{}, fmt.Sprintf("did not accept the password of user %q", role)},
		{"wrong when asked for", noPassword, "", Options{Password: wrong}, fmt.Sprintf("did not accept the password of user %q", role)},
		{"none", noPassword, "", Options{}, fmt.Sprintf("asks for the password of user %q, and none was given", role)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(PasswordEnv, tc.env)
			s, err := Open(ctx, tc.url, tc.opts)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				defer s.Close()
				var user string
				if err := s.pool.QueryRow(ctx, `SELECT current_user`).Scan(&user); err != nil || user != role {
					t.Errorf("connected as %q (%v), want %q", user, err, role)
				}
				return
			}
			if err == nil {
				s.Close()
				t.Fatal("opened with a wrong password")
			}
			if !errors.Is(err, ErrLoginRefused) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want ErrLoginRefused saying %q", err, tc.want)
			}
			noSecret(t, err, password)
			noSecret(t, err, wrong)
		})
	}
}

func TestABadURLIsSaidWithoutItsPassword(t *testing.T) {
	for _, bad := range []string{
		"postgres://clinic:s3cret-pw@db.clinic.lan:port/practice",
		"postgres://clinic:s3cret-pw@db.clinic.lan/practice?sslmode=sometimes",
		"practice.db",
		"mysql://clinic:s3cret-pw@db.clinic.lan/practice",
	} {
		s, err := Open(context.Background(), bad, Options{})
		if err == nil {
			s.Close()
			t.Fatalf("%s opened", bad)
		}
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("%s: error %q, want ErrBadURL", bad, err)
		}
		noSecret(t, err, "s3cret-pw")
	}
}

func TestRedactedTakesThePasswordOut(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://clinic:s3cret-pw@db.clinic.lan:5432/practice?sslmode=require":     "postgres://clinic@db.clinic.lan:5432/practice?sslmode=require",
		"postgres://clinic@db.clinic.lan/practice?password=s3cret-pw&sslmode=require": "postgres://clinic@db.clinic.lan/practice?sslmode=require",
		"postgres://clinic@db.clinic.lan/practice":                                    "postgres://clinic@db.clinic.lan/practice",
		"postgres://clinic:s3cret-pw@db.clinic.lan:port/practice":                     "(a database address that cannot be read)",
	} {
		if got := Redacted(in); got != want {
			t.Errorf("Redacted(%s) = %s, want %s", in, got, want)
		}
	}
}

// noSecret fails the test when secret appears in err or anything it wraps.
func noSecret(t *testing.T, err error, secret string) {
	t.Helper()
	texts := []string{fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
	for e := err; e != nil; e = errors.Unwrap(e) {
		texts = append(texts, e.Error())
	}
	for _, s := range texts {
		if strings.Contains(s, secret) {
			t.Errorf("the password shows in the error: %s", s)
		}
	}
}

func openClose(t *testing.T, dbURL string, opts Options) {
	t.Helper()
	s, err := Open(context.Background(), dbURL, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func openWith(t *testing.T, dbURL string, ms []migration) {
	t.Helper()
	s, err := open(context.Background(), dbURL, Options{}, ms)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	s.Close()
}

// migrations is a set of migrations from name and body pairs.
func migrations(t *testing.T, nameBody ...string) []migration {
	t.Helper()
	fsys := fstest.MapFS{}
	for i := 0; i < len(nameBody); i += 2 {
		fsys["migrations/"+nameBody[i]] = &fstest.MapFile{Data: []byte(nameBody[i+1])}
	}
	ms, err := loadMigrations(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// adminConn connects to the test database as the server's superuser, outside the store.
func adminConn(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func adminExec(t *testing.T, dbURL, sql string, args ...any) {
	t.Helper()
	if _, err := adminConn(t, dbURL).Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// tablesOf lists the database's tables, those outside the public schema with their schema's name.
func tablesOf(t *testing.T, dbURL string) []string {
	t.Helper()
	rows, err := adminConn(t, dbURL).Query(context.Background(), `SELECT CASE schemaname WHEN 'public' THEN '' ELSE schemaname || '.' END || tablename
		FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func schemaVersionOf(t *testing.T, dbURL string) int {
	t.Helper()
	var v int
	if err := adminConn(t, dbURL).QueryRow(context.Background(), `SELECT version FROM needlelog_schema`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func appliedOf(t *testing.T, dbURL string) []int {
	t.Helper()
	rows, err := adminConn(t, dbURL).Query(context.Background(), `SELECT version FROM applied ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// loginRole makes a role that logs in with a password, and drops it (and its grants in the
// test database) when the test ends.
func loginRole(t *testing.T, dbURL string) (role, password string) {
	t.Helper()
	role, password = "nr_"+randomHex(), "pw-"+randomHex()
	id := pgx.Identifier{role}.Sanitize()
	adminExec(t, dbURL, `CREATE ROLE `+id+` LOGIN PASSWORD '`+password+`'`)
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP OWNED BY `+id+`; DROP ROLE `+id); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	return role, password
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func TestOpenByARoleThatMayNotChangeTheSchemaAsksForServerInit(t *testing.T) {
	ctx := context.Background()
	t.Setenv("PGPASSWORD", "")
	t.Run("an older schema", func(t *testing.T) {
		dbURL := testkit.Postgres(t)
		openWith(t, dbURL, migrations(t, "0007_init.sql", counted7))
		role, password := loginRole(t, dbURL)
		adminExec(t, dbURL, `GRANT SELECT ON needlelog_schema TO `+pgx.Identifier{role}.Sanitize())
		u := mustParse(t, dbURL)
		u.User = url.User(role)
		s, err := open(ctx, u.String(), Options{Password: password}, migrations(t, "0007_init.sql", counted7, "0008_eight.sql", counted8))
		if err == nil {
			s.Close()
			t.Fatal("a role that may not change the schema opened an older one")
		}
		want := "the practice on the clinic's server is at schema version 7 and this version of Needlelog needs 8, which this PC's user may not change: the clinic's server needs `needlelog server init` (as its administrator) to bring it up to date"
		if !errors.Is(err, ErrServerInitNeeded) || err.Error() != want {
			t.Errorf("error %q, want ErrServerInitNeeded saying %q", err, want)
		}
		if got := appliedOf(t, dbURL); !slices.Equal(got, []int{7}) || schemaVersionOf(t, dbURL) != 7 {
			t.Errorf("the refused open left the migrations %v applied, version %d", got, schemaVersionOf(t, dbURL))
		}
	})
	t.Run("an empty database", func(t *testing.T) {
		dbURL := testkit.Postgres(t)
		role, password := loginRole(t, dbURL)
		u := mustParse(t, dbURL)
		u.User = url.User(role)
		s, err := Open(ctx, u.String(), Options{Password: password})
		if err == nil {
			s.Close()
			t.Fatal("a role that may not make tables opened an empty database")
		}
		want := "the database on the clinic's server holds no practice yet, and this PC's user may not make one: the clinic's server needs `needlelog server init` (as its administrator) to bring it up to date"
		if !errors.Is(err, ErrServerInitNeeded) || err.Error() != want {
			t.Errorf("error %q, want ErrServerInitNeeded saying %q", err, want)
		}
		if got := tablesOf(t, dbURL); len(got) != 0 {
			t.Errorf("the refused open left the tables %v", got)
		}
	})
}

// TestAPasswordFileOthersMayReadIsNotUsed: a password file is used while it is its owner's alone;
// one other accounts may read is refused in a sentence naming it (as PostgreSQL's own programs
// ignore it), and a password asked for still opens. Windows keeps no such bits: used there.
func TestAPasswordFileOthersMayReadIsNotUsed(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	openClose(t, dbURL, Options{})
	role, password := loginRole(t, dbURL)
	adminExec(t, dbURL, `GRANT SELECT ON needlelog_schema TO `+pgx.Identifier{role}.Sanitize())
	t.Setenv("PGPASSWORD", "")
	t.Setenv(PasswordEnv, "")
	file := filepath.Join(t.TempDir(), "pgpass")
	if err := os.WriteFile(file, []byte("*:*:*:"+role+":"+password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(dbURL)
	u.User = url.User(role)
	q := u.Query()
	q.Set("passfile", file)
	u.RawQuery = q.Encode()
	openClose(t, u.String(), Options{})

	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, u.String(), Options{})
	if runtime.GOOS == "windows" {
		if err != nil {
			t.Fatalf("open with the password file on Windows: %v", err)
		}
		s.Close()
		return
	}
	if err == nil {
		s.Close()
		t.Fatal("opened with a password file every account may read")
	}
	var shared *PasswordFileSharedError
	if !errors.As(err, &shared) || shared.Path != file || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("error %q, want the password file %s said as readable by others", err, file)
	}
	noSecret(t, err, password)
	openClose(t, u.String(), Options{Password: password})
}
