package report

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/wording"
)

// InsightsSource is a practice whose figures a practice report reads.
type InsightsSource interface {
	Source
	InsightFacts(ctx context.Context, q insights.Query, fn func(*insights.Fact) error) error
}

// Insights is what a practice report shows: the figures of a period, for one practitioner or all.
type Insights struct {
	Clinic       Clinic
	Report       insights.Report
	Practitioner string // the practitioner's name; "" for all
	Currency     string
	Printed      time.Time
}

// LoadInsights reads the figures of q's sessions and what the report says about them.
func LoadInsights(ctx context.Context, store InsightsSource, q insights.Query) (Insights, error) {
	fail := func(err error) (Insights, error) { return Insights{}, fmt.Errorf("practice report: %w", err) }
	var in Insights
	var err error
	if in.Clinic, err = LoadClinic(ctx, store); err != nil {
		return fail(err)
	}
	if in.Currency, err = store.Setting(ctx, data.SettingCurrency); err != nil {
		return fail(err)
	}
	if q.PractitionerID != "" {
		cat, err := LoadCatalog(ctx, store)
		if err != nil {
			return fail(err)
		}
		p, ok := cat.Practitioners[q.PractitionerID]
		if !ok {
			return fail(fmt.Errorf("practitioner %s: %w", q.PractitionerID, data.ErrNotFound))
		}
		in.Practitioner = p.Name
	}
	b := insights.NewBuilder(q)
	n := 0
	err = store.InsightFacts(ctx, q, func(f *insights.Fact) error {
		if n++; n%512 == 0 && ctx.Err() != nil {
			return ctx.Err() // cancelled: a large practice stops within a moment
		}
		b.Add(f)
		return nil
	})
	if err != nil {
		return fail(err)
	}
	in.Report = b.Report()
	in.Printed = store.Now()
	return in, nil
}

// InsightsPDF writes the practice report of q's sessions.
func InsightsPDF(ctx context.Context, store InsightsSource, q insights.Query, w io.Writer) error {
	in, err := LoadInsights(ctx, store, q)
	if err != nil {
		return err
	}
	return logged(ctx, store, "insights", insightsLogID(q), WriteInsights(w, in))
}

// insightsLogID names a report's sessions in the audit log: the period as an ISO 8601 interval,
// its open ends empty ("2025-03-01/2025-04-30", "/2025-04-30"), and the practitioner's ID.
func insightsLogID(q insights.Query) string {
	day := func(d data.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.Format("2006-01-02")
	}
	id := day(q.From) + "/" + day(q.To)
	if q.PractitionerID != "" {
		id += " practitioner " + q.PractitionerID
	}
	if q.BeyondExpected {
		id += " beyond expected"
	}
	return id
}

// InsightsPeriod says a report's period: "1 Mar 2025 to 30 Apr 2025", "from 1 Mar 2025",
// "up to 30 Apr 2025", "every session recorded".
func InsightsPeriod(q insights.Query) string {
	switch {
	case q.From.IsZero() && q.To.IsZero():
		return "every session recorded"
	case q.From.IsZero():
		return "up to " + wording.Date(q.To)
	case q.To.IsZero():
		return "from " + wording.Date(q.From)
	case q.From.Equal(q.To):
		return wording.Date(q.From)
	}
	return wording.Date(q.From) + " to " + wording.Date(q.To)
}

// WriteInsights writes the practice report as a PDF: headline figures, safety signals, then each
// figure as a chart and its table.
func WriteInsights(w io.Writer, in Insights) error {
	r := &in.Report
	who := "all practitioners"
	if in.Practitioner != "" {
		who = in.Practitioner
	}
	period := InsightsPeriod(r.Query)
	title := "Practice report"
	if in.Clinic.Name != "" {
		title += ": " + in.Clinic.Name
	}
	d := newDoc(title, "Practice report · "+period+" · "+who, in.Clinic.Name, in.Printed)
	if err := d.clinicHeader(in.Clinic); err != nil {
		return fmt.Errorf("practice report: %w", err)
	}
	sub := upperFirst(period) + " · " + upperFirst(who)
	if r.Query.BeyondExpected {
		sub += " · " + upperFirst(beyondExpected)
	}
	d.title(title, sub)
	if r.Sessions == 0 {
		by := ""
		if in.Practitioner != "" {
			by = " by " + in.Practitioner
		}
		d.para("No session started in this period" + by + ", so there is nothing to report. Choose a longer period or another practitioner.")
		return finishInsights(d, w)
	}

	d.heading("The period at a glance", 30)
	d.fields(headline(in))
	writeSignals(d, r)

	beyond := r.Query.BeyondExpected
	month := wording.RateGrouping(insights.ByMonth, beyond)
	d.figure(month.Title, month.Note, monthsChart(r), func() {
		d.table(rateColumns(month.Column, beyond), rateRows(monthRates(r)))
	})
	writeRevenue(d, r, in.Currency)

	small := false
	for _, by := range insights.Dimensions[1:] { // the months are above
		g, rates := wording.RateGrouping(by, beyond), r.By[by]
		if len(rates) == 0 { // a zone, product or lot recorded by no session of the period
			d.figure(g.Title, g.Note, nil, func() { d.para(g.None) })
			continue
		}
		d.figure(g.Title, g.Note, rateChart(r, by), func() { d.table(rateColumns(g.Column, beyond), rateRows(rates)) })
		for _, g := range rates {
			small = small || !g.Enough()
		}
	}
	writeResolutions(d, r)
	writeSpreads(d, r, "Results (GAIS) by concern treated", r.ResultsByConcern, "Concern",
		"A session counts under each concern it treated.")
	writeSpreads(d, r, "Results (GAIS) by depth band", r.ResultsByDepth, "Depth band (mm)",
		"Depth bands are of the session's deepest zone.")

	d.heading("How the figures are counted", 32)
	notes := []string{
		"A session counts in the period by the day it started, whatever its state (signed or not); a side effect counts for its session whenever it began.",
		"The side-effect rate is the share of sessions with at least one side effect recorded.",
		"Only side effects beyond the expected ones count, in the rates and in days to resolution: kinds the practice's list of side effects files as expected (usually gone within 72 hours) are left out.",
		fmt.Sprintf("A group of fewer than %d sessions is given as its counts, not as a percentage: a rate from so few sessions says little.", insights.MinSessions),
		"A session counts once in each zone, product and lot it used; lots are the cartridge's, the anaesthetic's and the products'.",
		"A result is the latest Global Aesthetic Improvement Scale grade assessed after the session.",
	}
	if !small {
		notes = slices.Delete(notes, 3, 4)
	}
	if !r.Query.BeyondExpected {
		notes = slices.Delete(notes, 2, 3)
	}
	d.bullets(notes)
	return finishInsights(d, w)
}

func finishInsights(d *doc, w io.Writer) error {
	if err := d.finish(w); err != nil {
		return fmt.Errorf("practice report: %w", err)
	}
	return nil
}

// beyondExpected says that a report counts only the side effects beyond the expected ones.
const beyondExpected = "side effects beyond the expected ones"

// upperFirst is s with its first letter in upper case, to start a line.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// headline is the period's figures at a glance.
func headline(in Insights) []field {
	r := &in.Report
	clients := wording.Count(r.Clients, "client", "clients") + ": " + strconv.Itoa(r.NewClients) + " new, " +
		strconv.Itoa(r.ReturningClients) + " returning"
	interval := "no second or later session of a series in the period"
	if r.Intervals > 0 {
		interval = fmt.Sprintf("%s days on average, %s planned, before a series' second or later session (%s)",
			days(r.IntervalKept), days(r.IntervalPlanned), wording.Count(r.Intervals, "session", "sessions"))
	}
	hurt := wording.SideEffectRate(r.Overall())
	if r.Query.BeyondExpected {
		hurt += ", counting only " + beyondExpected
	}
	results := "none assessed"
	if r.Assessed > 0 {
		improved := 0
		for _, s := range r.ResultsByDepth { // each assessed session is in one depth band
			improved += s.Improved()
		}
		results = fmt.Sprintf("%s assessed; %s improved or better", wording.Count(r.Assessed, "session", "sessions"),
			wording.OfN(improved, r.Assessed))
	}
	fs := []field{
		{"Sessions", wording.Thousands(r.Sessions)},
		{"With side effects", hurt},
		{"Clients", clients},
		{"Series", fmt.Sprintf("%d started, %d completed", r.SeriesStarted, r.SeriesCompleted)},
		{"Interval kept", interval},
		{"Results (GAIS)", results},
	}
	if cents, priced := revenue(r); priced > 0 {
		fs = append(fs, field{"Revenue", fmt.Sprintf("%s from %s with a price recorded", wording.MoneyTotal(cents, in.Currency),
			wording.OfN(priced, r.Sessions)+" sessions")})
	}
	return fs
}

// days is a number of days as the report says it: to one decimal, without a trailing ".0".
func days(v float64) string { return wording.Number(math.Round(v*10) / 10) }

func revenue(r *insights.Report) (cents int64, priced int) {
	for _, m := range r.Months {
		cents += m.RevenueCents
		priced += m.Priced
	}
	return cents, priced
}

// writeSignals points out the groups whose side-effect rate is clearly above the practice's, first.
func writeSignals(d *doc, r *insights.Report) {
	if len(r.Signals) == 0 {
		d.gap(2)
		d.para(insights.NoSignal)
		return
	}
	d.heading("Safety signals", 24)
	d.para(wording.Count(len(r.Signals), "group has", "groups have") + " a side-effect rate clearly above the practice's own:")
	d.gap(1.5)
	lot := false
	for _, s := range r.Signals {
		d.notice(upperFirst(s.Sentence())+".", 253, 236, 230)
		lot = lot || s.By == insights.ByLot
	}
	if lot {
		d.para("Export › Lot recall… (or 'needlelog export recall LOT') lists every client and session that used a lot.")
	}
}

// notice writes wrapped text in a tinted box, kept on one page.
func (d *doc) notice(text string, r, g, b int) {
	d.font("", bodySize)
	ls := d.split(text, contentW-6)
	h := float64(len(ls))*bodyLine + 3
	d.need(h)
	y := d.y()
	d.f.SetFillColor(r, g, b)
	d.f.Rect(marginX, y, contentW, h, "F")
	for i, l := range ls {
		d.drawLine(marginX+3, y+1.5+float64(i)*bodyLine, contentW-6, bodyLine, l, "L")
	}
	d.f.SetXY(marginX, y+h)
	d.gap(2)
}

// rateColumns head a table of rates: its groups' column, then what a rate counts.
func rateColumns(group string, beyond bool) []column {
	hurt := wording.WithSideEffect(beyond)
	return []column{{group, 3.4, "L"}, {"Sessions", 1.2, "R"}, {strings.ToUpper(hurt[:1]) + hurt[1:], 1.6, "R"}, {"Rate (%)", 3.2, "R"}}
}

// rateRows are the table rows of rates: a small group's rate is said as wording.RatePercent says it.
func rateRows(rates []insights.Rate) [][]string {
	rows := make([][]string, len(rates))
	for i, g := range rates {
		rows[i] = []string{g.Group, wording.Thousands(g.Sessions), wording.Thousands(g.WithSideEffects), wording.RatePercent(g)}
	}
	return rows
}

// monthRates are the months as rates, each named as a reader says it: "March 2025".
func monthRates(r *insights.Report) []insights.Rate {
	out := make([]insights.Rate, len(r.Months))
	for i, m := range r.Months {
		out[i] = insights.Rate{Group: wording.MonthName(m.Month), Sessions: m.Sessions, WithSideEffects: m.WithSideEffects}
	}
	return out
}

func writeRevenue(d *doc, r *insights.Report, currency string) {
	const title = "Revenue per month"
	cents, priced := revenue(r)
	if priced == 0 {
		d.figure(title, "", nil, func() { d.para("No price was recorded for the period's sessions.") })
		return
	}
	d.figure(title, "", revenueChart(r, currency), func() {
		rows := make([][]string, 0, len(r.Months)+1)
		for _, m := range r.Months {
			money := missing
			if m.Priced > 0 {
				money = wording.MoneyTotal(m.RevenueCents, currency)
			}
			rows = append(rows, []string{wording.MonthName(m.Month), money, wording.OfN(m.Priced, m.Sessions)})
		}
		rows = append(rows, []string{"Period", wording.MoneyTotal(cents, currency), wording.OfN(priced, r.Sessions)})
		d.table([]column{{"Month", 3, "L"}, {wording.MoneyTitle("Revenue", currency), 2, "R"},
			{"Sessions with a price", 2, "R"}}, rows)
		if priced < r.Sessions {
			d.gap(1)
			d.small("Revenue is the sum of the prices recorded; sessions without a price add nothing.")
		}
	})
}

// small writes a note in small grey type.
func (d *doc) small(text string) {
	d.font("I", smallSize)
	d.f.SetTextColor(greyText, greyText, greyText)
	d.lines(marginX, contentW, smallLine, d.split(text, contentW), "L")
	d.f.SetTextColor(0, 0, 0)
	d.font("", bodySize)
}

func writeResolutions(d *doc, r *insights.Report) {
	title := wording.ResolutionsTitle(r.Query.BeyondExpected)
	if len(r.Resolutions) == 0 {
		d.figure(title, "", nil, func() { d.para("No side effect was recorded for the period's sessions.") })
		return
	}
	d.figure(title, "", resolutionChart(r), func() {
		rows := make([][]string, len(r.Resolutions))
		for i, k := range r.Resolutions {
			mean, median := missing, missing
			if k.Resolved > 0 {
				mean, median = days(k.MeanDays), days(k.MedianDays)
			}
			rows[i] = []string{k.Kind, wording.Thousands(k.Count), wording.OfN(k.Resolved, k.Count), mean, median}
		}
		d.table([]column{{"Side effect", 4, "L"}, {"Recorded", 1.3, "R"}, {"Resolved", 1.5, "R"},
			{"Mean days", 1.4, "R"}, {"Median days", 1.4, "R"}}, rows)
		d.gap(1)
		d.small("Days from onset to resolution, of the side effects resolved; those still lasting are counted as recorded only.")
	})
}

// writeSpreads writes results by group: a chart and a table of sessions by GAIS grade.
func writeSpreads(d *doc, r *insights.Report, title string, spreads []insights.ResultSpread, group, about string) {
	if r.Assessed == 0 {
		d.figure(title, "", nil, func() { d.para("No result was assessed for the period's sessions.") })
		return
	}
	d.figure(title, about+" Each session counts with the latest result assessed after it.", spreadChart(spreads), func() {
		cols := []column{{group, 3, "L"}, {"Assessed", 1.3, "R"}}
		for _, g := range data.GAISGrades {
			cols = append(cols, column{upperFirst(g.Words()), 1.4, "R"})
		}
		rows := make([][]string, len(spreads))
		for i, s := range spreads {
			row := []string{s.Group, strconv.Itoa(s.Assessed())}
			for _, n := range s.Grades {
				row = append(row, strconv.Itoa(n))
			}
			rows[i] = row
		}
		d.table(cols, rows)
	})
}

// figure writes a section: its heading, kept on a page with what it says first, its chart and
// the start of its table, then the rest (rest).
func (d *doc) figure(title, about string, c *insightsChart, rest func()) {
	keep := 14.0 // a table's header and first row
	if about != "" {
		d.font("", bodySize)
		keep += float64(len(d.split(about, contentW)))*bodyLine + 1.5
	}
	if c != nil {
		keep += c.height() + chartGap
	}
	d.heading(title, keep)
	if about != "" {
		d.para(about)
		d.gap(1.5)
	}
	d.chart(c)
	rest()
}
