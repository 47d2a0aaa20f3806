package insights

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
)

// Dimension is what side-effect rates are grouped by.
type Dimension string

const (
	ByMonth        Dimension = "month"
	ByDepth        Dimension = "depth"
	ByZone         Dimension = "zone"
	ByProduct      Dimension = "product"
	ByFitzpatrick  Dimension = "fitzpatrick"
	ByPractitioner Dimension = "practitioner"
	ByDevice       Dimension = "device"
	ByLot          Dimension = "lot"
)

// Dimensions are every grouping, in the order they are shown.
var Dimensions = []Dimension{ByMonth, ByDepth, ByZone, ByProduct, ByFitzpatrick, ByPractitioner, ByDevice, ByLot}

// NotRecorded names the group of sessions that do not say the value grouped by.
const NotRecorded = "not recorded"

// DepthBands are the bands of the deepest zone, shallowest first; see BandOf for their edges.
var DepthBands = []string{"≤0.5", "0.5–1.0", "1.0–1.5", "1.5–2.0", ">2.0"}

// bandTops are the bands' upper edges in mm, each included in its band.
var bandTops = []float64{0.5, 1.0, 1.5, 2.0}

// BandOf is the depth band of a depth in mm: each band includes its upper edge (0.5 is "≤0.5", 1.0
// is "0.5–1.0", 2.0 is "1.5–2.0", 2.05 is ">2.0").
func BandOf(depthMM float64) string {
	for i, top := range bandTops {
		// Depths are typed with one or two decimals; the tolerance keeps 1.0 stored as
		// 0.9999999999 in its band.
		if depthMM <= top+1e-9 {
			return DepthBands[i]
		}
	}
	return DepthBands[len(DepthBands)-1]
}

// FitzpatrickGroups are the Fitzpatrick groups in order: I to VI, then not recorded.
var FitzpatrickGroups = []string{"I", "II", "III", "IV", "V", "VI", NotRecorded}

func fitzpatrickGroup(t int) string {
	if t >= 1 && t <= 6 {
		return FitzpatrickGroups[t-1]
	}
	return NotRecorded
}

// Rate is a group's sessions and those of them with at least one side effect.
type Rate struct {
	Group           string
	Sessions        int
	WithSideEffects int
	SessionIDs      []string // the sessions counted, in the order added: what a bar or a row opens
}

// Enough reports whether the group has enough sessions for its rate to be said as a percentage;
// below MinSessions it is said as counts with a note.
func (r Rate) Enough() bool { return r.Sessions >= MinSessions }

// Percent is the rate in percent; 0 for a group of no sessions.
func (r Rate) Percent() float64 {
	if r.Sessions == 0 {
		return 0
	}
	return 100 * float64(r.WithSideEffects) / float64(r.Sessions)
}

// Month is one calendar month of the period.
type Month struct {
	Month           string // "2026-03"
	Sessions        int
	WithSideEffects int
	RevenueCents    int64 // the prices recorded
	Priced          int   // sessions with a price recorded
}

// Resolution is how long one kind of side effect took to resolve.
type Resolution struct {
	Kind       string
	Count      int     // side effects of this kind
	Resolved   int     // of them, resolved
	MeanDays   float64 // mean days from onset to resolution, of the resolved
	MedianDays float64
	SessionIDs []string // the sessions with a side effect of this kind, once each
	days       []int
}

// ResultSpread is how the results assessed after a group's sessions spread over the GAIS grades:
// each session counts with the latest result assessed after it.
type ResultSpread struct {
	Group      string
	Grades     [5]int   // sessions by grade, in the order of data.GAISGrades (very much improved … worse)
	SessionIDs []string // the sessions with a result, in the order added
}

// Assessed is how many of the group's sessions have a result.
func (r ResultSpread) Assessed() int {
	n := 0
	for _, c := range r.Grades {
		n += c
	}
	return n
}

// Improved is how many results say improved, much improved or very much improved.
func (r ResultSpread) Improved() int { return r.Grades[0] + r.Grades[1] + r.Grades[2] }

// Report is every figure for a period.
type Report struct {
	Query           Query
	Sessions        int
	WithSideEffects int
	// BeyondExpected is how many sessions had a side effect beyond the expected ones, whatever
	// Query.BeyondExpected says: beside WithSideEffects, it says how much of the rate is expected.
	BeyondExpected int
	Months         []Month
	Clients        int // distinct clients seen
	NewClients     int // whose first session ever is in the period
	// ReturningClients had a session before the period.
	ReturningClients int
	SeriesStarted    int
	SeriesCompleted  int
	// IntervalKept is the mean days between a series' session 2 or later and the client's
	// previous session, over Intervals such sessions; IntervalPlanned is their planned mean.
	IntervalKept, IntervalPlanned float64
	Intervals                     int
	By                            map[Dimension][]Rate
	Resolutions                   []Resolution
	Signals                       []Signal
	SessionIDs                    []string // every session counted, in the order added
	// Assessed is how many sessions have a result; ResultsByConcern and ResultsByDepth spread
	// their results by the concern treated (a session counts in each it names) and by depth band.
	Assessed         int
	ResultsByConcern []ResultSpread
	ResultsByDepth   []ResultSpread
}

// Overall is the practice's own rate for the period.
func (r *Report) Overall() Rate {
	return Rate{Group: "all sessions", Sessions: r.Sessions, WithSideEffects: r.WithSideEffects, SessionIDs: r.SessionIDs}
}

// Builder gathers facts one at a time, so that a large practice's sessions need not all be held.
type Builder struct {
	q        Query
	r        Report
	months   map[string]*Month
	groups   map[Dimension]map[string]*Rate
	clients  map[string]bool // client → new
	kinds    map[string]*Resolution
	results  map[Dimension]map[string]*ResultSpread // ByDepth, and byConcern
	keptDays int
	planDays int
	firstDay data.Date
	names    []string         // reused by Add
	effects  []SideEffectFact // reused by Add
}

// NewBuilder starts a report for q.
func NewBuilder(q Query) *Builder {
	b := &Builder{q: q, months: map[string]*Month{}, groups: map[Dimension]map[string]*Rate{},
		clients: map[string]bool{}, kinds: map[string]*Resolution{},
		results: map[Dimension]map[string]*ResultSpread{ByDepth: {}, byConcern: {}}}
	for _, d := range Dimensions {
		b.groups[d] = map[string]*Rate{}
	}
	b.r.Query = q
	return b
}

// Add counts one session.
func (b *Builder) Add(f *Fact) {
	effects := f.SideEffects
	if b.q.BeyondExpected {
		effects = b.effects[:0]
		for _, e := range f.SideEffects {
			if !e.Expected {
				effects = append(effects, e)
			}
		}
		b.effects = effects
	}
	hurt := len(effects) > 0
	if slices.ContainsFunc(f.SideEffects, func(e SideEffectFact) bool { return !e.Expected }) {
		b.r.BeyondExpected++
	}
	b.r.Sessions++
	b.r.SessionIDs = append(b.r.SessionIDs, f.SessionID)
	if hurt {
		b.r.WithSideEffects++
	}
	day := data.DateOf(f.Started)
	month := day.Format("2006-01")
	m := b.months[month]
	if m == nil {
		m = &Month{Month: month}
		b.months[month] = m
	}
	m.Sessions++
	if hurt {
		m.WithSideEffects++
	}
	if f.PriceCents.Valid {
		m.RevenueCents += f.PriceCents.V
		m.Priced++
	}
	if _, seen := b.clients[f.ClientID]; !seen {
		first := data.DateOf(f.ClientFirst)
		b.clients[f.ClientID] = b.q.From.IsZero() || !first.Before(b.q.From)
	}
	if f.SeriesOf > 0 && f.SeriesN == 1 {
		b.r.SeriesStarted++
	}
	if f.SeriesOf > 0 && f.SeriesN == f.SeriesOf {
		b.r.SeriesCompleted++
	}
	if f.SeriesN > 1 && !f.Previous.IsZero() {
		b.r.Intervals++
		b.keptDays += day.DaysSince(data.DateOf(f.Previous))
		b.planDays += f.IntervalDays
	}

	count := func(d Dimension, group string) {
		if group == "" {
			group = NotRecorded
		}
		g := b.groups[d][group]
		if g == nil {
			g = &Rate{Group: group}
			b.groups[d][group] = g
		}
		g.Sessions++
		g.SessionIDs = append(g.SessionIDs, f.SessionID)
		if hurt {
			g.WithSideEffects++
		}
	}
	// once counts a session once in each of several groups of a dimension, however often it
	// names one (the same lot twice, a zone in two rows).
	once := func(d Dimension, groups []string) {
		for i, g := range groups {
			if !slices.Contains(groups[:i], g) {
				count(d, g)
			}
		}
	}
	count(ByMonth, month)
	deepest := 0.0
	names := b.names[:0]
	for _, z := range f.Zones {
		deepest = max(deepest, z.DepthMM)
		names = append(names, z.Zone)
	}
	once(ByZone, names)
	band := NotRecorded
	if len(f.Zones) > 0 {
		band = BandOf(deepest)
	}
	count(ByDepth, band)
	names = names[:0]
	for _, p := range f.Products {
		names = append(names, p.Product)
	}
	once(ByProduct, names)
	count(ByFitzpatrick, fitzpatrickGroup(f.Fitzpatrick))
	count(ByPractitioner, f.Practitioner)
	count(ByDevice, f.Device)
	names = names[:0]
	for _, l := range f.Lots {
		names = append(names, LotGroup(l))
	}
	once(ByLot, names)
	b.names = names
	if grade := slices.Index(data.GAISGrades, f.Result); grade >= 0 {
		b.r.Assessed++
		b.result(ByDepth, band, grade, f.SessionID)
		concerns := f.Concerns
		if len(concerns) == 0 {
			concerns = []string{NotRecorded}
		}
		for i, c := range concerns {
			if !slices.Contains(concerns[:i], c) {
				b.result(byConcern, c, grade, f.SessionID)
			}
		}
	}
	for _, e := range effects {
		k := b.kinds[e.Kind]
		if k == nil {
			k = &Resolution{Kind: e.Kind}
			b.kinds[e.Kind] = k
		}
		if n := len(k.SessionIDs); n == 0 || k.SessionIDs[n-1] != f.SessionID { // its side effects come together
			k.SessionIDs = append(k.SessionIDs, f.SessionID)
		}
		k.Count++
		if !e.Resolved.IsZero() && !e.Onset.IsZero() {
			k.Resolved++
			k.days = append(k.days, e.Resolved.DaysSince(e.Onset))
		}
	}
}

// byConcern groups results by the concern treated; it is not a grouping of side-effect rates.
const byConcern Dimension = "concern"

// result counts a session's result in a group of results.
func (b *Builder) result(d Dimension, group string, grade int, session string) {
	g := b.results[d][group]
	if g == nil {
		g = &ResultSpread{Group: group}
		b.results[d][group] = g
	}
	g.Grades[grade]++
	g.SessionIDs = append(g.SessionIDs, session)
}

// LotGroup names a lot's group: the lot with its item, "C-9931 (Nano cartridge)". Lots are
// printed codes, matched as a recall matches them: surrounding spaces and letter case aside.
func LotGroup(l LotFact) string {
	lot := strings.ToUpper(strings.TrimSpace(l.Lot))
	if l.Item == "" {
		return lot
	}
	return lot + " (" + l.Item + ")"
}

// Report is the figures for every session added.
func (b *Builder) Report() Report {
	r := b.r
	r.By = map[Dimension][]Rate{}
	r.Months = b.everyMonth()
	r.Clients = len(b.clients)
	for _, isNew := range b.clients {
		if isNew {
			r.NewClients++
		}
	}
	r.ReturningClients = r.Clients - r.NewClients
	if r.Intervals > 0 {
		r.IntervalKept = float64(b.keptDays) / float64(r.Intervals)
		r.IntervalPlanned = float64(b.planDays) / float64(r.Intervals)
	}
	for _, d := range Dimensions {
		var rates []Rate
		for _, g := range b.groups[d] {
			rates = append(rates, *g)
		}
		slices.SortFunc(rates, groupOrder(d))
		r.By[d] = rates
	}
	for _, k := range b.kinds {
		res := *k
		if len(res.days) > 0 {
			slices.Sort(res.days)
			sum := 0
			for _, d := range res.days {
				sum += d
			}
			res.MeanDays = float64(sum) / float64(len(res.days))
			n := len(res.days)
			res.MedianDays = float64(res.days[(n-1)/2]+res.days[n/2]) / 2
		}
		res.days = nil
		r.Resolutions = append(r.Resolutions, res)
	}
	slices.SortFunc(r.Resolutions, func(a, c Resolution) int { return strings.Compare(fold(a.Kind), fold(c.Kind)) })
	r.ResultsByDepth = b.spreads(ByDepth)
	r.ResultsByConcern = b.spreads(byConcern)
	r.Signals = Signals(&r)
	return r
}

// everyMonth is the months of the period in order, those without a session too, so that a quiet
// month shows as one: from the period's first month (or the first with a session) to its last
// (or the last with a session). No session, no month.
func (b *Builder) everyMonth() []Month {
	if len(b.months) == 0 {
		return nil
	}
	var seen []string
	for m := range b.months {
		seen = append(seen, m)
	}
	slices.Sort(seen)
	first, last := seen[0], seen[len(seen)-1]
	if !b.q.From.IsZero() {
		first = min(first, b.q.From.Format("2006-01"))
	}
	if !b.q.To.IsZero() {
		last = max(last, b.q.To.Format("2006-01"))
	}
	var out []Month
	for day := monthStart(first); ; day = day.AddDate(0, 1, 0) {
		name := day.Format("2006-01")
		if name > last {
			return out
		}
		if m := b.months[name]; m != nil {
			out = append(out, *m)
		} else {
			out = append(out, Month{Month: name})
		}
	}
}

// monthStart is the first day of a month named "2006-01".
func monthStart(name string) time.Time {
	t, _ := time.Parse("2006-01", name) // names made by Format("2006-01")
	return t
}

// spreads are the result groups of d in the order groupOrder gives.
func (b *Builder) spreads(d Dimension) []ResultSpread {
	var out []ResultSpread
	for _, g := range b.results[d] {
		out = append(out, *g)
	}
	order := groupOrder(d)
	slices.SortFunc(out, func(a, c ResultSpread) int { return order(Rate{Group: a.Group}, Rate{Group: c.Group}) })
	return out
}

// groupOrder orders a dimension's groups: months and depth bands and Fitzpatrick types in their
// own order, the others by name; "not recorded" last.
func groupOrder(d Dimension) func(a, c Rate) int {
	var fixed []string
	switch d {
	case ByDepth:
		fixed = DepthBands
	case ByFitzpatrick:
		fixed = FitzpatrickGroups
	}
	rank := func(g string) int {
		if g == NotRecorded {
			return 1 << 20
		}
		if i := slices.Index(fixed, g); i >= 0 {
			return i
		}
		return 0
	}
	return func(a, c Rate) int {
		if ra, rc := rank(a.Group), rank(c.Group); ra != rc {
			return ra - rc
		}
		if x := strings.Compare(fold(a.Group), fold(c.Group)); x != 0 {
			return x
		}
		return strings.Compare(a.Group, c.Group)
	}
}

func fold(s string) string { return strings.ToLower(s) }

// Compute gathers every figure from facts at once.
func Compute(q Query, facts []Fact) Report {
	b := NewBuilder(q)
	for i := range facts {
		b.Add(&facts[i])
	}
	return b.Report()
}

// ParseDimension reads a grouping's name as the command line types it.
func ParseDimension(s string) (Dimension, error) {
	for _, d := range Dimensions {
		if string(d) == s {
			return d, nil
		}
	}
	names := make([]string, len(Dimensions))
	for i, d := range Dimensions {
		names[i] = string(d)
	}
	return "", fmt.Errorf("%q is not a grouping; use one of %s", s, strings.Join(names, ", "))
}
