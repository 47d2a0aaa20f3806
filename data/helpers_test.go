package data_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// testNow is a fixed "now" for tests: a Tuesday afternoon.
var testNow = time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)

// openTemp creates a new database file in the test's temporary folder.
func openTemp(t testing.TB) (*data.Store, *clock) {
	t.Helper()
	c := &clock{t: testNow}
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := data.Open(context.Background(), path, data.Options{Create: true, Now: c.now})
	if err != nil {
		t.Fatalf("open new database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

func mustCreateClient(t testing.TB, s *data.Store, first, last string) data.Client {
	t.Helper()
	c := data.Client{FirstName: first, LastName: last}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatalf("create client %s %s: %v", first, last, err)
	}
	return c
}

// storedSession is validSession with references to the store's own default device, cartridge and
// products, ready to save.
func storedSession(t testing.TB, s *data.Store, clientID string) data.Session {
	t.Helper()
	ctx := context.Background()
	devices, err := s.Devices(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	cartridges, err := s.Cartridges(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	anaesthetics, err := s.Products(ctx, data.ProductKindAnaesthetic, false)
	if err != nil || len(anaesthetics) == 0 {
		t.Fatalf("anaesthetics: %v %v", anaesthetics, err)
	}
	serums, err := s.Products(ctx, "Hyaluronic acid", false)
	if err != nil || len(serums) == 0 {
		t.Fatalf("serums: %v %v", serums, err)
	}
	se := validSession(clientID)
	se.DeviceID = devices[0].ID
	se.Cartridge.CartridgeID = cartridges[0].ID
	se.Anaesthetic.ProductID = anaesthetics[0].ID
	se.Products = []data.ProductUse{
		{ProductID: serums[0].ID, Lot: "HA-2291", Expiry: data.NewDate(2027, 6, 30), Phase: data.PhaseDuring, Amount: "2 ml"},
		{ProductID: serums[0].ID, Lot: "HA-2291", Phase: data.PhaseAfter, Amount: "1 ml"},
	}
	return se
}
