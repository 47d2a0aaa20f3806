package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
)

func init() {
	sessionTests = append(sessionTests, subtest{"SessionBriefsByID", sessionBriefsByID})
}

// sessionBriefsByID lists the sessions a figure counts: by ID, oldest first, each once, with the
// client, practitioner, device, zones and side effects; IDs of no session left out, and more IDs
// than one query asks for.
func sessionBriefsByID(t *testing.T, s store.Store) {
	ctx := context.Background()
	fix := InsightsPractice(t, s)
	ids := slices.Clone(fix.Bo)
	slices.Reverse(ids)
	ids = append(ids, fix.Bo[0], missingID)
	got, err := s.SessionBriefs(ctx, ids)
	must(t, err)
	if len(got) != 10 {
		t.Fatalf("Bo's sessions: got %d briefs, want 10: %+v", len(got), got)
	}
	for i, b := range got {
		if b.SessionID != fix.Bo[i] {
			t.Fatalf("brief %d is session %s, want %s (oldest first)", i, b.SessionID, fix.Bo[i])
		}
	}
	first := got[0]
	if first.ClientName != "Bo Fixture" || first.Practitioner != "Dr Lee" || first.Device != "Pen A" ||
		!slices.Equal(first.Zones, []string{"Cheeks"}) || first.DeepestMM != 1.0 ||
		!slices.Equal(first.SideEffects, []string{"Erythema"}) || data.DateOf(first.StartedAt) != data.NewDate(2025, 3, 3) {
		t.Errorf("Bo's first session: %+v", first)
	}
	if k := got[5].SideEffects; !slices.Equal(k, []string{"Post-inflammatory hyperpigmentation"}) {
		t.Errorf("Bo's sixth session's side effects %v", k)
	}
	if k := got[6].SideEffects; len(k) != 0 {
		t.Errorf("Bo's seventh session has side effects %v, want none", k)
	}

	// Every session of the period, behind hundreds of IDs that name none: the sessions come in
	// more than one query, and Dee's last, with no practitioner or device, has two zones.
	var all []string
	for i := range 480 {
		all = append(all, fmt.Sprintf("00000000-0000-7000-8000-%012d", i))
	}
	period := readReport(t, s, InsightsPeriod)
	all = append(all, period.SessionIDs...)
	got, err = s.SessionBriefs(ctx, all)
	must(t, err)
	if len(got) != 42 {
		t.Fatalf("the period's sessions: got %d briefs, want 42", len(got))
	}
	last := got[41]
	if last.ClientName != "Dee Fixture" || last.Practitioner != "" || last.Device != "" ||
		!slices.Equal(last.Zones, []string{"Nose", "Chin"}) || last.DeepestMM != 1.05 || len(last.SideEffects) != 0 {
		t.Errorf("Dee's last session: %+v", last)
	}
	for i := 1; i < len(got); i++ {
		if got[i].StartedAt.Before(got[i-1].StartedAt) {
			t.Fatalf("briefs out of order at %d: %v before %v", i, got[i-1].StartedAt, got[i].StartedAt)
		}
	}
	if none, err := s.SessionBriefs(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("no IDs: %v, %v", none, err)
	}
}
