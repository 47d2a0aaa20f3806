package practice

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

func TestBackupRefusesWhenTheDiskIsShort(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "practice.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := filepath.Join(t.TempDir(), "backups")
	need, err := backupNeed(s, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if need <= info.Size() {
		t.Fatalf("need %d for a file of %d bytes: no margin", need, info.Size())
	}

	var asked string
	free := int64(3 * mb)
	t.Cleanup(func() { freeSpace = diskFree })
	freeSpace = func(dir string) (int64, error) { asked = dir; return free, nil }

	_, _, err = BackupTo(ctx, s, dir, DefaultRetention)
	if !errors.Is(err, data.ErrNoSpace) {
		t.Fatalf("backup onto a disk with 3 MB free: %v", err)
	}
	wantNeed := (need + mb - 1) / mb
	for _, part := range []string{"3 MB free", "needs about " + strconv.FormatInt(wantNeed, 10) + " MB", dir} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("the refusal %q does not say %q", err, part)
		}
	}
	if asked != dir {
		t.Errorf("free space asked of %q, want %q", asked, dir)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("a refused backup left %v %v", entries, err)
	}

	// Exactly enough is enough; an unknown figure does not stop a backup.
	for _, free = range []int64{need, -1} {
		if _, _, err := BackupTo(ctx, s, dir, DefaultRetention); err != nil {
			t.Errorf("backup with %d bytes free: %v", free, err)
		}
	}
}

// An encrypted backup first makes its plain copy on the practice's own disk: a disk too short
// there is said before anything is written, to either disk.
func TestEncryptedBackupRefusesWhenThePracticesDiskIsShort(t *testing.T) {
	ctx := context.Background()
	old := BackupKeyWorkFactor
	BackupKeyWorkFactor = 10
	t.Cleanup(func() { BackupKeyWorkFactor = old })
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "practice.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := filepath.Join(t.TempDir(), "backups")
	enc, err := SetUpBackupKey(dir, "yellow kettle harbour march")
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Dir(s.Path())
	t.Cleanup(func() { freeSpace = diskFree })
	freeSpace = func(d string) (int64, error) {
		if d == home {
			return 2 * mb, nil
		}
		return 1 << 40, nil
	}
	_, _, err = BackupEncryptedTo(ctx, s, dir, DefaultRetention, enc)
	if !errors.Is(err, data.ErrNoSpace) || !strings.Contains(err.Error(), "practice's own disk, which has 2 MB free") {
		t.Fatalf("an encrypted backup with the practice's disk short: %v", err)
	}
	for _, d := range []string{dir, home} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if e.Name() != "practice.db" && e.Name() != BackupKeyFile && !strings.HasPrefix(e.Name(), "practice.db-") {
				t.Errorf("a refused backup left %s in %s", e.Name(), d)
			}
		}
	}
	if _, _, err := BackupTo(ctx, s, dir, DefaultRetention); err != nil {
		t.Errorf("a plain backup, made on the backup disk alone: %v", err)
	}
}

func TestDiskFree(t *testing.T) {
	t.Parallel()
	free, err := diskFree(t.TempDir())
	if err != nil || free <= 0 {
		t.Fatalf("free space of the temporary folder: %d %v", free, err)
	}
	if _, err := diskFree(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("free space of a missing folder: no error")
	}
}

// TestRestoreOlderSchema restores a backup made by an older version: it is brought up to date.
func TestRestoreOlderSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old := filepath.Join(t.TempDir(), "old.db")
	latest := sqlite.SchemaVersion()
	if latest < 2 {
		t.Fatalf("only %d migrations", latest)
	}
	if err := sqlite.CreateAtVersion(ctx, old, latest-1); err != nil {
		t.Fatal(err)
	}

	db := filepath.Join(t.TempDir(), "practice.db")
	if _, err := RestoreFrom(ctx, old, db, false); err != nil {
		t.Fatalf("restore an older backup: %v", err)
	}
	r, err := sqlite.Open(ctx, db, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h, err := r.Check(ctx)
	if err != nil || len(h.Problems) > 0 || h.SchemaVersion != sqlite.SchemaVersion() {
		t.Fatalf("restored file: version %d, %v %v", h.SchemaVersion, h.Problems, err)
	}
	// The backup itself is left as it was.
	b, err := sqlite.Open(ctx, old, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if h, err := b.Check(ctx); err != nil || h.SchemaVersion != latest-1 {
		t.Errorf("the backup is now at version %d: %v", h.SchemaVersion, err)
	}
}

func TestKnockSocket(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, err := knockSocket(filepath.Join(dir, "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := knockSocket(filepath.Join(dir, "a.db"))
	b, _ := knockSocket(filepath.Join(dir, "b.db"))
	if a != again || a == b || len(a) > maxSocketPath {
		t.Errorf("sockets %s, %s, %s", a, again, b)
	}
	testkit.NeedLocalSockets(t)
	c, err := ClaimDatabase(filepath.Join(dir, "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.OnKnock(func() {}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a); err != nil {
		t.Fatalf("the socket while listening: %v", err)
	}
	if err := c.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket after release: %v", err)
	}
}

// The space a backup needs counts the photo files it will copy, and only those: after a backup
// the photo store holds them.
func TestBackupNeedCountsThePhotoFilesToCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "practice.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := filepath.Join(t.TempDir(), "backups")
	before, err := backupNeed(s, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	c := data.Client{FirstName: "Nora", LastName: "Lens", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	jpg := phototest.NoisyJPEG(t, 800, 600, 7, 60)
	testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG.jpg", jpg, testkit.Now)
	var files int64
	if err := photolib.Walk(s.PhotoDir(), func(f photolib.File) error { files += f.Size; return nil }); err != nil {
		t.Fatal(err)
	}
	need, err := backupNeed(s, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if files < int64(len(jpg)) || need < before+files {
		t.Errorf("need %d bytes with %d bytes of photo files to copy, %d without", need, files, before)
	}
	if _, _, err := BackupTo(ctx, s, dir, DefaultRetention); err != nil {
		t.Fatal(err)
	}
	if again, err := backupNeed(s, dir, false); err != nil || again >= before+files {
		t.Errorf("need %d bytes once the photo files are in the backup folder (%v)", again, err)
	}
}
