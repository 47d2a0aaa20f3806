package sqlite_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestDeleteClientNeedsAReasonAndRemovesEverything(t *testing.T) {
	t.Parallel()
	s, clk := sqlitetest.OpenStore(t)
	signed, ctx := signedSessionBy(t, s)
	clientID := signed.ClientID
	c, _ := s.Client(ctx, clientID)
	c.PhotoConsent = data.PhotoConsentClinical
	c.History = []data.HistoryEntry{{Condition: "Herpes simplex, history"}}
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	edit := signed
	edit.Notes = "Amended."
	if _, err := s.AmendSession(ctx, edit, "Typo."); err != nil {
		t.Fatal(err)
	}
	draft := testkit.StoredSession(t, s, clientID)
	if err := s.CreateSession(ctx, &draft); err != nil {
		t.Fatal(err)
	}
	if _, err := testkit.ImportPhoto(t, s, clientID, data.PhotoTags{SessionID: signed.ID, Kind: data.PhotoBefore}, "a.jpg",
		phototest.NoisyJPEG(t, 64, 48, 3, 16), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDraft(ctx, &data.Draft{ClientID: clientID, Form: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	keep := consentingClient(t, s, "Bea", "Jones")
	kept := completeSession(t, s, keep.ID, signed.SignedBy)
	if err := s.CreateSession(ctx, &kept); err != nil {
		t.Fatal(err)
	}
	if err := s.SignSession(ctx, kept.ID, kept.Version); err != nil {
		t.Fatal(err)
	}
	// A signed session cannot be deleted on its own, even with raw SQL.
	rawExecFails(t, s.Path(), `DELETE FROM sessions WHERE id = '`+signed.ID+`'`)

	testkit.ExpectFields(t, s.DeleteClient(ctx, clientID, "  "), "reason")
	clk.Advance(time.Hour)
	const reason = "Client asked for her records to be erased (email of 2026-03-09); retention period checked."
	if err := s.DeleteClient(ctx, clientID, reason); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := s.Client(ctx, clientID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("client after deletion: %v", err)
	}
	if _, err := s.Session(ctx, signed.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("signed session after deletion: %v", err)
	}
	h, err := s.Check(ctx)
	if err != nil || len(h.Problems) > 0 {
		t.Fatalf("check: %v %v", err, h.Problems)
	}
	for table, want := range map[string]int64{"clients": 1, "sessions": 1, "photos": 0, "side_effects": 1} {
		if h.Counts[table] != want {
			t.Errorf("%s: %d rows left, want %d", table, h.Counts[table], want)
		}
	}
	if d, _ := s.Drafts(ctx, clientID); len(d) != 0 {
		t.Errorf("%d drafts left", len(d))
	}
	log, _ := s.AuditLog(ctx, clientID)
	last := log[len(log)-1]
	if last.Action != data.ActionDelete || !strings.Contains(last.Detail, reason) ||
		!strings.Contains(last.Detail, "2 sessions (1 signed) and 1 photos") || strings.Contains(last.Detail, "Anna") {
		t.Fatalf("audit of the deletion: %+v", last)
	}
	// The log still verifies: the signed session went with its client, as logged.
	if rep := mustVerify(t, s); !rep.OK() || rep.SignedSessions != 1 {
		t.Fatalf("verify after deletion: %+v", rep)
	}
	if err := s.DeleteClient(ctx, clientID, reason); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}
