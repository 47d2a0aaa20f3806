// Package chart draws the Insights charts as images for the screen and the practice report. It
// knows no UI toolkit and no database: it takes the figures of package insights and returns an
// image with the pixel rectangles of its bars, so that a click can open the sessions a bar counts
// (the SessionIDs of the group at the index Hit gives). Text is sized in logical pixels times
// Options.Scale, so it reads the same at any resolution; small groups are said as counts, never
// as a bare percentage; a chart of no data says so in a sentence instead.
package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Style is the colours and text size of a chart. Light and Dark are presets; a screen may fill
// one from its theme's colours instead.
type Style struct {
	Foreground, Background, Grid color.Color
	Accent                       color.Color // the bars
	Warning                      color.Color // safety signals, side effects, worse results
	FontSize                     float64     // text size in logical pixels (points in print)
}

// Light and Dark are the presets for a light and a dark theme.
var (
	Light = Style{
		Foreground: color.NRGBA{0x21, 0x21, 0x21, 0xff},
		Background: color.NRGBA{0xff, 0xff, 0xff, 0xff},
		Grid:       color.NRGBA{0xdd, 0xdd, 0xdd, 0xff},
		Accent:     color.NRGBA{0x1f, 0x6f, 0xb4, 0xff},
		Warning:    color.NRGBA{0xd3, 0x3a, 0x1c, 0xff},
		FontSize:   12,
	}
	Dark = Style{
		Foreground: color.NRGBA{0xe8, 0xe8, 0xe8, 0xff},
		Background: color.NRGBA{0x17, 0x17, 0x18, 0xff},
		Grid:       color.NRGBA{0x3a, 0x3a, 0x3e, 0xff},
		Accent:     color.NRGBA{0x5a, 0xa9, 0xf0, 0xff},
		Warning:    color.NRGBA{0xff, 0x70, 0x43, 0xff},
		FontSize:   12,
	}
)

// Options are a chart's style and size. Width and Height are the image's pixels; Scale is the
// pixels per logical pixel (the screen's scale: 1, or 2 on a high-density screen), so that text
// keeps its size at any resolution. A chart of many groups may come back taller than Height,
// so that every group's name stays readable.
type Options struct {
	Style         Style
	Width, Height int
	Scale         float64
}

// ForPrint are the options of a chart printed widthMM by heightMM at dpi dots per inch, its text
// FontSize points high.
func ForPrint(s Style, widthMM, heightMM float64, dpi int) Options {
	px := func(mm float64) int { return int(math.Round(mm / 25.4 * float64(dpi))) }
	return Options{Style: s, Width: px(widthMM), Height: px(heightMM), Scale: float64(dpi) / 72}
}

// Chart is a drawn chart.
type Chart struct {
	Image *image.RGBA
	// Bars are, for each group given (in the order given), the pixels of its bar; empty for a
	// bar of no length.
	Bars []image.Rectangle
	// areas are, for each group, the band across the chart a click picks it in, so that short
	// and empty bars can be clicked too.
	areas []image.Rectangle
}

// Hit is the index of the group (in the order given) whose bar, or the band across the chart
// it stands in, contains the pixel (x, y) of the image; a screen passes its tap position times
// the scale the image was drawn at. False off every bar: on the legend, the axes' words, an
// empty chart.
func (c *Chart) Hit(x, y int) (int, bool) {
	p := image.Pt(x, y)
	for i, a := range c.areas {
		if p.In(a) {
			return i, true
		}
	}
	return -1, false
}

// PNG is the chart encoded as a PNG.
func (c *Chart) PNG() ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, c.Image); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// canvas is one chart being drawn: the options made whole and its measures in points (logical
// pixels).
type canvas struct {
	o    Options
	dpi  int
	w, h vg.Length
}

// grow makes the chart h points high.
func (cv *canvas) grow(h vg.Length) {
	cv.o.Height = int(math.Ceil(float64(h) * float64(cv.dpi) / 72))
	cv.h = vg.Length(cv.o.Height) * 72 / vg.Length(cv.dpi)
}

func newCanvas(o Options) *canvas {
	if !(o.Scale > 0) || math.IsInf(o.Scale, 0) {
		o.Scale = 1
	}
	if !(o.Style.FontSize > 0) || math.IsInf(o.Style.FontSize, 0) {
		o.Style.FontSize = 12
	}
	if o.Style.Foreground == nil || o.Style.Background == nil || o.Style.Grid == nil || o.Style.Accent == nil || o.Style.Warning == nil {
		fs := o.Style.FontSize
		o.Style, o.Style.FontSize = Light, fs
	}
	o.Width, o.Height = max(o.Width, 1), max(o.Height, 1)
	dpi := max(1, int(math.Round(72*o.Scale)))
	return &canvas{o: o, dpi: dpi, w: vg.Length(o.Width) * 72 / vg.Length(dpi), h: vg.Length(o.Height) * 72 / vg.Length(dpi)}
}

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// text is the style of the chart's text, size times the font size.
func (cv *canvas) text(size float64, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(sans, vg.Length(cv.o.Style.FontSize*size)),
		XAlign: draw.XLeft, YAlign: draw.YBottom, Handler: plot.DefaultTextHandler}
}

// pad is the margin around the chart: one on the left, top and bottom, two on the right, where
// the last tick's label reaches out.
func (cv *canvas) pad() vg.Length { return cv.em() / 2 }

// em is the font size in points.
func (cv *canvas) em() vg.Length { return vg.Length(cv.o.Style.FontSize) }

// plot is a plot styled for the chart.
func (cv *canvas) plot() *plot.Plot {
	st := cv.o.Style
	p := plot.New()
	p.BackgroundColor = st.Background
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Color = st.Grid
		a.Width = 1
		a.Padding = 0
		a.Tick.Color = st.Grid
		a.Tick.Width = 1
		a.Tick.Length = cv.em() / 3
		a.Tick.Label = cv.text(1, st.Foreground)
		a.Label.TextStyle = cv.text(1, st.Foreground)
		a.Label.Padding = cv.em() / 3
	}
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XCenter, draw.YTop
	p.Y.Tick.Label.XAlign, p.Y.Tick.Label.YAlign = draw.XRight, draw.YCenter
	p.X.Label.TextStyle.XAlign = draw.XCenter
	p.Y.Label.TextStyle.XAlign = draw.XCenter
	return p
}

// draw renders p with its legend below it into the image, and turns the rectangles of the bars
// and their areas, which p's drawing fills in, into pixels.
func (cv *canvas) draw(p *plot.Plot, keys []key, bars, areas *[]vg.Rectangle) *Chart {
	img := vgimg.NewWith(vgimg.UseWH(cv.w, cv.h), vgimg.UseDPI(cv.dpi), vgimg.UseBackgroundColor(cv.o.Style.Background))
	c := draw.New(img)
	pad := cv.pad()
	c = draw.Crop(c, pad, -pad*2, pad, -pad)
	lh := cv.legendHeight(keys, c.Max.X-c.Min.X)
	if lh > 0 {
		cv.drawLegend(draw.Crop(c, 0, 0, 0, -(c.Max.Y-c.Min.Y)+lh), keys)
		c = draw.Crop(c, 0, 0, lh+pad, 0)
	}
	p.Draw(c)
	out := &Chart{Image: img.Image().(*image.RGBA)}
	for _, r := range *bars {
		out.Bars = append(out.Bars, cv.pixels(r))
	}
	for _, r := range *areas {
		out.areas = append(out.areas, cv.pixels(r))
	}
	return out
}

// pixels is the image rectangle of r; the image's y grows downwards.
func (cv *canvas) pixels(r vg.Rectangle) image.Rectangle {
	if r.Max.X-r.Min.X <= 0 || r.Max.Y-r.Min.Y <= 0 {
		return image.Rectangle{}
	}
	k := float64(cv.dpi) / 72
	x0, x1 := int(math.Round(float64(r.Min.X)*k)), int(math.Round(float64(r.Max.X)*k))
	y0, y1 := cv.o.Height-int(math.Round(float64(r.Max.Y)*k)), cv.o.Height-int(math.Round(float64(r.Min.Y)*k))
	return image.Rect(x0, y0, x1, y1)
}

// message draws a chart with nothing to show but a sentence.
func message(o Options, say string) *Chart {
	cv := newCanvas(o)
	img := vgimg.NewWith(vgimg.UseWH(cv.w, cv.h), vgimg.UseDPI(cv.dpi), vgimg.UseBackgroundColor(cv.o.Style.Background))
	c := draw.New(img)
	sty := cv.text(1.15, cv.o.Style.Foreground)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	say = wrap(sty, say, c.Max.X-c.Min.X-2*cv.em())
	c.FillText(sty, c.Center(), say)
	return &Chart{Image: img.Image().(*image.RGBA)}
}

// key is a legend entry: a swatch and its words.
type key struct {
	fill   color.Color
	hatch  color.Color // hatched over fill, when not nil
	dashed bool        // a dashed line instead of a swatch
	mark   bool        // an upright line instead of a swatch
	words  string
}

// legendHeight is the height the legend's keys take in a row of width w, wrapped as needed.
func (cv *canvas) legendHeight(keys []key, w vg.Length) vg.Length {
	rows, _ := cv.legendLayout(keys, w)
	return vg.Length(rows) * cv.em() * 1.4
}

// legendLayout places each key: its row and its left edge.
func (cv *canvas) legendLayout(keys []key, w vg.Length) (rows int, at []vg.Point) {
	sty := cv.text(0.95, cv.o.Style.Foreground)
	x, row := vg.Length(0), 0
	for i, k := range keys {
		kw := cv.em()*1.6 + sty.Width(k.words)
		if i > 0 && x+kw > w {
			row++
			x = 0
		}
		at = append(at, vg.Point{X: x, Y: vg.Length(row)})
		x += kw + cv.em()*1.2
	}
	if len(keys) > 0 {
		rows = row + 1
	}
	return rows, at
}

// drawLegend draws the keys in rows from the top of c.
func (cv *canvas) drawLegend(c draw.Canvas, keys []key) {
	_, at := cv.legendLayout(keys, c.Max.X-c.Min.X)
	sty := cv.text(0.95, cv.o.Style.Foreground)
	sty.YAlign = draw.YCenter
	em := cv.em()
	for i, k := range keys {
		x := c.Min.X + at[i].X
		y := c.Max.Y - at[i].Y*em*1.4 - em*0.7
		sw := vg.Rectangle{Min: vg.Point{X: x, Y: y - em*0.4}, Max: vg.Point{X: x + em*1.1, Y: y + em*0.4}}
		switch {
		case k.dashed:
			c.StrokeLine2(cv.dash(), x, y, x+em*1.1, y)
		case k.mark:
			c.StrokeLine2(draw.LineStyle{Color: cv.o.Style.Foreground, Width: 2}, x+em*0.55, y-em*0.55, x+em*0.55, y+em*0.55)
		default:
			cv.fillBar(c, sw, k.fill, k.hatch)
		}
		c.FillText(sty, vg.Point{X: x + em*1.5, Y: y}, k.words)
	}
}

// dash is the style of the practice's reference line.
func (cv *canvas) dash() draw.LineStyle {
	return draw.LineStyle{Color: cv.o.Style.Foreground, Width: 1.5, Dashes: []vg.Length{4, 3}}
}

// fillBar fills r, hatched when hatch is not nil.
func (cv *canvas) fillBar(c draw.Canvas, r vg.Rectangle, fill, hatch color.Color) {
	c.FillPolygon(fill, []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}})
	if hatch == nil {
		return
	}
	sty := draw.LineStyle{Color: hatch, Width: 1}
	w, h := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	step := cv.em() * 0.45
	// Lines at 45° through the rectangle, each clipped to it: x = Min.X + k + t, y = Min.Y + t.
	for k := -h; k < w; k += step {
		t0, t1 := max(0, -k), min(h, w-k)
		if t1 > t0 {
			c.StrokeLine2(sty, r.Min.X+k+t0, r.Min.Y+t0, r.Min.X+k+t1, r.Min.Y+t1)
		}
	}
	c.StrokeLines(sty, []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}, r.Min})
}

// mix is a between b (0) and a (1).
func mix(a, b color.Color, f float64) color.Color {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	m := func(x, y uint32) uint8 { return uint8((f*float64(x) + (1-f)*float64(y)) / 257) }
	return color.NRGBA{m(ar, br), m(ag, bg), m(ab, bb), 0xff}
}

// wrap breaks s into lines no wider than w, at spaces where it can and inside a word only when
// the word alone is wider: a name is never cut off.
func wrap(sty text.Style, s string, w vg.Length) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if sty.Width(try) <= w {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = ""
		for _, r := range word {
			if line != "" && sty.Width(line+string(r)) > w {
				lines = append(lines, line)
				line = ""
			}
			line += string(r)
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// plotFunc is a plotter drawn by a function.
type plotFunc func(c draw.Canvas, p *plot.Plot)

func (f plotFunc) Plot(c draw.Canvas, p *plot.Plot) { f(c, p) }
