package report

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
)

func TestWriteFileIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "history.pdf")
	if err := WriteFile(path, func(w io.Writer) error { _, err := w.Write([]byte("first")); return err }); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("cancelled half way")
	err := WriteFile(path, func(w io.Writer) error {
		w.Write([]byte("half of the second"))
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("the writer's error was not returned: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Fatalf("a failed write changed the file to %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("a failed write left files behind: %v", entries)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("a new file's mode is %v, want owner-only", info.Mode().Perm())
	}
	// A file replaced keeps its mode.
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, func(w io.Writer) error { _, err := w.Write([]byte("third")); return err }); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o640 {
		t.Fatalf("a replaced file's mode is %v, want 0640 as before", info.Mode().Perm())
	}
}

func TestWriteCSVFolderIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	store, err := data.Open(ctx, filepath.Join(t.TempDir(), "p.db"), data.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	c := data.Client{FirstName: "Zoë", LastName: "Ångström"}
	if err := store.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "csv")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := WriteCSVFolder(cancelled, dir, store, data.ExportQuery{}); err == nil {
		t.Fatal("a cancelled export succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a cancelled export left %d files", len(entries))
	}
	if err := WriteCSVFolder(ctx, dir, store, data.ExportQuery{}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(data.ExportTables) {
		t.Fatalf("the folder holds %d files, want one per table", len(entries))
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "clients.csv")); !strings.Contains(string(b), "Ångström") {
		t.Fatal("clients.csv lacks the client")
	}
}
