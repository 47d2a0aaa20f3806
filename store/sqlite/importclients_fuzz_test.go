package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// FuzzImportClientsCSV feeds any bytes through the whole client import, file to database:
// reading never panics; every row is accounted for once (imported, skipped, blank or failed with
// one of the file's lines); the store gains exactly the clients reported; and importing the same
// file a second time imports no one. The seed corpus is in testdata/fuzz/FuzzImportClientsCSV and
// data/testdata/clientcsv.
func FuzzImportClientsCSV(f *testing.F) {
	now := time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)
	s := sqlitetest.OpenStoreNow(f, func() time.Time { return now })
	// The hostile files spreadsheets and other systems write are seeds too.
	fixtures, err := filepath.Glob(filepath.Join("..", "..", "data", "testdata", "clientcsv", "*"))
	if err != nil || len(fixtures) == 0 {
		f.Fatalf("client file fixtures: %v", err)
	}
	for _, path := range fixtures {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	count := func(t *testing.T) int64 {
		n, err := s.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n["clients"]
	}

	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := data.ReadClientCSV(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		m := data.GuessClientMapping(file.Header)
		if len(m) != len(file.Header) {
			t.Fatalf("mapping of %d columns for a header of %d", len(m), len(file.Header))
		}
		if m.Validate() != nil {
			// Try every field all the same: the full name first, then one field per column.
			m = make(data.ClientMapping, len(file.Header))
			rest := slices.DeleteFunc(slices.Clone(data.ClientFields), func(f data.ClientField) bool {
				return f == data.FieldFullName || f == data.FieldFirstName || f == data.FieldLastName
			})
			for i := range m {
				switch {
				case i == 0:
					m[i] = data.FieldFullName
				case i-1 < len(rest):
					m[i] = rest[i-1]
				}
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("fallback mapping %q: %v", m, err)
			}
		}
		lines := map[int]bool{}
		for i, r := range file.Rows {
			if r.Line < 2 || (i > 0 && r.Line <= file.Rows[i-1].Line) {
				t.Fatalf("row %d starts on line %d, after line %d", i, r.Line, file.Rows[max(0, i-1)].Line)
			}
			lines[r.Line] = true
		}

		before := count(t)
		res, err := s.ImportClients(context.Background(), file.Rows, m)
		if err != nil {
			if !strings.Contains(err.Error(), "month first") {
				t.Fatalf("import: %v", err)
			}
			if res.Imported != 0 || count(t) != before {
				t.Fatal("a refused file imported clients")
			}
			return
		}
		if got := res.Imported + res.Skipped + res.Blank + len(res.Failed); got != len(file.Rows) {
			t.Fatalf("%d rows, accounted for %d: %+v", len(file.Rows), got, res)
		}
		if len(res.Duplicates) != res.Skipped {
			t.Fatalf("%d skipped, %d duplicates listed", res.Skipped, len(res.Duplicates))
		}
		for _, e := range slices.Concat(res.Failed, res.Duplicates) {
			if !lines[e.Line] || e.Message == "" {
				t.Fatalf("reported %v, which is no row's line or says nothing", e)
			}
		}
		if !slices.IsSortedFunc(res.Failed, func(a, b data.LineError) int { return a.Line - b.Line }) {
			t.Fatalf("failed rows out of order: %v", res.Failed)
		}
		if after := count(t); after != before+int64(res.Imported) {
			t.Fatalf("%d clients before, %d after, %d reported imported", before, after, res.Imported)
		}

		again, err := s.ImportClients(context.Background(), file.Rows, m)
		if err != nil {
			t.Fatalf("second import: %v", err)
		}
		if again.Imported != 0 {
			t.Fatalf("the same file imported %d clients a second time: %+v", again.Imported, again)
		}
	})
}
