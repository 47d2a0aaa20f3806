package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlstore"
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
	// PhotoDir is the photo library's folder; "" is the one beside the database (photolib.Beside).
	// A snapshot opened to be read names the library its photos are in.
	PhotoDir string
	// CheckLater opens a file that was closed cleanly without waiting for SQLite's quick check,
	// which then runs while the practice is shown; every write waits for it, and is refused when
	// it finds damage (see gate.go). Checked says its verdict.
	CheckLater bool
}

// Store is a Needlelog database: one SQLite file holding the whole practice. The shared store
// (sqlstore.Store) gives the records; this type adds the file: opening, checks, snapshots, the WAL.
// Its methods are safe for concurrent use.
type Store struct {
	*sqlstore.Store
	db       *sql.DB
	path     string
	lib      *photolib.Library
	readOnly bool
	// immutable: read-only, from a folder SQLite cannot create its -shm file in (needsImmutable).
	immutable bool
	now       func() time.Time
	gate      *gate // holds writes until the file's check has passed
}

// Open opens the database at path, creating it only when opts.Create is set, and brings its
// schema up to date. Before anything is written, the file is looked at through a read-only
// connection: a file written by a newer Needlelog, one that is not a Needlelog database, and,
// when opening for writing, one that fails SQLite's quick check (ErrDamaged), whose tables,
// indexes, triggers or views are not those Needlelog made (ErrForeignSchema, as a *SchemaError),
// or that this account cannot write to (ErrReadOnlyFile) are refused and left byte for byte as
// they were. A damaged or foreign file still opens with ReadOnly, so that its records can be read
// and exported, and its Check lists what is wrong.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	immutable, checkLater := false, false
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !opts.Create || opts.ReadOnly {
			return nil, fmt.Errorf("open %s: %w", abs, data.ErrMissing)
		}
		if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
			if errors.Is(err, fs.ErrPermission) || readOnlyMount(err) {
				err = fmt.Errorf("%w: the folder %s cannot be created there: %v", data.ErrReadOnlyFile, filepath.Dir(abs), err)
			}
			return nil, fmt.Errorf("create folder for %s: %w", abs, err)
		}
		if err := folderWritable(filepath.Dir(abs)); err != nil {
			return nil, fmt.Errorf("create %s: %w", abs, readOnlyFolder(filepath.Dir(abs), false))
		}
	case err != nil:
		return nil, fmt.Errorf("open %s: %w", abs, err)
	case info.IsDir():
		return nil, fmt.Errorf("open %s: it is a folder, not a database file", abs)
	default:
		// Look before touching: converting the file to WAL, or a migration, would modify it.
		checkLater, err = probe(ctx, abs, opts.Create, !opts.ReadOnly, opts.CheckLater)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", abs, openFault(abs, opts.ReadOnly, err))
		}
		if !opts.ReadOnly {
			// SQLite opens a file it may not write read-only without a word: ask first.
			if err := writable(abs); err != nil {
				return nil, fmt.Errorf("open %s: %w", abs, err)
			}
		} else {
			immutable = needsImmutable(abs)
		}
	}

	photoDir := opts.PhotoDir
	if photoDir == "" {
		photoDir = photolib.Beside(abs)
	}
	s := &Store{path: abs, lib: photolib.Open(photoDir), readOnly: opts.ReadOnly, immutable: immutable, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	db, err := sql.Open("sqlite", dsnWith(abs, opts.ReadOnly, opts.Create, immutable))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	if !opts.ReadOnly {
		db.SetMaxOpenConns(1) // one writer: no SQLITE_BUSY between our own connections
	}
	db.SetConnMaxIdleTime(0)
	s.db = db
	s.Store = sqlstore.New(db, &engine{s}, s.lib, s.readOnly, s.now)
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", abs, openFault(abs, opts.ReadOnly, err))
	}
	if !s.readOnly {
		var id string
		id, err = s.PracticeID(ctx) // its photo folder is marked with it (OwnLibrary)
		s.SetPracticeID(id)
	}
	var other *photolib.OtherPracticeError
	if err == nil && errors.As(s.OwnLibrary(false), &other) {
		err = other // a folder that cannot be marked now is said when a photo is written or swept
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	s.ResetWrites() // what opening wrote (an upgrade, the first lists) is the file as found
	if checkLater {
		s.checkInBackground()
	}
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	// Settings are read back in both modes: the first query is also where SQLite reports a file
	// it cannot open, which belongs to Open, not to the first screen that reads a record.
	if err := s.checkPragmas(ctx); err != nil {
		return err
	}
	if s.readOnly {
		return nil
	}
	if err := s.checkWritable(ctx); err != nil {
		return err
	}
	return s.migrate(ctx)
}

// checkWritable fails on a file SQLite opened read-only behind a read-write request, as it does
// without a word for a file this account may not write (on Windows, for reasons the access check
// in Open cannot see). Beginning a transaction is not enough: in WAL mode that succeeds, and only
// the first page written fails. The page written here is the header's own schema version, set to
// what it is, and rolled back.
func (s *Store) checkWritable(ctx context.Context) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // the point is to write nothing
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT user_version FROM pragma_user_version`).Scan(&version); err != nil {
		return mapError(err)
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version)); err != nil {
		return mapError(err)
	}
	return nil
}

// needsImmutable reports whether a read-only open of path must tell SQLite the file does not
// change: in WAL mode SQLite creates a -wal and -shm file beside the database even to read it,
// which a folder this account cannot write to does not allow. That is safe only when no -wal or
// -journal is there, that is, when no one had the file open for writing when it was looked at.
func needsImmutable(path string) bool {
	return folderWritable(filepath.Dir(path)) != nil && !sidecarsPresent(path)
}

// sidecarsPresent reports whether a -wal or -journal file lies beside path: someone has the database
// open, or a writer stopped without closing it and SQLite must recover from them.
func sidecarsPresent(path string) bool {
	for _, suffix := range []string{"-wal", "-journal"} {
		if _, err := os.Lstat(path + suffix); !errors.Is(err, fs.ErrNotExist) {
			return true // an error other than "not there" counts as there: look through SQLite
		}
	}
	return false
}

// logToRecover reports whether the database at path may hold records outside its file: a
// -journal beside it, or a -wal with anything in it. An empty -wal holds nothing (a command that
// only read the file leaves one, and its -shm, not being allowed to checkpoint): the file alone is
// the whole database, as after a clean close.
func logToRecover(path string) bool {
	if _, err := os.Lstat(path + "-journal"); !errors.Is(err, fs.ErrNotExist) {
		return true
	}
	fi, err := os.Lstat(path + "-wal")
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	return err != nil || !fi.Mode().IsRegular() || fi.Size() > 0
}

// writable checks that this account may write the database file and create files beside it
// (SQLite's -wal and -shm), saying which of the two it may not.
func writable(path string) error {
	dir := filepath.Dir(path)
	if err := folderWritable(dir); err != nil {
		return readOnlyFolder(dir, false)
	}
	if err := fileWritable(path); err != nil {
		return readOnlyFileErr(readOnlyMount(err))
	}
	return nil
}

// readOnlyFileErr is a database file that cannot be written, the folder being writable.
func readOnlyFileErr(readOnlyFS bool) error {
	if readOnlyFS {
		return fmt.Errorf("%w: the disk it is on is read-only (a locked memory card, or a share mounted read-only): "+
			"copy the file to this computer's own disk, or open it read-only", data.ErrReadOnlyFile)
	}
	return fmt.Errorf("%w: the file is write-protected, so nothing can be saved to it: allow writing to it "+
		"(in its properties or permissions), or open it read-only", data.ErrReadOnlyFile)
}

// readOnlyFolder is a database whose folder cannot be written: SQLite keeps a write-ahead log
// and a shared-memory file beside the database, and needs to create them.
func readOnlyFolder(dir string, readOnly bool) error {
	if readOnly {
		return fmt.Errorf("%w: its folder %s cannot be written to, and SQLite needs to create a small file "+
			"beside the database even to read it: copy the file to a folder you can write to and open the copy", data.ErrReadOnlyFile, dir)
	}
	return fmt.Errorf("%w: its folder %s cannot be written to, and SQLite needs to create its journal files "+
		"beside the database: move the file to a folder you can write to, or open it read-only", data.ErrReadOnlyFile, dir)
}

// openFault says why SQLite could not open or write a file, when the file or its folder is to
// blame; other errors are returned as they are.
func openFault(path string, readOnly bool, err error) error {
	code := sqliteCode(err)
	if code != sqlite3.SQLITE_CANTOPEN && !errors.Is(err, data.ErrReadOnlyFile) && !errors.Is(err, errNotWAL) {
		return err
	}
	dir := filepath.Dir(path)
	if ferr := fileReadable(path); ferr != nil && !errors.Is(ferr, fs.ErrNotExist) {
		return fmt.Errorf("%w: Needlelog is not allowed to read the file: %v", fs.ErrPermission, ferr)
	}
	if folderWritable(dir) != nil {
		return readOnlyFolder(dir, readOnly)
	}
	if ferr := fileWritable(path); ferr != nil && !readOnly && !errors.Is(ferr, fs.ErrNotExist) {
		return readOnlyFileErr(readOnlyMount(ferr))
	}
	if code == sqlite3.SQLITE_CANTOPEN {
		return fmt.Errorf("SQLite cannot open the file: %w", err)
	}
	return err
}

// dsn builds a URI whose settings every pooled connection gets: a pragma run with Exec would
// reach only one of them.
func dsn(path string, readOnly, create bool) string { return dsnWith(path, readOnly, create, false) }

// dsnWith is dsn, with immutable=1 when the file is read as one (see needsImmutable).
func dsnWith(path string, readOnly, create, immutable bool) string {
	q := readQuery(immutable)
	switch {
	case readOnly:
	case create:
		q.Set("mode", "rwc")
	default:
		q.Set("mode", "rw")
	}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "trusted_schema(0)")
	// A deleted photo or record is overwritten on disk, not left in free pages for anyone who
	// copies the file to read: photos are the most sensitive thing the file holds.
	q.Add("_pragma", "secure_delete(1)")
	// Sorts too large for the page cache, and temporary tables, stay in memory rather than in
	// unnamed files in the system's temporary folder: no clinical data lands there, and there
	// is no second disk to fill. Nothing here sorts more than a few megabytes.
	q.Add("_pragma", "temp_store(2)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)") // a saved session survives a power cut, not just a crash
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// readQuery is the URI query of a connection that only reads a database file: mode=ro, and
// immutable=1 for a file that can be read no other way (see needsImmutable).
func readQuery(immutable bool) url.Values {
	q := url.Values{"mode": {"ro"}}
	if immutable {
		q.Set("immutable", "1")
	}
	return q
}

// readerQuery is readQuery for the store's own file: connections that read beside the pool
// (exports, snapshots) start from it, so they can read whatever the store can.
func (s *Store) readerQuery() url.Values { return readQuery(s.immutable) }

// probe reads the file's header through a read-only connection that sets nothing, and refuses
// files that are not ours or are newer than this build understands; with check, it also
// runs SQLite's quick check and refuses a damaged file. With later, the quick check is left for
// after opening (checkLater is then true) when the file allows it (see gate.go).
//
// A read-only connection to a WAL database creates the -wal and -shm files and, not being
// allowed to checkpoint, leaves them behind. When there is no -wal or -journal file, no one has
// the database open for writing, and the file alone is the whole database: it is read as
// immutable, which creates nothing and takes no locks, so a refused file is left exactly as it
// was. (Were a writer to open it during those milliseconds, the worst is a check that fails and
// is repeated on the next open.)
func probe(ctx context.Context, path string, allowBlank, check, later bool) (checkLater bool, err error) {
	sidecars := sidecarsPresent(path)
	q := readQuery(!sidecars)
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return false, err
	}
	defer db.Close()
	if err := probeHeader(ctx, db, path, allowBlank); err != nil {
		return false, err
	}
	if !check {
		return false, nil
	}
	var appID, version int
	var wal bool
	err = db.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version),
		coalesce((SELECT hex(substr(data, 19, 2)) = '0202' FROM sqlite_dbpage WHERE pgno = 1), 0)`).Scan(&appID, &version, &wal)
	if err != nil {
		return false, fmt.Errorf("read header: %w", mapError(err))
	}
	if appID == applicationID {
		// A migration run on tables other than its version's would fail halfway through
		// opening, the file already switched to WAL: compare before anything is written.
		if err := checkSchema(ctx, db, version); err != nil {
			return false, err
		}
	}
	if later && appID == applicationID && version == SchemaVersion() && wal && !logToRecover(path) {
		return true, nil
	}
	return false, quickCheck(ctx, db)
}

// quickCheck runs SQLite's quick check on db and refuses a damaged file.
func quickCheck(ctx context.Context, db *sql.DB) error {
	problems, err := checkRows(ctx, db, `PRAGMA quick_check(`+strconv.Itoa(data.DamageShown+1)+`)`)
	if err != nil {
		if sqliteCode(err) == sqlite3.SQLITE_CORRUPT {
			return fmt.Errorf("%w: %v", data.ErrDamaged, err)
		}
		return fmt.Errorf("quick check: %w", mapError(err))
	}
	if len(problems) > data.DamageShown {
		problems = append(problems[:data.DamageShown], "…")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", data.ErrDamaged, strings.Join(problems, "; "))
	}
	return nil
}

// probeHeader refuses a file that is not a SQLite database, not Needlelog's, newer than this
// build, or cut short.
func probeHeader(ctx context.Context, db *sql.DB, path string, allowBlank bool) error {
	var appID, version, objects int
	err := db.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &version, &objects)
	if err != nil {
		switch sqliteCode(err) {
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%w (it is not a SQLite database)", data.ErrNotDatabase)
		case sqlite3.SQLITE_CORRUPT:
			if short := cutShort(ctx, path); short != "" {
				return fmt.Errorf("%w: %s", data.ErrDamaged, short)
			}
			return fmt.Errorf("%w: its first pages cannot be read (%v)", data.ErrDamaged, err)
		case sqlite3.SQLITE_ERROR:
			// The query is SQLite's own; what fails in it is the file, as a header naming a file
			// format no SQLite knows ("unsupported file format") does.
			return fmt.Errorf("%w: SQLite cannot read it (%v)", data.ErrDamaged, err)
		}
		return fmt.Errorf("read header: %w", mapError(err))
	}
	switch {
	case appID == applicationID && version > len(migrationNames()):
		return fmt.Errorf("%w (schema version %d; this version reads up to %d): update Needlelog to open it",
			data.ErrNewerSchema, version, len(migrationNames()))
	case appID == applicationID:
	case appID == 0 && version == 0 && objects == 0 && allowBlank:
		// An empty file made on purpose, e.g. by a save dialog.
	case appID == 0 && version == 0 && objects == 0:
		return fmt.Errorf("%w (the file is empty)", data.ErrNotDatabase)
	default:
		return fmt.Errorf("%w (it is a SQLite file of another program)", data.ErrNotDatabase)
	}
	// A file cut within its last page, or one whose missing pages held nothing, opens and passes
	// the quick check: its header's page count says it all the same.
	if short := cutShort(ctx, path); short != "" {
		return fmt.Errorf("%w: %s", data.ErrDamaged, short)
	}
	return nil
}

// cutShort says how the file at path is cut short, when it ends before the last page its header
// counts (the header's page count × page size against the file's size), or "". SQLite refuses such
// a file as malformed, which says nothing of the cause. The header is read through SQLite (never
// a plain open, which would drop this process's locks on the file) on a connection that tolerates
// the short file; with a write-ahead log beside it, the log's pages count as the file's, as SQLite
// counts them.
func cutShort(ctx context.Context, path string) string {
	sidecars := sidecarsPresent(path)
	q := readQuery(!sidecars)
	q.Add("_pragma", "writable_schema(1)") // only so that SQLite reads on past the missing pages
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return ""
	}
	defer db.Close()
	var page1 []byte
	var pages, pageSize int64
	err = db.QueryRowContext(ctx, `SELECT data, (SELECT page_count FROM pragma_page_count), (SELECT page_size FROM pragma_page_size)
		FROM sqlite_dbpage WHERE pgno = 1`).Scan(&page1, &pages, &pageSize)
	if err != nil || len(page1) < 100 || pageSize <= 0 {
		return ""
	}
	// The header's page count is valid only while the number beside it matches the change counter
	// (a file written by a SQLite older than 3.7.0 may not keep it).
	if !bytes.Equal(page1[24:28], page1[92:96]) {
		return ""
	}
	want := int64(binary.BigEndian.Uint32(page1[28:32]))
	size := pages * pageSize
	if !sidecars {
		if info, err := os.Stat(path); err == nil {
			size = info.Size()
		}
	}
	if want == 0 || size >= want*pageSize {
		return ""
	}
	return fmt.Sprintf("the file is cut short: it ends before its last page (it holds %d of its %d KB); "+
		"it may have been copied while in use, or the disk filled", size/1024, want*pageSize/1024)
}

// checkSchema refuses a Needlelog file whose tables, indexes, triggers or views are not the ones
// Needlelog's migrations made at its schema version (compareSchema), before anything is written:
// a trigger added or changed outside Needlelog acts on every save (one erasing what is saved, one
// recursing without end), and a migration run over a schema of another shape could fail halfway,
// the file already switched to WAL. A file that matches upgrades as Needlelog's own file does.
func checkSchema(ctx context.Context, db *sql.DB, version int) error {
	diffs, err := schemaDifferences(ctx, db, version)
	if err != nil {
		if sqliteCode(err) == sqlite3.SQLITE_CORRUPT {
			return fmt.Errorf("%w: %v", data.ErrDamaged, err)
		}
		return fmt.Errorf("compare the file's tables with Needlelog's: %w", mapError(err))
	}
	if len(diffs) > 0 {
		return &data.SchemaError{Differences: diffs}
	}
	return nil
}

// checkRows runs an integrity or quick check and returns its findings, one a line, without
// "ok" and without SQLite's "*** in database main ***" heading.
func checkRows(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		// A row may hold several findings, a line each.
		for _, l := range strings.Split(line, "\n") {
			l = strings.TrimSpace(l)
			if l != "ok" && l != "" && l != "*** in database main ***" {
				out = append(out, l)
			}
		}
	}
	return out, rows.Err()
}

// errNotWAL is a file that stayed out of WAL mode, as one in a folder SQLite cannot create the
// log in does.
var errNotWAL = errors.New("the file could not be put in write-ahead-log mode")

// checkPragmas reads back the settings the DSN asks for: a driver that silently ignored one
// would otherwise go unnoticed until a power cut.
func (s *Store) checkPragmas(ctx context.Context) error {
	var journal string
	var busy, temp, fk, sync, secure int
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT journal_mode FROM pragma_journal_mode),
		(SELECT timeout FROM pragma_busy_timeout), (SELECT temp_store FROM pragma_temp_store),
		(SELECT foreign_keys FROM pragma_foreign_keys), (SELECT synchronous FROM pragma_synchronous),
		(SELECT secure_delete FROM pragma_secure_delete)`).Scan(&journal, &busy, &temp, &fk, &sync, &secure)
	if err != nil {
		return fmt.Errorf("read settings: %w", mapError(err))
	}
	if !s.readOnly && journal != "wal" {
		return fmt.Errorf("%w (journal_mode=%s)", errNotWAL, journal)
	}
	if busy != 5000 || temp != 2 || fk != 1 || secure != 1 || (!s.readOnly && sync != 2) {
		return fmt.Errorf("connection settings not applied (busy_timeout=%d temp_store=%d foreign_keys=%d synchronous=%d secure_delete=%d)",
			busy, temp, fk, sync, secure)
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
		return fmt.Errorf("%w (schema version %d)", data.ErrNewerSchema, current)
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
				if err := sqlstore.SeedDefaults(ctx, tx, s.now()); err != nil {
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

// busyWait bounds how long a write waits for another program's writes to end: SQLite's own wait
// (busy_timeout) on each attempt, and the pauses between attempts. Tests shorten it.
var busyWait = 30 * time.Second

// inTx runs fn in a write transaction (sqlstore.Store.InTx). Every writer of a practice, in this
// program or another, takes the write lock at BEGIN IMMEDIATE (beginWrite); one that finds it held
// past SQLite's busy timeout tries again after a growing, jittered pause (so that two waiting
// writers do not try in step), for up to busyWait.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error { return s.InTx(ctx, fn) }

// beginWrite begins a write transaction, retrying while another connection holds the write lock.
func (s *Store) beginWrite(ctx context.Context) (*sql.Tx, error) {
	deadline := time.Now().Add(busyWait)
	pause := 20 * time.Millisecond
	for {
		tx, err := s.db.BeginTx(ctx, nil)
		if err == nil || sqliteCode(err) != sqlite3.SQLITE_BUSY || time.Now().Add(pause).After(deadline) {
			return tx, mapError(err)
		}
		t := time.NewTimer(pause/2 + rand.N(pause))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, time.Second)
	}
}

// Path is the database file's absolute path.
func (s *Store) Path() string { return s.path }

// Close closes the database. Its WAL is checkpointed, leaving a single file behind.
func (s *Store) Close() error {
	s.gate.stop()
	return s.db.Close()
}

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

// mapError turns driver errors into the package's own where a caller can act on them. Faults of
// the file (a full disk, a read-only or damaged file) are said in words a practitioner can act
// on; the driver's error stays wrapped for the log.
func mapError(err error) error { return sqlstore.MapError(err) }

// driverError is mapError for SQLite's errors, registered with sqlstore; false for another error.
func driverError(err error) (error, bool) {
	code := extendedCode(err)
	if code == 0 {
		return err, false
	}
	switch {
	case code == sqlite3.SQLITE_CONSTRAINT_TRIGGER && strings.Contains(err.Error(), sqlstore.SignedRaise):
		return fmt.Errorf("%w (%v)", data.ErrSigned, err), true
	case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE, code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w: %v", data.ErrDuplicate, err), true
	case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %v", data.ErrBadReference, err), true
	case code&0xff == sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("%w: %v", data.ErrNotDatabase, err), true
	case code&0xff == sqlite3.SQLITE_CORRUPT:
		return &fault{kind: data.ErrDamaged, msg: "SQLite read a part of it that does not hold what it should", cause: err}, true
	case code&0xff == sqlite3.SQLITE_FULL:
		return &fault{kind: data.ErrDiskFull, msg: "free some space; the record was not saved", cause: err}, true
	case code == sqlite3.SQLITE_IOERR_WRITE:
		// A write the file system refused: a full disk on some systems, and the file-size limit
		// (EFBIG: a FAT32 memory card's 4 GB, or a process limit) on all of them.
		return &fault{kind: data.ErrDiskFull, msg: "the file could not grow: free some space, or move the database to a disk " +
			"that takes larger files; the record was not saved", cause: err}, true
	case code == sqlite3.SQLITE_READONLY_DBMOVED:
		return &fault{kind: data.ErrReadOnlyFile, msg: "the file was moved, renamed or deleted while it was open; " +
			"the record was not saved: close the practice and open it from where it is now", cause: err}, true
	case code&0xff == sqlite3.SQLITE_READONLY:
		return &fault{kind: data.ErrReadOnlyFile, msg: "the record was not saved", cause: err}, true
	case code&0xff == sqlite3.SQLITE_BUSY:
		return busyError{err}, true
	}
	return err, false
}

// fault is a driver error said in words: "<kind>: <msg>", matching both kind and the driver's
// error with errors.Is and errors.As.
type fault struct {
	kind  error
	msg   string
	cause error
}

func (e *fault) Error() string { return e.kind.Error() + ": " + e.msg }

func (e *fault) Unwrap() []error { return []error{e.kind, e.cause} }

// busyError says ErrBusy's sentence, never SQLite's words, and matches ErrBusy and the driver's
// error with errors.Is and errors.As.
type busyError struct{ cause error }

func (e busyError) Error() string { return data.ErrBusy.Error() }

func (e busyError) Unwrap() []error { return []error{data.ErrBusy, e.cause} }
