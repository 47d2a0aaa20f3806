package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// applicationID marks a SQLite file as Needlelog's ('NEED'); see migrations/0001_init.sql.
const applicationID = 0x4E454544

// Options says how to open a database.
type Options struct {
	// Create makes a new database when the file does not exist. Without it a missing file is
	// reported as ErrMissing, so a mistyped path never silently becomes an empty practice.
	Create bool
	// ReadOnly opens without writing anything, migrations included.
	ReadOnly bool
	// Now is the clock; time.Now when nil. Tests set it.
	Now func() time.Time
}

// Store is a Needlelog database: one SQLite file holding the whole practice.
// Its methods are safe for concurrent use.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	now      func() time.Time
	actor    atomic.Value // string: the practitioner signed in, for writes whose context names none
}

// SetActor names the practitioner signed in at this computer: writes whose context carries no
// practitioner (WithActor) are attributed to them in the audit log. "" attributes them to no one.
func (s *Store) SetActor(practitionerID string) { s.actor.Store(practitionerID) }

func (s *Store) defaultActor() string {
	id, _ := s.actor.Load().(string)
	return id
}

// Open opens the database at path, creating it only when opts.Create is set, and brings its
// schema up to date. A file written by a newer Needlelog, or one that is not a Needlelog
// database, is refused before anything is written to it.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !opts.Create || opts.ReadOnly {
			return nil, fmt.Errorf("open %s: %w", abs, ErrMissing)
		}
		if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
			return nil, fmt.Errorf("create folder for %s: %w", abs, err)
		}
	case err != nil:
		return nil, fmt.Errorf("open %s: %w", abs, err)
	case info.IsDir():
		return nil, fmt.Errorf("open %s: it is a folder, not a database file", abs)
	default:
		// Look before touching: converting the file to WAL, or a migration, would modify it.
		if err := probe(ctx, abs, opts.Create); err != nil {
			return nil, fmt.Errorf("open %s: %w", abs, err)
		}
	}

	db, err := sql.Open("sqlite", dsn(abs, opts.ReadOnly, opts.Create))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	if !opts.ReadOnly {
		db.SetMaxOpenConns(1) // one writer: no SQLITE_BUSY between our own connections
	}
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, path: abs, readOnly: opts.ReadOnly, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	if s.readOnly {
		return nil
	}
	if err := s.checkPragmas(ctx); err != nil {
		return err
	}
	return s.migrate(ctx)
}

// dsn builds a URI whose settings every pooled connection gets: a pragma run with Exec would
// reach only one of them.
func dsn(path string, readOnly, create bool) string {
	q := url.Values{}
	mode := "rw"
	switch {
	case readOnly:
		mode = "ro"
	case create:
		mode = "rwc"
	}
	q.Set("mode", mode)
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "trusted_schema(0)")
	// A deleted photo or record is overwritten on disk, not left in free pages for anyone who
	// copies the file to read: photos are the most sensitive thing the file holds.
	q.Add("_pragma", "secure_delete(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)") // a saved session survives a power cut, not just a crash
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// probe reads the file's header through a read-only connection that sets nothing, and refuses
// files that are not ours or are newer than this build understands.
func probe(ctx context.Context, path string, allowBlank bool) error {
	q := url.Values{"mode": {"ro"}}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	var appID, version, objects int
	err = db.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &version, &objects)
	if err != nil {
		if code := sqliteCode(err); code == sqlite3.SQLITE_NOTADB || code == sqlite3.SQLITE_CORRUPT {
			return fmt.Errorf("%w (it is not a SQLite file, or it is damaged)", ErrNotDatabase)
		}
		return fmt.Errorf("read header: %w", mapError(err))
	}
	switch {
	case appID == applicationID && version > len(migrationNames()):
		return fmt.Errorf("%w (schema version %d; this version reads up to %d): update Needlelog to open it",
			ErrNewerSchema, version, len(migrationNames()))
	case appID == applicationID:
		return nil
	case appID == 0 && version == 0 && objects == 0 && allowBlank:
		return nil // an empty file made on purpose, e.g. by a save dialog
	case appID == 0 && version == 0 && objects == 0:
		return fmt.Errorf("%w (the file is empty)", ErrNotDatabase)
	default:
		return fmt.Errorf("%w (it is a SQLite file of another program)", ErrNotDatabase)
	}
}

// checkPragmas reads back the settings durability depends on: a driver that silently ignored
// one would otherwise go unnoticed until a power cut.
func (s *Store) checkPragmas(ctx context.Context) error {
	var journal string
	var fk, sync, secure int
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT journal_mode FROM pragma_journal_mode),
		(SELECT foreign_keys FROM pragma_foreign_keys), (SELECT synchronous FROM pragma_synchronous),
		(SELECT secure_delete FROM pragma_secure_delete)`).Scan(&journal, &fk, &sync, &secure)
	if err != nil {
		return fmt.Errorf("read settings: %w", mapError(err))
	}
	if journal != "wal" || fk != 1 || sync != 2 || secure != 1 {
		return fmt.Errorf("connection settings not applied (journal_mode=%s foreign_keys=%d synchronous=%d secure_delete=%d)",
			journal, fk, sync, secure)
	}
	return nil
}

// migrationNames lists the embedded migrations in the order they apply; version N is the Nth.
func migrationNames() []string {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err) // the pattern is constant
	}
	slices.Sort(names)
	return names
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return len(migrationNames()) }

// migrate applies each missing migration in its own transaction together with the new
// user_version, so a crash leaves the file at one version or the next, never between.
func (s *Store) migrate(ctx context.Context) error {
	var current int
	if err := s.db.QueryRowContext(ctx, `SELECT user_version FROM pragma_user_version`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", mapError(err))
	}
	names := migrationNames()
	if current > len(names) {
		return fmt.Errorf("%w (schema version %d)", ErrNewerSchema, current)
	}
	for i := current; i < len(names); i++ {
		body, err := migrationFiles.ReadFile(names[i])
		if err != nil {
			return err
		}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			if i == 0 {
				if err := seedDefaults(ctx, tx, s.now()); err != nil {
					return fmt.Errorf("seed defaults: %w", err)
				}
			}
			_, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(i+1))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate to version %d (%s): %w", i+1, filepath.Base(names[i]), mapError(err))
		}
	}
	return nil
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.readOnly {
		return ErrReadOnlyMode
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	return mapError(tx.Commit())
}

// Path is the database file's absolute path.
func (s *Store) Path() string { return s.path }

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Close closes the database. Its WAL is checkpointed, leaving a single file behind.
func (s *Store) Close() error { return s.db.Close() }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// sqliteCode is the primary result code of a driver error, 0 for other errors.
func sqliteCode(err error) int { return extendedCode(err) & 0xff }

// extendedCode is the extended result code of a driver error, such as SQLITE_CONSTRAINT_UNIQUE.
func extendedCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// mapError turns driver errors into the package's own where a caller can act on them.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case extendedCode(err) == sqlite3.SQLITE_CONSTRAINT_UNIQUE, extendedCode(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w: %v", ErrDuplicate, err)
	case extendedCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %v", ErrBadReference, err)
	case sqliteCode(err) == sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("%w: %v", ErrNotDatabase, err)
	case sqliteCode(err) == sqlite3.SQLITE_FULL:
		return fmt.Errorf("the disk is full: %w", err)
	case sqliteCode(err) == sqlite3.SQLITE_READONLY:
		return fmt.Errorf("the database file or its folder is read-only: %w", err)
	}
	return err
}

// storedTimeLayout is RFC 3339 in UTC with a fixed nine-digit fraction, so that stored times sort
// as text in time order (RFC3339Nano drops trailing zeros, and "10:00:00.5Z" sorts after "10:00:00Z").
const storedTimeLayout = "2006-01-02T15:04:05.000000000Z"

// timeText formats a time for storage.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(storedTimeLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// timeCol scans a stored time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case nil:
	default:
		return fmt.Errorf("scan time from %T", src)
	}
	t, err := parseTime(s)
	*c.t = t
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
