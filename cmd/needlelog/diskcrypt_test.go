package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/practice/diskcrypt"
)

// diskLine is check's disk encryption line, and how many there were.
func diskLine(t *testing.T, out string) string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "disk encryption:") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("check said %d disk encryption lines:\n%s", len(lines), out)
	}
	return lines[0]
}

// TestCheckSaysWhetherTheDriveIsEncrypted: check names the drive's encryption in one line, as the
// window's notice judges it, and a drive not encrypted, or not known to be, fails nothing.
func TestCheckSaysWhetherTheDriveIsEncrypted(t *testing.T) {
	path := demoFile(t)
	code, out, errOut := runCLI(t, "check", "--db", path)
	if code != 0 || errOut != "" {
		t.Fatalf("check: exit %d: %s%s", code, out, errOut)
	}
	want := "disk encryption:   " + diskcrypt.Practice(path).Line()
	if got := diskLine(t, out); got != want {
		t.Errorf("check says %q, want %q", got, want)
	}
}

// TestCheckCannotTellForAPracticeInMemory: a practice in a folder in memory (tmpfs) is on no
// drive: check says it cannot tell, and why, and still passes.
func TestCheckCannotTellForAPracticeInMemory(t *testing.T) {
	dir, err := os.MkdirTemp("/dev/shm", "needlelog-check-")
	if err != nil {
		t.Fatalf("a folder in memory (/dev/shm) is needed: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "practice.db")
	if code, _, errOut := runCLI(t, "demo", "--db", path, "--clients", "3", "--sessions", "5"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "check", "--db", path)
	if code != 0 {
		t.Fatalf("check of a practice on no drive: exit %d: %s%s", code, out, errOut)
	}
	want := "disk encryption:   cannot tell for " + dir + ": it is in memory (tmpfs), not on a drive, and is lost when the computer stops"
	if got := diskLine(t, out); got != want {
		t.Errorf("check says %q, want %q", got, want)
	}
}
