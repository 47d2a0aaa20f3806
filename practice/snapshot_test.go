package practice_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestSnapshot(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.NewExportPractice(t, s)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(path, []byte("an older copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := practice.Snapshot(ctx, s, path); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	// The store goes on working after it, and the copy does not change with it.
	testkit.CreateClient(t, s, "After", "Snapshot")

	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "copy.db" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the folder holds %v, want copy.db alone", names)
	}
	c, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	defer c.Close()
	h, err := c.Check(ctx)
	if err != nil || len(h.Problems) > 0 {
		t.Fatalf("check of the copy: %v %v", h.Problems, err)
	}
	if h.SchemaVersion != sqlite.SchemaVersion() {
		t.Errorf("copy at schema version %d", h.SchemaVersion)
	}
	if h.Counts["clients"] != 3 || h.Counts["sessions"] != 3 || h.Counts["session_zones"] != 6 {
		t.Errorf("copy counts %v", h.Counts)
	}
	got, err := c.Client(ctx, p.Ana.ID)
	if err != nil || got.LastName != "Núñez" || len(got.History) != 1 {
		t.Errorf("client in the copy: %+v %v", got, err)
	}
	// Its copy closed, the file opens for writing too, as a practice restored from it would.
	c.Close()
	w, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open the copy for writing: %v", err)
	}
	w.Close()
}

func TestSnapshotRefusesTheDatabaseItself(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	for _, p := range []string{s.Path(), s.Path() + "-wal"} {
		if err := practice.Snapshot(context.Background(), s, p); err == nil {
			t.Errorf("a snapshot over %s was accepted", filepath.Base(p))
		}
	}
	if _, err := s.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotCancelledLeavesNothing(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	testkit.NewExportPractice(t, s)
	dir := t.TempDir()
	path := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(path, []byte("an older copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := practice.Snapshot(ctx, s, path); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled snapshot returned %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("a cancelled snapshot left %d files", len(entries))
	}
	if b, _ := os.ReadFile(path); string(b) != "an older copy" {
		t.Errorf("a cancelled snapshot changed the file at its path")
	}
}

func TestSnapshotIntoMissingFolder(t *testing.T) {
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	path := filepath.Join(t.TempDir(), "no such folder", "copy.db")
	if err := practice.Snapshot(context.Background(), s, path); err == nil {
		t.Fatal("a snapshot into a missing folder reported success")
	}
}
