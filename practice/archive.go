package practice

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// Archivable is a practice on disk as an archive is written from it (report.WriteArchive):
// snapshots of its database are taken with Snapshot, in a folder beside it.
type Archivable struct{ s *sqlite.Store }

// ArchivableOf gives s for an archive.
func ArchivableOf(s *sqlite.Store) Archivable { return Archivable{s} }

// Now is the practice's clock.
func (a Archivable) Now() time.Time { return a.s.Now() }

// Folder is the folder of the practice's database.
func (a Archivable) Folder() string { return filepath.Dir(a.s.Path()) }

// Snapshot writes a checked copy of the database to path (Snapshot) and opens it read-only, its
// clock stopped at now, with the copy's health.
func (a Archivable) Snapshot(ctx context.Context, path string, now time.Time) (store.Store, data.Health, error) {
	if err := Snapshot(ctx, a.s, path); err != nil {
		return nil, data.Health{}, err
	}
	// The snapshot names photo files in the practice's library: they never change once written.
	snap, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true, Now: func() time.Time { return now }, PhotoDir: a.s.PhotoDir()})
	if err != nil {
		return nil, data.Health{}, fmt.Errorf("open the snapshot: %w", err)
	}
	health, err := snap.Check(ctx)
	if err != nil {
		snap.Close()
		return nil, data.Health{}, err
	}
	return snap, health, nil
}
