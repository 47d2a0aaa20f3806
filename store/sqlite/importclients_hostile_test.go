package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
)

func readFixture(t *testing.T, name string) (data.ClientCSV, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "data", "testdata", "clientcsv", name))
	if err != nil {
		t.Fatal(err)
	}
	return data.ReadClientCSV(strings.NewReader(string(b)))
}

// strayQuoteCSV is n client rows after a header, with a quote opening the last name on line
// quoteLine and never closed.
func strayQuoteCSV(n, quoteLine int) string {
	var b strings.Builder
	b.WriteString("First name,Last name,Email\r\n")
	for i := 2; i <= n+1; i++ {
		q := ""
		if i == quoteLine {
			q = `"`
		}
		fmt.Fprintf(&b, "Client,%sNumber %04d,c%d@example.com\r\n", q, i, i)
	}
	return b.String()
}

func TestReadClientCSVQuotes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, in string
		want     string // in the error
	}{
		{"a stray quote in 1,000 rows", strayQuoteCSV(1000, 11), "line 11: a quote opens a value there and is never closed"},
		{"unclosed-quote.csv", "", "line 3: a quote opens a value there and is never closed"},
		{"runaway-quote.csv", "", "line 3: a quote opens a value there that takes in the lines after it, up to line 5"},
		{"a runaway quote making a row too long", "First name,Last name\nAnn,\"Lee\nBob,Jones\",x\n", "line 2: a quote opens"},
		{"a quote opening the header", "\"First name,Last name\nAnn,Lee\n", "line 1: a quote opens"},
	} {
		var err error
		if c.in == "" {
			_, err = readFixture(t, c.name)
		} else {
			_, err = data.ReadClientCSV(strings.NewReader(c.in))
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.want)
		}
	}

	// Excel quotes an address over several lines: the row has the header's columns and imports.
	s, _ := testkit.OpenStore(t)
	f, err := readFixture(t, "multiline-address.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 2 || f.Rows[0].Fields[2] != "12 High Street\nLondon\nSW1A 1AA" || f.Rows[1].Line != 5 {
		t.Fatalf("rows %+v", f.Rows)
	}
	res, err := s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
	if err != nil || res.Imported != 2 {
		t.Fatalf("multi-line address: %+v %v", res, err)
	}
	clientNamed(t, s, "Anna", "Smith")

	// A name over two lines is a quote out of place: that row is refused by its line.
	s, _ = testkit.OpenStore(t)
	f, err = readFixture(t, "multiline-name.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err = s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
	if err != nil || res.Imported != 1 || !slices.Equal(lines(res.Failed), []int{2}) ||
		!strings.Contains(res.Failed[0].Message, "more than one line") {
		t.Fatalf("multi-line name: %+v %v", res, err)
	}
	for _, c := range allClients(t, s) {
		if strings.ContainsAny(c.FirstName+c.LastName, "\r\n") {
			t.Errorf("client named %q", c.Name())
		}
	}
}

func TestReadClientCSVLineEndingsAndEncodings(t *testing.T) {
	t.Parallel()
	want := [][]string{{"Jürgen", "Müller"}, {"Zoë", "Brontë"}}
	for _, c := range []struct {
		file  string
		comma rune
		names [][]string
		lines []int
	}{
		{"mac-cr.csv", ',', [][]string{{"Anna", "Smith"}, {"Bob", "Jones"}, {"Carla", "Diaz"}}, []int{2, 4, 5}},
		{"windows-1252.csv", ';', append(slices.Clone(want), []string{"François", "Lefèvre"}), nil},
		{"utf16le-bom.txt", '\t', append(slices.Clone(want), []string{"Łucja", "Wąs"}), nil},
		{"utf16be-bom.txt", '\t', append(slices.Clone(want), []string{"Łucja", "Wąs"}), nil},
		{"utf16le.txt", '\t', append(slices.Clone(want), []string{"Łucja", "Wąs"}), nil},
		{"utf16be.txt", '\t', append(slices.Clone(want), []string{"Łucja", "Wąs"}), nil},
	} {
		f, err := readFixture(t, c.file)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if f.Comma != c.comma || len(f.Rows) != len(c.names) {
			t.Errorf("%s: separator %q, %d rows: %v", c.file, f.Comma, len(f.Rows), f.Rows)
			continue
		}
		for i, r := range f.Rows {
			line := i + 2
			if c.lines != nil {
				line = c.lines[i]
			}
			if r.Line != line || !slices.Equal(r.Fields[:2], c.names[i]) {
				t.Errorf("%s: row %d on line %d reads %q, want %q on line %d", c.file, i, r.Line, r.Fields, c.names[i], line)
			}
		}
		s, _ := testkit.OpenStore(t)
		res, err := s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
		if err != nil || res.Imported != len(c.names) {
			t.Errorf("%s: %+v %v", c.file, res, err)
		}
	}
	if f, err := readFixture(t, "mac-cr.csv"); err != nil || len(f.Rows) == 0 || f.Rows[0].Fields[2] != "12 High Street\nLondon" {
		t.Errorf("address on two lines read as %v (%v)", f.Rows, err)
	}
	if f, err := readFixture(t, "windows-1252.csv"); err != nil || len(f.Rows) == 0 || f.Rows[0].Fields[3] != "Preis 50 € bezahlt" {
		t.Errorf("note read as %v (%v)", f.Rows, err)
	}

	// UTF-8 in one line and another encoding in the next cannot be read right either way.
	if _, err := readFixture(t, "mixed-encodings.csv"); err == nil || !strings.Contains(err.Error(), "line 3 is not UTF-8") {
		t.Errorf("mixed encodings: %v", err)
	}
}

func TestReadClientCSVNoRows(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"header-only.csv", "header-and-blank-rows.csv"} {
		if _, err := readFixture(t, name); err == nil || !strings.Contains(err.Error(), "no clients in it") {
			t.Errorf("%s: got %v, want an error saying there are no clients in it", name, err)
		}
	}
}
