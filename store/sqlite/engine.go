package sqlite

import (
	"context"
	"database/sql"
	"net/url"

	"needlelog.app/needlelog/store/sqlstore"
)

// engine is SQLite's side of the shared store (sqlstore.Engine): the file's check, its write
// lock, connections of their own to the file, and whether the file's schema keeps photos in the
// photo library.
type engine struct{ s *Store }

var _ sqlstore.Engine = (*engine)(nil)

func init() { sqlstore.RegisterErrors(driverError) }

func (e *engine) Ready(ctx context.Context) error                   { return e.s.gate.wait(ctx) }
func (e *engine) BeginWrite(ctx context.Context) (*sql.Tx, error)   { return e.s.beginWrite(ctx) }
func (e *engine) StreamDB() (*sql.DB, error)                        { return e.s.streamDB() }
func (e *engine) HasPhotoLibrary(ctx context.Context) (bool, error) { return e.s.hasPhotoLibrary(ctx) }
func (e *engine) Checkpoint(ctx context.Context) error              { return e.s.checkpoint(ctx) }
func (e *engine) ReaderDB() (*sql.DB, error)                        { return e.s.readerDB() }

// readerDB opens a connection of its own to the store's file that can only read. Under WAL a
// reader never waits for the writer, nor the writer for it.
func (s *Store) readerDB() (*sql.DB, error) {
	q := s.readerQuery()
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "trusted_schema(0)")
	// Reading pages through memory mapping instead of a system call each makes a whole-table read
	// two to three times faster; the file is only read through it. The mapped pages count against
	// the process's memory as they are read, so the mapping covers the file's first 128 MB, not
	// all of it: an archive of a 436 MB practice peaked at 300 MB with the whole file mapped.
	q.Add("_pragma", "mmap_size(134217728)")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: s.path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one connection: the transaction and its queries share it
	return db, nil
}
