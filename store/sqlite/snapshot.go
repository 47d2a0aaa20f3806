package sqlite

import (
	"context"
	"database/sql"
	"net/url"
)

// VacuumInto copies the database into the empty file at path, from a read-only connection of its
// own: the copy reads one consistent state of the file and holds up no one's saves.
func (s *Store) VacuumInto(ctx context.Context, path string) error {
	db, err := s.streamDB()
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

// streamDB is a read-only connection of its own, like readerDB, for reading the whole file once
// through (a snapshot, the list of photo files): without memory mapping, whose pages would count
// against the process's memory as the file is read, so that memory does not grow with the file.
func (s *Store) streamDB() (*sql.DB, error) {
	q := s.readerQuery()
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "trusted_schema(0)")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: s.path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}
