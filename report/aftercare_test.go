package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

func TestAftercareSheet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPractice(t, 64)
	a, err := LoadAftercare(ctx, p.store, p.sessions[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.DeepestMM != 1.75 || a.Version != "1" {
		t.Fatalf("deepest %v mm, version %q", a.DeepestMM, a.Version)
	}
	var buf bytes.Buffer
	if err := WriteAftercare(&buf, a); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	requireText(t, "aftercare sheet", text, clinicName, "8001 Zürich", "Caring for your skin after microneedling",
		"For Zoë Ångström · treatment on Tuesday 10 March 2026",
		"Expected downtime: 6–7 days (treated up to 1.75 mm deep).",
		"For the first week, avoid", "Sun exposure", "alpha-hydroxy acids", "retinol",
		"For the first week, do", "Stay hydrated", "antioxidant serum", "cooling mask", "collagen-stimulating peptides",
		"What to expect", "usually settle within 72 hours", "Call us if you notice", "Signs of infection",
		"Recommended for you today", "Avoid AHA and retinol products",
		"Your next session", "Tuesday 7 April 2026", "Your practitioner: Dr Lée Ørsted, RN.",
		"Call us on "+clinicPhone, "Aftercare sheet version 1 · Zoë Ångström · printed 10 Mar 2026, 14:30", "Page 1 of 1")
	requireNoEXIF(t, "aftercare sheet", buf.Bytes())
}

// A sheet for a light session without a next date, written from a plain struct: shallow needling
// gives the short downtime, and the text is the default one.
func TestAftercareSheetLightSession(t *testing.T) {
	t.Parallel()
	a := AftercareSheet{ClientName: "Ελένη Παπαδοπούλου", SessionStart: testkit.LocalNow, DeepestMM: 0.3, Printed: testkit.LocalNow}
	var buf bytes.Buffer
	if err := WriteAftercare(&buf, a); err != nil {
		t.Fatal(err)
	}
	requireText(t, "light aftercare sheet", pdfText(t, buf.Bytes()), "For Ελένη Παπαδοπούλου",
		"Expected downtime: 2–3 days (treated up to 0.3 mm deep).", DefaultAftercare.Avoid[0],
		"will agree the date of your next session")
}

func TestDowntime(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		mm   float64
		want string
	}{{0, ""}, {0.1, "2–3 days"}, {0.25, "2–3 days"}, {0.5, "2–3 days"}, {0.6, "4–5 days"}, {0.8, "4–5 days"},
		{1.5, "4–5 days"}, {1.75, "6–7 days"}, {2, "6–7 days"}, {data.MaxDepthMM, "6–7 days"}} {
		if got := Downtime(c.mm); got != c.want {
			t.Errorf("Downtime(%v) = %q, want %q", c.mm, got, c.want)
		}
	}
}

// An item given twice, or written twice into the sheet's text, is printed once, where it first
// comes, and the order of the rest is kept.
func TestAftercareSheetSaysEachItemOnce(t *testing.T) {
	t.Parallel()
	text := DefaultAftercare
	text.Do = append([]string{"Apply an antioxidant serum."}, text.Do...) // the practice's edit repeats an item
	a := AftercareSheet{ClientName: "Ada Byrne", SessionStart: testkit.LocalNow, DeepestMM: 0.5, Printed: testkit.LocalNow, Text: text,
		Given: []string{"Cooling mask", "Zinc balm", "zinc  balm", "Zinc balm.", "Barrier cream", "Cooling mask"}}
	var buf bytes.Buffer
	if err := WriteAftercare(&buf, a); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
	for item, want := range map[string]int{"apply an antioxidant serum.": 1, "zinc balm": 1, "barrier cream": 1,
		"cooling mask": 2} { // given, and in "Use a cooling mask to soothe…"
		if n := strings.Count(strings.ToLower(got), item); n != want {
			t.Errorf("%q is printed %d times, want %d:\n%s", item, n, want, got)
		}
	}
	if i, j, k := strings.Index(got, "Cooling mask"), strings.Index(got, "Zinc balm"), strings.Index(got, "Barrier cream"); !(i < j && j < k) {
		t.Errorf("the items are not in the order given: %s", got)
	}
}
