package ui

import (
	"fmt"
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/wording"
)

// figure is one of the screen's figures: a title, a note saying how it counts, a chart and its
// numbers in a table beside it.
type figure struct {
	title, note string
	header      []string
	rows        []figureRow
	empty       string    // said instead of the table when there is no row
	chart       chartDraw // draws the chart; nil for a table alone
}

// rateHeader heads a table of side-effect rates; beyond, of the side effects beyond the expected alone.
func rateHeader(group string, beyond bool) []string {
	return []string{group, "Sessions", capitalised(wording.WithSideEffect(beyond)), "Rate (%)"}
}

// groupWords says a group as its table and list say it.
func groupWords(d insights.Dimension, g string) string {
	switch {
	case d == insights.ByMonth:
		return wording.MonthName(g)
	case d == insights.ByFitzpatrick && g != insights.NotRecorded:
		return "Type " + g
	case d == insights.ByDepth && g != insights.NotRecorded:
		return g + " mm"
	}
	return g
}

// groupTitle names a group with its kind, as a list of its sessions is titled: "Lot BAD-1 (Nano 12)".
func groupTitle(d insights.Dimension, g string) string {
	name := groupWords(d, g)
	switch d {
	case insights.ByMonth, insights.ByFitzpatrick:
		if g != insights.NotRecorded {
			return name
		}
		return wording.RateGrouping(d, false).Column + " " + name
	case insights.ByDepth:
		return "Deepest zone " + name
	}
	return capitalised(string(d)) + " " + name
}

// rateFigure is the figure of a grouping's side-effect rates.
func (s *insightsScreen) rateFigure(rep *insights.Report, d insights.Dimension, lots map[string]string) figure {
	rates := rep.By[d]
	w := wording.RateGrouping(d, rep.Query.BeyondExpected)
	beyond := rep.Query.BeyondExpected
	f := figure{title: w.Title, note: w.Note, header: rateHeader(w.Column, beyond), empty: w.None}
	for _, r := range rates {
		name := groupWords(d, r.Group)
		f.rows = append(f.rows, figureRow{
			cells:    []string{name, wording.Thousands(r.Sessions), wording.Thousands(r.WithSideEffects), wording.RatePercent(r)},
			sessions: r.SessionIDs,
			what:     groupTitle(d, r.Group) + ": " + wording.SideEffectRate(r),
			lot:      lotOf(d, r.Group, lots),
		})
	}
	f.chart = rateChart(rep, d)
	return f
}

// lotOf is a lot group's lot as the recall takes it; "" for another grouping's group.
func lotOf(d insights.Dimension, group string, lots map[string]string) string {
	if d != insights.ByLot {
		return ""
	}
	return lots[group]
}

// figures are the figures of a read, in the order shown.
func (s *insightsScreen) figureList(r insightsRead) []figure {
	rep := &r.report
	figs := []figure{s.rateFigure(rep, insights.ByMonth, r.lots)}
	for _, d := range []insights.Dimension{insights.ByDepth, insights.ByZone, insights.ByProduct, insights.ByFitzpatrick,
		insights.ByPractitioner, insights.ByDevice, insights.ByLot} {
		figs = append(figs, s.rateFigure(rep, d, r.lots))
	}

	res := figure{title: wording.ResolutionsTitle(rep.Query.BeyondExpected),
		note:   "From onset to resolution, of the side effects resolved; side effects that began after the period count with their session.",
		header: []string{"Kind", "Side effects", "Resolved", "Mean days", "Median days"}, empty: "No side effect was recorded.",
		chart: resolutionChart(rep.Resolutions)}
	for _, k := range rep.Resolutions {
		mean, median := "–", "–"
		if k.Resolved > 0 {
			mean, median = strconv.FormatFloat(k.MeanDays, 'f', 1, 64), strconv.FormatFloat(k.MedianDays, 'f', 1, 64)
		}
		res.rows = append(res.rows, figureRow{cells: []string{k.Kind, wording.Thousands(k.Count), wording.Thousands(k.Resolved), mean, median},
			sessions: k.SessionIDs, what: k.Kind + ": " + wording.OfN(k.Resolved, k.Count) + " resolved"})
	}
	figs = append(figs, res)

	for _, g := range []struct {
		title, group string
		spreads      []insights.ResultSpread
		depth        bool
	}{
		{"Results (GAIS) by concern treated", "Concern", rep.ResultsByConcern, false},
		{"Results (GAIS) by depth", "Deepest zone (mm)", rep.ResultsByDepth, true},
	} {
		header := []string{g.group}
		for _, grade := range data.GAISGrades {
			header = append(header, capitalised(grade.Words()))
		}
		f := figure{title: g.title, header: append(header, "Assessed"),
			note:  "Each session counts with the latest result assessed after it.",
			empty: "No result was assessed after this period's sessions: record one with Record result… on a client's page.",
			chart: resultChart(g.spreads)}
		for _, sp := range g.spreads {
			name := sp.Group
			if g.depth {
				name = groupWords(insights.ByDepth, sp.Group)
			}
			cells := []string{name}
			for _, n := range sp.Grades {
				cells = append(cells, wording.Thousands(n))
			}
			f.rows = append(f.rows, figureRow{cells: append(cells, wording.Thousands(sp.Assessed())), sessions: sp.SessionIDs,
				what: name + ": " + wording.OfN(sp.Improved(), sp.Assessed()) + " improved"})
		}
		figs = append(figs, f)
	}

	rev := figure{title: "Revenue per month", note: "The prices recorded; sessions without a price are not counted in it.",
		header: []string{"Month", wording.MoneyTitle("Revenue", r.currency), "Sessions with a price"}, chart: revenueChart(rep.Months, r.currency)}
	monthIDs := map[string][]string{}
	for _, m := range rep.By[insights.ByMonth] {
		monthIDs[m.Group] = m.SessionIDs
	}
	priced := 0
	for _, m := range rep.Months {
		priced += m.Priced
		rev.rows = append(rev.rows, figureRow{cells: []string{wording.MonthName(m.Month), wording.MoneyTotal(m.RevenueCents, r.currency),
			wording.OfN(m.Priced, m.Sessions)}, sessions: monthIDs[m.Month], what: wording.MonthName(m.Month)})
	}
	if priced == 0 {
		rev.rows, rev.empty = nil, "No price was recorded for this period's sessions."
	}
	return append(figs, rev)
}

// figureObjects are the screen's contents for a read: the signals first, then the summary and
// the figures; for an empty period, a plain sentence.
func (s *insightsScreen) figureObjects(r insightsRead) []fyne.CanvasObject {
	rep := &r.report
	if rep.Sessions == 0 {
		s.signals = nil
		l := widget.NewLabel("Nothing to count: choose another period or practitioner above.")
		l.Alignment = fyne.TextAlignCenter
		l.Wrapping = fyne.TextWrapWord
		return []fyne.CanvasObject{container.NewPadded(l)}
	}
	var out []fyne.CanvasObject
	s.signals = nil
	if len(rep.Signals) > 0 {
		s.signals = s.signalsBox(r)
		out = append(out, s.signals)
	} else {
		// Said plainly where the signals would be: the practitioner should not wonder whether they were looked for.
		none := widget.NewLabelWithStyle(insights.NoSignal, fyne.TextAlignLeading, fyne.TextStyle{})
		none.Wrapping = fyne.TextWrapWord
		out = append(out, container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, none))
	}
	out = append(out, s.summary(r))
	for _, f := range s.figureList(r) {
		out = append(out, widget.NewSeparator(), s.figureSection(f))
	}
	return out
}

// openRow lists the sessions a row counts.
func (s *insightsScreen) openRow(row figureRow) {
	var recall func()
	if lot := row.lot; lot != "" && s.onLot != nil {
		recall = func() { s.onLot(lot) }
	}
	s.list = showSessionList(s.win, s.store, s.life, row.what, row.sessions, s.onSession, "Recall this lot…", recall)
}

// figureSection is a figure laid out: its title and note above, the chart with its table beside it.
func (s *insightsScreen) figureSection(f figure) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(f.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	head := container.NewVBox(title)
	if f.note != "" {
		note := widget.NewLabel(f.note)
		note.Wrapping = fyne.TextWrapWord
		note.TextStyle.Italic = true
		head.Add(note)
	}
	if len(f.rows) == 0 {
		empty := widget.NewLabel(f.empty)
		empty.Wrapping = fyne.TextWrapWord
		return container.NewVBox(head, empty)
	}
	table := figureTable(f.header, f.rows, s.openRow)
	if f.chart == nil {
		return container.NewVBox(head, container.NewHBox(table))
	}
	ch := newChartView(f.chart, s.style, func(i int) {
		if i >= 0 && i < len(f.rows) && len(f.rows[i].sessions) > 0 {
			s.openRow(f.rows[i])
		}
	})
	return container.NewBorder(head, nil, nil, container.NewVBox(table), container.NewVBox(ch))
}

// summary is the period at a glance: sessions and side effects, clients, series, results and revenue.
func (s *insightsScreen) summary(r insightsRead) fyne.CanvasObject {
	rep := &r.report
	card := func(big, small string, open func()) fyne.CanvasObject {
		b := widget.NewLabelWithStyle(big, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		b.SizeName = theme.SizeNameSubHeadingText
		l := widget.NewLabel(small)
		l.Wrapping = fyne.TextWrapWord
		box := container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()), b, l)
		if open == nil {
			return box
		}
		return newTapRow(box, open)
	}
	overall := rep.Overall()
	interval := "No series session followed another in this period."
	kept := "Interval kept: –"
	if rep.Intervals > 0 {
		kept = "Interval kept: " + days(rep.IntervalKept)
		interval = fmt.Sprintf("on average between sessions of a series, against %s planned (%s)", days(rep.IntervalPlanned),
			wording.Count(rep.Intervals, "session", "sessions"))
	}
	var revenue int64
	priced := 0
	for _, m := range rep.Months {
		revenue += m.RevenueCents
		priced += m.Priced
	}
	cards := []fyne.CanvasObject{
		card(wording.Thousands(rep.Sessions)+" "+wording.Plural(rep.Sessions, "session", "sessions"), headlineRate(rep),
			func() {
				s.openRow(figureRow{sessions: rep.SessionIDs, what: "Every session: " + wording.SideEffectRate(overall)})
			}),
		card(wording.Thousands(rep.Clients)+" "+wording.Plural(rep.Clients, "client", "clients"), fmt.Sprintf("%d new, %d returning (seen before the period)",
			rep.NewClients, rep.ReturningClients), nil),
		card(wording.Count(rep.SeriesStarted, "series started", "series started"),
			wording.Count(rep.SeriesCompleted, "series", "series")+" completed (their last planned session)", nil),
		card(kept, interval, nil),
		card(wording.Count(rep.Assessed, "result", "results")+" assessed", "sessions with a GAIS result after them", nil),
		card(wording.MoneyTotal(revenue, r.currency), "revenue recorded, for "+wording.OfN(priced, rep.Sessions)+" sessions", nil),
	}
	return container.NewGridWithColumns(3, cards...)
}

// headlineRate is the period's side-effect rate with how much of it is beyond the expected:
// "with a side effect: 14.3% (6 of 42 sessions); beyond the expected: 2.4% (1)"; a small
// period's as counts. Beyond the expected alone, only that is counted, and said.
func headlineRate(rep *insights.Report) string {
	if rep.Query.BeyondExpected {
		return wording.WithSideEffect(true) + ": " + wording.SideEffectRate(rep.Overall())
	}
	beyond := insights.Rate{Sessions: rep.Sessions, WithSideEffects: rep.BeyondExpected}
	part := wording.OfN(beyond.WithSideEffects, beyond.Sessions)
	if beyond.Enough() {
		part = wording.RatePercent(beyond) + "% (" + wording.Thousands(beyond.WithSideEffects) + ")"
	}
	return wording.WithSideEffect(false) + ": " + wording.SideEffectRate(rep.Overall()) + "; " + wording.WithSideEffect(true) + ": " + part
}

func days(v float64) string {
	if v == 1 {
		return "1 day"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " days"
}

// signalsBox points out the safety signals, above everything: each with its counts and test, the
// sessions it rests on, and for a lot, its recall.
func (s *insightsScreen) signalsBox(r insightsRead) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Safety signals: side effects clearly above the practice's own rate",
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Importance = widget.DangerImportance
	box := container.NewVBox(container.NewHBox(widget.NewIcon(theme.WarningIcon()), title))
	for _, sg := range r.report.Signals {
		sentence := widget.NewLabel(capitalised(sg.Sentence()) + ".")
		sentence.Wrapping = fyne.TextWrapWord
		rate := sg.Rate
		what := groupTitle(sg.By, rate.Group) + ": " + wording.SideEffectRate(rate)
		buttons := container.NewHBox(widget.NewButton("See "+wording.Count(rate.Sessions, "session", "sessions")+"…", func() {
			s.openRow(figureRow{sessions: rate.SessionIDs, what: what, lot: lotOf(sg.By, rate.Group, r.lots)})
		}))
		if lot := r.lots[rate.Group]; sg.By == insights.ByLot && lot != "" && s.onLot != nil {
			recall := widget.NewButtonWithIcon("Recall lot "+lot+"…", theme.SearchIcon(), func() { s.onLot(lot) })
			recall.Importance = widget.DangerImportance
			buttons.Add(recall)
		}
		box.Add(container.NewBorder(nil, nil, nil, buttons, sentence))
	}
	bg := canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameError), 0x26))
	bg.StrokeColor = theme.Color(theme.ColorNameError)
	bg.StrokeWidth = 1
	bg.CornerRadius = theme.InputRadiusSize()
	return container.NewStack(bg, container.NewPadded(box))
}

// withAlpha is c made see-through to alpha.
func withAlpha(c color.Color, alpha uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = alpha
	return n
}
