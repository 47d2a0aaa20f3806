package ui

import (
	"context"

	ondisk "needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
)

// practiceStore is what the window and its screens use of a practice, on either engine: the
// records (store.Store) and what both engines' shared store adds. What only a practice's file
// has (its backups, moving it, its photo folder's upkeep) is reached through fileOf.
type practiceStore interface {
	nlstore.Store
	// ClientTotal is how many clients the practice has, archived ones included.
	ClientTotal(ctx context.Context) (int64, error)
	// PhotoDir is the folder of the practice's photo library.
	PhotoDir() string
	// Path names the practice to the user and keys what this PC remembers of it: a file's
	// path, or a server practice's address without its password.
	Path() string
}

// Either engine's practice copies whole (practice.Copy), as archives of a server practice need.
var (
	_ ondisk.CopyStore = (*sqlite.Store)(nil)
	_ ondisk.CopyStore = (*serverStore)(nil)
)

// fileOf is the practice's file when s is a practice on this PC's disk, nil when it is on the
// clinic's server.
func fileOf(s practiceStore) *sqlite.Store {
	f, _ := s.(*sqlite.Store)
	return f
}

// guardedFile is the practice's database file that exports and decrypted files must never be
// written over; "" for a server practice, which has none on this PC.
func guardedFile(s practiceLocation) string {
	if ondisk.IsServer(s.Path()) {
		return ""
	}
	return s.Path()
}

// isServer reports whether s is a practice on the clinic's server.
func isServer(s practiceStore) bool { return fileOf(s) == nil }

// serverStore is a practice on the clinic's server as the window holds it: named by its address
// without the password.
type serverStore struct {
	*postgres.Store
	url string
}

// Path is the server practice's address, without its password.
func (s *serverStore) Path() string { return postgres.Redacted(s.url) }

// watcherOf is s's live updates, nil when it has none (a file practice).
func watcherOf(s practiceStore) nlstore.Watcher {
	w, _ := s.(nlstore.Watcher)
	return w
}
