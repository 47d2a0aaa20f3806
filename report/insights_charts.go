package report

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"

	"codeberg.org/go-pdf/fpdf"

	"needlelog.app/needlelog/chart"
	"needlelog.app/needlelog/insights"
)

// The practice report's charts are images drawn by package chart in its light style, crisp in
// print: chartDPI dots per inch across the content width, their text chartText points high.
const (
	chartDPI  = 220
	chartText = 8.0
	chartGap  = 3.0 // under a chart, before its table
	// maxBars is the most groups a chart shows: more would shrink every name to nothing. The
	// table under it lists them all.
	maxBars = 25
)

// insightsChart is one chart of the practice report, drawn.
type insightsChart struct {
	png  []byte
	w, h float64 // in mm, as placed
	note string  // said under the chart, such as which groups it shows
}

// height is what the chart takes on the page, its note included.
func (c *insightsChart) height() float64 {
	if c.note == "" {
		return c.h
	}
	return c.h + smallLine + 1
}

// chartStyle is the light style at print size.
func chartStyle() chart.Style {
	s := chart.Light
	s.FontSize = chartText
	return s
}

// drawnChart makes a chart drawn for the content width and about heightMM high (a chart of many
// groups comes back taller), scaled down to fit a page when it is taller than one.
func drawnChart(heightMM float64, draw func(chart.Options) *chart.Chart) *insightsChart {
	c := draw(chart.ForPrint(chartStyle(), contentW, heightMM, chartDPI))
	b, err := c.PNG()
	if err != nil {
		return nil // an image that cannot be encoded is left out: its table still says it all
	}
	px := c.Image.Bounds()
	w := float64(px.Dx()) / chartDPI * 25.4
	h := float64(px.Dy()) / chartDPI * 25.4
	const most = contentEnd - marginTop - 30 // with a heading and a table's first rows
	if h > most {
		w, h = w*most/h, most
	}
	return &insightsChart{png: b, w: w, h: h}
}

// barsHeight is the height asked for a chart of n horizontal bars.
func barsHeight(n int) float64 { return 22 + 7*float64(n) }

func monthsChart(r *insights.Report) *insightsChart {
	return drawnChart(62, func(o chart.Options) *chart.Chart { return chart.Sessions(r, o) })
}

func revenueChart(r *insights.Report, currency string) *insightsChart {
	return drawnChart(62, func(o chart.Options) *chart.Chart { return chart.Revenue(r.Months, currency, o) })
}

// rateChart draws the side-effect rates of r's groups by by: of many groups, the maxBars with the
// most sessions, in the report's order, said under the chart.
func rateChart(r *insights.Report, by insights.Dimension) *insightsChart {
	rates := r.By[by]
	shown, note := largest(rates, func(g insights.Rate) int { return g.Sessions })
	if len(shown) < len(rates) {
		cp := *r
		cp.By = map[insights.Dimension][]insights.Rate{by: shown}
		r = &cp
	}
	c := drawnChart(barsHeight(len(shown)), func(o chart.Options) *chart.Chart { return chart.Rates(r, by, o) })
	if c != nil {
		c.note = note
	}
	return c
}

func resolutionChart(r *insights.Report) *insightsChart {
	shown, note := largest(r.Resolutions, func(k insights.Resolution) int { return k.Count })
	c := drawnChart(barsHeight(len(shown)), func(o chart.Options) *chart.Chart { return chart.Resolutions(shown, o) })
	if c != nil {
		c.note = note
	}
	return c
}

func spreadChart(spreads []insights.ResultSpread) *insightsChart {
	shown, note := largest(spreads, func(s insights.ResultSpread) int { return s.Assessed() })
	c := drawnChart(barsHeight(len(shown))+8, func(o chart.Options) *chart.Chart { return chart.Results(shown, o) })
	if c != nil {
		c.note = note
	}
	return c
}

// largest are the maxBars groups of the most size, in their order, and a note saying so when
// there are more groups than that ("" when all are shown).
func largest[T any](groups []T, size func(T) int) ([]T, string) {
	if len(groups) <= maxBars {
		return groups, ""
	}
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return size(groups[b]) - size(groups[a]) })
	keep := order[:maxBars]
	slices.Sort(keep)
	out := make([]T, len(keep))
	for i, k := range keep {
		out[i] = groups[k]
	}
	return out, fmt.Sprintf("The chart shows the %d largest of the %d groups; the table lists them all.", maxBars, len(groups))
}

// chart places a chart across the content width, kept on one page, with its note under it. A
// nil chart draws nothing.
func (d *doc) chart(c *insightsChart) {
	if c == nil {
		return
	}
	d.need(c.height())
	sum := sha256.Sum256(c.png) // the same chart twice is embedded once
	key := fmt.Sprintf("chart-%x", sum[:8])
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	d.f.RegisterImageOptionsReader(key, opt, bytes.NewReader(c.png))
	y := d.y()
	d.f.ImageOptions(key, marginX+(contentW-c.w)/2, y, c.w, c.h, false, opt, 0, "")
	d.f.SetXY(marginX, y+c.h)
	if c.note != "" {
		d.gap(1)
		d.small(c.note)
	}
	d.gap(chartGap)
}
