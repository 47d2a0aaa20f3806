package sqlite_test

import (
	"testing"
	"time"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/store/storetest"
)

// TestConformance runs the store boundary's suite against real SQLite files: on the fixed clock
// the other tests use, and on the computer's own, as the app runs.
func TestConformance(t *testing.T) {
	for name, now := range map[string]func() time.Time{"FixedClock": testkit.NewClock().Now, "RunningClock": time.Now} {
		t.Run(name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) store.Store {
				return sqlitetest.OpenStoreNow(t, now)
			})
		})
	}
}
