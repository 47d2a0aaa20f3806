package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"needlelog.app/needlelog/data"
)

// Engine is what the database engine under a Store does its own way.
type Engine interface {
	// Ready waits until writes may begin (SQLite: the file's check has passed).
	Ready(ctx context.Context) error
	// BeginWrite begins a write transaction, waiting its turn behind other writers.
	BeginWrite(ctx context.Context) (*sql.Tx, error)
	// ReaderDB opens a connection of the caller's own for a long read; the caller closes it.
	ReaderDB() (*sql.DB, error)
	// StreamDB is like ReaderDB for reading everything once through, memory not growing with it.
	StreamDB() (*sql.DB, error)
	// HasPhotoLibrary says whether the database keeps its photos' bytes in the photo library.
	HasPhotoLibrary(ctx context.Context) (bool, error)
	// Checkpoint gives back what the database holds aside for readers (SQLite: empties the WAL).
	Checkpoint(ctx context.Context) error
}

// Store is a practice's records in a SQL database: the store boundary's methods, written once for
// every engine. Its methods are safe for concurrent use.
type Store struct {
	db         *sql.DB
	eng        Engine
	d          Dialect    // the engine's SQL where it differs
	lib        PhotoFiles // where photo files are kept: a folder, or the server
	readOnly   bool
	practiceID string // the practice's identity, which marks its photo folder (OwnLibrary)
	now        func() time.Time
	actor      atomic.Value // string: the practitioner signed in, for writes whose context names none
	writes     atomic.Uint64

	claimMu sync.Mutex
	claimed bool // the photo folder is known to be this practice's (OwnLibrary)

	keyMu sync.Mutex
	keys  map[string]*signingKey // practitioner ID → their unsealed key, only while they are signed in
}

// New is the store over db, opened by eng; photo files go to lib (*photolib.Library for a folder).
func New(db *sql.DB, eng Engine, lib PhotoFiles, readOnly bool, now func() time.Time) *Store {
	return &Store{db: db, eng: eng, d: dialectOf(eng), lib: lib, readOnly: readOnly, now: now}
}

// SetPracticeID notes the practice's identity, read by the engine on opening.
func (s *Store) SetPracticeID(id string) { s.practiceID = id }

// Writes is how many changes this store has committed since Open returned: a backup taken when
// it was n holds everything while it is still n.
func (s *Store) Writes() uint64 { return s.writes.Load() }

// SetActor names the practitioner signed in at this computer: writes whose context carries no
// practitioner (WithActor) are attributed to them in the audit log. "" attributes them to no one.
// The private keys of everyone else, unsealed by SignIn, are forgotten: locking (SetActor(""))
// leaves none in memory, and the one signed in keeps theirs to sign their audit entries.
func (s *Store) SetActor(practitionerID string) {
	s.actor.Store(practitionerID)
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	for id := range s.keys {
		if id != practitionerID {
			delete(s.keys, id)
		}
	}
}

// keyOf is the unsealed key of a practitioner signed in; nil when none is held.
func (s *Store) keyOf(practitionerID string) *signingKey {
	if practitionerID == "" {
		return nil
	}
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	return s.keys[practitionerID]
}

// holdKey keeps a practitioner's unsealed key until SetActor names someone else; nil forgets it.
func (s *Store) holdKey(practitionerID string, k *signingKey) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if k == nil {
		delete(s.keys, practitionerID)
		return
	}
	if s.keys == nil {
		s.keys = map[string]*signingKey{}
	}
	s.keys[practitionerID] = k
}

// Actor is the practitioner SetActor last named: the one signed in at this computer, or "".
func (s *Store) Actor() string { return s.defaultActor() }

func (s *Store) defaultActor() string {
	id, _ := s.actor.Load().(string)
	return id
}

// InTx runs fn in a write transaction. It is the one place writes begin, and so the one place a
// write waits its turn (Engine.BeginWrite).
func (s *Store) InTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.readOnly {
		return data.ErrReadOnlyMode
	}
	if err := s.eng.Ready(ctx); err != nil {
		return err
	}
	tx, err := s.eng.BeginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return mapError(err)
	}
	s.writes.Add(1)
	return nil
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error { return s.InTx(ctx, fn) }

func (s *Store) readerDB() (*sql.DB, error) { return s.eng.ReaderDB() }

func (s *Store) checkpoint(ctx context.Context) error { return s.eng.Checkpoint(ctx) }

// ResetWrites starts Writes again from 0: what opening wrote (an upgrade, the first lists) is the
// database as found.
func (s *Store) ResetWrites() { s.writes.Store(0) }

// NoteWrite counts a change the engine made outside InTx (SQLite: a VACUUM giving space back).
func (s *Store) NoteWrite() { s.writes.Add(1) }

// ClientTotal is how many clients the practice holds, archived ones included: whether it has
// begun. Unlike Counts it reads one small table, which opening a large practice from a cold disk
// notices.
func (s *Store) ClientTotal(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM clients`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count clients: %w", mapError(err))
	}
	return n, nil
}

// PhotoDir is the folder of the practice's photo library; "" when its photo files are kept on the
// clinic's server.
func (s *Store) PhotoDir() string { return s.lib.Dir() }

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// driverErrors turn each engine's driver errors into data's; see RegisterErrors.
var driverErrors []func(error) (error, bool)

// RegisterErrors adds an engine's mapping of its driver's errors: fn says, for an error of its own
// driver, what it means (true); it leaves every other error alone (false).
func RegisterErrors(fn func(error) (error, bool)) { driverErrors = append(driverErrors, fn) }

// MapError turns driver errors into data's where a caller can act on them.
func MapError(err error) error { return mapError(err) }

func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return data.ErrNotFound
	}
	for _, fn := range driverErrors {
		if m, ok := fn(err); ok {
			return m
		}
	}
	return err
}

// QueryOn runs a list query through q and scans each row with scan.
func QueryOn[T any](ctx context.Context, q Querier, what, query string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	return queryOn(ctx, q, what, query, args, scan)
}

// ScanAll runs a query through q and calls scan on each row.
func ScanAll(ctx context.Context, q Querier, query string, args []any, scan func(*sql.Rows) error) error {
	return scanAll(ctx, q, query, args, scan)
}

// Querier is a pool or a transaction.
type Querier = querier

// SeedDefaults puts a new practice's default lists in.
func SeedDefaults(ctx context.Context, tx *sql.Tx, now time.Time) error {
	return seedDefaults(ctx, tx, now)
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
	t, err := data.ParseTime(s)
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
