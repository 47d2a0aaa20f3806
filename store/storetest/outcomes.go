package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

var outcomeTests = []subtest{
	{"SaveListUpdateDelete", outcomeLife},
	{"RefusesBadValues", outcomeRefuses},
	{"GoWithTheirClient", outcomeClientDelete},
}

// outcomeAfter is an assessment of se made at the store's now, with every optional value given.
func outcomeAfter(s store.Store, se data.Session) data.Outcome {
	return data.Outcome{ClientID: se.ClientID, SessionID: se.ID, AssessedAt: s.Now().UTC().Truncate(time.Second),
		GAIS: data.GAISMuchImproved, Satisfaction: data.Optional[int]{V: 0, Valid: true},
		ScarBaseline: data.Optional[int]{V: 3, Valid: true}, ScarNow: data.Optional[int]{V: 2, Valid: true},
		FromPhotos: true, Notes: "  Boxcar scars shallower on both cheeks.  "}
}

func outcomeLife(t *testing.T, s store.Store) {
	se, ctx := signedSession(t, s) // results are assessed after the session is signed
	o := outcomeAfter(s, se)
	must(t, s.SaveOutcome(ctx, &o))
	if o.ID == "" || o.Version != 1 || o.PractitionerID != se.PractitionerID || o.Notes != "Boxcar scars shallower on both cheeks." {
		t.Fatalf("saved: %+v", o)
	}
	// One without the optional values, assessed in person by another practitioner.
	other := testkit.CreatePractitioner(t, s, "Mara Quist", "")
	plain := data.Outcome{ClientID: se.ClientID, SessionID: se.ID, AssessedAt: o.AssessedAt.Add(-time.Minute),
		PractitionerID: other.ID, GAIS: data.GAISNoChange}
	must(t, s.SaveOutcome(ctx, &plain))

	got, err := s.Outcomes(ctx, se.ClientID)
	must(t, err)
	if len(got) != 2 || got[0].ID != plain.ID || got[1].ID != o.ID {
		t.Fatalf("listed %+v, want the plain one first (assessed earlier)", got)
	}
	for i, want := range []data.Outcome{plain, o} {
		g := got[i]
		if !g.AssessedAt.Equal(want.AssessedAt) || !g.CreatedAt.Equal(want.CreatedAt) || !g.UpdatedAt.Equal(want.UpdatedAt) {
			t.Errorf("times of %s: %+v, want %+v", want.GAIS, g, want)
		}
		g.AssessedAt, g.CreatedAt, g.UpdatedAt = want.AssessedAt, want.CreatedAt, want.UpdatedAt
		if g != want {
			t.Errorf("read back\n %+v\nwant\n %+v", g, want)
		}
	}
	if got[0].Satisfaction.Valid || got[0].ScarBaseline.Valid || got[0].ScarNow.Valid || got[0].FromPhotos {
		t.Errorf("optional values read back as given: %+v", got[0])
	}
	if c2 := consentingClient(t, s, "Bea", "Jones"); true {
		if none, err := s.Outcomes(ctx, c2.ID); err != nil || len(none) != 0 {
			t.Errorf("another client's results: %v %v", none, err)
		}
	}

	stale := o
	o.GAIS, o.Satisfaction = data.GAISVeryMuchImproved, data.Optional[int]{V: 9, Valid: true}
	must(t, s.SaveOutcome(ctx, &o))
	if o.Version != 2 {
		t.Fatalf("version after update %d", o.Version)
	}
	stale.Notes = "written elsewhere"
	if err := s.SaveOutcome(ctx, &stale); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("stale update: %v, want a conflict", err)
	}
	got, _ = s.Outcomes(ctx, se.ClientID)
	if got[1].GAIS != data.GAISVeryMuchImproved || got[1].Satisfaction.V != 9 || got[1].Notes != o.Notes {
		t.Fatalf("after the update and the refused one: %+v", got[1])
	}
	// The session an assessment follows is kept: an update naming another is not found.
	moved := o
	moved.SessionID = plain.SessionID + "x"
	if err := s.SaveOutcome(ctx, &moved); err == nil {
		t.Fatal("an assessment moved to a session that is not the client's")
	}
	gone := o
	gone.ID = missingID
	if err := s.SaveOutcome(ctx, &gone); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("update of a missing assessment: %v", err)
	}

	testkit.ExpectFields(t, s.DeleteOutcome(ctx, o.ID, " "), "reason")
	const reason = "Entered for the wrong client."
	must(t, s.DeleteOutcome(ctx, o.ID, reason))
	if err := s.DeleteOutcome(ctx, o.ID, reason); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	got, _ = s.Outcomes(ctx, se.ClientID)
	if len(got) != 1 || got[0].ID != plain.ID {
		t.Fatalf("after deletion: %+v", got)
	}
	if a := actions(t, s, o.ID); !slices.Equal(a, []string{data.ActionCreate, data.ActionUpdate, data.ActionDelete}) {
		t.Fatalf("audited %v", a)
	}
	log, _ := s.AuditLog(ctx, o.ID)
	if last := log[len(log)-1]; !strings.Contains(last.Detail, reason) || last.PractitionerID != se.PractitionerID {
		t.Fatalf("audit of the deletion: %+v", last)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

func outcomeRefuses(t *testing.T, s store.Store) {
	se, ctx := signedSession(t, s)
	bad := outcomeAfter(s, se)
	bad.GAIS, bad.Satisfaction.V, bad.ScarNow.V = "better", 11, 5
	testkit.ExpectFields(t, s.SaveOutcome(ctx, &bad), "gais", "satisfaction", "scar_now")
	early := outcomeAfter(s, se)
	early.AssessedAt = se.StartedAt.Add(-time.Minute)
	testkit.ExpectFields(t, s.SaveOutcome(ctx, &early), "assessed_at")
	// A session of another client, and one that does not exist.
	c2 := consentingClient(t, s, "Bea", "Jones")
	foreign := outcomeAfter(s, se)
	foreign.ClientID = c2.ID
	testkit.ExpectFields(t, s.SaveOutcome(ctx, &foreign), "session")
	missing := outcomeAfter(s, se)
	missing.SessionID = missingID
	testkit.ExpectFields(t, s.SaveOutcome(ctx, &missing), "session")
	if bad.ID != "" || early.ID != "" {
		t.Fatal("a refused assessment was given an ID")
	}
	if got, err := s.Outcomes(ctx, se.ClientID); err != nil || len(got) != 0 {
		t.Fatalf("stored after refusals: %+v %v", got, err)
	}
}

func outcomeClientDelete(t *testing.T, s store.Store) {
	se, ctx := signedSession(t, s)
	o := outcomeAfter(s, se)
	must(t, s.SaveOutcome(ctx, &o))
	keep := consentingClient(t, s, "Bea", "Jones")
	kept := completeSession(t, s, keep.ID, se.PractitionerID)
	must(t, s.CreateSession(ctx, &kept))
	ko := outcomeAfter(s, kept)
	must(t, s.SaveOutcome(ctx, &ko))

	must(t, s.DeleteClient(ctx, se.ClientID, "Client asked for her records to be erased."))
	if got, err := s.Outcomes(ctx, se.ClientID); err != nil || len(got) != 0 {
		t.Fatalf("results of a deleted client: %+v %v", got, err)
	}
	if got, _ := s.Outcomes(ctx, keep.ID); len(got) != 1 || got[0].ID != ko.ID {
		t.Fatalf("another client's results after the deletion: %+v", got)
	}
	log, _ := s.AuditLog(ctx, se.ClientID)
	if last := log[len(log)-1]; !strings.Contains(last.Detail, "results assessed: 1") {
		t.Fatalf("audit of the deletion: %+v", last)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify after deletion: %+v %v", rep, err)
	}
}
