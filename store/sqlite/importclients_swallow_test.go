package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// swallowCSV is n client rows after a header of six columns, with a quote opening the notes of the
// row on line opened and closing at the end of line closed: the rows between are taken into it.
func swallowCSV(n, opened, closed int) string {
	var b strings.Builder
	b.WriteString("first name,last name,date of birth,phone,email,notes\n")
	for line := 2; line <= n+1; line++ {
		note := fmt.Sprintf("note %d", line)
		switch line {
		case opened:
			note = `"` + note
		case closed:
			note += `"`
		}
		fmt.Fprintf(&b, "Ann%d,Lee%d,1980-01-%02d,+3161234%04d,a%d@x.nl,%s\n", line, line, line%28+1, line, line, note)
	}
	return b.String()
}

// TestAQuoteThatTakesInRowsIsRefused: a quote opened in one row and closed in a later one takes in
// the rows between, which would vanish into one client's value: the whole file is refused, naming
// the line the quote opened on and the line it closed on, whether it closes two lines later or
// five hundred.
func TestAQuoteThatTakesInRowsIsRefused(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		csv            string
		opened, closed int
	}{
		"swallowed-rows.csv":         {fixtureText(t, "swallowed-rows.csv"), 11, 13},
		"closed 500 lines later":     {swallowCSV(1000, 11, 511), 11, 511},
		"closed on the next line":    {swallowCSV(20, 5, 6), 5, 6},
		"opened in the first column": {strings.Replace(swallowCSV(20, 0, 9), "Ann4,", `"Ann4,`, 1), 4, 9},
	}
	for name, c := range cases {
		_, err := data.ReadClientCSV(strings.NewReader(c.csv))
		want := fmt.Sprintf("line %d: a quote opens a value there that runs on to line %d", c.opened, c.closed)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "nothing was imported") {
			t.Errorf("%s: %v, want it refused saying %q", name, err, want)
		}
		s, _ := sqlitetest.OpenStore(t)
		res, _, err := s.ImportClientsCSV(context.Background(), strings.NewReader(c.csv))
		if err == nil || res.Imported != 0 || res.Started {
			t.Errorf("%s: imported %d (%v)", name, res.Imported, err)
		}
	}
}

func fixtureText(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "data", "testdata", "clientcsv", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestImportCountsAddUp: for every file that imports, the rows read are each imported, found
// already there or not imported, and multi-line values that take in no row (Excel's addresses and
// notes) import.
func TestImportCountsAddUp(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	for _, name := range []string{"multiline-address.csv", "multiline-address-commas.csv", "multiline-name.csv",
		"mac-cr.csv", "windows-1252.csv"} {
		files[name] = fixtureText(t, name)
	}
	files["1000 clients, some twice"] = swallowCSV(1000, 0, 0) + strings.Join(strings.SplitAfter(swallowCSV(40, 0, 0), "\n")[1:], "")
	want := map[string]int{"multiline-address.csv": 2, "multiline-address-commas.csv": 2}
	for name, text := range files {
		f, err := data.ReadClientCSV(strings.NewReader(text))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		records := 0
		for _, r := range f.Rows {
			if strings.TrimSpace(strings.Join(r.Fields, "")) != "" {
				records++
			}
		}
		s, _ := sqlitetest.OpenStore(t)
		ctx := context.Background()
		for round := 1; round <= 2; round++ { // the second time, every row is already there
			res, _, err := s.ImportClientsCSV(ctx, strings.NewReader(text))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if res.Read != records || res.Imported+res.Skipped+len(res.Failed) != res.Read {
				t.Errorf("%s, import %d: %d imported + %d already there + %d not imported, of %d rows read; the file has %d",
					name, round, res.Imported, res.Skipped, len(res.Failed), res.Read, records)
			}
			if n, ok := want[name]; ok && round == 1 && res.Imported != n {
				t.Errorf("%s: %d imported, want %d (%v)", name, res.Imported, n, res.Failed)
			}
		}
	}
}
