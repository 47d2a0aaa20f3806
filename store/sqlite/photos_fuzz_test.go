package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// FuzzImportPhoto runs arbitrary bytes through the whole import path, file to database and photo
// folder: each either becomes one photo whose stored original is byte for byte the file less its
// GPS position (photo.WithoutLocation), the same length, with its original and preview files
// added to the photo folder and nothing else, or is refused with an error that names the file,
// storing nothing, not even a file. It never panics. Seeds: the ones added here and data/photo's
// corpus (testdata/fuzz/FuzzImportPhoto holds copies).
// Run: go test -run x -fuzz FuzzImportPhoto -fuzztime 30s ./store/sqlite/
func FuzzImportPhoto(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("GIF89a not a photo"))
	jpg := phototest.NoisyJPEG(f, 64, 48, 5, 16)
	f.Add(jpg)
	f.Add(jpg[:len(jpg)/2])
	s, _ := sqlitetest.OpenStore(f)
	client := photoClient(f, s, "Fuzz", data.PhotoConsentClinical)
	dir := f.TempDir()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b []byte) {
		before, beforeFiles := photoRows(t, s), folderFiles(t, s.PhotoDir())
		path := filepath.Join(dir, "IMG_FUZZ.JPG")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := importFile(ctx, s, client.ID, data.PhotoTags{Kind: data.PhotoBefore}, path)
		switch {
		case errors.Is(err, data.ErrDuplicatePhoto):
			if !equalMaps(photoRows(t, s), before) || !maps.Equal(folderFiles(t, s.PhotoDir()), beforeFiles) {
				t.Fatal("a duplicate changed the photo tables or the photo folder")
			}
			return
		case err != nil:
			if !errors.Is(err, photo.ErrUnsupported) && !errors.Is(err, photo.ErrTooLarge) && !errors.Is(err, photo.ErrCorrupt) {
				t.Fatalf("refused with an error of no known kind: %v", err)
			}
			if !bytes.Contains([]byte(err.Error()), []byte("IMG_FUZZ.JPG")) {
				t.Fatalf("the error does not name the file: %v", err)
			}
			if !equalMaps(photoRows(t, s), before) || !maps.Equal(folderFiles(t, s.PhotoDir()), beforeFiles) {
				t.Fatal("a refused file changed the photo tables or the photo folder")
			}
			return
		}
		stored, err := s.PhotoOriginal(ctx, p.ID)
		want, _ := photo.WithoutLocation(b)
		if err != nil || !bytes.Equal(stored, want) || len(stored) != len(b) || photo.HasLocation(stored) {
			t.Fatalf("the stored original differs from the file less its location (%v)", err)
		}
		preview, err := s.PhotoPreview(ctx, p.ID)
		if err != nil {
			t.Fatalf("the stored photo has no preview: %v", err)
		}
		beforeFiles[p.SHA256], beforeFiles[photolib.Sum(preview)] = true, true
		if !maps.Equal(folderFiles(t, s.PhotoDir()), beforeFiles) {
			t.Fatal("the photo folder holds other files than those before and the new photo's original and preview")
		}
		if p.TakenAt.IsZero() {
			t.Fatal("an imported photo has no time taken (the file's time is the fallback)")
		}
	})
}
