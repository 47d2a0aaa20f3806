package data_test

import (
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

// safetyInput is a practice with the default lists, a client and a session on testkit.Now's day.
func safetyInput() data.SafetyInput {
	var rules []data.Rule
	for i, r := range data.DefaultRules {
		r.ID = "rule" + string(rune('a'+i))
		rules = append(rules, r)
	}
	var devices []data.Device
	for _, d := range data.DefaultDevices {
		d.ID = d.Model
		devices = append(devices, d)
	}
	var products []data.Product
	for _, p := range data.DefaultProducts {
		p.ID = p.Name
		products = append(products, p)
	}
	return data.SafetyInput{
		Session: data.Session{ID: "now", ClientID: "c", StartedAt: testkit.Now, IntervalDays: 28, DeviceID: "Dermapen 4",
			Concerns: []string{"Acne scars"}, Zones: []data.ZoneTreatment{{Zone: "Cheeks", DepthMM: 1.5, Passes: 4}}},
		Client:   data.Client{ID: "c", Fitzpatrick: 2},
		Rules:    rules,
		Zones:    data.DefaultZones,
		Devices:  devices,
		Products: products,
		Lots:     map[string][]data.Lot{},
		Concerns: data.DefaultListItems[data.ListConcern],
		Today:    data.DateOf(testkit.Now),
	}
}

func rulesOf(ws []data.SafetyWarning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Rule)
	}
	return out
}

// only checks that ws is exactly one warning with the given rule, blocking or not, beside field.
func only(t *testing.T, ws []data.SafetyWarning, rule string, block bool, section, field string) data.SafetyWarning {
	t.Helper()
	if len(ws) != 1 {
		t.Fatalf("warnings %q, want only %s", rulesOf(ws), rule)
	}
	w := ws[0]
	if w.Rule != rule || w.Block != block || w.Section != section || w.Field != field {
		t.Fatalf("warning %+v, want %s (block %v) in %s beside %s", w, rule, block, section, field)
	}
	if !strings.HasSuffix(w.Message, ".") || strings.Count(w.Message, ". ") > 0 {
		t.Errorf("message %q is not one sentence", w.Message)
	}
	return w
}

func none(t *testing.T, ws []data.SafetyWarning) {
	t.Helper()
	if len(ws) > 0 {
		t.Fatalf("warnings %q, want none", rulesOf(ws))
	}
}

func TestSafetyNothingToSay(t *testing.T) {
	t.Parallel()
	none(t, data.CheckSafety(safetyInput()))
}

func TestSafetyRuleBlocksWithinItsWindow(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	day := data.DateOf(testkit.Now)
	in.Client.History = []data.HistoryEntry{{Condition: "isotretinoin (accutane)", Until: day.AddDays(-120)}}
	w := only(t, data.CheckSafety(in), "rule:Isotretinoin (Accutane)", true, data.SectionHeader, "client")
	ended, again := day.AddDays(-120).Format("2 Jan 2006"), day.AddDays(61).Format("2 Jan 2006")
	if !strings.Contains(w.Message, "6 months") || !strings.Contains(w.Message, "ended "+ended+"; no needling before "+again) {
		t.Errorf("message %q does not say why, since when and until when", w.Message)
	}
	in.Client.History[0].Until = day.AddDays(-180) // the window's last day
	if w := only(t, data.CheckSafety(in), "rule:Isotretinoin (Accutane)", true, data.SectionHeader, "client"); !strings.Contains(w.Message, "no needling before "+day.AddDays(1).Format("2 Jan 2006")) {
		t.Errorf("on the window's last day the message says %q", w.Message)
	}
	in.Client.History[0].Until = day.AddDays(-181) // the 180-day window is over
	none(t, data.CheckSafety(in))
	in.Client.History[0].Until = data.Date{} // still taking it
	only(t, data.CheckSafety(in), "rule:Isotretinoin (Accutane)", true, data.SectionHeader, "client")
	in.Rules[0].Retired = true
	none(t, data.CheckSafety(in))
}

func TestSafetyRuleWarns(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	in.Client.History = []data.HistoryEntry{{Condition: "Anticoagulants / antiplatelets", Since: data.NewDate(2020, 1, 1)},
		{Condition: "Hypothyroidism"}} // no rule covers it: not a safety warning
	only(t, data.CheckSafety(in), "rule:Anticoagulants / antiplatelets", false, data.SectionHeader, "client")
}

func TestSafetyDepthAboveZoneWarning(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	in.Session.Zones = []data.ZoneTreatment{{Zone: "Forehead", DepthMM: 0.5, Passes: 3},
		{Zone: "Periorbital / under-eye", DepthMM: 0.5, Passes: 3}}
	none(t, data.CheckSafety(in)) // at the warning depth is not above it
	in.Session.Zones[1].DepthMM = 0.75
	only(t, data.CheckSafety(in), "depth.zone:Periorbital / under-eye", false, data.SectionZones, "zones[1].depth_mm")
}

func TestSafetyDepthAboveDeviceEvaluation(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	in.Session.DeviceID = "SkinPen Precision" // evaluated up to 1.5 mm
	none(t, data.CheckSafety(in))
	in.Session.Zones[0].DepthMM = 1.75
	w := only(t, data.CheckSafety(in), "depth.device:Cheeks", false, data.SectionZones, "zones[0].depth_mm")
	if !strings.Contains(w.Message, "SkinPen Precision") || !strings.Contains(w.Message, "1.5 mm") {
		t.Errorf("message %q", w.Message)
	}
}

func TestSafetyDepthWithPigmentConcern(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	in.Session.Zones[0].DepthMM = 1.25
	none(t, data.CheckSafety(in))
	in.Session.Concerns = []string{"Acne scars", "Melasma"}
	w := only(t, data.CheckSafety(in), "depth.pigment:Cheeks", false, data.SectionZones, "zones[0].depth_mm")
	if !strings.Contains(w.Message, "Melasma") {
		t.Errorf("message %q does not name the concern", w.Message)
	}
	in.Session.Zones[0].DepthMM = 1.0
	none(t, data.CheckSafety(in))
}

func TestSafetyDeepOnDarkerSkin(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	in.Session.Zones[0].DepthMM = 1.75
	none(t, data.CheckSafety(in)) // type II
	in.Client.Fitzpatrick = 5
	w := only(t, data.CheckSafety(in), "depth.fitzpatrick:Cheeks", false, data.SectionZones, "zones[0].depth_mm")
	if !strings.Contains(w.Message, "type V ") {
		t.Errorf("message %q", w.Message)
	}
	in.Session.Zones[0].DepthMM = data.DeepDepthMM
	none(t, data.CheckSafety(in))
	in.Client.Fitzpatrick = 3
	in.Session.Zones[0].DepthMM = 2.0
	none(t, data.CheckSafety(in))
}

func TestSafetyInterval(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	in.Session.Zones = append(in.Session.Zones, data.ZoneTreatment{Zone: "Neck", DepthMM: 0.5, Passes: 3})
	in.Sessions = []data.PastSession{
		{ID: "older", StartedAt: testkit.Now.AddDate(0, 0, -60), Zones: []string{"Cheeks", "Neck"}},
		{ID: "recent", StartedAt: testkit.Now.AddDate(0, 0, -14), Zones: []string{"Forehead", "cheeks"}},
		{ID: "later", StartedAt: testkit.Now.AddDate(0, 0, 3), Zones: []string{"Neck"}}, // after this one: its own problem
		{ID: "now", StartedAt: testkit.Now, Zones: []string{"Neck"}},                    // this session as stored
	}
	w := only(t, data.CheckSafety(in), "interval:Cheeks", false, data.SectionZones, "zones[0].zone")
	if !strings.Contains(w.Message, "14 days") || !strings.Contains(w.Message, "28 days") {
		t.Errorf("message %q", w.Message)
	}
	in.Sessions[1].StartedAt = testkit.Now.AddDate(0, 0, -28)
	none(t, data.CheckSafety(in))
	in.Session.IntervalDays = 42
	only(t, data.CheckSafety(in), "interval:Cheeks", false, data.SectionZones, "zones[0].zone")
}

func TestSafetyExpiredLots(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	day := data.DateOf(testkit.Now)
	in.Session.Cartridge = data.CartridgeUse{CartridgeID: "12-pin", Lot: "C-1", Expiry: day}
	none(t, data.CheckSafety(in)) // expires today: still in date
	in.Session.Cartridge.Expiry = day.AddDays(-1)
	only(t, data.CheckSafety(in), "lot.expired:cartridge:C-1", true, data.SectionDevice, "cartridge_expiry")

	// Without a typed expiry, the lot's expiry in stock counts.
	in = safetyInput()
	in.Lots = map[string][]data.Lot{
		"12-pin":             {{Lot: "C-2", Expiry: day.AddDays(-30)}},
		"Lidocaine 4% cream": {{Lot: "LA-9", Expiry: day.AddDays(-2)}},
		"Peptide serum":      {{Lot: "PS-1", Expiry: day.AddDays(-400)}},
	}
	in.Session.Cartridge = data.CartridgeUse{CartridgeID: "12-pin", Lot: "c-2 "}
	only(t, data.CheckSafety(in), "lot.expired:cartridge:c-2", true, data.SectionDevice, "cartridge_lot")
	in.Session.Cartridge = data.CartridgeUse{}
	in.Session.Anaesthetic = data.Anaesthetic{ProductID: "Lidocaine 4% cream", Lot: "LA-9", Minutes: 20}
	only(t, data.CheckSafety(in), "lot.expired:anaesthetic:LA-9", true, data.SectionAnaesthetic, "anaesthetic_lot")
	in.Session.Anaesthetic = data.Anaesthetic{}
	in.Session.Products = []data.ProductUse{{ProductID: "Hyaluronic acid serum (sterile)", Lot: "HA-1", Phase: data.PhaseDuring},
		{ProductID: "Peptide serum", Lot: "PS-1", Phase: data.PhaseAfter}}
	only(t, data.CheckSafety(in), "lot.expired:product:Peptide serum:PS-1", true, data.SectionProducts, "products[1].lot")
	in.Session.Products[1].Expiry = day.AddDays(-1)
	only(t, data.CheckSafety(in), "lot.expired:product:Peptide serum:PS-1", true, data.SectionProducts, "products[1].expiry")
}

func TestSafetyProductNotForNeedledSkin(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	const vitC = "Vitamin C serum (L-ascorbic acid)"
	in.Session.Products = []data.ProductUse{{ProductID: vitC, Phase: data.PhaseBefore}}
	none(t, data.CheckSafety(in)) // on intact skin
	in.Session.Products[0].Phase = data.PhaseAfter
	only(t, data.CheckSafety(in), "product.needled:"+vitC, false, data.SectionProducts, "products[0].product")
	in.Session.Products = append(in.Session.Products, data.ProductUse{ProductID: vitC, Phase: data.PhaseDuring})
	w := only(t, data.CheckSafety(in), "product.needled:"+vitC, true, data.SectionProducts, "products[0].product")
	if !strings.Contains(w.Message, "granulomas") {
		t.Errorf("message %q does not say why", w.Message)
	}
}

func TestSafetyOrderAndEveryMessage(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	day := data.DateOf(testkit.Now)
	in.Client.Fitzpatrick = 6
	in.Client.History = []data.HistoryEntry{{Condition: "Pregnancy"}, {Condition: "Herpes simplex, history"}}
	in.Session.DeviceID = "SkinPen Precision"
	in.Session.Concerns = []string{"Uneven tone"}
	in.Session.Zones = []data.ZoneTreatment{{Zone: "Neck", DepthMM: 2.5, Passes: 3}}
	in.Session.Cartridge = data.CartridgeUse{CartridgeID: "12-pin", Lot: "C", Expiry: day.AddDays(-1)}
	in.Session.Anaesthetic = data.Anaesthetic{ProductID: "Lidocaine 4% cream", Lot: "L", Minutes: 20}
	in.Lots = map[string][]data.Lot{"Lidocaine 4% cream": {{Lot: "L", Expiry: day.AddDays(-1)}}}
	in.Session.Products = []data.ProductUse{{ProductID: "Vitamin C serum (L-ascorbic acid)", Phase: data.PhaseDuring}}
	in.Sessions = []data.PastSession{{ID: "x", StartedAt: testkit.Now.Add(-72 * time.Hour), Zones: []string{"Neck"}}}
	ws := data.CheckSafety(in)
	want := []string{"rule:Pregnancy", "rule:Herpes simplex, history", "lot.expired:anaesthetic:L", "lot.expired:cartridge:C",
		"depth.zone:Neck", "depth.device:Neck", "depth.pigment:Neck", "depth.fitzpatrick:Neck", "interval:Neck",
		"product.needled:Vitamin C serum (L-ascorbic acid)"}
	if strings.Join(rulesOf(ws), "|") != strings.Join(want, "|") {
		t.Fatalf("warnings\n%q\nwant\n%q", rulesOf(ws), want)
	}
	blocks := rulesOf(data.Blocking(ws, []data.Override{{Rule: "rule:Pregnancy", Reason: "Not pregnant: test negative today."},
		{Rule: "lot.expired:cartridge:C", Reason: " "}})) // no reason: passes nothing
	if strings.Join(blocks, "|") != "lot.expired:anaesthetic:L|lot.expired:cartridge:C|product.needled:Vitamin C serum (L-ascorbic acid)" {
		t.Errorf("blocks left: %q", blocks)
	}
	for _, w := range ws {
		if w.Message == "" || !strings.HasSuffix(w.Message, ".") {
			t.Errorf("%s: message %q", w.Rule, w.Message)
		}
	}
}

func BenchmarkCheckSafety(b *testing.B) {
	in := safetyInput()
	in.Client.History = []data.HistoryEntry{{Condition: "Herpes simplex, history"}, {Condition: "Dermal filler", Until: data.NewDate(2026, 1, 1)}}
	in.Session.Zones = append(in.Session.Zones, data.ZoneTreatment{Zone: "Forehead", DepthMM: 0.5, Passes: 3},
		data.ZoneTreatment{Zone: "Chin", DepthMM: 1.0, Passes: 3})
	for i := range 30 {
		in.Sessions = append(in.Sessions, data.PastSession{ID: string(rune('a' + i)), StartedAt: testkit.Now.AddDate(0, 0, -30*(i+1)),
			Zones: []string{"Cheeks", "Chin"}})
	}
	for b.Loop() {
		data.CheckSafety(in)
	}
}

func TestSafetyAllergy(t *testing.T) {
	t.Parallel()
	in := safetyInput()
	in.Session.Anaesthetic = data.Anaesthetic{ProductID: "Lidocaine 4% cream", Minutes: 20}
	none(t, data.CheckSafety(in))
	in.Client.Allergies = []string{"Nickel", "lidocaine"}
	w := only(t, data.CheckSafety(in), "allergy:Lidocaine 4% cream", false, data.SectionAnaesthetic, "anaesthetic_product")
	if !strings.Contains(w.Message, "allergic to lidocaine") {
		t.Errorf("message %q", w.Message)
	}
}
