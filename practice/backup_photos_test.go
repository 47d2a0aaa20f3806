package practice_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// phPractice is a practice on the test clock whose client Nora Lens has n photos, named
// IMG_000<i>.jpg, in its photo library.
func phPractice(t *testing.T, n int) (*sqlite.Store, *testkit.Clock, []data.Photo) {
	t.Helper()
	s, clock := sqlitetest.OpenStore(t)
	c := data.Client{FirstName: "Nora", LastName: "Lens", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	var photos []data.Photo
	for i := range n {
		jpg := phototest.NoisyJPEG(t, 96, 64, uint32(i+1), 40)
		photos = append(photos, phImport(t, s, c.ID, "IMG_000"+string(rune('1'+i))+".jpg", jpg))
	}
	return s, clock, photos
}

func phImport(t *testing.T, s *sqlite.Store, clientID, name string, jpg []byte) data.Photo {
	t.Helper()
	return testkit.MustImportPhoto(t, s, clientID, data.PhotoTags{Kind: data.PhotoBefore}, name, jpg, testkit.Now.Add(-time.Hour))
}

// phFiles is every library file the practice's photos name: originals and previews.
func phFiles(t *testing.T, s *sqlite.Store) []string {
	t.Helper()
	var sums []string
	if err := s.EachPhotoFile(context.Background(), func(f sqlite.PhotoFileRef) error {
		sums = append(sums, f.Sum)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return sums
}

// phStored lists the photo files in a backup folder's photo store.
func phStored(t *testing.T, dir string) []string {
	t.Helper()
	var sums []string
	if err := photolib.Walk(filepath.Join(dir, "photos"), func(f photolib.File) error {
		sums = append(sums, f.Sum)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(sums)
	return sums
}

// phManifest reads the list of photo files beside a backup.
func phManifest(t *testing.T, backup string) []string {
	t.Helper()
	f, err := os.Open(backup + ".manifest")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var sums []string
	for sc.Scan() {
		sums = append(sums, sc.Text())
	}
	if len(sums) == 0 {
		t.Fatalf("the manifest of %s is empty", backup)
	}
	return sums[1:] // after its header
}

func phSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// A backup copies the photo files of the library into the backup folder's photo store, checked,
// with a manifest naming them; a second backup of an unchanged library copies none and writes
// only its snapshot and manifest; a new photo is copied alone.
func TestBackupCopiesPhotoFilesOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clock, _ := phPractice(t, 3)
	dir := t.TempDir()
	files := phFiles(t, s)
	if len(files) != 6 {
		t.Fatalf("3 photos name %d files, want an original and a preview each", len(files))
	}

	first, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(files))
	if got := phStored(t, dir); !slices.Equal(got, want) {
		t.Fatalf("the photo store holds %v, want %v", got, want)
	}
	var photoBytes int64
	for _, sum := range files {
		if err := photolib.VerifyIn(filepath.Join(dir, "photos"), sum); err != nil {
			t.Errorf("stored photo file: %v", err)
		}
		photoBytes += phSize(t, photolib.PathIn(filepath.Join(dir, "photos"), sum))
	}
	if got := phManifest(t, first.Path); !slices.Equal(got, files) {
		t.Errorf("the manifest lists %v, want %v", got, files)
	}
	if first.Photos.Copied != 6 || first.Photos.Bytes != photoBytes || first.Photos.Missing != 0 ||
		first.Written != first.Size+phSize(t, first.Path+".manifest")+photoBytes {
		t.Errorf("first backup: %+v (size %d), want 6 files of %d bytes copied", first.Photos, first.Size, photoBytes)
	}
	if o := first.Outcome(); !strings.HasPrefix(o, "6 photo files copied, ") || !strings.HasSuffix(o, " written") {
		t.Errorf("the first backup's outcome says %q", o)
	}

	clock.Advance(24 * time.Hour)
	second, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	if second.Photos.Copied != 0 || second.Photos.Bytes != 0 || second.Written != second.Size+phSize(t, second.Path+".manifest") {
		t.Errorf("a backup of unchanged photos copied %+v and wrote %d bytes (snapshot %d)", second.Photos, second.Written, second.Size)
	}
	if o := second.Outcome(); !strings.HasPrefix(o, "0 photo files copied, ") {
		t.Errorf("the second backup's outcome says %q", o)
	}

	clients, err := s.ListClients(ctx, data.ClientQuery{})
	if err != nil || len(clients) != 1 {
		t.Fatalf("clients %v %v", clients, err)
	}
	phImport(t, s, clients[0].ID, "IMG_0009.jpg", phototest.NoisyJPEG(t, 96, 64, 99, 40))
	clock.Advance(24 * time.Hour)
	third, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	if third.Photos.Copied != 2 || len(phStored(t, dir)) != 8 {
		t.Errorf("a backup after one new photo copied %+v; the store holds %d files", third.Photos, len(phStored(t, dir)))
	}
}

// A photo file missing from the practice's library does not stop a backup: the records and the
// other photos are backed up, and the backup says how many it could not take.
func TestBackupCountsPhotoFilesMissingFromTheLibrary(t *testing.T) {
	t.Parallel()
	s, _, _ := phPractice(t, 2)
	files := phFiles(t, s)
	if err := os.Remove(photolib.PathIn(s.PhotoDir(), files[0])); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b, _, err := practice.BackupTo(context.Background(), s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	if b.Photos.Missing != 1 || b.Photos.Copied != 3 || len(phStored(t, dir)) != 3 {
		t.Errorf("backup of a library missing a file: %+v", b.Photos)
	}
	if o := b.Outcome(); !strings.Contains(o, "; 1 photo was not backed up: its files are missing or damaged (needlelog check --photos lists them)") {
		t.Errorf("the outcome %q does not say a photo was not backed up", o)
	}
}

// A backup says how many photos it could not take, not how many files (a photo has an original
// and a preview), and, when the practice's photo folder is not there at all, that it is the folder
// that is missing and how to bring it back.
func TestBackupSaysPhotosNotBackedUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := phPractice(t, 3)
	files := phFiles(t, s) // each photo's original, then its preview
	// Both files of one photo, and the preview of another, are lost.
	for _, sum := range []string{files[0], files[1], files[3]} {
		if err := os.Remove(photolib.PathIn(s.PhotoDir(), sum)); err != nil {
			t.Fatal(err)
		}
	}
	b, _, err := practice.BackupTo(ctx, s, t.TempDir(), practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	want := "; 2 photos were not backed up: their files are missing or damaged (needlelog check --photos lists them)"
	if b.Photos.Missing != 3 || b.Photos.MissingPhotos != 2 || !strings.HasSuffix(b.Outcome(), want) {
		t.Errorf("three files of two photos lost: %+v, said %q; want %q", b.Photos, b.Outcome(), want)
	}

	if err := os.RemoveAll(s.PhotoDir()); err != nil {
		t.Fatal(err)
	}
	b, _, err = practice.BackupTo(ctx, s, t.TempDir(), practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	want = fmt.Sprintf("; 3 photos were not backed up: the photo folder %q is not beside the practice file "+
		"(copy it back from where the practice came from)", filepath.Base(s.PhotoDir()))
	if b.Photos.Missing != 6 || b.Photos.MissingPhotos != 3 || !strings.HasSuffix(b.Outcome(), want) {
		t.Errorf("the photo folder missing: %+v, said %q; want %q", b.Photos, b.Outcome(), want)
	}
}

// A backup whose photo files cannot be copied is not made: no snapshot is listed, and no manifest
// is left naming files the store lacks.
func TestBackupCutShortIsNotListed(t *testing.T) {
	t.Parallel()
	s, _, _ := phPractice(t, 1)
	dir := t.TempDir()
	// A file where the photo store's folder should be: the copy fails.
	if err := os.WriteFile(filepath.Join(dir, "photos"), []byte("in the way"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := practice.BackupTo(context.Background(), s, dir, practice.DefaultRetention); err == nil {
		t.Fatal("a backup whose photos could not be copied reported success")
	}
	if list, err := practice.BackupsOf(dir, s.Path(), ""); err != nil || len(list) != 0 {
		t.Errorf("a backup cut short is listed: %v %v", list, err)
	}
	if names := testkit.Names(t, dir); !slices.Equal(names, []string{"photos"}) {
		t.Errorf("a backup cut short left %v", names)
	}
}

// Restore brings back the snapshot and copies its photos into the practice's photo folder,
// checked; the restored practice shows every photo.
func TestRestoreBringsBackThePhotos(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, photos := phPractice(t, 2)
	dir := t.TempDir()
	b, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "elsewhere", "clinic.db")
	r, err := practice.RestoreFrom(ctx, b.Path, db, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Photos.Copied != 4 || len(r.Photos.Lost) != 0 || r.PhotoWarning() != "" {
		t.Errorf("restore: %+v", r.Photos)
	}
	got := bkOpenRO(t, db)
	if got.PhotoDir() != photolib.Beside(db) {
		t.Fatalf("the restored practice keeps its photos in %s", got.PhotoDir())
	}
	for _, p := range photos {
		want, err := s.PhotoOriginal(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b, err := got.PhotoOriginal(ctx, p.ID); err != nil || string(b) != string(want) {
			t.Errorf("restored original of %s: %d bytes, %v", p.FileName, len(b), err)
		}
		if _, err := got.PhotoPreview(ctx, p.ID); err != nil {
			t.Errorf("restored preview of %s: %v", p.FileName, err)
		}
	}
}

// A photo file missing from the backup, or changed there, does not stop the restore: the records
// and every good photo come back, the bad copy is not put into the library, and the photos that
// could not be restored are named.
func TestRestoreNamesThePhotosItCouldNotBringBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, photos := phPractice(t, 3)
	dir := t.TempDir()
	b, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "photos")
	if err := os.Remove(photolib.PathIn(store, photos[0].SHA256)); err != nil {
		t.Fatal(err)
	}
	changed := photolib.PathIn(store, photos[2].SHA256)
	testkit.FlipByte(t, changed, phSize(t, changed)/2)

	db := filepath.Join(t.TempDir(), "clinic.db")
	r, err := practice.RestoreFrom(ctx, b.Path, db, false)
	if err != nil {
		t.Fatalf("a restore with a photo missing from the backup was refused: %v", err)
	}
	if len(r.Photos.Lost) != 2 || !strings.HasPrefix(r.Photos.Lost[0], "IMG_0001.jpg of Nora Lens taken ") ||
		!strings.HasPrefix(r.Photos.Lost[1], "IMG_0003.jpg of Nora Lens taken ") || r.Photos.Copied != 4 {
		t.Fatalf("restore: %+v", r.Photos)
	}
	warn := r.PhotoWarning()
	for _, part := range []string{"2 photos could not be restored", "IMG_0001.jpg", "IMG_0003.jpg", "missing", "damaged"} {
		if !strings.Contains(warn, part) {
			t.Errorf("the warning %q does not say %q", warn, part)
		}
	}
	got := bkOpenRO(t, db)
	if n := bkCounts(t, got)["photos"]; n != 3 {
		t.Errorf("the restored practice has %d photo records, want 3", n)
	}
	if _, err := got.PhotoOriginal(ctx, photos[1].ID); err != nil {
		t.Errorf("the good photo was not restored: %v", err)
	}
	for _, p := range []data.Photo{photos[0], photos[2]} {
		if _, err := got.PhotoOriginal(ctx, p.ID); err == nil {
			t.Errorf("%s reads back, though its file was bad in the backup", p.FileName)
		}
		if _, err := os.Stat(photolib.PathIn(photolib.Beside(db), p.SHA256)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a file for %s was put into the library: %v", p.FileName, err)
		}
	}
}

// Restoring over the practice puts back a photo file damaged in its library, from the backup.
func TestRestoreReplacesADamagedPhotoFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, photos := phPractice(t, 1)
	dir := t.TempDir()
	b, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	db := s.Path()
	s.Close()
	damaged := photolib.PathIn(photolib.Beside(db), photos[0].SHA256)
	testkit.FlipByte(t, damaged, 10)
	r, err := practice.RestoreFrom(ctx, b.Path, db, true)
	if err != nil || r.Photos.Copied != 1 || len(r.Photos.Lost) != 0 {
		t.Fatalf("restore over a damaged photo file: %+v %v", r.Photos, err)
	}
	if err := photolib.VerifyIn(photolib.Beside(db), photos[0].SHA256); err != nil {
		t.Errorf("the damaged file was not replaced: %v", err)
	}
}

// phAge sets the time of a file back by d.
func phAge(t *testing.T, path string, d time.Duration) {
	t.Helper()
	old := time.Now().Add(-d)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
}

// phAgeStore sets the time of every file in a backup folder's photo store back by d.
func phAgeStore(t *testing.T, dir string, d time.Duration) {
	t.Helper()
	for _, sum := range phStored(t, dir) {
		phAge(t, photolib.PathIn(filepath.Join(dir, "photos"), sum), d)
	}
}

// Pruning removes only the photo files that no backup left in the folder names, of any practice
// sharing it, and never one younger than an hour; a manifest whose backup is not there yet (a
// backup under way) keeps its files for a day, then goes; a backup that lost its manifest is read.
func TestPruneRemovesOnlyPhotoFilesNoBackupNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	keep := practice.Retention{Daily: 1}
	a, clock, photosA := phPractice(t, 1)
	if _, _, err := practice.BackupTo(ctx, a, dir, keep); err != nil {
		t.Fatal(err)
	}
	gone := phFiles(t, a) // named by that first backup only, once the photo is deleted
	if err := a.DeletePhoto(ctx, photosA[0].ID, "taken of the wrong client"); err != nil {
		t.Fatal(err)
	}
	phImport(t, a, photosA[0].ClientID, "IMG_0002.jpg", phototest.NoisyJPEG(t, 96, 64, 42, 40))
	b, _, _ := phPractice(t, 0) // another practice backed up to the same folder
	bClients, err := b.ListClients(ctx, data.ClientQuery{})
	if err != nil {
		t.Fatal(err)
	}
	phImport(t, b, bClients[0].ID, "IMG_0100.jpg", phototest.NoisyJPEG(t, 96, 64, 77, 40))
	bFirst, _, err := practice.BackupTo(ctx, b, dir, keep)
	if err != nil {
		t.Fatal(err)
	}

	clock.Advance(24 * time.Hour)
	if _, removed, err := practice.BackupTo(ctx, a, dir, keep); err != nil || len(removed) != 1 {
		t.Fatalf("the second backup removed %v: %v", removed, err)
	}
	stored := func() map[string]bool {
		m := map[string]bool{}
		for _, sum := range phStored(t, dir) {
			m[sum] = true
		}
		return m
	}
	if s := stored(); !s[gone[0]] || !s[gone[1]] {
		t.Fatal("photo files younger than an hour were removed")
	}

	phAgeStore(t, dir, 2*time.Hour)
	// A backup under way elsewhere has listed a file it is copying.
	pending := filepath.Join(dir, "other-0a1b2c3d-20260311-143000.db.manifest")
	if err := os.WriteFile(pending, []byte("needlelog backup photo files 1\n"+gone[0]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A backup whose manifest was lost: read from the backup itself.
	if err := os.Remove(bFirst.Path + ".manifest"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)
	if _, _, err := practice.BackupTo(ctx, a, dir, keep); err != nil {
		t.Fatal(err)
	}
	s := stored()
	if !s[gone[0]] || s[gone[1]] {
		t.Errorf("the deleted photo's files: original kept %v (a backup under way names it), preview kept %v (nothing names it)",
			s[gone[0]], s[gone[1]])
	}
	for _, sum := range append(phFiles(t, a), phFiles(t, b)...) {
		if !s[sum] {
			t.Errorf("photo file %s, named by a kept backup, was removed", sum)
		}
	}

	phAgeStore(t, dir, 2*time.Hour)
	phAge(t, pending, 25*time.Hour)
	clock.Advance(24 * time.Hour)
	if _, _, err := practice.BackupTo(ctx, a, dir, keep); err != nil {
		t.Fatal(err)
	}
	if stored()[gone[0]] {
		t.Error("a file named only by a manifest left a day ago by a backup cut short was kept")
	}
	if _, err := os.Stat(pending); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the manifest of a backup cut short a day ago is still there: %v", err)
	}
}

// A backup whose records name photo files by something other than a SHA-256 (a path climbing out
// of the photo folder, say) is restored without writing outside the practice's photo folder:
// those photos are named as not restored.
func TestRestoreOfHostilePhotoNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := phPractice(t, 2)
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "backups")
	b, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	// The escape target holds a file that would pass a check against its own name.
	escape := filepath.Join(root, "escaped")
	if err := os.WriteFile(escape, []byte("not a photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	sqlitetest.Tamper(t, b.Path, `UPDATE photos SET preview_sha256 = '../../../../../escaped' WHERE file_name = 'IMG_0002.jpg'`)

	db := filepath.Join(root, "restored", "clinic.db")
	r, err := practice.RestoreFrom(ctx, b.Path, db, false)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if len(r.Photos.Lost) != 1 || !strings.HasPrefix(r.Photos.Lost[0], "IMG_0002.jpg of Nora Lens") {
		t.Errorf("restore of a backup naming a file outside its store: %+v", r.Photos)
	}
	if err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(filepath.Base(path), "escaped") && path != escape {
			t.Errorf("a file was written at %s", path)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
