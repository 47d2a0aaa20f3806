package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cutCopy copies a practice as a copy made while in use would be, with its write-ahead log when
// withLog (the pages of a write not yet checkpointed), and cuts half a page off the copy's end.
func cutCopy(t *testing.T, db string, withLog bool) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy.db")
	conn, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if withLog {
		// ANALYZE writes SQLite's statistics table, which the practice's design allows.
		for _, q := range []string{`PRAGMA journal_mode = WAL`, `PRAGMA wal_autocheckpoint = 0`, `ANALYZE`} {
			if _, err := conn.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		copyFile(t, db+"-wal", dst+"-wal")
	}
	b, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b[:len(b)-2048], 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

// A file cut short by half a page is said to be cut short by check and by verify, with or without
// a write-ahead log beside it, never with SQLite's own words.
func TestCheckAndVerifySayAFileIsCutShort(t *testing.T) {
	db := demoFile(t)
	for name, withLog := range map[string]bool{"alone": false, "with its write-ahead log": true} {
		t.Run(name, func(t *testing.T) {
			cut := cutCopy(t, db, withLog)
			for _, cmd := range []string{"check", "verify"} {
				code, out, errOut := runCLI(t, cmd, "--db", cut)
				said := out + errOut
				if code != 1 || !strings.Contains(errOut, "the database file is damaged: the file is cut short") ||
					strings.Contains(said, "malformed") || strings.Contains(said, "***") || strings.Count(errOut, "\n") != 1 {
					t.Errorf("%s of a file cut short %s: exit %d\n%s%s", cmd, name, code, out, errOut)
				}
			}
		})
	}
}
