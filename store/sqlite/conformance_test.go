package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/storetest"
)

// TestConformance runs the store boundary's suite against real SQLite files: on the fixed clock
// the other tests use, and on the computer's own, as the app runs.
func TestConformance(t *testing.T) {
	for name, now := range map[string]func() time.Time{"FixedClock": (&clock{t: testNow}).now, "RunningClock": time.Now} {
		t.Run(name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) store.Store {
				s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "practice.db"),
					sqlite.Options{Create: true, Now: now})
				if err != nil {
					t.Fatalf("open new database: %v", err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			})
		})
	}
}
