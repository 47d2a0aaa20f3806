package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// FuzzImportPhoto runs arbitrary bytes through the whole import path, file to database: each
// either becomes one photo whose stored original is byte for byte the file less its GPS position
// (photo.WithoutLocation), the same length, or is refused with
// an error that names the file, storing nothing. It never panics. Seeds: the ones added here and
// data/photo's corpus (testdata/fuzz/FuzzImportPhoto holds copies).
// Run: go test -run x -fuzz FuzzImportPhoto -fuzztime 30s ./data/
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
		before := photoRows(t, s)
		path := filepath.Join(dir, "IMG_FUZZ.JPG")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := importFile(ctx, s, client.ID, data.PhotoTags{Kind: data.PhotoBefore}, path)
		switch {
		case errors.Is(err, data.ErrDuplicatePhoto):
			if !equalMaps(photoRows(t, s), before) {
				t.Fatal("a duplicate changed the photo tables")
			}
			return
		case err != nil:
			if !errors.Is(err, photo.ErrUnsupported) && !errors.Is(err, photo.ErrTooLarge) && !errors.Is(err, photo.ErrCorrupt) {
				t.Fatalf("refused with an error of no known kind: %v", err)
			}
			if !bytes.Contains([]byte(err.Error()), []byte("IMG_FUZZ.JPG")) {
				t.Fatalf("the error does not name the file: %v", err)
			}
			if !equalMaps(photoRows(t, s), before) {
				t.Fatal("a refused file changed the photo tables")
			}
			return
		}
		stored, err := s.PhotoOriginal(ctx, p.ID)
		want, _ := photo.WithoutLocation(b)
		if err != nil || !bytes.Equal(stored, want) || len(stored) != len(b) || photo.HasLocation(stored) {
			t.Fatalf("the stored original differs from the file less its location (%v)", err)
		}
		if p.TakenAt.IsZero() {
			t.Fatal("an imported photo has no time taken (the file's time is the fallback)")
		}
	})
}
