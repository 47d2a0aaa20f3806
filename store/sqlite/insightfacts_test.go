package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
)

// insightFacts reads q's facts from the practice file at path, opened to read, each list in one
// order (the rows of a session's zones come in no particular one).
func insightFacts(t *testing.T, path string, q insights.Query) []insights.Fact {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []insights.Fact
	err = s.InsightFacts(ctx, q, func(f *insights.Fact) error {
		sortBy(f.Zones)
		sortBy(f.Products)
		sortBy(f.Lots)
		sortBy(f.SideEffects)
		out = append(out, *f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sortBy puts a list in the order of its items' words.
func sortBy[T any](list []T) {
	slices.SortFunc(list, func(a, b T) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
}

// fromRecords is q's figures read from the records themselves: a copy of the file without
// insight_facts, as a file from before it was kept reads.
func fromRecords(t *testing.T, path string, q insights.Query) []insights.Fact {
	t.Helper()
	cp := filepath.Join(t.TempDir(), "records.db")
	for _, suffix := range []string{"", "-wal"} { // what is committed, the practice open or not
		b, err := os.ReadFile(path + suffix)
		if errors.Is(err, fs.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cp+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: cp}).EscapedPath())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DROP TABLE insight_facts`); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	return insightFacts(t, cp, q)
}

// The figures kept in insight_facts are those the records give, after every kind of change a
// practice makes: sessions written (one before the client's others), signed and amended, side
// effects added and resolved later, results saved and deleted, a client's skin type changed, a
// session moved before the client's others, a practitioner renamed, a client deleted.
func TestInsightFactsFollowTheRecords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true, Now: testkit.Fixed(testkit.Now)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Generate(ctx, s, demo.Options{Clients: 40, Sessions: 200, Seed: 3, PhotoClients: -1, Years: 5}); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// agree checks, after each change, that the facts kept are those the records give.
	queries := []insights.Query{
		{},
		{From: data.DateOf(testkit.Now).AddDays(-365), To: data.DateOf(testkit.Now)},
		{From: data.DateOf(testkit.Now).AddDays(-365 * 3), To: data.DateOf(testkit.Now), BeyondExpected: true},
	}
	agree := func(change string) {
		t.Helper()
		for _, q := range queries {
			kept, records := insightFacts(t, path, q), fromRecords(t, path, q)
			if len(kept) == 0 || len(kept) != len(records) {
				t.Fatalf("after %s, %+v: %d sessions kept, %d in the records", change, q, len(kept), len(records))
			}
			for i := range kept {
				if !reflect.DeepEqual(kept[i], records[i]) {
					t.Fatalf("after %s, %+v: the facts kept differ from the records':\n kept   %+v\n records %+v", change,
						q, kept[i], records[i])
				}
			}
			if b1, b2 := insights.Compute(q, kept), insights.Compute(q, records); !reflect.DeepEqual(b1, b2) {
				t.Fatalf("after %s, %+v: the figures differ", change, q)
			}
		}
	}
	agree("the demo")
	clients, err := s.ListClients(ctx, data.ClientQuery{})
	must(err)
	var signed, draft data.Session
	var outcome data.Outcome
	for _, c := range clients {
		tl, err := s.Timeline(ctx, c.ID)
		must(err)
		for _, e := range tl {
			se, err := s.Session(ctx, e.SessionID)
			must(err)
			if se.Status == data.StatusSigned && signed.ID == "" && len(se.Zones) > 0 {
				signed = se
			}
			if se.Status == data.StatusDraft && draft.ID == "" && len(tl) > 2 {
				draft = se
			}
		}
		results, err := s.Outcomes(ctx, c.ID)
		must(err)
		if len(results) > 0 && outcome.ID == "" {
			outcome = results[0]
		}
	}
	if signed.ID == "" || draft.ID == "" || outcome.ID == "" {
		t.Fatal("the demo has no signed session, draft of a client with others, or result")
	}

	// An amendment deepens a zone.
	amended := signed
	amended.Zones = append([]data.ZoneTreatment(nil), signed.Zones...)
	amended.Zones[0].DepthMM = 2.5
	s.SetActor(signed.SignedBy)
	_, err = s.AmendSession(ctx, amended, "Depth typed wrong")
	must(err)
	agree("an amendment")
	// The draft moves before every other session of its client, with another zone.
	draft.StartedAt = draft.StartedAt.AddDate(-6, 0, 0)
	draft.Zones = append(draft.Zones, data.ZoneTreatment{Zone: "Neck", DepthMM: 0.5, Passes: 2})
	draft.NoSideEffects = len(draft.SideEffects) == 0
	must(s.UpdateSession(ctx, &draft))
	agree("a session moved")
	// A side effect found at a follow-up on a signed session, then resolved.
	e := data.SideEffect{SessionID: signed.ID, Kind: "Milia", Severity: data.SeverityMild,
		Onset: data.DateOf(signed.StartedAt).AddDays(5)}
	must(s.AddSideEffect(ctx, &e))
	agree("a side effect added")
	e.Resolved = e.Onset.AddDays(9)
	must(s.UpdateSideEffect(ctx, &e))
	agree("a side effect resolved")
	// A session from paper notes, typed in after the client's later ones: their first, and the
	// one before their next.
	paper := data.Session{ClientID: signed.ClientID, StartedAt: signed.StartedAt.AddDate(-8, 0, 0), SeriesN: 1,
		IntervalDays: 28, NoSideEffects: true, Zones: []data.ZoneTreatment{{Zone: "Cheeks", DepthMM: 1, Passes: 2}}}
	must(s.CreateSession(ctx, &paper))
	agree("a session before the others")
	// The results of a client deleted.
	results, err := s.Outcomes(ctx, outcome.ClientID)
	must(err)
	for _, o := range results {
		must(s.DeleteOutcome(ctx, o.ID, "Entered for the wrong client"))
	}
	agree("results deleted")
	// The client's skin type, a practitioner's name.
	c, err := s.Client(ctx, clients[0].ID)
	must(err)
	c.Fitzpatrick = 1 + c.Fitzpatrick%6
	must(s.UpdateClient(ctx, &c))
	agree("a skin type changed")
	ps, err := s.Practitioners(ctx, true)
	must(err)
	ps[0].Name = "Renamed Practitioner"
	must(s.SavePractitioner(ctx, &ps[0]))
	agree("a practitioner renamed")
	// A client and all their records deleted.
	must(s.DeleteClient(ctx, clients[len(clients)-1].ID, "Asked to be forgotten"))
	agree("a client deleted")
	queries = append(queries, insights.Query{PractitionerID: ps[0].ID})
	agree("all of it, for one practitioner")
	must(s.Close())
}

// A row of insight_facts damaged in the file is never read as figures: the records themselves give them.
func TestDamagedInsightFactsReadTheRecords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true, Now: testkit.Fixed(testkit.Now)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Generate(ctx, s, demo.Options{Clients: 3, Sessions: 6, Seed: 1, PhotoClients: -1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := fromRecords(t, path, insights.Query{})
	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath())
	if err != nil {
		t.Fatal(err)
	}
	// A row whose fields run together, another cut short.
	for _, damage := range []string{
		`UPDATE insight_facts SET fact = replace(fact, char(31), char(30)) WHERE session_id = (SELECT min(session_id) FROM insight_facts)`,
		`UPDATE insight_facts SET fact = substr(fact, 1, 10) WHERE session_id = (SELECT max(session_id) FROM insight_facts)`,
	} {
		if _, err := raw.Exec(damage); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	if got := insightFacts(t, path, insights.Query{}); !reflect.DeepEqual(got, want) {
		t.Fatalf("damaged rows read:\n%+v\nwant the records'\n%+v", got, want)
	}
}
