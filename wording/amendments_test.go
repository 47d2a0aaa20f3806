package wording_test

import (
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

func TestAmendmentLines(t *testing.T) {
	a := data.Amendment{N: 2, At: time.Date(2026, 3, 10, 14, 30, 0, 0, time.Local),
		Reason: "depth for Cheeks typed as 2.5, device log says 1.5",
		Changes: []data.FieldChange{
			{Label: "Cheeks: depth (mm)", Old: "2.5", New: "1.5"},
			{Label: "Notes", Old: "", New: "Checked against the device log."},
			{Label: "Modality", Old: "LED", New: " "},
		}}
	got := strings.Join(wording.AmendmentLines(a, "Dr Lee"), "\n")
	want := "Amendment 2, 10 Mar 2026, 14:30 by Dr Lee: depth for Cheeks typed as 2.5, device log says 1.5\n" +
		"Cheeks: depth (mm): 2.5 → 1.5\nNotes: — → Checked against the device log.\nModality: LED → —"
	if got != want {
		t.Errorf("AmendmentLines:\n%s\nwant\n%s", got, want)
	}
	for n, want := range map[int]string{1: "amended once after signing", 3: "amended 3 times after signing"} {
		if got := wording.AmendedAfterSigning(n); got != want {
			t.Errorf("AmendedAfterSigning(%d) = %q, want %q", n, got, want)
		}
	}
}
