package postgres_test

import (
	"context"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/postgres"
)

// openServerPractice opens the practice in the database at dbURL as a PC does: the one way the
// concurrency, fault and benchmark tests open a practice on the server, so that how it is opened
// changes in one place. Its photos are on the server, which every PC reaches.
func openServerPractice(ctx context.Context, dbURL string) (*postgres.Store, error) {
	return postgres.Open(ctx, dbURL, postgres.Options{})
}

// newServerPractice gives the test a database of its own on the test server (testkit.Postgres)
// and returns its URL.
func newServerPractice(t testing.TB) string {
	t.Helper()
	return testkit.Postgres(t)
}

// mustOpenServerPractice is openServerPractice that fails the test when the practice does not
// open, and closes it when the test ends.
func mustOpenServerPractice(t testing.TB, dbURL string) *postgres.Store {
	t.Helper()
	s, err := openServerPractice(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("open the practice on the server: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
