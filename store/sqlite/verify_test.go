package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// verifiedPractice is a store with signed, amended and draft sessions, exports and a sign-in.
func verifiedPractice(t *testing.T) (*sqlite.Store, context.Context, data.Session) {
	t.Helper()
	s, _ := sqlitetest.OpenStore(t)
	signed, ctx := signedSessionBy(t, s)
	edit := signed
	edit.Notes = "Amended note."
	if _, err := s.AmendSession(ctx, edit, "Note was incomplete."); err != nil {
		t.Fatal(err)
	}
	draft := testkit.StoredSession(t, s, signed.ClientID)
	if err := s.CreateSession(ctx, &draft); err != nil {
		t.Fatal(err)
	}
	if err := s.LogExport(ctx, "session", signed.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.LogSignIn(context.Background(), signed.SignedBy); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Session(ctx, signed.ID)
	return s, ctx, got
}

func mustVerify(t *testing.T, s *sqlite.Store) sqlite.VerifyReport {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

func wantBreak(t *testing.T, rep sqlite.VerifyReport, parts ...string) {
	t.Helper()
	for _, b := range rep.Breaks {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(b, p)
		}
		if ok {
			return
		}
	}
	t.Fatalf("no break saying %q in %q", parts, rep.Breaks)
}

func TestVerifyCleanPractice(t *testing.T) {
	t.Parallel()
	s, ctx, signed := verifiedPractice(t)
	rep := mustVerify(t, s)
	if !rep.OK() || rep.SignedSessions != 1 || rep.Amendments != 1 || rep.AuditEntries < 8 || len(rep.Head) != 64 {
		t.Fatalf("report: %+v", rep)
	}
	log, _ := s.AuditLog(ctx, signed.ID)
	actions := map[string]bool{}
	for _, e := range log {
		actions[e.Action] = true
	}
	for _, a := range []string{data.ActionCreate, data.ActionSign, data.ActionAmend, data.ActionExport} {
		if !actions[a] {
			t.Errorf("no %s entry for the session in %+v", a, log)
		}
	}
	signIn, _ := s.AuditLog(ctx, signed.SignedBy)
	if last := signIn[len(signIn)-1]; last.Action != data.ActionSignIn || last.PractitionerID != signed.SignedBy {
		t.Errorf("sign-in entry: %+v", last)
	}
}

func TestVerifyFindsAnEditedEntry(t *testing.T) {
	t.Parallel()
	s, _, _ := verifiedPractice(t)
	sqlitetest.Tamper(t, s.Path(), `UPDATE audit_log SET practitioner_id = 'someone else' WHERE seq = 3`)
	rep := mustVerify(t, s)
	wantBreak(t, rep, "Audit entry 3", "changed")
	if len(rep.Breaks) != 1 {
		t.Errorf("breaks: %q", rep.Breaks)
	}
}

func TestVerifyFindsAnEntryRehashedAfterEditing(t *testing.T) {
	t.Parallel()
	s, _, _ := verifiedPractice(t)
	// Whoever edits an entry and fixes its own hash still breaks the link to the next one.
	sqlitetest.Tamper(t, s.Path(), `UPDATE audit_log SET detail = 'edited', hash = '`+strings.Repeat("ab", 32)+`' WHERE seq = 4`)
	wantBreak(t, mustVerify(t, s), "Audit entry 4")
}

func TestVerifyFindsADeletedEntry(t *testing.T) {
	t.Parallel()
	s, _, _ := verifiedPractice(t)
	sqlitetest.Tamper(t, s.Path(), `DELETE FROM audit_log WHERE seq = 5`)
	rep := mustVerify(t, s)
	wantBreak(t, rep, "Audit entry 5 is missing", "deleted")
}

func TestVerifyFindsADeletedSignature(t *testing.T) {
	t.Parallel()
	s, _, signed := verifiedPractice(t)
	// Deleted and the later entries renumbered, as a careful forger would.
	sqlitetest.Tamper(t, s.Path(), `DELETE FROM audit_log WHERE action = 'sign'`,
		`UPDATE audit_log SET seq = seq - 1 WHERE seq > (SELECT min(seq) FROM audit_log WHERE action = 'amend') - 1`)
	rep := mustVerify(t, s)
	wantBreak(t, rep, "does not match its hash")
	wantBreak(t, rep, signed.ID, "no signature in the audit log")
}

func TestVerifyFindsAReorderedEntry(t *testing.T) {
	t.Parallel()
	s, _, _ := verifiedPractice(t)
	sqlitetest.Tamper(t, s.Path(), `UPDATE audit_log SET seq = -1 WHERE seq = 4`, `UPDATE audit_log SET seq = 4 WHERE seq = 5`,
		`UPDATE audit_log SET seq = 5 WHERE seq = -1`)
	rep := mustVerify(t, s)
	wantBreak(t, rep, "Audit entry 4", "moved")
	wantBreak(t, rep, "Audit entry 5", "moved")
}

func TestVerifyFindsAChangedSignedRecord(t *testing.T) {
	t.Parallel()
	s, _, signed := verifiedPractice(t)
	sqlitetest.Tamper(t, s.Path(), `UPDATE session_zones SET depth_mm = 2.5 WHERE session_id = '`+signed.ID+`' AND position = 0`)
	rep := mustVerify(t, s)
	wantBreak(t, rep, signed.ID, "does not match its record hash")
	if len(rep.Breaks) != 1 {
		t.Errorf("breaks: %q", rep.Breaks)
	}
}

func TestVerifyFindsAChangedOriginal(t *testing.T) {
	t.Parallel()
	s, _, signed := verifiedPractice(t)
	sqlitetest.Tamper(t, s.Path(), `UPDATE amendment_records SET record_before = replace(record_before, '"depth_mm":"1.5"', '"depth_mm":"1"')`)
	wantBreak(t, mustVerify(t, s), signed.ID, "before amendment 1", "changed")
}

func TestVerifyFindsRemovedProtection(t *testing.T) {
	t.Parallel()
	s, _, _ := verifiedPractice(t)
	sqlitetest.RawExec(t, s.Path(), `DROP TRIGGER sessions_signed_update`)
	wantBreak(t, mustVerify(t, s), `trigger "sessions_signed_update" is missing`)
}

func TestVerifyFindsADeletedSignedSession(t *testing.T) {
	t.Parallel()
	s, _, signed := verifiedPractice(t)
	sqlitetest.Tamper(t, s.Path(), `DELETE FROM sessions WHERE id = '`+signed.ID+`'`)
	wantBreak(t, mustVerify(t, s), signed.ID, "is missing")
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	s, _, _ := verifiedPractice(t)
	rawExecFails(t, s.Path(), `UPDATE audit_log SET detail = 'x' WHERE seq = 1`)
	rawExecFails(t, s.Path(), `DELETE FROM audit_log WHERE seq = 1`)
}

func TestVerifyOlderSchema(t *testing.T) {
	t.Parallel()
	s, _, _ := verifiedPractice(t)
	sqlitetest.RawExec(t, s.Path(), `PRAGMA user_version = 2`)
	if _, err := s.Verify(context.Background()); err == nil || !strings.Contains(err.Error(), "older") {
		t.Fatalf("verify an older schema: %v", err)
	}
}
