package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

var draftTests = []subtest{{"SaveListDelete", draftsSaveListDelete}}

var listTests = []subtest{
	{"ItemsAddRenameRetire", listItemsAddRenameRetire},
	{"ProductsCartridgesAndLots", listProductsCartridgesAndLots},
	{"PractitionersAndRules", listPractitionersAndRules},
	{"LotRecall", listLotRecall},
}

var settingTests = []subtest{
	{"Text", settingsText},
	{"Bytes", settingsBytes},
	{"IdleLockMinutes", settingsIdleLock},
	{"PracticeID", settingsPracticeID},
}

func draftsSaveListDelete(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	d := data.Draft{ClientID: c.ID, Form: []byte(`{"depth":"4.5 mm?"}`)}
	must(t, s.SaveDraft(ctx, &d))
	before := s.Now()
	d.Form = []byte(`{"depth":"1.5"}`)
	must(t, s.SaveDraft(ctx, &d))
	got, err := s.Drafts(ctx, c.ID)
	if err != nil || len(got) != 1 || string(got[0].Form) != `{"depth":"1.5"}` || !stampedNow(s, got[0].UpdatedAt, before) {
		t.Fatalf("drafts: %+v %v", got, err)
	}
	if other, _ := s.Drafts(ctx, testkit.CreateClient(t, s, "Bea", "Jones").ID); len(other) != 0 {
		t.Fatalf("another client's drafts: %+v", other)
	}
	must(t, s.DeleteDraft(ctx, d.ID))
	if got, _ := s.Drafts(ctx, c.ID); len(got) != 0 {
		t.Fatalf("deleted draft still there: %+v", got)
	}
}

func listItemsAddRenameRetire(t *testing.T, s store.Store) {
	ctx := context.Background()
	concerns, err := s.ListItems(ctx, data.ListConcern, false)
	must(t, err)
	var pigment []string
	for _, c := range concerns {
		if c.Category == data.CategoryPigment {
			pigment = append(pigment, c.Name)
		}
	}
	if !slices.Contains(pigment, "Melasma") {
		t.Fatalf("pigment concerns: %v", pigment)
	}
	it := data.ListItem{Kind: data.ListEndpoint, Name: "  Glassy sheen ", Position: 9}
	must(t, s.SaveListItem(ctx, &it))
	it.Name = "Glassy sheen (light)"
	must(t, s.SaveListItem(ctx, &it))
	endpoints, _ := s.ListItems(ctx, data.ListEndpoint, false)
	if last := endpoints[len(endpoints)-1]; last.Name != "Glassy sheen (light)" || last.ID != it.ID || len(endpoints) != 5 {
		t.Fatalf("endpoints: %+v", endpoints)
	}
	it.Retired = true
	must(t, s.SaveListItem(ctx, &it))
	current, _ := s.ListItems(ctx, data.ListEndpoint, false)
	all, _ := s.ListItems(ctx, data.ListEndpoint, true)
	if len(current) != 4 || len(all) != 5 {
		t.Fatalf("after retiring: %d current, %d in all", len(current), len(all))
	}
	dup := data.ListItem{Kind: data.ListEndpoint, Name: "Petechiae"}
	if err := s.SaveListItem(ctx, &dup); !errors.Is(err, data.ErrDuplicate) || dup.ID != "" {
		t.Fatalf("duplicate entry: got %v, id %q", err, dup.ID)
	}
	if err := s.SaveListItem(ctx, &data.ListItem{Kind: "colour", Name: "Red"}); err == nil {
		t.Fatal("entry in an unknown list was saved")
	}
	testkit.ExpectFields(t, s.SaveListItem(ctx, &data.ListItem{Kind: data.ListEndpoint, Name: " "}), "name")
}

func listProductsCartridgesAndLots(t *testing.T, s store.Store) {
	ctx := context.Background()
	anaesthetics, _ := s.Products(ctx, data.ProductKindAnaesthetic, false)
	if len(anaesthetics) != 1 || anaesthetics[0].NeedledSkinOK {
		t.Fatalf("anaesthetics: %+v", anaesthetics)
	}
	p := data.Product{Name: "Exosome serum", Kind: "Exosomes", NeedledSkinOK: true}
	must(t, s.SaveProduct(ctx, &p))
	for _, l := range []data.Lot{{ItemID: p.ID, Lot: "EX-1", Expiry: data.NewDate(2026, 9, 1)},
		{ItemID: p.ID, Lot: "EX-2", Expiry: data.NewDate(2027, 3, 1)}} {
		must(t, s.SaveProductLot(ctx, &l))
	}
	lots, _ := s.ProductLots(ctx, p.ID)
	if len(lots) != 2 || lots[0].Lot != "EX-2" || lots[1].Expiry.String() != "2026-09-01" {
		t.Fatalf("product lots: %+v", lots)
	}
	if err := s.SaveProductLot(ctx, &data.Lot{ItemID: p.ID, Lot: "EX-1"}); !errors.Is(err, data.ErrDuplicate) {
		t.Fatalf("same lot twice: %v", err)
	}
	cartridges, _ := s.Cartridges(ctx, false)
	if len(cartridges) != len(data.DefaultCartridges) || cartridges[0].Name != "Nano" {
		t.Fatalf("cartridges: %+v", cartridges)
	}
	l := data.Lot{ItemID: cartridges[1].ID, Lot: "C-100", Expiry: data.NewDate(2027, 1, 1)}
	must(t, s.SaveCartridgeLot(ctx, &l))
	if got, _ := s.CartridgeLots(ctx, cartridges[1].ID); len(got) != 1 || got[0] != l {
		t.Fatalf("cartridge lots: %+v", got)
	}
	c := data.Cartridge{Name: "24-pin", Needles: 24}
	must(t, s.SaveCartridge(ctx, &c))
	byItem, err := s.AllLots(ctx)
	must(t, err)
	if got := byItem[p.ID]; !slices.Equal(got, lots) {
		t.Fatalf("AllLots for the product: %+v, want %+v", got, lots)
	}
	if got := byItem[c.ID]; len(got) != 0 {
		t.Fatalf("a cartridge without lots has %+v", got)
	}
	// A retired product is kept, named by the records, and listed only when asked for.
	p.Retired = true
	must(t, s.SaveProduct(ctx, &p))
	current, _ := s.Products(ctx, "Exosomes", false)
	all, _ := s.Products(ctx, "Exosomes", true)
	if len(current) != 0 || len(all) != 1 || !all[0].Retired {
		t.Fatalf("retired product: current %+v, all %+v", current, all)
	}
	zones, _ := s.Zones(ctx, false)
	devices, _ := s.Devices(ctx, false)
	if len(zones) == 0 || len(devices) == 0 {
		t.Fatalf("a new practice has %d zones and %d devices", len(zones), len(devices))
	}
}

func listPractitionersAndRules(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := data.Practitioner{Name: "Maya Patel", Credentials: "RN", Role: data.RoleAdmin}
	must(t, s.SavePractitioner(ctx, &p))
	q := data.Practitioner{Name: "Tom Byrne"}
	must(t, s.SavePractitioner(ctx, &q))
	list, _ := s.Practitioners(ctx, false)
	if len(list) != 2 || list[0] != p || list[1].Role != data.RolePractitioner {
		t.Fatalf("practitioners: %+v", list)
	}
	testkit.ExpectFields(t, s.SavePractitioner(ctx, &data.Practitioner{Name: "X", Role: "owner"}), "role")
	rules, _ := s.Rules(ctx, false)
	i := slices.IndexFunc(rules, func(r data.Rule) bool { return r.Condition == "Isotretinoin (Accutane)" })
	if i < 0 || rules[i].Action != data.RuleBlock || rules[i].WindowDays != 180 {
		t.Fatalf("isotretinoin rule: %+v", rules)
	}
	r := rules[i]
	r.WindowDays = 365
	must(t, s.SaveRule(ctx, &r))
	if rules, _ = s.Rules(ctx, false); rules[i].WindowDays != 365 {
		t.Fatalf("edited rule: %+v", rules[i])
	}
}

func listLotRecall(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := storedSession(t, s, c.ID)
	must(t, s.CreateSession(ctx, &se))
	rows, err := s.LotRecall(ctx, "HA-2291")
	if err != nil || len(rows) == 0 {
		t.Fatalf("recall of a lot used: %+v %v", rows, err)
	}
	for _, r := range rows {
		if r.SessionID != se.ID || r.ClientID != c.ID {
			t.Errorf("recall row %+v, want the session %s of client %s", r, se.ID, c.ID)
		}
	}
	if rows, err := s.LotRecall(ctx, "NEVER-USED"); err != nil || len(rows) != 0 {
		t.Fatalf("recall of a lot never used: %+v %v", rows, err)
	}
}

func settingsText(t *testing.T, s store.Store) {
	ctx := context.Background()
	if v, err := s.Setting(ctx, data.SettingClinicName); err != nil || v != "" {
		t.Fatalf("unset setting: %q %v", v, err)
	}
	for _, name := range []string{"Skin Studio", "Skin Studio Ltd"} {
		must(t, s.SetSetting(ctx, data.SettingClinicName, name))
	}
	if v, _ := s.Setting(ctx, data.SettingClinicName); v != "Skin Studio Ltd" {
		t.Fatalf("clinic name: %q", v)
	}
}

func settingsBytes(t *testing.T, s store.Store) {
	ctx := context.Background()
	logo := []byte("\x89PNG\r\n\x1a\nnot really a logo")
	must(t, s.SetSettingBytes(ctx, data.SettingClinicLogo, logo))
	if got, err := s.SettingBytes(ctx, data.SettingClinicLogo); err != nil || string(got) != string(logo) {
		t.Fatalf("logo read back as %q, %v", got, err)
	}
	must(t, s.SetSettingBytes(ctx, data.SettingClinicLogo, nil))
	if got, err := s.SettingBytes(ctx, data.SettingClinicLogo); err != nil || got != nil {
		t.Fatalf("removed logo read back as %q, %v", got, err)
	}
}

func settingsIdleLock(t *testing.T, s store.Store) {
	ctx := context.Background()
	if n, err := s.IdleLockMinutes(ctx); err != nil || n != data.DefaultIdleLockMinutes {
		t.Fatalf("default: %d %v", n, err)
	}
	must(t, s.SetIdleLockMinutes(ctx, 5))
	if n, _ := s.IdleLockMinutes(ctx); n != 5 {
		t.Fatalf("after setting 5: %d", n)
	}
	testkit.ExpectFields(t, s.SetIdleLockMinutes(ctx, 0), "idle_lock_minutes")
	must(t, s.SetSetting(ctx, data.SettingIdleLockMinutes, "soon"))
	if n, err := s.IdleLockMinutes(ctx); err != nil || n != data.DefaultIdleLockMinutes {
		t.Fatalf("unreadable setting: %d %v", n, err)
	}
}

func settingsPracticeID(t *testing.T, s store.Store) {
	ctx := context.Background()
	id, err := s.PracticeID(ctx)
	if err != nil || id == "" {
		t.Fatalf("practice ID %q, %v", id, err)
	}
	if again, _ := s.PracticeID(ctx); again != id {
		t.Fatalf("practice ID changed from %q to %q", id, again)
	}
}
