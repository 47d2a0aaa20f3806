package practice_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// livePractice makes the practice of s live at db, with its photo folder beside it, and opens it.
func livePractice(t *testing.T, s *sqlite.Store, db string) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	if err := practice.Snapshot(ctx, s, db); err != nil {
		t.Fatal(err)
	}
	for _, sum := range phFiles(t, s) {
		if err := photolib.PutFrom(photolib.Beside(db), s.PhotoDir(), sum); err != nil {
			t.Fatal(err)
		}
	}
	live, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return live
}

// ageFolder makes every file of a photo folder a day old, past the sweep's grace.
func ageFolder(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-25 * time.Hour)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			err = os.Chtimes(path, old, old)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A practice replaced by a restore is kept aside with its photos, those imported after the backup
// included: the restored practice's sweep of its own folder takes none of them from it, and the
// file kept aside opens with every photo.
func TestRestoreKeepsTheReplacedPracticeWithItsPhotos(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "clinic.db")
	s0, _, _ := phPractice(t, 2)
	s := livePractice(t, s0, db)
	b, _, err := practice.BackupTo(ctx, s, t.TempDir(), practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	clients, err := s.ListClients(ctx, data.ClientQuery{})
	if err != nil || len(clients) != 1 {
		t.Fatalf("%d clients, %v", len(clients), err)
	}
	late := phImport(t, s, clients[0].ID, "IMG_LATE.jpg", phototest.NoisyJPEG(t, 96, 64, 99, 40))
	id, _ := s.PracticeID(ctx)
	s.Close()

	r, err := practice.RestoreFrom(ctx, b.Path, db, true)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^clinic\.replaced-\d{8}-\d{6}\.db$`).MatchString(filepath.Base(r.KeptAside)) {
		t.Errorf("kept aside as %s", r.KeptAside)
	}
	ageFolder(t, photolib.Beside(db))
	rs, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.CollectPhotoFiles(ctx, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Photo(ctx, late.ID); err == nil {
		t.Fatal("the restored practice holds the photo imported after its backup: the case this is about is gone")
	}
	rs.Close()

	aside, err := sqlite.Open(ctx, r.KeptAside, sqlite.Options{})
	if err != nil {
		t.Fatalf("opening the practice kept aside: %v", err)
	}
	defer aside.Close()
	if missing, err := aside.MissingPhotos(ctx); err != nil || missing.Photos != 0 || missing.InLibrary == 0 {
		t.Errorf("the practice kept aside misses photos: %+v %v", missing, err)
	}
	if _, err := aside.PhotoOriginal(ctx, late.ID); err != nil {
		t.Errorf("IMG_LATE.jpg in the practice kept aside: %v", err)
	}
	if owner, _ := photolib.Owner(aside.PhotoDir()); owner != id {
		t.Errorf("the kept-aside photo folder says it is %q's, want %q", owner, id)
	}
}

// A backup of another practice restored over one: the photo folder becomes the restored
// practice's, which opens on it.
func TestRestoreOfAnotherPracticeTakesThePhotoFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "clinic.db")
	other, _, _ := phPractice(t, 1)
	b, _, err := practice.BackupTo(ctx, other, t.TempDir(), practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	otherID, _ := other.PracticeID(ctx)
	s0, _, _ := phPractice(t, 1)
	s := livePractice(t, s0, db)
	if id, _ := s.PracticeID(ctx); id == otherID {
		t.Fatal("two practices share an identity")
	}
	s.Close()
	if _, err := practice.RestoreFrom(ctx, b.Path, db, true); err != nil {
		t.Fatal(err)
	}
	rs, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		t.Fatalf("opening the restored practice: %v", err)
	}
	defer rs.Close()
	if owner, _ := photolib.Owner(rs.PhotoDir()); owner != otherID {
		t.Errorf("the photo folder says it is %q's, want the restored practice's %q", owner, otherID)
	}
	if missing, err := rs.MissingPhotos(ctx); err != nil || missing.Photos != 0 || missing.InLibrary == 0 {
		t.Errorf("the restored practice misses photos: %+v %v", missing, err)
	}
}
