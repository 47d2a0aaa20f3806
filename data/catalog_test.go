package data_test

import (
	"maps"
	"slices"
	"testing"

	"needlelog.app/needlelog/data"
)

// testCatalog has a retired entry in every list, between current ones.
func testCatalog() data.Catalog {
	return data.Catalog{
		Practitioners: []data.Practitioner{{ID: "p1", Name: "Ana"}, {ID: "p2", Name: "Ben", Retired: true}},
		Devices:       []data.Device{{ID: "d1", Model: "Dermapen 4"}, {ID: "d2", Model: "Old pen", Retired: true}},
		Cartridges:    []data.Cartridge{{ID: "c1", Name: "12-pin", Needles: 12}, {ID: "c2", Name: "36-pin", Retired: true}},
		Products: []data.Product{{ID: "a1", Name: "Numbing cream", Kind: data.ProductKindAnaesthetic},
			{ID: "s1", Name: "Serum", Retired: true}},
		Zones: []data.Zone{{ID: "z1", Name: "Forehead"}, {ID: "z2", Name: "Neck", Retired: true},
			{ID: "z3", Name: "Cheeks"}},
		Rules: []data.Rule{{ID: "r1", Condition: "Pregnancy", Action: data.RuleBlock},
			{ID: "r2", Condition: "Old rule", Retired: true}, {ID: "r3", Condition: "Keloids", Action: data.RuleWarn}},
		Items: map[data.ListKind][]data.ListItem{
			data.ListConcern: {{ID: "i1", Kind: data.ListConcern, Name: "Acne scars"},
				{ID: "i2", Kind: data.ListConcern, Name: "Melasma", Category: "pigment", Retired: true},
				{ID: "i3", Kind: data.ListConcern, Name: "Fine lines"}},
			data.ListPattern: {{ID: "i4", Kind: data.ListPattern, Name: "Stamping", Retired: true}},
		},
		Lots: map[string][]data.Lot{"a1": {{ID: "l1", ItemID: "a1", Lot: "B", Expiry: data.NewDate(2027, 5, 1)},
			{ID: "l2", ItemID: "a1", Lot: "A", Expiry: data.NewDate(2026, 5, 1)}}},
	}
}

func TestCatalogFindsByIDRetiredIncluded(t *testing.T) {
	c := testCatalog()
	if p, ok := c.Practitioner("p2"); !ok || p.Name != "Ben" {
		t.Errorf("retired practitioner: %+v %v", p, ok)
	}
	if d, ok := c.Device("d1"); !ok || d.Model != "Dermapen 4" {
		t.Errorf("device: %+v %v", d, ok)
	}
	if k, ok := c.Cartridge("c2"); !ok || k.Name != "36-pin" {
		t.Errorf("retired cartridge: %+v %v", k, ok)
	}
	if p, ok := c.Product("s1"); !ok || p.Name != "Serum" {
		t.Errorf("retired product: %+v %v", p, ok)
	}
	for _, id := range []string{"", "nope", "d1"} { // d1 is a device, not a practitioner
		if p, ok := c.Practitioner(id); ok {
			t.Errorf("practitioner %q found: %+v", id, p)
		}
	}
	if _, ok := (data.Catalog{}).Product("a1"); ok {
		t.Error("an empty catalog found a product")
	}
}

func TestCatalogCurrentKeepsOrder(t *testing.T) {
	c := testCatalog()
	zones := c.CurrentZones()
	if len(zones) != 2 || zones[0].ID != "z1" || zones[1].ID != "z3" {
		t.Errorf("current zones: %+v", zones)
	}
	rules := c.CurrentRules()
	if len(rules) != 2 || rules[0].ID != "r1" || rules[1].ID != "r3" {
		t.Errorf("current rules: %+v", rules)
	}
	if got := c.CurrentNames(data.ListConcern); !slices.Equal(got, []string{"Acne scars", "Fine lines"}) {
		t.Errorf("current concerns: %v", got)
	}
	if got := c.CurrentItems(data.ListPattern); got != nil {
		t.Errorf("a vocabulary with only retired entries offers %v", got)
	}
	if got := c.CurrentNames(data.ListAftercare); got != nil {
		t.Errorf("an empty vocabulary offers %v", got)
	}
	if len(c.Zones) != 3 || len(c.Items[data.ListConcern]) != 3 {
		t.Error("asking for the current entries changed the lists")
	}
}

func TestCatalogLotsOf(t *testing.T) {
	c := testCatalog()
	lots := c.LotsOf("a1")
	if len(lots) != 2 || lots[0].Lot != "B" || lots[1].Lot != "A" {
		t.Errorf("lots of a1: %+v", lots)
	}
	if lots := c.LotsOf("s1"); len(lots) != 0 {
		t.Errorf("lots of a product with none: %+v", lots)
	}
}

func TestCatalogNames(t *testing.T) {
	got := testCatalog().Names()
	want := map[string]string{"p1": "Ana", "p2": "Ben", "d1": "Dermapen 4", "d2": "Old pen", "c1": "12-pin",
		"c2": "36-pin", "a1": "Numbing cream", "s1": "Serum"}
	if !maps.Equal(got, want) {
		t.Errorf("names: %v, want %v", got, want)
	}
}

func TestCatalogSafetyInput(t *testing.T) {
	c := testCatalog()
	se := data.Session{ID: "s", ClientID: "c"}
	today := data.NewDate(2026, 3, 10)
	in := c.SafetyInput(se, today)
	if in.Session.ID != "s" || in.Today != today {
		t.Errorf("session and day: %+v %v", in.Session, in.Today)
	}
	if len(in.Rules) != 2 || in.Rules[0].ID != "r1" || in.Rules[1].ID != "r3" {
		t.Errorf("rules: only those in force, in order; got %+v", in.Rules)
	}
	// An older record may name a retired zone, device, product or concern: the checks see them all.
	if len(in.Zones) != 3 || len(in.Devices) != 2 || len(in.Products) != 2 || len(in.Concerns) != 3 {
		t.Errorf("zones %d, devices %d, products %d, concerns %d", len(in.Zones), len(in.Devices), len(in.Products), len(in.Concerns))
	}
	if len(in.Lots["a1"]) != 2 {
		t.Errorf("lots: %+v", in.Lots)
	}
}
