package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/store/sqlite"
)

func newPractice(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

func clientFixture(name string) string {
	return filepath.Join("..", "..", "data", "testdata", "clientcsv", name)
}

func TestImportClientsFiles(t *testing.T) {
	db := newPractice(t)
	for _, c := range []struct {
		file, errWant string
	}{
		{"header-only.csv", "the file has no clients in it, only its header row"},
		{"unclosed-quote.csv", "line 3: a quote opens a value there and is never closed"},
		{"runaway-quote.csv", "line 3: a quote opens a value there that takes in the lines after it"},
	} {
		code, out, errOut := runCLI(t, "import", "clients", "--db", db, clientFixture(c.file))
		if code != 1 || !strings.Contains(errOut, c.errWant) || strings.Contains(out, "imported") {
			t.Errorf("%s: exit %d, out %q, err %q; want exit 1 saying %q", c.file, code, out, errOut, c.errWant)
		}
	}
	for file, n := range map[string]string{"mac-cr.csv": "3 imported", "windows-1252.csv": "3 imported", "utf16le-bom.txt": "3 imported"} {
		code, out, errOut := runCLI(t, "import", "clients", "--db", newPractice(t), clientFixture(file))
		if code != 0 || !strings.Contains(out, n) {
			t.Errorf("%s: exit %d, out %q, err %q; want %q", file, code, out, errOut, n)
		}
	}
}
