package chart

import (
	"image/color"
	"math"
	"strconv"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/wording"
)

// The sentences drawn instead of an empty chart.
const (
	NoSessions    = "No sessions in this period"
	NoSideEffects = "No side effects in this period"
	NoResults     = "No results recorded in this period"
	NoPrices      = "No prices recorded in this period"
)

// Rates draws the side-effect rate of each group of r grouped by by, one bar per group in the
// report's order: a group with a safety signal in the warning colour, a group of fewer than
// insights.MinSessions sessions hatched and said as counts ("2 of 3"), never as a percentage;
// a dashed line at the practice's own rate.
func Rates(r *insights.Report, by insights.Dimension, o Options) *Chart {
	if r == nil || r.Sessions == 0 || len(r.By[by]) == 0 {
		return message(o, NoSessions)
	}
	cv := newCanvas(o)
	rows, keys := rateRows(r, by, cv.o.Style)
	return cv.horizontal(rows, axis{label: "sessions " + hurtWords(r), ticks: ticksWith(percent0, false),
		ref: r.Overall().Percent(), least: 5, most: 100}, keys)
}

// rateRows are the bars of Rates and their legend.
func rateRows(r *insights.Report, by insights.Dimension, st Style) ([]row, []key) {
	signal := map[string]bool{}
	for _, s := range r.Signals {
		if s.By == by {
			signal[s.Rate.Group] = true
		}
	}
	pale, hatch := mix(st.Accent, st.Background, 0.15), mix(st.Accent, st.Background, 0.55)
	var rows []row
	var few, warned bool
	for _, g := range r.By[by] {
		s := seg{to: g.Percent(), fill: st.Accent}
		loose := false // a group too small to rate never sets the axis
		label := wording.RatePercent(g) + "%"
		switch {
		case !g.Enough():
			s.fill, s.hatch = pale, hatch
			label = wording.OfN(g.WithSideEffects, g.Sessions)
			loose = true
			few = true
		case signal[g.Group]:
			s.fill = st.Warning
			label += " · signal"
			warned = true
		}
		rows = append(rows, row{name: g.Group, segs: []seg{s}, label: label, mark: math.NaN(), loose: loose})
	}
	overall := r.Overall()
	practice := "practice " + wording.RatePercent(overall) + "%"
	if !overall.Enough() {
		practice = "practice " + wording.OfN(overall.WithSideEffects, overall.Sessions)
	}
	keys := []key{{dashed: true, words: practice}}
	if warned {
		keys = append(keys, key{fill: st.Warning, words: "safety signal"})
	}
	if few {
		keys = append(keys, key{fill: pale, hatch: hatch,
			words: "counts only, " + wording.TooFewToRate})
	}
	return rows, keys
}

// percent0 says a tick of a percentage axis: "25%".
func percent0(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "%" }

// Sessions draws the sessions of each month, with the part that had a side effect in the
// warning colour at the bottom of each bar.
func Sessions(r *insights.Report, o Options) *Chart {
	var months []insights.Month
	if r != nil {
		months = r.Months
	}
	total := 0
	for _, m := range months {
		total += m.Sessions
	}
	if total == 0 {
		return message(o, NoSessions)
	}
	cv := newCanvas(o)
	st := cv.o.Style
	cols := make([]col, len(months))
	hurt := 0
	for i, m := range months {
		hurt += m.WithSideEffects
		h := float64(m.WithSideEffects)
		cols[i] = col{segs: []seg{{to: h, fill: st.Warning}, {from: h, to: float64(m.Sessions), fill: st.Accent}},
			words: wording.Thousands(m.Sessions)}
	}
	keys := []key{{fill: st.Accent, words: "sessions"}, {fill: st.Warning, words: "of them " + hurtWords(r)}}
	if hurt == 0 {
		keys = keys[:1]
	}
	return cv.vertical(cols, cv.monthLabels(months), counts("sessions"), keys)
}

// hurtWords says what a session counted as hurt had: any side effect, or one beyond the expected
// ones when the report counts only those.
func hurtWords(r *insights.Report) string {
	if r.Query.BeyondExpected {
		return "with a side effect beyond the expected"
	}
	return "with a side effect"
}

func whole(v float64) string { return wording.Thousands(int(v)) }

// counts is an axis of whole numbers from 0, with no line across.
func counts(label string) axis {
	return axis{label: label, ticks: ticksWith(whole, true), ref: math.NaN(), least: 1, most: math.NaN()}
}

// Revenue draws the prices recorded in each month, in whole units of the practice's currency
// (code, as wording.Money takes it), which the axis's title names: "Revenue (€)".
func Revenue(months []insights.Month, code string, o Options) *Chart {
	priced := 0
	for _, m := range months {
		priced += m.Priced
	}
	if priced == 0 {
		return message(o, NoPrices)
	}
	cv := newCanvas(o)
	cols := make([]col, len(months))
	for i, m := range months {
		v := float64(m.RevenueCents) / 100
		cols[i] = col{segs: []seg{{to: v, fill: cv.o.Style.Accent}}, words: whole(math.Round(v))}
	}
	return cv.vertical(cols, cv.monthLabels(months), counts(wording.MoneyTitle("Revenue", code)), nil)
}

// monthLabels label the months readably at the chart's width: "Mar" under every month, or
// every second, third, … when they do not fit, with the year under the first and each January.
func (cv *canvas) monthLabels(months []insights.Month) []string {
	sty := cv.text(1, cv.o.Style.Foreground)
	per := float64(cv.w-cv.em()*6) / float64(max(1, len(months)))
	need := float64(sty.Width("May") + cv.em()*0.8)
	step := 12
	for _, s := range []int{1, 2, 3, 6} {
		if per*float64(s) >= need {
			step = s
			break
		}
	}
	out := make([]string, len(months))
	yearSaid := false
	for i, m := range months {
		t, err := time.Parse("2006-01", m.Month)
		if err != nil {
			out[i] = m.Month
			continue
		}
		if (int(t.Month())-1)%step != 0 && !(i == 0 && len(months) < step) {
			continue // a short period still names its first month
		}
		// A second line on every label keeps the month names on one line.
		out[i] = t.Format("Jan") + "\n "
		if !yearSaid || t.Month() == time.January {
			out[i] = t.Format("Jan\n2006")
			yearSaid = true
		}
	}
	return out
}

// Results draws how each group's results spread over the GAIS grades, best first, as stacked
// bars of counts.
func Results(spreads []insights.ResultSpread, o Options) *Chart {
	assessed := 0
	for _, s := range spreads {
		assessed += s.Assessed()
	}
	if assessed == 0 {
		return message(o, NoResults)
	}
	cv := newCanvas(o)
	st := cv.o.Style
	fills := gradeFills(st)
	var keys []key
	for i, g := range data.GAISGrades {
		keys = append(keys, key{fill: fills[i], words: g.Words()})
	}
	rows := make([]row, len(spreads))
	for i, s := range spreads {
		at := 0.0
		var segs []seg
		for k, c := range s.Grades {
			segs = append(segs, seg{from: at, to: at + float64(c), fill: keys[k].fill, words: strconv.Itoa(c)})
			at += float64(c)
		}
		rows[i] = row{name: s.Group, segs: segs, label: wording.Count(s.Assessed(), "result", "results"), mark: math.NaN()}
	}
	return cv.horizontal(rows, counts("sessions with a result"), keys)
}

// gradeFills are the colours of the GAIS grades, best first: three blues from the accent deepened
// towards the foreground to the accent faded towards the background, grey for no change and the
// warning colour for worse. Each keeps a contrast of at least 3:1 with the background, so that a
// bar of the faintest grade still stands out in a light or a dark theme.
func gradeFills(st Style) []color.Color {
	hi := legible(mix(st.Accent, st.Foreground, 0.65), st)
	// The faintest blue is the accent faded as far as stays legible, at most halfway.
	lo := legible(st.Accent, st)
	for f := 0.95; f >= 0.5; f -= 0.05 {
		c := mix(st.Accent, st.Background, f)
		if contrast(c, st.Background) < 3.2 {
			break
		}
		lo = c
	}
	return []color.Color{hi, mix(hi, lo, 0.5), lo, legible(mix(st.Foreground, st.Background, 0.6), st), legible(st.Warning, st)}
}

// legible is c, moved towards the foreground as far as needed for a contrast of 3:1 with the
// background.
func legible(c color.Color, st Style) color.Color {
	out := c
	for f := 0.1; f <= 1 && contrast(out, st.Background) < 3.2; f += 0.1 {
		out = mix(st.Foreground, c, f)
	}
	return out
}

// contrast is the WCAG contrast ratio of a and b, from 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := relLuminance(a), relLuminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// relLuminance is the WCAG relative luminance of c.
func relLuminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// Resolutions draws the median days each kind of side effect took to resolve as bars, the mean
// marked across each, and how many resolved beside it.
func Resolutions(res []insights.Resolution, o Options) *Chart {
	if len(res) == 0 {
		return message(o, NoSideEffects)
	}
	cv := newCanvas(o)
	keys := []key{{fill: cv.o.Style.Accent, words: "median days"}, {mark: true, words: "mean"}}
	return cv.horizontal(resolutionRows(res, cv.o.Style), counts("days from onset to resolution"), keys)
}

// resolutionRows are the bars of Resolutions.
func resolutionRows(res []insights.Resolution, st Style) []row {
	rows := make([]row, len(res))
	for i, r := range res {
		rw := row{name: r.Kind, label: "none of " + wording.Thousands(r.Count) + " resolved yet", mark: math.NaN()}
		if r.Resolved > 0 {
			rw.segs = []seg{{to: r.MedianDays, fill: st.Accent}}
			rw.label = days(r.MedianDays) + ", " + wording.Thousands(r.Resolved) + " of " + wording.Thousands(r.Count) + " resolved"
			rw.mark = r.MeanDays
		}
		rows[i] = rw
	}
	return rows
}

func days(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if s == "1" {
		return s + " day"
	}
	return s + " days"
}
