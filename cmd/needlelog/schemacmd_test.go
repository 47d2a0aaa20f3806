package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// erasingTrigger empties every new client's allergies: a change another program could make to the
// practice's file with a SQLite tool.
const (
	erasingTrigger = `CREATE TRIGGER keep_tidy AFTER INSERT ON clients BEGIN
		UPDATE clients SET allergies = '[]' WHERE id = new.id; END`
	erasingTriggerSaid = `an extra trigger "keep_tidy" on table "clients" that Needlelog did not make`
)

// A trigger Needlelog did not make is reported by check and verify (exit 1); import refuses to
// write with a sentence and leaves the file as it was; reading still works; a restore from a copy
// leaves the trigger out and says so.
func TestForeignTriggerFromTheCommandLine(t *testing.T) {
	path := demoFile(t)
	sqlitetest.RawExec(t, path, "PRAGMA journal_mode = DELETE", erasingTrigger)

	code, out, errOut := runCLI(t, "check", "--db", path)
	if code != 1 || errOut != "" || !strings.Contains(out, "design:") || !strings.Contains(out, "\n  "+erasingTriggerSaid+"\n") ||
		!strings.Contains(out, "clients:") {
		t.Fatalf("check: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "verify", "--db", path)
	if code != 1 || !strings.Contains(out+errOut, erasingTriggerSaid) {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}

	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(t.TempDir(), "clients.csv")
	if err := os.WriteFile(csv, []byte("Surname;Given name;Allergies\nLee;Ann;Latex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "import", "clients", "--db", path, csv)
	if code != 1 || !strings.HasPrefix(errOut, "needlelog import clients: ") || !strings.Contains(errOut, erasingTriggerSaid) ||
		!strings.Contains(errOut, "left untouched") || strings.Count(errOut, "\n") != 1 || strings.Contains(strings.ToLower(errOut), "sqlite") {
		t.Fatalf("import into the file: exit %d\n%s%s", code, out, errOut)
	}
	if after, err := os.ReadFile(path); err != nil || !bytes.Equal(before, after) {
		t.Fatalf("the refused import changed the file (%v)", err)
	}
	if code, out, errOut := runCLI(t, "clients", "--db", path); code != 0 || out == "" {
		t.Fatalf("list the clients read-only: exit %d\n%s%s", code, out, errOut)
	}

	restored := filepath.Join(t.TempDir(), "restored.db")
	code, out, errOut = runCLI(t, "restore", "--from", path, "--db", restored)
	if code != 0 || errOut != "" || !strings.Contains(out, "In the restored copy, Needlelog left out "+erasingTriggerSaid+".\n") {
		t.Fatalf("restore from the file: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "import", "clients", "--db", restored, csv); code != 0 {
		t.Fatalf("import into the restored file: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "check", "--db", restored); code != 0 || !strings.Contains(out, "as Needlelog made it") {
		t.Fatalf("check the restored file: exit %d\n%s%s", code, out, errOut)
	}
}
