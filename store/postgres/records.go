package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"needlelog.app/needlelog/store/sqlstore"
)

// openRecords puts the shared store over the server at cfg, whose schema is up to date, and gives
// a new practice its default lists.
func (s *Store) openRecords(ctx context.Context, cfg *pgx.ConnConfig, opts Options) error {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s.db = openDB(cfg)
	files := &serverPhotos{pool: s.pool, now: time.Now} // the files' times are the PC's, as a folder's are
	s.Store = sqlstore.New(s.db, &engine{db: s.db, reader: readerConfig(cfg)}, files, false, now)
	// A role that may not read the records (only the schema's version) still opens: each use of
	// the records is then refused on its own.
	if err := s.seed(ctx, now); err != nil && !isInsufficientPrivilege(err) {
		return err
	}
	id, err := s.PracticeID(ctx)
	if err != nil && !isInsufficientPrivilege(err) {
		return err
	}
	s.SetPracticeID(id)
	s.ResetWrites()
	return nil
}

// seed puts the default lists into a practice that has never held anything: no list entry and no
// audit entry (every later change writes one; the first migration writes only the practice's
// identity). The write lock makes two PCs opening
// a new practice at once seed it once.
func (s *Store) seed(ctx context.Context, now func() time.Time) error {
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		var used bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM audit_log) OR EXISTS (SELECT 1 FROM zones)
			OR EXISTS (SELECT 1 FROM products) OR EXISTS (SELECT 1 FROM devices)`).Scan(&used); err != nil {
			return err
		}
		if used {
			return nil
		}
		return sqlstore.SeedDefaults(ctx, tx, now())
	})
	if err != nil {
		return fmt.Errorf("put the default lists into the new practice: %w", sqlstore.MapError(err))
	}
	return nil
}

// Counts gives the number of records of each kind, by table name, from one snapshot. An open
// store's schema is this build's: opening upgrades an older one, or refuses it.
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	var counts map[string]int64
	err := s.readTx(ctx, func(tx *sql.Tx) (err error) {
		counts, err = sqlstore.CountRows(ctx, tx, SchemaVersion())
		return err
	})
	return counts, err
}

// readTx runs fn in a read-only transaction that sees one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return sqlstore.MapError(err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	return fn(tx)
}
