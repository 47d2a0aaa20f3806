package sqlite_test

import (
	"context"
	"reflect"
	"testing"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// TestCatalogReturnsWhatWasSaved saves an entry in every list, retires one of each, and reads the
// catalog back: everything is there, retired entries too, in the order each list is shown.
func TestCatalogReturnsWhatWasSaved(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	p := data.Practitioner{Name: "Léa Fontaine", Credentials: "RN"}
	mustDo(t, s.SavePractitioner(ctx, &p))
	gone := data.Practitioner{Name: "Zoë Retired", Retired: true}
	mustDo(t, s.SavePractitioner(ctx, &gone))
	dev := data.Device{Model: "Aardvark Pen", Kind: data.DevicePen, SpeedUnit: "level", MaxDepth: 2.5, EvaluatedDepth: 2.5, DepthStep: 0.25, Retired: true}
	mustDo(t, s.SaveDevice(ctx, &dev))
	cart := data.Cartridge{Name: "Nano 3", Needles: 3, Retired: true}
	mustDo(t, s.SaveCartridge(ctx, &cart))
	prod := data.Product{Name: "Copper peptide ampoule", Kind: "Serum", NeedledSkinOK: true, Retired: true}
	mustDo(t, s.SaveProduct(ctx, &prod))
	lot := data.Lot{ItemID: prod.ID, Lot: "PS-1", Expiry: data.NewDate(2027, 2, 1)}
	mustDo(t, s.SaveProductLot(ctx, &lot))
	zones, err := s.Zones(ctx, false)
	if err != nil || len(zones) == 0 {
		t.Fatalf("zones: %v %v", zones, err)
	}
	zone := zones[0]
	zone.Retired = true
	mustDo(t, s.SaveZone(ctx, &zone))
	rule := data.Rule{Condition: "Gold threads", Action: data.RuleWarn, Message: "Ask when they were placed.", Position: 99, Retired: true}
	mustDo(t, s.SaveRule(ctx, &rule))
	item := data.ListItem{Kind: data.ListEndpoint, Name: "Glassy sheen", Position: 9, Retired: true}
	mustDo(t, s.SaveListItem(ctx, &item))

	cat, err := s.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := cat.Practitioner(p.ID); !ok || got != p {
		t.Errorf("practitioner: %+v %v, want %+v", got, ok, p)
	}
	if got, ok := cat.Practitioner(gone.ID); !ok || !got.Retired {
		t.Errorf("retired practitioner: %+v %v", got, ok)
	}
	if got, ok := cat.Device(dev.ID); !ok || got != dev {
		t.Errorf("device: %+v %v, want %+v", got, ok, dev)
	}
	if got, ok := cat.Cartridge(cart.ID); !ok || got != cart {
		t.Errorf("cartridge: %+v %v, want %+v", got, ok, cart)
	}
	if got, ok := cat.Product(prod.ID); !ok || got != prod {
		t.Errorf("product: %+v %v, want %+v", got, ok, prod)
	}
	if got := cat.LotsOf(prod.ID); len(got) != 1 || got[0] != lot {
		t.Errorf("lots: %+v, want %+v", got, lot)
	}
	for _, z := range cat.CurrentZones() {
		if z.ID == zone.ID {
			t.Error("a retired zone is offered as current")
		}
	}
	for _, r := range cat.CurrentRules() {
		if r.ID == rule.ID {
			t.Error("a retired rule is in force")
		}
	}

	// Each list is as the store's own list reads give it, retired entries included, in their order.
	same := func(what string, got, want any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
	}
	ps, err := s.Practitioners(ctx, true)
	same("practitioners", cat.Practitioners, ps, err)
	ds, err := s.Devices(ctx, true)
	same("devices", cat.Devices, ds, err)
	cs, err := s.Cartridges(ctx, true)
	same("cartridges", cat.Cartridges, cs, err)
	prods, err := s.Products(ctx, "", true)
	same("products", cat.Products, prods, err)
	zs, err := s.Zones(ctx, true)
	same("zones", cat.Zones, zs, err)
	current, err := s.Zones(ctx, false)
	same("current zones", cat.CurrentZones(), current, err)
	rs, err := s.Rules(ctx, true)
	same("rules", cat.Rules, rs, err)
	inForce, err := s.Rules(ctx, false)
	same("rules in force", cat.CurrentRules(), inForce, err)
	lots, err := s.AllLots(ctx)
	same("lots", cat.Lots, lots, err)
	for _, kind := range []data.ListKind{data.ListConcern, data.ListModality, data.ListEndpoint, data.ListPattern,
		data.ListSideEffect, data.ListAftercare, data.ListProductKind, data.ListPhotoView} {
		items, err := s.ListItems(ctx, kind, true)
		same(string(kind), cat.Items[kind], items, err)
		currentItems, err := s.ListItems(ctx, kind, false)
		same("current "+string(kind), cat.CurrentItems(kind), currentItems, err)
	}

	// A batch reads the same catalog inside its transaction.
	mustDo(t, s.Batch(ctx, func(b nlstore.Batch) error {
		inBatch, err := b.Catalog()
		same("catalog in a batch", inBatch, cat, err)
		return nil
	}))
}
