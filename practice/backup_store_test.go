package practice_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// storeDamage spoils a file in a backup folder's photo store as a failing USB stick does.
type storeDamage struct {
	name string
	fn   func(t *testing.T, path string)
}

var storeDamages = []storeDamage{
	{"cut to one byte", func(t *testing.T, path string) { writeFile(t, path, []byte("x")) }},
	{"cut short by one byte", func(t *testing.T, path string) {
		b := readFile(t, path)
		writeFile(t, path, b[:len(b)-1])
	}},
	{"one byte longer", func(t *testing.T, path string) { writeFile(t, path, append(readFile(t, path), 0)) }},
	{"removed", func(t *testing.T, path string) {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}},
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A file in the backup folder's photo store whose size is wrong is copied again by the next
// backup, plain or encrypted, so that restoring that backup loses no photo.
func TestBackupReplacesAStoreFileOfTheWrongSize(t *testing.T) {
	for _, encrypted := range []bool{false, true} {
		for _, d := range storeDamages {
			t.Run(map[bool]string{false: "plain", true: "encrypted"}[encrypted]+"/"+d.name, func(t *testing.T) {
				ctx := context.Background()
				dir := filepath.Join(t.TempDir(), "usb")
				var s *sqlite.Store
				if encrypted {
					s, _ = encPractice(t, dir, 2)
				} else {
					s, _, _ = phPractice(t, 2)
				}
				if _, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention); err != nil {
					t.Fatal(err)
				}
				sum := phFiles(t, s)[0]
				stored := photolib.PathIn(filepath.Join(dir, "photos"), sum)
				if encrypted {
					stored += ".age"
				}
				d.fn(t, stored)
				b := backupAgain(t, s, dir)
				if b.Photos.Copied != 1 || b.Photos.Missing != 0 {
					t.Errorf("the second backup copied %d files (%d missing), want the damaged one again: %q", b.Photos.Copied, b.Photos.Missing, b.Outcome())
				}
				restoreLosesNothing(t, b, dir)
			})
		}
	}
}

// A file the store holds at the right size but with other bytes, named by no finished backup (a
// photo imported again after its backups were pruned, say), is read through and replaced.
func TestBackupReplacesAStoreFileWithOtherBytesNewToItsBackups(t *testing.T) {
	ctx := context.Background()
	s, _, _ := phPractice(t, 2)
	dir := t.TempDir()
	first, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{first.Path, first.Path + ".manifest"} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	sum := phFiles(t, s)[1]
	stored := photolib.PathIn(filepath.Join(dir, "photos"), sum)
	b := readFile(t, stored)
	b[len(b)/2] ^= 0x40 // bit rot: the same size
	writeFile(t, stored, b)
	second := backupAgain(t, s, dir)
	if second.Photos.Copied != 1 {
		t.Errorf("the second backup copied %d files, want the rotten one again: %q", second.Photos.Copied, second.Outcome())
	}
	if err := photolib.VerifyIn(filepath.Join(dir, "photos"), sum); err != nil {
		t.Errorf("the store's file: %v", err)
	}
	restoreLosesNothing(t, second, dir)
}

// backupAgain makes another backup of s in dir.
func backupAgain(t *testing.T, s *sqlite.Store, dir string) practice.Backup {
	t.Helper()
	b, _, err := practice.BackupTo(context.Background(), s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// restoreLosesNothing restores b elsewhere, with the key kept in dir when b is encrypted, and
// fails when a photo is lost or a restored file differs from its name.
func restoreLosesNothing(t *testing.T, b practice.Backup, dir string) {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "restored", "clinic.db")
	var r practice.Restored
	var err error
	if b.Encrypted {
		k, kerr := practice.UnlockBackupKey(dir, backupPass)
		if kerr != nil {
			t.Fatal(kerr)
		}
		r, err = practice.RestoreWithKey(ctx, b.Path, db, false, k)
	} else {
		r, err = practice.RestoreFrom(ctx, b.Path, db, false)
	}
	if err != nil || len(r.Photos.Lost) > 0 {
		t.Fatalf("restore of %s: lost %v, %v", filepath.Base(b.Path), r.Photos.Lost, err)
	}
	err = photolib.Walk(photolib.Beside(db), func(f photolib.File) error {
		return photolib.VerifyIn(photolib.Beside(db), f.Sum)
	})
	if err != nil {
		t.Error(err)
	}
}
