package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func changedFields(a data.Amendment) string {
	var f []string
	for _, c := range a.Changes {
		f = append(f, c.Field+"="+c.Old+">"+c.New)
	}
	return strings.Join(f, " ")
}

func TestAmendSession(t *testing.T) {
	t.Parallel()
	s, clk := sqlitetest.OpenStore(t)
	signed, ctx := signedSessionBy(t, s)
	other := testkit.CreatePractitioner(t, s, "Sofia Lindqvist", "")
	octx := data.WithActor(context.Background(), other.ID)
	clk.Advance(24 * time.Hour)

	edit := signed
	edit.Zones = append([]data.ZoneTreatment(nil), signed.Zones...)
	edit.Zones[0].DepthMM = 1.25
	edit.Notes = "Depth was 1.25 mm on the cheeks, not 1.5: typed wrong."
	const reason = "Corrected a typing error in the cheek depth."
	a, err := s.AmendSession(octx, edit, reason)
	if err != nil {
		t.Fatalf("amend: %v", err)
	}
	if got := changedFields(a); got != "zones[0].depth_mm=1.5>1.25 notes=>"+edit.Notes {
		t.Fatalf("changes: %s", got)
	}
	if a.N != 1 || a.PractitionerID != other.ID || a.Reason != reason || !a.At.Equal(clk.T) || a.PrevHash != signed.RecordHash ||
		a.RecordHash == signed.RecordHash || a.Changes[0].Label != "Cheeks: depth (mm)" {
		t.Fatalf("amendment: %+v", a)
	}

	cur, err := s.Session(ctx, signed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Zones[0].DepthMM != 1.25 || cur.Notes != edit.Notes || cur.Amendments != 1 || cur.RecordHash != a.RecordHash ||
		cur.Status != data.StatusSigned || cur.SignedBy != signed.SignedBy || !cur.SignedAt.Equal(signed.SignedAt) {
		t.Fatalf("current session: %+v", cur)
	}
	if h, _ := data.RecordHash(cur); h != cur.RecordHash {
		t.Fatal("the amended record does not match its hash")
	}
	orig, err := s.OriginalSession(ctx, signed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if orig.Zones[0].DepthMM != 1.5 || orig.Notes != signed.Notes || orig.RecordHash != signed.RecordHash || orig.Amendments != 0 {
		t.Fatalf("original: %+v", orig)
	}
	if h, _ := data.RecordHash(orig); h != signed.RecordHash {
		t.Fatal("the original read back does not hash as it was signed")
	}
	list, err := s.Amendments(ctx, signed.ID)
	if err != nil || len(list) != 1 || changedFields(list[0]) != changedFields(a) || list[0].Reason != reason {
		t.Fatalf("amendments: %+v %v", list, err)
	}
	log, _ := s.AuditLog(ctx, signed.ID)
	last := log[len(log)-1]
	if last.Action != data.ActionAmend || last.PractitionerID != other.ID || !strings.Contains(last.Detail, reason) ||
		!strings.Contains(last.Detail, a.RecordHash) {
		t.Fatalf("audit of the amendment: %+v", last)
	}

	// Amended back: a second amendment, with its own hash; the database stays closed after it.
	back := cur
	back.Zones[0].DepthMM = 1.5
	back.Notes = signed.Notes
	a2, err := s.AmendSession(ctx, back, "The first amendment was itself a mistake.")
	if err != nil {
		t.Fatal(err)
	}
	if a2.N != 2 || a2.RecordHash == signed.RecordHash || a2.PrevHash != a.RecordHash {
		t.Fatalf("second amendment: %+v", a2)
	}
	v1, err := s.SessionVersion(ctx, signed.ID, 1)
	if err != nil || v1.Zones[0].DepthMM != 1.25 || v1.RecordHash != a.RecordHash {
		t.Fatalf("version after the first amendment: %+v %v", v1, err)
	}
	rawExecFails(t, s.Path(), `UPDATE session_zones SET depth_mm = 2 WHERE session_id = '`+signed.ID+`'`)
	if err := s.UpdateSession(ctx, &back); !errors.Is(err, data.ErrSigned) {
		t.Fatalf("UpdateSession after amending: %v", err)
	}
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK() || rep.Amendments != 2 || rep.SignedSessions != 1 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

// rawExecFails runs a statement on a connection of its own and expects the database to refuse it.
func rawExecFails(t *testing.T, path, q string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "read-only") && !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("%s: got %v, want a refusal", q, err)
	}
}

func TestAmendRefusals(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	signed, ctx := signedSessionBy(t, s)
	edit := signed
	edit.Notes = "Changed."
	if _, err := s.AmendSession(ctx, edit, " "); testkit.FieldsOf(t, err)[0] != "reason" {
		t.Fatalf("amend without a reason: %v", err)
	}
	if _, err := s.AmendSession(context.Background(), edit, "why"); !errors.Is(err, data.ErrNoActor) {
		t.Fatalf("amend without a practitioner: %v", err)
	}
	stale := edit
	stale.Version--
	if _, err := s.AmendSession(ctx, stale, "why"); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("amend a stale copy: %v", err)
	}
	if _, err := s.AmendSession(ctx, signed, "why"); testkit.FieldsOf(t, err)[0] != "reason" {
		t.Fatalf("amend with no change: %v", err)
	}
	moved := edit
	moved.ClientID = testkit.CreateClient(t, s, "Other", "Client").ID
	testkit.ExpectFields(t, func() error { _, err := s.AmendSession(ctx, moved, "why"); return err }(), "client")
	bad := edit
	bad.Zones = []data.ZoneTreatment{{Zone: "Cheeks", DepthMM: 5, Passes: 3}}
	testkit.ExpectFields(t, func() error { _, err := s.AmendSession(ctx, bad, "why"); return err }(), "zones[0].depth_mm")
	// Side effects recorded before signing stay; later ones are follow-ups, not amendments.
	gone := edit
	gone.SideEffects = nil
	testkit.ExpectFields(t, func() error { _, err := s.AmendSession(ctx, gone, "why"); return err }(), "side_effects")
	added := edit
	added.SideEffects = append(append([]data.SideEffect(nil), edit.SideEffects...), data.SideEffect{Kind: "Milia",
		Severity: data.SeverityMild, Onset: data.DateOf(testkit.Now)})
	testkit.ExpectFields(t, func() error { _, err := s.AmendSession(ctx, added, "why"); return err }(), "side_effects[1].kind")

	draft := testkit.StoredSession(t, s, signed.ClientID)
	if err := s.CreateSession(ctx, &draft); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AmendSession(ctx, draft, "why"); !errors.Is(err, data.ErrNotSigned) {
		t.Fatalf("amend a draft: %v", err)
	}
	if got, _ := s.Session(ctx, signed.ID); got.Amendments != 0 || got.RecordHash != signed.RecordHash {
		t.Fatal("a refused amendment changed the session")
	}
}

func TestAmendSideEffectAndOverride(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	signed, ctx := signedSessionBy(t, s)
	edit := signed
	edit.SideEffects = append([]data.SideEffect(nil), signed.SideEffects...)
	edit.SideEffects[0].Severity = data.SeverityModerate
	// An amendment is checked like a save: a block needs its reason.
	serums, _ := s.Products(ctx, "Antioxidant", false)
	edit.Products = append(append([]data.ProductUse(nil), signed.Products...),
		data.ProductUse{ProductID: serums[0].ID, Phase: data.PhaseDuring, Amount: "1 ml"})
	ve := new(data.ValidationError)
	if _, err := s.AmendSession(ctx, edit, "Serum was left off the record."); !errors.As(err, &ve) ||
		!strings.Contains(ve.For("products[2].product"), "not made for needled skin") {
		t.Fatalf("amend adding a blocked product: %v", err)
	}
	edit.Overrides = []data.Override{{Rule: "product.needled:" + serums[0].Name, Reason: "Applied in error; client informed and reviewed at 48 h."}}
	a, err := s.AmendSession(ctx, edit, "Serum was left off the record.")
	if err != nil {
		t.Fatal(err)
	}
	got := changedFields(a)
	for _, want := range []string{"products[2].product=>" + serums[0].Name, "side_effects[0].severity=mild>moderate",
		"overrides[0].reason=>Applied in error"} {
		if !strings.Contains(got, want) {
			t.Errorf("changes %q lack %q", got, want)
		}
	}
	cur, _ := s.Session(ctx, signed.ID)
	if cur.SideEffects[0].Severity != data.SeverityModerate || len(cur.Overrides) != 1 || len(cur.Products) != 3 {
		t.Fatalf("after amending: %+v", cur)
	}
	orig, _ := s.OriginalSession(ctx, signed.ID)
	if orig.SideEffects[0].Severity != data.SeverityMild || len(orig.Overrides) != 0 || len(orig.Products) != 2 {
		t.Fatalf("original: %+v", orig)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %q", err, rep.Breaks)
	}
}
