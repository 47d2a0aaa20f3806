package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/report"
	"needlelog.app/needlelog/store/sqlite"
)

// The sheets' price column says the practice's currency in its header.
func TestExportedSheetsNameTheCurrency(t *testing.T) {
	db := demoFile(t)
	s, err := sqlite.Open(context.Background(), db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.SetSetting(context.Background(), data.SettingCurrency, "EUR")
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "sheets.xlsx")
	if code, _, errOut := runCLI(t, "export", "sheets", "--db", db, "-o", out); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetTitle(sqlite.ExportSessions))
	if err != nil || len(rows) == 0 {
		t.Fatalf("sessions sheet: %v", err)
	}
	if !slices.Contains(rows[0], "Price (€)") {
		t.Fatalf("the sessions sheet's header says %q", rows[0])
	}
}
