package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// consentingClient is a client with treatment consent on file.
func consentingClient(t testing.TB, s *sqlite.Store, first, last string) data.Client {
	t.Helper()
	c := data.Client{FirstName: first, LastName: last, Fitzpatrick: 2,
		Consent: data.Consent{Form: "Microneedling treatment consent", Version: "3", Signed: data.NewDate(2026, 1, 5)}}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// completeSession is storedSession with all that signing needs but the client's consent.
func completeSession(t testing.TB, s *sqlite.Store, clientID, practitionerID string) data.Session {
	t.Helper()
	se := testkit.StoredSession(t, s, clientID)
	se.PractitionerID = practitionerID
	se.PhotoRefusal = "Client declined photographs."
	return se
}

// signedSession saves and signs a complete session of a new client, and returns it as stored,
// with the context of the practitioner who signed it.
func signedSession(t testing.TB, s *sqlite.Store) data.Session {
	t.Helper()
	se, _ := signedSessionBy(t, s)
	return se
}

func signedSessionBy(t testing.TB, s *sqlite.Store) (data.Session, context.Context) {
	t.Helper()
	p := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	ctx := data.WithActor(context.Background(), p.ID)
	c := consentingClient(t, s, "Anna", "Smith")
	se := completeSession(t, s, c.ID, p.ID)
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	if err := s.SignSession(ctx, se.ID, se.Version); err != nil {
		t.Fatalf("sign: %v", err)
	}
	got, err := s.Session(ctx, se.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got, ctx
}

func TestSignSession(t *testing.T) {
	t.Parallel()
	s, clk := sqlitetest.OpenStore(t)
	p := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	ctx := data.WithActor(context.Background(), p.ID)
	c := consentingClient(t, s, "Anna", "Smith")
	se := completeSession(t, s, c.ID, p.ID)
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)

	if err := s.SignSession(context.Background(), se.ID, se.Version); !errors.Is(err, data.ErrNoActor) {
		t.Fatalf("sign without a practitioner: %v, want ErrNoActor", err)
	}
	if err := s.SignSession(data.WithActor(context.Background(), "01900000-0000-7000-8000-00000000beef"), se.ID, se.Version); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("sign as nobody: %v, want ErrNotFound", err)
	}
	if err := s.SignSession(ctx, se.ID, se.Version-1); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("sign a stale version: %v, want ErrConflict", err)
	}
	if err := s.SignSession(ctx, se.ID, se.Version); err != nil {
		t.Fatalf("sign: %v", err)
	}
	got, err := s.Session(ctx, se.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != data.StatusSigned || got.SignedBy != p.ID || !got.SignedAt.Equal(clk.T) || got.Version != se.Version+1 {
		t.Fatalf("after signing: status %s by %q at %v, version %d", got.Status, got.SignedBy, got.SignedAt, got.Version)
	}
	if h, err := data.RecordHash(got); err != nil || h != got.RecordHash || len(h) != 64 {
		t.Fatalf("record hash %q, recomputed %q (%v)", got.RecordHash, h, err)
	}
	if len(got.SideEffects) != 1 || !got.SideEffects[0].Sealed {
		t.Fatalf("side effects after signing: %+v", got.SideEffects)
	}
	log, _ := s.AuditLog(ctx, se.ID)
	last := log[len(log)-1]
	if last.Action != data.ActionSign || last.PractitionerID != p.ID || !strings.Contains(last.Detail, got.RecordHash) {
		t.Fatalf("audit of the signature: %+v", last)
	}
	if err := s.SignSession(ctx, se.ID, got.Version); !errors.Is(err, data.ErrSigned) {
		t.Fatalf("sign twice: %v, want ErrSigned", err)
	}
}

func TestSignRefusesAnIncompleteRecord(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	ctx := data.WithActor(context.Background(), p.ID)
	c := testkit.CreateClient(t, s, "Anna", "Smith") // no consent on file
	cartridges, _ := s.Cartridges(ctx, false)
	se := data.Session{ClientID: c.ID, StartedAt: testkit.Now.Add(-time.Hour),
		Cartridge: data.CartridgeUse{CartridgeID: cartridges[0].ID}}
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	err := s.SignSession(ctx, se.ID, se.Version)
	var inc *data.IncompleteError
	if !errors.As(err, &inc) || !errors.Is(err, data.ErrIncomplete) {
		t.Fatalf("sign an empty draft: %v, want an *IncompleteError", err)
	}
	want := []string{"practitioner", "device", "zone", "consent", "before photo", "aftercare", "side effects"}
	if len(inc.Missing) != len(want) {
		t.Fatalf("missing %d things, want %d: %q", len(inc.Missing), len(want), inc.Missing)
	}
	for i, w := range want {
		if !strings.Contains(inc.Missing[i], w) || !strings.HasSuffix(inc.Missing[i], ".") {
			t.Errorf("missing[%d] = %q, want a sentence about %s", i, inc.Missing[i], w)
		}
	}
	if got, _ := s.Session(ctx, se.ID); got.Status != data.StatusDraft {
		t.Fatal("an incomplete session was signed")
	}

	// A pen needs its cartridge lot (a roller has none).
	devices, _ := s.Devices(ctx, false)
	pen := devices[slices.IndexFunc(devices, func(d data.Device) bool { return d.Kind == data.DevicePen })]
	se, _ = s.Session(ctx, se.ID)
	se.PractitionerID, se.DeviceID = p.ID, pen.ID
	se.Zones = []data.ZoneTreatment{{Zone: "Cheeks", DepthMM: 1, Passes: 3}}
	se.Aftercare, se.NoSideEffects, se.PhotoRefusal = []string{"Stay hydrated"}, true, "Declined."
	if err := s.UpdateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	c, _ = s.Client(ctx, c.ID)
	c.Consent = data.Consent{Form: "Consent", Signed: data.DateOf(testkit.Now)} // signed on the session's day
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	err = s.SignSession(ctx, se.ID, se.Version)
	if !errors.As(err, &inc) || len(inc.Missing) != 1 || !strings.Contains(inc.Missing[0], "cartridge's lot") {
		t.Fatalf("sign without the cartridge lot: %v", err)
	}
	se.Cartridge.Lot = "C-9931"
	if err := s.UpdateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	if err := s.SignSession(ctx, se.ID, se.Version); err != nil {
		t.Fatalf("sign the completed session: %v", err)
	}
}

func TestSignWithBeforePhoto(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	ctx := data.WithActor(context.Background(), p.ID)
	c := consentingClient(t, s, "Anna", "Smith")
	c.PhotoConsent = data.PhotoConsentClinical
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	se := completeSession(t, s, c.ID, p.ID)
	se.PhotoRefusal = ""
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	var inc *data.IncompleteError
	if err := s.SignSession(ctx, se.ID, se.Version); !errors.As(err, &inc) || !strings.Contains(inc.Error(), "before photo") {
		t.Fatalf("sign without a before photo: %v", err)
	}
	if _, err := testkit.ImportPhoto(t, s, c.ID, data.PhotoTags{SessionID: se.ID, Kind: data.PhotoAfter}, "after.jpg",
		phototest.NoisyJPEG(t, 64, 48, 1, 16), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SignSession(ctx, se.ID, se.Version); !errors.As(err, &inc) {
		t.Fatalf("an after photo is not a before photo: %v", err)
	}
	if _, err := testkit.ImportPhoto(t, s, c.ID, data.PhotoTags{SessionID: se.ID, Kind: data.PhotoBefore}, "before.jpg",
		phototest.NoisyJPEG(t, 64, 48, 2, 16), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SignSession(ctx, se.ID, se.Version); err != nil {
		t.Fatalf("sign with a before photo: %v", err)
	}
}

// The database itself refuses changes to a signed session, whoever asks.
func TestDatabaseRefusesChangesToSignedSession(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	se, ctx := signedSessionBy(t, s)
	if err := s.UpdateSession(ctx, &se); !errors.Is(err, data.ErrSigned) {
		t.Fatalf("UpdateSession of a signed session: %v, want ErrSigned", err)
	}
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`UPDATE sessions SET notes = 'changed' WHERE id = ?`,
		`UPDATE sessions SET status = 'draft' WHERE id = ?`,
		`UPDATE sessions SET record_hash = 'x' WHERE id = ?`,
		`DELETE FROM sessions WHERE id = ?`,
		`UPDATE session_zones SET depth_mm = 2.5 WHERE session_id = ?`,
		`DELETE FROM session_zones WHERE session_id = ?`,
		`INSERT INTO session_zones (id, session_id, zone, depth_mm, passes) VALUES ('z', ?, 'Neck', 0.5, 2)`,
		`UPDATE session_products SET lot = 'other' WHERE session_id = ?`,
		`DELETE FROM session_products WHERE session_id = ?`,
		`INSERT INTO session_overrides (id, session_id, rule, reason, at) VALUES ('o', ?, 'rule:x', 'because', '')`,
		`UPDATE side_effects SET severity = 'severe' WHERE session_id = ?`,
		`DELETE FROM side_effects WHERE session_id = ?`,
		`DELETE FROM sealed_side_effects WHERE side_effect_id IN (SELECT id FROM side_effects WHERE session_id = ?)`,
		`INSERT INTO session_amendments (id, session_id, at, reason) VALUES ('a', ?, '', 'sneaky')`, // allowed alone...
		`INSERT INTO amendment_records (amendment_id, session_id, n, prev_hash, record_hash, record_before)
			VALUES ('a', ?, 1, 'not the hash', 'y', '')`, // ...but cannot open the record
	} {
		_, err := db.Exec(q, se.ID)
		if strings.Contains(q, "sneaky") {
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "signed session is read-only") {
			t.Errorf("%s: got %v, want the trigger's refusal", strings.Fields(q)[0]+" "+strings.Fields(q)[2], err)
		}
	}
	if _, err := db.Exec(`INSERT INTO sessions (id, client_id, started_at, status, created_at, updated_at)
		VALUES ('new', ?, '2026-03-10T10:00:00Z', 'signed', '', '')`, se.ClientID); err == nil {
		t.Error("a session was inserted as signed")
	}
	// Follow-up fields stay editable.
	if _, err := db.Exec(`UPDATE side_effects SET resolved = '2026-03-10', treatment = 'Cooling gel' WHERE session_id = ?`, se.ID); err != nil {
		t.Errorf("record a side effect's resolution: %v", err)
	}
	got, err := s.Session(ctx, se.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Notes != se.Notes || len(got.Zones) != len(se.Zones) || got.Zones[0].DepthMM != se.Zones[0].DepthMM {
		t.Fatalf("signed session changed: %+v", got)
	}
}

// Side effects at later follow-ups are not edits of the signed record.
func TestFollowUpsOnSignedSession(t *testing.T) {
	t.Parallel()
	s, clk := sqlitetest.OpenStore(t)
	se, ctx := signedSessionBy(t, s)
	clk.Advance(3 * 24 * time.Hour)
	e := data.SideEffect{SessionID: se.ID, Kind: "Post-inflammatory hyperpigmentation", Severity: data.SeverityModerate,
		Onset: data.DateOf(clk.T)}
	if err := s.AddSideEffect(ctx, &e); err != nil {
		t.Fatalf("follow-up on a signed session: %v", err)
	}
	sealed := se.SideEffects[0]
	sealed.Resolved, sealed.Treatment = data.DateOf(clk.T), "Cooling gel"
	if err := s.UpdateSideEffect(ctx, &sealed); err != nil {
		t.Fatalf("resolve a side effect recorded before signing: %v", err)
	}
	sealed.Severity = data.SeveritySevere
	if err := s.UpdateSideEffect(ctx, &sealed); !errors.Is(err, data.ErrSigned) {
		t.Fatalf("change the severity recorded before signing: %v, want ErrSigned", err)
	}
	e.Severity = data.SeveritySevere // a follow-up's own severity is the follow-up's to change
	if err := s.UpdateSideEffect(ctx, &e); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Session(ctx, se.ID)
	if got.RecordHash != se.RecordHash || got.Version != se.Version || len(got.SideEffects) != 2 {
		t.Fatalf("after follow-ups: hash %s (was %s), version %d (was %d), %d side effects",
			got.RecordHash, se.RecordHash, got.Version, se.Version, len(got.SideEffects))
	}
	if h, _ := data.RecordHash(got); h != got.RecordHash {
		t.Fatal("follow-ups changed the signed record's hash")
	}
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after follow-ups: %v %q", err, rep.Breaks)
	}
}

func TestCreateSessionRefusesSignedStatus(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := testkit.StoredSession(t, s, c.ID)
	se.Status = data.StatusSigned
	testkit.ExpectFields(t, s.CreateSession(context.Background(), &se), "status")
}

// Importers and the demo create and sign in one batch; the record signed is the record stored.
func TestSignInTheBatchThatSaved(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	ctx := data.WithActor(context.Background(), p.ID)
	c := consentingClient(t, s, "Zoë", "Ødegård")
	c.History = []data.HistoryEntry{{Condition: "Pregnancy", Since: data.NewDate(2025, 8, 1)}}
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	se := completeSession(t, s, c.ID, p.ID)
	se.Concerns = []string{"Acne scars", "Mélasma \xff"} // invalid UTF-8 is stored as typed
	se.Notes = "Spätere Kontrolle <b>&</b> \xfe"
	se.StartedAt = se.StartedAt.In(time.FixedZone("UTC+5:30", 19800)).Add(123456789 * time.Nanosecond)
	se.Overrides = []data.Override{{Rule: "rule:Pregnancy", Reason: "Test negative today; client confirms not pregnant."}}
	err := s.Batch(ctx, func(b nlstore.Batch) error {
		if err := b.CreateSession(&se); err != nil {
			return err
		}
		return b.SignSession(se.ID, se.Version)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, se.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := data.RecordHash(got); got.Status != data.StatusSigned || h != got.RecordHash {
		t.Fatalf("signed in the batch that saved it: hash %s, recomputed from the database %s", got.RecordHash, h)
	}
	if rep := mustVerify(t, s); !rep.OK() {
		t.Fatalf("verify: %q", rep.Breaks)
	}
}

// A record that names Léa as treating is not signed by Sofia: the PDF would print both.
func TestOnlyTheTreatingPractitionerSigns(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	lea := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	sofia := testkit.CreatePractitioner(t, s, "Sofia Lindqvist", "")
	c := consentingClient(t, s, "Anna", "Smith")
	se := completeSession(t, s, c.ID, lea.ID)
	asSofia := data.WithActor(context.Background(), sofia.ID)
	if err := s.CreateSession(asSofia, &se); err != nil {
		t.Fatal(err)
	}
	err := s.SignSession(asSofia, se.ID, se.Version)
	var wrong *data.WrongSignerError
	if !errors.As(err, &wrong) || !errors.Is(err, data.ErrWrongSigner) {
		t.Fatalf("signed by someone who did not treat: %v", err)
	}
	want := "This session records Léa Fontaine as the practitioner who treated, not Sofia Lindqvist: " +
		"Léa Fontaine must sign it, or the treating practitioner be changed first."
	if err.Error() != want {
		t.Fatalf("refusal:\n%s\nwant\n%s", err, want)
	}
	if got, _ := s.Session(asSofia, se.ID); got.Status != data.StatusDraft {
		t.Fatalf("status after a refused signature: %s", got.Status)
	}
	// What the editor lists as missing says the same, once.
	in, err := s.SafetyInputFor(context.Background(), se)
	if err != nil {
		t.Fatal(err)
	}
	check := data.SigningCheck{In: in, SignerID: sofia.ID, Names: map[string]string{lea.ID: lea.Name, sofia.ID: sofia.Name},
		Now: s.Now()}
	if m := check.Missing(); len(m) != 1 || m[0] != want {
		t.Fatalf("missing as Sofia: %q", m)
	}
	if err := s.SignSession(data.WithActor(context.Background(), lea.ID), se.ID, se.Version); err != nil {
		t.Fatalf("signed by Léa, who treated: %v", err)
	}
}
