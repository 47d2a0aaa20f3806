package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// newTestSettings opens the Settings window on a fresh practice and loads it.
func newTestSettings(t *testing.T) (*settingsWindow, *sqlite.Store) {
	t.Helper()
	a := test.NewTempApp(t)
	store := openStore(t)
	s := newSettingsWindow(a, store, settingsLinks{})
	t.Cleanup(func() {
		s.wait()
		s.win.Close()
	})
	if err := s.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, store
}

// rowText is what a settings list shows in row i: the entry and its badge.
func rowText[T comparable](ed *settingsEditor[T], i int) string {
	row := ed.list.CreateItem()
	ed.list.UpdateItem(i, row)
	c := row.(*fyne.Container)
	return c.Objects[0].(*widget.Label).Text + " | " + c.Objects[1].(*widget.Label).Text
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: 90, B: uint8(y), A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSettingsClinicDetailsAndLogo(t *testing.T) {
	ctx := context.Background()
	s, store := newTestSettings(t)
	c := s.clinic
	if !c.save.Disabled() || c.unsaved.Visible() {
		t.Fatal("nothing changed yet, but Save is enabled or unsaved changes are shown")
	}
	test.Type(c.name, "Glow Skin Clinic ")
	test.Type(c.address, "1 High Street\nLeeds LS1 1AA")
	test.Type(c.phone, "0113 496 0000")
	if c.save.Disabled() || !c.unsaved.Visible() {
		t.Fatal("edits are not shown as unsaved")
	}

	logo := testPNG(t, 600, 200)
	c.takeLogo(settingsReadLogo(bytes.NewReader(logo)))
	if c.preview.Image == nil || c.preview.Image.Bounds().Dx() > 400 || c.removeLogo.Disabled() {
		t.Fatalf("logo preview %v, remove disabled %v", c.preview.Image, c.removeLogo.Disabled())
	}
	test.Tap(c.save)
	s.wait()
	for key, want := range map[string]string{data.SettingClinicName: "Glow Skin Clinic",
		data.SettingClinicAddress: "1 High Street\nLeeds LS1 1AA", data.SettingClinicPhone: "0113 496 0000"} {
		if got, err := store.Setting(ctx, key); err != nil || got != want {
			t.Fatalf("%s stored as %q, %v; want %q", key, got, err, want)
		}
	}
	if got, err := store.SettingBytes(ctx, data.SettingClinicLogo); err != nil || !bytes.Equal(got, logo) {
		t.Fatalf("logo stored as %d bytes, %v", len(got), err)
	}
	if c.name.Text != "Glow Skin Clinic" || !c.save.Disabled() || c.unsaved.Visible() {
		t.Fatalf("after saving: name %q, save disabled %v", c.name.Text, c.save.Disabled())
	}

	// A second window reads it all back.
	s2 := newSettingsWindow(test.NewTempApp(t), store, settingsLinks{})
	if err := s2.update(ctx); err != nil {
		t.Fatal(err)
	}
	if s2.clinic.phone.Text != "0113 496 0000" || s2.clinic.preview.Image == nil || !s2.clinic.save.Disabled() {
		t.Fatalf("reopened: phone %q, preview %v", s2.clinic.phone.Text, s2.clinic.preview.Image != nil)
	}

	test.Tap(c.removeLogo)
	if c.preview.Image != nil || c.save.Disabled() {
		t.Fatal("removing the logo is not shown as an unsaved change")
	}
	test.Tap(c.save)
	s.wait()
	if got, err := store.SettingBytes(ctx, data.SettingClinicLogo); err != nil || got != nil {
		t.Fatalf("removed logo still stored: %d bytes, %v", len(got), err)
	}
}

func TestSettingsLogoRefusesWhatIsNotASmallImage(t *testing.T) {
	s, store := newTestSettings(t)
	for _, c := range []struct {
		name, says string
		file       []byte
	}{
		{"not an image", "not a PNG or JPEG", []byte("Dear client, thank you for your visit.")},
		{"over 2 MB", "larger than 2 MB", append(testPNG(t, 10, 10), make([]byte, settingsLogoMaxBytes)...)},
	} {
		logo, err := settingsReadLogo(bytes.NewReader(c.file))
		if err == nil {
			t.Fatalf("%s: accepted", c.name)
		}
		s.clinic.takeLogo(logo, err)
		note := s.clinic.notes.note("logo")
		if !note.Visible() || !strings.Contains(note.Text, c.says) {
			t.Fatalf("%s: note %q (visible %v)", c.name, note.Text, note.Visible())
		}
		if s.clinic.logo != nil || !s.clinic.save.Disabled() {
			t.Fatalf("%s: refused logo taken", c.name)
		}
	}
	if got, _ := store.SettingBytes(context.Background(), data.SettingClinicLogo); got != nil {
		t.Fatal("a refused logo reached the database")
	}
}

func TestSettingsPractitionersAddAndRetire(t *testing.T) {
	ctx := context.Background()
	s, store := newTestSettings(t)
	p := s.practitioners
	if !p.ed.isNew() || p.ed.heading.Text != "New practitioner" {
		t.Fatalf("an empty practice should start with a new practitioner's form; heading %q", p.ed.heading.Text)
	}
	test.Tap(p.ed.saveBtn) // disabled: nothing typed
	s.wait()
	if got, _ := store.Practitioners(ctx, true); len(got) != 0 {
		t.Fatal("an empty practitioner was saved")
	}
	for _, name := range []string{"Maya Chen", "Ana Ruiz"} {
		test.Tap(p.ed.addBtn)
		test.Type(p.name, name)
		test.Type(p.credentials, "RN")
		if name == "Ana Ruiz" {
			p.role.SetSelected(settingsRoleAdmin)
		}
		test.Tap(p.ed.saveBtn)
		s.wait()
	}
	got, err := store.Practitioners(ctx, true)
	if err != nil || len(got) != 2 || got[0].Name != "Ana Ruiz" || got[0].Role != data.RoleAdmin || got[1].Credentials != "RN" {
		t.Fatalf("practitioners %+v, %v", got, err)
	}
	if p.ed.list.Length() != 2 || rowText(p.ed, 0) != "Ana Ruiz, RN | admin" {
		t.Fatalf("list shows %d rows, first %q", p.ed.list.Length(), rowText(p.ed, 0))
	}

	p.ed.list.Select(1) // Maya Chen
	if p.name.Text != "Maya Chen" || p.ed.retireBtn.Text != "Retire" {
		t.Fatalf("form shows %q, button %q", p.name.Text, p.ed.retireBtn.Text)
	}
	test.Tap(p.ed.retireBtn)
	s.wait()
	got, _ = store.Practitioners(ctx, true)
	if !got[1].Retired || got[0].Retired {
		t.Fatalf("after retiring Maya: %+v", got)
	}
	if active, _ := store.Practitioners(ctx, false); len(active) != 1 {
		t.Fatalf("%d active practitioners", len(active))
	}
	if !strings.Contains(rowText(p.ed, 1), "(retired)") || p.ed.retireBtn.Text != "Restore" ||
		!strings.HasSuffix(p.ed.heading.Text, "(retired)") {
		t.Fatalf("row %q, button %q, heading %q", rowText(p.ed, 1), p.ed.retireBtn.Text, p.ed.heading.Text)
	}
}

func TestSettingsDeviceEvaluatedAboveMaxIsRefused(t *testing.T) {
	ctx := context.Background()
	s, store := newTestSettings(t)
	d := s.devices
	before, _ := store.Devices(ctx, true)

	test.Tap(d.ed.addBtn)
	test.Type(d.model, "Test Pen X")
	test.Type(d.maxDepth, "2.0")
	test.Type(d.evaluated, "2,5") // a decimal comma is read too
	test.Tap(d.ed.saveBtn)
	s.wait()
	note := d.ed.notes.note("evaluated_depth")
	if !note.Visible() || !strings.Contains(note.Text, "maximum depth") {
		t.Fatalf("evaluated depth note %q (visible %v)", note.Text, note.Visible())
	}
	if after, _ := store.Devices(ctx, true); len(after) != len(before) {
		t.Fatal("an invalid device was saved")
	}
	if d.model.Text != "Test Pen X" || !d.ed.unsavedL.Visible() {
		t.Fatal("the refused form lost what was typed")
	}

	d.evaluated.SetText("1.5")
	test.Type(d.maxDepth, "x") // "2.0x"
	test.Tap(d.ed.saveBtn)
	s.wait()
	if note := d.ed.notes.note("max_depth"); !note.Visible() || !strings.Contains(note.Text, "number") {
		t.Fatalf("unreadable depth note %q", note.Text)
	}
	d.maxDepth.SetText("2.0")
	d.speed.SetSelected("rpm")
	test.Tap(d.ed.saveBtn)
	s.wait()
	if note.Text != "" || d.ed.notes.note("max_depth").Text != "" {
		t.Fatal("field notes stay after a successful save")
	}
	after, _ := store.Devices(ctx, true)
	i := slices.IndexFunc(after, func(v data.Device) bool { return v.Model == "Test Pen X" })
	if len(after) != len(before)+1 || i < 0 {
		t.Fatalf("devices after fixing: %+v", after)
	}
	if v := after[i]; v.MaxDepth != 2 || v.EvaluatedDepth != 1.5 || v.Kind != data.DevicePen || v.SpeedUnit != "rpm" {
		t.Fatalf("saved device %+v", v)
	}
	if d.ed.isNew() || d.ed.current.ID != after[i].ID || !d.ed.saveBtn.Disabled() {
		t.Fatal("the saved device is not the one in the form")
	}
}

func TestSettingsProductLot(t *testing.T) {
	ctx := context.Background()
	s, store := newTestSettings(t)
	p := s.products
	products, _ := store.Products(ctx, "", true)
	i := slices.IndexFunc(products, func(v data.Product) bool { return strings.HasPrefix(v.Name, "Vitamin C") })
	if !strings.Contains(rowText(p.ed, i), "Not for needled skin") {
		t.Fatalf("vitamin C row reads %q", rowText(p.ed, i))
	}
	p.ed.list.Select(i)
	if !p.flag.Visible() || p.needledOK.Checked {
		t.Fatal("a product not made for needled skin is not flagged in its form")
	}

	j := slices.IndexFunc(products, func(v data.Product) bool { return strings.HasPrefix(v.Name, "Hyaluronic") })
	p.ed.list.Select(j)
	if p.flag.Visible() {
		t.Fatal("hyaluronic acid serum flagged")
	}
	test.Type(p.lots.lot, "HA-2291")
	test.Type(p.lots.expiry, "2027-13")
	test.Tap(p.lots.add)
	s.wait()
	if note := p.lots.notes.note("expiry"); !note.Visible() {
		t.Fatal("an impossible expiry is not pointed out")
	}
	p.lots.expiry.SetText("2027-03")
	test.Tap(p.lots.add)
	s.wait()
	lots, err := store.ProductLots(ctx, products[j].ID)
	if err != nil || len(lots) != 1 || lots[0].Lot != "HA-2291" || lots[0].Expiry != data.NewDate(2027, 3, 31) {
		t.Fatalf("lots %+v, %v", lots, err)
	}
	if p.lots.lot.Text != "" || len(p.lots.rows.Objects) != 1 {
		t.Fatalf("after adding: input %q, %d rows", p.lots.lot.Text, len(p.lots.rows.Objects))
	}
}

func TestSettingsListRenameAndReorder(t *testing.T) {
	ctx := context.Background()
	s, store := newTestSettings(t)
	l := s.lists
	if l.kind.Selected != "Concerns" || !l.catField.Visible() {
		t.Fatalf("lists tab starts on %q, category shown %v", l.kind.Selected, l.catField.Visible())
	}
	l.ed.list.Select(1) // Other scars
	if l.name.Text != "Other scars" {
		t.Fatalf("entry 1 is %q", l.name.Text)
	}
	l.name.SetText("Surgical scars")
	test.Tap(l.ed.saveBtn)
	s.wait()
	test.Tap(l.up)
	s.wait()
	items, err := store.ListItems(ctx, data.ListConcern, true)
	if err != nil || items[0].Name != "Surgical scars" || items[1].Name != "Acne scars" {
		t.Fatalf("concerns after rename and move up: %v, %v", items[:3], err)
	}
	if l.name.Text != "Surgical scars" || !l.up.Disabled() || l.down.Disabled() {
		t.Fatalf("form %q, up disabled %v", l.name.Text, l.up.Disabled())
	}
	test.Tap(l.down)
	s.wait()
	items, _ = store.ListItems(ctx, data.ListConcern, true)
	if items[1].Name != "Surgical scars" {
		t.Fatalf("after move down: %v", items[:3])
	}

	chooseList(l, "Side effects")
	s.wait()
	if l.kindNow != data.ListSideEffect || l.ed.list.Length() != len(data.DefaultListItems[data.ListSideEffect]) {
		t.Fatalf("side effects list shows %d entries", l.ed.list.Length())
	}
	last := l.ed.list.Length() - 1
	if rowText(l.ed, last) != "Ulceration | serious" || l.category.Selected != "Expected (usually gone within 72 h)" {
		t.Fatalf("last row %q, category %q", rowText(l.ed, last), l.category.Selected)
	}
	chooseList(l, "Modalities")
	s.wait()
	if l.catField.Visible() {
		t.Fatal("modalities have no category, yet one is offered")
	}
}

// chooseList picks a list as the user does. Select.SetSelected would refresh the Select after its
// OnChanged has started the background load, which the test driver runs on that goroutine at once.
func chooseList(l *listTab, name string) {
	l.kind.Selected = name
	l.kind.OnChanged(name)
}

func TestSettingsAddZone(t *testing.T) {
	ctx := context.Background()
	s, store := newTestSettings(t)
	z := s.zones
	test.Tap(z.ed.addBtn)
	test.Type(z.name, "Hands")
	z.region.SetSelected("Body")
	test.Type(z.min, "0.25")
	test.Type(z.max, "0.5")
	test.Type(z.warnAbove, "0.75")
	test.Tap(z.ed.saveBtn)
	s.wait()
	zones, err := store.Zones(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	want := data.Zone{ID: zones[len(zones)-1].ID, Name: "Hands", Region: data.RegionBody, TypicalMin: 0.25,
		TypicalMax: 0.5, WarnAbove: 0.75, Position: len(data.DefaultZones)}
	if len(zones) != len(data.DefaultZones)+1 || zones[len(zones)-1] != want {
		t.Fatalf("last zone %+v", zones[len(zones)-1])
	}
	if rowText(z.ed, len(zones)-1) != "Hands | body · 0.25–0.5 mm" {
		t.Fatalf("row reads %q", rowText(z.ed, len(zones)-1))
	}

	// A duplicate name is said beside the name.
	test.Tap(z.ed.addBtn)
	test.Type(z.name, "Hands")
	test.Type(z.min, "0.25")
	test.Type(z.max, "0.5")
	test.Type(z.warnAbove, "0.75")
	test.Tap(z.ed.saveBtn)
	s.wait()
	if note := z.ed.notes.note("name"); !note.Visible() || !strings.Contains(note.Text, "already") {
		t.Fatalf("duplicate zone note %q", note.Text)
	}
}

func TestSettingsDatabaseShowsPath(t *testing.T) {
	s, store := newTestSettings(t)
	if s.dbPath.Text != store.Path() || !s.dbPath.Selectable {
		t.Fatalf("database tab shows %q", s.dbPath.Text)
	}
	want := "file://" + filepath.ToSlash(filepath.Dir(store.Path()))
	if got := settingsFolderURL(store.Path()).String(); got != want {
		t.Fatalf("folder URL %q, want %q", got, want)
	}
}

func TestShowSettingsOneAtATime(t *testing.T) {
	a := test.NewTempApp(t)
	store := openStore(t)
	var slot settingsSlot
	w := slot.show(a, store, settingsLinks{})
	s := slot.open
	s.wait()
	if slot.show(a, store, settingsLinks{}) != w {
		t.Fatal("a second Settings window opened")
	}
	if s.clinic.name.Text != "" || s.devices.ed.list.Length() != len(data.DefaultDevices) {
		t.Fatal("the window did not load")
	}
	w.Close()
	if slot.open != nil {
		t.Fatal("closed window still counted as open")
	}
}

func TestSettingsUnsavedEditsSurviveAReload(t *testing.T) {
	s, _ := newTestSettings(t)
	s.devices.ed.list.Select(0)
	s.devices.model.SetText("Renamed pen")
	s.clinic.name.SetText("Typed, not saved")
	if err := s.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.devices.model.Text != "Renamed pen" || s.clinic.name.Text != "Typed, not saved" {
		t.Fatal("a reload dropped what the user typed")
	}
	s.devices.ed.list.Select(1) // asks first, and keeps the edits until the user agrees
	if s.devices.model.Text != "Renamed pen" || s.win.Canvas().Overlays().Top() == nil {
		t.Fatal("choosing another device dropped the edits without asking")
	}
	s.win.Canvas().Overlays().Top().Hide()

	closed := false
	s.win.SetOnClosed(func() { closed = true })
	s.close()
	if closed || s.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the window closed over unsaved edits without asking")
	}
}

func TestSettingsAddSafetyRule(t *testing.T) {
	ctx := context.Background()
	s, store := newTestSettings(t)
	r := s.rules
	before, err := store.Rules(ctx, true)
	if err != nil || len(before) == 0 {
		t.Fatalf("the practice starts with %d rules (%v)", len(before), err)
	}
	test.Tap(r.ed.addBtn)
	test.Type(r.condition, "Gold threads")
	r.action.SetSelectedIndex(0) // block
	test.Type(r.window, "x")
	test.Tap(r.ed.saveBtn)
	s.wait()
	if note := r.ed.notes.note("window_days"); !note.Visible() {
		t.Fatal("a time window that is not a number saves without a word")
	}
	r.window.SetText("")
	test.Type(r.window, "90")
	test.Type(r.message, "Wait three months after threads are placed.")
	test.Tap(r.ed.saveBtn)
	s.wait()
	rules, err := store.Rules(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rules, func(x data.Rule) bool { return x.Condition == "Gold threads" })
	if len(rules) != len(before)+1 || i < 0 || rules[i].Action != data.RuleBlock || rules[i].WindowDays != 90 ||
		rules[i].Message != "Wait three months after threads are placed." {
		t.Fatalf("rules after saving: %+v", rules)
	}
	if got := rowText(r.ed, i); got != "Gold threads | blocks · 90 days after" {
		t.Fatalf("the rule's row reads %q", got)
	}
}

func TestSettingsIdleLockMinutes(t *testing.T) {
	s, store := newTestSettings(t)
	var idle *nlwidget.TextField
	var save *widget.Button
	walk(s.tabs.Items[len(s.tabs.Items)-1].Content, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *nlwidget.TextField:
			if w.PlaceHolder == "10" {
				idle = w
			}
		case *widget.Button:
			if w.Text == "Save" {
				save = w
			}
		}
	})
	if idle == nil || save == nil || idle.Text != "10" {
		t.Fatalf("the Database tab's idle lock field: %v, %v", idle, save)
	}
	idle.SetText("25")
	test.Tap(save)
	if n, err := store.IdleLockMinutes(context.Background()); err != nil || n != 25 {
		t.Fatalf("idle lock minutes stored: %d (%v)", n, err)
	}
}

// A practice's first practitioner is offered as an admin, who can reset a forgotten passphrase;
// those after, as practitioners. A practitioner not saved yet has no passphrase to reset.
func TestTheFirstPractitionerIsAnAdmin(t *testing.T) {
	ctx := context.Background()
	s, store := newTestSettings(t)
	p := s.practitioners
	reset := findButton(t, p.ed.content, "Reset passphrase…")
	if !p.ed.isNew() || p.role.Selected != settingsRoleAdmin {
		t.Fatalf("the first practitioner's form offers the role %q", p.role.Selected)
	}
	if !reset.Disabled() {
		t.Fatal("Reset passphrase… is offered on a practitioner not saved yet")
	}
	test.Type(p.name, "Maya Chen")
	test.Tap(p.ed.saveBtn)
	s.wait()
	if got, err := store.Practitioners(ctx, true); err != nil || len(got) != 1 || got[0].Role != data.RoleAdmin {
		t.Fatalf("the first practitioner saved: %+v, %v", got, err)
	}
	if reset.Disabled() {
		t.Fatal("Reset passphrase… is not offered on a saved practitioner")
	}
	test.Tap(p.ed.addBtn)
	if p.role.Selected != settingsRolePractitioner || !reset.Disabled() {
		t.Fatalf("the second practitioner's form offers the role %q, reset disabled %v", p.role.Selected, reset.Disabled())
	}
}
