package report

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/postgres"
)

// TestResultsExportFromTheClinicServer: a practice on PostgreSQL exports its results as one in a
// file does: in results.csv, in the history PDF and in the archive (made from its SQLite copy).
func TestResultsExportFromTheClinicServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := postgres.Open(ctx, testkit.Postgres(t), postgres.Options{Now: testkit.Fixed(expNow)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	lee := testkit.CreatePractitioner(t, s, "Dr Lee", "")
	ana := testkit.CreateClient(t, s, "Ana", "Núñez")
	se := testkit.CreateSession(t, s, ana.ID, func(se *data.Session) {
		se.PractitionerID = lee.ID
		se.StartedAt = time.Date(2026, 5, 17, 10, 30, 0, 0, time.Local)
		se.NextDue = data.NewDate(2026, 6, 14)
	})
	plain, full := addResults(t, s, se, lee.ID, time.Date(2026, 5, 19, 12, 0, 0, 0, time.Local))

	var csvBuf bytes.Buffer
	err = WriteCSV(ctx, s, nlstore.ExportQuery{Tables: []string{nlstore.ExportResults}}, func(string) (io.Writer, error) { return &csvBuf, nil })
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, "results.csv", csvBuf.Bytes())
	if len(rows) != 3 || csvRow(t, rows, "result_id", plain.ID)["gais"] != "no change" {
		t.Fatalf("results.csv from the server: %v", rows)
	}
	for col, want := range map[string]string{"session_id": se.ID, "client_id": ana.ID, "assessed_at": "2026-05-19 12:00:00",
		"assessed_by": "Dr Lee", "gais": "much improved", "satisfaction": "8", "scar_baseline": "3", "scar_now": "2",
		"from_photos": "yes", "notes": "'" + resultNotes} {
		if got := csvRow(t, rows, "result_id", full.ID)[col]; got != want {
			t.Errorf("results.csv from the server: %s = %q, want %q", col, got, want)
		}
	}

	h, err := LoadClientHistory(ctx, s, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := WriteClientHistory(&pdf, h); err != nil {
		t.Fatal(err)
	}
	requireText(t, "the history from the server", between(t, pdfText(t, pdf.Bytes()), "Session 2 of 4 ·", "Side-effect log"),
		"17 May 2026", "in person", "no change", "19 May 2026", "from photos", "much improved", "8/10",
		"3 moderate at baseline,", "2 mild now", "Dr Lee")

	var zip bytes.Buffer
	if err := WriteArchive(ctx, &zip, ondisk.ArchiveOf(s), nil); err != nil {
		t.Fatal(err)
	}
	a := readArchive(t, zip.Bytes())
	archived := readCSV(t, "tables/results.csv", a.files["tables/results.csv"])
	if len(archived) != 3 || csvRow(t, archived, "result_id", full.ID)["satisfaction"] != "8" {
		t.Errorf("the server's archive holds results %v", archived)
	}
}
