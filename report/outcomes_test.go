package report

import (
	"bytes"
	"context"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// resultNotes begins with a minus, which a spreadsheet would take for a formula.
const resultNotes = "-1 grade on both cheeks; boxcar scars shallower."

// addResults records two results of se: one in person just after it with nothing optional, and
// one from photos at fullAt by practitionerID with every optional value. They are returned as
// saved, the plain one first.
func addResults(t testing.TB, s nlstore.Store, se data.Session, practitionerID string, fullAt time.Time) (plain, full data.Outcome) {
	t.Helper()
	ctx := context.Background()
	plain = data.Outcome{ClientID: se.ClientID, SessionID: se.ID, AssessedAt: se.StartedAt.Add(time.Hour), GAIS: data.GAISNoChange}
	full = data.Outcome{ClientID: se.ClientID, SessionID: se.ID, AssessedAt: fullAt, PractitionerID: practitionerID,
		GAIS: data.GAISMuchImproved, Satisfaction: data.Optional[int]{V: 8, Valid: true},
		ScarBaseline: data.Optional[int]{V: 3, Valid: true}, ScarNow: data.Optional[int]{V: 2, Valid: true},
		FromPhotos: true, Notes: resultNotes}
	for _, o := range []*data.Outcome{&plain, &full} {
		if err := s.SaveOutcome(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	return plain, full
}

// between is the part of text after from and before to ("" for the end).
func between(t testing.TB, text, from, to string) string {
	t.Helper()
	i := strings.Index(text, from)
	if i < 0 {
		t.Fatalf("no %q in:\n%s", from, text)
	}
	rest := text[i+len(from):]
	if to != "" {
		j := strings.Index(rest, to)
		if j < 0 {
			t.Fatalf("no %q after %q in:\n%s", to, from, text)
		}
		rest = rest[:j]
	}
	return rest
}

// resultWords are what a PDF shows of the two results addResults records.
var resultWords = []string{"Result assessed", "Improvement", "Acne scars (Goodman",
	"10 Feb 2026", "in person", "no change", "24 Feb 2026", "from photos", "much improved", "8/10",
	"3 moderate at baseline,", "2 mild now", "-1 grade on both cheeks", "Dr Lée Ørsted, RN"}

func TestHistoryShowsResultsUnderTheirSession(t *testing.T) {
	t.Parallel()
	p := newPractice(t, 120)
	addResults(t, p.store, p.sessions[1], p.lee.ID, testkit.LocalNow.AddDate(0, 0, -14))
	h, err := LoadClientHistory(context.Background(), p.store, p.zoe.ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteClientHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	second := between(t, text, "Session 2 of 3 ·", "Session 3 of 3 ·")
	requireText(t, "session 2 of the history", second, resultWords...)
	// In date order, the one in person first.
	if i, j := strings.Index(second, "no change"), strings.Index(second, "much improved"); i > j {
		t.Errorf("the results are not in the order assessed:\n%s", second)
	}
	for _, other := range []string{between(t, text, "Session 1 of 3 ·", "Session 2 of 3 ·"), between(t, text, "Session 3 of 3 ·", "")} {
		if strings.Contains(other, "Result assessed") || strings.Contains(other, "much improved") {
			t.Errorf("a session without results shows some:\n%s", other)
		}
	}
}

func TestSessionRecordShowsItsResults(t *testing.T) {
	t.Parallel()
	p := newPractice(t, 120)
	addResults(t, p.store, p.sessions[1], p.lee.ID, testkit.LocalNow.AddDate(0, 0, -14))
	for i, se := range p.sessions {
		r, err := LoadSession(context.Background(), p.store, se.ID)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteSessionRecord(&buf, r); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, buf.Bytes())
		if i != 1 {
			if strings.Contains(text, "Results assessed") || strings.Contains(text, "Result assessed") {
				t.Errorf("session %d has no results, yet its record shows a results section:\n%s", i+1, text)
			}
			continue
		}
		// After the signature, which they are no part of.
		results := between(t, text, "Signature", "")
		requireText(t, "session 2's record", results, append([]string{"Results assessed after this session",
			"not part of the session's signed record"}, resultWords...)...)
		requirePageNumbers(t, "session 2's record", text, pageCount(t, buf.Bytes()))
	}
}

func TestResultsCSV(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 0)
	plain, full := addResults(t, p.store, p.session, p.lee.ID, time.Date(2026, 5, 19, 12, 0, 0, 0, time.Local))
	files := map[string]*bytes.Buffer{}
	err := WriteCSV(context.Background(), p.store, sqlite.ExportQuery{}, func(name string) (io.Writer, error) {
		files[name] = &bytes.Buffer{}
		return files[name], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files["results.csv"] == nil {
		t.Fatalf("no results.csv among %v", slices.Collect(maps.Keys(files)))
	}
	results := readCSV(t, "results.csv", files["results.csv"].Bytes())
	if len(results) != 3 {
		t.Fatalf("results.csv has %d records, want a header and 2 rows: %v", len(results), results)
	}
	want := []string{"result_id", "session_id", "client_id", "client", "started_at", "assessed_at", "assessed_by", "gais",
		"satisfaction", "scar_baseline", "scar_now", "from_photos", "notes", "created_at", "updated_at"}
	if !slices.Equal(results[0], want) {
		t.Errorf("header %v, want %v", results[0], want)
	}
	if results[1][0] != plain.ID || results[2][0] != full.ID {
		t.Errorf("rows %v, want the plain result first (assessed first)", results[1:])
	}
	// Linked to the session and its client by the IDs the other files use.
	session := csvRow(t, readCSV(t, "sessions.csv", files["sessions.csv"].Bytes()), "session_id", p.session.ID)
	client := csvRow(t, readCSV(t, "clients.csv", files["clients.csv"].Bytes()), "client_id", p.ana.ID)
	for id, row := range map[string]map[string]string{plain.ID: csvRow(t, results, "result_id", plain.ID), full.ID: csvRow(t, results, "result_id", full.ID)} {
		if row["session_id"] != session["session_id"] || row["client_id"] != client["client_id"] || row["client"] != "Ana Núñez" ||
			row["started_at"] != session["started_at"] {
			t.Errorf("result %s is not linked to its session and client: %v", id, row)
		}
	}
	for col, v := range map[string]string{"assessed_at": "2026-05-19 12:00:00", "assessed_by": "Dr Lee", "gais": "much improved",
		"satisfaction": "8", "scar_baseline": "3", "scar_now": "2", "from_photos": "yes", "notes": "'" + resultNotes} {
		if got := csvRow(t, results, "result_id", full.ID)[col]; got != v {
			t.Errorf("full result's %s = %q, want %q", col, got, v)
		}
	}
	for col, v := range map[string]string{"assessed_at": "2026-05-17 11:30:00", "gais": "no change", "satisfaction": "",
		"scar_baseline": "", "scar_now": "", "from_photos": "no", "notes": ""} {
		if got := csvRow(t, results, "result_id", plain.ID)[col]; got != v {
			t.Errorf("plain result's %s = %q, want %q", col, got, v)
		}
	}

	// An export of other sessions has no results of this one.
	var other bytes.Buffer
	err = WriteCSV(context.Background(), p.store, sqlite.ExportQuery{From: data.NewDate(2026, 5, 18)}, func(name string) (io.Writer, error) {
		if name == "results.csv" {
			return &other, nil
		}
		return io.Discard, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows := readCSV(t, "results.csv", other.Bytes()); len(rows) != 1 {
		t.Errorf("an export from 18 May has results of a session of 17 May: %v", rows)
	}
}

func TestResultsSheet(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 0)
	plain, full := addResults(t, p.store, p.session, p.lee.ID, time.Date(2026, 5, 19, 12, 0, 0, 0, time.Local))
	f := writeTestSheets(t, p, sqlite.ExportQuery{})
	r, header := sheetRowOf(t, f, "Results", "Result ID", full.ID)
	if pr, _ := sheetRowOf(t, f, "Results", "Result ID", plain.ID); pr != 2 || r != 3 {
		t.Errorf("results in rows %d and %d, want the plain one (assessed first) in 2, the full one in 3", pr, r)
	}
	rows, err := f.GetRows("Results")
	if err != nil || len(rows) != 3 {
		t.Fatalf("the Results sheet has %d rows (%v), want a header and 2", len(rows), err)
	}
	srow, sheader := sheetRowOf(t, f, "Sessions", "Session ID", p.session.ID)
	sessionClient, _ := f.GetCellValue("Sessions", sheetCellName(t, sheader, "Client ID", srow))
	for col, want := range map[string]string{"Session ID": p.session.ID, "Client ID": sessionClient, "Client": "Ana Núñez",
		"Assessed by": "Dr Lee", "Improvement (GAIS)": "much improved", "Satisfaction (0-10)": "8",
		"Scar grade at baseline (1-4)": "3", "Scar grade now (1-4)": "2", "Assessed from photos": "yes", "Notes": resultNotes} {
		if got, _ := f.GetCellValue("Results", sheetCellName(t, header, col, r)); got != want {
			t.Errorf("Results %s = %q, want %q", col, got, want)
		}
	}
	// Scores are numbers, not text; times are dates.
	for _, col := range []string{"Satisfaction (0-10)", "Scar grade at baseline (1-4)", "Scar grade now (1-4)"} {
		raw, _ := f.GetCellValue("Results", sheetCellName(t, header, col, r), excelize.Options{RawCellValue: true})
		if typ, _ := f.GetCellType("Results", sheetCellName(t, header, col, r)); typ == excelize.CellTypeInlineString || raw == "" {
			t.Errorf("Results %s is stored as %v %q, want a number", col, typ, raw)
		}
	}
	requireDateCell(t, f, "Results", sheetCellName(t, header, "Assessed", r), excelSerial(2026, 5, 19, 12, 0), "yyyy-mm-dd hh:mm", "2026-05-19 12:00")
	for _, col := range []string{"Satisfaction (0-10)", "Scar grade at baseline (1-4)", "Notes"} {
		if got, _ := f.GetCellValue("Results", sheetCellName(t, header, col, 2)); got != "" {
			t.Errorf("the plain result's %s shows %q, want an empty cell", col, got)
		}
	}
}

func TestNoResultsExportAsBefore(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 0)
	// The results table is there, empty, as the side effects' is in a practice without any.
	f := writeTestSheets(t, p, sqlite.ExportQuery{})
	if rows, err := f.GetRows("Results"); err != nil || len(rows) != 1 {
		t.Errorf("Results sheet of a practice without results: %v (%v), want its header only", rows, err)
	}
	var buf bytes.Buffer
	err := WriteCSV(context.Background(), p.store, sqlite.ExportQuery{}, func(name string) (io.Writer, error) {
		if name == "results.csv" {
			return &buf, nil
		}
		return io.Discard, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if buf.Len() == 0 {
		t.Errorf("no results.csv")
	} else if rows := readCSV(t, "results.csv", buf.Bytes()); len(rows) != 1 {
		t.Errorf("results.csv of a practice without results: %v", rows)
	}
	// The documents show no results section.
	h, err := LoadClientHistory(context.Background(), p.store, p.ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteClientHistory(&buf, h); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, buf.Bytes()); strings.Contains(text, "Result") {
		t.Errorf("a history without results mentions some:\n%s", text)
	}
	r, err := LoadSession(context.Background(), p.store, p.session.ID)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteSessionRecord(&buf, r); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, buf.Bytes()); strings.Contains(text, "Result") {
		t.Errorf("a session record without results mentions some:\n%s", text)
	}
}

func TestArchiveHoldsResults(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 0)
	plain, full := addResults(t, p.store, p.session, p.lee.ID, time.Date(2026, 5, 19, 12, 0, 0, 0, time.Local))
	var buf bytes.Buffer
	if err := WriteArchive(context.Background(), &buf, ondisk.ArchivableOf(p.store), nil); err != nil {
		t.Fatal(err)
	}
	a := readArchive(t, buf.Bytes())
	verifyManifest(t, a)
	results := readCSV(t, "tables/results.csv", a.files["tables/results.csv"])
	if len(results) != 3 || csvRow(t, results, "result_id", full.ID)["gais"] != "much improved" ||
		csvRow(t, results, "result_id", plain.ID)["session_id"] != p.session.ID {
		t.Errorf("tables/results.csv: %v", results)
	}
	readme := string(a.files[ArchiveReadmePath])
	if !strings.Contains(readme, "results.csv") || !strings.Contains(readme, "per result assessed after a session") {
		t.Errorf("README.txt does not say what results.csv is:\n%s", readme)
	}
	history, ok := a.files["histories/Ana Núñez.pdf"]
	if !ok {
		t.Fatalf("no history of Ana Núñez in %v", a.order)
	}
	requireText(t, "the archived history", pdfText(t, history), "much improved", "8/10", "3 moderate at baseline,", "2 mild now",
		"from photos", "no change", "19 May 2026")
}
