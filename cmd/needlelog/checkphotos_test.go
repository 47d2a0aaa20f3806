package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// photoPractice writes a closed practice with three photos of Anna Berg and returns its path,
// the photos and the photo folder.
func photoPractice(t *testing.T) (string, []data.Photo, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clinic.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := data.Client{FirstName: "Anna", LastName: "Berg", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	var ps []data.Photo
	for i := range 3 {
		ps = append(ps, testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore},
			fmt.Sprintf("IMG_%04d.jpg", 700+i), phototest.NoisyJPEG(t, 400, 300, uint32(i+3), 16), testkit.Now.AddDate(0, 0, i)))
	}
	return path, ps, s.PhotoDir()
}

func TestCheckPhotosNamesMissingAndChangedFiles(t *testing.T) {
	path, ps, dir := photoPractice(t)
	if code, out, errOut := runCLI(t, "check", "--db", path, "--photos"); code != 0 || errOut != "" ||
		!strings.Contains(out, "photo files:       6 file(s) for 3 photo(s) (an original and a preview each), read") ||
		strings.Count(out, "photo folder:") != 1 {
		t.Fatalf("check --photos of a whole practice: exit %d\n%s%s", code, out, errOut)
	}

	// The original of the first photo changed in place, same size, same name; the second's gone.
	testkit.FlipByte(t, photolib.PathIn(dir, ps[0].SHA256), 2000)
	if err := os.Remove(photolib.PathIn(dir, ps[1].SHA256)); err != nil {
		t.Fatal(err)
	}
	// Without --photos the check looks for the files without reading them: it sees the missing
	// one only, and says so with exit 1 as for any problem.
	code, out, errOut := runCLI(t, "check", "--db", path)
	if code != 1 || !strings.Contains(out, "IMG_0701.jpg") || strings.Contains(out, "IMG_0700.jpg") {
		t.Fatalf("check without --photos: exit %d\n%s%s", code, out, errOut)
	}

	defer func(d time.Duration) { photoProgressEvery = d }(photoProgressEvery)
	photoProgressEvery = 0 // as a long run would, every photo
	code, out, errOut = runCLI(t, "check", "--db", path, "--photos")
	changed := fmt.Sprintf("photo IMG_0700.jpg taken %s of Anna Berg: its original file has been changed since it was imported (%s)",
		data.DateOf(ps[0].TakenAt), ps[0].SHA256)
	missing := fmt.Sprintf("photo IMG_0701.jpg taken %s of Anna Berg: its original file is missing from the photo folder (%s)",
		data.DateOf(ps[1].TakenAt), ps[1].SHA256)
	if code != 1 || !strings.Contains(out, "2 problem(s) among the 3 photo(s) checked; a backup of the practice holds them") || !strings.Contains(out, changed) || !strings.Contains(out, missing) {
		t.Fatalf("check --photos with a changed and a missing file: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Count(out, "IMG_0701.jpg") != 1 {
		t.Errorf("check --photos lists the missing file twice:\n%s", out)
	}
	if want := "needlelog check: read the files of 2 of 3 photos\n"; !strings.Contains(errOut, want) {
		t.Errorf("standard error %q lacks the progress %q", errOut, want)
	}
}
