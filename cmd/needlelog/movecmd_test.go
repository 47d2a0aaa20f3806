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

	// Another practice of the same name, moved onto the moved one, is refused.
	other := filepath.Join(t.TempDir(), "clinic.db")
	if code, _, errOut := runCLI(t, "demo", "--db", other, "--clients", "1", "--sessions", "1"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	code, out, errOut = runCLI(t, "move", "--db", other, target)
	if code != 1 || !strings.Contains(errOut, "already holds a practice named clinic.db") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Errorf("move onto the moved practice: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "move", "--db", path); code != 2 || !strings.Contains(errOut, "give the FOLDER") {
		t.Errorf("move without a folder: exit %d: %s", code, errOut)
	}
}

// After a move the old copy is only read: the commands that write refuse it with one sentence
// naming where the practice went, those that read work, and check says what it is. The moved
// practice itself is written and backed up as any.
func TestMoveCommandLeavesAnOldCopyThatIsOnlyRead(t *testing.T) {
	old := filepath.Join(t.TempDir(), "clinic.db")
	if code, _, errOut := runCLI(t, "demo", "--db", old, "--clients", "5", "--sessions", "10", "--photos"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	backups := t.TempDir()
	if code, _, errOut := runCLI(t, "backup", "--db", old, "--to", backups); code != 0 {
		t.Fatalf("backup before the move: exit %d: %s", code, errOut)
	}
	made, _ := filepath.Glob(filepath.Join(backups, "*.db"))
	if len(made) != 1 {
		t.Fatalf("backups before the move: %v", made)
	}
	target := filepath.Join(t.TempDir(), "New PC")
	if code, out, errOut := runCLI(t, "move", "--db", old, target); code != 0 {
		t.Fatalf("move: exit %d\n%s%s", code, out, errOut)
	}
	moved := filepath.Join(target, "clinic.db")
	said := "was moved to " + quote(moved)
	refused := func(what string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, args...)
		if code != 1 || !strings.Contains(errOut, said) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 ||
			!strings.Contains(errOut, "old copy") {
			t.Errorf("%s of the old copy: exit %d, want 1 and one line saying %q\n%s%s", what, code, said, out, errOut)
		}
	}
	refused("backup", "backup", "--db", old, "--to", backups)
	if now, _ := filepath.Glob(filepath.Join(backups, "*.db")); len(now) != 1 {
		t.Errorf("the old copy's backup changed the backups: %v", now)
	}
	refused("restore", "restore", "--from", made[0], "--db", old, "--force")
	refused("import", "import", "clients", "--db", old, clientsCSV(t, 2))
	refused("move", "move", "--db", old, filepath.Join(t.TempDir(), "again"))

	code, out, errOut := runCLI(t, "check", "--db", old)
	if code != 0 || strings.Count(out, quote(moved)) != 1 || !strings.Contains(out, "old copy") {
		t.Errorf("check of the old copy: exit %d, want 0 and one line naming %s\n%s%s", code, quote(moved), out, errOut)
	}
	if code, out, errOut := runCLI(t, "verify", "--db", old); code != 0 {
		t.Errorf("verify of the old copy: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "export", "sheets", "--db", old, "--format", "csv", "-o", filepath.Join(t.TempDir(), "csv")); code != 0 {
		t.Errorf("export of the old copy: exit %d\n%s%s", code, out, errOut)
	}

	// The moved practice carries no mark.
	if code, out, _ := runCLI(t, "check", "--db", moved); code != 0 || strings.Contains(out, "old copy") {
		t.Errorf("check of the moved practice: exit %d\n%s", code, out)
	}
	if code, out, errOut := runCLI(t, "backup", "--db", moved, "--to", backups); code != 0 {
		t.Errorf("backup of the moved practice: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "import", "clients", "--db", moved, clientsCSV(t, 2)); code != 0 {
		t.Errorf("import into the moved practice: exit %d\n%s%s", code, out, errOut)
	}
}
