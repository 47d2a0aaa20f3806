package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

func TestRecall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPractice(t, 64)
	// Анна got the same serum lot, typed in lower case, and has since been archived.
	se := data.Session{ClientID: p.anna.ID, StartedAt: testkit.LocalNow.Add(-30 * time.Minute),
		Products: []data.ProductUse{{ProductID: p.vitC.ID, Lot: "vc-77 ", Phase: data.PhaseAfter}}}
	if err := p.store.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	p.anna.ArchivedAt = testkit.LocalNow
	if err := p.store.UpdateClient(ctx, &p.anna); err != nil {
		t.Fatal(err)
	}
	rows, err := p.store.LotRecall(ctx, "VC-77")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want the 3 sessions of Zoë and Анна's", len(rows))
	}
	var buf bytes.Buffer
	if err := WriteRecall(&buf, "VC-77", rows); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	requireText(t, "recall", text, "Lot recall: VC-77", "4 uses, 4 sessions, 2 clients",
		"Client", "Phone and email", "Session", "Lot used as", "Practitioner",
		"Zoë Ångström", "Анна Иванова", "(archived)", "+41 79 123 45 67", "client@example.com",
		"13 Jan 2026, 12:30", "10 Feb 2026, 12:30", "10 Mar 2026, 12:30", "10 Mar 2026, 14:00",
		"Product Vitamin C serum", "after needling, lot VC-77", "lot vc-77", "Dr Lée Ørsted", "not signed",
		"Lot recall · lot VC-77 · printed", "Page 1 of 1")
	if strings.Count(text, "Zoë Ångström") != 3 {
		t.Errorf("Zoë is listed %d times, want once per session", strings.Count(text, "Zoë Ångström"))
	}

	rows, err = p.store.LotRecall(ctx, "c-9932")
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteRecall(&buf, "c-9932", rows); err != nil {
		t.Fatal(err)
	}
	requireText(t, "cartridge recall", pdfText(t, buf.Bytes()), "1 use, 1 session, 1 client",
		"Cartridge 12-pin, lot C-9932,", "expires 31 Jan 2027", "10 Feb 2026, 12:30")
}

func TestRecallOfUnusedLot(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteRecall(&buf, " X-1 ", nil); err != nil {
		t.Fatal(err)
	}
	requireText(t, "empty recall", pdfText(t, buf.Bytes()), "Lot recall: X-1", "0 uses, 0 sessions, 0 clients",
		"No session recorded lot X-1")
}

// A recall of a widely used lot runs over several pages, repeating the table's header.
func TestRecallTableRepeatsHeader(t *testing.T) {
	t.Parallel()
	var rows []data.RecallRow
	for i := range 120 {
		rows = append(rows, data.RecallRow{ClientID: "c", ClientName: "Zoë Ångström", SessionID: string(rune('a' + i)),
			StartedAt: testkit.LocalNow.Add(-time.Duration(i) * 24 * time.Hour), Use: data.RecallCartridge, Item: "12-pin",
			Lot: "C-1", Practitioner: "Dr Lee", SessionStatus: data.StatusSigned})
	}
	var buf bytes.Buffer
	if err := WriteRecall(&buf, "C-1", rows); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
	if len(pages) < 3 {
		t.Fatalf("%d pages for 120 rows", len(pages))
	}
	for i, page := range pages {
		if !strings.Contains(page, "Lot used as") {
			t.Errorf("page %d lacks the table's header", i+1)
		}
	}
	requirePageNumbers(t, "long recall", text, len(pages))
	if n := strings.Count(text, "Cartridge 12-pin, lot C-1"); n != 120 {
		t.Errorf("%d rows printed, want 120", n)
	}
}

// An e-mail address too long for its column at the shares set is kept whole on one line: the
// column widens to it, taking room from the others, rather than cutting it mid-address.
func TestRecallKeepsAnEmailAddressWhole(t *testing.T) {
	t.Parallel()
	const email = "hannah.gross21@example.com"
	long := "marie-christine.vanderhoeven@praxis-beispiel.example.org"
	rows := []data.RecallRow{
		{ClientID: "c1", ClientName: "Hannah Groß", Phone: "+49 170 1234567", Email: email, SessionID: "s1",
			StartedAt: testkit.LocalNow, Use: data.RecallCartridge, Item: "12-pin", Lot: "C-1",
			Practitioner: "Dr Lee", SessionStatus: data.StatusSigned},
		{ClientID: "c2", ClientName: "Marie-Christine van der Hoeven", Email: long, SessionID: "s2",
			StartedAt: testkit.LocalNow, Use: data.RecallCartridge, Item: "12-pin", Lot: "C-1",
			Practitioner: "Dr Lee", SessionStatus: data.StatusSigned},
	}
	var buf bytes.Buffer
	if err := WriteRecall(&buf, "C-1", rows); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{email, long} {
		if !strings.Contains(text, want) {
			t.Errorf("%q is not whole on one line in:\n%s", want, text)
		}
	}
	requireText(t, "recall", text, "Practitioner", "Hannah Groß", "Dr Lee")
}
