package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// A stored list that is not valid JSON (a tool's edit, a damaged page) makes an export stop
// with one sentence naming the record and the field, never with database/sql's words or the
// stored value; check names it too.
func TestDamagedListIsOneSentence(t *testing.T) {
	db := demoFile(t)
	_, clients, _ := runCLI(t, "clients", "--db", db)
	clientID, _, _ := strings.Cut(strings.Split(clients, "\n")[0], "\t")
	_, sessions, _ := runCLI(t, "sessions", "--db", db, "--client", clientID)
	sessionID, _, _ := strings.Cut(sessions, "\t")
	junk := `["Sun cream", ` + strings.Repeat("x", 100_000) // 100 KB and never closed
	sqlitetest.Tamper(t, db, fmt.Sprintf(`UPDATE sessions SET aftercare = '%s' WHERE id = '%s'`, junk, sessionID))
	want := "session " + sessionID + " has a damaged aftercare list; restore a backup or run needlelog check"
	dir := t.TempDir()
	for _, kind := range []string{"session", "client"} {
		arg := sessionID
		if kind == "client" {
			arg = clientID
		}
		code, out, errOut := runCLI(t, "export", kind, "--db", db, "-o", filepath.Join(dir, kind+".pdf"), arg)
		if code != 1 || !strings.Contains(errOut, want) || strings.Contains(errOut, "xxxx") || strings.Contains(errOut, "Scan error") ||
			strings.Count(errOut, "\n") != 1 || len(errOut) > 300 {
			t.Errorf("export %s of a damaged list: exit %d\n%s%.400s", kind, code, out, errOut)
		}
	}
	code, out, errOut := runCLI(t, "export", "sheets", "--db", db, "--format", "csv", "-o", filepath.Join(dir, "csv"))
	if code != 1 || !strings.Contains(errOut, want) || strings.Contains(errOut, "xxxx") || len(errOut) > 300 {
		t.Errorf("export sheets of a damaged list: exit %d\n%s%.400s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "check", "--db", db)
	if code != 1 || !strings.Contains(out, "session "+sessionID+" has a damaged aftercare list") || strings.Contains(out, "xxxx") {
		t.Errorf("check of a damaged list: exit %d\n%.600s%.400s", code, out, errOut)
	}
}
