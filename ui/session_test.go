package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// waitFor polls cond until it holds: saves run off the UI goroutine, as in the app.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// newTestClient saves a client with a history, a concern and an allergy.
func newTestClient(t *testing.T, s practiceStore) data.Client {
	t.Helper()
	c := data.Client{FirstName: "Zoë", LastName: "Ångström", Fitzpatrick: 4, Concerns: []string{"Acne scars"},
		Allergies: []string{"Lidocaine"}, PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// openEditor opens the session editor for a client as the app does, in a 1280x800 test window.
func openEditor(t *testing.T, s practiceStore, c data.Client, sessionID string, d *data.Draft) (*sessionEditor, fyne.Window) {
	t.Helper()
	ed, err := loadEditorData(context.Background(), s, c, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	e := newSessionEditor(w, s, ed, d)
	e.draftDelay = time.Hour // drafts only when the test says so
	w.SetContent(e.content())
	w.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(e.finish)
	return e, w
}

// tapZone taps the zone map where it draws the named zone.
func tapZone(t *testing.T, m *nlwidget.ZoneMap, name string) {
	t.Helper()
	size := m.Size()
	for y := float32(2); y < size.Height; y += 4 {
		for x := float32(2); x < size.Width; x += 4 {
			if z, ok := m.ZoneAt(fyne.NewPos(x, y)); ok && z.Name == name {
				test.TapAt(m, fyne.NewPos(x, y))
				return
			}
		}
	}
	t.Fatalf("zone %s is not on the map", name)
}

func TestLogAFullSession(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	e, _ := openEditor(t, s, c, "", nil)

	if e.startedAt.Text == "" || e.seriesN.Text != "1" || e.interval.Text != "28" || !slices.Equal(e.concerns.selected(), c.Concerns) {
		t.Fatalf("new session defaults: %q %q %q %v", e.startedAt.Text, e.seriesN.Text, e.interval.Text, e.concerns.selected())
	}
	e.seriesOf.SetText("")
	test.Type(e.seriesOf, "4")
	e.device.SetText("Dermapen 4")
	e.cartridge.SetText("16-pin")
	test.Type(e.cartridgeLot, "C-7781")
	e.cartridgeExpiry.SetText("2027-05-31")

	tapZone(t, e.zoneMap, "Cheeks")
	tapZone(t, e.zoneMap, "Forehead")
	tapZone(t, e.zoneMap, "Nose")
	tapZone(t, e.zoneMap, "Nose") // a second tap removes it
	if len(e.zones) != 2 || e.zones[0].zone.Text != "Cheeks" || e.zones[1].zone.Text != "Forehead" {
		t.Fatalf("zone rows after tapping the map: %d", len(e.zones))
	}
	e.zones[0].depth.SetText("")
	test.Type(e.zones[0].depth, "3,5")
	if msg := e.notes.notes["zones[0].depth_mm"].Text; msg != "Depth for Cheeks must be 0.1 to 3.0 mm." {
		t.Fatalf("message beside an out-of-range depth: %q", msg)
	}
	e.zones[0].depth.SetText("1,5") // a comma is read as the decimal mark
	if e.notes.notes["zones[0].depth_mm"].Visible() {
		t.Fatalf("message stayed after fixing the depth: %q", e.notes.notes["zones[0].depth_mm"].Text)
	}
	e.zones[0].speed.SetText("6")
	e.zones[0].passes.SetText("4")
	e.zones[0].endpoint.SetSelected("Pinpoint bleeding")
	e.zones[1].depth.SetText("0.5")

	e.addProductRow(productRow{Phase: "during"})
	e.products[0].product.SetText("Hyaluronic acid serum (sterile)")
	test.Type(e.products[0].lot, "HA-2291")
	e.products[0].amount.SetText("2 ml")

	e.addSideEffectRow(sideEffectRow{Severity: "mild", During: true})
	e.sideEffects[0].kind.SetText("Erythema")
	e.pain.SetSelected("3")
	e.price.SetText("350")

	e.save()
	var saved data.Session
	waitFor(t, "the session to be saved", func() bool {
		tl, _ := s.Timeline(context.Background(), c.ID)
		if len(tl) == 1 {
			saved, _ = s.Session(context.Background(), tl[0].SessionID)
		}
		return saved.ID != ""
	})
	if len(saved.Zones) != 2 || saved.Zones[0] != (data.ZoneTreatment{Zone: "Cheeks", DepthMM: 1.5, Speed: 6, Passes: 4,
		Endpoint: "Pinpoint bleeding"}) || saved.Zones[1].DepthMM != 0.5 {
		t.Fatalf("zones saved: %+v", saved.Zones)
	}
	if saved.SeriesOf != 4 || saved.Cartridge.Lot != "C-7781" || saved.Cartridge.Expiry.String() != "2027-05-31" ||
		saved.DeviceID == "" || !saved.PainScore.Valid || saved.PainScore.V != 3 || saved.PriceCents.V != 35000 {
		t.Fatalf("session saved: %+v", saved)
	}
	if len(saved.Products) != 1 || saved.Products[0].Lot != "HA-2291" || saved.Products[0].Phase != data.PhaseDuring {
		t.Fatalf("products saved: %+v", saved.Products)
	}
	if len(saved.SideEffects) != 1 || saved.SideEffects[0].Kind != "Erythema" || !saved.SideEffects[0].DuringSession {
		t.Fatalf("side effects saved: %+v", saved.SideEffects)
	}
	if want := data.DateOf(saved.StartedAt).AddDays(28); !saved.NextDue.Equal(want) {
		t.Fatalf("next due %v, want the series interval after the session, %v", saved.NextDue, want)
	}
	waitFor(t, "the editor to take the save in", func() bool { return !e.changed() })
}

func TestSaveRefusesInvalidSessionAndKeepsTheForm(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	e, _ := openEditor(t, s, c, "", nil)
	e.toggleZone("Neck")
	e.zones[0].depth.SetText("4")
	e.pain.SetSelected("not recorded")
	e.startedAt.SetText("tomorrow at ten")
	e.save()
	if got := e.notes.notes["started_at"].Text; got == "" {
		t.Fatal("no message beside an unreadable date")
	}
	if tl, _ := s.Timeline(context.Background(), c.ID); len(tl) != 0 {
		t.Fatalf("an invalid session was saved: %+v", tl)
	}
	if e.zones[0].depth.Text != "4" || e.startedAt.Text != "tomorrow at ten" {
		t.Fatal("the form lost what was typed")
	}
}

func TestDraftSurvivesARestart(t *testing.T) {
	test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, s)
	e, _ := openEditor(t, s, c, "", nil)
	e.toggleZone("Cheeks")
	e.zones[0].depth.SetText("4.5") // not valid yet: drafts keep it all the same
	e.notesEntry.SetText("Client asked to stop at the jawline.")
	e.saveDraft()
	waitFor(t, "the draft to be written", func() bool { d, _ := s.Drafts(context.Background(), c.ID); return len(d) == 1 })
	e.finish()
	// The process is killed: nothing else is saved. The next start opens the same file.
	s.Close()
	s, err = sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := loadClientState(context.Background(), s, c.ID)
	if err != nil || len(st.drafts) != 1 {
		t.Fatalf("drafts after restart: %v %v", st.drafts, err)
	}
	page := newClientPage(s)
	page.apply(st)
	if len(page.draftNote.Objects) != 1 {
		t.Fatal("the client page does not offer the kept draft")
	}
	e2, _ := openEditor(t, s, c, "", &st.drafts[0])
	if len(e2.zones) != 1 || e2.zones[0].depth.Text != "4.5" || e2.notesEntry.Text != "Client asked to stop at the jawline." {
		t.Fatalf("recovered form: %d zones, notes %q", len(e2.zones), e2.notesEntry.Text)
	}
	e2.zones[0].depth.SetText("1.5")
	e2.save()
	waitFor(t, "the recovered session to be saved and its draft removed", func() bool {
		tl, _ := s.Timeline(context.Background(), c.ID)
		d, _ := s.Drafts(context.Background(), c.ID)
		return len(tl) == 1 && len(d) == 0
	})
}

func TestClosingWithUnsavedChangesAsksFirst(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	e, w := openEditor(t, s, c, "", nil)
	closed := false
	e.onClose = func() { closed = true }

	e.close() // nothing typed: closes at once
	if !closed {
		t.Fatal("an untouched editor asked before closing")
	}
	closed = false
	e, w = openEditor(t, s, c, "", nil)
	e.onClose = func() { closed = true }
	e.toggleZone("Chin")
	e.close()
	if closed {
		t.Fatal("the editor closed over unsaved changes without asking")
	}
	buttons := overlayButtons(w)
	if !slices.Contains(buttons, "Keep as draft") || !slices.Contains(buttons, "Save") || !slices.Contains(buttons, "Go back") {
		t.Fatalf("the question offers %v", buttons)
	}
	tapButton(t, w, "Keep as draft")
	waitFor(t, "the editor to close after keeping a draft", func() bool { return closed })
	if d, _ := s.Drafts(context.Background(), c.ID); len(d) != 1 {
		t.Fatalf("kept drafts: %d", len(d))
	}
}

// overlayButtons lists the buttons of the dialog on top of the window.
func overlayButtons(w fyne.Window) []string {
	var out []string
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			out = append(out, b.Text)
		}
	})
	return out
}

func tapButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var found *widget.Button
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button", text)
	}
	test.Tap(found)
}

// walk visits o and everything inside it.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	visit(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, visit)
		}
	}
}

func TestCopySettingsFromTheLastSession(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	devices, _ := s.Devices(context.Background(), false)
	last := data.Session{ClientID: c.ID, StartedAt: s.Now().Add(-30 * 24 * time.Hour), SeriesN: 1, SeriesOf: 3,
		DeviceID: devices[0].ID, NoSideEffects: true,
		Zones: []data.ZoneTreatment{{Zone: "Cheeks", DepthMM: 1.25, Passes: 4, Endpoint: "Uniform erythema"}}}
	if err := s.CreateSession(context.Background(), &last); err != nil {
		t.Fatal(err)
	}
	e, _ := openEditor(t, s, c, "", nil)
	if e.seriesN.Text != "2" || e.seriesOf.Text != "3" || e.device.Text != devices[0].Model {
		t.Fatalf("the next session of the series: %s of %s, device %q", e.seriesN.Text, e.seriesOf.Text, e.device.Text)
	}
	e.copyLast()
	if len(e.zones) != 1 || e.zones[0].depth.Text != "1.25" || e.zones[0].endpoint.Selected != "Uniform erythema" {
		t.Fatalf("copied grid: %+v", e.form().Zones)
	}
}

func TestFollowUpSideEffect(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	se := data.Session{ClientID: c.ID, StartedAt: s.Now().Add(-72 * time.Hour), NoSideEffects: true}
	if err := s.CreateSession(context.Background(), &se); err != nil {
		t.Fatal(err)
	}
	tl, _ := s.Timeline(context.Background(), c.ID)
	f := newSideEffectForm(s, tl[0], nil, []string{"Milia"})
	test.NewTempWindow(t, f.content())
	f.kind.SetText("Milia")
	f.severity.SetSelected("moderate")
	f.onset.SetText(data.DateOf(se.StartedAt).AddDays(-1).String())
	f.save(func() {})
	if f.fields.notes["side_effect.onset"].Text == "" {
		t.Fatal("no message for a side effect starting before the session")
	}
	f.onset.SetText(data.DateOf(s.Now()).String())
	saved := false
	f.save(func() { saved = true })
	waitFor(t, "the follow-up to be saved", func() bool { return saved })
	got, _ := s.SideEffects(context.Background(), se.ID)
	if len(got) != 1 || got[0].Kind != "Milia" || got[0].Severity != data.SeverityModerate {
		t.Fatalf("side effects: %+v", got)
	}

	f = newSideEffectForm(s, tl[0], got, nil)
	test.NewTempWindow(t, f.content())
	f.resolve(got[0])
	waitFor(t, "the side effect to be resolved", func() bool {
		got, _ = s.SideEffects(context.Background(), se.ID)
		return !got[0].Resolved.IsZero()
	})
}

func TestSavingTwiceQuicklySavesOneSession(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	e, _ := openEditor(t, s, c, "", nil)
	e.toggleZone("Chin")
	var pending []func()
	was := background
	background = func(work func()) { pending = append(pending, work) } // the first save is still running...
	t.Cleanup(func() { background = was })
	e.save()
	e.save() // ...when the practitioner presses Ctrl+S again
	e.saveThen(nil)
	if len(pending) != 1 || e.saveBtn.Disabled() == false {
		t.Fatalf("%d saves started for one session; Save button disabled: %v", len(pending), e.saveBtn.Disabled())
	}
	pending[0]()
	if tl, _ := s.Timeline(context.Background(), c.ID); len(tl) != 1 || e.saveBtn.Disabled() {
		t.Fatalf("sessions saved: %d; Save button disabled: %v", len(tl), e.saveBtn.Disabled())
	}
}

func TestRetiredDeviceStaysOnAnOldSession(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	ctx := context.Background()
	old := data.Device{Model: "Dermapen 3", Kind: data.DevicePen, SpeedUnit: "level", MaxDepth: 2.5, EvaluatedDepth: 2.5}
	if err := s.SaveDevice(ctx, &old); err != nil {
		t.Fatal(err)
	}
	se := data.Session{ClientID: c.ID, StartedAt: s.Now().Add(-time.Hour), DeviceID: old.ID, NoSideEffects: true}
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	old.Retired = true
	if err := s.SaveDevice(ctx, &old); err != nil {
		t.Fatal(err)
	}
	e, _ := openEditor(t, s, c, se.ID, nil)
	if e.device.Text != "Dermapen 3" {
		t.Fatalf("the retired device shows as %q", e.device.Text)
	}
	e.notesEntry.SetText("Note added later.")
	e.save()
	got, _ := s.Session(ctx, se.ID)
	if got.DeviceID != old.ID || got.Notes != "Note added later." {
		t.Fatalf("saved again: device %q notes %q", got.DeviceID, got.Notes)
	}
}

func TestLotFillsExpiryButNeverOverATypedOne(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	cartridges, _ := s.Cartridges(context.Background(), false)
	lot := data.Lot{ItemID: cartridges[0].ID, Lot: "24A", Expiry: data.NewDate(2027, 2, 28)}
	if err := s.SaveCartridgeLot(context.Background(), &lot); err != nil {
		t.Fatal(err)
	}
	e, _ := openEditor(t, s, c, "", nil)
	e.cartridge.SetText(cartridges[0].Name)
	test.Type(e.cartridgeLot, "24A")
	if e.cartridgeExpiry.Text != "2027-02-28" {
		t.Fatalf("expiry after picking a known lot: %q", e.cartridgeExpiry.Text)
	}
	test.Type(e.cartridgeLot, "B") // lot 24AB is not known: its expiry is not 24A's
	if e.cartridgeExpiry.Text != "" {
		t.Fatalf("expiry of an unknown lot: %q", e.cartridgeExpiry.Text)
	}
	e.cartridgeExpiry.SetText("2026-12-31")
	e.cartridgeLot.SetText("24A")
	if e.cartridgeExpiry.Text != "2026-12-31" {
		t.Fatalf("a typed expiry was replaced by %q", e.cartridgeExpiry.Text)
	}
}

func TestNewRowWaitsBeforeComplaining(t *testing.T) {
	s := openStore(t)
	e, w := openEditor(t, s, newTestClient(t, s), "", nil)
	e.addProductRow(productRow{Phase: "during"})
	row := e.products[0]
	if w.Canvas().Focused() != row.product {
		t.Fatal("a new product row does not take the focus")
	}
	if row.note.Visible() {
		t.Fatalf("an empty product row complains at once: %q", row.note.Text)
	}
	// Leaving it empty is a mistake worth saying.
	w.Canvas().Focus(row.amount)
	if !row.note.Visible() || row.note.Text != "Product row 1 needs a product." {
		t.Fatalf("leaving the product empty shows %q", row.note.Text)
	}

	// A side effect row added after waits as well, and Save shows everything.
	e.addSideEffectRow(sideEffectRow{Severity: "mild", During: true})
	se := e.sideEffects[0]
	if se.note.Visible() {
		t.Fatalf("an empty side effect row complains at once: %q", se.note.Text)
	}
	e.save()
	if !se.note.Visible() {
		t.Fatal("Save did not show the empty side effect row's message")
	}
}

func TestFixedSpeedDeviceTakesNoSpeed(t *testing.T) {
	s := openStore(t)
	e, _ := openEditor(t, s, newTestClient(t, s), "", nil)
	zone := e.ed.catalog.zones[0].Name
	e.toggleZone(zone)
	row := e.zones[0]
	e.device.SetText("SkinPen Precision")
	if row.speed.PlaceHolder != "fixed" {
		t.Fatalf("the speed field of a fixed-speed pen invites %q", row.speed.PlaceHolder)
	}
	row.speed.SetText("3")
	want := "SkinPen Precision has no speed setting: leave Speed empty for " + zone + "."
	if !row.note.Visible() || row.note.Text != want {
		t.Fatalf("a speed for a fixed-speed pen shows %q, want %q", row.note.Text, want)
	}
	row.speed.SetText("")
	if row.note.Visible() {
		t.Fatalf("the message stays once the speed is removed: %q", row.note.Text)
	}
}

func TestExpiryAsPackagingPrintsIt(t *testing.T) {
	s := openStore(t)
	e, _ := openEditor(t, s, newTestClient(t, s), "", nil)
	e.cartridgeExpiry.SetText("2027-03")
	got, _ := e.form().parse(e.base, &e.ed.catalog)
	if got.Cartridge.Expiry.String() != "2027-03-31" {
		t.Fatalf("cartridge expiry 2027-03 reads as %q, want the end of March", got.Cartridge.Expiry)
	}
	e.cartridgeExpiry.SetText("2027/3")
	if _, ok := e.notes.notes["cartridge_expiry"]; !ok || !e.notes.note("cartridge_expiry").Visible() {
		t.Fatal("an expiry in another form shows no message")
	}
}

func TestSafetyBlockNeedsAWrittenReason(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	c := data.Client{FirstName: "Ida", LastName: "Holm", Fitzpatrick: 2, PhotoConsent: data.PhotoConsentClinical,
		History: []data.HistoryEntry{{Condition: "Pregnancy", Since: data.DateOf(s.Now()).AddDays(-60)}}}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	e, w := openEditor(t, s, c, "", nil)
	shown := func(section string) string {
		var text []string
		walk(e.safety[section], func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok {
				text = append(text, l.Text)
			}
		})
		return strings.Join(text, " | ")
	}
	if got := shown(data.SectionHeader); !strings.Contains(got, "Blocked: ") || !strings.Contains(got, "pregnancy") {
		t.Fatalf("the header's safety notes read %q", got)
	}

	// A zone deeper than its warning depth warns under its row, without stopping typing.
	zone := e.ed.catalog.zones[0]
	e.toggleZone(zone.Name)
	e.zones[0].depth.SetText(wording.Number(zone.WarnAbove + 0.25))
	if got := shown("zones[0]"); !strings.Contains(got, zone.Name) {
		t.Fatalf("a depth above %s's warning depth shows %q", zone.Name, got)
	}

	// Save is refused while the block stands; a written reason passes it, and it is stored.
	e.save()
	if !strings.Contains(e.status.Text, "1 safety block") {
		t.Fatalf("saving over a block says %q", e.status.Text)
	}
	var anyway *widget.Button
	walk(e.safety[data.SectionHeader], func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Treat anyway…" {
			anyway = b
		}
	})
	if anyway == nil {
		t.Fatal("a block offers no way to treat anyway")
	}
	test.Tap(anyway)
	tapButton(t, w, "Treat anyway") // with no reason: refused, the question stays
	if overlayText(w) == "" {
		t.Fatal("an override without a reason was taken")
	}
	test.Type(overlayEntry(t, w), "Obstetrician confirmed in writing: pregnancy ended, see letter")
	tapButton(t, w, "Treat anyway")
	e.save()
	waitFor(t, "the save", func() bool { return e.base.ID != "" })
	stored, err := s.Session(ctx, e.base.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Overrides) != 1 || !strings.Contains(stored.Overrides[0].Reason, "Obstetrician") {
		t.Fatalf("stored overrides %+v", stored.Overrides)
	}
	if got := shown(data.SectionHeader); !strings.Contains(got, "Treated anyway: Obstetrician") {
		t.Fatalf("after passing the block the header reads %q", got)
	}
}

func TestSignThenAmend(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	c := data.Client{FirstName: "Ida", LastName: "Holm", Fitzpatrick: 2, PhotoConsent: data.PhotoConsentClinical,
		Consent: data.Consent{Form: "Microneedling consent", Version: "3", Signed: data.DateOf(s.Now()).AddDays(-30)}}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	p := data.Practitioner{Name: "Dr. Amara Okafor", Role: data.Role("practitioner")}
	if err := s.SavePractitioner(ctx, &p); err != nil {
		t.Fatal(err)
	}
	e, w := openEditor(t, s, c, "", nil)
	e.practitioner.SetSelected(p.Name)

	// An incomplete record is not signed, and what is missing is listed.
	e.save()
	waitFor(t, "the first save", func() bool { return e.base.ID != "" })
	e.sign()
	if msg := overlayText(w); !strings.Contains(msg, "To sign, the record still needs") {
		t.Fatalf("signing an incomplete record says %q", msg)
	}
	for _, o := range w.Canvas().Overlays().List() {
		w.Canvas().Overlays().Remove(o)
	}

	// Complete it: device, cartridge lot, a zone with its depth, no photo with the reason, none observed.
	cat := e.ed.catalog
	e.device.SetText(cat.devices[0].Model)
	e.cartridge.SetText(cat.cartridges[1].Name)
	e.cartridgeLot.SetText("C-100")
	e.toggleZone(cat.zones[0].Name)
	e.photoRefusal.SetText("The client declined photos today.")
	e.noSideEffects.SetChecked(true)
	e.save()
	waitFor(t, "the save", func() bool { return !e.changed() })
	e.sign()
	tapButton(t, w, "Sign")
	waitFor(t, "the signature", func() bool { return e.base.Status == data.StatusSigned })
	if e.saveBtn.Text != "Amend…" || e.signBtn.Visible() {
		t.Fatalf("a signed session offers %q and Sign visible %v", e.saveBtn.Text, e.signBtn.Visible())
	}

	// A change to a signed session is an amendment with a reason, asked first; the original stays on record.
	e.save() // Amend…
	test.Type(overlayEntry(t, w), "Depth typed wrong: the device log says 0.75")
	tapButton(t, w, "Amend")
	e.zones[0].depth.SetText("0.75")
	e.save()
	waitFor(t, "the amendment", func() bool { return len(e.ed.amends) == 1 })
	a := e.ed.amends[0]
	if a.Reason != "Depth typed wrong: the device log says 0.75" || len(a.Changes) != 1 || a.Changes[0].New != "0.75" {
		t.Fatalf("amendment %+v", a)
	}
	var shown []string
	walk(e.amendBox, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			shown = append(shown, l.Text)
		}
	})
	if text := strings.Join(shown, " "); !strings.Contains(text, "Amendment 1") || !strings.Contains(text, "→ 0.75") {
		t.Fatalf("the amendment history reads %q", text)
	}
	stored, err := s.Session(ctx, e.base.ID)
	if err != nil || stored.Status != data.StatusSigned || stored.Zones[0].DepthMM != 0.75 {
		t.Fatalf("stored %+v (%v)", stored.Zones, err)
	}
}

// completeSessionIn fills in what signing needs but the practitioner, and saves it.
func completeSessionIn(t *testing.T, e *sessionEditor) {
	t.Helper()
	cat := e.ed.catalog
	e.device.SetText(cat.devices[0].Model)
	e.cartridge.SetText(cat.cartridges[1].Name)
	e.cartridgeLot.SetText("C-100")
	e.toggleZone(cat.zones[0].Name)
	e.photoRefusal.SetText("The client declined photos today.")
	e.noSideEffects.SetChecked(true)
	e.save()
	waitFor(t, "the save", func() bool { return e.base.ID != "" && !e.changed() })
}

// consentedClient is a client with treatment consent on file.
func consentedClient(t *testing.T, s *sqlite.Store) data.Client {
	t.Helper()
	c := data.Client{FirstName: "Ida", LastName: "Holm", Fitzpatrick: 2, PhotoConsent: data.PhotoConsentClinical,
		Consent: data.Consent{Form: "Microneedling consent", Version: "3", Signed: data.DateOf(s.Now()).AddDays(-30)}}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func addPractitioner(t *testing.T, s *sqlite.Store, name string) data.Practitioner {
	t.Helper()
	return testkit.CreatePractitioner(t, s, name, data.RolePractitioner)
}

// labelsIn joins the text of every visible label under o.
func labelsIn(o fyne.CanvasObject) string {
	var out []string
	walkVisible(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text != "" {
			out = append(out, l.Text)
		}
	})
	return strings.Join(out, " | ")
}

// A new session is by whoever is signed in, not by whoever treated the client last time; and
// signing as someone else than who the record says treated is refused, before the question.
func TestNewSessionIsByWhoIsSignedIn(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	lea := addPractitioner(t, s, "Léa Fontaine")
	sofia := addPractitioner(t, s, "Sofia Lindqvist")
	e, _ := openEditor(t, s, c, "", nil)
	e.practitioner.SetSelected(lea.Name)
	completeSessionIn(t, e) // Léa's session: the client's last
	first := e.base.ID
	e.finish()

	s.SetActor(sofia.ID) // Sofia signs in at the lock screen
	e, w := openEditor(t, s, c, "", nil)
	if e.practitioner.Selected != sofia.Name {
		t.Fatalf("a new session while Sofia is signed in is by %q", e.practitioner.Selected)
	}
	e.finish()

	// Sofia opens Léa's session: it is Léa's to sign, and the editor says so before anyone tries.
	e, w = openEditor(t, s, c, first, nil)
	want := "This session records Léa Fontaine as the practitioner who treated, not Sofia Lindqvist: " +
		"Léa Fontaine must sign it, or the treating practitioner be changed first."
	if !slices.Contains(e.missing, want) || !e.signBtn.Disabled() {
		t.Fatalf("signing Léa's session as Sofia: missing %q, Sign disabled %v", e.missing, e.signBtn.Disabled())
	}
	e.sign()
	if msg := overlayText(w); !strings.Contains(msg, "Léa Fontaine must sign it") {
		t.Fatalf("Sign as Sofia says %q", msg)
	}
	if got, _ := s.Session(context.Background(), first); got.Status != data.StatusDraft {
		t.Fatal("Léa's session was signed by Sofia")
	}
	e.finish()

	// Without passphrases, a new session is by the practitioner last recorded on this computer.
	s.SetActor("")
	e, _ = openEditor(t, s, c, "", nil)
	if e.practitioner.Selected != lea.Name {
		t.Fatalf("without passphrases a new session is by %q, want the last used here, Léa", e.practitioner.Selected)
	}
	e.practitioner.SetSelected(sofia.Name)
	completeSessionIn(t, e)
	e.finish()
	e, _ = openEditor(t, s, c, "", nil)
	if e.practitioner.Selected != sofia.Name {
		t.Fatalf("the practitioner last used here is not remembered: %q", e.practitioner.Selected)
	}
}

// signedSessionOf saves and signs a complete session for c, by p.
func signedSessionOf(t *testing.T, s *sqlite.Store, c data.Client, p data.Practitioner) string {
	t.Helper()
	e, _ := openEditor(t, s, c, "", nil)
	e.practitioner.SetSelected(p.Name)
	completeSessionIn(t, e)
	e.finish()
	if err := s.SignSession(data.WithActor(context.Background(), p.ID), e.base.ID, e.base.Version); err != nil {
		t.Fatal(err)
	}
	return e.base.ID
}

// A signed session opens to be read: no field takes a keystroke, the map no click, until Amend…
// has the reason; and what was changed since can be thrown away in one step.
func TestSignedSessionOpensReadOnly(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	p := addPractitioner(t, s, "Léa Fontaine")
	id := signedSessionOf(t, s, c, p)

	e, w := openEditor(t, s, c, id, nil)
	closed := false
	e.onClose = func() { closed = true }
	e.focus()
	date := e.startedAt.Text
	if w.Canvas().Focused() == e.startedAt || !e.startedAt.Disabled() || !e.zones[0].depth.Disabled() || !e.pain.Disabled() {
		t.Fatal("a signed session opens editable")
	}
	test.Type(e.startedAt, "9")
	tapZone(t, e.zoneMap, e.zones[0].zone.Text) // a click that would remove the zone
	if e.startedAt.Text != date || len(e.zones) != 1 || e.changed() {
		t.Fatalf("a signed session changed: date %q, %d zones", e.startedAt.Text, len(e.zones))
	}
	if e.saveBtn.Text != "Amend…" {
		t.Fatalf("the signed session offers %q", e.saveBtn.Text)
	}

	// Amend… asks the reason first; the form stays read-only until it is given.
	test.Tap(e.saveBtn)
	if !e.startedAt.Disabled() {
		t.Fatal("the form became editable before the reason was given")
	}
	test.Type(overlayEntry(t, w), "Depth typed wrong")
	tapButton(t, w, "Amend")
	if e.startedAt.Disabled() || e.zones[0].depth.Disabled() {
		t.Fatal("the form is still read-only after the reason was given")
	}
	e.zones[0].depth.SetText("0.75")
	e.close()
	buttons := overlayButtons(w)
	if !slices.Contains(buttons, "Discard") {
		t.Fatalf("the close question offers %v", buttons)
	}
	tapButton(t, w, "Discard")
	if !closed {
		t.Fatal("Discard did not close the editor")
	}
	stored, _ := s.Session(context.Background(), id)
	if amends, _ := s.Amendments(context.Background(), id); len(amends) != 0 || stored.Zones[0].DepthMM == 0.75 {
		t.Fatalf("a discarded change was saved: %d amendments, depth %v", len(amends), stored.Zones[0].DepthMM)
	}
}

// Discard throws away an unsaved change of a draft session too, and the draft kept of it.
func TestDiscardThrowsAwayWhatIsNotSaved(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	p := addPractitioner(t, s, "Léa Fontaine")
	e, w := openEditor(t, s, c, "", nil)
	e.practitioner.SetSelected(p.Name)
	completeSessionIn(t, e)
	id := e.base.ID
	e.finish()

	e, w = openEditor(t, s, c, id, nil)
	closed := false
	e.onClose = func() { closed = true }
	e.notesEntry.SetText("Typed by mistake")
	e.saveDraft()
	waitFor(t, "the draft", func() bool { d, _ := s.Drafts(context.Background(), c.ID); return len(d) == 1 })
	e.close()
	tapButton(t, w, "Discard")
	if !closed {
		t.Fatal("Discard did not close the editor")
	}
	waitFor(t, "the draft to go", func() bool { d, _ := s.Drafts(context.Background(), c.ID); return len(d) == 0 })
	if got, _ := s.Session(context.Background(), id); got.Notes != "" {
		t.Fatalf("the discarded notes were saved: %q", got.Notes)
	}
}

// What signing still needs shows as the form changes, and Sign… is offered only when it can succeed.
func TestChecklistShowsWhatSigningNeeds(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	p := addPractitioner(t, s, "Léa Fontaine")
	e, _ := openEditor(t, s, c, "", nil)
	e.practitioner.SetSelected(p.Name)
	if !e.signBtn.Disabled() || !strings.Contains(e.checkSummary.Text, "Record the device used.") ||
		!strings.Contains(e.checkSummary.Text, "Save the session") {
		t.Fatalf("a new session's checklist: %q, Sign disabled %v", e.checkSummary.Text, e.signBtn.Disabled())
	}
	e.device.SetText(e.ed.catalog.devices[0].Model)
	if strings.Contains(e.checkSummary.Text, "Record the device used.") {
		t.Fatalf("the checklist did not follow the device typed: %q", e.checkSummary.Text)
	}
	completeSessionIn(t, e)
	if e.signBtn.Disabled() || e.checkSummary.Text != "Ready to sign: the record is complete." {
		t.Fatalf("a complete saved record: %q, Sign disabled %v", e.checkSummary.Text, e.signBtn.Disabled())
	}
	e.aftercare.set(nil)
	e.changed_()
	if !e.signBtn.Disabled() || !strings.Contains(e.checkSummary.Text, "Record the aftercare given.") {
		t.Fatalf("without aftercare: %q, Sign disabled %v", e.checkSummary.Text, e.signBtn.Disabled())
	}
}

// A client without treatment consent is said so as the editor opens, not only at signing.
func TestMissingConsentWarnedAtOnce(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s) // no consent recorded
	e, _ := openEditor(t, s, c, "", nil)
	want := "No treatment consent is on file for Zoë Ångström: record the signed form under Consent in the client's profile (Edit profile) before treating."
	if !strings.Contains(labelsIn(e.root), want) {
		t.Fatalf("the editor's header: %s", labelsIn(e.root))
	}
	e, _ = openEditor(t, s, consentedClient(t, s), "", nil)
	if strings.Contains(labelsIn(e.root), "No treatment consent") {
		t.Fatal("a client with consent on file is warned")
	}
}

// The practitioner picker adds a practitioner as the device picker adds a device; Suggest says
// why it has no date on the series' last session.
func TestQuickAddPractitionerAndSuggestOnTheLastSession(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	e, w := openEditor(t, s, c, "", nil)
	e.quickAddPractitioner()
	var fields []*widget.Entry
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if en, ok := o.(*widget.Entry); ok {
			fields = append(fields, en)
		}
	})
	if len(fields) != 2 {
		t.Fatalf("the quick-add dialog has %d fields", len(fields))
	}
	fields[0].SetText("Noor Haddad")
	fields[1].SetText("RN")
	tapButton(t, w, "Add")
	waitFor(t, "the practitioner", func() bool { return e.practitioner.Selected == "Noor Haddad" })
	ps, _ := s.Practitioners(context.Background(), false)
	if len(ps) != 1 || ps[0].Name != "Noor Haddad" || ps[0].Credentials != "RN" {
		t.Fatalf("practitioners saved: %+v", ps)
	}

	e.seriesN.SetText("3")
	e.seriesOf.SetText("3")
	e.nextDue.SetText("")
	var suggest *widget.Button
	walk(e.root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Suggest" {
			suggest = b
		}
	})
	test.Tap(suggest)
	if want := "This is the last session of the series (3 of 3): no next session to suggest."; !e.suggestWhy.Visible() || e.suggestWhy.Text != want {
		t.Fatalf("Suggest on the last session says %q", e.suggestWhy.Text)
	}
}

// The next due date is a date field like the others: the practice's order, ISO or "14 Mar 2027"
// typed, or a day picked on its calendar.
func TestNextDueTakesThePracticesDateOrder(t *testing.T) {
	test.NewTempApp(t)
	defer data.SetDateOrder(data.SystemDateOrder())
	data.SetDateOrder(data.DayMonthYear)
	s := openStore(t)
	e, _ := openEditor(t, s, newTestClient(t, s), "", nil)
	if e.nextDue.ActionItem == nil || e.nextDue.PlaceHolder != "DD/MM/YYYY" {
		t.Fatalf("the next due field has calendar %v, placeholder %q", e.nextDue.ActionItem != nil, e.nextDue.PlaceHolder)
	}
	for _, typed := range []string{"14/03/2027", "2027-03-14", "14 Mar 2027"} {
		e.nextDue.SetText(typed)
		se, problems := e.form().parse(e.base, &e.ed.catalog)
		for _, p := range problems {
			if p.Field == "next_due" {
				t.Errorf("%q: %s", typed, p.Message)
			}
		}
		if got := se.NextDue.String(); got != "2027-03-14" {
			t.Errorf("%q reads as %q", typed, got)
		}
	}
}

// The price says its currency, the practice's.
func TestPriceSaysItsCurrency(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	if err := s.SetSetting(context.Background(), data.SettingCurrency, "EUR"); err != nil {
		t.Fatal(err)
	}
	_, w := openEditor(t, s, newTestClient(t, s), "", nil)
	if got := labelsIn(w.Content()); !strings.Contains(got, "Price (€)") {
		t.Errorf("the editor has no label \"Price (€)\": %s", got)
	}
}

// A value that cannot be read is on the list of what signing needs, first, as soon as it is typed.
func TestChecklistNamesValuesThatCannotBeRead(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	e, _ := openEditor(t, s, newTestClient(t, s), "", nil)
	e.nextDue.SetText("32/13/2026")
	e.validate()
	if len(e.missing) == 0 || !strings.HasPrefix(e.missing[0], "Put right 1 value marked beside its field") {
		t.Fatalf("what signing needs: %q", e.missing)
	}
	if !strings.Contains(e.checkSummary.Text, "Put right 1 value") || !e.signBtn.Disabled() {
		t.Errorf("the checklist reads %q, Sign disabled %v", e.checkSummary.Text, e.signBtn.Disabled())
	}
	e.nextDue.SetText("")
	e.validate()
	if len(e.missing) > 0 && strings.HasPrefix(e.missing[0], "Put right") {
		t.Errorf("the value put right is still listed: %q", e.missing)
	}
}
