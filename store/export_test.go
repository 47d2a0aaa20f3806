package store_test

import (
	"testing"

	"needlelog.app/needlelog/store"
)

// Every table has its columns, each named once and titled; the price column names the currency
// without changing the columns another export gets.
func TestExportColumns(t *testing.T) {
	for _, table := range store.ExportTables {
		cols := store.ExportColumns(table, "")
		if len(cols) == 0 {
			t.Fatalf("table %s has no columns", table)
		}
		seen := map[string]bool{}
		for _, c := range cols {
			if c.Name == "" || c.Title == "" || seen[c.Name] {
				t.Errorf("table %s: column %+v is unnamed, untitled or repeated", table, c)
			}
			seen[c.Name] = true
		}
	}
	price := func(currency string) store.ExportColumn {
		for _, c := range store.ExportColumns(store.ExportSessions, currency) {
			if c.Name == "price" {
				return c
			}
		}
		t.Fatal("sessions have no price column")
		return store.ExportColumn{}
	}
	if c := price("EUR"); c.Title != "Price (€)" || c.Kind != store.ColumnNumber || c.Decimals != 2 {
		t.Errorf("price column in euros: %+v", c)
	}
	if c := price(""); c.Title != "Price" {
		t.Errorf("price column without a currency is titled %q after one with", c.Title)
	}
	if cols := store.ExportColumns("photos", "EUR"); cols != nil {
		t.Errorf("a table not exported has columns %v", cols)
	}
}
