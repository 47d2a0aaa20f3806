package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

var clinicalFollowUp = data.PhotoTags{Kind: data.PhotoFollowUp}

// clinic.db and clinic.sqlite in one folder would share clinic.photos: the folder is the first
// one's, and the other neither sweeps it nor opens on it again.
func TestTwoPracticesDoNotShareOnePhotoFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := sqlitetest.OpenStoreAt(t, filepath.Join(dir, "clinic.db"), nil)
	b := sqlitetest.OpenStoreAt(t, filepath.Join(dir, "clinic.sqlite"), nil)
	if a.PhotoDir() != b.PhotoDir() {
		t.Fatalf("photo folders %s and %s: the case this is about is gone", a.PhotoDir(), b.PhotoDir())
	}
	c := photoClient(t, a, "Nora", data.PhotoConsentClinical)
	p, err := testkit.ImportPhoto(t, a, c.ID, clinicalFollowUp, "IMG_1.jpg", phototest.NoisyJPEG(t, 96, 64, 7, 40), testkit.Now)
	if err != nil {
		t.Fatal(err)
	}
	sqlitetest.AgeLibrary(t, a)
	n, err := b.CollectPhotoFiles(ctx, 24*time.Hour)
	var other *photolib.OtherPracticeError
	if !errors.As(err, &other) || n != 0 {
		t.Errorf("clinic.sqlite's sweep of clinic.db's folder: %d files, %v", n, err)
	}
	if _, err := a.PhotoOriginal(ctx, p.ID); err != nil {
		t.Errorf("clinic.db's photo after clinic.sqlite's sweep: %v", err)
	}
	bc := photoClient(t, b, "Olga", data.PhotoConsentClinical)
	if _, err := testkit.ImportPhoto(t, b, bc.ID, clinicalFollowUp, "IMG_2.jpg", phototest.NoisyJPEG(t, 96, 64, 8, 40), testkit.Now); !errors.As(err, &other) {
		t.Errorf("import into another practice's folder: %v", err)
	}
	b.Close()
	_, err = sqlite.Open(ctx, filepath.Join(dir, "clinic.sqlite"), sqlite.Options{})
	if !errors.As(err, &other) {
		t.Fatalf("opening clinic.sqlite beside clinic.db's photos: %v", err)
	}
	t.Logf("opening says: %v", err)
	// Its own practice opens on it; so does a copy of it (the same practice) read-only.
	a.Close()
	again, err := sqlite.Open(ctx, filepath.Join(dir, "clinic.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
}

// A photo folder from before folders were marked is adopted by the practice beside it.
func TestUnmarkedPhotoFolderIsAdopted(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clinic.db")
	s := sqlitetest.OpenStoreAt(t, path, nil)
	c := photoClient(t, s, "Pia", data.PhotoConsentClinical)
	p, err := testkit.ImportPhoto(t, s, c.ID, clinicalFollowUp, "IMG_1.jpg", phototest.NoisyJPEG(t, 96, 64, 7, 40), testkit.Now)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := s.PracticeID(ctx)
	s.Close()
	if owner, err := photolib.Owner(photolib.Beside(path)); err != nil || owner != id {
		t.Fatalf("the photo folder says it is %q's (%v), want %q", owner, err, id)
	}
	mustDo(t, removeFile(filepath.Join(photolib.Beside(path), photolib.OwnerFile)))
	s, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if owner, _ := photolib.Owner(photolib.Beside(path)); owner != id {
		t.Errorf("the unmarked folder is %q's after opening, want %q", owner, id)
	}
	if _, err := s.PhotoOriginal(ctx, p.ID); err != nil {
		t.Error(err)
	}
}

func removeFile(path string) error { return os.Remove(path) }
