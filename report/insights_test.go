package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/store/storetest"
)

// insightsOf is the report of facts for March 2026, printed on 1 April.
func insightsOf(facts []insights.Fact) Insights {
	q := insights.Query{From: data.NewDate(2026, 3, 1), To: data.NewDate(2026, 3, 31)}
	return Insights{Clinic: Clinic{Name: clinicName}, Report: insights.Compute(q, facts), Currency: "EUR",
		Printed: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
}

func writeInsightsPDF(t *testing.T, in Insights) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteInsights(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A practice of one session: every figure is a count, none a percentage.
func TestInsightsOfOneSessionAreCounts(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	in := insightsOf([]insights.Fact{{SessionID: "s1", ClientID: "c1", Started: at, ClientFirst: at, Practitioner: "Dr Lée",
		Device: "SkinPen", Fitzpatrick: 4, PriceCents: data.Optional[int64]{V: 25000, Valid: true},
		Zones:       []insights.ZoneFact{{Zone: "Cheeks", DepthMM: 1.25}},
		SideEffects: []insights.SideEffectFact{{Kind: "Erythema", Onset: data.DateOf(at), Resolved: data.DateOf(at).AddDays(2)}}}})
	text := pdfText(t, writeInsightsPDF(t, in))
	requireText(t, "one session", text, "Practice report: "+clinicName, "1 Mar 2026 to 31 Mar 2026 · All practitioners",
		"Sessions 1", "With side effects 1 of 1 session, too few to rate (under 10 sessions)",
		"1 client: 1 new, 0 returning", "€250.00 from 1 of 1 sessions with a price recorded",
		"1.0–1.5 1 1 too few to rate (under 10 sessions)", "IV 1 1 too few to rate", "Erythema 1 1 of 1 2 2",
		"No safety signal", "No result was assessed")
	// A percentage appears only as the rate column's unit.
	if n := len(regexp.MustCompile(`\d\s*%`).FindAllString(text, -1)); n != 0 {
		t.Errorf("a single session is given %d percentages:\n%s", n, text)
	}
}

// Many groups with long names run onto further pages whole, their tables' headers repeated.
func TestInsightsOfManyGroupsBreakPages(t *testing.T) {
	t.Parallel()
	var facts []insights.Fact
	long := "Tranexamic acid 3% brightening serum with niacinamide, made for needled skin (clinic size)"
	for i := range 120 {
		at := time.Date(2026, 3, 1+i%28, 12, 0, 0, 0, time.UTC)
		f := insights.Fact{SessionID: fmt.Sprint("s", i), ClientID: fmt.Sprint("c", i%30), Started: at, ClientFirst: at,
			Zones:    []insights.ZoneFact{{Zone: fmt.Sprintf("Zone %02d", i%12), DepthMM: 0.25 + float64(i%10)*0.25}},
			Products: []insights.ProductFact{{Product: long}},
			Lots:     []insights.LotFact{{Lot: fmt.Sprintf("LOT-%03d", i%60), Item: "Nano 36"}}}
		if i%4 == 0 {
			f.SideEffects = []insights.SideEffectFact{{Kind: "Erythema", Onset: data.DateOf(at)}}
		}
		facts = append(facts, f)
	}
	pdf := writeInsightsPDF(t, insightsOf(facts))
	text := pdfText(t, pdf)
	requireText(t, "many groups", text, "Sessions 120", "25.0% (30 of 120 sessions)", "Tranexamic acid 3% brightening", "120 30 25.0",
		"LOT-000 (Nano 36) 2 2 too few to rate", "LOT-059 (Nano 36) 2 0 too few to rate", "Zone 11 10 0 0.0",
		"The chart shows the 25 largest of the 60 groups; the table lists them all.")
	// The lot table runs over a page: its header is repeated there.
	if n := strings.Count(text, "Lot (item)"); n < 2 {
		t.Errorf("the lot table's header is shown %d times, want it on each page the table runs onto", n)
	}
	if n := pageCount(t, pdf); n < 4 || n > 12 {
		t.Errorf("%d pages", n)
	}
}

// The practice report read from a practice is in its audit log, with its period; a cancelled one
// is not, and fails even when it was written.
func TestInsightsPDFIsLoggedUnlessCancelled(t *testing.T) {
	t.Parallel()
	s := sqlitetest.OpenStoreNow(t, nil)
	storetest.InsightsPractice(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	if err := InsightsPDF(ctx, s, storetest.InsightsPeriod, &buf); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled report gives %v", err)
	}
	const id = "2025-03-01/2025-04-30"
	if logged, err := s.AuditLog(context.Background(), id); err != nil || len(logged) != 0 {
		t.Fatalf("a cancelled report is logged: %+v (%v)", logged, err)
	}
	buf.Reset()
	if err := InsightsPDF(context.Background(), s, storetest.InsightsPeriod, &buf); err != nil {
		t.Fatal(err)
	}
	logged, err := s.AuditLog(context.Background(), id)
	if err != nil || len(logged) != 1 || logged[0].Action != data.ActionExport || logged[0].Entity != "insights" {
		t.Fatalf("the report is logged as %+v (%v)", logged, err)
	}
	requireText(t, "the report read from the practice", pdfText(t, buf.Bytes()), "Sessions 42", "BAD-1 (Nano 12) 10 6 60.0")
}
