package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// A deleted photo must not stay readable: its files leave the photo library, and its thumbnail
// the file's free pages, where anyone given a copy of the database could carve it out.
func TestDeletedPhotoLeavesNoBytesInTheFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := sqlitetest.OpenStore(t)
	client := photoClient(t, s, "Ada", data.PhotoConsentClinical)
	jpg := phototest.NoisyJPEG(t, 1200, 900, 99, 16)
	p, err := testkit.ImportPhoto(t, s, client.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG_1.JPG", jpg, c.Now())
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: client.ID})
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %d, %v", len(list), err)
	}
	thumb := list[0].Thumbnail
	probe := thumb[len(thumb)/2 : len(thumb)/2+256] // a piece of the thumbnail's compressed data
	fileHas := func() bool {
		t.Helper()
		var all []byte
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(s.Path() + suffix)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return bytes.Contains(all, probe)
	}
	if !fileHas() {
		t.Fatal("the imported photo's thumbnail is not in the file: the probe would prove nothing")
	}
	if files := libraryFiles(t, s); len(files) != 2 || !bytes.Equal(files[p.SHA256], jpg) {
		t.Fatalf("the library holds %d files, want the original and the preview", len(files))
	}
	if err := s.DeletePhoto(ctx, p.ID, "taken of the wrong client"); err != nil {
		t.Fatal(err)
	}
	if fileHas() {
		t.Fatal("the deleted photo's thumbnail is still in the database file")
	}
	if files := libraryFiles(t, s); len(files) != 0 {
		t.Fatalf("the deleted photo left %d files in the library", len(files))
	}
}
