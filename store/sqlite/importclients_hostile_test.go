package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func readFixture(t *testing.T, name string) (data.ClientCSV, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "data", "testdata", "clientcsv", name))
	if err != nil {
		t.Fatal(err)
	}
	return data.ReadClientCSV(strings.NewReader(string(b)))
}

// TestImportClientsMultiLineValues: Excel's multi-line addresses import; a name over two lines is refused.
func TestImportClientsMultiLineValues(t *testing.T) {
	// Excel quotes an address over several lines: the row imports.
	s, _ := sqlitetest.OpenStore(t)
	f, err := readFixture(t, "multiline-address.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
	if err != nil || res.Imported != 2 {
		t.Fatalf("multi-line address: %+v %v", res, err)
	}
	clientNamed(t, s, "Anna", "Smith")

	// A name over two lines is a quote out of place: that row is refused by its line.
	s, _ = sqlitetest.OpenStore(t)
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

// TestImportClientsLineEndingsAndEncodings: files with old Mac line ends, Windows-1252 and UTF-16 import every client.
func TestImportClientsLineEndingsAndEncodings(t *testing.T) {
	for file, n := range map[string]int{"mac-cr.csv": 3, "windows-1252.csv": 3, "utf16le-bom.txt": 3, "utf16be-bom.txt": 3,
		"utf16le.txt": 3, "utf16be.txt": 3} {
		f, err := readFixture(t, file)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		s, _ := sqlitetest.OpenStore(t)
		res, err := s.ImportClients(context.Background(), f.Rows, data.GuessClientMapping(f.Header))
		if err != nil || res.Imported != n {
			t.Errorf("%s: %+v %v", file, res, err)
		}
	}
}
