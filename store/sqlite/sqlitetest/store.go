package sqlitetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
)

// OpenStore creates a new practice database in the test's temporary folder, on a clock standing
// at Now, and closes it when the test ends.
func OpenStore(tb testing.TB) (*sqlite.Store, *testkit.Clock) {
	tb.Helper()
	c := testkit.NewClock()
	return OpenStoreNow(tb, c.Now), c
}

// OpenStoreNow creates a new practice database in the test's temporary folder, on the clock now
// (nil: the real one), and closes it when the test ends.
func OpenStoreNow(tb testing.TB, now func() time.Time) *sqlite.Store {
	tb.Helper()
	return OpenStoreAt(tb, filepath.Join(tb.TempDir(), "practice.db"), now)
}

// OpenStoreAt creates a new practice database at path, on the clock now (nil: the real one),
// and closes it when the test ends.
func OpenStoreAt(tb testing.TB, path string, now func() time.Time) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true, Now: now})
	if err != nil {
		tb.Fatalf("open new database: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// AgeLibrary makes every file of the store's photo folder a day old, past any sweep's grace.
func AgeLibrary(t testing.TB, s *sqlite.Store) {
	t.Helper()
	old := time.Now().Add(-25 * time.Hour)
	err := filepath.WalkDir(s.PhotoDir(), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			err = os.Chtimes(path, old, old)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
