package widget

import (
	"image"
	"image/color"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"needlelog.app/needlelog/data"
)

// defaultZones are the zones a new practice starts with.
func defaultZones(t *testing.T) []data.Zone {
	t.Helper()
	return slices.Clone(data.DefaultZones)
}

// showZoneMap puts a map of zones in a window of the given size; taps are collected in *tapped.
func showZoneMap(t *testing.T, zones []data.Zone, size fyne.Size) (*ZoneMap, fyne.Window, *[]string) {
	t.Helper()
	var tapped []string
	m := NewZoneMap(zones, func(z data.Zone) { tapped = append(tapped, z.Name) })
	w := test.NewTempWindow(t, m)
	w.Resize(size)
	return m, w, &tapped
}

// widgetPos converts a point of the drawing to a position in the widget.
func widgetPos(m *ZoneMap, p pt) fyne.Position {
	return fyne.NewPos(m.origin.X+p.x*m.scale, m.origin.Y+p.y*m.scale)
}

// centre is where the leader line of an area's label ends, inside the area.
func centre(t *testing.T, m *ZoneMap, key string) fyne.Position {
	t.Helper()
	for _, co := range callouts {
		if co.key == key {
			return widgetPos(m, co.at)
		}
	}
	t.Fatalf("no callout for %q", key)
	return fyne.Position{}
}

// pixel is the colour the window shows at a point of the drawing; m is the window's content.
func pixel(w fyne.Window, m *ZoneMap, p pt) color.NRGBA {
	img := w.Canvas().Capture()
	abs := m.Position().Add(widgetPos(m, p))
	s := w.Canvas().Scale()
	return color.NRGBAModel.Convert(img.At(int(abs.X*s), int(abs.Y*s))).(color.NRGBA)
}

func near(a, b color.Color) bool {
	ca, cb := color.NRGBAModel.Convert(a).(color.NRGBA), color.NRGBAModel.Convert(b).(color.NRGBA)
	d := func(x, y uint8) bool { return max(x, y)-min(x, y) <= 8 }
	return d(ca.R, cb.R) && d(ca.G, cb.G) && d(ca.B, cb.B)
}

func label(m *ZoneMap, key string) *canvas.Text {
	r := test.WidgetRenderer(m).(*zoneMapRenderer)
	for i, co := range callouts {
		if co.key == key {
			return r.labels[i]
		}
	}
	return nil
}

func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if color.NRGBAModel.Convert(a.At(x, y)) != color.NRGBAModel.Convert(b.At(x, y)) {
				return false
			}
		}
	}
	return true
}

func TestZoneMapTapsEachArea(t *testing.T) {
	test.NewTempApp(t)
	zones := defaultZones(t)
	m, _, tapped := showZoneMap(t, zones, fyne.NewSize(420, 480))

	for _, z := range zones {
		pos := centre(t, m, z.MapKey)
		if got, ok := m.ZoneAt(pos); !ok || got.Name != z.Name {
			t.Errorf("ZoneAt the middle of %s: %q, %v", z.MapKey, got.Name, ok)
		}
		*tapped = nil
		test.TapAt(m, pos)
		if !slices.Equal(*tapped, []string{z.Name}) {
			t.Errorf("tap on %s toggled %q, want %q", z.MapKey, *tapped, z.Name)
		}
	}

	// The label beside the drawing answers too.
	for _, b := range m.boxes {
		if b.key == "glabella" {
			*tapped = nil
			test.TapAt(m, b.pos.Add(fyne.NewPos(b.size.Width/2, b.size.Height/2)))
			if !slices.Equal(*tapped, []string{"Glabella"}) {
				t.Errorf("tap on the Glabella label toggled %q", *tapped)
			}
		}
	}

	*tapped = nil
	for _, p := range []fyne.Position{{X: 2, Y: 2}, widgetPos(m, pt{125, 90}) /* face, between areas */, widgetPos(m, pt{146, 262}) /* a figure's head */} {
		if z, ok := m.ZoneAt(p); ok {
			t.Errorf("ZoneAt %v: %s, want none", p, z.Name)
		}
		test.TapAt(m, p)
	}
	if len(*tapped) != 0 {
		t.Errorf("taps outside the areas toggled %q", *tapped)
	}
}

func TestZoneMapColoursByDepth(t *testing.T) {
	test.NewTempApp(t)
	m, w, _ := showZoneMap(t, defaultZones(t), fyne.NewSize(420, 480))
	cheek, forehead := pt{140, 132}, pt{200, 60} // inside the areas, clear of leader lines
	if z, _ := m.ZoneAt(widgetPos(m, cheek)); z.Name != "Cheeks" {
		t.Fatalf("sample point is on %q, not the cheeks", z.Name)
	}
	untreated, foreheadBefore := pixel(w, m, cheek), pixel(w, m, forehead)
	if !near(untreated, m.palette().pad) {
		t.Errorf("untreated cheek is %v, want the neutral %v", untreated, m.palette().pad)
	}

	m.SetDepths(map[string]float64{"Cheeks": 0.5})
	shallow := pixel(w, m, cheek)
	m.SetDepths(map[string]float64{"cheeks": 2.0}) // names match as the grid's validation does, ignoring case
	deep := pixel(w, m, cheek)
	if !near(shallow, depthColour(0.5)) || !near(deep, depthColour(2.0)) || near(shallow, deep) || near(untreated, shallow) {
		t.Errorf("cheek colours: untreated %v, 0.5 mm %v, 2.0 mm %v", untreated, shallow, deep)
	}
	if got := pixel(w, m, forehead); got != foreheadBefore {
		t.Errorf("forehead changed from %v to %v though it is not treated", foreheadBefore, got)
	}
	if !label(m, "cheeks").TextStyle.Bold || label(m, "forehead").TextStyle.Bold {
		t.Error("a treated zone's label should be bold, an untreated one's not")
	}

	// Chosen, but no depth typed yet: stripes of the neutral and the shallow colour.
	m.SetDepths(map[string]float64{"Cheeks": 0})
	seen := map[string]bool{}
	for dx := float32(0); dx < 10; dx++ {
		c := pixel(w, m, pt{cheek.x + dx/m.scale, cheek.y})
		seen["neutral"] = seen["neutral"] || near(c, untreated)
		seen["shallow"] = seen["shallow"] || near(c, shallow)
	}
	if !seen["neutral"] || !seen["shallow"] {
		t.Errorf("cheeks with no depth are not striped: %v", seen)
	}

	m.SetDepths(nil)
	if got := pixel(w, m, cheek); got != untreated {
		t.Errorf("after clearing, cheek is %v, want %v", got, untreated)
	}
}

func TestZoneMapMarksDepthAboveWarning(t *testing.T) {
	test.NewTempApp(t)
	m, w, _ := showZoneMap(t, defaultZones(t), fyne.NewSize(420, 480))
	var edge pt
	for _, a := range areas {
		if a.key == "cheeks" {
			edge = a.pts[0] // on the outline
			break
		}
	}
	red := theme.ColorForWidget(theme.ColorNameError, m)

	m.SetDepths(map[string]float64{"Cheeks": 2.0}) // at the warning depth, not above it
	if near(pixel(w, m, edge), red) || label(m, "cheeks").Text != "Cheeks" {
		t.Fatalf("2.0 mm on the cheeks is marked: outline %v, label %q", pixel(w, m, edge), label(m, "cheeks").Text)
	}
	m.SetDepths(map[string]float64{"Cheeks": 2.25})
	if !near(pixel(w, m, edge), red) {
		t.Errorf("2.25 mm on the cheeks: outline %v, want the warning colour %v", pixel(w, m, edge), red)
	}
	if l := label(m, "cheeks"); !strings.HasSuffix(l.Text, "!") || l.Color != red {
		t.Errorf("2.25 mm on the cheeks: label %q in %v, want a warning mark in %v", l.Text, l.Color, red)
	}
	if l := label(m, "forehead"); strings.Contains(l.Text, "!") {
		t.Errorf("untreated forehead's label is %q", l.Text)
	}
}

func TestZoneMapScales(t *testing.T) {
	test.NewTempApp(t)
	m, w, _ := showZoneMap(t, defaultZones(t), fyne.NewSize(100, 100))
	// Small enough to leave the zone grid room under it, never so small that areas vanish.
	if min := m.MinSize(); min.Width < 200 || min.Width > 260 || min.Height < 130 || min.Height > 220 {
		t.Errorf("min size %v, want about 216x150", min)
	}
	for _, size := range []fyne.Size{m.MinSize(), m.MinSize().Add(m.MinSize())} {
		w.Resize(size)
		w.Canvas().Capture()
		r := test.WidgetRenderer(m).(*zoneMapRenderer)
		for i, l := range r.labels {
			if l.Position().X < 0 || l.Position().X+l.Size().Width > m.Size().Width+0.5 {
				t.Errorf("at %v the %s label runs out of the widget: x %v width %v", size, callouts[i].key, l.Position().X, l.Size().Width)
			}
		}
		if r.caption.Position().Y+r.caption.Size().Height > m.Size().Height+0.5 {
			t.Errorf("at %v the caption is cut off", size)
		}
		if z, ok := m.ZoneAt(centre(t, m, "glabella")); !ok || z.Name != "Glabella" {
			t.Errorf("at %v the glabella is not where it is drawn", size)
		}
	}
	if m.scale < 1.9*minScale {
		t.Errorf("at twice the minimum size the drawing scales by %v", m.scale)
	}
}

func TestZoneMapShowsOnlyZonesItKnows(t *testing.T) {
	test.NewTempApp(t)
	var zones []data.Zone
	for _, z := range defaultZones(t) {
		if z.MapKey != "scalp" { // as if the practice had retired it
			zones = append(zones, z)
		}
	}
	zones = append(zones, data.Zone{Name: "Hands", Region: data.RegionBody, MapKey: "hands", TypicalMin: 0.5, TypicalMax: 1, WarnAbove: 1.5})
	m, w, tapped := showZoneMap(t, zones, fyne.NewSize(420, 480))

	found := map[string]bool{}
	for x := float32(0); x < m.Size().Width; x += 2 {
		for y := float32(0); y < m.Size().Height; y += 2 {
			if z, ok := m.ZoneAt(fyne.NewPos(x, y)); ok {
				found[z.Name] = true
			}
		}
	}
	for _, z := range zones {
		if found[z.Name] != (z.MapKey != "hands") {
			t.Errorf("%s on the map: %v", z.Name, found[z.Name])
		}
	}
	if found["Scalp"] {
		t.Error("the scalp answers though the practice has no such zone")
	}
	test.TapAt(m, centre(t, m, "scalp"))
	if len(*tapped) != 0 {
		t.Errorf("tap on the scalp toggled %q", *tapped)
	}
	if l := label(m, "scalp"); l.Color != theme.ColorForWidget(theme.ColorNameDisabled, m) {
		t.Errorf("the scalp's label is not shown as unavailable: %v", l.Color)
	}

	before := w.Canvas().Capture()
	m.SetDepths(map[string]float64{"Hands": 1.0, "Nobody's zone": 2.0})
	if !samePixels(before, w.Canvas().Capture()) {
		t.Error("depths of zones off the map changed the drawing")
	}
}

func TestZoneMapHover(t *testing.T) {
	test.NewTempApp(t)
	m, w, _ := showZoneMap(t, defaultZones(t), fyne.NewSize(420, 480))
	r := test.WidgetRenderer(m).(*zoneMapRenderer)
	plain := pixel(w, m, pt{140, 132})

	m.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: centre(t, m, "cheeks")}})
	if r.caption.Text != "Cheeks — typical 0.5–1.5 mm, warn above 2 mm" || m.Cursor() != desktop.PointerCursor {
		t.Errorf("hovering the cheeks: caption %q, cursor %v", r.caption.Text, m.Cursor())
	}
	if pixel(w, m, pt{140, 132}) == plain {
		t.Error("hovering the cheeks does not highlight them")
	}
	m.SetDepths(map[string]float64{"Cheeks": 2.5})
	if r.caption.Text != "Cheeks — 2.5 mm, above the 2 mm warning depth" {
		t.Errorf("hovering deep cheeks: caption %q", r.caption.Text)
	}

	m.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(2, 2)}})
	if m.hover != "" || m.Cursor() != desktop.DefaultCursor || !strings.HasPrefix(r.caption.Text, "Click an area") {
		t.Errorf("off the areas: hover %q, caption %q", m.hover, r.caption.Text)
	}
	m.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: centre(t, m, "periorbital")}})
	m.MouseOut()
	if m.hover != "" {
		t.Errorf("after the pointer left, %q is still highlighted", m.hover)
	}
}

func TestZoneMapLabelsSayWhenTheyAreCut(t *testing.T) {
	test.NewTempApp(t)
	m, w, _ := showZoneMap(t, defaultZones(t), fyne.NewSize(800, 600))
	w.Canvas().Capture()
	labels := m.Labels()
	if len(labels) != len(callouts) {
		t.Fatalf("%d labels, want %d", len(labels), len(callouts))
	}
	for _, l := range labels {
		if l.Text != l.Whole || l.Size.Width <= 0 || l.Pos.X < 0 || l.Pos.X+l.Size.Width > m.Size().Width+0.5 {
			t.Errorf("with room to spare the %q label reads %q at %v, %v", l.Whole, l.Text, l.Pos, l.Size)
		}
	}

	// Narrower than the window lets it be: the names beside the drawing have little room, and
	// long ones are cut.
	w.SetContent(container.NewWithoutLayout(m))
	m.Resize(fyne.NewSize(150, 600))
	w.Canvas().Capture()
	cut := 0
	for _, l := range m.Labels() {
		if l.Text != l.Whole {
			cut++
			if !strings.HasSuffix(l.Text, "…") {
				t.Errorf("the %q label is cut to %q, without an ellipsis", l.Whole, l.Text)
			}
		}
	}
	if cut == 0 {
		t.Error("at 150 wide no label is reported cut")
	}
}

// The legend says its depths as typed, as the hover and the editor do: "1", never "1.0".
func TestZoneMapLegendSaysDepthsAsTyped(t *testing.T) {
	test.NewTempApp(t)
	m, _, _ := showZoneMap(t, defaultZones(t), fyne.NewSize(420, 480))
	r := test.WidgetRenderer(m).(*zoneMapRenderer)
	var got []string
	for _, l := range r.legendTexts {
		got = append(got, l.Text)
	}
	if s := strings.Join(got, ", "); s != "≤0.5, 1, 1.5, ≥2 mm, above warn depth" {
		t.Errorf("the legend reads %q", s)
	}
}
