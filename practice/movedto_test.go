package practice_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// movedAway makes a practice with a client and a photo, backs it up into backups when given,
// moves it into a new folder and marks it moved, as the app and the move command do once the
// copy opened, then closes it and lets it go; it returns the old path and the copy.
func movedAway(t *testing.T, backups string) (string, practice.Moved, practice.Backup) {
	t.Helper()
	ctx := context.Background()
	old := filepath.Join(t.TempDir(), "clinic.db")
	s, claim, err := practice.Open(ctx, old, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()
	defer s.Close()
	c := data.Client{FirstName: "Mara", LastName: "Moved", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "IMG_0001.JPG")
	if err := os.WriteFile(f, phototest.NoisyJPEG(t, 640, 480, 1, 40), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := practice.ImportPhotos(ctx, s, practice.ImportRequest{ClientID: c.ID, Files: []string{f},
		Tags: data.PhotoTags{Kind: data.PhotoBefore}}, nil); err != nil || res.Imported != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	var b practice.Backup
	if backups != "" {
		if b, _, err = practice.BackupTo(ctx, s, backups, practice.DefaultRetention); err != nil {
			t.Fatal(err)
		}
	}
	moved, err := planAndMove(ctx, s, filepath.Join(t.TempDir(), "new place"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := practice.MarkMoved(ctx, s, moved.DB); err != nil {
		t.Fatal(err)
	}
	return old, moved, b
}

func TestMovedPracticeOpensOnlyAtItsNewPlace(t *testing.T) {
	ctx := context.Background()
	old, moved, _ := movedAway(t, "")

	_, _, err := practice.Open(ctx, old, sqlite.Options{})
	var me *practice.MovedError
	if !errors.Is(err, practice.ErrMoved) || !errors.As(err, &me) {
		t.Fatalf("opening the old copy for writing: %v, want a MovedError", err)
	}
	if me.To != moved.DB || me.At.IsZero() {
		t.Errorf("the old copy says it moved to %q at %v, want %q and a time", me.To, me.At, moved.DB)
	}
	if got := me.Sentence(); !strings.HasPrefix(got, "This practice was moved to "+moved.DB+" on ") ||
		!strings.HasSuffix(got, ". The records here are an old copy.") {
		t.Errorf("sentence %q", got)
	}
	// Refused, it is not left claimed: it opens again (read-only) and says the same.
	ro, err := sqlite.Open(ctx, old, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if m, err := practice.MovedTo(ctx, ro); err != nil || m == nil || m.To != moved.DB {
		t.Errorf("read-only, the old copy says %+v, %v", m, err)
	}
	// Nothing is backed up from it: its backups would prune the moved practice's.
	backups := t.TempDir()
	if _, _, err := practice.BackupTo(ctx, ro, backups, practice.DefaultRetention); !errors.Is(err, practice.ErrMoved) {
		t.Errorf("backing up the old copy: %v, want ErrMoved", err)
	}
	if list, _ := filepath.Glob(filepath.Join(backups, "*.db*")); len(list) > 0 {
		t.Errorf("a backup of the old copy was written: %v", list)
	}

	// The copy carries no mark: it opens for writing and is backed up as any practice.
	n, claim, err := practice.Open(ctx, moved.DB, sqlite.Options{})
	if err != nil {
		t.Fatalf("opening the moved practice: %v", err)
	}
	defer claim.Release()
	defer n.Close()
	if m, err := practice.MovedTo(ctx, n); err != nil || m != nil {
		t.Errorf("the moved practice carries the mark: %+v, %v", m, err)
	}
	c := data.Client{FirstName: "Nora", LastName: "New"}
	if err := n.CreateClient(ctx, &c); err != nil {
		t.Errorf("writing to the moved practice: %v", err)
	}
	if _, _, err := practice.BackupTo(ctx, n, backups, practice.DefaultRetention); err != nil {
		t.Errorf("backing up the moved practice: %v", err)
	}
}

func TestRestoreRefusesTheOldCopyOfAMovedPractice(t *testing.T) {
	ctx := context.Background()
	old, _, b := movedAway(t, t.TempDir())
	// The backup, without the mark, would make the old copy a second live practice.
	if _, err := practice.RestoreFrom(ctx, b.Path, old, true); !errors.Is(err, practice.ErrMoved) {
		t.Fatalf("restore onto the old copy: %v, want ErrMoved", err)
	}
	if _, _, err := practice.Open(ctx, old, sqlite.Options{}); !errors.Is(err, practice.ErrMoved) {
		t.Errorf("after the refused restore, the old copy opens for writing: %v", err)
	}
	// Elsewhere the backup restores as ever.
	if _, err := practice.RestoreFrom(ctx, b.Path, filepath.Join(t.TempDir(), "clinic.db"), false); err != nil {
		t.Errorf("restore elsewhere: %v", err)
	}
}

// A practice file moved to the clinic's server is marked with the server's address, never a
// password in it: opening it for writing is refused with a sentence naming the server and how
// to connect a PC to it.
func TestMovedToTheServerNamesItWithoutAPassword(t *testing.T) {
	ctx := context.Background()
	old := filepath.Join(t.TempDir(), "clinic.db")
	s, claim, err := practice.Open(ctx, old, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "Tr0ub4dor-and-3"
	err = practice.MarkMoved(ctx, s, "postgres://needlelog_app:"+secret+"@frontdesk:5432/needlelog?sslmode=require&password="+secret)
	s.Close()
	claim.Release()
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = practice.Open(ctx, old, sqlite.Options{})
	var me *practice.MovedError
	if !errors.As(err, &me) {
		t.Fatalf("opening the file moved to the server: %v, want a MovedError", err)
	}
	const server = "postgres://needlelog_app@frontdesk:5432/needlelog?sslmode=require"
	if me.To != server || !me.ToServer() {
		t.Errorf("the file says it moved to %q (to a server: %v), want %q", me.To, me.ToServer(), server)
	}
	got := me.Sentence()
	if !strings.HasPrefix(got, "This practice was moved to the clinic's server ("+server+") on ") ||
		!strings.HasSuffix(got, "The records here are an old copy: to work in the practice, connect this PC to the server "+
			"(Settings › Database › Connect to the clinic's server…).") {
		t.Errorf("sentence %q", got)
	}
	for _, f := range []string{old, old + "-wal"} {
		if raw, _ := os.ReadFile(f); strings.Contains(string(raw), secret) {
			t.Errorf("the password is written in %s", f)
		}
	}
}
