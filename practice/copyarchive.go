package practice

import (
	"context"
	"fmt"
	"os"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// ServerArchivable is a practice on the clinic's server as an archive is written from it
// (report.WriteArchive): its snapshot is a SQLite copy (Copy), photos and all, so that the
// archive holds the same database file whichever engine the practice is on.
type ServerArchivable struct{ s CopyStore }

// ServerArchivableOf gives s, a practice on the clinic's server, for an archive.
func ServerArchivableOf(s CopyStore) ServerArchivable { return ServerArchivable{s} }

// Now is the practice's clock.
func (a ServerArchivable) Now() time.Time { return a.s.Now() }

// Folder is where the snapshot is made: this PC's temporary folder.
func (a ServerArchivable) Folder() string { return os.TempDir() }

// Snapshot copies the practice into a new file at path, its photo folder beside it, and opens
// the copy read-only, its clock stopped at now, with the copy's health.
func (a ServerArchivable) Snapshot(ctx context.Context, path string, now time.Time) (store.Store, data.Health, error) {
	c, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		return nil, data.Health{}, fmt.Errorf("make the snapshot: %w", err)
	}
	_, err = Copy(ctx, a.s, c, CopyOptions{MissingPhotosAllowed: true, Unverified: true})
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, data.Health{}, fmt.Errorf("copy the practice on the clinic's server: %w", err)
	}
	snap, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true, Now: func() time.Time { return now }})
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

// ArchiveSnapshots is a practice as an archive is written from it (report.ArchiveSource).
type ArchiveSnapshots interface {
	Now() time.Time
	Folder() string
	Snapshot(ctx context.Context, path string, now time.Time) (store.Store, data.Health, error)
}

// ArchiveOf gives the practice s for an archive, whichever engine keeps it: a file's own
// snapshot, or a copy of the server's practice.
func ArchiveOf(s CopyStore) ArchiveSnapshots {
	if f, ok := s.(*sqlite.Store); ok {
		return ArchivableOf(f)
	}
	return ServerArchivableOf(s)
}
