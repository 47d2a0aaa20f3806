package storetest

import (
	"context"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/store"
)

// The insights tests run with the sessions tests: a group of their own would be another line in
// Run's list.
func init() {
	sessionTests = append(sessionTests,
		subtest{"InsightFactsOfThePeriod", insightFactsOfThePeriod},
		subtest{"InsightFactsPractitionerAndEmpty", insightFactsPractitionerAndEmpty},
		subtest{"InsightFactsManySessions", insightFactsManySessions},
		subtest{"InsightFactsBeyondExpected", insightFactsBeyondExpected})
}

// InsightsPeriod is the period InsightsPractice's figures are computed for.
var InsightsPeriod = insights.Query{From: data.NewDate(2025, 3, 1), To: data.NewDate(2025, 4, 30)}

// InsightsFixture names what InsightsPractice made.
type InsightsFixture struct {
	Lee, Ray string   // practitioners' IDs: "Dr Lee", "Sam Ray"
	Bo       []string // Bo's sessions, in the order they started
}

// InsightsPractice fills s with a small practice whose figures for InsightsPeriod are worked out
// by hand in InsightsExpected: 42 sessions in the period, 6 of them with a side effect, and one
// session either side of it.
//
//   - Ada (Fitzpatrick II): a session on 20 February (before the period, with a side effect),
//     then 2 March (series 2 of 3) and 30 March (3 of 3), Cheeks 1.5 mm, Dr Lee, Pen A, HA serum
//     (no lot), 200.00 each; and 1 May (after the period).
//   - Bo (III): 3 to 12 March, ten sessions, Cheeks 1.0 mm, Dr Lee, Pen A, cartridge Nano 12 lot
//     BAD-1, HA serum lot HA-1; the first six with a side effect: Erythema resolved after 2, 2, 2
//     and 4 days, one unresolved, and one Post-inflammatory hyperpigmentation that began on
//     10 May, after the period, resolved 10 days later.
//   - Cy (not recorded): 1 to 25 April, 25 sessions, Forehead 0.25 mm, Sam Ray, Roller B,
//     cartridge lot ok-2 (typed in lower case), 100.00 each.
//   - Dee (VI): 26 to 30 April, no practitioner or device, the depth bands' edges: Forehead 0.5,
//     Cheeks 1.5, Cheeks 2.0, Neck 2.05, and Nose 0.5 with Chin 1.05; the first starts a series of 4.
//
// Results: Ada's sessions treat acne scars; her 30 March session was assessed improved on 1 April
// and much improved on 20 April (the latest counts). Bo's first session treats texture and acne
// scars (acne scars named twice) and was assessed worse. Cy's first, naming no concern, no change.
func InsightsPractice(t testing.TB, s store.Store) InsightsFixture {
	t.Helper()
	ctx := context.Background()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	lee := data.Practitioner{Name: "Dr Lee"}
	ray := data.Practitioner{Name: "Sam Ray"}
	check(s.SavePractitioner(ctx, &lee))
	check(s.SavePractitioner(ctx, &ray))
	pen := data.Device{Model: "Pen A", Kind: data.DeviceKind("pen"), SpeedUnit: "level", MaxDepth: 3, EvaluatedDepth: 3, DepthStep: 0.05}
	roller := data.Device{Model: "Roller B", Kind: data.DeviceKind("roller"), MaxDepth: 3, EvaluatedDepth: 3, DepthStep: 0.05}
	check(s.SaveDevice(ctx, &pen))
	check(s.SaveDevice(ctx, &roller))
	nano := data.Cartridge{Name: "Nano 12", Needles: 12}
	check(s.SaveCartridge(ctx, &nano))
	serum := data.Product{Name: "HA serum", Kind: "Hyaluronic acid", NeedledSkinOK: true}
	check(s.SaveProduct(ctx, &serum))

	client := func(first string, fitz int) string {
		c := data.Client{FirstName: first, LastName: "Fixture", Fitzpatrick: fitz}
		check(s.CreateClient(ctx, &c))
		return c.ID
	}
	ada, bo, cy, dee := client("Ada", 2), client("Bo", 3), client("Cy", 0), client("Dee", 6)
	// Noon UTC is the same day in every time zone the tests run in (UTC−11 to UTC+11).
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 12, 0, 0, 0, time.UTC) }
	zone := func(name string, depth float64) data.ZoneTreatment {
		return data.ZoneTreatment{Zone: name, DepthMM: depth, Passes: 2}
	}
	save := func(se data.Session) string {
		t.Helper()
		if se.SeriesN == 0 {
			se.SeriesN = 1
		}
		if se.IntervalDays == 0 {
			se.IntervalDays = 28
		}
		se.NoSideEffects = len(se.SideEffects) == 0
		for i := range se.SideEffects {
			se.SideEffects[i].Severity = data.SeverityMild
		}
		check(s.CreateSession(ctx, &se))
		return se.ID
	}
	assess := func(client, session string, at time.Time, g data.GAIS) {
		t.Helper()
		check(s.SaveOutcome(ctx, &data.Outcome{ClientID: client, SessionID: session, AssessedAt: at, GAIS: g}))
	}
	price := func(cents int64) data.Optional[int64] { return data.Optional[int64]{V: cents, Valid: true} }

	save(data.Session{ClientID: ada, PractitionerID: lee.ID, StartedAt: day(2, 20), SeriesN: 1, SeriesOf: 3,
		DeviceID: pen.ID, Zones: []data.ZoneTreatment{zone("Cheeks", 1.5)},
		SideEffects: []data.SideEffect{{Kind: "Erythema", Onset: data.NewDate(2025, 2, 20), Resolved: data.NewDate(2025, 2, 21)}}})
	for _, d := range []int{2, 30} {
		n := 2
		if d == 30 {
			n = 3
		}
		id := save(data.Session{ClientID: ada, PractitionerID: lee.ID, StartedAt: day(3, d), SeriesN: n, SeriesOf: 3,
			DeviceID: pen.ID, Zones: []data.ZoneTreatment{zone("Cheeks", 1.5)}, PriceCents: price(20000),
			Products: []data.ProductUse{{ProductID: serum.ID, Phase: data.PhaseDuring}}, Concerns: []string{"Acne scars"}})
		if d == 30 {
			assess(ada, id, day(4, 20), data.GAISMuchImproved) // saved first, made later: the latest
			assess(ada, id, day(4, 1), data.GAISImproved)
		}
	}
	save(data.Session{ClientID: ada, PractitionerID: lee.ID, StartedAt: day(5, 1), DeviceID: pen.ID,
		Zones: []data.ZoneTreatment{zone("Cheeks", 1.5)}, PriceCents: price(20000)})

	resolvedAfter := []int{2, 2, 2, 4, -1}
	var boSessions []string
	for i := range 10 {
		d := 3 + i
		se := data.Session{ClientID: bo, PractitionerID: lee.ID, StartedAt: day(3, d), DeviceID: pen.ID,
			Cartridge: data.CartridgeUse{CartridgeID: nano.ID, Lot: "BAD-1"},
			Zones:     []data.ZoneTreatment{zone("Cheeks", 1.0)},
			Products:  []data.ProductUse{{ProductID: serum.ID, Lot: "HA-1", Phase: data.PhaseAfter}}}
		switch {
		case i < 5:
			e := data.SideEffect{Kind: "Erythema", Onset: data.NewDate(2025, 3, d)}
			if resolvedAfter[i] >= 0 {
				e.Resolved = data.NewDate(2025, 3, d+resolvedAfter[i])
			}
			se.SideEffects = []data.SideEffect{e}
		case i == 5:
			se.SideEffects = []data.SideEffect{{Kind: "Post-inflammatory hyperpigmentation",
				Onset: data.NewDate(2025, 5, 10), Resolved: data.NewDate(2025, 5, 20)}}
		}
		if i == 0 {
			se.Concerns = []string{"Texture", "Acne scars", "Acne scars"}
		}
		boSessions = append(boSessions, save(se))
	}
	assess(bo, boSessions[0], day(3, 12), data.GAISWorse)
	for d := 1; d <= 25; d++ {
		id := save(data.Session{ClientID: cy, PractitionerID: ray.ID, StartedAt: day(4, d), DeviceID: roller.ID,
			Cartridge: data.CartridgeUse{CartridgeID: nano.ID, Lot: "ok-2"},
			Zones:     []data.ZoneTreatment{zone("Forehead", 0.25)}, PriceCents: price(10000)})
		if d == 1 {
			assess(cy, id, day(4, 1), data.GAISNoChange)
		}
	}
	edges := [][]data.ZoneTreatment{
		{zone("Forehead", 0.5)}, {zone("Cheeks", 1.5)}, {zone("Cheeks", 2.0)}, {zone("Neck", 2.05)},
		{zone("Nose", 0.5), zone("Chin", 1.05)},
	}
	for i, zones := range edges {
		se := data.Session{ClientID: dee, StartedAt: day(4, 26+i), Zones: zones}
		if i == 0 {
			se.SeriesN, se.SeriesOf = 1, 4
		}
		save(se)
	}
	return InsightsFixture{Lee: lee.ID, Ray: ray.ID, Bo: boSessions}
}

// InsightsExpected is InsightsPractice's report for InsightsPeriod, worked out by hand (see
// InsightsPractice), signals aside.
func InsightsExpected() insights.Report {
	r := func(g string, n, k int) insights.Rate {
		return insights.Rate{Group: g, Sessions: n, WithSideEffects: k}
	}
	return insights.Report{
		Query:    InsightsPeriod,
		Sessions: 42, WithSideEffects: 6, BeyondExpected: 1, // Bo's hyperpigmentation; Erythema is expected
		Months: []insights.Month{
			{Month: "2025-03", Sessions: 12, WithSideEffects: 6, RevenueCents: 40000, Priced: 2},
			{Month: "2025-04", Sessions: 30, WithSideEffects: 0, RevenueCents: 250000, Priced: 25},
		},
		Clients: 4, NewClients: 3, ReturningClients: 1,
		SeriesStarted: 1, SeriesCompleted: 1,
		// Ada: 20 February to 2 March is 10 days, to 30 March 28 more; both planned 28.
		IntervalKept: 19, IntervalPlanned: 28, Intervals: 2,
		By: map[insights.Dimension][]insights.Rate{
			insights.ByMonth: {r("2025-03", 12, 6), r("2025-04", 30, 0)},
			insights.ByDepth: {r("≤0.5", 26, 0), r("0.5–1.0", 10, 6), r("1.0–1.5", 4, 0), r("1.5–2.0", 1, 0), r(">2.0", 1, 0)},
			insights.ByZone: {r("Cheeks", 14, 6), r("Chin", 1, 0), r("Forehead", 26, 0), r("Neck", 1, 0),
				r("Nose", 1, 0)},
			insights.ByProduct:      {r("HA serum", 12, 6)},
			insights.ByFitzpatrick:  {r("II", 2, 0), r("III", 10, 6), r("VI", 5, 0), r("not recorded", 25, 0)},
			insights.ByPractitioner: {r("Dr Lee", 12, 6), r("Sam Ray", 25, 0), r("not recorded", 5, 0)},
			insights.ByDevice:       {r("Pen A", 12, 6), r("Roller B", 25, 0), r("not recorded", 5, 0)},
			insights.ByLot:          {r("BAD-1 (Nano 12)", 10, 6), r("HA-1 (HA serum)", 10, 6), r("OK-2 (Nano 12)", 25, 0)},
		},
		Resolutions: []insights.Resolution{
			{Kind: "Erythema", Count: 5, Resolved: 4, MeanDays: 2.5, MedianDays: 2},
			{Kind: "Post-inflammatory hyperpigmentation", Count: 1, Resolved: 1, MeanDays: 10, MedianDays: 10},
		},
		Assessed: 3,
		ResultsByConcern: []insights.ResultSpread{
			{Group: "Acne scars", Grades: [5]int{0, 1, 0, 0, 1}}, {Group: "Texture", Grades: [5]int{0, 0, 0, 0, 1}},
			{Group: "not recorded", Grades: [5]int{0, 0, 0, 1, 0}},
		},
		ResultsByDepth: []insights.ResultSpread{
			{Group: "≤0.5", Grades: [5]int{0, 0, 0, 1, 0}}, {Group: "0.5–1.0", Grades: [5]int{0, 0, 0, 0, 1}},
			{Group: "1.0–1.5", Grades: [5]int{0, 1, 0, 0, 0}},
		},
	}
}

// withoutIDs is r without the sessions each group counts, to compare with the figures worked out
// by hand; the sessions are compared apart.
func withoutIDs(r insights.Report) insights.Report {
	r.SessionIDs = nil
	by := map[insights.Dimension][]insights.Rate{}
	for d, rates := range r.By {
		rates = slices.Clone(rates)
		for i := range rates {
			rates[i].SessionIDs = nil
		}
		by[d] = rates
	}
	r.By = by
	r.Resolutions = slices.Clone(r.Resolutions)
	for i := range r.Resolutions {
		r.Resolutions[i].SessionIDs = nil
	}
	for _, spreads := range []*[]insights.ResultSpread{&r.ResultsByConcern, &r.ResultsByDepth} {
		*spreads = slices.Clone(*spreads)
		for i := range *spreads {
			(*spreads)[i].SessionIDs = nil
		}
	}
	return r
}

// readReport is the report of q's sessions, with the sessions each group counts.
func readReport(t *testing.T, s store.Store, q insights.Query) insights.Report {
	t.Helper()
	b := insights.NewBuilder(q)
	err := s.InsightFacts(context.Background(), q, func(f *insights.Fact) error { b.Add(f); return nil })
	must(t, err)
	return b.Report()
}

// readFacts is readReport without the sessions each group counts.
func readFacts(t *testing.T, s store.Store, q insights.Query) insights.Report {
	t.Helper()
	return withoutIDs(readReport(t, s, q))
}

func insightFactsOfThePeriod(t *testing.T, s store.Store) {
	fix := InsightsPractice(t, s)
	full := readReport(t, s, InsightsPeriod)
	got := withoutIDs(full)
	signals := got.Signals
	got.Signals = nil
	if want := InsightsExpected(); !reflect.DeepEqual(got, want) {
		t.Fatalf("report:\n got %+v\nwant %+v", got, want)
	}
	// A bar opens the sessions it counts: the lot BAD-1's are Bo's ten, in the order they started.
	if bad := full.By[insights.ByLot][0]; !reflect.DeepEqual(bad.SessionIDs, fix.Bo) {
		t.Errorf("lot BAD-1 counts sessions %v, want Bo's %v", bad.SessionIDs, fix.Bo)
	}
	if len(full.SessionIDs) != 42 || !slices.Contains(full.ResultsByDepth[1].SessionIDs, fix.Bo[0]) {
		t.Errorf("the period counts %d sessions, results 0.5–1.0 %v; want 42 and Bo's first", len(full.SessionIDs),
			full.ResultsByDepth[1].SessionIDs)
	}
	// At the practice's rate of 6 in 42 (1/7), P(X ≥ 6) is 0.00106 for 10 sessions, 0.00361 for
	// 12 and 0.00909 for 14: all below 0.01. The other groups have fewer than 3 cases or 10 sessions.
	want := []struct {
		by    insights.Dimension
		group string
		p     float64
	}{
		{insights.ByLot, "BAD-1 (Nano 12)", 0.0010611938605636915},
		{insights.ByLot, "HA-1 (HA serum)", 0.0010611938605636915},
		{insights.ByZone, "Cheeks", 0.00908503742745986},
		{insights.ByDepth, "0.5–1.0", 0.0010611938605636915},
		{insights.ByProduct, "HA serum", 0.003609507141531641},
		{insights.ByPractitioner, "Dr Lee", 0.003609507141531641},
		{insights.ByDevice, "Pen A", 0.003609507141531641},
	}
	if len(signals) != len(want) {
		t.Fatalf("signals %+v, want %d", signals, len(want))
	}
	for i, w := range want {
		g := signals[i]
		if g.By != w.by || g.Rate.Group != w.group || math.Abs(g.P-w.p) > 1e-12 {
			t.Errorf("signal %d: %s %s p=%v, want %s %s p=%v", i, g.By, g.Rate.Group, g.P, w.by, w.group, w.p)
		}
	}
}

func insightFactsPractitionerAndEmpty(t *testing.T, s store.Store) {
	f := InsightsPractice(t, s)
	q := InsightsPeriod
	q.PractitionerID = f.Ray
	got := readFacts(t, s, q)
	if got.Sessions != 25 || got.WithSideEffects != 0 || got.NewClients != 1 || got.Clients != 1 ||
		!reflect.DeepEqual(got.By[insights.ByPractitioner], []insights.Rate{{Group: "Sam Ray", Sessions: 25}}) {
		t.Fatalf("Sam Ray's sessions: %+v", got)
	}
	// A period with no session: every figure is zero, no group, no signal.
	empty := readFacts(t, s, insights.Query{From: data.NewDate(2025, 6, 1), To: data.NewDate(2025, 6, 30)})
	if empty.Sessions != 0 || len(empty.Months) != 0 || len(empty.Signals) != 0 || len(empty.By[insights.ByZone]) != 0 {
		t.Fatalf("empty period: %+v", empty)
	}
	// One day: the last of the period, both ends included.
	one := readFacts(t, s, insights.Query{From: data.NewDate(2025, 4, 30), To: data.NewDate(2025, 4, 30)})
	if one.Sessions != 1 || !reflect.DeepEqual(one.By[insights.ByZone], []insights.Rate{{Group: "Chin", Sessions: 1}, {Group: "Nose", Sessions: 1}}) {
		t.Fatalf("30 April alone: %+v", one)
	}
	// Bo's first six sessions, a small share of the practice (read by its sessions' rows alone).
	six := readFacts(t, s, insights.Query{From: data.NewDate(2025, 3, 3), To: data.NewDate(2025, 3, 8)})
	if six.Sessions != 6 || six.WithSideEffects != 6 || six.NewClients != 1 ||
		!reflect.DeepEqual(six.By[insights.ByLot], []insights.Rate{{Group: "BAD-1 (Nano 12)", Sessions: 6, WithSideEffects: 6},
			{Group: "HA-1 (HA serum)", Sessions: 6, WithSideEffects: 6}}) ||
		!reflect.DeepEqual(six.By[insights.ByFitzpatrick], []insights.Rate{{Group: "III", Sessions: 6, WithSideEffects: 6}}) ||
		!reflect.DeepEqual(six.Resolutions, InsightsExpected().Resolutions) {
		t.Fatalf("3 to 8 March: %+v", six)
	}
	err := s.InsightFacts(context.Background(), insights.Query{From: data.NewDate(2025, 5, 1), To: data.NewDate(2025, 4, 1)},
		func(*insights.Fact) error { return nil })
	if err == nil {
		t.Fatal("a period ending before it starts was read")
	}
}

// insightFactsManySessions reads hundreds of sessions, three starting at each moment: each is
// read once, with its own zone and side effect.
func insightFactsManySessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := data.Client{FirstName: "Many", LastName: "Sessions"}
	must(t, s.CreateClient(ctx, &c))
	at := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
	const n = 520
	err := s.Batch(ctx, func(b store.Batch) error {
		for i := range n {
			se := data.Session{ClientID: c.ID, StartedAt: at.Add(time.Duration(i/3) * time.Minute), NoSideEffects: i%7 != 0,
				Zones: []data.ZoneTreatment{{Zone: "Cheeks", DepthMM: 0.5, Passes: 1}}}
			if i%7 == 0 {
				se.SideEffects = []data.SideEffect{{Kind: "Erythema", Severity: data.SeverityMild, Onset: data.DateOf(at)}}
			}
			if err := b.CreateSession(&se); err != nil {
				return err
			}
		}
		return nil
	})
	must(t, err)
	seen := map[string]bool{}
	zones, hurt := 0, 0
	err = s.InsightFacts(ctx, insights.Query{}, func(f *insights.Fact) error {
		if seen[f.SessionID] {
			t.Fatalf("session %s read twice", f.SessionID)
		}
		seen[f.SessionID] = true
		zones += len(f.Zones)
		if len(f.SideEffects) > 0 {
			hurt++
		}
		return nil
	})
	must(t, err)
	if len(seen) != n || zones != n || hurt != (n+6)/7 {
		t.Fatalf("read %d sessions, %d zones, %d with side effects; want %d, %d, %d", len(seen), zones, hurt, n, n, (n+6)/7)
	}
}

// Beyond the expected side effects, only Bo's hyperpigmentation counts: Erythema is filed as
// expected in the practice's list, so its five sessions no longer count as hurt.
func insightFactsBeyondExpected(t *testing.T, s store.Store) {
	InsightsPractice(t, s)
	q := InsightsPeriod
	q.BeyondExpected = true
	got := readFacts(t, s, q)
	want := []insights.Resolution{{Kind: "Post-inflammatory hyperpigmentation", Count: 1, Resolved: 1, MeanDays: 10, MedianDays: 10}}
	if got.Sessions != 42 || got.WithSideEffects != 1 || got.BeyondExpected != 1 || !reflect.DeepEqual(got.Resolutions, want) ||
		!reflect.DeepEqual(got.By[insights.ByLot][0], insights.Rate{Group: "BAD-1 (Nano 12)", Sessions: 10, WithSideEffects: 1}) ||
		len(got.Signals) != 0 {
		t.Fatalf("beyond the expected: %d of %d sessions, resolutions %+v, lot %+v, signals %+v", got.WithSideEffects,
			got.Sessions, got.Resolutions, got.By[insights.ByLot][0], got.Signals)
	}
	// Filed otherwise, a kind counts: the practice decides what it expects.
	ctx := context.Background()
	items, err := s.ListItems(ctx, data.ListSideEffect, true)
	must(t, err)
	for _, it := range items {
		if it.Name == "Erythema" {
			it.Category = data.CategoryLessCommon
			must(t, s.SaveListItem(ctx, &it))
		}
	}
	if again := readFacts(t, s, q); again.WithSideEffects != 6 {
		t.Fatalf("Erythema filed as less common: %d sessions with a side effect, want 6", again.WithSideEffects)
	}
}
