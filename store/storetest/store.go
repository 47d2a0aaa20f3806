package storetest

import (
	"context"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

var storeTests = []subtest{
	{"WritesCountCommittedChanges", storeWrites},
}

// storeWrites: the count of writes moves with each committed change, and not with reads or a
// refused write, so that a screen or a backup knows when something changed.
func storeWrites(t *testing.T, s store.Store) {
	ctx := context.Background()
	if s.ReadOnly() {
		t.Fatal("a new practice opened to write says it is read-only")
	}
	w := s.Writes()
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	if s.Writes() <= w {
		t.Fatalf("writes %d after creating a client, were %d", s.Writes(), w)
	}
	w = s.Writes()
	if _, err := s.Client(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	bad := data.Client{FirstName: "Bea", Email: "not-an-email"}
	if err := s.CreateClient(ctx, &bad); err == nil {
		t.Fatal("a client with a bad email was saved")
	}
	if s.Writes() != w {
		t.Fatalf("writes %d after a read and a refused write, were %d", s.Writes(), w)
	}
	if n, err := s.Counts(ctx); err != nil || n["clients"] != 1 {
		t.Fatalf("counts %v, %v; want 1 client", n, err)
	}
}
