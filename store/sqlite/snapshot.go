package sqlite

import (
	"context"
)

// VacuumInto copies the database into the empty file at path, from a read-only connection of its
// own: the copy reads one consistent state of the file and holds up no one's saves.
func (s *Store) VacuumInto(ctx context.Context, path string) error {
	db, err := s.readerDB()
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return mapError(err)
	}
	return ctx.Err()
}
