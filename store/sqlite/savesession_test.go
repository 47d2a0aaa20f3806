package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// keptDraft saves a draft of a session of client c, as the editor does while the form is typed in.
func keptDraft(t *testing.T, s *sqlite.Store, clientID, sessionID string) data.Draft {
	t.Helper()
	d := data.Draft{ClientID: clientID, SessionID: sessionID, Form: []byte(`{"notes":"typed"}`)}
	mustDo(t, s.SaveDraft(context.Background(), &d))
	return d
}

// saveState is what the file holds of a save: the session, its drafts and the audit entries about it.
type saveState struct {
	session data.Session
	found   bool
	drafts  []data.Draft
	audit   []data.AuditEntry
	entries int64 // in the whole audit log
}

func stateOf(t *testing.T, s *sqlite.Store, clientID, sessionID string) saveState {
	t.Helper()
	ctx := context.Background()
	var st saveState
	var err error
	if sessionID != "" {
		st.session, err = s.Session(ctx, sessionID)
		switch {
		case err == nil:
			st.found = true
		case !errors.Is(err, data.ErrNotFound):
			t.Fatal(err)
		}
		if st.audit, err = s.AuditLog(ctx, sessionID); err != nil {
			t.Fatal(err)
		}
	}
	if st.drafts, err = s.Drafts(ctx, clientID); err != nil {
		t.Fatal(err)
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.entries = counts["audit_log"]
	return st
}

// reopen closes the store and opens its file again, as the next start of the app does.
func reopen(t *testing.T, s *sqlite.Store) *sqlite.Store {
	t.Helper()
	path := s.Path()
	mustDo(t, s.Close())
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: func() time.Time { return testkit.Now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSaveSessionRemovesItsDraftInTheSameTransaction(t *testing.T) {
	ctx := context.Background()
	s, clk := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	d := keptDraft(t, s, c.ID, "")
	other := keptDraft(t, s, c.ID, "") // another session's draft, not this one's

	se := testkit.StoredSession(t, s, c.ID)
	mustDo(t, s.SaveSession(ctx, &se, d.ID))
	if se.ID == "" || se.Version != 1 {
		t.Fatalf("saved session: id %q, version %d", se.ID, se.Version)
	}
	s = reopen(t, s)
	st := stateOf(t, s, c.ID, se.ID)
	if !st.found || len(st.drafts) != 1 || st.drafts[0].ID != other.ID {
		t.Fatalf("after saving: session found %v, drafts %+v", st.found, st.drafts)
	}
	if len(st.audit) != 1 || st.audit[0].Action != data.ActionCreate {
		t.Fatalf("audit of the saved session: %+v", st.audit)
	}

	// Saving changes to the session removes the draft they were typed in, in the same way.
	clk.Advance(time.Minute)
	d = keptDraft(t, s, c.ID, se.ID)
	se.Notes = "Stopped at the jawline."
	mustDo(t, s.SaveSession(ctx, &se, d.ID))
	st = stateOf(t, s, c.ID, se.ID)
	if st.session.Notes != se.Notes || se.Version != 2 || len(st.drafts) != 1 || st.drafts[0].ID != other.ID {
		t.Fatalf("after saving changes: notes %q, version %d, drafts %+v", st.session.Notes, se.Version, st.drafts)
	}
	if len(st.audit) != 2 || st.audit[1].Action != data.ActionUpdate {
		t.Fatalf("audit after saving changes: %+v", st.audit)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify after the saves: %+v %v", rep, err)
	}

	// No draft to remove: the session is saved all the same.
	se.Notes = "Reviewed."
	mustDo(t, s.SaveSession(ctx, &se, ""))
	if got, _ := s.Session(ctx, se.ID); got.Notes != "Reviewed." {
		t.Fatalf("notes after a save without a draft: %q", got.Notes)
	}
}

func TestFailedSaveKeepsTheDraft(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	d := keptDraft(t, s, c.ID, "")
	before := stateOf(t, s, c.ID, "")
	kept := func(what string, se data.Session) {
		t.Helper()
		after := stateOf(t, s, c.ID, "")
		if len(after.drafts) != 1 || after.drafts[0].ID != d.ID || string(after.drafts[0].Form) != string(d.Form) {
			t.Fatalf("%s: drafts %+v", what, after.drafts)
		}
		if after.entries != before.entries {
			t.Fatalf("%s: the audit log went from %d to %d entries", what, before.entries, after.entries)
		}
		if se.ID != "" || se.Version != 0 {
			t.Fatalf("%s: the session came back with id %q, version %d", what, se.ID, se.Version)
		}
		if tl, err := s.Timeline(ctx, c.ID); err != nil || len(tl) != 0 {
			t.Fatalf("%s: sessions %+v %v", what, tl, err)
		}
	}

	invalid := testkit.StoredSession(t, s, c.ID)
	invalid.StartedAt = time.Time{}
	if err := s.SaveSession(ctx, &invalid, d.ID); len(testkit.FieldsOf(t, err)) == 0 {
		t.Fatal("an undated session was saved")
	}
	kept("a session that is not valid", invalid)

	dangling := testkit.StoredSession(t, s, c.ID)
	dangling.DeviceID = "no-such-device"
	if err := s.SaveSession(ctx, &dangling, d.ID); !errors.Is(err, data.ErrBadReference) {
		t.Fatalf("a session naming a missing device: %v", err)
	}
	kept("a session naming a missing device", dangling)

	// The draft cannot be removed: the session, written first in the same transaction, is not kept
	// either. Two transactions would leave the session saved and its draft beside it.
	sqlitetest.RawExec(t, s.Path(), `CREATE TRIGGER drafts_stay BEFORE DELETE ON drafts BEGIN SELECT RAISE(ABORT, 'drafts stay'); END`)
	se := testkit.StoredSession(t, s, c.ID)
	if err := s.SaveSession(ctx, &se, d.ID); err == nil || !strings.Contains(err.Error(), "drafts stay") {
		t.Fatalf("a save whose draft cannot go: %v", err)
	}
	kept("a save whose draft cannot go", se)
}
