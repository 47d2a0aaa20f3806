package practice

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// versionBeforeIdentity is the last schema version whose practices had no identity of their own.
const versionBeforeIdentity = 3

// writeOlderPractice writes, at path, a practice as the version before identities wrote it, with
// an audit log of a few entries (random hashes: no two practices share a history).
func writeOlderPractice(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	if err := sqlite.CreateAtVersion(ctx, path, versionBeforeIdentity); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	prev := strings.Repeat("0", 64) // the audit log's genesis
	for seq := 1; seq <= 3; seq++ {
		b := make([]byte, 32)
		rand.Read(b)
		hash := hex.EncodeToString(b)
		if _, err := db.ExecContext(ctx, `INSERT INTO audit_log (seq, at, action, entity, entity_id, prev_hash, hash)
			VALUES (?, ?, 'create', 'client', ?, ?, ?)`, seq, "2025-06-01T10:00:00Z", hash[:8], prev, hash); err != nil {
			t.Fatal(err)
		}
		prev = hash
	}
}

func copyPracticeFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestOlderBackupsAreKnownByThePracticeInside: two practices both called needlelog.db, backed up
// into one folder before backups carried the practice's identity, under names that say only
// "needlelog". Each practice finds its own older backups by what is inside them, keeps that
// identity once it is opened by this version, and pruning one never removes the other's.
func TestOlderBackupsAreKnownByThePracticeInside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := filepath.Join(t.TempDir(), "needlelog.db")
	c := filepath.Join(t.TempDir(), "needlelog.db")
	writeOlderPractice(t, a)
	writeOlderPractice(t, c)
	dir := t.TempDir()
	aOld := filepath.Join(dir, "needlelog-20250601-100000.db")
	cOld := filepath.Join(dir, "needlelog-20250602-100000.db")
	copyPracticeFile(t, a, aOld)
	copyPracticeFile(t, c, cOld)
	// Named as an older backup, but no practice: whose it is cannot be told.
	junk := filepath.Join(dir, "needlelog-20250603-100000.db")
	if err := os.WriteFile(junk, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	paths := func(list []Backup) []string {
		var p []string
		for _, b := range list {
			p = append(p, b.Path)
		}
		return p
	}
	// C is still as the older version left it; A is opened by this one, which gives it its identity.
	sa, err := sqlite.Open(ctx, a, sqlite.Options{Now: func() time.Time { return time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer sa.Close()
	var stored string
	raw, err := sql.Open("sqlite", a)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'practice.id'`).Scan(&stored); err != nil {
		t.Fatalf("the identity given on opening: %v", err)
	}
	if id, err := sa.PracticeID(ctx); err != nil || id != stored {
		t.Fatalf("identity %q %v, stored %q", id, err, stored)
	}
	for db, want := range map[string][]string{a: {aOld}, c: {cOld}} {
		list, err := Backups(dir, db)
		if err != nil || !slices.Equal(paths(list), want) {
			t.Errorf("backups of %s: %v %v, want %v", db, paths(list), err, want)
		}
	}

	// A backup of A keeping one day removes A's older backup, and nothing of C's.
	b, removed, err := BackupTo(ctx, sa, dir, Retention{Daily: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := "needlelog-" + stored[:8] + "-20250610-090000.db"; filepath.Base(b.Path) != want {
		t.Errorf("backup named %s, want %s", filepath.Base(b.Path), want)
	}
	if !slices.Equal(removed, []string{aOld}) {
		t.Errorf("removed %v, want A's older backup only", removed)
	}
	for _, p := range []string{cOld, junk, b.Path} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
		}
	}
	// Pruning C's keeps its one older backup, and touches neither A's nor the file no one's.
	if removed, err := Prune(dir, c, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), Retention{}); err != nil || len(removed) != 0 {
		t.Errorf("pruning C's backups removed %v %v", removed, err)
	}
	if list, err := Backups(dir, c); err != nil || !slices.Equal(paths(list), []string{cOld}) {
		t.Errorf("C's backups after A's backup: %v %v", paths(list), err)
	}

	// C restored from its older backup is C: its newer backups and older ones are one list.
	restored := filepath.Join(t.TempDir(), "needlelog.db")
	if _, err := RestoreFrom(ctx, cOld, restored, false); err != nil {
		t.Fatal(err)
	}
	if list, err := Backups(dir, restored); err != nil || !slices.Equal(paths(list), []string{cOld}) {
		t.Errorf("the restored practice's backups: %v %v", paths(list), err)
	}
}

// TestNewPracticesHaveIdentitiesOfTheirOwn: two practices made the same way at the same moment
// are told apart.
func TestNewPracticesHaveIdentitiesOfTheirOwn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC) }
	var ids []string
	for range 2 {
		s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "needlelog.db"), sqlite.Options{Create: true, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.PracticeID(ctx)
		s.Close()
		if err != nil || len(id) != 32 || data.ShortPracticeID(id) == "" {
			t.Fatalf("identity %q: %v", id, err)
		}
		ids = append(ids, id)
	}
	if ids[0][:data.ShortIDLen] == ids[1][:data.ShortIDLen] {
		t.Errorf("two new practices have the identity %s", ids[0])
	}
}

// TestBackupsOfAPracticeWhoseIdentityCannotBeRead: a damaged practice whose identity cannot be
// read is offered the backups named after its file only when they are all of one practice.
func TestBackupsOfAPracticeWhoseIdentityCannotBeRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	practice := func() *sqlite.Store {
		s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "needlelog.db"), sqlite.Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	mine, theirs := practice(), practice()
	dir := t.TempDir()
	b, _, err := BackupTo(ctx, mine, dir, DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(t.TempDir(), "needlelog.db")
	if err := os.WriteFile(unreadable, []byte("no longer a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if list, err := BackupsOf(dir, unreadable, ""); err != nil || len(list) != 1 || list[0].Path != b.Path {
		t.Errorf("the one practice's backups in the folder: %v %v", list, err)
	}
	if _, _, err := BackupTo(ctx, theirs, dir, DefaultRetention); err != nil {
		t.Fatal(err)
	}
	if list, err := BackupsOf(dir, unreadable, ""); err != nil || len(list) != 0 {
		t.Errorf("with two practices' backups in the folder, offered %v %v", list, err)
	}
	id, _ := mine.PracticeID(ctx)
	if list, err := BackupsOf(dir, unreadable, id); err != nil || len(list) != 1 || list[0].Path != b.Path {
		t.Errorf("by its identity known: %v %v", list, err)
	}
	// Pruning never goes by a guess.
	if _, err := Prune(dir, unreadable, time.Now(), Retention{}); err == nil {
		t.Error("pruning the backups of a practice whose identity cannot be read went ahead")
	}
}
