package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

func TestOpenRefusesWriteProtectedFileOnLinux(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "protected.db")
	clients := closedPractice(t, path)
	sqlite.MakeImmutable(t, path)

	before, _ := os.ReadFile(path)
	_, err := sqlite.Open(ctx, path, sqlite.Options{})
	if !errors.Is(err, data.ErrReadOnlyFile) {
		t.Fatalf("open a write-protected file for writing: %v, want ErrReadOnlyFile", err)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "write-protected") {
		t.Errorf("the refusal does not name the file and say it is write-protected: %q", msg)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the write-protected file changed")
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("refusing the file left a %s file", suffix)
		}
	}

	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open a write-protected file read-only: %v", err)
	}
	defer ro.Close()
	if c, err := ro.Client(ctx, clients[0].ID); err != nil || c.FirstName != "Anna" {
		t.Errorf("read a client: %+v, %v", c, err)
	}
}

func TestOpenInWriteProtectedFolderOnLinux(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "practice")
	path := filepath.Join(dir, "practice.db")
	clients := closedPractice(t, path)
	sqlite.MakeImmutable(t, dir)

	before, _ := os.ReadFile(path)
	_, err := sqlite.Open(ctx, path, sqlite.Options{})
	if !errors.Is(err, data.ErrReadOnlyFile) {
		t.Fatalf("open for writing in a write-protected folder: %v, want ErrReadOnlyFile", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "folder "+dir) {
		t.Errorf("the refusal does not name the folder: %q", msg)
	}
	_, err = sqlite.Open(ctx, filepath.Join(dir, "new.db"), sqlite.Options{Create: true})
	if !errors.Is(err, data.ErrReadOnlyFile) {
		t.Errorf("create a database in a write-protected folder: %v, want ErrReadOnlyFile", err)
	}

	// SQLite makes a -shm file beside a WAL database even to read it; with no -wal there, no one
	// is writing it, and it is read as it is.
	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open read-only in a write-protected folder: %v", err)
	}
	if c, err := ro.Client(ctx, clients[1].ID); err != nil || c.FirstName != "Bea" {
		t.Errorf("read a client: %+v, %v", c, err)
	}
	if h, err := ro.Check(ctx); err != nil || len(h.Problems) > 0 || h.Counts["clients"] != 5 {
		t.Errorf("check: %+v, %v", h, err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the file changed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want the database alone", len(entries))
	}
}
