package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ownFileTargets names, for a practice at db, its own files every way a command line can: as
// named, through "..", through a linked folder, through a link to the file and a hard link, and
// a -wal and -journal SQLite has not made yet (the practice is closed between commands). ext is
// added to the links' names, so that a command that picks its format by extension takes them.
func ownFileTargets(t *testing.T, db, ext string) []string {
	t.Helper()
	dir, base := filepath.Split(db)
	sub := filepath.Join(dir, "sub")
	os.MkdirAll(sub, 0o700)
	linkDir := filepath.Join(t.TempDir(), "linked")
	if err := os.Symlink(dir, linkDir); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "export"+ext)
	if err := os.Symlink(db, link); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(t.TempDir(), "hard"+ext)
	if err := os.Link(db, hard); err != nil {
		t.Fatal(err)
	}
	return []string{db, db + "-wal", db + "-journal", db + ".lock", filepath.Join(sub, "..", base),
		filepath.Join(linkDir, base+"-shm"), link, hard}
}

func TestExportNeverWritesOverThePracticeOrADatabase(t *testing.T) {
	db := demoFile(t)
	_, clients, _ := runCLI(t, "clients", "--db", db)
	clientID, _, _ := strings.Cut(strings.Split(clients, "\n")[0], "\t")
	_, sessions, _ := runCLI(t, "sessions", "--db", db, "--client", clientID)
	sessionID, _, _ := strings.Cut(sessions, "\t")
	before, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	// Another practice, named as an export would be.
	backup := filepath.Join(t.TempDir(), "backup.zip")
	if code, _, errOut := runCLI(t, "demo", "--db", backup, "--clients", "1"); code != 0 {
		t.Fatal(errOut)
	}
	backupBytes, _ := os.ReadFile(backup)

	for _, k := range []struct {
		kind, arg, ext string
	}{
		{"session", sessionID, ".pdf"},
		{"aftercare", sessionID, ".pdf"},
		{"client", clientID, ".pdf"},
		{"recall", "C-1", ".pdf"},
		{"archive", "", ".zip"},
		{"sheets", "", ".xlsx"},
		{"sheets", "", ".zip"},
	} {
		targets := append(ownFileTargets(t, db, k.ext), backup)
		if k.kind == "sheets" { // by its name, the format is not a workbook or a zip: exit 2
			targets = targets[len(targets)-3:]
		}
		for _, target := range targets {
			args := []string{"export", k.kind, "--db", db, "-o", target}
			if k.arg != "" {
				args = append(args, k.arg)
			}
			code, out, errOut := runCLI(t, args...)
			if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 ||
				!strings.Contains(errOut, quote(target)+" is ") || !strings.Contains(errOut, "never writes over") {
				t.Errorf("export %s -o %s: exit %d, stdout %q, stderr %q; want one sentence refusing it", k.kind, target, code, out, errOut)
			}
		}
	}
	if after, err := os.Stat(db); err != nil || !os.SameFile(before, after) {
		t.Fatalf("the practice was replaced (%v)", err)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal", ".lock"} {
		if b, err := os.ReadFile(db + suffix); err == nil && (bytes.HasPrefix(b, []byte("%PDF")) || bytes.HasPrefix(b, []byte("PK"))) {
			t.Errorf("an export was written as the practice's %s", suffix)
		}
	}
	if b, _ := os.ReadFile(backup); !bytes.Equal(b, backupBytes) {
		t.Error("another practice was written over")
	}
	if code, out, errOut := runCLI(t, "check", "--db", db); code != 0 || !strings.Contains(out, "clients:           30") {
		t.Fatalf("the practice after the refusals: exit %d\n%s%s", code, out, errOut)
	}
}

func TestExportSheetsIntoAFolderReplacesNothing(t *testing.T) {
	db := demoFile(t)
	dir := filepath.Join(t.TempDir(), "exports")
	mine := filepath.Join(dir, "zones.csv")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mine, []byte("my own zones"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "export", "sheets", "--db", db, "-o", dir)
	if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, quote(mine)+" is already there") {
		t.Fatalf("sheets into a folder holding zones.csv: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	entries, _ := os.ReadDir(dir)
	if b, _ := os.ReadFile(mine); len(entries) != 1 || string(b) != "my own zones" {
		t.Fatalf("the folder holds %d files, zones.csv %q: want it as it was", len(entries), b)
	}
	// A folder that is not there yet is made.
	fresh := filepath.Join(t.TempDir(), "new")
	if code, _, errOut := runCLI(t, "export", "sheets", "--db", db, "-o", fresh); code != 0 {
		t.Fatalf("sheets into a new folder: exit %d: %s", code, errOut)
	}
}
