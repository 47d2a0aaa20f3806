package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
)

// amendCheeks amends the practice's first, signed session: its cheek depth was typed wrong.
func amendCheeks(t testing.TB, p *practice) {
	t.Helper()
	ctx := data.WithActor(context.Background(), p.lee.ID)
	edit := p.sessions[0]
	edit.Zones = append([]data.ZoneTreatment(nil), edit.Zones...)
	edit.Zones[0].DepthMM = 1.5
	if _, err := p.store.AmendSession(ctx, edit, amendReason); err != nil {
		t.Fatalf("amend: %v", err)
	}
}

const (
	amendReason = "depth for Cheeks typed as 0.5, device log says 1.5"
	amendLine   = "Amendment 1, 10 Mar 2026, 14:30 by Dr Lée Ørsted, RN: " + amendReason
)

func TestSessionRecordListsAmendments(t *testing.T) {
	ctx := context.Background()
	p := newPractice(t, 64)
	amendCheeks(t, p)
	record := func(id string) string {
		r, err := LoadSession(ctx, p.store, id)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteSessionRecord(&buf, r); err != nil {
			t.Fatal(err)
		}
		return pdfText(t, buf.Bytes())
	}

	text := record(p.sessions[0].ID)
	requireText(t, "amended session record", text,
		"Signed by Dr Lée Ørsted, RN on 10 Mar 2026, 14:30; amended once after signing",
		"Cheeks 1.5 level 4", "Amendments", amendLine, "Cheeks: depth (mm): 0.5 → 1.5")
	folded := strings.Join(strings.Fields(text), " ")
	if sig, list := strings.LastIndex(folded, "Signature"), strings.Index(folded, amendLine); sig < 0 || list < sig {
		t.Errorf("the amendments are not listed after the signature (at %d and %d)", sig, list)
	}

	text = record(p.sessions[1].ID) // signed, never amended
	for _, no := range []string{"Amendment", "amended"} {
		if strings.Contains(text, no) {
			t.Errorf("an unamended signed record says %q:\n%s", no, text)
		}
	}
}

func TestClientHistoryListsAmendments(t *testing.T) {
	ctx := context.Background()
	p := newPractice(t, 64)
	amendCheeks(t, p)
	h, err := LoadClientHistory(ctx, p.store, p.zoe.ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteClientHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	requireText(t, "history", text, "Record Signed by Dr Lée Ørsted, RN on 10 Mar 2026, 14:30; amended once after signing",
		"Amendments "+amendLine, "Cheeks: depth (mm): 0.5 → 1.5")
	// Only the amended session says so: it comes before the second session's heading.
	folded := strings.Join(strings.Fields(text), " ")
	if n := strings.Count(folded, "amended once after signing"); n != 1 {
		t.Errorf("the history says %d times that a session was amended, want once", n)
	}
	if at, second := strings.Index(folded, amendLine), strings.Index(folded, "Session 2 of 3 ·"); at < 0 || at > second {
		t.Errorf("the amendment is not listed under its session (at %d, the second session at %d)", at, second)
	}
}
