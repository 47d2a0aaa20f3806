package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

// initFixture is a superuser's URL on the test server and options naming a practice database and
// two roles of the test's own, all dropped when the test ends.
func initFixture(t *testing.T) (adminURL string, o InitOptions) {
	t.Helper()
	adminURL = testkit.Postgres(t) // the administrator's connection; the practice is another database
	name := "np_" + randomHex()
	o = InitOptions{Database: name, OwnerRole: name + "_owner", AppRole: name + "_app"}
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, adminURL)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		for _, s := range []string{
			`DROP DATABASE IF EXISTS ` + ident(o.Database) + ` WITH (FORCE)`,
			`DROP ROLE IF EXISTS ` + ident(o.AppRole),
			`DROP ROLE IF EXISTS ` + ident(o.OwnerRole),
		} {
			if _, err := conn.Exec(ctx, s); err != nil {
				t.Errorf("%s: %v", s, err)
			}
		}
	})
	return adminURL, o
}

func initServerOK(t *testing.T, adminURL string, o InitOptions) InitResult {
	t.Helper()
	res, err := InitServer(context.Background(), adminURL, o)
	if err != nil {
		t.Fatalf("server init: %v (cause: %v)", err, errors.Unwrap(err))
	}
	return res
}

// practiceURL is the practice's database on the test server, as its superuser.
func practiceURL(t *testing.T, adminURL, database string) string {
	t.Helper()
	u := mustParse(t, adminURL)
	u.Path = "/" + database
	return u.String()
}

// connectAs connects to url (which has no password) with password.
func connectAs(t *testing.T, connURL, password string) (*pgx.Conn, error) {
	t.Helper()
	cfg, err := pgx.ParseConfig(connURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = password
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err == nil {
		t.Cleanup(func() { conn.Close(context.Background()) })
	}
	return conn, err
}

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

func TestInitServerGivesTheAppRoleRecordsAndNothingMore(t *testing.T) {
	ctx := context.Background()
	adminURL, o := initFixture(t)
	t.Setenv("PGPASSWORD", "")
	t.Setenv(PasswordEnv, "")

	res := initServerOK(t, adminURL, o)
	if len(res.AppPassword) < 32 {
		t.Fatalf("the generated password has %d characters, want 32 or more", len(res.AppPassword))
	}
	if len(res.Changes) == 0 || strings.Contains(res.String(), res.AppPassword) || strings.Contains(res.AppURL, res.AppPassword) {
		t.Errorf("the result says %q (URL %s): want what was made, and never the password", res.String(), res.AppURL)
	}
	if res.SchemaVersion != SchemaVersion() {
		t.Errorf("schema version %d after server init, want %d", res.SchemaVersion, SchemaVersion())
	}
	wantURL := mustParse(t, adminURL)
	wantURL.User, wantURL.Path, wantURL.RawQuery = url.User(o.AppRole), "/"+o.Database, "sslmode=disable"
	if res.AppURL != wantURL.String() {
		t.Errorf("the PCs' URL is %s, want %s", res.AppURL, wantURL)
	}
	// The server holds a SCRAM verifier, never the password.
	var stored string
	if err := adminConn(t, adminURL).QueryRow(ctx, `SELECT rolpassword FROM pg_authid WHERE rolname = $1`, o.AppRole).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored, "SCRAM-SHA-256$4096:") || strings.Contains(stored, res.AppPassword) {
		t.Errorf("the application role's stored password is %q, want a SCRAM-SHA-256 verifier", stored)
	}

	app, err := connectAs(t, res.AppURL, res.AppPassword)
	if err != nil {
		t.Fatalf("connect as the application role: %v", err)
	}
	exec := func(sql string) error { _, err := app.Exec(ctx, sql); return err }

	// Records: made, found, changed, removed.
	for _, sql := range []string{
		`INSERT INTO clients (id, first_name, last_name, created_at, updated_at) VALUES ('c1', 'Zoë', 'Brontë', 't', 't')`,
		`UPDATE clients SET notes = 'prefers mornings', version = version + 1 WHERE id = 'c1'`,
		`INSERT INTO sessions (id, client_id, started_at, created_at, updated_at) VALUES ('s1', 'c1', '2026-01-02', 't', 't')`,
		`INSERT INTO drafts (id, client_id, form, updated_at) VALUES ('d1', 'c1', '{}', 't')`,
		`DELETE FROM drafts WHERE id = 'd1'`,
		`UPDATE sessions SET status = 'signed', signed_at = 't', record_hash = 'h1' WHERE id = 's1'`,
		// An amendment: written, then the session's record changed under it.
		`INSERT INTO session_amendments (id, session_id, at, reason) VALUES ('a1', 's1', 't', 'wrong zone')`,
		`INSERT INTO amendment_records (amendment_id, session_id, n, prev_hash, record_hash, record_before) VALUES ('a1', 's1', 1, 'h1', 'h2', '{}')`,
		`UPDATE sessions SET notes = 'amended', record_hash = 'h2' WHERE id = 's1'`,
		`INSERT INTO audit_log (seq, at, action, entity, entity_id, prev_hash, hash) VALUES (1, 't', 'sign', 'session', 's1', '', 'a1')`,
		// A result assessed after the signed session: recorded, corrected, removed.
		`INSERT INTO outcome_assessments (id, client_id, session_id, assessed_at, gais, created_at, updated_at) VALUES ('o1', 'c1', 's1', 't', 'improved', 't', 't')`,
		`UPDATE outcome_assessments SET gais = 'much_improved', version = version + 1 WHERE id = 'o1'`,
		`DELETE FROM outcome_assessments WHERE id = 'o1'`,
	} {
		if err := exec(sql); err != nil {
			t.Fatalf("the application role: %s: %v", sql, err)
		}
	}
	var found, lastSession string
	var num int
	if err := app.QueryRow(ctx, `SELECT id, num, last_session FROM clients WHERE search_text LIKE client_search_pattern('zoe') AND search_text LIKE client_search_pattern('bron')`).Scan(&found, &num, &lastSession); err != nil {
		t.Fatalf("the application role searching: %v", err)
	}
	if found != "c1" || num != 1 || lastSession != "2026-01-02" {
		t.Errorf("found client %q, number %d, last session %q; want c1, 1, 2026-01-02", found, num, lastSession)
	}

	// What it may not do, each refused by the server: 42501 for want of the right, NL001 where
	// the right is there and the trigger refuses.
	for _, tc := range []struct{ sql, code string }{
		{`ALTER TABLE sessions ADD COLUMN extra text`, "42501"},
		{`DROP TRIGGER sessions_signed ON sessions`, "42501"},
		{`ALTER TABLE sessions DISABLE TRIGGER sessions_signed`, "42501"},
		{`ALTER TABLE sessions DISABLE TRIGGER ALL`, "42501"},
		{`TRUNCATE drafts`, "42501"},
		{`TRUNCATE sessions`, "42501"},
		{`UPDATE audit_log SET detail = 'rewritten'`, "42501"},
		{`DELETE FROM audit_log`, "42501"},
		{`DELETE FROM audit_signatures`, "42501"},
		{`UPDATE session_amendments SET reason = ''`, "42501"},
		{`DELETE FROM practitioner_keys`, "42501"},
		{`UPDATE needlelog_schema SET version = 99`, "42501"},
		{`CREATE TABLE my_notes (x int)`, "42501"},
		{`CREATE TEMP TABLE my_notes (x int)`, "42501"},
		{`CREATE FUNCTION my_fn() RETURNS int LANGUAGE sql RETURN 1`, "42501"},
		{`DROP TABLE drafts`, "42501"},
		{`DROP FUNCTION session_locked(text)`, "42501"},
		{`ALTER FUNCTION sessions_signed() RENAME TO gone`, "42501"},
		{`UPDATE sessions SET notes = 'changed after signing' WHERE id = 's1'`, "NL001"},
		{`DELETE FROM sessions WHERE id = 's1'`, "NL001"},
	} {
		if got := sqlState(exec(tc.sql)); got != tc.code {
			t.Errorf("the application role: %s: SQLSTATE %q, want %s", tc.sql, got, tc.code)
		}
	}
	// A signed session goes with its archived client, its amendments with it: the cascade is the
	// tables' owner's to run, so the application role needs no DELETE on the amendments.
	for _, sql := range []string{
		`UPDATE clients SET archived_at = 't' WHERE id = 'c1'`,
		`DELETE FROM sessions WHERE id = 's1'`,
	} {
		if err := exec(sql); err != nil {
			t.Fatalf("the application role: %s: %v", sql, err)
		}
	}
	var amendments int
	if err := app.QueryRow(ctx, `SELECT (SELECT count(*) FROM session_amendments) + (SELECT count(*) FROM amendment_records)`).Scan(&amendments); err != nil || amendments != 0 {
		t.Errorf("%d amendment rows (%v) left after their session was removed, want none", amendments, err)
	}
	var owns int
	if err := app.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole)
		+ (SELECT count(*) FROM pg_proc WHERE proowner = current_user::regrole)`).Scan(&owns); err != nil || owns != 0 {
		t.Errorf("the application role owns %d objects (%v), want none", owns, err)
	}

	// Nobody else connects: the database's rights are not PUBLIC's.
	other, otherPassword := loginRole(t, adminURL)
	u := mustParse(t, res.AppURL)
	u.User = url.User(other)
	if _, err := connectAs(t, u.String(), otherPassword); sqlState(err) != "42501" {
		t.Errorf("another role connecting to the practice: %v, want SQLSTATE 42501", err)
	}

	// Open as the application role, at the current version.
	s, err := Open(ctx, res.AppURL, Options{Password: res.AppPassword})
	if err != nil {
		t.Fatalf("open as the application role: %v", err)
	}
	s.Close()

	// A second run changes nothing and says so.
	before := serverState(t, adminURL, o)
	again := initServerOK(t, adminURL, o)
	if len(again.Changes) != 0 || again.AppPassword != "" || !strings.Contains(again.String(), "was already set up: nothing was changed") {
		t.Errorf("a second server init says %q (changes %q, a password: %v), want that nothing was changed", again.String(), again.Changes, again.AppPassword != "")
	}
	if after := serverState(t, adminURL, o); after != before {
		t.Errorf("a second server init changed the server:\nbefore %s\nafter  %s", before, after)
	}
	if _, err := connectAs(t, res.AppURL, res.AppPassword); err != nil {
		t.Errorf("after a second server init the application role's password no longer works: %v", err)
	}

	// The owner role cannot log in, even with a password.
	adminExec(t, adminURL, `ALTER ROLE `+ident(o.OwnerRole)+` PASSWORD 'owner-pw-123456'`)
	u.User = url.User(o.OwnerRole)
	if _, err := connectAs(t, u.String(), "owner-pw-123456"); sqlState(err) != "28000" || !strings.Contains(err.Error(), "not permitted to log in") {
		t.Errorf("the owner role logging in: %v, want SQLSTATE 28000, not permitted to log in", err)
	}
}

// serverState is what server init may change, as text: the roles, their memberships, and the
// practice database's owner, rights, tables and version.
func serverState(t *testing.T, adminURL string, o InitOptions) string {
	t.Helper()
	ctx := context.Background()
	var cluster, practice string
	if err := adminConn(t, adminURL).QueryRow(ctx, `SELECT concat_ws(' | ',
		(SELECT string_agg(concat_ws(',', rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolpassword), ';' ORDER BY rolname)
			FROM pg_authid WHERE rolname IN ($1, $2)),
		(SELECT string_agg(roleid::regrole || '>' || member::regrole, ';' ORDER BY 1) FROM pg_auth_members
			WHERE roleid IN (SELECT oid FROM pg_roles WHERE rolname IN ($1, $2)) OR member IN (SELECT oid FROM pg_roles WHERE rolname IN ($1, $2))),
		(SELECT concat_ws(',', pg_get_userbyid(datdba), datacl, xmin) FROM pg_database WHERE datname = $3))`,
		o.OwnerRole, o.AppRole, o.Database).Scan(&cluster); err != nil {
		t.Fatal(err)
	}
	if err := adminConn(t, practiceURL(t, adminURL, o.Database)).QueryRow(ctx, `SELECT concat_ws(' | ',
		(SELECT concat_ws(',', nspowner::regrole, nspacl) FROM pg_namespace WHERE nspname = 'public'),
		(SELECT string_agg(concat_ws(',', relname, relowner::regrole, relacl, xmin), ';' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace),
		(SELECT string_agg(concat_ws(',', oid::regprocedure, proacl), ';' ORDER BY 1) FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
		(SELECT string_agg(concat_ws(',', defaclobjtype, defaclacl), ';' ORDER BY 1) FROM pg_default_acl),
		(SELECT version FROM needlelog_schema))`).Scan(&practice); err != nil {
		t.Fatal(err)
	}
	return cluster + " || " + practice
}

func TestInitServerByAnAdministratorWhoIsNotASuperuser(t *testing.T) {
	ctx := context.Background()
	adminURL, o := initFixture(t)
	admin, adminPassword := loginRole(t, adminURL)
	u := mustParse(t, adminURL)
	u.User = url.User(admin)
	q := u.Query()
	q.Del("passfile")
	u.RawQuery = q.Encode()
	notSuper := u.String()

	// Without the right to make databases: refused, nothing made.
	_, err := InitServer(ctx, notSuper, InitOptions{Database: o.Database, OwnerRole: o.OwnerRole, AppRole: o.AppRole, AdminPassword: adminPassword})
	if want := fmt.Sprintf("the user %q on the clinic's server at %s may not make roles and databases", admin, u.Host); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("server init by a user who may not make databases: %v, want %q", err, want)
	}
	if got := rolesNamed(t, adminURL, o.OwnerRole, o.AppRole); len(got) != 0 {
		t.Errorf("a refused server init made the roles %v", got)
	}

	adminExec(t, adminURL, `ALTER ROLE `+ident(admin)+` CREATEROLE CREATEDB`)
	o.AdminPassword = adminPassword
	o.AppPassword = "a-long-enough-password"
	res := initServerOK(t, notSuper, o)
	if res.AppPassword != "" || res.SchemaVersion != SchemaVersion() {
		t.Errorf("server init with a given password: result %+v", res)
	}
	app, err := connectAs(t, res.AppURL, "a-long-enough-password")
	if err != nil {
		t.Fatalf("connect as the application role with the given password: %v", err)
	}
	if _, err := app.Exec(ctx, `INSERT INTO clients (id, first_name, created_at, updated_at) VALUES ('c1', 'Ana', 't', 't')`); err != nil {
		t.Errorf("the application role adding a client: %v", err)
	}
	if _, err := app.Exec(ctx, `ALTER TABLE clients ADD COLUMN extra text`); sqlState(err) != "42501" {
		t.Errorf("the application role altering a table: %v, want SQLSTATE 42501", err)
	}
	again := initServerOK(t, notSuper, o)
	if len(again.Changes) != 0 || !slices.Equal(again.Notes, []string{fmt.Sprintf("the role %q existed already: its password was left as it was", o.AppRole)}) {
		t.Errorf("a second server init with a password: changes %q, notes %q", again.Changes, again.Notes)
	}
}

func rolesNamed(t *testing.T, adminURL string, names ...string) []string {
	t.Helper()
	rows, err := adminConn(t, adminURL).Query(context.Background(), `SELECT rolname::text FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1`, names)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func databaseExists(t *testing.T, adminURL, name string) bool {
	t.Helper()
	var n int
	if err := adminConn(t, adminURL).QueryRow(context.Background(), `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestInitServerRefusesWhatItDidNotMake(t *testing.T) {
	ctx := context.Background()
	// ownedDB makes the owner role and a database of its own holding what sql makes.
	ownedDB := func(adminURL string, o InitOptions, sql string) {
		adminExec(t, adminURL, `CREATE ROLE `+ident(o.OwnerRole)+` NOLOGIN`)
		adminExec(t, adminURL, `CREATE DATABASE `+ident(o.Database)+` OWNER `+ident(o.OwnerRole))
		adminExec(t, practiceURL(t, adminURL, o.Database), sql)
	}
	for _, tc := range []struct {
		name  string
		setup func(adminURL string, o InitOptions)
		want  string // ADMIN stands for the administrator's name
		is    error
	}{
		{"a database of another owner", func(adminURL string, o InitOptions) {
			adminExec(t, adminURL, `CREATE DATABASE `+ident(o.Database))
		}, "exists already and belongs to \"ADMIN\", not to the owner role", nil},
		{"an owner role that can log in", func(adminURL string, o InitOptions) {
			adminExec(t, adminURL, `CREATE ROLE `+ident(o.OwnerRole)+` LOGIN`)
		}, "and can log in, so it cannot be the practice's owner role: choose another name", nil},
		{"an application role that may write everywhere", func(adminURL string, o InitOptions) {
			adminExec(t, adminURL, `CREATE ROLE `+ident(o.AppRole)+` LOGIN IN ROLE pg_write_all_data`)
		}, "and is a member of pg_write_all_data, so it cannot be the practice's application role", nil},
		{"an application role that is a superuser", func(adminURL string, o InitOptions) {
			adminExec(t, adminURL, `CREATE ROLE `+ident(o.AppRole)+` LOGIN SUPERUSER`)
		}, "and is a superuser, so it cannot be the practice's application role", nil},
		{"another program's tables", func(adminURL string, o InitOptions) {
			ownedDB(adminURL, o, `CREATE TABLE invoices (id int); ALTER TABLE invoices OWNER TO `+ident(o.OwnerRole))
		}, "is not a Needlelog practice: server init leaves it as it is", data.ErrNotDatabase},
		{"a practice's table of another role", func(adminURL string, o InitOptions) {
			ownedDB(adminURL, o, `CREATE TABLE needlelog_schema (only_row boolean PRIMARY KEY DEFAULT true, version integer NOT NULL);
				INSERT INTO needlelog_schema (version) VALUES (7)`)
		}, "holds 1 tables or functions (needlelog_schema among them) that do not belong to", nil},
		{"a newer schema", func(adminURL string, o InitOptions) {
			ownedDB(adminURL, o, `CREATE TABLE needlelog_schema (only_row boolean PRIMARY KEY DEFAULT true, version integer NOT NULL);
				INSERT INTO needlelog_schema (version) VALUES (99); ALTER TABLE needlelog_schema OWNER TO `+ident(o.OwnerRole))
		}, "at schema version 99; this version reads up to", data.ErrNewerSchema},
	} {
		t.Run(tc.name, func(t *testing.T) {
			adminURL, o := initFixture(t)
			tc.setup(adminURL, o)
			roles, db := rolesNamed(t, adminURL, o.OwnerRole, o.AppRole), databaseExists(t, adminURL, o.Database)
			var tables []string
			if db {
				tables = tablesOf(t, practiceURL(t, adminURL, o.Database))
			}
			res, err := InitServer(ctx, adminURL, o)
			want := strings.ReplaceAll(tc.want, "ADMIN", mustParse(t, adminURL).User.Username())
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("server init: %v, want an error saying %q", err, want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			if strings.Contains(err.Error(), "SQLSTATE") || res.AppPassword != "" {
				t.Errorf("the refusal %q speaks PostgreSQL's words, or hands out a password", err)
			}
			// Refused before anything was made or changed.
			if got := rolesNamed(t, adminURL, o.OwnerRole, o.AppRole); !slices.Equal(got, roles) {
				t.Errorf("a refused server init left the roles %v, were %v", got, roles)
			}
			if got := databaseExists(t, adminURL, o.Database); got != db {
				t.Errorf("after a refused server init the database exists: %v, want %v", got, db)
			}
			if db {
				if got := tablesOf(t, practiceURL(t, adminURL, o.Database)); !slices.Equal(got, tables) {
					t.Errorf("a refused server init changed the database: tables %v, were %v", got, tables)
				}
			}
		})
	}
}

func TestInitServerRefusesAPoorPasswordOrNameBeforeConnecting(t *testing.T) {
	// Nothing listens at this address: each refusal comes before any connection.
	const nowhere = "postgres://admin@127.0.0.1:1/postgres?connect_timeout=1"
	for _, tc := range []struct {
		o    InitOptions
		want string
	}{
		{InitOptions{AppPassword: "short"}, "at least 12 characters"},
		{InitOptions{AppPassword: "pässwörd-of-the-clinic"}, "ASCII punctuation only"},
		{InitOptions{AppPassword: "tab\tinside-the-password"}, "ASCII punctuation only"},
		{InitOptions{Database: "Clinic"}, `the database's name "Clinic" is not one server init makes`},
		{InitOptions{AppRole: "app; DROP TABLE x"}, `the application role's name "app; DROP TABLE x"`},
		{InitOptions{OwnerRole: "same", AppRole: "same"}, "must differ"},
	} {
		_, err := InitServer(context.Background(), nowhere, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error saying %q", tc.o, err, tc.want)
		}
		if tc.o.AppPassword != "" {
			noSecret(t, err, tc.o.AppPassword)
		}
	}
}

func TestDefaultNamesFollowTheDatabase(t *testing.T) {
	o := InitOptions{}
	if err := o.complete(); err != nil {
		t.Fatal(err)
	}
	if o.Database != "needlelog" || o.OwnerRole != "needlelog_owner" || o.AppRole != "needlelog_app" {
		t.Errorf("default names %q, %q, %q", o.Database, o.OwnerRole, o.AppRole)
	}
}

// A Needlelog newer than the practice's schema, on a PC connected as the application role, does
// not try to migrate: it says that the administrator must run server init, which then does.
func TestAnOlderSchemaIsBroughtUpToDateByServerInitNotByThePCs(t *testing.T) {
	ctx := context.Background()
	embedded, err := embeddedMigrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := embedded[len(embedded)-1]
	next := fmt.Sprintf("%04d_next.sql", latest.version+1)
	for _, tc := range []struct{ name, body string }{
		{"a migration that alters a table", `ALTER TABLE clients ADD COLUMN pronouns text NOT NULL DEFAULT ''; CREATE TABLE later_things (id text PRIMARY KEY);`},
		// The app role may insert settings; recording the new version is what it may not do.
		{"a migration the app role could half do", `INSERT INTO settings (key, value) VALUES ('later.thing', '\x01')`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			adminURL, o := initFixture(t)
			res := initServerOK(t, adminURL, o)
			newer := append(slices.Clone(embedded), migration{version: latest.version + 1, name: next, body: tc.body})

			s, err := open(ctx, res.AppURL, Options{Password: res.AppPassword}, newer)
			if err == nil {
				s.Close()
				t.Fatal("the application role opened a practice whose schema it cannot bring up to date")
			}
			want := fmt.Sprintf("the practice on the clinic's server is at schema version %d and this version of Needlelog needs %d, which this PC's user may not change: the clinic's server needs `needlelog server init` (as its administrator) to bring it up to date",
				latest.version, latest.version+1)
			if !errors.Is(err, ErrServerInitNeeded) || err.Error() != want {
				t.Errorf("error %q, want ErrServerInitNeeded saying %q", err, want)
			}
			pURL := practiceURL(t, adminURL, o.Database)
			if got := schemaVersionOf(t, pURL); got != latest.version || slices.Contains(tablesOf(t, pURL), "later_things") {
				t.Errorf("the refused migration left version %d, tables %v", got, tablesOf(t, pURL))
			}
			var settings int
			if err := adminConn(t, pURL).QueryRow(ctx, `SELECT count(*) FROM settings WHERE key = 'later.thing'`).Scan(&settings); err != nil || settings != 0 {
				t.Errorf("the refused migration left %d of its settings (%v)", settings, err)
			}

			up, err := initServer(ctx, adminURL, o, newer)
			if err != nil {
				t.Fatalf("server init with the newer migrations: %v", err)
			}
			if wantChange := fmt.Sprintf("brought the practice's schema from version %d to %d", latest.version, latest.version+1); !slices.Contains(up.Changes, wantChange) {
				t.Errorf("server init says %q, want it to say %q", up.Changes, wantChange)
			}
			s, err = open(ctx, res.AppURL, Options{Password: res.AppPassword}, newer)
			if err != nil {
				t.Fatalf("open as the application role once server init ran: %v", err)
			}
			defer s.Close()
			if !strings.Contains(tc.body, "later_things") {
				return
			}
			// A table a later migration made is the app's to use, and no more.
			if _, err := s.pool.Exec(ctx, `INSERT INTO later_things VALUES ('x')`); err != nil {
				t.Errorf("the application role writing a later migration's table: %v", err)
			}
			if _, err := s.pool.Exec(ctx, `TRUNCATE later_things`); sqlState(err) != "42501" {
				t.Errorf("the application role truncating a later migration's table: %v, want SQLSTATE 42501", err)
			}
		})
	}
}

// PostgreSQL 14 and older make the public schema the bootstrap superuser's, with CREATE for
// everyone; a database made by hand for the owner role may have it so.
func TestInitServerTakesAPublicSchemaOpenToAll(t *testing.T) {
	ctx := context.Background()
	adminURL, o := initFixture(t)
	adminExec(t, adminURL, `CREATE ROLE `+ident(o.OwnerRole)+` NOLOGIN`)
	adminExec(t, adminURL, `CREATE DATABASE `+ident(o.Database)+` OWNER `+ident(o.OwnerRole))
	adminExec(t, practiceURL(t, adminURL, o.Database), `ALTER SCHEMA public OWNER TO CURRENT_USER; GRANT ALL ON SCHEMA public TO PUBLIC`)

	res := initServerOK(t, adminURL, o)
	if want := fmt.Sprintf("gave the schema public of %q to %q", o.Database, o.OwnerRole); !slices.Contains(res.Changes, want) {
		t.Errorf("server init says %q, want it to say %q", res.Changes, want)
	}
	app, err := connectAs(t, res.AppURL, res.AppPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Exec(ctx, `CREATE TABLE my_notes (x int)`); sqlState(err) != "42501" {
		t.Errorf("the application role making a table in a schema that was open to all: %v, want SQLSTATE 42501", err)
	}
	var owner string
	if err := app.QueryRow(ctx, `SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'`).Scan(&owner); err != nil || owner != o.OwnerRole {
		t.Errorf("the public schema belongs to %q (%v), want %q", owner, err, o.OwnerRole)
	}
}

func TestInitServerSaysWhenTheOwnerRoleMayNotDoAMigration(t *testing.T) {
	ctx := context.Background()
	adminURL, o := initFixture(t)
	initServerOK(t, adminURL, o)
	embedded, err := embeddedMigrations()
	if err != nil {
		t.Fatal(err)
	}
	v := embedded[len(embedded)-1].version + 1
	// pg_stat_statements is not a trusted extension: only a superuser may add it.
	newer := append(slices.Clone(embedded), migration{version: v, name: fmt.Sprintf("%04d_stats.sql", v), body: `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`})
	_, err = initServer(ctx, adminURL, o, newer)
	want := fmt.Sprintf("the practice's schema could not be brought to version %d as the owner role %q, which lacks a right it needs", v, o.OwnerRole)
	if err == nil || !strings.HasPrefix(err.Error(), want) || errors.Is(err, ErrServerInitNeeded) {
		t.Errorf("server init: %v, want an error saying %q", err, want)
	}
	if got := schemaVersionOf(t, practiceURL(t, adminURL, o.Database)); got != v-1 {
		t.Errorf("schema version %d after the refused migration, want %d", got, v-1)
	}
}
