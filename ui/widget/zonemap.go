package widget

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/vector"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

// The drawing is laid out in units of a dw×dh box, scaled to fit the widget with its aspect kept.
// Shapes, hit-testing and label positions all use these units, so what is drawn is what is tapped.
const dw, dh = 360, 390

// pt is a point in drawing units.
type pt struct{ x, y float32 }

// piece is one filled shape of the drawing; key names the zone area it belongs to, "" for the
// silhouette around the areas.
type piece struct {
	key string
	pts []pt // a closed polygon
}

// callout labels an area: a short name beside the drawing with a leader line to the area.
type callout struct {
	key   string
	name  string // shown when the practice has no zone for the area
	at    pt     // where the leader ends, inside the area
	y     float32
	right bool // label in the right-hand column
}

// Label columns: left labels end at labelLeft, right labels start at labelRight.
const labelLeft, labelRight = 98, 262

var (
	// silhouette is drawn first, in a soft neutral fill, so the areas read as parts of a body.
	silhouette []piece
	// areas are the zone areas, in drawing order; hit-testing walks them backwards.
	areas []piece
	// features are open or closed lines (eyes, brows, lips) that help a practitioner find their way.
	features [][]pt
	callouts []callout
	// titles name the small figures.
	titles = []struct {
		text string
		at   pt
	}{{"Front", pt{146, 381}}, {"Back", pt{224, 381}}}
)

func init() {
	const cx = 180 // the face's midline
	mirror := func(pts []pt) []pt {
		out := make([]pt, len(pts))
		for i, p := range pts {
			out[len(pts)-1-i] = pt{2*cx - p.x, p.y}
		}
		return out
	}
	both := func(key string, left []pt) {
		areas = append(areas, piece{key, left}, piece{key, mirror(left)})
	}

	// Bust: shoulders, neck, ears, head.
	silhouette = append(silhouette,
		piece{"", roundPoly(12, pt{154, 196}, pt{206, 196}, pt{224, 210}, pt{266, 220}, pt{284, 248}, pt{76, 248}, pt{94, 220}, pt{136, 210})},
		piece{"", roundPoly(2, pt{158, 158}, pt{202, 158}, pt{205, 204}, pt{155, 204})},
		piece{"", ellipse(113, 104, 6, 15)},
		piece{"", ellipse(247, 104, 6, 15)},
		piece{"", smooth(pt{180, 4}, pt{212, 9}, pt{236, 28}, pt{245, 60}, pt{244, 96}, pt{238, 126}, pt{228, 150},
			pt{212, 168}, pt{194, 180}, pt{180, 184}, pt{166, 180}, pt{148, 168}, pt{132, 150}, pt{122, 126},
			pt{116, 96}, pt{115, 60}, pt{124, 28}, pt{148, 9})},
	)
	areas = append(areas,
		piece{"scalp", smooth(pt{180, 9}, pt{208, 13}, pt{229, 29}, pt{237, 46}, pt{214, 40}, pt{180, 36},
			pt{146, 40}, pt{123, 46}, pt{131, 29}, pt{152, 13})},
		piece{"forehead", smooth(pt{180, 43}, pt{213, 46}, pt{236, 56}, pt{238, 69}, pt{210, 71}, pt{180, 70},
			pt{150, 71}, pt{122, 69}, pt{124, 56}, pt{147, 46})},
		piece{"glabella", ellipse(180, 83, 7.5, 10)},
		piece{"nose", smooth(pt{180, 95}, pt{185, 106}, pt{190, 122}, pt{186, 128}, pt{180, 129}, pt{174, 128},
			pt{170, 122}, pt{175, 106})},
		piece{"perioral", smooth(pt{180, 133}, pt{193, 134}, pt{201, 140}, pt{202, 150}, pt{195, 157}, pt{180, 160},
			pt{165, 157}, pt{158, 150}, pt{159, 140}, pt{167, 134})},
		piece{"chin", smooth(pt{180, 163}, pt{194, 163}, pt{200, 168}, pt{194, 176}, pt{180, 179}, pt{166, 176},
			pt{160, 168}, pt{166, 163})},
	)
	both("periorbital", smooth(pt{142, 100}, pt{156, 104}, pt{170, 100}, pt{171, 107}, pt{157, 114}, pt{143, 108}))
	both("cheeks", smooth(pt{131, 110}, pt{150, 114}, pt{166, 115}, pt{166, 126}, pt{156, 137}, pt{143, 144},
		pt{134, 138}, pt{129, 124}))
	both("jawline", smooth(pt{122, 124}, pt{127, 140}, pt{139, 157}, pt{156, 171}, pt{158, 163}, pt{146, 152},
		pt{136, 140}, pt{130, 125}))
	areas = append(areas,
		piece{"neck", roundPoly(6, pt{164, 186}, pt{196, 186}, pt{199, 202}, pt{161, 202})},
		piece{"decolletage", smooth(pt{146, 212}, pt{180, 219}, pt{214, 212}, pt{252, 222}, pt{244, 238}, pt{180, 242},
			pt{116, 238}, pt{108, 222})},
	)
	features = append(features,
		[]pt{{144, 81}, {156, 77}, {170, 79}}, []pt{{190, 79}, {204, 77}, {216, 81}}, // brows
		closed(smooth(pt{145, 95}, pt{157, 90}, pt{169, 95}, pt{157, 99})), // eyes
		closed(smooth(pt{191, 95}, pt{203, 90}, pt{215, 95}, pt{203, 99})),
		[]pt{{174, 126}, {177, 128}}, []pt{{186, 126}, {183, 128}}, // nostrils
		closed(smooth(pt{167, 146}, pt{174, 142}, pt{180, 144}, pt{186, 142}, pt{193, 146}, pt{180, 151})), // lips
		[]pt{{167, 146}, {180, 147}, {193, 146}},
	)

	figure(146, 256, false)
	figure(224, 256, true)

	callouts = []callout{
		{"scalp", "Scalp", pt{160, 24}, 24, false},
		{"forehead", "Forehead", pt{148, 58}, 54, false},
		{"periorbital", "Periorbital", pt{156, 108}, 96, false},
		{"cheeks", "Cheeks", pt{146, 126}, 124, false},
		{"jawline", "Jawline", pt{136, 148}, 152, false},
		{"neck", "Neck", pt{172, 194}, 190, false},
		{"glabella", "Glabella", pt{180, 83}, 76, true},
		{"nose", "Nose", pt{180, 114}, 104, true},
		{"perioral", "Perioral", pt{197, 148}, 134, true},
		{"chin", "Chin", pt{180, 171}, 168, true},
		{"decolletage", "Décolletage", pt{226, 229}, 224, true},
		{"arms", "Arms", pt{124, 296}, 290, false},
		{"abdomen", "Abdomen", pt{146, 306}, 310, false},
		{"thighs", "Thighs", pt{140, 338}, 338, false},
		{"buttocks", "Buttocks", pt{231, 320}, 320, true},
	}
}

// figure adds a small whole-body outline, front or back, centred on cx with its head at y0.
func figure(cx, y0 float32, back bool) {
	at := func(dx, dy float32) pt { return pt{cx + dx, y0 + dy} }
	side := func(key string, r float32, left ...pt) {
		right := make([]pt, len(left))
		for i, p := range left {
			right[len(left)-1-i] = pt{2*cx - p.x, p.y}
		}
		s := &areas
		if key == "" {
			s = &silhouette
		}
		*s = append(*s, piece{key, roundPoly(r, left...)}, piece{key, roundPoly(r, right...)})
	}
	silhouette = append(silhouette,
		piece{"", roundPoly(1, at(-3, 14), at(3, 14), at(3, 20), at(-3, 20))},
		piece{"", ellipse(cx, y0+8, 7, 8.5)},
		piece{"", roundPoly(4, at(-17, 19), at(17, 19), at(14, 41), at(-14, 41))},
	)
	side("", 2, at(-12, 95), at(-3, 95), at(-4, 114), at(-11, 114)) // shins
	side("", 3, at(-29, 66), at(-24, 66), at(-25, 74), at(-29, 73)) // hands
	side("arms", 3, at(-22, 20), at(-16, 21), at(-23, 65), at(-29, 65))
	side("thighs", 3, at(-16, 68), at(-1, 68), at(-3, 94), at(-13, 94))
	if back {
		silhouette = append(silhouette, piece{"", roundPoly(3, at(-14, 42), at(14, 42), at(15, 56), at(-15, 56))})
		side("buttocks", 5, at(-16, 57), at(-1, 57), at(-1, 72), at(-16, 72))
	} else {
		areas = append(areas, piece{"abdomen", roundPoly(4, at(-14, 42), at(14, 42), at(16, 58), at(-16, 58))})
		silhouette = append(silhouette, piece{"", roundPoly(3, at(-16, 59), at(16, 59), at(16, 67), at(-16, 67))})
	}
}

// ZoneMap is a clickable drawing of the face and body; each drawn area answers to a zone.
type ZoneMap struct {
	widget.BaseWidget
	onToggle func(zone data.Zone)

	zones  map[string]data.Zone // by map key, only the keys the drawing knows
	keys   map[string]string    // map key by lower-case zone name
	depths map[string]float64   // by map key: the zones being treated
	hover  string               // map key of the area under the pointer
	locked string               // said in place of the click hint while the form is read-only

	// Where the drawing sits in the widget and the label boxes, kept by Layout for hit-testing.
	origin fyne.Position
	scale  float32
	boxes  []labelBox

	base    *image.RGBA // the silhouette as last painted
	baseKey baseKey

	renderer *zoneMapRenderer // once drawn
}

type baseKey struct {
	w, h       int
	skin, line color.Color
}

type labelBox struct {
	key  string
	pos  fyne.Position
	size fyne.Size
}

// NewZoneMap draws the zones the drawing has an area for (by MapKey; the first zone of a key wins);
// onToggle is called with the zone of an area or label clicked.
func NewZoneMap(zones []data.Zone, onToggle func(zone data.Zone)) *ZoneMap {
	known := map[string]bool{}
	for _, a := range areas {
		known[a.key] = true
	}
	m := &ZoneMap{onToggle: onToggle, zones: map[string]data.Zone{}, keys: map[string]string{}}
	for _, z := range zones {
		if _, taken := m.zones[z.MapKey]; known[z.MapKey] && !taken {
			m.zones[z.MapKey] = z
			m.keys[strings.ToLower(strings.TrimSpace(z.Name))] = z.MapKey
		}
	}
	m.ExtendBaseWidget(m)
	return m
}

// SetDepths colours the zones being treated by their depth (mm); zones absent from the map are shown untreated.
// Keys are zone names (data.Zone.Name).
func (m *ZoneMap) SetDepths(depths map[string]float64) {
	m.depths = map[string]float64{}
	for name, d := range depths {
		if key, ok := m.keys[strings.ToLower(strings.TrimSpace(name))]; ok {
			m.depths[key] = d
		}
	}
	m.Refresh()
}

// ZoneAt returns the zone drawn at a point of the widget, for tests and tooltips.
func (m *ZoneMap) ZoneAt(pos fyne.Position) (data.Zone, bool) {
	z, ok := m.zones[m.keyAt(pos)]
	return z, ok
}

// keyAt returns the map key of the area or label at pos, "" for none.
func (m *ZoneMap) keyAt(pos fyne.Position) string {
	for _, b := range m.boxes {
		if pos.X >= b.pos.X && pos.X < b.pos.X+b.size.Width && pos.Y >= b.pos.Y && pos.Y < b.pos.Y+b.size.Height {
			return b.key
		}
	}
	if m.scale <= 0 {
		return ""
	}
	p := pt{(pos.X - m.origin.X) / m.scale, (pos.Y - m.origin.Y) / m.scale}
	for i := len(areas) - 1; i >= 0; i-- {
		if inside(p, areas[i].pts) {
			return areas[i].key
		}
	}
	return ""
}

// Tapped toggles the zone of the area tapped, if any.
func (m *ZoneMap) Tapped(ev *fyne.PointEvent) {
	if z, ok := m.ZoneAt(ev.Position); ok && m.onToggle != nil {
		m.onToggle(z)
	}
}

// MouseIn highlights the area under the pointer.
func (m *ZoneMap) MouseIn(ev *desktop.MouseEvent) { m.MouseMoved(ev) }

// MouseMoved highlights the area under the pointer and names it in the caption.
func (m *ZoneMap) MouseMoved(ev *desktop.MouseEvent) {
	key := m.keyAt(ev.Position)
	if _, ok := m.zones[key]; !ok {
		key = ""
	}
	if key != m.hover {
		m.hover = key
		m.Refresh()
	}
}

// MouseOut clears the highlight.
func (m *ZoneMap) MouseOut() {
	if m.hover != "" {
		m.hover = ""
		m.Refresh()
	}
}

// Cursor shows a pointing hand over a clickable area.
func (m *ZoneMap) Cursor() desktop.Cursor {
	if m.hover != "" {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// SetReadOnly says hint in place of the click hint, or, with "", offers clicks again.
func (m *ZoneMap) SetReadOnly(hint string) {
	m.locked = hint
	m.Refresh()
}

// Caption describes the area under the pointer, or says what clicking does.
func (m *ZoneMap) Caption() string {
	z, ok := m.zones[m.hover]
	if !ok {
		if m.locked != "" {
			return m.locked
		}
		return "Click an area to add or remove that zone."
	}
	d, treated := m.depths[m.hover]
	switch {
	case !treated:
		return fmt.Sprintf("%s — typical %s, warn above %s", z.Name, wording.MMRange(z.TypicalMin, z.TypicalMax), wording.MM(z.WarnAbove))
	case d <= 0:
		return fmt.Sprintf("%s — treated, no depth entered yet (typical %s)", z.Name, wording.MMRange(z.TypicalMin, z.TypicalMax))
	case d > z.WarnAbove:
		return fmt.Sprintf("%s — %s, above the %s warning depth", z.Name, wording.MM(d), wording.MM(z.WarnAbove))
	}
	return fmt.Sprintf("%s — %s (typical %s–%s, warn above %s)", z.Name, wording.MM(d),
		wording.Number(z.TypicalMin), wording.Number(z.TypicalMax), wording.Number(z.WarnAbove))
}

// Label is an area's name beside the drawing, as last laid out.
type Label struct {
	Text  string        // as shown: cut short with an ellipsis when its room is too narrow
	Whole string        // the whole name
	Pos   fyne.Position // in the map
	Size  fyne.Size
}

// Labels lists the area names beside the drawing as last laid out, so that a screen can check
// that the room it gives the map leaves them whole.
func (m *ZoneMap) Labels() []Label {
	r := m.renderer
	if r == nil {
		return nil
	}
	out := make([]Label, len(r.labels))
	for i, t := range r.labels {
		out[i] = Label{Text: t.Text, Whole: r.full[i], Pos: t.Position(), Size: t.Size()}
	}
	return out
}

// warned reports whether the area's zone is treated deeper than its warning depth.
func (m *ZoneMap) warned(key string) bool {
	d, ok := m.depths[key]
	return ok && d > m.zones[key].WarnAbove
}

// depthStops is the colour scale for depth, light for shallow to dark for deep. The colours carry
// meaning, so they are the same in light and dark themes.
var depthStops = []struct {
	mm float64
	c  color.NRGBA
}{
	{0.5, color.NRGBA{0xc6, 0xdb, 0xef, 0xff}},
	{1.0, color.NRGBA{0x6b, 0xae, 0xd6, 0xff}},
	{1.5, color.NRGBA{0x21, 0x71, 0xb5, 0xff}},
	{2.0, color.NRGBA{0x08, 0x30, 0x6b, 0xff}},
}

// depthColour interpolates the depth scale; it is clamped at both ends.
func depthColour(d float64) color.NRGBA {
	if d <= depthStops[0].mm {
		return depthStops[0].c
	}
	for i := 1; i < len(depthStops); i++ {
		a, b := depthStops[i-1], depthStops[i]
		if d <= b.mm {
			return mix(a.c, b.c, float32((d-a.mm)/(b.mm-a.mm)))
		}
	}
	return depthStops[len(depthStops)-1].c
}

// mix blends a towards b by t (0–1).
func mix(a, b color.Color, t float32) color.NRGBA {
	ca, cb := color.NRGBAModel.Convert(a).(color.NRGBA), color.NRGBAModel.Convert(b).(color.NRGBA)
	f := func(x, y uint8) uint8 { return uint8(float32(x) + (float32(y)-float32(x))*t + 0.5) }
	return color.NRGBA{f(ca.R, cb.R), f(ca.G, cb.G), f(ca.B, cb.B), f(ca.A, cb.A)}
}

// palette is the theme's colours for the drawing.
type palette struct {
	skin, pad, line, feature, leader, hover, warn, text, quiet, muted color.Color
}

func (m *ZoneMap) palette() palette {
	c := func(n fyne.ThemeColorName) color.Color { return theme.ColorForWidget(n, m) }
	bg, fg := c(theme.ColorNameBackground), c(theme.ColorNameForeground)
	return palette{
		skin:    mix(bg, fg, 0.04),
		pad:     mix(bg, fg, 0.13),
		line:    mix(bg, fg, 0.5),
		feature: mix(bg, fg, 0.4),
		leader:  mix(bg, fg, 0.35),
		hover:   c(theme.ColorNamePrimary),
		warn:    c(theme.ColorNameError),
		text:    fg,
		quiet:   mix(bg, fg, 0.6),
		muted:   c(theme.ColorNameDisabled),
	}
}

// paint draws the picture at w×h pixels.
func (m *ZoneMap) paint(w, h int) image.Image {
	c := m.palette()
	// The silhouette depends only on size and theme; keeping it makes a hover redraw cheap.
	if key := (baseKey{w, h, c.skin, c.line}); m.base == nil || m.baseKey != key {
		m.base, m.baseKey = image.NewRGBA(image.Rect(0, 0, w, h)), key
		p := &painter{img: m.base, sx: float32(w) / dw, sy: float32(h) / dh}
		for _, s := range silhouette {
			p.fill(s.pts, image.NewUniform(c.skin))
			p.stroke(s.pts, true, 1, c.line)
		}
	}
	img := image.NewRGBA(m.base.Rect)
	copy(img.Pix, m.base.Pix)
	p := &painter{img: img, sx: float32(w) / dw, sy: float32(h) / dh}
	for _, a := range areas {
		_, known := m.zones[a.key]
		d, treated := m.depths[a.key]
		var fill image.Image = image.NewUniform(c.pad)
		line, width := c.line, float32(1)
		switch {
		case !known:
			fill, line = image.NewUniform(c.skin), mix(c.skin, c.line, 0.5) // no such zone in this practice
		case treated && d <= 0:
			fill = hatch{c.pad, depthStops[0].c}
		case treated:
			fill = image.NewUniform(depthColour(d))
		}
		if a.key == m.hover {
			if u, ok := fill.(*image.Uniform); ok {
				fill = image.NewUniform(mix(u.C, c.hover, 0.25))
			}
			line, width = c.hover, 2
		}
		if m.warned(a.key) {
			line, width = c.warn, 2.5
		}
		p.fill(a.pts, fill)
		p.stroke(a.pts, true, width, line)
	}
	for _, f := range features {
		p.stroke(f, false, 1, c.feature)
	}
	for _, co := range callouts {
		x := float32(labelLeft + 4)
		if co.right {
			x = labelRight - 4
		}
		col := c.leader
		if m.warned(co.key) {
			col = c.warn
		}
		p.stroke([]pt{{x, co.y}, co.at}, false, 0.8, col)
		p.fill(ellipse(co.at.x, co.at.y, 1.8, 1.8), image.NewUniform(col))
	}
	return img
}

// hatch is the fill of a zone chosen but without a depth yet: stripes of the shallow colour.
type hatch struct{ bg, fg color.Color }

func (h hatch) ColorModel() color.Model { return color.NRGBAModel }
func (h hatch) Bounds() image.Rectangle { return image.Rect(-1e9, -1e9, 1e9, 1e9) }
func (h hatch) At(x, y int) color.Color {
	if (x+y)/4%2 == 0 {
		return h.fg
	}
	return h.bg
}

// painter fills and strokes polygons given in drawing units, anti-aliased.
type painter struct {
	img    *image.RGBA
	sx, sy float32
	r      vector.Rasterizer
}

// fill paints the inside of a polygon. Each piece is rasterised within its own bounding box, so
// redrawing for a hover stays cheap at any size.
func (p *painter) fill(pts []pt, src image.Image) {
	px := make([]pt, len(pts))
	for i, q := range pts {
		px[i] = pt{q.x * p.sx, q.y * p.sy}
	}
	p.draw([][]pt{px}, src)
}

// stroke paints a line of the given width (in drawing units) along a polyline, with round joins.
// It is drawn a few segments at a time: a thin outline of a large shape would otherwise cost as
// much as filling it.
func (p *painter) stroke(pts []pt, closed bool, width float32, c color.Color) {
	hw := width * (p.sx + p.sy) / 4
	px := make([]pt, len(pts))
	for i, q := range pts {
		px[i] = pt{q.x * p.sx, q.y * p.sy}
	}
	if closed {
		px = append(px, px[0])
	}
	src := image.NewUniform(c)
	polys := [][]pt{joint(px[0], hw)}
	for i := 1; i < len(px); i++ {
		a, b := px[i-1], px[i]
		dx, dy := b.x-a.x, b.y-a.y
		if l := float32(math.Hypot(float64(dx), float64(dy))); l > 0 {
			nx, ny := -dy/l*hw, dx/l*hw
			polys = append(polys, []pt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}})
		}
		polys = append(polys, joint(b, hw))
		if len(polys) >= 8 || i == len(px)-1 {
			p.draw(polys, src)
			polys = polys[:0]
		}
	}
}

// joint is a small octagon that rounds the join of two stroke segments.
func joint(c pt, r float32) []pt {
	const k = 0.4142 // tan(22.5°): the octagon's half side over its inner radius
	return []pt{{c.x + r, c.y - k*r}, {c.x + r, c.y + k*r}, {c.x + k*r, c.y + r}, {c.x - k*r, c.y + r},
		{c.x - r, c.y + k*r}, {c.x - r, c.y - k*r}, {c.x - k*r, c.y - r}, {c.x + k*r, c.y - r}}
}

// draw fills the union of polygons. The rasteriser sums signed coverage, so every polygon is
// given the same winding before it is added, or overlaps would cancel out.
func (p *painter) draw(polys [][]pt, src image.Image) {
	minX, minY, maxX, maxY := float32(math.Inf(1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Inf(-1))
	for _, poly := range polys {
		for _, q := range poly {
			minX, minY, maxX, maxY = min(minX, q.x), min(minY, q.y), max(maxX, q.x), max(maxY, q.y)
		}
	}
	box := image.Rect(int(minX)-1, int(minY)-1, int(maxX)+2, int(maxY)+2).Intersect(p.img.Bounds())
	if box.Empty() {
		return
	}
	p.r.Reset(box.Dx(), box.Dy())
	ox, oy := float32(box.Min.X), float32(box.Min.Y)
	for _, poly := range polys {
		if len(poly) < 3 {
			continue
		}
		if area(poly) < 0 {
			for i, j := 0, len(poly)-1; i < j; i, j = i+1, j-1 {
				poly[i], poly[j] = poly[j], poly[i]
			}
		}
		p.r.MoveTo(poly[0].x-ox, poly[0].y-oy)
		for _, q := range poly[1:] {
			p.r.LineTo(q.x-ox, q.y-oy)
		}
		p.r.ClosePath()
	}
	p.r.Draw(p.img, box, src, box.Min)
}

// area is the polygon's signed area (shoelace).
func area(poly []pt) float32 {
	var s float32
	for i, a := range poly {
		b := poly[(i+1)%len(poly)]
		s += a.x*b.y - b.x*a.y
	}
	return s / 2
}

// inside reports whether q is inside the polygon (even-odd rule).
func inside(q pt, poly []pt) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a.y > q.y) != (b.y > q.y) && q.x < (b.x-a.x)*(q.y-a.y)/(b.y-a.y)+a.x {
			in = !in
		}
	}
	return in
}

func ellipse(cx, cy, rx, ry float32) []pt {
	const n = 40
	pts := make([]pt, n)
	for i := range pts {
		a := 2 * math.Pi * float64(i) / n
		pts[i] = pt{cx + rx*float32(math.Cos(a)), cy + ry*float32(math.Sin(a))}
	}
	return pts
}

// smooth returns a closed curve through the points (Catmull-Rom), for organic shapes.
func smooth(ctrl ...pt) []pt {
	const steps = 8
	n := len(ctrl)
	var pts []pt
	for i := range n {
		p0, p1, p2, p3 := ctrl[(i+n-1)%n], ctrl[i], ctrl[(i+1)%n], ctrl[(i+2)%n]
		for s := range steps {
			t := float32(s) / steps
			t2, t3 := t*t, t*t*t
			f := func(a, b, c, d float32) float32 {
				return 0.5 * (2*b + (c-a)*t + (2*a-5*b+4*c-d)*t2 + (3*b-a-3*c+d)*t3)
			}
			pts = append(pts, pt{f(p0.x, p1.x, p2.x, p3.x), f(p0.y, p1.y, p2.y, p3.y)})
		}
	}
	return pts
}

// roundPoly returns the polygon with its corners rounded to radius r.
func roundPoly(r float32, ctrl ...pt) []pt {
	n := len(ctrl)
	var pts []pt
	for i, v := range ctrl {
		prev, next := ctrl[(i+n-1)%n], ctrl[(i+1)%n]
		toward := func(q pt) pt {
			dx, dy := q.x-v.x, q.y-v.y
			l := float32(math.Hypot(float64(dx), float64(dy)))
			k := min(r, l/2) / l
			return pt{v.x + dx*k, v.y + dy*k}
		}
		a, b := toward(prev), toward(next)
		for s := 0; s <= 4; s++ {
			t := float32(s) / 4
			u := 1 - t
			pts = append(pts, pt{u*u*a.x + 2*u*t*v.x + t*t*b.x, u*u*a.y + 2*u*t*v.y + t*t*b.y})
		}
	}
	return pts
}

// closed returns a polyline that ends where it starts, for features drawn as outlines.
func closed(pts []pt) []pt { return append(pts, pts[0]) }

// shortName is the label for a zone: "Perioral / upper lip" is labelled "Perioral".
func shortName(name string) string {
	if i := strings.IndexAny(name, "/("); i > 0 {
		name = name[:i]
	}
	return strings.TrimSpace(name)
}

func (m *ZoneMap) CreateRenderer() fyne.WidgetRenderer {
	r := &zoneMapRenderer{m: m, caption: canvas.NewText("", nil)}
	r.raster = canvas.NewRaster(m.paint)
	r.objects = append(r.objects, r.raster)
	for range callouts {
		t := canvas.NewText("", nil)
		r.labels = append(r.labels, t)
		r.full = append(r.full, "")
		r.objects = append(r.objects, t)
	}
	for _, tt := range titles {
		t := canvas.NewText(tt.text, nil)
		r.titles = append(r.titles, t)
		r.objects = append(r.objects, t)
	}
	// Legend: the depth scale, then the warning outline.
	r.legendTitle = canvas.NewText("Depth", nil)
	r.objects = append(r.objects, r.legendTitle)
	var texts []string
	for i, st := range depthStops {
		switch i {
		case 0:
			texts = append(texts, "≤"+wording.Number(st.mm))
		case len(depthStops) - 1:
			texts = append(texts, "≥"+wording.MM(st.mm))
		default:
			texts = append(texts, wording.Number(st.mm))
		}
	}
	texts = append(texts, "above warn depth")
	for i, s := range texts {
		sw := canvas.NewRectangle(nil)
		sw.CornerRadius = 2
		sw.StrokeWidth = 1
		if i < len(depthStops) {
			sw.FillColor = depthStops[i].c
		}
		t := canvas.NewText(s, nil)
		r.swatches = append(r.swatches, sw)
		r.legendTexts = append(r.legendTexts, t)
		r.objects = append(r.objects, sw, t)
	}
	r.objects = append(r.objects, r.caption)
	r.Refresh()
	m.renderer = r
	return r
}

type zoneMapRenderer struct {
	m           *ZoneMap
	raster      *canvas.Raster
	labels      []*canvas.Text
	full        []string // each label's whole text, before fitting it to its column
	titles      []*canvas.Text
	legendTitle *canvas.Text
	swatches    []*canvas.Rectangle
	legendTexts []*canvas.Text
	caption     *canvas.Text
	objects     []fyne.CanvasObject
}

func (r *zoneMapRenderer) Destroy()                     {}
func (r *zoneMapRenderer) Objects() []fyne.CanvasObject { return r.objects }

// textSizes are the sizes of the labels and legend, and of the caption, with text grown by k.
func (r *zoneMapRenderer) textSizes(k float32) (small, text float32) {
	return theme.SizeForWidget(theme.SizeNameCaptionText, r.m) * k, theme.SizeForWidget(theme.SizeNameText, r.m) * k
}

// footer is the height of the legend and caption lines under the drawing.
func (r *zoneMapRenderer) footer(k, width float32) float32 {
	_, text := r.textSizes(k)
	return r.legend(k, width, 0, false) + fyne.MeasureText("Ag", text, fyne.TextStyle{}).Height + 8
}

// minScale is how small the drawing may get: small enough to leave the zone grid its rows under
// the map on a 1280×800 screen, large enough that every area and label can still be clicked.
const minScale = 0.22

func (r *zoneMapRenderer) MinSize() fyne.Size {
	w := float32(dw * 0.6) // the labels beside the drawing need a little more than the drawing
	return fyne.NewSize(w, dh*minScale+r.footer(0.8, w))
}

func (r *zoneMapRenderer) Layout(size fyne.Size) {
	m := r.m
	// Text grows with the drawing, but less than it, so a maximised map does not shout.
	s := min(size.Width/dw, (size.Height-r.footer(1, size.Width))/dh)
	k := min(max(s, 0.8), 1.4)
	footer := r.footer(k, size.Width)
	s = min(size.Width/dw, (size.Height-footer)/dh)
	if s <= 0 {
		return
	}
	small, text := r.textSizes(k)
	draw := fyne.NewSize(dw*s, dh*s)
	m.origin = fyne.NewPos((size.Width-draw.Width)/2, (size.Height-draw.Height-footer)/2)
	m.scale = s
	r.raster.Move(m.origin)
	r.raster.Resize(draw)

	m.boxes = m.boxes[:0]
	for i, co := range callouts {
		t := r.labels[i]
		t.TextSize = small
		// A label may take all the room beside the drawing, out to the pane's edge: a map drawn
		// narrower than its pane leaves that room empty otherwise, and cuts names short.
		room := m.origin.X + (labelLeft-2)*s
		if co.right {
			room = size.Width - m.origin.X - labelRight*s - 2
		}
		t.Text = FitText(r.full[i], small, t.TextStyle, room)
		sz := t.MinSize()
		x := m.origin.X + labelLeft*s - sz.Width
		if co.right {
			x = m.origin.X + labelRight*s
		}
		pos := fyne.NewPos(x, m.origin.Y+co.y*s-sz.Height/2)
		t.Move(pos)
		t.Resize(sz)
		if _, ok := m.zones[co.key]; ok {
			m.boxes = append(m.boxes, labelBox{co.key, pos, sz})
		}
	}
	for i, tt := range titles {
		t := r.titles[i]
		t.TextSize = small
		sz := t.MinSize()
		t.Move(fyne.NewPos(m.origin.X+tt.at.x*s-sz.Width/2, m.origin.Y+tt.at.y*s-sz.Height/2))
		t.Resize(sz)
	}

	y := m.origin.Y + draw.Height + 2
	y += r.legend(k, size.Width, y, true) + 4
	r.caption.TextSize = text
	r.caption.Text = FitText(m.Caption(), r.caption.TextSize, r.caption.TextStyle, size.Width)
	csz := r.caption.MinSize()
	r.caption.Move(fyne.NewPos((size.Width-csz.Width)/2, y))
	r.caption.Resize(csz)
}

// legend lays out the depth scale and the warning entry centred in one row at y, or in two rows
// when one is too wide, and returns the height taken. With place false it only measures.
func (r *zoneMapRenderer) legend(k, width, y float32, place bool) float32 {
	small, _ := r.textSizes(k)
	lh := fyne.MeasureText("Ag", small, fyne.TextStyle{}).Height
	sw := lh * 0.8
	scale := []fyne.CanvasObject{r.legendTitle}
	for i := range depthStops {
		scale = append(scale, r.swatches[i], r.legendTexts[i])
	}
	warn := []fyne.CanvasObject{r.swatches[len(depthStops)], r.legendTexts[len(depthStops)]}

	// Within a group a swatch sits close to its text; groups in one row are set further apart.
	widthOf := func(groups ...[]fyne.CanvasObject) float32 {
		w := 14 * k * float32(len(groups)-1)
		for _, g := range groups {
			for i, o := range g {
				if t, ok := o.(*canvas.Text); ok {
					t.TextSize = small
					w += t.MinSize().Width
					if i < len(g)-1 {
						w += 8 * k
					}
				} else {
					w += sw + 3*k
				}
			}
		}
		return w
	}
	rows := [][][]fyne.CanvasObject{{scale, warn}}
	if widthOf(scale, warn) > width {
		rows = [][][]fyne.CanvasObject{{scale}, {warn}}
	}
	if place {
		for i, row := range rows {
			x := (width - widthOf(row...)) / 2
			ry := y + float32(i)*(lh+2)
			for _, g := range row {
				for _, o := range g {
					if t, ok := o.(*canvas.Text); ok {
						sz := t.MinSize()
						t.Move(fyne.NewPos(x, ry))
						t.Resize(sz)
						x += sz.Width + 8*k
					} else {
						o.Move(fyne.NewPos(x, ry+(lh-sw)/2))
						o.Resize(fyne.NewSize(sw, sw))
						x += sw + 3*k
					}
				}
				x += 6 * k // 14 between groups, less the 8 already added after the text
			}
		}
	}
	return float32(len(rows))*(lh+2) - 2
}

// FitText shortens text with an ellipsis until it fits width.
func FitText(text string, size float32, style fyne.TextStyle, width float32) string {
	if fyne.MeasureText(text, size, style).Width <= width {
		return text
	}
	rs := []rune(strings.TrimSuffix(text, "…"))
	for len(rs) > 1 {
		rs = rs[:len(rs)-1]
		if s := strings.TrimSpace(string(rs)) + "…"; fyne.MeasureText(s, size, style).Width <= width {
			return s
		}
	}
	return "…"
}

func (r *zoneMapRenderer) Refresh() {
	m := r.m
	c := m.palette()
	for i, co := range callouts {
		t := r.labels[i]
		z, ok := m.zones[co.key]
		_, treated := m.depths[co.key]
		t.Text, t.Color, t.TextStyle = co.name, c.muted, fyne.TextStyle{}
		if ok {
			t.Text, t.Color = shortName(z.Name), c.text
		}
		if treated {
			t.TextStyle.Bold = true
		}
		if m.warned(co.key) {
			t.Text, t.Color = t.Text+" !", c.warn
		}
		if co.key == m.hover {
			t.Color = c.hover
		}
		r.full[i] = t.Text
	}
	for _, t := range r.titles {
		t.Color = c.quiet
	}
	r.legendTitle.Color = c.text
	for i, sw := range r.swatches {
		sw.StrokeColor = c.line
		if i == len(depthStops) {
			sw.FillColor, sw.StrokeColor, sw.StrokeWidth = c.pad, c.warn, 2
		}
		r.legendTexts[i].Color = c.text
	}
	r.caption.Color = c.text
	if m.hover == "" {
		r.caption.Color = c.quiet
	}
	r.Layout(m.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}
