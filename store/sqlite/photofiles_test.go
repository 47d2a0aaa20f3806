package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// EachPhotoFile names each photo's original then its preview, with the photo as a practitioner
// knows it; a photo whose bytes are still in the database names none.
func TestEachPhotoFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := data.Client{FirstName: "Nora", LastName: "Lens", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	p := testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG_0001.jpg",
		phototest.NoisyJPEG(t, 96, 64, 1, 40), testkit.Now)
	q := testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG_0002.jpg",
		phototest.NoisyJPEG(t, 96, 64, 2, 40), testkit.Now)
	s.Close()
	sqlitetest.RawExec(t, s.Path(), `UPDATE photos SET preview_sha256 = '' WHERE id = '`+q.ID+`'`) // as if not moved yet
	r, err := sqlite.Open(ctx, s.Path(), sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []sqlite.PhotoFileRef
	if err := r.EachPhotoFile(ctx, func(f sqlite.PhotoFileRef) error { got = append(got, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Sum != p.SHA256 || got[0].What != "original" || got[1].What != "preview" ||
		got[1].Sum == p.SHA256 || got[0].Photo != got[1].Photo || !strings.HasPrefix(got[0].Photo, "IMG_0001.jpg of Nora Lens taken ") {
		t.Fatalf("photo files %+v", got)
	}
}

// A file made before the photo library names no library file.
func TestEachPhotoFileOfAnOlderFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	if err := sqlite.CreateAtVersion(ctx, path, 6); err != nil {
		t.Fatal(err)
	}
	r, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	if err := r.EachPhotoFile(ctx, func(f sqlite.PhotoFileRef) error { got = append(got, f.Sum); return nil }); err != nil || len(got) != 0 {
		t.Fatalf("an older file names %v (%v)", got, err)
	}
}
