package storetest

import (
	"context"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

// exportResults: the results table gives each assessment of the chosen sessions, linked to its
// session and client, its grade in words and its scores as numbers, the same on every engine.
func exportResults(t *testing.T, s store.Store) {
	ctx := context.Background()
	lee := testkit.CreatePractitioner(t, s, "Dr Lee", "")
	ana := testkit.CreateClient(t, s, "Ana", "Núñez")
	bo := testkit.CreateClient(t, s, "Bo", "Berg")
	first := storedSession(t, s, ana.ID)
	first.StartedAt = first.StartedAt.AddDate(0, 0, -9)
	first.PractitionerID = lee.ID
	must(t, s.CreateSession(ctx, &first))
	second := storedSession(t, s, bo.ID)
	must(t, s.CreateSession(ctx, &second))

	_, rows, _ := exported(t, s, store.ExportQuery{})
	if n := len(rows[store.ExportResults]); n != 0 {
		t.Fatalf("%d results before any was recorded", n)
	}
	full := outcomeAfter(s, first)
	full.PractitionerID = lee.ID
	plain := data.Outcome{ClientID: ana.ID, SessionID: first.ID, AssessedAt: first.StartedAt.Add(time.Hour), GAIS: data.GAISNoChange}
	other := data.Outcome{ClientID: bo.ID, SessionID: second.ID, AssessedAt: second.StartedAt.Add(time.Minute), GAIS: data.GAISWorse}
	for _, o := range []*data.Outcome{&full, &plain, &other} {
		must(t, s.SaveOutcome(ctx, o))
	}

	_, rows, cols := exported(t, s, store.ExportQuery{})
	got := rows[store.ExportResults]
	if len(got) != 3 {
		t.Fatalf("%d results, want 3", len(got))
	}
	// By session as the other tables go, then as assessed.
	for i, want := range []string{plain.ID, full.ID, other.ID} {
		if got[i][0] != want {
			t.Errorf("result %d is %v, want %s", i, got[i][0], want)
		}
	}
	row := map[string]any{}
	for i, c := range cols[store.ExportResults] {
		row[c.Name] = got[1][i]
	}
	for name, want := range map[string]any{"session_id": first.ID, "client_id": ana.ID, "client": "Ana Núñez",
		"assessed_by": "Dr Lee", "gais": "much improved", "satisfaction": int64(0), "scar_baseline": int64(3), "scar_now": int64(2),
		"from_photos": "yes", "notes": "Boxcar scars shallower on both cheeks."} {
		if row[name] != want {
			t.Errorf("%s = %#v, want %#v", name, row[name], want)
		}
	}
	for name, want := range map[string]time.Time{"assessed_at": full.AssessedAt, "started_at": first.StartedAt, "created_at": full.CreatedAt} {
		if v, ok := row[name].(time.Time); !ok || !v.Equal(want) {
			t.Errorf("%s = %#v, want %v", name, row[name], want)
		}
	}
	for i, c := range cols[store.ExportResults] {
		if v := got[0][i]; (c.Name == "satisfaction" || c.Name == "scar_baseline" || c.Name == "scar_now" || c.Name == "assessed_by") &&
			v != nil && v != "" {
			t.Errorf("the plain result's %s = %#v, want nothing", c.Name, v)
		}
	}

	// The same choice of sessions as the other tables.
	_, rows, _ = exported(t, s, store.ExportQuery{PractitionerID: lee.ID})
	if r := rows[store.ExportResults]; len(r) != 2 || r[0][1] != first.ID || r[1][1] != first.ID {
		t.Errorf("Dr Lee's export holds results %v", r)
	}
	day := data.DateOf(second.StartedAt)
	_, rows, _ = exported(t, s, store.ExportQuery{From: day, To: day, Tables: []string{store.ExportResults}})
	if r := rows[store.ExportResults]; len(r) != 1 || r[0][0] != other.ID {
		t.Errorf("one day's export holds results %v", r)
	}
}
