package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/storetest"
)

// TestConformance runs the store boundary's suite against a real SQLite file, on the fixed
// clock the other tests use.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		c := &clock{t: testNow}
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "practice.db"),
			sqlite.Options{Create: true, Now: c.now})
		if err != nil {
			t.Fatalf("open new database: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
