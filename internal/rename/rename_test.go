package rename_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/internal/rename"
)

// A rename that fails for a moment (a file held open by another program) succeeds once it is let
// go; one that keeps failing gives the last error after about two seconds.
func TestWith(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "new.tmp"), filepath.Join(dir, "photo")
	if err := os.WriteFile(from, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	held := errors.New("the process cannot access the file because it is being used by another process")
	tries := 0
	err := rename.With(func(a, b string) error {
		if tries++; tries <= 3 {
			return held
		}
		return os.Rename(a, b)
	}, from, to)
	if err != nil || tries != 4 {
		t.Fatalf("rename held three times: %v after %d tries", err, tries)
	}
	if b, err := os.ReadFile(to); err != nil || string(b) != "new" {
		t.Fatalf("the target holds %q (%v), want the new file", b, err)
	}

	tries = 0
	if err := rename.With(func(string, string) error { tries++; return held }, from, to); !errors.Is(err, held) || tries != 7 {
		t.Fatalf("a rename held for good: %v after %d tries, want the error after 7", err, tries)
	}
}

// Retrying replaces an existing file, the way every finished file takes its name.
func TestRetryingReplaces(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "a.tmp"), filepath.Join(dir, "a")
	for p, s := range map[string]string{from: "new", to: "old"} {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := rename.Retrying(from, to); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(to); string(b) != "new" {
		t.Fatalf("target holds %q", b)
	}
	if _, err := os.Stat(from); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the temporary name is still there: %v", err)
	}
}
