package widget

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
)

func TestTabIntoFieldSelectsItsText(t *testing.T) {
	passes, depth := NewTextField(), NewTextField()
	passes.SetText("3")
	depth.SetText("1.5")
	w := test.NewTempWindow(t, container.NewVBox(passes, depth))
	w.Canvas().Focus(passes)
	test.FocusNext(w.Canvas())
	if w.Canvas().Focused() != depth {
		t.Fatal("Tab did not move to the next field")
	}
	typeInFocused(w.Canvas(), "2.5")
	if depth.Text != "2.5" {
		t.Fatalf("typing 2.5 after Tab into 1.5 gives %q, want 2.5", depth.Text)
	}

	// A click places the cursor instead: nothing is selected.
	click(passes)
	if got := passes.SelectedText(); got != "" {
		t.Fatalf("a click selected %q", got)
	}

	// Text set while the old text is selected is typed after, not eaten.
	w.Canvas().Focus(depth)
	depth.SetText("")
	typeInFocused(w.Canvas(), "1.75")
	if depth.Text != "1.75" {
		t.Fatalf("typing into a field emptied while selected gives %q", depth.Text)
	}
}

func TestPickerCompletesAUniqueStartWhenLeft(t *testing.T) {
	options := []string{"Isotretinoin (oral)", "Isoniazid", "Pregnancy"}
	condition := NewPicker(options, "", true)
	lot := NewPicker([]string{"A1234"}, "Lot", false)
	other := widget.NewEntry()
	w := test.NewTempWindow(t, container.NewVBox(condition, lot, other))

	leave := func(e *TextField, text string) string {
		w.Canvas().Focus(e)
		e.SetText("")
		typeInFocused(w.Canvas(), text)
		w.Canvas().Focus(other)
		return e.Text
	}
	for typed, want := range map[string]string{
		"isotre":          "Isotretinoin (oral)", // a unique start
		"PREGNANCY":       "Pregnancy",           // the option's own spelling
		"iso":             "iso",                 // two options start so: left as typed
		"eczema, flaring": "eczema, flaring",     // not in the list: kept
	} {
		if got := leave(condition, typed); got != want {
			t.Errorf("typing %q and leaving gives %q, want %q", typed, got, want)
		}
	}
	if got := leave(lot, "A12"); got != "A12" {
		t.Errorf("a lot number was completed to %q: lots must stay as typed", got)
	}
}

func TestWheelScrollsFormOverTextFields(t *testing.T) {
	build := func(catch bool) (*container.Scroll, *TextField, fyne.Canvas) {
		box := container.NewVBox()
		var target *TextField
		for i := range 40 {
			f := NewTextField()
			f.SetText("field")
			box.Add(f)
			if i == 2 {
				target = f
			}
		}
		s := container.NewVScroll(box)
		if catch {
			s = FormScroll(s)
		}
		w := test.NewTempWindow(t, s)
		w.Resize(fyne.NewSize(300, 300))
		return s, target, w.Canvas()
	}
	overField := func(c fyne.Canvas, f *TextField) fyne.Position {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(f).AddXY(20, f.Size().Height/2)
	}

	// Without the catcher the field's own scroller takes the wheel and the form stays put: this
	// is what FormScroll is for.
	s, f, c := build(false)
	test.Scroll(c, overField(c, f), 0, -60)
	if s.Offset.Y != 0 {
		t.Fatalf("expected the plain scroll to be stuck over a field, it moved to %v", s.Offset.Y)
	}

	s, f, c = build(true)
	test.Scroll(c, overField(c, f), 0, -60)
	if s.Offset.Y <= 0 {
		t.Fatal("the wheel over a text field did not scroll the form")
	}
	// Typing still reaches the field under the layer.
	click(f)
	typeInFocused(c, "!")
	if f.Text != "field!" {
		t.Fatalf("typing after a click gives %q", f.Text)
	}
}

// typeInFocused types as the keyboard does: into whatever has the focus.
func typeInFocused(c fyne.Canvas, text string) {
	for _, r := range text {
		c.Focused().TypedRune(r)
	}
}

// click presses and releases the primary button near the end of an entry, as a mouse does.
func click(e *TextField) {
	ev := &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(e.Size().Width-4, e.Size().Height/2)},
		Button: desktop.MouseButtonPrimary}
	e.MouseDown(ev)
	e.MouseUp(ev)
}

func TestDateFieldCalendarIsToldToTheWindow(t *testing.T) {
	test.NewTempApp(t)
	d := NewDateField(data.NewDate(1988, time.March, 14), "")
	w := test.NewTempWindow(t, container.NewVBox(d))
	w.Resize(fyne.NewSize(400, 500))
	var shown fyne.CanvasObject
	var hide func()
	d.OnPopUp = func(c fyne.Canvas, pop fyne.CanvasObject, h func()) {
		if c != w.Canvas() {
			t.Error("the calendar was told with another canvas")
		}
		shown, hide = pop, h
	}
	test.Tap(d.ActionItem.(*TapIcon))
	if shown == nil || w.Canvas().Overlays().Top() != shown {
		t.Fatal("the calendar was not told to OnPopUp as the top overlay")
	}
	hide()
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("the hide given with the calendar does not close it")
	}
	if d.Text != data.DateText(data.NewDate(1988, time.March, 14)) {
		t.Fatalf("closing the calendar changed the date to %q", d.Text)
	}
}
