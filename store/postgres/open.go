package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"needlelog.app/needlelog/data"
)

// The migrations are named for the schema version they bring the database to, NNNN_name.sql,
// with the numbers SQLite's migrations have: PostgreSQL came when SQLite's schema was at version
// 7, so its first file, 0007_init.sql, makes a new database whole at version 7 at once, and each
// later file goes one version up, as SQLite's file of that number does.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrUnreachable is a server that cannot be reached: off, a wrong address, the network down, or
// no answer within the connect timeout.
var ErrUnreachable = errors.New("the clinic's server cannot be reached")

// ErrLoginRefused is a server that refused the user name or password, or asked for a password
// when none was given.
var ErrLoginRefused = errors.New("the clinic's server refused the user name or password")

// ErrServerInitNeeded is a practice whose schema is older than this build, opened as a role that
// may not change it, as the application role cannot: only the server's administrator brings it
// up to date, with server init (InitServer), which applies the migrations as the owner role.
var ErrServerInitNeeded = errors.New("the clinic's server needs `needlelog server init` (as its administrator) to bring it up to date")

// ErrBadURL is a database address that is not a PostgreSQL URL.
var ErrBadURL = errors.New("the database address is not a PostgreSQL URL of the form postgres://user@host:port/database")

// migrationIdleTimeout is how long a migration's transaction may wait for its program before the
// server ends it (idle_in_transaction_session_timeout); tests shorten it.
var migrationIdleTimeout = "60s"

// afterMigrateLock, when set by a test, runs just after a migration transaction takes the lock.
var afterMigrateLock func()

// migrateLock is the advisory lock key that serialises migrations (the bytes of "NEEDLmig"), so
// that two PCs started at once never apply a migration twice. Advisory locks are per database.
const migrateLock int64 = 0x4E4545444C6D6967

// Open connects to the practice at connURL (postgres://user@host:port/database?...) and brings
// its schema up to this build's version. A database at a newer version is refused with
// data.ErrNewerSchema, and one that is not Needlelog's with data.ErrNotDatabase, with nothing
// changed in either.
func Open(ctx context.Context, connURL string, opts Options) (*Store, error) {
	ms, err := embeddedMigrations()
	if err != nil {
		return nil, err
	}
	s, err := open(ctx, connURL, opts, ms)
	if err != nil {
		return nil, err
	}
	cfg, err := poolConfig(connURL, opts)
	if err == nil {
		err = s.openRecords(ctx, cfg.ConnConfig, opts)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func open(ctx context.Context, connURL string, opts Options, ms []migration) (*Store, error) {
	cfg, err := poolConfig(connURL, opts)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, ErrBadURL // the configuration was checked in poolConfig: never the URL's text
	}
	s := &Store{pool: pool, addr: serverAddr(cfg.ConnConfig)}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, connectError(ctx, s.addr, cfg.ConnConfig, err)
	}
	if err := migrate(ctx, pool, ms); err != nil {
		pool.Close()
		if errors.Is(err, data.ErrNewerSchema) || errors.Is(err, data.ErrNotDatabase) {
			return nil, err
		}
		if isConnectionLost(err) {
			return nil, connectError(ctx, s.addr, cfg.ConnConfig, err)
		}
		if se := (*serverError)(nil); errors.As(err, &se) || ctx.Err() != nil {
			return nil, err
		}
		return nil, &serverError{fmt.Sprintf("the practice on the clinic's server at %s could not be brought up to date", s.addr), nil, err}
	}
	return s, nil
}

// poolConfig reads the URL and adds what it leaves out: the password (Options, then
// NEEDLELOG_DB_PASSWORD; pgx itself reads PGPASSWORD and the password file), a connect timeout
// and the application's name, which the server's administrator sees beside each connection.
func poolConfig(connURL string, opts Options) (*pgxpool.Config, error) {
	u, err := url.Parse(connURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, ErrBadURL
	}
	_, hasPassword := u.User.Password()
	hasPassword = hasPassword || u.Query().Has("password")
	cfg, err := pgxpool.ParseConfig(connURL)
	if err != nil {
		return nil, ErrBadURL // pgx's words may quote the URL
	}
	if !hasPassword {
		if opts.Password != "" {
			cfg.ConnConfig.Password = opts.Password
		} else if p := os.Getenv(PasswordEnv); p != "" {
			cfg.ConnConfig.Password = p
		} else if cfg.ConnConfig.Password != "" && os.Getenv("PGPASSWORD") == "" {
			// From the password file: used only while it is its owner's alone, as libpq does.
			if f := passFile(u); sharedFile(f) {
				return nil, &PasswordFileSharedError{Path: f}
			}
		}
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "Needlelog"
	}
	return cfg, nil
}

// PasswordFileSharedError is a password file other accounts of the computer may read: its
// passwords are theirs to read too, so it is not used, as PostgreSQL's own programs do not.
type PasswordFileSharedError struct{ Path string }

func (e *PasswordFileSharedError) Error() string {
	return fmt.Sprintf("the password file %s can be read by other accounts on this computer, so Needlelog does not use it: "+
		"make it readable by its owner alone (chmod 600 %[1]s) and try again", e.Path)
}

// passFile is the password file pgx read for the URL u: the URL's passfile, PGPASSFILE, or the
// account's own (~/.pgpass; %APPDATA%\postgresql\pgpass.conf on Windows).
func passFile(u *url.URL) string {
	if f := u.Query().Get("passfile"); f != "" {
		return f
	}
	if f := os.Getenv("PGPASSFILE"); f != "" {
		return f
	}
	if runtime.GOOS == "windows" {
		return filepath.Join(os.Getenv("APPDATA"), "postgresql", "pgpass.conf")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".pgpass")
}

// sharedFile reports whether the file at path may be read or written by accounts other than its
// owner. Windows keeps no such bits: its files are the account's unless shared on purpose.
func sharedFile(path string) bool {
	if runtime.GOOS == "windows" {
		return false
	}
	info, err := os.Stat(path)
	return err == nil && info.Mode().Perm()&0o077 != 0
}

// Redacted is connURL with any password taken out, to show or log: the only form of a server's
// URL that may be. A URL that cannot be read is not shown at all.
func Redacted(connURL string) string {
	u, err := url.Parse(connURL)
	if err != nil {
		return "(a database address that cannot be read)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.User(u.User.Username())
	}
	if q := u.Query(); q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// serverAddr is the server as said to the user: host:port, or the socket's folder and port.
func serverAddr(c *pgx.ConnConfig) string {
	if strings.HasPrefix(c.Host, "/") {
		return c.Host + " (port " + strconv.Itoa(int(c.Port)) + ")"
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port)))
}

// serverError is a failure said as a sentence, of kind ErrUnreachable, ErrLoginRefused or none;
// its cause (pgx's, which never holds the password) stays reachable for a log.
type serverError struct {
	sentence string
	kind     error
	cause    error
}

func (e *serverError) Error() string        { return e.sentence }
func (e *serverError) Is(target error) bool { return target == e.kind }
func (e *serverError) Unwrap() error        { return e.cause }

// connectError says why the server at addr could not be used. A caller that gave up gets its
// own context's error.
func connectError(ctx context.Context, addr string, c *pgx.ConnConfig, err error) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("connect to the clinic's server at %s: %w", addr, context.Cause(ctx))
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01": // invalid_password
			if c.Password == "" {
				return &serverError{fmt.Sprintf("the clinic's server at %s asks for the password of user %q, and none was given", addr, c.User), ErrLoginRefused, err}
			}
			return &serverError{fmt.Sprintf("the clinic's server at %s did not accept the password of user %q", addr, c.User), ErrLoginRefused, err}
		case "28000": // invalid_authorization_specification: no pg_hba.conf line lets the user in
			return &serverError{fmt.Sprintf("the clinic's server at %s does not let user %q connect from this PC", addr, c.User), ErrLoginRefused, err}
		case "3D000": // invalid_catalog_name
			return &serverError{fmt.Sprintf("the clinic's server at %s has no database %q", addr, c.Database), ErrUnreachable, err}
		}
		if !isConnectionLost(err) {
			return &serverError{fmt.Sprintf("the clinic's server at %s refused the connection", addr), ErrUnreachable, err}
		}
	}
	return &serverError{fmt.Sprintf("the clinic's server at %s cannot be reached: check that it is on and that this PC is on the clinic's network", addr), ErrUnreachable, err}
}

// isConnectionLost is an error of the connection rather than of a statement: the server went
// away while the schema was being brought up to date.
func isConnectionLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// connection_exception, operator_intervention (the server shutting down or ending the
		// session), idle_in_transaction_session_timeout
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P") || pgErr.Code == "25P03"
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, pgconn.ErrConnClosed) || pgconn.Timeout(err)
}

// migration is one embedded file: the schema version it brings the database to, and its SQL.
type migration struct {
	version int
	name    string
	body    string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// loadMigrations reads migrations/*.sql in order of version: the first may be any version from 1
// (it makes a new database whole), each later one is the next version.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var ms []migration
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		m := migrationName.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("migration %s: the name is not NNNN_name.sql", name)
		}
		version, _ := strconv.Atoi(m[1])
		switch {
		case version < 1:
			return nil, fmt.Errorf("migration %s: versions start at 1", name)
		case len(ms) > 0 && version != ms[len(ms)-1].version+1:
			return nil, fmt.Errorf("migration %s: version %d does not follow version %d", name, version, ms[len(ms)-1].version)
		}
		body, err := fs.ReadFile(fsys, path)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: version, name: name, body: string(body)})
	}
	if len(ms) == 0 {
		return nil, errors.New("no migrations")
	}
	return ms, nil
}

var embeddedMigrations = sync.OnceValues(func() ([]migration, error) { return loadMigrations(migrationFiles) })

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int {
	ms, err := embeddedMigrations()
	if err != nil {
		panic(err) // the files are embedded at build time; a test loads them
	}
	return ms[len(ms)-1].version
}

// migrate applies the missing migrations, each in its own transaction together with the new
// version, so that a failure or a lost connection leaves the database at one version or the next,
// never between. Each transaction first takes the migration lock and then reads the version, so
// of several programs opening the database at once one applies each migration and the others find
// it applied.
func migrate(ctx context.Context, pool *pgxpool.Pool, ms []migration) error {
	for {
		done, err := migrateStep(ctx, pool, ms)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next migration, or says that there is none to apply.
func migrateStep(ctx context.Context, pool *pgxpool.Pool, ms []migration) (done bool, err error) {
	current, latest := -1, ms[len(ms)-1].version
	defer func() {
		// Once the version is known, a refusal for want of rights is a role that may not change
		// the schema: it is not tried further, and the administrator is asked for.
		if current >= 0 && isInsufficientPrivilege(err) {
			err = serverInitNeeded(current, latest, err)
		}
	}()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	// A PC that goes away holding the lock (switched off, cable pulled) would keep the others
	// waiting until the server noticed, which may take hours: the server ends its session once it
	// has sent nothing for a while in the middle of the migration.
	if _, err := tx.Exec(ctx, `SELECT set_config('idle_in_transaction_session_timeout', $1, true)`, migrationIdleTimeout); err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
		return false, err
	}
	if afterMigrateLock != nil {
		afterMigrateLock()
	}
	v, err := schemaVersion(ctx, tx)
	if err != nil {
		return false, err
	}
	current = v
	first := ms[0].version
	var next migration
	switch {
	case current > latest:
		return false, fmt.Errorf("%w (the practice on the clinic's server is at schema version %d; this version reads up to %d): update Needlelog on this PC",
			data.ErrNewerSchema, current, latest)
	case current == latest:
		return true, nil
	case current == 0:
		next = ms[0]
		if _, err := tx.Exec(ctx, `CREATE TABLE needlelog_schema (
			only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
			version integer NOT NULL CHECK (version > 0))`); err != nil {
			return false, err
		}
		if _, err := tx.Exec(ctx, `COMMENT ON TABLE needlelog_schema IS 'Needlelog''s schema version: the last migration applied'`); err != nil {
			return false, err
		}
	case current < first:
		// No Needlelog wrote such a version on PostgreSQL: its schema starts at the first file's.
		return false, fmt.Errorf("%w (the database on the clinic's server says schema version %d, and Needlelog's schema on PostgreSQL starts at %d)",
			data.ErrNotDatabase, current, first)
	default:
		next = ms[current-first+1]
	}
	if _, err := tx.Exec(ctx, next.body); err != nil {
		if isConnectionLost(err) {
			return false, err
		}
		return false, &serverError{fmt.Sprintf("the practice on the clinic's server could not be brought up to schema version %d (%s); nothing of it was kept",
			next.version, next.name), nil, err}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO needlelog_schema (version) VALUES ($1)
		ON CONFLICT (only_row) DO UPDATE SET version = excluded.version`, next.version); err != nil {
		return false, fmt.Errorf("record schema version %d: %w", next.version, err)
	}
	return false, tx.Commit(ctx)
}

func isInsufficientPrivilege(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42501"
}

// serverInitNeeded says that the practice at version current needs the administrator to bring it
// to latest.
func serverInitNeeded(current, latest int, cause error) error {
	if current == 0 {
		return &serverError{fmt.Sprintf("the database on the clinic's server holds no practice yet, and this PC's user may not make one: %v", ErrServerInitNeeded), ErrServerInitNeeded, cause}
	}
	return &serverError{fmt.Sprintf("the practice on the clinic's server is at schema version %d and this version of Needlelog needs %d, which this PC's user may not change: %v",
		current, latest, ErrServerInitNeeded), ErrServerInitNeeded, cause}
}

// schemaVersion is the version the database records; 0 for an empty database. A database that
// holds tables but no version is another program's.
func schemaVersion(ctx context.Context, tx pgx.Tx) (int, error) {
	var hasTable bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass('needlelog_schema') IS NOT NULL`).Scan(&hasTable); err != nil {
		return 0, err
	}
	if !hasTable {
		var tables int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
			AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'`).Scan(&tables)
		if err != nil {
			return 0, err
		}
		if tables > 0 {
			return 0, fmt.Errorf("%w (the database on the clinic's server holds %d tables of another program)", data.ErrNotDatabase, tables)
		}
		return 0, nil
	}
	var version int
	err := tx.QueryRow(ctx, `SELECT version FROM needlelog_schema`).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("%w (the database on the clinic's server has lost its schema version)", data.ErrNotDatabase)
	}
	return version, err
}
