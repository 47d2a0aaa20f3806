package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// The practice's own store: SafetyInputFor gathers, CreateSession and UpdateSession check again.
func TestSaveRefusesBlockWithoutReason(t *testing.T) {
	t.Parallel()
	s, clk := sqlitetest.OpenStore(t)
	p := testkit.CreatePractitioner(t, s, "Léa Fontaine", "")
	ctx := data.WithActor(context.Background(), p.ID)
	c := consentingClient(t, s, "Anna", "Smith")
	c.History = []data.HistoryEntry{{Condition: "Isotretinoin (Accutane)", Until: data.DateOf(testkit.Now).AddDays(-100)}}
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	se := completeSession(t, s, c.ID, p.ID)

	in, err := s.SafetyInputFor(ctx, se)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Rules) == 0 || len(in.Zones) == 0 || len(in.Devices) == 0 || len(in.Products) == 0 ||
		len(in.Client.History) != 1 || in.Today != data.DateOf(testkit.Now) {
		t.Fatalf("safety input: %d rules, %d zones, %d devices, %d products, history %v, today %v",
			len(in.Rules), len(in.Zones), len(in.Devices), len(in.Products), in.Client.History, in.Today)
	}
	ws := data.CheckSafety(in)
	if len(ws) == 0 || ws[0].Rule != "rule:Isotretinoin (Accutane)" || !ws[0].Block {
		t.Fatalf("warnings %q", rulesOf(ws))
	}

	ve := new(data.ValidationError)
	if err := s.CreateSession(ctx, &se); !errors.As(err, &ve) || !strings.Contains(ve.For("client"), "isotretinoin") {
		t.Fatalf("save with a block and no reason: %v", err)
	}
	if se.ID != "" {
		t.Fatal("a refused session kept an ID")
	}
	se.Overrides = []data.Override{{Rule: "rule:Isotretinoin (Accutane)", Reason: "   "}}
	testkit.ExpectFields(t, s.CreateSession(ctx, &se), "overrides[0].reason")

	const reason = "Dermatologist's letter of 2026-03-02 clears treatment at 3 months after a low-dose course."
	se.Overrides[0].Reason = reason
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatalf("save with the reason: %v", err)
	}
	got, err := s.Session(ctx, se.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Overrides) != 1 || got.Overrides[0].Reason != reason || got.Overrides[0].PractitionerID != p.ID ||
		!got.Overrides[0].At.Equal(testkit.Now) {
		t.Fatalf("overrides read back: %+v", got.Overrides)
	}
	log, _ := s.AuditLog(ctx, se.ID)
	if i := len(log) - 1; log[i].Action != data.ActionOverride || !strings.Contains(log[i].Detail, reason) || log[i].PractitionerID != p.ID {
		t.Fatalf("audit of the override: %+v", log[i])
	}

	// Saving again keeps the override as it was, and logs nothing more about it.
	clk.Advance(time.Minute)
	got.Notes = "Reviewed the letter with the client."
	if err := s.UpdateSession(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Session(ctx, se.ID); len(again.Overrides) != 1 || !again.Overrides[0].At.Equal(testkit.Now) {
		t.Fatalf("overrides after another save: %+v", again.Overrides)
	}
	if log2, _ := s.AuditLog(ctx, se.ID); len(log2) != len(log)+1 || log2[len(log2)-1].Action != data.ActionUpdate {
		t.Fatalf("audit after another save: %+v", log2[len(log):])
	}
	// Checked again on save, against the history as it now stands.
	c, _ = s.Client(ctx, c.ID)
	c.History = append(c.History, data.HistoryEntry{Condition: "Pregnancy"})
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Session(ctx, se.ID)
	if err := s.UpdateSession(ctx, &got); !errors.As(err, &ve) || !strings.Contains(ve.Error(), "pregnancy") {
		t.Fatalf("save after the history changed: %v", err)
	}
	// Withdrawing an override is logged too.
	c.History = c.History[:1]
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	c.History = nil
	if err := s.UpdateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	got.Overrides = nil
	if err := s.UpdateSession(ctx, &got); err != nil {
		t.Fatal(err)
	}
	log, _ = s.AuditLog(ctx, se.ID)
	if last := log[len(log)-1]; last.Action != data.ActionOverride || !strings.HasPrefix(last.Detail, "withdrawn: rule:Isotretinoin") {
		t.Fatalf("audit of the withdrawal: %+v", last)
	}
}

func TestSaveChecksIntervalAgainstStoredSessions(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	ctx := context.Background()
	c := consentingClient(t, s, "Anna", "Smith")
	first := testkit.StoredSession(t, s, c.ID)
	first.StartedAt = testkit.Now.AddDate(0, 0, -10)
	if err := s.CreateSession(ctx, &first); err != nil {
		t.Fatal(err)
	}
	second := testkit.StoredSession(t, s, c.ID)
	in, err := s.SafetyInputFor(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range data.CheckSafety(in) {
		found = found || w.Rule == "interval:Cheeks"
	}
	if !found {
		t.Fatalf("no interval warning from the stored session: %q", rulesOf(data.CheckSafety(in)))
	}
	if err := s.CreateSession(ctx, &second); err != nil { // a warning does not stop saving
		t.Fatal(err)
	}
}

func rulesOf(ws []data.SafetyWarning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Rule)
	}
	return out
}
