package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// Shared is the engine-neutral store under an engine's own: what copies a practice between
// engines reads and writes through, whichever engine each side is.
func (s *Store) Shared() *Store { return s }

// PostgreSQL reports whether the store's engine is PostgreSQL (the clinic's server).
func (s *Store) PostgreSQL() bool { return s.d.PostgreSQL }

// ReadSnapshot runs fn in a transaction on a connection of its own that only reads: every query
// fn makes sees the practice as it was when the first one ran, whatever is written meanwhile.
func (s *Store) ReadSnapshot(ctx context.Context, fn func(*sql.Tx) error) error {
	db, err := s.eng.ReaderDB()
	if err != nil {
		return fmt.Errorf("read the practice: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("read the practice: %w", mapError(err))
	}
	defer tx.Rollback() //nolint:errcheck // read only
	return fn(tx)
}
