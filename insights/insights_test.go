package insights

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
)

func TestBandEdges(t *testing.T) {
	for _, c := range []struct {
		mm   float64
		band string
	}{
		{0.1, "≤0.5"}, {0.5, "≤0.5"}, {0.1 + 0.2 + 0.2, "≤0.5"}, {0.51, "0.5–1.0"}, {1.0, "0.5–1.0"},
		{1.05, "1.0–1.5"}, {1.5, "1.0–1.5"}, {1.55, "1.5–2.0"}, {2.0, "1.5–2.0"}, {2.05, ">2.0"}, {3.0, ">2.0"},
	} {
		if got := BandOf(c.mm); got != c.band {
			t.Errorf("BandOf(%v) = %q, want %q", c.mm, got, c.band)
		}
	}
}

// The tails are exact sums worked out with fractions: P(X ≥ k) = Σ C(n,i) pⁱ (1−p)ⁿ⁻ⁱ.
func TestBinomialTail(t *testing.T) {
	for _, c := range []struct {
		n, k int
		p    float64
		want float64
	}{
		{10, 5, 1.0 / 6, 0.015461966703500482}, // 1 − (P0+…+P4) = 1 − 0.984538…
		{10, 6, 0.15, 0.0013832352123046875},
		{20, 1, 0.05, 0.6415140775914577}, // 1 − 0.95²⁰
		{100, 20, 0.1, 0.001978560865771231},
		{10, 6, 1.0 / 7, 0.0010611938605636915},
		{14, 6, 1.0 / 7, 0.00908503742745986},
		{1, 1, 0.3, 0.3},
		{5, 0, 0.2, 1}, {5, 6, 0.2, 0}, {5, 1, 0, 0}, {5, 5, 1, 1},
	} {
		got := BinomialTail(c.n, c.k, c.p)
		if math.Abs(got-c.want) > 1e-12*math.Max(1, c.want) {
			t.Errorf("P(X ≥ %d | n=%d, p=%v) = %.17g, want %.17g", c.k, c.n, c.p, got, c.want)
		}
	}
}

// fact is a session on day d of March 2025 of client c, with zone and side effects as given.
func fact(c string, d int, lot string, hurt bool) Fact {
	f := Fact{SessionID: c + lot + time.Month(d).String(), ClientID: c,
		Started: time.Date(2025, 3, d, 12, 0, 0, 0, time.UTC), ClientFirst: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		SeriesN: 1, Zones: []ZoneFact{{Zone: "Cheeks", DepthMM: 1}}, Lots: []LotFact{{Lot: lot}}}
	if hurt {
		f.SideEffects = []SideEffectFact{{Kind: "Erythema", Onset: data.NewDate(2025, 3, d)}}
	}
	return f
}

// practice is n sessions of which the first k had a side effect, all with lot.
func practice(n, k int, lot string) []Fact {
	var out []Fact
	for i := range n {
		f := fact("c", 1+i%28, lot, i < k)
		f.SessionID = lot + string(rune('a'+i%26)) + string(rune('a'+i/26))
		out = append(out, f)
	}
	return out
}

func lotSignals(r Report) []string {
	var out []string
	for _, s := range r.Signals {
		if s.By == ByLot {
			out = append(out, s.Rate.Group)
		}
	}
	return out
}

func TestSignalsNeedEnoughSessionsAndCases(t *testing.T) {
	q := Query{From: data.NewDate(2025, 3, 1), To: data.NewDate(2025, 3, 31)}
	// Two sessions, both with a side effect, in a practice where few have one: never an alarm.
	facts := append(practice(200, 2, "OK"), practice(2, 2, "TWO")...)
	if got := lotSignals(Compute(q, facts)); len(got) != 0 {
		t.Fatalf("two sessions raised %v", got)
	}
	// Ten sessions with two side effects: fewer cases than MinSignalCases.
	facts = append(practice(200, 0, "OK"), practice(10, 2, "TEN")...)
	if got := lotSignals(Compute(q, facts)); len(got) != 0 {
		t.Fatalf("two cases raised %v", got)
	}
	// Nine sessions, all with a side effect: below MinSessions.
	facts = append(practice(200, 0, "OK"), practice(9, 9, "NINE")...)
	if got := lotSignals(Compute(q, facts)); len(got) != 0 {
		t.Fatalf("nine sessions raised %v", got)
	}
	// Ten with three at a practice rate of 3 in 210: P(X ≥ 3 | 10, 1/70) is about 0.0003.
	facts = append(practice(200, 0, "OK"), practice(10, 3, "BAD")...)
	r := Compute(q, facts)
	if got := lotSignals(r); !reflect.DeepEqual(got, []string{"BAD"}) {
		t.Fatalf("signals %v, want BAD", got)
	}
	s := r.Signals[0]
	want := "lot BAD: 3 of 10 sessions had a side effect, against 3 of 210 in the practice (one-sided exact " +
		"binomial test at the practice's rate, p = 0.0003, below 0.01; groups of at least 10 sessions with at " +
		"least 3 side-effect sessions are tested)"
	if s.Sentence() != want {
		t.Fatalf("sentence:\n%s\nwant\n%s", s.Sentence(), want)
	}
	// A group at the practice's own rate is not pointed out, however many.
	facts = append(practice(100, 10, "A"), practice(100, 10, "B")...)
	if got := lotSignals(Compute(q, facts)); len(got) != 0 {
		t.Fatalf("groups at the practice's rate raised %v", got)
	}
}

func TestOneSessionAndEmpty(t *testing.T) {
	q := Query{From: data.NewDate(2025, 3, 1), To: data.NewDate(2025, 3, 31)}
	empty := Compute(q, nil)
	if empty.Sessions != 0 || empty.Clients != 0 || len(empty.Signals) != 0 || len(empty.Months) != 0 ||
		len(empty.By[ByDepth]) != 0 || empty.IntervalKept != 0 {
		t.Fatalf("empty: %+v", empty)
	}
	f := fact("ada", 4, "L1", true)
	one := Compute(q, []Fact{f})
	ids := []string{f.SessionID}
	want := map[Dimension][]Rate{
		ByMonth: {{"2025-03", 1, 1, ids}}, ByDepth: {{"0.5–1.0", 1, 1, ids}}, ByZone: {{"Cheeks", 1, 1, ids}},
		ByFitzpatrick: {{"not recorded", 1, 1, ids}}, ByPractitioner: {{"not recorded", 1, 1, ids}},
		ByDevice: {{"not recorded", 1, 1, ids}}, ByLot: {{"L1", 1, 1, ids}},
	}
	for d, rates := range want {
		if !reflect.DeepEqual(one.By[d], rates) {
			t.Errorf("by %s: %+v, want %+v", d, one.By[d], rates)
		}
	}
	if len(one.By[ByProduct]) != 0 || one.NewClients != 1 || one.ReturningClients != 0 || len(one.Signals) != 0 ||
		one.By[ByZone][0].Enough() || one.Assessed != 0 || len(one.ResultsByDepth) != 0 || len(one.ResultsByConcern) != 0 ||
		!reflect.DeepEqual(one.Overall().SessionIDs, ids) {
		t.Fatalf("one session: %+v", one)
	}
}

func TestSessionCountsOnceInAGroup(t *testing.T) {
	f := fact("ada", 4, "L1", true)
	f.Zones = append(f.Zones, ZoneFact{Zone: "Cheeks", DepthMM: 2.5}) // the same zone twice
	f.Lots = append(f.Lots, LotFact{Lot: " l1 "})                     // the same lot typed otherwise
	r := Compute(Query{}, []Fact{f})
	ids := []string{f.SessionID}
	if !reflect.DeepEqual(r.By[ByZone], []Rate{{"Cheeks", 1, 1, ids}}) || !reflect.DeepEqual(r.By[ByLot], []Rate{{"L1", 1, 1, ids}}) ||
		!reflect.DeepEqual(r.By[ByDepth], []Rate{{">2.0", 1, 1, ids}}) {
		t.Fatalf("zones %+v, lots %+v, depth %+v", r.By[ByZone], r.By[ByLot], r.By[ByDepth])
	}
}

func TestResolutionMedianOfAnEvenCount(t *testing.T) {
	f := fact("ada", 4, "L1", false)
	for _, days := range []int{1, 3, 8, 2} {
		f.SideEffects = append(f.SideEffects, SideEffectFact{Kind: "Oedema", Onset: data.NewDate(2025, 3, 4),
			Resolved: data.NewDate(2025, 3, 4+days)})
	}
	f.SideEffects = append(f.SideEffects, SideEffectFact{Kind: "Oedema", Onset: data.NewDate(2025, 3, 4)})
	r := Compute(Query{}, []Fact{f})
	want := []Resolution{{Kind: "Oedema", Count: 5, Resolved: 4, MeanDays: 3.5, MedianDays: 2.5, SessionIDs: []string{f.SessionID}}}
	if !reflect.DeepEqual(r.Resolutions, want) {
		t.Fatalf("resolutions %+v, want %+v", r.Resolutions, want)
	}
}

func TestParseDimension(t *testing.T) {
	if d, err := ParseDimension("fitzpatrick"); err != nil || d != ByFitzpatrick {
		t.Fatal(d, err)
	}
	if _, err := ParseDimension("colour"); err == nil || err.Error() != `"colour" is not a grouping; use one of `+
		`month, depth, zone, product, fitzpatrick, practitioner, device, lot` {
		t.Fatal(err)
	}
}

// Results spread by depth band and by concern, each session with its latest result; a session
// without one counts in neither, and one naming a concern twice counts in it once.
func TestResultSpreads(t *testing.T) {
	shallow := fact("ada", 4, "L1", false)
	shallow.Zones[0].DepthMM = 0.5
	shallow.Concerns = []string{"Acne scars", "Texture", "Acne scars"}
	shallow.Result = data.GAISMuchImproved
	deep := fact("bea", 5, "L1", true)
	deep.Zones[0].DepthMM = 1.5
	deep.Concerns = []string{"Acne scars"}
	deep.Result = data.GAISWorse
	unrated := fact("cai", 6, "L1", false)
	unrated.Concerns = []string{"Texture"}
	noConcern := fact("dag", 7, "L1", false)
	noConcern.Zones = nil
	noConcern.Result = data.GAISImproved
	r := Compute(Query{}, []Fact{shallow, deep, unrated, noConcern})
	if r.Assessed != 3 {
		t.Fatalf("assessed %d, want 3", r.Assessed)
	}
	wantDepth := []ResultSpread{
		{Group: "≤0.5", Grades: [5]int{0, 1, 0, 0, 0}, SessionIDs: []string{shallow.SessionID}},
		{Group: "1.0–1.5", Grades: [5]int{0, 0, 0, 0, 1}, SessionIDs: []string{deep.SessionID}},
		{Group: NotRecorded, Grades: [5]int{0, 0, 1, 0, 0}, SessionIDs: []string{noConcern.SessionID}},
	}
	if !reflect.DeepEqual(r.ResultsByDepth, wantDepth) {
		t.Errorf("by depth %+v, want %+v", r.ResultsByDepth, wantDepth)
	}
	wantConcern := []ResultSpread{
		{Group: "Acne scars", Grades: [5]int{0, 1, 0, 0, 1}, SessionIDs: []string{shallow.SessionID, deep.SessionID}},
		{Group: "Texture", Grades: [5]int{0, 1, 0, 0, 0}, SessionIDs: []string{shallow.SessionID}},
		{Group: NotRecorded, Grades: [5]int{0, 0, 1, 0, 0}, SessionIDs: []string{noConcern.SessionID}},
	}
	if !reflect.DeepEqual(r.ResultsByConcern, wantConcern) {
		t.Errorf("by concern %+v, want %+v", r.ResultsByConcern, wantConcern)
	}
	if a := r.ResultsByConcern[0]; a.Assessed() != 2 || a.Improved() != 1 {
		t.Errorf("acne scars: %d assessed, %d improved; want 2 and 1", a.Assessed(), a.Improved())
	}
}

// A quiet month shows as a month with no session: every month of the period is there, and with
// no period every month between the first session and the last.
func TestEveryMonthOfThePeriod(t *testing.T) {
	march := fact("ada", 4, "L1", true)
	may := fact("ada", 6, "L1", false)
	may.Started = time.Date(2025, 5, 6, 12, 0, 0, 0, time.UTC)
	names := func(ms []Month) (out []string) {
		for _, m := range ms {
			out = append(out, m.Month)
		}
		return out
	}
	r := Compute(Query{From: data.NewDate(2025, 2, 10), To: data.NewDate(2025, 6, 1)}, []Fact{march, may})
	if got, want := names(r.Months), []string{"2025-02", "2025-03", "2025-04", "2025-05", "2025-06"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("months %v, want %v", got, want)
	}
	if r.Months[1].Sessions != 1 || r.Months[1].WithSideEffects != 1 || r.Months[2] != (Month{Month: "2025-04"}) {
		t.Fatalf("months %+v", r.Months)
	}
	if got := names(Compute(Query{}, []Fact{may, march}).Months); !reflect.DeepEqual(got, []string{"2025-03", "2025-04", "2025-05"}) {
		t.Fatalf("all sessions: months %v", got)
	}
	if got := Compute(Query{From: data.NewDate(2025, 2, 10), To: data.NewDate(2025, 6, 1)}, nil).Months; got != nil {
		t.Fatalf("no session: months %v", got)
	}
	// The months a rate is given for are those with sessions.
	if got := len(r.By[ByMonth]); got != 2 {
		t.Fatalf("%d months rated, want 2", got)
	}
}

// A tiny p-value is said with its relation, never "p = < 0.0001".
func TestSignalSaysATinyP(t *testing.T) {
	q := Query{From: data.NewDate(2025, 3, 1), To: data.NewDate(2025, 3, 31)}
	r := Compute(q, append(practice(400, 0, "OK"), practice(20, 15, "BAD")...))
	if len(r.Signals) == 0 {
		t.Fatal("no signal")
	}
	if s := r.Signals[0].Sentence(); !strings.Contains(s, "p < 0.0001, below 0.01") {
		t.Fatalf("sentence: %s", s)
	}
}
