package storetest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
)

var sessionTests = []subtest{
	{"RoundTrip", sessionRoundTrip},
	{"WithoutOptionalValues", sessionWithoutOptionalValues},
	{"RefusesBadReferences", sessionRefusesBadReferences},
	{"UpdateKeepsFollowUpsAndRefusesStale", sessionUpdate},
	{"UpdateWithoutSideEffects", sessionUpdateWithoutSideEffects},
	{"SignFreezes", sessionSign},
	{"Amend", sessionAmend},
	{"BatchIsAllOrNothing", sessionBatch},
}

func sessionRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	practitioner := data.Practitioner{Name: "Dr Lee", Credentials: "RN"}
	must(t, s.SavePractitioner(ctx, &practitioner))
	se := storedSession(t, s, c.ID)
	se.PractitionerID = practitioner.ID
	se.HandpieceSerial = "HP-0042"
	se.Notes = "Tolerated well."
	se.SideEffects = append(se.SideEffects, data.SideEffect{Kind: "Oedema / swelling", Severity: data.SeverityModerate,
		Onset: data.DateOf(s.Now()), Treatment: "Cold compress", Notes: "Under the eyes"})
	must(t, s.CreateSession(ctx, &se))
	if se.ID == "" || se.Version != 1 || se.Status != data.StatusDraft || se.SideEffects[0].ID == "" {
		t.Fatalf("after create: %+v", se)
	}
	if !se.SideEffects[0].Onset.Equal(data.DateOf(se.StartedAt)) {
		t.Fatalf("side effect during the session got onset %v", se.SideEffects[0].Onset)
	}
	got, err := s.Session(ctx, se.ID)
	must(t, err)
	se.CreatedAt, se.UpdatedAt = se.CreatedAt.Round(0).UTC(), se.UpdatedAt.Round(0).UTC() // stored as UTC, without a clock reading
	for i := range se.SideEffects {
		se.SideEffects[i].CreatedAt, se.SideEffects[i].UpdatedAt = se.SideEffects[i].CreatedAt.Round(0).UTC(), se.SideEffects[i].UpdatedAt.Round(0).UTC()
	}
	if !reflect.DeepEqual(got, se) {
		t.Fatalf("read back differs:\n got %+v\nwant %+v", got, se)
	}
}

func sessionWithoutOptionalValues(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := data.Session{ClientID: c.ID, StartedAt: s.Now(), NoSideEffects: true}
	must(t, s.CreateSession(ctx, &se))
	got, err := s.Session(ctx, se.ID)
	must(t, err)
	if got.PainScore.Valid || got.PriceCents.Valid || got.DeviceID != "" || got.SeriesN != 1 ||
		got.IntervalDays != data.DefaultIntervalDays || !got.NoSideEffects || got.Zones != nil {
		t.Fatalf("empty session read back as %+v", got)
	}
}

func sessionRefusesBadReferences(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := storedSession(t, s, c.ID)
	se.Products[1].ProductID = "01900000-0000-7000-8000-00000000dead" // a product that does not exist
	err := s.CreateSession(ctx, &se)
	if !errors.Is(err, data.ErrBadReference) || !strings.Contains(err.Error(), "product") {
		t.Fatalf("session with an unknown product: got %v", err)
	}
	if se.ID != "" {
		t.Fatalf("refused session kept ID %q", se.ID)
	}
	if tl, _ := s.Timeline(ctx, c.ID); len(tl) != 0 {
		t.Fatalf("refused session was stored: %+v", tl)
	}
	se = storedSession(t, s, missingID)
	if err := s.CreateSession(ctx, &se); !errors.Is(err, data.ErrBadReference) || !strings.Contains(err.Error(), "client") {
		t.Fatalf("session for an unknown client: got %v", err)
	}
}

func sessionUpdate(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := storedSession(t, s, c.ID)
	must(t, s.CreateSession(ctx, &se))
	// A follow-up side effect logged from elsewhere while the editor had the session open.
	followUp := data.SideEffect{SessionID: se.ID, Kind: "Milia", Severity: data.SeverityMild, Onset: data.DateOf(s.Now())}
	must(t, s.AddSideEffect(ctx, &followUp))
	editor, _ := s.Session(ctx, se.ID)
	editor.Zones = []data.ZoneTreatment{{Zone: "Neck", DepthMM: 0.5, Passes: 3}}
	editor.Products = editor.Products[:1]
	editor.PainScore = data.Optional[int]{}
	editor.SideEffects = editor.SideEffects[1:] // erythema removed; the follow-up kept
	must(t, s.UpdateSession(ctx, &editor))
	got, _ := s.Session(ctx, se.ID)
	if len(got.Zones) != 1 || got.Zones[0].Zone != "Neck" || len(got.Products) != 1 || got.PainScore.Valid ||
		got.Version != 3 || len(got.SideEffects) != 1 || got.SideEffects[0].ID != followUp.ID {
		t.Fatalf("after update: %+v", got)
	}
	// The copy loaded before the edit is stale now.
	if err := s.UpdateSession(ctx, &se); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("stale update: got %v, want ErrConflict", err)
	}
}

// sessionUpdateWithoutSideEffects: a session saved again with no side effect listed (none ever
// logged, or every one removed in the editor) keeps none, as every engine says it.
func sessionUpdateWithoutSideEffects(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := storedSession(t, s, c.ID)
	se.SideEffects = nil
	must(t, s.CreateSession(ctx, &se))
	se.Notes = "Saved again, nothing observed."
	must(t, s.UpdateSession(ctx, &se))
	withOne := storedSession(t, s, c.ID)
	must(t, s.CreateSession(ctx, &withOne))
	withOne.SideEffects = nil // the erythema removed in the editor
	must(t, s.UpdateSession(ctx, &withOne))
	for _, id := range []string{se.ID, withOne.ID} {
		got, err := s.Session(ctx, id)
		if err != nil || len(got.SideEffects) != 0 || got.Version != 2 {
			t.Fatalf("after saving without side effects: %d side effects, version %d (%v)", len(got.SideEffects), got.Version, err)
		}
	}
}

func sessionSign(t *testing.T, s store.Store) {
	p := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	ctx := data.WithActor(context.Background(), p.ID)
	c := consentingClient(t, s, "Anna", "Smith")
	se := completeSession(t, s, c.ID, p.ID)
	must(t, s.CreateSession(ctx, &se))
	if err := s.SignSession(context.Background(), se.ID, se.Version); !errors.Is(err, data.ErrNoActor) {
		t.Fatalf("sign without a practitioner: %v, want ErrNoActor", err)
	}
	if err := s.SignSession(data.WithActor(context.Background(), missingID), se.ID, se.Version); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("sign as nobody: %v, want ErrNotFound", err)
	}
	if err := s.SignSession(ctx, se.ID, se.Version-1); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("sign a stale version: %v, want ErrConflict", err)
	}
	before := s.Now()
	if err := s.SignSession(ctx, se.ID, se.Version); err != nil {
		t.Fatalf("sign: %v", err)
	}
	got, err := s.Session(ctx, se.ID)
	must(t, err)
	if got.Status != data.StatusSigned || got.SignedBy != p.ID || !stampedNow(s, got.SignedAt, before) || got.Version != se.Version+1 {
		t.Fatalf("after signing: status %s by %q at %v, version %d", got.Status, got.SignedBy, got.SignedAt, got.Version)
	}
	if h, err := data.RecordHash(got); err != nil || h != got.RecordHash || len(h) != 64 {
		t.Fatalf("record hash %q, recomputed %q (%v)", got.RecordHash, h, err)
	}
	if len(got.SideEffects) != 1 || !got.SideEffects[0].Sealed {
		t.Fatalf("side effects after signing: %+v", got.SideEffects)
	}
	log, _ := s.AuditLog(ctx, se.ID)
	if last := log[len(log)-1]; last.Action != data.ActionSign || last.PractitionerID != p.ID || !strings.Contains(last.Detail, got.RecordHash) {
		t.Fatalf("audit of the signature: %+v", last)
	}
	if err := s.SignSession(ctx, se.ID, got.Version); !errors.Is(err, data.ErrSigned) {
		t.Fatalf("sign twice: %v, want ErrSigned", err)
	}
	// Frozen: no update reaches it, but follow-ups still do.
	edit := got
	edit.Zones[0].DepthMM = 2.0
	if err := s.UpdateSession(ctx, &edit); !errors.Is(err, data.ErrSigned) {
		t.Fatalf("update signed session: got %v, want ErrSigned", err)
	}
	if again, _ := s.Session(ctx, se.ID); again.Zones[0].DepthMM != 1.5 {
		t.Fatalf("signed session changed to %v mm", again.Zones[0].DepthMM)
	}
	e := data.SideEffect{SessionID: se.ID, Kind: "Post-inflammatory hyperpigmentation", Severity: data.SeverityModerate,
		Onset: data.DateOf(s.Now())}
	if err := s.AddSideEffect(ctx, &e); err != nil {
		t.Fatalf("follow-up on signed session: %v", err)
	}
}

func changedFields(a data.Amendment) string {
	var f []string
	for _, c := range a.Changes {
		f = append(f, c.Field+"="+c.Old+">"+c.New)
	}
	return strings.Join(f, " ")
}

func sessionAmend(t *testing.T, s store.Store) {
	signed, ctx := signedSession(t, s)
	other := testkit.CreatePractitioner(t, s, "Sofia Lindqvist", "")
	octx := data.WithActor(context.Background(), other.ID)
	edit := signed
	edit.Zones = append([]data.ZoneTreatment(nil), signed.Zones...)
	edit.Zones[0].DepthMM = 1.25
	edit.Notes = "Depth was 1.25 mm on the cheeks, not 1.5: typed wrong."
	const reason = "Corrected a typing error in the cheek depth."
	before := s.Now()
	a, err := s.AmendSession(octx, edit, reason)
	if err != nil {
		t.Fatalf("amend: %v", err)
	}
	if got := changedFields(a); got != "zones[0].depth_mm=1.5>1.25 notes=>"+edit.Notes {
		t.Fatalf("changes: %s", got)
	}
	if a.N != 1 || a.PractitionerID != other.ID || a.Reason != reason || !stampedNow(s, a.At, before) || a.PrevHash != signed.RecordHash ||
		a.RecordHash == signed.RecordHash || a.Changes[0].Label != "Cheeks: depth (mm)" {
		t.Fatalf("amendment: %+v", a)
	}
	cur, err := s.Session(ctx, signed.ID)
	must(t, err)
	if cur.Zones[0].DepthMM != 1.25 || cur.Notes != edit.Notes || cur.Amendments != 1 || cur.RecordHash != a.RecordHash ||
		cur.Status != data.StatusSigned || cur.SignedBy != signed.SignedBy || !cur.SignedAt.Equal(signed.SignedAt) {
		t.Fatalf("current session: %+v", cur)
	}
	if h, _ := data.RecordHash(cur); h != cur.RecordHash {
		t.Fatal("the amended record does not match its hash")
	}
	orig, err := s.OriginalSession(ctx, signed.ID)
	must(t, err)
	if orig.Zones[0].DepthMM != 1.5 || orig.Notes != signed.Notes || orig.RecordHash != signed.RecordHash || orig.Amendments != 0 {
		t.Fatalf("original: %+v", orig)
	}
	list, err := s.Amendments(ctx, signed.ID)
	if err != nil || len(list) != 1 || changedFields(list[0]) != changedFields(a) || list[0].Reason != reason {
		t.Fatalf("amendments: %+v %v", list, err)
	}
	log, _ := s.AuditLog(ctx, signed.ID)
	if last := log[len(log)-1]; last.Action != data.ActionAmend || last.PractitionerID != other.ID ||
		!strings.Contains(last.Detail, reason) || !strings.Contains(last.Detail, a.RecordHash) {
		t.Fatalf("audit of the amendment: %+v", last)
	}
	back := cur
	back.Zones[0].DepthMM = 1.5
	back.Notes = signed.Notes
	a2, err := s.AmendSession(ctx, back, "The first amendment was itself a mistake.")
	if err != nil {
		t.Fatal(err)
	}
	if a2.N != 2 || a2.PrevHash != a.RecordHash {
		t.Fatalf("second amendment: %+v", a2)
	}
	v1, err := s.SessionVersion(ctx, signed.ID, 1)
	if err != nil || v1.Zones[0].DepthMM != 1.25 || v1.RecordHash != a.RecordHash {
		t.Fatalf("version after the first amendment: %+v %v", v1, err)
	}
	if err := s.UpdateSession(ctx, &back); !errors.Is(err, data.ErrSigned) {
		t.Fatalf("UpdateSession after amending: %v", err)
	}
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK() || rep.Amendments != 2 || rep.SignedSessions != 1 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

// sessionBatch: the writes of one batch are kept together or not at all, and a session saved
// and signed in one batch reads back signed.
func sessionBatch(t *testing.T, s store.Store) {
	p := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	ctx := data.WithActor(context.Background(), p.ID)
	c := consentingClient(t, s, "Anna", "Smith")
	se := completeSession(t, s, c.ID, p.ID)
	failed := errors.New("the editor gave up")
	err := s.Batch(ctx, func(b store.Batch) error {
		extra := data.Client{FirstName: "Bea", LastName: "Jones"}
		if err := b.CreateClient(&extra); err != nil {
			return err
		}
		draft := se
		if err := b.CreateSession(&draft); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("batch: %v, want its function's error", err)
	}
	if list, _ := s.ListClients(ctx, data.ClientQuery{}); len(list) != 1 {
		t.Fatalf("a failed batch kept its client: %+v", list)
	}
	if tl, _ := s.Timeline(ctx, c.ID); len(tl) != 0 {
		t.Fatalf("a failed batch kept its session: %+v", tl)
	}
	must(t, s.Batch(ctx, func(b store.Batch) error {
		if err := b.CreateSession(&se); err != nil {
			return err
		}
		return b.SignSession(se.ID, se.Version)
	}))
	got, err := s.Session(ctx, se.ID)
	if err != nil || got.Status != data.StatusSigned || got.SignedBy != p.ID {
		t.Fatalf("saved and signed in one batch: %+v %v", got, err)
	}
	if h, _ := data.RecordHash(got); h != got.RecordHash {
		t.Fatal("the record signed in the batch does not match its hash")
	}
}
