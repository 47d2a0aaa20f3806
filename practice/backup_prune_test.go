package practice_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// TestPruneNeverRemovesAPracticeInUse: files in the backup folder named as old backups of the
// practice that are in fact practices in use are never pruned: the practice being backed up itself
// (by its name or a hard link), one claimed by Needlelog, one with changes in its write-ahead log or
// journal. An old backup that was only read, which leaves an empty log and shared memory file beside
// it, is removed with them.
func TestPruneNeverRemovesAPracticeInUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "needlelog.db")
	s, err := sqlite.Open(ctx, src, sqlite.Options{Create: true})
	mustDo(t, err)
	b, _, err := practice.BackupTo(ctx, s, dir, practice.Retention{Daily: 7, Weekly: 4})
	mustDo(t, err)
	mustDo(t, s.Close())
	id := strings.Split(filepath.Base(b.Path), "-")[1]
	copy, err := os.ReadFile(b.Path)
	mustDo(t, err)
	named := func(day int) string {
		return filepath.Join(dir, fmt.Sprintf("needlelog-%s-202011%02d-100000.db", id, day))
	}
	live, claimed, wal, journal, hard, read := named(1), named(2), named(3), named(4), named(5), named(6)
	for _, p := range []string{live, claimed, wal, journal, read} {
		mustDo(t, os.WriteFile(p, copy, 0o600))
	}
	mustDo(t, os.Link(live, hard))
	mustDo(t, os.WriteFile(wal+"-wal", []byte("changes not yet in the file"), 0o600))
	mustDo(t, os.WriteFile(journal+"-journal", []byte("a hot journal"), 0o600))
	for _, side := range []string{"-wal", "-shm"} {
		mustDo(t, os.WriteFile(read+side, nil, 0o600))
	}
	c, err := practice.ClaimDatabase(claimed)
	mustDo(t, err)
	defer c.Release()

	// The practice at live is open in Needlelog as the backup folder's files are pruned.
	app, err := sqlite.Open(ctx, live, sqlite.Options{})
	mustDo(t, err)
	defer app.Close()
	removed, err := practice.Prune(dir, live, time.Now(), practice.Retention{Daily: 1})
	mustDo(t, err)
	if !slices.Equal(removed, []string{read}) {
		t.Errorf("removed %v, want only the backup that was merely read, %s", removed, read)
	}
	for _, p := range []string{live, claimed, wal, wal + "-wal", journal, journal + "-journal", hard, b.Path} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
		}
	}
	for _, side := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(read + side); !os.IsNotExist(err) {
			t.Errorf("%s is left behind: %v", filepath.Base(read+side), err)
		}
	}
	if _, err := app.Counts(ctx); err != nil {
		t.Errorf("the open practice after pruning: %v", err)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
