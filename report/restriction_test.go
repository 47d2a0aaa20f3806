package report

import (
	"bytes"
	"context"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// The treatment history says, as the client page does, until when a past condition still stops
// needling, so that a date already past is not read as the restriction's end.
func TestClientHistorySaysWhenTreatmentIsAllowedAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(t, testkit.Fixed(testkit.LocalNow))
	c := data.Client{FirstName: "Ada", LastName: "Byrne", History: []data.HistoryEntry{
		{Condition: "Isotretinoin (Accutane)", Since: data.NewDate(2025, 6, 1), Until: data.NewDate(2026, 1, 15)}}}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	h, err := LoadClientHistory(ctx, s, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteClientHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	requireText(t, "treatment history", pdfText(t, buf.Bytes()),
		"Before treating", "Isotretinoin (Accutane) ended 15 Jan 2026; no needling before 15 Jul 2026")
}
