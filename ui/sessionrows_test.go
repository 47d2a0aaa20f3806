package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// openZones opens a new session with n zones in the grid, in the room the editor has in a
// 1280×800 window: the main window's menu bar and status line take about 70 px of it. The
// grid is scrolled to the top, as a practitioner finds it on opening a saved session.
func openZones(t *testing.T, n int) (*sessionEditor, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	s := openStore(t)
	e, w := openEditor(t, s, newTestClient(t, s), "", nil)
	w.Resize(fyne.NewSize(1280, 800-70))
	if len(e.ed.catalog.zones) < n {
		t.Fatalf("the practice has %d zones", len(e.ed.catalog.zones))
	}
	for _, z := range e.ed.catalog.zones[:n] {
		e.toggleZone(z.Name)
	}
	e.zoneArea.scroll.ScrollToTop()
	return e, w
}

func openEightZones(t *testing.T) (*sessionEditor, fyne.Window) { return openZones(t, 8) }

// span is where an object lies on the canvas, top and bottom.
func span(o fyne.CanvasObject) (top, bottom float32) {
	top = fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Y
	return top, top + o.Size().Height
}

// inView reports whether all of o shows in the grid's scroll.
func inView(a *zoneArea, o fyne.CanvasObject) bool {
	top, bottom := span(o)
	vTop, vBottom := span(a.scroll)
	return o.Visible() && o.Size().Height > 0 && top >= vTop-0.5 && bottom <= vBottom+0.5
}

func TestFiveZoneRowsFitUnderTheMapAt1280x800(t *testing.T) {
	e, w := openEightZones(t)
	// Even with a warning under one of them.
	z, _ := e.ed.catalog.zone(e.zones[1].zone.Text)
	e.zones[1].depth.SetText(wording.Number(z.WarnAbove + 0.25))
	if len(e.zones[1].safety.Objects) == 0 {
		t.Fatalf("%s at %s mm shows no warning", z.Name, e.zones[1].depth.Text)
	}
	e.zoneArea.scroll.ScrollToTop()
	for i, r := range e.zones[:5] {
		for _, f := range []*nlwidget.TextField{r.depth, r.speed, r.passes, r.pattern} {
			if !inView(e.zoneArea, f) {
				top, bottom := span(f)
				vTop, vBottom := span(e.zoneArea.scroll)
				t.Fatalf("row %d (%s) is out of sight: a field at %v–%v, the grid shows %v–%v", i+1, r.zone.Text, top, bottom, vTop, vBottom)
			}
			if f.Size().Width < 50 || f.Size().Height < f.MinSize().Height { // room for a few digits
				t.Errorf("row %d: a field is %v, too small to type in", i+1, f.Size())
			}
		}
		if !inView(e.zoneArea, r.endpoint) {
			t.Errorf("row %d: its endpoint is out of sight", i+1)
		}
	}

	// The fifth row takes typing where it is shown.
	d := e.zones[4].depth
	fifth, _ := e.ed.catalog.zone(e.zones[4].zone.Text)
	typed := wording.Number(fifth.TypicalMax)
	w.Canvas().Focus(d)
	test.Type(d, typed) // over the depth there, selected as the focus arrived
	if got := e.form().Zones[4].Depth; got != typed {
		t.Errorf("typed %s in the fifth row, the form holds %q", typed, got)
	}
	if !inView(e.zoneArea, d) {
		t.Error("typing in the fifth row took it out of sight")
	}

	// The map, smaller now, still adds a zone with a click, and the new row comes into view.
	before := len(e.zones)
	tapZone(t, e.zoneMap, "Neck")
	if len(e.zones) != before+1 || e.zones[len(e.zones)-1].zone.Text != "Neck" {
		t.Fatalf("a click on the map's neck: %d rows, was %d", len(e.zones), before)
	}
	if !inView(e.zoneArea, e.zones[len(e.zones)-1].depth) {
		t.Error("the row added from the map is out of sight")
	}
}

func TestDividerAndFoldGiveTheGridRoom(t *testing.T) {
	e, w := openEightZones(t)
	a := e.zoneArea
	grid0, map0 := a.scroll.Size().Height, e.zoneMap.Size().Height

	// Dragging the divider (its handle lies a little under the map) up gives the grid the room;
	// dragging it down gives it back to the map.
	mapTop, mapBottom := span(e.zoneMap)
	divider := fyne.NewPos(fyne.CurrentApp().Driver().AbsolutePositionForObject(e.zoneMap).X+e.zoneMap.Size().Width/2, mapBottom+5)
	test.Drag(w.Canvas(), divider, 0, -(mapBottom-mapTop)/3)
	if a.scroll.Size().Height < grid0+40 {
		t.Fatalf("dragging the divider up %v: the grid went from %v to %v high", (mapBottom-mapTop)/3, grid0, a.scroll.Size().Height)
	}
	_, mapBottom = span(e.zoneMap)
	divider.Y = mapBottom + 5
	test.Drag(w.Canvas(), divider, 0, 250)
	if e.zoneMap.Size().Height < map0+100 {
		t.Fatalf("dragging the divider down: the map went from %v to %v high", map0, e.zoneMap.Size().Height)
	}

	// Folding the map gives the grid all its room; unfolding brings the map back, clickable.
	grid1 := a.scroll.Size().Height
	test.Tap(a.fold)
	if e.zoneMap.Visible() || a.scroll.Size().Height < grid1+e.zoneMap.Size().Height-10 {
		t.Fatalf("with the map folded the grid is %v high, was %v", a.scroll.Size().Height, grid1)
	}
	for i, r := range e.zones {
		if !inView(a, r.depth) {
			t.Errorf("with the map folded, row %d of 8 is out of sight", i+1)
		}
	}
	test.Tap(a.fold)
	if !e.zoneMap.Visible() || e.zoneMap.Size().Height < 200 {
		t.Fatalf("unfolded, the map is %v", e.zoneMap.Size())
	}
	before := len(e.zones)
	tapZone(t, e.zoneMap, "Neck")
	if len(e.zones) != before+1 {
		t.Error("unfolded, a click on the map adds no zone")
	}
}

func TestTabbingToTheNextZoneRowScrollsItIntoView(t *testing.T) {
	e, w := openZones(t, 12) // more than the grid shows at once
	if inView(e.zoneArea, e.zones[11].box) {
		t.Fatal("all twelve rows are in view: nothing to scroll")
	}
	c := w.Canvas()
	c.Focus(e.zones[0].depth)
	reached := 0
	for step := 0; step < 100 && reached < len(e.zones)-1; step++ {
		test.FocusNext(c)
		for _, r := range e.zones {
			if c.Focused() == r.depth || c.Focused() == r.endpoint {
				if !inView(e.zoneArea, r.box) {
					top, bottom := span(r.box)
					vTop, vBottom := span(e.zoneArea.scroll)
					t.Fatalf("Tab reached %s's depth at %v–%v; the grid shows %v–%v", r.zone.Text, top, bottom, vTop, vBottom)
				}
			}
		}
		if next := e.zones[reached+1]; c.Focused() == next.depth {
			reached++
		}
	}
	if reached != len(e.zones)-1 {
		t.Fatalf("Tab went through %d of %d rows", reached+1, len(e.zones))
	}
	if e.zoneArea.scroll.Offset.Y <= 0 {
		t.Error("the grid never scrolled")
	}

	// Shift+Tab back up to the first row brings it back into view too.
	for step := 0; step < 100 && c.Focused() != e.zones[0].depth; step++ {
		test.FocusPrevious(c)
	}
	if !inView(e.zoneArea, e.zones[0].depth) {
		t.Error("Shift+Tab back to the first row leaves it out of sight")
	}
}

func TestZoneWarningShowsUnderItsOwnRow(t *testing.T) {
	e, w := openEightZones(t)
	for _, i := range []int{2, 6} {
		z, ok := e.ed.catalog.zone(e.zones[i].zone.Text)
		if !ok {
			t.Fatalf("no zone %q", e.zones[i].zone.Text)
		}
		w.Canvas().Focus(e.zones[i].depth)
		e.zones[i].depth.SetText(wording.Number(z.WarnAbove + 0.25))

		var warning *widget.Label
		walkVisible(e.zoneArea.scroll.Content, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "warning depth") && strings.Contains(l.Text, z.Name) {
				warning = l
			}
		})
		if warning == nil {
			t.Fatalf("a depth above %s's warning depth shows no warning in the grid", z.Name)
		}
		_, rowBottom := span(e.zones[i].depth)
		top, bottom := span(warning)
		nextTop, _ := span(e.zones[i+1].depth)
		if top < rowBottom || bottom > nextTop {
			t.Errorf("%s's warning is at %v–%v; its row ends at %v, the next row starts at %v", z.Name, top, bottom, rowBottom, nextTop)
		}
		if !inView(e.zoneArea, warning) {
			t.Errorf("%s's warning is out of sight while its depth is typed", z.Name)
		}
		// It is the row's own: it goes when the depth comes back within the warning depth.
		e.zones[i].depth.SetText(wording.Number(z.TypicalMin))
		if len(e.zones[i].safety.Objects) != 0 {
			t.Errorf("%s's warning stays after the depth came back to %s", z.Name, wording.Number(z.TypicalMin))
		}
	}
}

// shownWhole reports whether an entry is wide enough to show text (its text or placeholder)
// without clipping: the text, the padding inside the field and its pick button, if any.
func shownWhole(f *nlwidget.TextField, text string) (need float32, ok bool) {
	need = fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding() + 2*theme.InputBorderSize()
	if f.ActionItem != nil {
		need += f.ActionItem.MinSize().Width
	}
	return need, f.Size().Width >= need
}

// selectShows reports the text a select draws for its choice, after any ellipsis.
func selectShows(s fyne.Widget) string {
	var shown []string
	walk(s, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			shown = append(shown, t.Text)
		}
	})
	return strings.Join(shown, "")
}

func TestProductAndZoneColumnsShowTheirTextAt1280x800(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1280, Height: 800 - 70}, {Width: 1440, Height: 900 - 70}} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			e, w := openZones(t, 3)
			w.Resize(size)
			e.addProductRow(productRow{Product: "Hyaluronic acid serum (sterile)", Lot: "HAS-08083", Expiry: "2028-01-01", Phase: "before"})
			p := e.products[len(e.products)-1]
			w.Resize(size)
			for _, c := range []struct {
				f    *nlwidget.TextField
				text string
			}{{p.product, "Hyaluronic acid"}, {p.lot, "HAS-08083"}, {p.expiry, "2028-01-01"},
				{p.amount, p.amount.PlaceHolder}} {
				if need, ok := shownWhole(c.f, c.text); !ok {
					t.Errorf("a product's %q is cut off: its field is %v wide, it needs %v", c.text, c.f.Size().Width, need)
				}
			}
			for _, ph := range []string{p.expiry.PlaceHolder, p.amount.PlaceHolder} {
				if len([]rune(ph)) > 8 {
					t.Errorf("the placeholder %q is longer than a narrow field shows", ph)
				}
			}
			if got := selectShows(p.phase); got != "before" {
				t.Errorf("the phase shows %q", got)
			}

			r := e.zones[0]
			r.depth.SetText("1.25")
			r.pattern.SetText("Stamping")
			r.endpoint.SetSelected("Pinpoint bleeding")
			for _, c := range []struct {
				f    *nlwidget.TextField
				text string
			}{{r.depth, "1.25"}, {r.speed, "fixed"}, {r.passes, "10"}, {r.pattern, "Stamping"}} {
				if need, ok := shownWhole(c.f, c.text); !ok {
					t.Errorf("a zone's %q is cut off: its field is %v wide, it needs %v", c.text, c.f.Size().Width, need)
				}
			}
			if size.Width >= 1440 { // with room to spare, a longer pattern shows whole too
				r.pattern.SetText("Linear strokes")
				if need, ok := shownWhole(r.pattern, r.pattern.Text); !ok {
					t.Errorf("at %v %q is cut off: its field is %v wide, it needs %v", size, r.pattern.Text, r.pattern.Size().Width, need)
				}
			}
			if need, ok := shownWhole(r.speed, r.speed.PlaceHolder); !ok {
				t.Errorf("the speed's placeholder %q is cut off: %v wide, needs %v", r.speed.PlaceHolder, r.speed.Size().Width, need)
			}
			for _, ep := range e.ed.catalog.lists[data.ListEndpoint] {
				r.endpoint.SetSelected(ep)
				if got := selectShows(r.endpoint); got != ep {
					t.Errorf("the endpoint %q shows as %q", ep, got)
				}
			}
			if got := selectShows(r.zone); got != r.zone.Text {
				t.Errorf("the zone %q shows as %q", r.zone.Text, got)
			}
		})
	}
}

func TestSeveralWarningsOnAZoneLeaveFiveRowsInView(t *testing.T) {
	e, w := openZones(t, 0)
	e.toggleZone("Neck")
	for _, z := range e.ed.catalog.zones {
		if len(e.zones) < 6 && z.Name != "Neck" {
			e.toggleZone(z.Name)
		}
	}
	// Too deep for the neck, beyond what the pen was evaluated for, deep for uneven tone and
	// for the client's Fitzpatrick IV skin: four warnings on one row.
	e.device.SetText("SkinPen Precision")
	e.concerns.set([]string{"Uneven tone"})
	neck := e.zones[0]
	w.Canvas().Focus(neck.depth)
	neck.depth.SetText("2.0")
	if n := len(neck.safety.Objects); n < 4 {
		t.Fatalf("2.0 mm on the neck shows %d warnings, the test wants four", n)
	}
	e.zoneArea.scroll.ScrollToTop()
	shown := 0
	for _, r := range e.zones {
		if inView(e.zoneArea, r.depth) {
			shown++
		}
	}
	if shown < 5 {
		t.Fatalf("with %d warnings on the neck, %d zone rows are in view", len(neck.safety.Objects), shown)
	}
	// The folded line says how many and which comes first, in view under its row.
	s := neck.warnings
	if !inView(e.zoneArea, s.summary) || !strings.HasPrefix(s.summary.Text, fmt.Sprintf("%d warnings", len(neck.safety.Objects))) {
		t.Errorf("the neck's folded warnings read %q", s.summary.Text)
	}

	// Show all brings every warning, each in full; Hide folds them again.
	test.Tap(s.toggle)
	for i, o := range neck.safety.Objects {
		if !inView(e.zoneArea, o) && i == 0 {
			t.Errorf("shown, the neck's first warning is out of sight")
		}
		if !o.Visible() || !neck.safety.Visible() || labelsIn(o) == "" {
			t.Errorf("shown, warning %d is hidden", i+1)
		}
	}
	// Typing on keeps them shown.
	neck.depth.SetText("2.25")
	if !neck.safety.Visible() || s.toggle.Text != "Hide" {
		t.Error("typing in the row folded the warnings shown")
	}
	test.Tap(s.toggle)
	if neck.safety.Visible() {
		t.Error("Hide leaves the warnings shown")
	}
	// Back within range, the line goes.
	neck.depth.SetText("0.25")
	if s.line.Visible() {
		t.Errorf("at 0.25 mm the neck still shows %q", s.summary.Text)
	}
}
