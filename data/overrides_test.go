package data_test

import (
	"errors"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

// overrideFields is "field: sentence" for each field of a validation error.
func overrideFields(t *testing.T, err error) []string {
	t.Helper()
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a ValidationError", err)
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field+": "+f.Message)
	}
	return out
}

func TestCheckOverrides(t *testing.T) {
	if err := data.CheckOverrides([]data.Override{{Rule: "rule:Pregnancy", Reason: "Test negative today."}}); err != nil {
		t.Fatalf("a well-formed override was refused: %v", err)
	}
	err := data.CheckOverrides([]data.Override{{Reason: "why"}, {Rule: "a"}, {Rule: "b", Reason: "ok"},
		{Rule: "b", Reason: "again"}, {Rule: "c", Reason: strings.Repeat("x", data.MaxTextLength+1)}})
	got := overrideFields(t, err)
	want := []string{
		"overrides[0].rule: Override 1 does not say which warning it passes.",
		"overrides[1].reason: Write the reason for going ahead despite the warning.",
		"overrides[3].rule: The same warning is passed twice; keep one reason.",
	}
	if len(got) != 4 || strings.Join(got[:3], "\n") != strings.Join(want, "\n") || !strings.HasPrefix(got[3], "overrides[4].reason: ") {
		t.Errorf("fields\n%s\nwant\n%s\nand a too-long reason on overrides[4]", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckBlocks(t *testing.T) {
	in := safetyInput()
	day := data.DateOf(testkit.Now)
	in.Session.Cartridge = data.CartridgeUse{CartridgeID: "12-pin", Lot: "C", Expiry: day.AddDays(-1)}
	blocks := data.Blocking(data.SafetyBlocks(in), nil)
	if len(blocks) != 1 {
		t.Fatalf("blocks %q, want the expired cartridge alone", rulesOf(blocks))
	}
	got := overrideFields(t, data.CheckBlocks(in, nil))
	if want := blocks[0].Field + ": " + blocks[0].Message + " To go ahead, record the reason."; len(got) != 1 || got[0] != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if err := data.CheckBlocks(in, []data.Override{{Rule: blocks[0].Rule, Reason: "Only lot in stock; checked sealed."}}); err != nil {
		t.Errorf("an override with a reason did not pass the block: %v", err)
	}
}
