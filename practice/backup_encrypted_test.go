package practice_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// encPractice is phPractice with its backups set to be encrypted to a key kept in dir.
func encPractice(t *testing.T, dir string, photos int) (*sqlite.Store, []data.Photo) {
	t.Helper()
	cheapBackupKeys(t)
	s, _, list := phPractice(t, photos)
	if err := practice.SetBackupEncryption(context.Background(), s, setUpKey(t, dir, backupPass)); err != nil {
		t.Fatal(err)
	}
	return s, list
}

// encPlainPieces are pieces of plain bytes an encrypted backup of s must not hold: SQLite's
// header, a client's name, and a run from the middle of each photo file.
func encPlainPieces(t *testing.T, s *sqlite.Store) [][]byte {
	t.Helper()
	pieces := [][]byte{[]byte("SQLite format 3"), []byte("Nora")}
	for _, sum := range phFiles(t, s) {
		b, err := os.ReadFile(photolib.PathIn(s.PhotoDir(), sum))
		if err != nil {
			t.Fatal(err)
		}
		pieces = append(pieces, b[len(b)/2:len(b)/2+32])
	}
	return pieces
}

// encScan fails when any file under dir holds one of pieces.
func encScan(t *testing.T, dir string, pieces [][]byte) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, p := range pieces {
			if bytes.Contains(b, p) {
				t.Errorf("%s holds plain bytes (piece %d: %q…)", path, i, p[:8])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An encrypted backup writes nothing plain into the backup folder (its snapshot, its photo files),
// leaves no plain copy beside the practice, and restores, with the key, to the same records and
// photos; without the key it is refused and nothing is changed.
func TestEncryptedBackupAndRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "usb")
	s, photos := encPractice(t, dir, 2)
	b, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Encrypted || !strings.HasSuffix(b.Path, ".db.age") || !strings.HasPrefix(b.Outcome(), "encrypted, 4 photo files copied") {
		t.Fatalf("backup %s, encrypted %v, outcome %q", b.Path, b.Encrypted, b.Outcome())
	}
	if enc, err := practice.IsEncrypted(b.Path); !enc || err != nil {
		t.Fatalf("the backup is not an age file: %v", err)
	}
	for _, sum := range phFiles(t, s) {
		if _, err := os.Stat(filepath.Join(photolib.PathIn(filepath.Join(dir, "photos"), sum) + ".age")); err != nil {
			t.Errorf("encrypted photo file %s: %v", sum, err)
		}
	}
	if plain := phStored(t, dir); len(plain) != 0 {
		t.Errorf("plain photo files in the backup folder: %v", plain)
	}
	encScan(t, dir, encPlainPieces(t, s))
	if m := phManifest(t, b.Path); len(m) != 4 {
		t.Errorf("the manifest lists %v", m)
	}
	entries, _ := os.ReadDir(filepath.Dir(s.Path()))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a plain snapshot was left beside the practice: %s", e.Name())
		}
	}
	id, _ := s.PracticeID(ctx)
	list, err := practice.BackupsOf(dir, s.Path(), id)
	if err != nil || len(list) != 1 || list[0].Path != b.Path || !list[0].Encrypted {
		t.Fatalf("BackupsOf: %+v, %v", list, err)
	}

	db := filepath.Join(t.TempDir(), "elsewhere", "clinic.db")
	if _, err := practice.RestoreFrom(ctx, b.Path, db, false); !errors.Is(err, practice.ErrBackupEncrypted) {
		t.Fatalf("restore without the key: %v", err)
	}
	if _, err := practice.UnlockBackupKey(dir, otherPass); !errors.Is(err, practice.ErrWrongPassphrase) {
		t.Fatalf("a wrong passphrase: %v", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a refused restore left %s: %v", db, err)
	}
	k, err := practice.UnlockBackupKey(dir, backupPass)
	if err != nil {
		t.Fatal(err)
	}
	// A decrypted copy a restore stopped short left an hour ago goes; one of a restore under way stays.
	stale, fresh := filepath.Join(filepath.Dir(db), ".clinic.db.111.decrypt"), filepath.Join(filepath.Dir(db), ".clinic.db.222.decrypt")
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("left"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	phAge(t, stale, 2*time.Hour)
	r, err := practice.RestoreWithKey(ctx, b.Path, db, false, k)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a decrypted copy left two hours ago is still there: %v", err)
	}
	if err := os.Remove(fresh); err != nil {
		t.Errorf("a decrypted copy of a restore under way was removed: %v", err)
	}
	if r.Photos.Copied != 4 || len(r.Photos.Lost) != 0 {
		t.Errorf("restore: %+v", r.Photos)
	}
	got := bkOpenRO(t, db)
	if g, w := bkCounts(t, got), bkCounts(t, s); len(g) == 0 || !equalCounts(g, w) {
		t.Errorf("restored counts %v, want %v", g, w)
	}
	for _, p := range photos {
		want, _ := s.PhotoOriginal(ctx, p.ID)
		if b, err := got.PhotoOriginal(ctx, p.ID); err != nil || !bytes.Equal(b, want) {
			t.Errorf("restored original of %s: %d bytes, %v", p.FileName, len(b), err)
		}
	}
	left, _ := os.ReadDir(filepath.Dir(db))
	for _, e := range left {
		if strings.Contains(e.Name(), ".decrypt") {
			t.Errorf("the decrypted copy was left: %s", e.Name())
		}
	}
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// An encrypted backup changed or cut short, or opened with another folder's key, is refused and
// nothing is changed; an encrypted photo file changed in the store is named as not restored.
func TestEncryptedRestoreRefusesADamagedBackup(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "usb")
	s, _ := encPractice(t, dir, 1)
	b, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	k, err := practice.UnlockBackupKey(dir, backupPass)
	if err != nil {
		t.Fatal(err)
	}
	sealed := readFile(t, b.Path)
	other := filepath.Join(t.TempDir(), "other")
	setUpKey(t, other, backupPass) // the same passphrase, another key
	otherKey, err := practice.UnlockBackupKey(other, backupPass)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-100] ^= 1
	for _, c := range []struct {
		name   string
		sealed []byte
		key    *practice.BackupKey
		want   string
	}{
		{"cut short", sealed[:len(sealed)/2], k, "damaged or cut short"},
		{"a byte changed", flipped, k, "damaged or cut short"},
		{"another key", sealed, otherKey, practice.ErrOtherKey.Error()},
	} {
		path := filepath.Join(dir, "copy-"+strings.ReplaceAll(c.name, " ", "-")+".db.age")
		if err := os.WriteFile(path, c.sealed, 0o600); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(t.TempDir(), "clinic.db")
		_, err := practice.RestoreWithKey(ctx, path, db, false, c.key)
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.key == k && !strings.Contains(err.Error(), "nothing was changed")) {
			t.Errorf("%s: %v", c.name, err)
		}
		if entries, _ := os.ReadDir(filepath.Dir(db)); len(entries) != 0 {
			t.Errorf("%s: the restore left %v", c.name, entries)
		}
	}

	sum := phFiles(t, s)[0]
	stored := photolib.PathIn(filepath.Join(dir, "photos"), sum) + ".age"
	photo := readFile(t, stored)
	photo[len(photo)-10] ^= 1
	if err := os.WriteFile(stored, photo, 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "clinic.db")
	r, err := practice.RestoreWithKey(ctx, b.Path, db, false, k)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Photos.Lost) != 1 || r.Photos.Copied != 1 {
		t.Errorf("a changed encrypted photo file: %+v", r.Photos)
	}
	if err := photolib.VerifyIn(photolib.Beside(db), sum); !errors.Is(err, photolib.ErrMissing) {
		t.Errorf("the changed photo file was put into the library: %v", err)
	}
}

// encAgeAll sets the time of every file in a backup folder's photo store back by d.
func encAgeAll(t *testing.T, dir string, d time.Duration) {
	t.Helper()
	err := filepath.WalkDir(filepath.Join(dir, "photos"), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		phAge(t, path, d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// encStored lists the encrypted photo files in a backup folder's photo store, by SHA-256.
func encStored(t *testing.T, dir string) map[string]bool {
	t.Helper()
	m := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(dir, "photos"), func(path string, e fs.DirEntry, err error) error {
		if sum, ok := strings.CutSuffix(e.Name(), ".age"); ok && photolib.Valid(sum) {
			m[sum] = true
		}
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return m
}

// A folder holding plain and encrypted backups of one practice lists both, numbers them apart in
// one second, prunes them by one calendar, and keeps each form of a photo file only while a backup
// of its kind names it.
func TestPruneMixesPlainAndEncryptedBackups(t *testing.T) {
	ctx := context.Background()
	cheapBackupKeys(t)
	dir := t.TempDir()
	keep := practice.Retention{Daily: 2}
	s, clock, photos := phPractice(t, 1)
	enc := setUpKey(t, dir, backupPass)
	id, _ := s.PracticeID(ctx)
	sums := phFiles(t, s)
	// next makes the next day's backup, after the photo files already there have aged past the
	// grace, and checks what it removed.
	next := func(encrypted bool, wantRemoved ...string) practice.Backup {
		t.Helper()
		clock.Advance(24 * time.Hour)
		encAgeAll(t, dir, 2*time.Hour)
		if encrypted {
			if err := practice.SetBackupEncryption(ctx, s, enc); err != nil {
				t.Fatal(err)
			}
		}
		b, removed, err := practice.BackupTo(ctx, s, dir, keep)
		if err != nil || strings.Join(removed, ",") != strings.Join(wantRemoved, ",") {
			t.Fatalf("backup %s removed %v, want %v: %v", b.Path, removed, wantRemoved, err)
		}
		return b
	}

	p0, _, err := practice.BackupTo(ctx, s, dir, keep)
	if err != nil {
		t.Fatal(err)
	}
	e0, removed, err := practice.BackupEncryptedTo(ctx, s, dir, keep, enc)
	if want := strings.TrimSuffix(p0.Path, ".db") + "-2.db.age"; err != nil || e0.Path != want || len(removed) != 0 {
		t.Fatalf("an encrypted backup in the same second: %s, removed %v, %v; want %s keeping the plain one", e0.Path, removed, err, want)
	}
	p1 := next(false)
	if list, err := practice.BackupsOf(dir, s.Path(), id); err != nil || len(list) != 3 || list[0].Path != p1.Path ||
		list[0].Encrypted || list[1].Path != e0.Path || !list[1].Encrypted || list[2].Path != p0.Path {
		t.Fatalf("BackupsOf a mixed folder: %+v, %v", list, err)
	}
	if len(phStored(t, dir)) != len(sums) || len(encStored(t, dir)) != len(sums) {
		t.Fatalf("stored plain %v, encrypted %v; want both forms of %v", phStored(t, dir), encStored(t, dir), sums)
	}
	e2 := next(true, e0.Path, p0.Path)
	if len(phStored(t, dir)) != len(sums) || len(encStored(t, dir)) != len(sums) {
		t.Fatalf("stored plain %v, encrypted %v; want both forms kept, each named by a backup of its kind", phStored(t, dir), encStored(t, dir))
	}
	e3 := next(true, p1.Path)
	if left := phStored(t, dir); len(left) != 0 {
		t.Errorf("plain photo files no plain backup names were kept: %v", left)
	}
	if len(encStored(t, dir)) != len(sums) {
		t.Errorf("encrypted photo files named by encrypted backups were removed: %v", encStored(t, dir))
	}
	if _, err := os.Stat(p1.Path + ".manifest"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the pruned plain backup's manifest is still there: %v", err)
	}
	if err := s.DeletePhoto(ctx, photos[0].ID, "taken of the wrong client"); err != nil {
		t.Fatal(err)
	}
	next(true, e2.Path)
	if len(encStored(t, dir)) != len(sums) {
		t.Errorf("encrypted photo files named by a kept encrypted backup were removed")
	}
	next(true, e3.Path)
	if left := encStored(t, dir); len(left) != 0 {
		t.Errorf("encrypted photo files no backup names were kept: %v", left)
	}
}

// An encrypted backup whose list of photo files was lost cannot be read without the passphrase:
// pruning then keeps every encrypted photo file rather than guess which it names.
func TestPruneKeepsEncryptedPhotosOfABackupWithoutItsList(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cheapBackupKeys(t)
	s, clock, photos := phPractice(t, 1)
	if err := practice.SetBackupEncryption(ctx, s, setUpKey(t, dir, backupPass)); err != nil {
		t.Fatal(err)
	}
	b, _, err := practice.BackupTo(ctx, s, dir, practice.Retention{Daily: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(b.Path + ".manifest"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePhoto(ctx, photos[0].ID, "taken of the wrong client"); err != nil {
		t.Fatal(err)
	}
	encAgeAll(t, dir, 2*time.Hour)
	clock.Advance(24 * time.Hour)
	if _, removed, err := practice.BackupTo(ctx, s, dir, practice.Retention{Daily: 3}); err != nil || len(removed) != 0 {
		t.Fatalf("removed %v: %v", removed, err)
	}
	if got := encStored(t, dir); len(got) != 2 {
		t.Errorf("encrypted photo files kept: %v; want both of the deleted photo's, which the backup without its list may name", got)
	}
}

// Once backups are encrypted, the plain photo files earlier backups left in the folder go at the
// first backup that finds no plain backup left there (the practice's own aged out), of any
// practice, nor one being made: not an hour later. While one is left, or being written, they are kept as before.
func TestEncryptedBackupRemovesThePlainPhotoFilesNoPlainBackupNeeds(t *testing.T) {
	ctx := context.Background()
	cheapBackupKeys(t)
	dir := t.TempDir()
	keep := practice.Retention{Daily: 1}
	s, clock, _ := phPractice(t, 2)
	other, _, _ := phPractice(t, 1)
	enc := setUpKey(t, dir, backupPass)
	sums := phFiles(t, s)
	if _, _, err := practice.BackupTo(ctx, s, dir, keep); err != nil {
		t.Fatal(err)
	}
	o, _, err := practice.BackupTo(ctx, other, dir, keep)
	if err != nil {
		t.Fatal(err)
	}
	plain := len(phStored(t, dir)) // the other practice's photo is the same as one of these
	if plain != len(sums) {
		t.Fatalf("stored %d plain photo files; want %d", plain, len(sums))
	}
	encrypted := func(wantRemoved int) {
		t.Helper()
		clock.Advance(time.Second)
		b, _, err := practice.BackupEncryptedTo(ctx, s, dir, keep, enc)
		if err != nil {
			t.Fatal(err)
		}
		said := "; removed " + strconv.Itoa(wantRemoved) + " unencrypted photo files left by earlier backups"
		if got := phStored(t, dir); len(got) != plain-wantRemoved || (wantRemoved > 0) != strings.HasSuffix(b.Outcome(), said) {
			t.Fatalf("after an encrypted backup: %d plain photo files left, said %q; want %d removed", len(got), b.Outcome(), wantRemoved)
		}
		plain -= wantRemoved
	}
	// Another practice's plain backup is left: the plain files no backup names keep their grace.
	encrypted(0)
	if err := os.Remove(o.Path); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(o.Path + ".manifest"); err != nil {
		t.Fatal(err)
	}
	// A plain backup being written, its snapshot not yet placed, may take the files as there.
	writing := filepath.Join(dir, ".other-1a2b3c4d-20260310-143000.db.123456.tmp")
	if err := os.WriteFile(writing, []byte("SQLite format 3\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	encrypted(0)
	if err := os.Remove(writing); err != nil {
		t.Fatal(err)
	}
	// The practice's own plain backup stays beside its encrypted ones until it ages out.
	encrypted(0)
	clock.Advance(24 * time.Hour)
	encrypted(plain)
	if got := encStored(t, dir); len(got) != len(sums) {
		t.Errorf("encrypted photo files kept: %v; want the practice's %d", got, len(sums))
	}
}

// Turning encryption on never costs a restore point: the first encrypted backup of a day keeps
// that day's unencrypted backup, and its photo files, readable without the passphrase; the
// unencrypted backup goes only as it ages out, and the backup whose pruning removes it names it.
func TestEncryptedBackupKeepsThatDaysUnencryptedBackup(t *testing.T) {
	ctx := context.Background()
	cheapBackupKeys(t)
	dir := t.TempDir()
	keep := practice.Retention{Daily: 1}
	s, clock, _ := phPractice(t, 2)
	clock.T = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	enc := setUpKey(t, dir, backupPass)
	plain, _, err := practice.BackupEncryptedTo(ctx, s, dir, keep, practice.BackupEncryption{})
	if err != nil {
		t.Fatal(err)
	}
	files := phStored(t, dir)
	clock.Advance(time.Hour)
	first, removed, err := practice.BackupEncryptedTo(ctx, s, dir, keep, enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 0 || len(first.OtherKindRemoved) != 0 {
		t.Errorf("the first encrypted backup of the day removed %v (%q)", removed, first.Outcome())
	}
	if _, err := os.Stat(plain.Path); err != nil {
		t.Fatalf("that day's unencrypted backup is gone: %v", err)
	}
	if got := phStored(t, dir); !slices.Equal(got, files) {
		t.Errorf("unencrypted photo files kept: %v; want %v", got, files)
	}
	if _, err := practice.RestoreFrom(ctx, plain.Path, filepath.Join(t.TempDir(), "clinic.db"), false); err != nil {
		t.Errorf("the unencrypted backup, restored without the passphrase: %v", err)
	}

	// A second encrypted backup that day replaces the first; the unencrypted one stays.
	clock.Advance(time.Hour)
	if _, removed, err = practice.BackupEncryptedTo(ctx, s, dir, keep, enc); err != nil || !slices.Equal(removed, []string{first.Path}) {
		t.Fatalf("the second encrypted backup of the day removed %v (%v); want only %s", removed, err, first.Path)
	}
	if _, err := os.Stat(plain.Path); err != nil {
		t.Fatalf("that day's unencrypted backup is gone after a second encrypted one: %v", err)
	}

	// The next day, with one day kept, it ages out, and the backup says so by name.
	clock.Advance(24 * time.Hour)
	next, removed, err := practice.BackupEncryptedTo(ctx, s, dir, keep, enc)
	if err != nil || !slices.Contains(removed, plain.Path) {
		t.Fatalf("a day later with one day kept: removed %v (%v); want %s among them", removed, err, plain.Path)
	}
	if want := "; removed the older unencrypted backup " + filepath.Base(plain.Path); !strings.Contains(next.Outcome(), want) {
		t.Errorf("the backup that removed the unencrypted one says %q; want %q", next.Outcome(), want)
	}
}
