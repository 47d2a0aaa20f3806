package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
)

// positions is where each object is drawn in within, a form that may scroll.
func positions(within fyne.CanvasObject, objs ...fyne.CanvasObject) []fyne.Position {
	d := fyne.CurrentApp().Driver()
	var out []fyne.Position
	for _, o := range objs {
		out = append(out, d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(within)))
	}
	return out
}

// relayout lays a window's content out afresh, as a frame of the real driver does after a
// change of size somewhere in it.
func relayout(w fyne.Window) {
	size := w.Canvas().Size()
	w.Resize(size.AddWidthHeight(0, 1))
	w.Resize(size)
}

func requireSamePositions(t *testing.T, what string, before, after []fyne.Position) {
	t.Helper()
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("%s: field %d moved from %v to %v", what, i, before[i], after[i])
		}
	}
}

// Messages appearing under fields move no field: a click aimed at a field lands on it.
func TestClientFormMessagesMoveNoField(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	fx := newClientFormFixture(t, s, data.Client{FirstName: "Ann", LastName: "Lee"})
	f := fx.f
	test.Tap(f.addHistory)
	relayout(fx.w) // with its new row
	var objs []fyne.CanvasObject
	for _, e := range f.entries() {
		objs = append(objs, e)
	}
	objs = append(objs, f.fitz, f.photo)
	before := positions(f.scroll.Content, objs...)

	fx.retype(f.last, "")
	fx.typeIn(f.dob, "not a date")
	fx.typeIn(f.mail, "ann@")
	fx.typeIn(f.history[0].since, "2024-05-01")
	fx.typeIn(f.history[0].until, "2024-04-01")
	fx.typeIn(f.consentSigned, "soon")
	f.save()
	if n := len(fx.shownNotes()); n < 4 {
		t.Fatalf("only %d messages show: %v", n, fx.shownNotes())
	}
	relayout(fx.w)
	requireSamePositions(t, "client form with messages", before, positions(f.scroll.Content, objs...))
}

func TestSettingsMessagesMoveNoField(t *testing.T) {
	s, _ := newTestSettings(t)
	s.win.Resize(fyne.NewSize(1280, 800))
	s.tabs.SelectIndex(2) // Devices
	d := s.devices
	test.Tap(d.ed.addBtn)
	objs := []fyne.CanvasObject{d.model, d.kind, d.speed, d.maxDepth, d.evaluated, d.depthStep}
	relayout(s.win)
	before := positions(s.win.Content(), objs...)
	// No model, and depths that are not numbers.
	test.Type(d.maxDepth, "2.0x")
	test.Type(d.evaluated, "nine")
	test.Tap(d.ed.saveBtn)
	s.wait()
	if d.ed.notes.note("max_depth").Text == "" {
		t.Fatal("no message for an unreadable depth")
	}
	relayout(s.win)
	requireSamePositions(t, "device form with messages", before, positions(s.win.Content(), objs...))
	d.maxDepth.SetText("2.0")
	d.evaluated.SetText("1.5")
	test.Tap(d.ed.saveBtn) // the depths read now, and the missing model is said
	s.wait()
	if d.ed.notes.note("model").Text == "" {
		t.Fatal("no message for a device without a model")
	}
	relayout(s.win)
	requireSamePositions(t, "device form with a message under the model", before, positions(s.win.Content(), objs...))

	// The clinic's details too.
	s.tabs.SelectIndex(0)
	c := s.clinic
	cobjs := []fyne.CanvasObject{c.name, c.address, c.phone, c.chooseLogo}
	relayout(s.win)
	before = positions(s.win.Content(), cobjs...)
	c.name.SetText(strings.Repeat("Clinic ", 2000)) // longer than a name may be
	c.commit()
	s.wait()
	if c.notes.note(data.SettingClinicName).Text == "" {
		t.Fatal("no message for a name that is too long")
	}
	relayout(s.win)
	requireSamePositions(t, "clinic details with messages", before, positions(s.win.Content(), cobjs...))
}
