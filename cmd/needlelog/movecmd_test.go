package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/practice"
)

// needlelog move copies the practice, photos and all, into the folder, checked, and leaves the old
// files; a folder that already holds the practice's name, and a practice open elsewhere, are
// refused with one sentence and a non-zero exit.
func TestMoveCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "clinic.db")
	if code, _, errOut := runCLI(t, "demo", "--db", path, "--clients", "10", "--sessions", "20", "--photos"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	before := checkCounts(t, path)
	if before["photos"] == "0" || before["photos"] == "" {
		t.Fatalf("the demo made no photos: %v", before)
	}
	target := filepath.Join(t.TempDir(), "New PC", "Needlelog")

	claim, err := practice.ClaimDatabase(path)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "move", "--db", path, target)
	claim.Release()
	if code != 1 || !strings.Contains(errOut, "is open in Needlelog") {
		t.Errorf("move while the app has the practice: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Dir(target)); err == nil {
		t.Errorf("a refused move made %s", target)
	}

	code, out, errOut = runCLI(t, "move", "--db", path, target)
	if code != 0 {
		t.Fatalf("move: exit %d\n%s%s", code, out, errOut)
	}
	moved := filepath.Join(target, "clinic.db")
	for _, part := range []string{quote(moved), quote(filepath.Join(target, "clinic.photos")), "old files are still at " + quote(path)} {
		if !strings.Contains(out, part) {
			t.Errorf("move does not say %q: %s", part, out)
		}
	}
	if after := checkCounts(t, moved); !equalMaps(after, before) {
		t.Errorf("the moved practice counts %v, the old %v", after, before)
	}
	if code, out, errOut := runCLI(t, "check", "--db", moved); code != 0 || strings.Contains(out, "no images") {
		t.Errorf("check of the moved practice: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the old database: %v", err)
	}

	code, out, errOut = runCLI(t, "move", "--db", path, target)
	if code != 1 || !strings.Contains(errOut, "already holds a practice named clinic.db") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Errorf("move onto the moved practice: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "move", "--db", path); code != 2 || !strings.Contains(errOut, "give the FOLDER") {
		t.Errorf("move without a folder: exit %d: %s", code, errOut)
	}
}
