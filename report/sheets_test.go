package report

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func writeTestSheets(t testing.TB, p *expPractice, q sqlite.ExportQuery) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSheets(context.Background(), &buf, p.store, q); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sheetRowOf returns the 1-based row of the sheet whose column col (by header title) holds want,
// and the sheet's header.
func sheetRowOf(t testing.TB, f *excelize.File, sheet, col, want string) (int, []string) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.Index(rows[0], col)
	if i < 0 {
		t.Fatalf("%s has no column %q: %v", sheet, col, rows[0])
	}
	for r, row := range rows[1:] {
		if i < len(row) && row[i] == want {
			return r + 2, rows[0]
		}
	}
	t.Fatalf("%s has no row with %s = %q", sheet, col, want)
	return 0, nil
}

// sheetCellName is the cell of the column titled col in row r.
func sheetCellName(t testing.TB, header []string, col string, r int) string {
	t.Helper()
	i := slices.Index(header, col)
	if i < 0 {
		t.Fatalf("no column %q in %v", col, header)
	}
	name, err := excelize.CoordinatesToCellName(i+1, r)
	if err != nil {
		t.Fatal(err)
	}
	return name
}

// excelSerial is a time's spreadsheet serial number (days since 1899-12-30).
func excelSerial(y int, m time.Month, d, hh, mm int) float64 {
	return float64(time.Date(y, m, d, hh, mm, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC))) / float64(24*time.Hour)
}

// requireDateCell checks that a cell holds the given serial number, formatted as a date.
func requireDateCell(t testing.TB, f *excelize.File, sheet, cell string, serial float64, format, shown string) {
	t.Helper()
	raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || v < serial-1e-6 || v > serial+1e-6 {
		t.Errorf("%s!%s holds %q, want the date number %v", sheet, cell, raw, serial)
	}
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil || *st.CustomNumFmt != format {
		t.Errorf("%s!%s is not formatted %q: %+v", sheet, cell, format, st)
	}
	if got, _ := f.GetCellValue(sheet, cell); got != shown {
		t.Errorf("%s!%s shows %q, want %q", sheet, cell, got, shown)
	}
}

func TestWriteSheets(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 8)
	f := writeTestSheets(t, p, sqlite.ExportQuery{})
	want := []string{"Sessions", "Zones", "Products applied", "Side effects", "Results", "Clients"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for i, table := range sqlite.ExportTables {
		rows, err := f.GetRows(want[i])
		if err != nil {
			t.Fatal(err)
		}
		if len(rows)-1 != p.counts[table] {
			t.Errorf("sheet %s has %d rows, want %d", want[i], len(rows)-1, p.counts[table])
		}
	}

	// A name that looks like a formula is text: no formula, an inline string, shown as written.
	r, header := sheetRowOf(t, f, "Clients", "Client ID", p.formula.ID)
	for col, text := range map[string]string{"First name": "=1+1", "Notes": "@SUM(A1:A9)"} {
		cell := sheetCellName(t, header, col, r)
		if formula, err := f.GetCellFormula("Clients", cell); err != nil || formula != "" {
			t.Errorf("Clients!%s has the formula %q (%v)", cell, formula, err)
		}
		if typ, _ := f.GetCellType("Clients", cell); typ != excelize.CellTypeInlineString {
			t.Errorf("Clients!%s is of type %v, want an inline string", cell, typ)
		}
		if got, _ := f.GetCellValue("Clients", cell); got != text {
			t.Errorf("Clients!%s shows %q, want %q", cell, got, text)
		}
		id, _ := f.GetCellStyle("Clients", cell)
		if st, _ := f.GetStyle(id); st == nil || st.NumFmt != 49 {
			t.Errorf("Clients!%s is not formatted as Text: %+v", cell, st)
		}
	}

	// A date of birth is a date.
	r, header = sheetRowOf(t, f, "Clients", "Client ID", p.ana.ID)
	requireDateCell(t, f, "Clients", sheetCellName(t, header, "Date of birth", r), excelSerial(1990, 4, 2, 0, 0), "yyyy-mm-dd", "1990-04-02")
	if got, _ := f.GetCellValue("Clients", sheetCellName(t, header, "Last name", r)); got != "Núñez" {
		t.Errorf("last name shows %q", got)
	}
	if got, _ := f.GetCellValue("Clients", sheetCellName(t, header, "Phone", r)); got != "+34 600 123 456" {
		t.Errorf("phone shows %q: the workbook needs no prefix", got)
	}

	// A session's start is a date with its time of day; numbers are numbers.
	r, header = sheetRowOf(t, f, "Sessions", "Session ID", p.session.ID)
	requireDateCell(t, f, "Sessions", sheetCellName(t, header, "Started", r), excelSerial(2026, 5, 17, 10, 30), "yyyy-mm-dd hh:mm", "2026-05-17 10:30")
	requireDateCell(t, f, "Sessions", sheetCellName(t, header, "Next session due", r), excelSerial(2026, 6, 14, 0, 0), "yyyy-mm-dd", "2026-06-14")
	for col, want := range map[string]float64{"Price (£)": 350.5, "Pain (0-10)": 3, "Deepest (mm)": 1.25} {
		cell := sheetCellName(t, header, col, r)
		if typ, _ := f.GetCellType("Sessions", cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("Sessions!%s (%s) is of type %v, want a number", cell, col, typ)
		}
		raw, _ := f.GetCellValue("Sessions", cell, excelize.Options{RawCellValue: true})
		if v, err := strconv.ParseFloat(raw, 64); err != nil || v != want {
			t.Errorf("Sessions!%s (%s) holds %q, want the number %v", cell, col, raw, want)
		}
	}
	if got, _ := f.GetCellValue("Sessions", sheetCellName(t, header, "Price (£)", r)); got != "350.50" {
		t.Errorf("price shows %q, want 350.50", got)
	}
	if got, _ := f.GetCellValue("Sessions", sheetCellName(t, header, "Signed", r)); got != "" {
		t.Errorf("an unsigned session shows %q as signed", got)
	}
	notes := sheetCellName(t, header, "Notes", r)
	if formula, _ := f.GetCellFormula("Sessions", notes); formula != "" {
		t.Errorf("session notes became the formula %q", formula)
	}

	r, header = sheetRowOf(t, f, "Zones", "Session ID", p.session.ID)
	if got, _ := f.GetCellValue("Zones", sheetCellName(t, header, "Depth (mm)", r)); got != "1.25" {
		t.Errorf("depth shows %q", got)
	}
}

func TestWriteSheetsFilters(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 8)
	f := writeTestSheets(t, p, sqlite.ExportQuery{PractitionerID: p.lee.ID})
	rows, _ := f.GetRows("Sessions")
	if len(rows) != 2 {
		t.Fatalf("Dr Lee's sheet has %d sessions, want 1", len(rows)-1)
	}
	rows, _ = f.GetRows("Clients")
	if len(rows) != 2 || rows[1][0] != p.ana.ID {
		t.Errorf("Dr Lee's clients: %v", rows[1:])
	}

	day := data.DateOf(p.session.StartedAt)
	f = writeTestSheets(t, p, sqlite.ExportQuery{From: day.AddDays(1), Tables: []string{sqlite.ExportSessions}})
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Sessions"}) {
		t.Errorf("sheets %v, want Sessions alone", got)
	}
	rows, _ = f.GetRows("Sessions")
	for _, row := range rows[1:] {
		if row[0] == p.session.ID {
			t.Errorf("a session before the period is in the sheet")
		}
	}
}

func TestWriteSheetsCancelled(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 8)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteSheets(ctx, io.Discard, p.store, sqlite.ExportQuery{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled export returned %v", err)
	}
}

// bigPractice is a demo practice of 20,000 clients and 100,000 sessions, without photos.
func bigPractice(b *testing.B) *sqlite.Store {
	b.Helper()
	ctx := context.Background()
	s := sqlitetest.OpenStoreNow(b, nil)
	if _, err := demo.Generate(ctx, s, demo.Options{Clients: 20_000, Sessions: 100_000, Seed: 1, PhotoClients: -1}); err != nil {
		b.Fatal(err)
	}
	return s
}

// countingWriter counts the bytes written through it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkWriteSheets100kSessions: go test ./report/ -run '^$' -bench WriteSheets100k -benchtime 1x
func BenchmarkWriteSheets100kSessions(b *testing.B) {
	s := bigPractice(b)
	var size int64
	for b.Loop() {
		w := &countingWriter{}
		if err := WriteSheets(context.Background(), w, s, sqlite.ExportQuery{}); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
}
