package sqlite_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

func TestListItemsAddRenameRetire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := testkit.OpenStore(t)
	concerns, err := s.ListItems(ctx, data.ListConcern, false)
	if err != nil {
		t.Fatal(err)
	}
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
	if err := s.SaveListItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
	it.Name = "Glassy sheen (light)"
	if err := s.SaveListItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
	endpoints, _ := s.ListItems(ctx, data.ListEndpoint, false)
	if last := endpoints[len(endpoints)-1]; last.Name != "Glassy sheen (light)" || last.ID != it.ID || len(endpoints) != 5 {
		t.Fatalf("endpoints: %+v", endpoints)
	}
	it.Retired = true
	if err := s.SaveListItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
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

func TestZonesAndDevices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := testkit.OpenStore(t)
	z := data.Zone{Name: "Hands", Region: data.RegionBody, MapKey: "hands", TypicalMin: 0.5, TypicalMax: 1.0, WarnAbove: 1.5, Position: 20}
	if err := s.SaveZone(ctx, &z); err != nil {
		t.Fatal(err)
	}
	zones, _ := s.Zones(ctx, false)
	if last := zones[len(zones)-1]; last != z {
		t.Fatalf("saved zone read back as %+v", last)
	}
	bad := data.Zone{Name: "Ears", Region: data.RegionFace, TypicalMin: 0.5, TypicalMax: 0.25, WarnAbove: 1}
	testkit.ExpectFields(t, s.SaveZone(ctx, &bad), "typical_max")

	devices, _ := s.Devices(ctx, false)
	i := slices.IndexFunc(devices, func(d data.Device) bool { return d.Model == "SkinPen Precision" })
	if i < 0 || devices[i].EvaluatedDepth != 1.5 || devices[i].MaxDepth != 2.5 || devices[i].SpeedUnit != "fixed" {
		t.Fatalf("SkinPen default: %+v", devices)
	}
	d := devices[i]
	d.Retired = true
	if err := s.SaveDevice(ctx, &d); err != nil {
		t.Fatal(err)
	}
	if now, _ := s.Devices(ctx, false); len(now) != len(devices)-1 {
		t.Fatalf("retired device still offered")
	}
	rf := data.Device{Model: "RF Pro", Kind: data.DeviceRF, SpeedUnit: "level", MaxDepth: 3.0, EvaluatedDepth: 2.0, DepthStep: 0.5}
	if err := s.SaveDevice(ctx, &rf); err != nil || rf.ID == "" {
		t.Fatalf("new device: %v", err)
	}
}

func TestProductsCartridgesAndLots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := testkit.OpenStore(t)
	anaesthetics, _ := s.Products(ctx, data.ProductKindAnaesthetic, false)
	if len(anaesthetics) != 1 || anaesthetics[0].NeedledSkinOK {
		t.Fatalf("anaesthetics: %+v", anaesthetics)
	}
	all, _ := s.Products(ctx, "", false)
	vitC := all[slices.IndexFunc(all, func(p data.Product) bool { return p.Kind == "Antioxidant" })]
	if vitC.NeedledSkinOK {
		t.Fatal("vitamin C serum is marked fit for needled skin")
	}
	p := data.Product{Name: "Exosome serum", Kind: "Exosomes", NeedledSkinOK: true}
	if err := s.SaveProduct(ctx, &p); err != nil {
		t.Fatal(err)
	}
	for _, l := range []data.Lot{{ItemID: p.ID, Lot: "EX-1", Expiry: data.NewDate(2026, 9, 1)},
		{ItemID: p.ID, Lot: "EX-2", Expiry: data.NewDate(2027, 3, 1)}} {
		if err := s.SaveProductLot(ctx, &l); err != nil {
			t.Fatal(err)
		}
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
	if err := s.SaveCartridgeLot(ctx, &l); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CartridgeLots(ctx, cartridges[1].ID); len(got) != 1 || got[0] != l {
		t.Fatalf("cartridge lots: %+v", got)
	}
	c := data.Cartridge{Name: "24-pin", Needles: 24}
	if err := s.SaveCartridge(ctx, &c); err != nil {
		t.Fatal(err)
	}

	// All lots at once, as a form loads them: the same lots, in the same order, by item.
	byItem, err := s.AllLots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := byItem[p.ID]; !slices.Equal(got, lots) {
		t.Fatalf("AllLots for the product: %+v, want %+v", got, lots)
	}
	if got := byItem[cartridges[1].ID]; len(got) != 1 || got[0] != l {
		t.Fatalf("AllLots for the cartridge: %+v", got)
	}
	if got := byItem[c.ID]; len(got) != 0 {
		t.Fatalf("a cartridge without lots has %+v", got)
	}
}

func TestPractitionersRulesAndSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := testkit.OpenStore(t)
	p := data.Practitioner{Name: "Maya Patel", Credentials: "RN", Role: data.RoleAdmin}
	if err := s.SavePractitioner(ctx, &p); err != nil {
		t.Fatal(err)
	}
	q := data.Practitioner{Name: "Tom Byrne"}
	if err := s.SavePractitioner(ctx, &q); err != nil {
		t.Fatal(err)
	}
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
	r.WindowDays = 365 // this practice follows the 12-month guidance
	if err := s.SaveRule(ctx, &r); err != nil {
		t.Fatal(err)
	}
	rules, _ = s.Rules(ctx, false)
	if rules[i].WindowDays != 365 {
		t.Fatalf("edited rule: %+v", rules[i])
	}

	if v, err := s.Setting(ctx, data.SettingClinicName); err != nil || v != "" {
		t.Fatalf("unset setting: %q %v", v, err)
	}
	for _, name := range []string{"Skin Studio", "Skin Studio Ltd"} {
		if err := s.SetSetting(ctx, data.SettingClinicName, name); err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := s.Setting(ctx, data.SettingClinicName); v != "Skin Studio Ltd" {
		t.Fatalf("clinic name: %q", v)
	}
}

func TestSettingBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := testkit.OpenStore(t)
	logo := []byte("\x89PNG\r\n\x1a\nnot really a logo")
	if err := s.SetSettingBytes(ctx, data.SettingClinicLogo, logo); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SettingBytes(ctx, data.SettingClinicLogo); err != nil || string(got) != string(logo) {
		t.Fatalf("logo read back as %q, %v", got, err)
	}
	if err := s.SetSettingBytes(ctx, data.SettingClinicLogo, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SettingBytes(ctx, data.SettingClinicLogo); err != nil || got != nil {
		t.Fatalf("removed logo read back as %q, %v", got, err)
	}
}
