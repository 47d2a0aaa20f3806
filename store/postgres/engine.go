package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlstore"
)

// writeLock is the advisory lock key every write transaction takes first (the bytes of "NEED"):
// PCs writing at once take turns, as SQLite's BEGIN IMMEDIATE makes them, so the audit log stays
// one chain. It differs from migrateLock.
const writeLock int64 = 0x4E454544

// engine is PostgreSQL's side of the shared store (sqlstore.Engine).
type engine struct {
	db     *sql.DB
	reader *pgx.ConnConfig // the server as reading connections reach it: each transaction a snapshot
}

var (
	_ sqlstore.Engine    = (*engine)(nil)
	_ sqlstore.Dialecter = (*engine)(nil)
)

func init() { sqlstore.RegisterErrors(driverError) }

func (e *engine) Dialect() sqlstore.Dialect { return sqlstore.Dialect{PostgreSQL: true} }

// Ready: the server checks its own data; writes may begin at once.
func (e *engine) Ready(context.Context) error { return nil }

// BeginWrite begins a transaction holding the write lock until it ends.
func (e *engine) BeginWrite(ctx context.Context) (*sql.Tx, error) {
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, sqlstore.MapError(err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, writeLock); err != nil {
		tx.Rollback() //nolint:errcheck // the error that matters is the lock's
		return nil, fmt.Errorf("wait for the other PCs' saves: %w", sqlstore.MapError(err))
	}
	return tx, nil
}

// ReaderDB is one connection whose transactions each read one snapshot (REPEATABLE READ) and
// cannot write.
func (e *engine) ReaderDB() (*sql.DB, error) {
	db := openDB(e.reader)
	db.SetMaxOpenConns(1) // the transaction and its queries share it
	return db, nil
}

// StreamDB is ReaderDB: rows come from the server as they are read.
func (e *engine) StreamDB() (*sql.DB, error) { return e.ReaderDB() }

// HasPhotoLibrary: PostgreSQL's schema keeps photos' bytes in the photo library from the start.
func (e *engine) HasPhotoLibrary(context.Context) (bool, error) { return true, nil }

// Checkpoint: the server manages its own write-ahead log.
func (e *engine) Checkpoint(context.Context) error { return nil }

// readerConfig is cfg for connections that read a snapshot and never write.
func readerConfig(cfg *pgx.ConnConfig) *pgx.ConnConfig {
	r := cfg.Copy()
	r.RuntimeParams["default_transaction_isolation"] = "repeatable read"
	r.RuntimeParams["default_transaction_read_only"] = "on"
	return r
}

// ErrServerLost is a server that went away during a read or a save. A save it cut short was
// rolled back, unless the connection went in the instant of its commit, which no one can tell
// from here: the sentence promises no more than that it was not confirmed.
var ErrServerLost = errors.New("the connection to the clinic's server was lost before it confirmed what was under way: try again once the server is back")

// ErrNotPermitted is a change the server refused for want of a right (SQLSTATE 42501): the role
// each PC connects as may not make it. The administrator decides what the PCs may do.
var ErrNotPermitted = errors.New("this PC's user on the clinic's server is not allowed to make that change: " +
	"the server's administrator decides what each PC may do, and `needlelog server init` gives the PCs the rights Needlelog needs")

// driverError turns PostgreSQL's errors into data's (0007_init.sql's header lists the codes).
func driverError(err error) (error, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			return fmt.Errorf("%w: %v", data.ErrDuplicate, err), true
		case pe.Code == "23503": // foreign_key_violation
			return fmt.Errorf("%w: %v", data.ErrBadReference, err), true
		case pe.Code == "NL001":
			return fmt.Errorf("%w (%v)", data.ErrSigned, err), true
		case pe.Code == "42501": // insufficient_privilege: the server's words name no one's role
			return &serverError{ErrNotPermitted.Error(), ErrNotPermitted, err}, true
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err, false // the caller gave up: the server is not to blame
	}
	if isConnectionLost(err) || errors.Is(err, sql.ErrConnDone) || cutShort(err) {
		return &serverError{ErrServerLost.Error(), ErrServerLost, err}, true
	}
	return err, false
}

// cutShort is a connection the server closed in the middle of an answer, as it does when it is
// stopped, or while it is starting and refuses connections: pgx says "unexpected EOF" (on
// connecting, inside a ConnectError), which is no net.Error. database/sql says a connection it
// found dead inside a transaction, which it cannot retry there, as driver.ErrBadConn.
func cutShort(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, driver.ErrBadConn)
}
