package chart

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// seg is a part of a bar: from and to on the value axis, and words said inside it when they fit.
type seg struct {
	from, to    float64
	fill, hatch color.Color
	words       string
}

// inside says s's words centred in its rectangle r when they fit, in black or white, whichever
// stands out on its fill.
func (cv *canvas) inside(c draw.Canvas, r vg.Rectangle, s seg) {
	sty := cv.text(0.9, color.White)
	if s.words == "" || sty.Width(s.words)+cv.em()*0.4 > r.Max.X-r.Min.X || sty.Height(s.words) > r.Max.Y-r.Min.Y {
		return
	}
	if cr, cg, cb, _ := s.fill.RGBA(); 0.2126*float64(cr)+0.7152*float64(cg)+0.0722*float64(cb) > 0.55*0xffff {
		sty.Color = color.Black
	}
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	c.FillText(sty, vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}, s.words)
}

// row is one group's bar: its parts, the words at its end, and a value marked across it (NaN
// for none). A loose row's bar does not set the axis, when other rows do: beyond the others'
// range it is cut at the chart's edge, its words over its end.
type row struct {
	name  string
	segs  []seg
	label string
	mark  float64
	loose bool
}

// end is where r's bar, or its mark, ends on the value axis.
func (r row) end() float64 {
	end := clean(r.mark)
	for _, s := range r.segs {
		end = max(end, clean(s.to))
	}
	return end
}

// axis is the value axis of a chart: its words and ticks, a dashed line across the bars at ref
// (none when NaN), and its range, which reaches at least least and at most most (no limit when
// NaN).
type axis struct {
	label            string
	ticks            plot.Ticker
	ref, least, most float64
}

// clean is v as a length of bar: negative and unknown values are drawn as nothing.
func clean(v float64) float64 {
	if math.IsNaN(v) || v < 0 || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// horizontal draws one bar per row, the first at the top, names on the left, values along the
// bottom.
func (cv *canvas) horizontal(rows []row, ax axis, keys []key) *Chart {
	ref := ax.ref
	n := len(rows)
	p := cv.plot()
	em := cv.em()
	nameSty := p.Y.Tick.Label
	labelSty := cv.text(0.95, cv.o.Style.Foreground)
	labelSty.YAlign = draw.YCenter

	// Names take at most two fifths of the width, wrapped onto more lines rather than cut.
	var names plot.ConstantTicks
	for i, r := range rows {
		names = append(names, plot.Tick{Value: float64(n - 1 - i), Label: wrap(nameSty, r.name, cv.w*0.4)})
	}
	p.Y.Tick.Marker = names
	p.Y.Tick.Length = 0
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.X.Label.Text = ax.label
	p.X.Tick.Marker = ax.ticks
	p.X.Min, p.X.Max = 0, 1

	// Leave room right of the longest bar for its words, wrapped to at most half the area; the
	// words of a bar that still has no room go over its end (below).
	labels := make([]string, n)
	rowH := em * 1.9
	allLoose := true
	for _, r := range rows {
		allLoose = allLoose && r.loose
	}
	// The area's width depends on the ticks at its ends, which depend on the range: settle it.
	for range 3 {
		area := p.DataCanvas(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: cv.w - 3*cv.pad(), Y: cv.h}}})
		aw := area.Max.X - area.Min.X
		if !(aw > em) { // names wider than the chart (or unknown)
			aw = em
		}
		top, room := 0.0, 0.0
		if !math.IsNaN(ref) {
			top = ref
		}
		for _, r := range rows {
			if !r.loose || allLoose {
				top = max(top, r.end())
			}
		}
		for i, r := range rows {
			labels[i] = wrap(labelSty, r.label, aw/2)
			rowH = max(rowH, nameSty.Height(names[i].Label)+em*0.5, labelSty.Height(labels[i])+em*0.5)
			room = max(room, min(r.end(), top)/max(0.5, 1-float64((labelSty.Width(labels[i])+em*0.6)/aw)))
		}
		p.X.Max = ax.span(max(room, top*1.05))
	}
	// Grow the image rather than crowd the rows.
	if need := vg.Length(n)*rowH + em*4.5 + cv.legendHeight(keys, cv.w-3*cv.pad()) + em*1.5; need > cv.h {
		cv.grow(need)
	}

	var bars, areas []vg.Rectangle
	p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
		cv.grid(c, p, true)
		trX, trY := p.Transforms(&c)
		thick := min(trY(0.32)-trY(0), em*0.9)
		bars, areas = nil, nil
		if !math.IsNaN(ref) {
			c.StrokeLine2(cv.dash(), trX(ref), c.Min.Y, trX(ref), c.Max.Y)
		}
		for i, r := range rows {
			y := trY(float64(n - 1 - i))
			bar := vg.Rectangle{Min: vg.Point{X: trX(0), Y: y - thick}, Max: vg.Point{X: trX(0), Y: y + thick}}
			cut := false
			for _, s := range r.segs {
				cut = cut || clean(s.to) > p.X.Max
				// A loose bar beyond the axis is cut at its end.
				from, to := min(clean(s.from), p.X.Max), min(clean(s.to), p.X.Max)
				sr := vg.Rectangle{Min: vg.Point{X: trX(from), Y: y - thick}, Max: vg.Point{X: trX(to), Y: y + thick}}
				if sr.Max.X > sr.Min.X {
					cv.fillBar(c, sr, s.fill, s.hatch)
					bar.Max.X = max(bar.Max.X, sr.Max.X)
					cv.inside(c, sr, s)
					if s.from > 0 { // parts of a bar kept apart by a hairline
						c.StrokeLine2(draw.LineStyle{Color: cv.o.Style.Background, Width: 1}, sr.Min.X, sr.Min.Y, sr.Min.X, sr.Max.Y)
					}
				}
			}
			bars = append(bars, bar)
			end := bar.Max.X
			if m := clean(r.mark); m > 0 {
				x := trX(m)
				c.StrokeLine2(draw.LineStyle{Color: cv.o.Style.Foreground, Width: 2}, x, y-thick*1.3, x, y+thick*1.3)
				end = max(end, x+1)
			}
			at := vg.Point{X: end + em*0.4, Y: y}
			lw, h := labelSty.Width(labels[i]), labelSty.Height(labels[i])
			if at.X+lw > c.Max.X { // no room after the bar: over its end
				at.X = max(c.Min.X+em*0.2, c.Max.X-lw-em*0.2)
			}
			if x := at.X - em*0.9; cut && x > bar.Min.X+em { // a break says the bar goes on
				brk := draw.LineStyle{Color: cv.o.Style.Background, Width: em * 0.2}
				for _, dx := range []vg.Length{0, em * 0.4} {
					c.StrokeLine2(brk, x+dx-thick*0.4, y-thick*1.1, x+dx+thick*0.4, y+thick*1.1)
				}
			}
			// On the background, so that the practice's line never runs through the words.
			c.FillPolygon(cv.o.Style.Background, []vg.Point{{X: at.X - em*0.2, Y: y - h/2}, {X: at.X - em*0.2, Y: y + h/2},
				{X: at.X + lw + em*0.2, Y: y + h/2}, {X: at.X + lw + em*0.2, Y: y - h/2}})
			c.FillText(labelSty, at, labels[i])

			half := (trY(0.5) - trY(0))
			areas = append(areas, vg.Rectangle{Min: vg.Point{X: 0, Y: y - half}, Max: vg.Point{X: cv.w, Y: y + half}})
		}
	}))
	return cv.draw(p, keys, &bars, &areas)
}

// col is one month's bar: its parts from the bottom up, and the words said on top of it.
type col struct {
	segs  []seg
	words string
}

// vertical draws one bar per column, left to right, labelled by labels (an empty label leaves a
// minor tick), values up the left.
func (cv *canvas) vertical(cols []col, labels []string, ax axis, keys []key) *Chart {
	n := len(cols)
	p := cv.plot()
	em := cv.em()
	var marks plot.ConstantTicks
	for i, l := range labels {
		marks = append(marks, plot.Tick{Value: float64(i), Label: l})
	}
	p.X.Tick.Marker = marks
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Label.Text = ax.label
	p.Y.Tick.Marker = ax.ticks
	top := 0.0
	for _, c := range cols {
		for _, s := range c.segs {
			top = max(top, clean(s.to))
		}
	}
	p.Y.Min, p.Y.Max = 0, ax.span(top*1.05)
	// Each bar's words stand on it when every bar's fit its column; the axis grows to hold them.
	sty := cv.text(0.9, cv.o.Style.Foreground)
	sty.XAlign = draw.XCenter
	area := p.DataCanvas(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: cv.w - 3*cv.pad(), Y: cv.h - 2*cv.pad() - cv.legendHeight(keys, cv.w-3*cv.pad())}}})
	said := n > 0
	for _, c := range cols {
		said = said && sty.Width(c.words)+em < (area.Max.X-area.Min.X)/vg.Length(n)
	}
	if ah := area.Max.Y - area.Min.Y; said && ah > 4*em {
		p.Y.Max = ax.span(top / (1 - float64((sty.Height("0")+em*0.4)/ah)))
	}
	var bars, areas []vg.Rectangle
	p.Add(plotFunc(func(c draw.Canvas, p *plot.Plot) {
		cv.grid(c, p, false)
		trX, trY := p.Transforms(&c)
		half := trX(0.5) - trX(0)
		thick := min(half*0.72, em*1.6)
		bars, areas = nil, nil
		for i, col := range cols {
			x := trX(float64(i))
			bar := vg.Rectangle{Min: vg.Point{X: x - thick, Y: trY(0)}, Max: vg.Point{X: x + thick, Y: trY(0)}}
			for _, s := range col.segs {
				sr := vg.Rectangle{Min: vg.Point{X: x - thick, Y: trY(clean(s.from))}, Max: vg.Point{X: x + thick, Y: trY(clean(s.to))}}
				if sr.Max.Y > sr.Min.Y {
					cv.fillBar(c, sr, s.fill, s.hatch)
					bar.Max.Y = max(bar.Max.Y, sr.Max.Y)
				}
			}
			bars = append(bars, bar)
			areas = append(areas, vg.Rectangle{Min: vg.Point{X: x - half, Y: 0}, Max: vg.Point{X: x + half, Y: c.Max.Y}})
			if said { // on the background, so that no gridline runs through the words
				at := vg.Point{X: x, Y: bar.Max.Y + em*0.2}
				w, h := sty.Width(col.words)/2+em*0.2, sty.Height(col.words)
				c.FillPolygon(cv.o.Style.Background, []vg.Point{{X: x - w, Y: bar.Max.Y + em*0.1}, {X: x - w, Y: at.Y + h},
					{X: x + w, Y: at.Y + h}, {X: x + w, Y: bar.Max.Y + em*0.1}})
				c.FillText(sty, at, col.words)
			}
		}
	}))
	return cv.draw(p, keys, &bars, &areas)
}

// span is the axis's range for values up to top.
func (ax axis) span(top float64) float64 {
	if math.IsNaN(top) || math.IsInf(top, 0) {
		top = ax.least // gonum's ticks never end on an unknown range
	}
	if !math.IsNaN(ax.most) {
		top = min(top, ax.most)
	}
	return max(top, ax.least, 1e-9)
}

// grid draws the lines of the value axis's labelled ticks across the data area.
func (cv *canvas) grid(c draw.Canvas, p *plot.Plot, vertical bool) {
	sty := draw.LineStyle{Color: cv.o.Style.Grid, Width: 1}
	trX, trY := p.Transforms(&c)
	a := p.Y
	if vertical {
		a = p.X
	}
	for _, t := range a.Tick.Marker.Ticks(a.Min, a.Max) {
		if t.IsMinor() || t.Value < a.Min || t.Value > a.Max {
			continue
		}
		if vertical {
			c.StrokeLine2(sty, trX(t.Value), c.Min.Y, trX(t.Value), c.Max.Y)
		} else {
			c.StrokeLine2(sty, c.Min.X, trY(t.Value), c.Max.X, trY(t.Value))
		}
	}
}

// ticksWith is the default ticks with each label said by say.
func ticksWith(say func(v float64) string, whole bool) plot.Ticker {
	return plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		var out []plot.Tick
		if !(hi > lo) || math.IsInf(hi-lo, 0) {
			return nil
		}
		for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
			if t.IsMinor() {
				continue
			}
			if whole && t.Value != math.Trunc(t.Value) {
				continue
			}
			out = append(out, plot.Tick{Value: t.Value, Label: say(t.Value)})
		}
		return out
	})
}
