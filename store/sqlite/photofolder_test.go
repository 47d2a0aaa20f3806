package sqlite_test

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// folderFiles lists every file in a photo folder by name, temporary files too.
func folderFiles(t testing.TB, dir string) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == dir {
			return fs.SkipAll
		}
		if err == nil && !d.IsDir() && d.Name() != photolib.OwnerFile { // the folder's marker
			files[d.Name()] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// A photo refused (no consent, a zone the practice lacks) or found already stored writes no
// file: the library holds the files of stored photos only, even before any collection.
func TestARefusedPhotoLeavesNoFile(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	none := photoClient(t, s, "Nina", data.PhotoConsentNone)
	anna := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	jpg := phototest.NoisyJPEG(t, 320, 240, 11, 16)
	for what, imp := range map[string]func() error{
		"without consent": func() error {
			_, err := testkit.ImportPhoto(t, s, none.ID, data.PhotoTags{Kind: data.PhotoBefore}, "a.jpg", jpg, testkit.Now)
			return err
		},
		"of an unknown zone": func() error {
			_, err := testkit.ImportPhoto(t, s, anna.ID, data.PhotoTags{Kind: data.PhotoBefore, Zone: "Elbow"}, "a.jpg", jpg, testkit.Now)
			return err
		},
	} {
		if err := imp(); !errors.As(err, new(*data.ValidationError)) {
			t.Fatalf("a photo %s: %v", what, err)
		}
		if files := folderFiles(t, s.PhotoDir()); len(files) != 0 {
			t.Fatalf("a photo refused %s left %d files in the photo folder", what, len(files))
		}
	}

	// A photo with its location kept, then the same photo imported with it taken out: other
	// bytes, but the same photo, and found so before anything is written.
	dir := t.TempDir()
	located := phototest.WithEXIF(jpg, phototest.EXIF{Taken: "2026:03:10 12:31:05", GPS: phototest.Paris})
	path := writeFile(t, dir, "IMG_GPS.JPG", located)
	if _, err := importFile(ctx, s, anna.ID, data.PhotoTags{Kind: data.PhotoBefore}, path, data.PhotoImportOptions{KeepLocation: true}); err != nil {
		t.Fatal(err)
	}
	stored := folderFiles(t, s.PhotoDir())
	if len(stored) != 2 {
		t.Fatalf("one photo stored %d files, want its original and its preview", len(stored))
	}
	if _, err := importFile(ctx, s, anna.ID, data.PhotoTags{Kind: data.PhotoAfter}, path); !errors.Is(err, data.ErrDuplicatePhoto) {
		t.Fatalf("the same photo without its location: %v", err)
	}
	if after := folderFiles(t, s.PhotoDir()); !maps.Equal(after, stored) {
		t.Errorf("a duplicate wrote files: %v, before %v", slices.Collect(maps.Keys(after)), slices.Collect(maps.Keys(stored)))
	}
	if n, err := s.CollectPhotoFiles(ctx, 0); err != nil || n != 0 {
		t.Errorf("collection found %d unnamed files (%v)", n, err)
	}
}

// Deleting a client takes the files of their photos out of the photo folder with them (and
// never another client's), so that no copy of the practice holds them any more.
func TestDeleteClientRemovesTheirPhotoFiles(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	anna := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	bea := photoClient(t, s, "Bea", data.PhotoConsentClinical)
	for i := range 2 {
		testkit.MustImportPhoto(t, s, anna.ID, data.PhotoTags{Kind: data.PhotoBefore}, "anna.jpg",
			phototest.NoisyJPEG(t, 320, 240, uint32(20+i), 16), testkit.Now)
	}
	testkit.MustImportPhoto(t, s, bea.ID, data.PhotoTags{Kind: data.PhotoBefore}, "bea.jpg",
		phototest.NoisyJPEG(t, 320, 240, 30, 16), testkit.Now)
	beas := folderFiles(t, s.PhotoDir())
	if len(beas) != 6 {
		t.Fatalf("three photos stored %d files, want 6", len(beas))
	}
	for sum := range beas {
		if named, err := photoOfClient(ctx, s, bea.ID, sum); err != nil || !named {
			delete(beas, sum)
		}
	}
	if err := s.DeleteClient(ctx, anna.ID, "Asked for her records to be erased."); err != nil {
		t.Fatal(err)
	}
	if after := folderFiles(t, s.PhotoDir()); !maps.Equal(after, beas) || len(after) != 2 {
		t.Fatalf("after deleting Anna the photo folder holds %v, want Bea's %v", slices.Collect(maps.Keys(after)), slices.Collect(maps.Keys(beas)))
	}
}

// photoOfClient says whether one of the client's photos names the library file sum.
func photoOfClient(ctx context.Context, s *sqlite.Store, clientID, sum string) (bool, error) {
	list, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: clientID})
	if err != nil {
		return false, err
	}
	for _, p := range list {
		preview, err := s.PhotoPreview(ctx, p.ID)
		if err != nil {
			return false, err
		}
		if p.SHA256 == sum || photolib.Sum(preview) == sum {
			return true, nil
		}
	}
	return false, nil
}
