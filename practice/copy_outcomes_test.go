package practice_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// TestCopyKeepsResults: a practice moved to the clinic's server and back keeps its recorded
// results of treatment, as they were.
func TestCopyKeepsResults(t *testing.T) {
	ctx := context.Background()
	src, _ := sqlitetest.OpenStore(t)
	p := testkit.CreatePractitioner(t, src, "Léa Fontaine", "")
	actx := data.WithActor(ctx, p.ID)
	c := testkit.CreateClient(t, src, "Anna", "Smith")
	se := testkit.CreateSession(t, src, c.ID, func(se *data.Session) { se.PractitionerID = p.ID })
	o := data.Outcome{ClientID: c.ID, SessionID: se.ID, AssessedAt: src.Now().Add(-time.Minute), GAIS: data.GAISImproved,
		Satisfaction: data.Optional[int]{V: 7, Valid: true}, ScarBaseline: data.Optional[int]{V: 3, Valid: true},
		ScarNow: data.Optional[int]{V: 2, Valid: true}, FromPhotos: true, Notes: "Assessed from the 3-month photos."}
	if err := src.SaveOutcome(actx, &o); err != nil {
		t.Fatal(err)
	}
	want, err := src.Outcomes(ctx, c.ID)
	if err != nil || len(want) != 1 {
		t.Fatalf("results before the copy: %v %v", want, err)
	}

	server, err := postgres.Open(ctx, testkit.Postgres(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	res, err := practice.Copy(ctx, src, server, practice.CopyOptions{})
	if err != nil {
		t.Fatalf("copy to the server: %v", err)
	}
	if res.Rows["outcome_assessments"] != 1 {
		t.Fatalf("rows copied: %v", res.Rows)
	}
	back := sqlitetest.OpenStoreAt(t, filepath.Join(t.TempDir(), "back.db"), nil)
	if _, err := practice.Copy(ctx, server, back, practice.CopyOptions{}); err != nil {
		t.Fatalf("copy back to a file: %v", err)
	}
	// The file copied back makes its own insights table as the records come in: the same facts
	// as the source file's table and as the server's records.
	wantFacts := insightFacts(t, src)
	for name, st := range map[string]interface {
		InsightFacts(context.Context, insights.Query, func(*insights.Fact) error) error
	}{"server": server, "file": back} {
		if got := insightFacts(t, st); !reflect.DeepEqual(got, wantFacts) || len(got) != 1 || got[0].Result != data.GAISImproved {
			t.Errorf("insight facts on the %s: %+v, want %+v", name, got, wantFacts)
		}
	}
	for name, got := range map[string]func() ([]data.Outcome, error){
		"server": func() ([]data.Outcome, error) { return server.Outcomes(ctx, c.ID) },
		"file":   func() ([]data.Outcome, error) { return back.Outcomes(ctx, c.ID) },
	} {
		g, err := got()
		if err != nil || len(g) != 1 || !sameOutcome(g[0], want[0]) {
			t.Errorf("results on the %s: %+v %v, want %+v", name, g, err, want)
		}
	}
}

func sameOutcome(a, b data.Outcome) bool {
	if !a.AssessedAt.Equal(b.AssessedAt) || !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	a.AssessedAt, a.CreatedAt, a.UpdatedAt = b.AssessedAt, b.CreatedAt, b.UpdatedAt
	return a == b
}

// insightFacts are every session's facts as st reads them for the insights.
func insightFacts(t *testing.T, st interface {
	InsightFacts(context.Context, insights.Query, func(*insights.Fact) error) error
}) []insights.Fact {
	t.Helper()
	var out []insights.Fact
	if err := st.InsightFacts(context.Background(), insights.Query{}, func(f *insights.Fact) error {
		out = append(out, *f)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
