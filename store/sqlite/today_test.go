package sqlite_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// A Tuesday's work: due this week in date order, overdue most recent first, and the loose ends
// with the signed-in practitioner's unsigned sessions first.
func TestTodayListsTheWeekOverdueAndLooseEnds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	today := data.DateOf(testkit.Now)
	anna := data.Practitioner{Name: "Anna Lind"}
	bo := data.Practitioner{Name: "Bo Berg"}
	for _, p := range []*data.Practitioner{&anna, &bo} {
		if err := s.SavePractitioner(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// Each client's one session plans their next visit dueIn days from today.
	session := func(first string, dueIn int, by string, resolved bool) data.Session {
		c := testkit.CreateClient(t, s, first, "Client")
		se := testkit.StoredSession(t, s, c.ID)
		se.NextDue = today.AddDays(dueIn)
		se.StartedAt = se.NextDue.AddDays(-28).Start().Add(10 * time.Hour)
		if se.StartedAt.After(testkit.Now) {
			se.StartedAt = testkit.Now.Add(-time.Hour)
		}
		se.PractitionerID = by
		se.SideEffects[0].Onset = data.DateOf(se.StartedAt)
		if resolved {
			se.SideEffects[0].Resolved = data.DateOf(se.StartedAt).AddDays(2)
		}
		if err := s.CreateSession(ctx, &se); err != nil {
			t.Fatalf("session for %s: %v", first, err)
		}
		return se
	}
	session("Tomorrow", 1, bo.ID, true)
	session("Today", 0, anna.ID, true)
	session("Saturday", 4, "", true)
	session("NextWeek", 7, "", true)
	session("LongAgo", -356, "", false)
	yesterday := session("Yesterday", -1, bo.ID, true)
	session("LastWeek", -6, anna.ID, false)
	signedSession(t, s) // Anna Smith's, due in four weeks, with a side effect still open
	gone := session("Archived", 2, "", true)
	if err := s.ArchiveClient(ctx, gone.ClientID); err != nil {
		t.Fatal(err)
	}
	draft := data.Draft{ClientID: yesterday.ClientID, SessionID: yesterday.ID, Form: []byte(`{}`)}
	if err := s.SaveDraft(ctx, &draft); err != nil {
		t.Fatal(err)
	}

	got, err := s.Today(ctx, anna.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := func(cs []data.ClientSummary) (out []string) {
		for _, c := range cs {
			out = append(out, c.FirstName)
		}
		return out
	}
	if g := names(got.Due); !slices.Equal(g, []string{"Today", "Tomorrow", "Saturday"}) || got.DueCount != 3 {
		t.Errorf("due this week %v (%d), want Today, Tomorrow, Saturday", g, got.DueCount)
	}
	if g := names(got.Overdue); !slices.Equal(g, []string{"Yesterday", "LastWeek", "LongAgo"}) || got.OverdueCount != 3 {
		t.Errorf("overdue %v (%d), want the most recently overdue first", g, got.OverdueCount)
	}
	var unsigned []string
	for _, u := range got.Unsigned {
		unsigned = append(unsigned, u.ClientName)
	}
	// Anna's own first (the newest first), then everyone's, the newest first.
	// The archived client's counts too: a loose end is one whoever it belongs to; the signed one does not.
	want := []string{"Today Client", "LastWeek Client"}
	if got.UnsignedCount != 8 || len(got.Unsigned) != 8 || !slices.Equal(unsigned[:2], want) {
		t.Errorf("unsigned %v (%d), want Anna's %v first of 8", unsigned, got.UnsignedCount, want)
	}
	if got.Unsigned[0].PractitionerName != "Anna Lind" {
		t.Errorf("unsigned session names %q as its practitioner", got.Unsigned[0].PractitionerName)
	}
	var open []string
	for _, e := range got.SideEffects {
		open = append(open, e.ClientName+" "+e.Kind)
	}
	if !slices.Equal(open, []string{"Anna Smith Erythema", "LastWeek Client Erythema", "LongAgo Client Erythema"}) || got.SideEffectCount != 3 {
		t.Errorf("side effects awaiting follow-up %v (%d)", open, got.SideEffectCount)
	}
	if got.DraftCount != 1 || len(got.Drafts) != 1 || got.Drafts[0].DraftID != draft.ID ||
		got.Drafts[0].SessionID != yesterday.ID || got.Drafts[0].ClientName != "Yesterday Client" {
		t.Errorf("open drafts %+v (%d)", got.Drafts, got.DraftCount)
	}

	// A cap keeps each list short; the counts stay whole.
	capped, err := s.Today(ctx, "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(capped.Overdue) != 2 || capped.OverdueCount != 3 || len(capped.Unsigned) != 2 || capped.UnsignedCount != 8 {
		t.Errorf("capped at 2: %d of %d overdue, %d of %d unsigned", len(capped.Overdue), capped.OverdueCount,
			len(capped.Unsigned), capped.UnsignedCount)
	}
}

// BenchmarkToday reads the day's work of a practice of 20,000 clients and 100,000 sessions.
func BenchmarkToday(b *testing.B) {
	s := benchPractice(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Today(ctx, "", 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCountClients counts a search's matches in the same practice.
func BenchmarkCountClients(b *testing.B) {
	s := benchPractice(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.CountClients(ctx, data.ClientQuery{Text: "a"}); err != nil {
			b.Fatal(err)
		}
	}
}
