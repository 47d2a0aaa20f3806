package practice_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// TestExchangesInEitherOrder: two laptops work from the same bundle of everything, changing some
// of the same client's details; a third copy that applies their bundles in one order holds the
// same records as a fourth that applies them in the other, and a bundle applied again changes
// nothing.
func TestExchangesInEitherOrder(t *testing.T) {
	ctx := context.Background()
	clock := testkit.NewClock()
	clinic := sqlitetest.OpenStoreNow(t, clock.Now)
	if _, err := demo.Generate(ctx, clinic, demo.Options{Clients: 6, Sessions: 18, Seed: 9, PhotoClients: -1}); err != nil {
		t.Fatal(err)
	}
	shared := testkit.CreateClient(t, clinic, "Iris", "Both")
	leaving := testkit.CreateClient(t, clinic, "Olga", "Leaving")
	everything := makeBundle(t, clinic, true, "Clinic PC")

	copyOf := func(name string, at time.Duration) (*sqlite.Store, *testkit.Clock) {
		c := &testkit.Clock{T: clock.T.Add(at)}
		s := sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), name+".db"), c.Now)
		applyBundle(t, s, everything, true, name)
		return s, c
	}
	a, aClock := copyOf("Laptop A", time.Hour)
	b, bClock := copyOf("Laptop B", 2*time.Hour)

	aClock.Advance(time.Hour)
	ia, _ := a.Client(ctx, shared.ID)
	ia.Phone, ia.Notes = "01632 960001", "Seen by A."
	if err := a.UpdateClient(ctx, &ia); err != nil {
		t.Fatal(err)
	}
	testkit.CreateClient(t, a, "Yusuf", "New")

	bClock.Advance(3 * time.Hour)
	ib, _ := b.Client(ctx, shared.ID)
	ib.Phone, ib.Email = "01632 960002", "iris@example.com"
	if err := b.UpdateClient(ctx, &ib); err != nil {
		t.Fatal(err)
	}
	if err := b.ArchiveClient(ctx, leaving.ID); err != nil {
		t.Fatal(err)
	}

	fromA := makeBundle(t, a, false, "Laptop A")
	fromB := makeBundle(t, b, false, "Laptop B")
	z1, _ := copyOf("Copy 1", 5*time.Hour)
	z2, _ := copyOf("Copy 2", 5*time.Hour)
	applyBundle(t, z1, fromA, false, "Copy 1")
	applyBundle(t, z1, fromB, false, "Copy 1")
	applyBundle(t, z2, fromB, false, "Copy 2")
	applyBundle(t, z2, fromA, false, "Copy 2")
	r1, r2 := records(t, z1), records(t, z2)
	if !reflect.DeepEqual(r1, r2) {
		for k := range r1 {
			if !reflect.DeepEqual(r1[k], r2[k]) {
				t.Errorf("%s differ by the order the bundles came in:\n%v\n%v", k, r1[k], r2[k])
			}
		}
	}
	got, _ := z1.Client(ctx, shared.ID)
	if got.Phone != "01632 960002" || got.Email != "iris@example.com" || got.Notes != "Seen by A." {
		t.Errorf("Iris after both laptops: phone %q, email %q, notes %q", got.Phone, got.Email, got.Notes)
	}
	if o, _ := z1.Client(ctx, leaving.ID); o.ArchivedAt.IsZero() {
		t.Error("the archiving on laptop B did not travel")
	}
	mustVerify(t, z1, "copy 1")
	mustVerify(t, z2, "copy 2")
	before := records(t, z1)
	if res := applyBundle(t, z1, fromA, false, "Copy 1"); !res.AlreadyApplied {
		t.Errorf("laptop A's bundle applied again: %+v", res)
	}
	if !reflect.DeepEqual(records(t, z1), before) {
		t.Error("a bundle applied again changed the records")
	}
}
