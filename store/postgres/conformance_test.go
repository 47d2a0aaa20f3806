package postgres_test

import (
	"context"
	"testing"
	"time"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/storetest"
)

// TestConformance runs the store boundary's suite against a real PostgreSQL server, a database of
// its own for each test, on the fixed clock the other tests use and on the computer's own.
func TestConformance(t *testing.T) {
	for name, now := range map[string]func() time.Time{"FixedClock": testkit.NewClock().Now, "RunningClock": time.Now} {
		t.Run(name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) store.Store {
				s, err := postgres.Open(context.Background(), testkit.Postgres(t), postgres.Options{Now: now})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			})
		})
	}
}
