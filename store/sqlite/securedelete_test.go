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

// A deleted photo must not stay readable in the file's free pages: anyone given a copy of the
// database could otherwise carve the client's photo out of it.
func TestDeletedPhotoLeavesNoBytesInTheFile(t *testing.T) {
	t.Parallel()
	s, c := sqlitetest.OpenStore(t)
	client := photoClient(t, s, "Ada", data.PhotoConsentClinical)
	jpg := phototest.NoisyJPEG(t, 1200, 900, 99, 16)
	p, err := testkit.ImportPhoto(t, s, client.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG_1.JPG", jpg, c.Now())
	if err != nil {
		t.Fatal(err)
	}
	probe := jpg[len(jpg)/2 : len(jpg)/2+256] // a piece of the photo's compressed data
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
		t.Fatal("the imported photo's bytes are not in the file: the probe would prove nothing")
	}
	if err := s.DeletePhoto(context.Background(), p.ID, "taken of the wrong client"); err != nil {
		t.Fatal(err)
	}
	if fileHas() {
		t.Fatal("the deleted photo's bytes are still in the database file")
	}
}
