package sqlite_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// photoCheckPractice is a closed practice of four photos of Anna Berg: the second's original has
// changed bytes on disk, the third's preview file is gone, and both of the fourth's files.
func photoCheckPractice(t testing.TB) (path string, ps []data.Photo) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "clinic.db")
	s := sqlitetest.OpenStoreAt(t, path, nil)
	c := data.Client{FirstName: "Anna", LastName: "Berg", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		ps = append(ps, testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore},
			fmt.Sprintf("IMG_%04d.jpg", 410+i), phototest.NoisyJPEG(t, 320, 240, uint32(i+1), 16), testkit.Now.AddDate(0, 0, -i)))
	}
	changed := photolib.PathIn(s.PhotoDir(), ps[1].SHA256)
	testkit.FlipByte(t, changed, 1000)
	preview, err := s.PhotoPreview(ctx, ps[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(photolib.PathIn(s.PhotoDir(), photolib.Sum(preview))); err != nil {
		t.Fatal(err)
	}
	// The oldest photo has lost both its files.
	preview, err = s.PhotoPreview(ctx, ps[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range []string{ps[3].SHA256, photolib.Sum(preview)} {
		if err := os.Remove(photolib.PathIn(s.PhotoDir(), sum)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path, ps
}

func TestCheckPhotoFilesReadsEveryFile(t *testing.T) {
	ctx := context.Background()
	path, ps := photoCheckPractice(t)
	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var calls []int
	rep, err := s.CheckPhotoFiles(ctx, func(done, total int) {
		if total != len(ps) {
			t.Errorf("progress of %d photos, want %d", total, len(ps))
		}
		calls = append(calls, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls, []int{1, 2, 3, 4}) {
		t.Errorf("progress said %v", calls)
	}
	if rep.Photos != 4 || rep.Files != 8 {
		t.Errorf("checked %d photos and %d files, want 4 and 8", rep.Photos, rep.Files)
	}
	// A changed file is found only by reading it: its size and its name are as they were.
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.String())
	}
	want := []string{
		fmt.Sprintf("photo IMG_0413.jpg taken %s of Anna Berg: its original and preview files are missing from the photo folder (%s, ",
			data.DateOf(ps[3].TakenAt), ps[3].SHA256),
		fmt.Sprintf("photo IMG_0412.jpg taken %s of Anna Berg: its preview file is missing from the photo folder (", data.DateOf(ps[2].TakenAt)),
		fmt.Sprintf("photo IMG_0411.jpg taken %s of Anna Berg: its original file has been changed since it was imported (%s)",
			data.DateOf(ps[1].TakenAt), ps[1].SHA256),
	}
	if len(got) != 3 || !strings.HasPrefix(got[0], want[0]) || !strings.HasPrefix(got[1], want[1]) || got[2] != want[2] {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !errors.Is(rep.Problems[1].Err, photolib.ErrMissing) || !errors.Is(rep.Problems[2].Err, photolib.ErrChanged) ||
		rep.Problems[0].PhotoID != ps[3].ID || rep.Problems[1].PhotoID != ps[2].ID || rep.Problems[2].PhotoID != ps[1].ID {
		t.Errorf("problems %+v", rep.Problems)
	}
}

// A photo whose bytes are still in the database (not yet moved to the photo folder) is checked
// there: its original against its SHA-256, its preview for being there.
func TestCheckPhotoFilesInTheDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clinic.db")
	s := sqlitetest.OpenStoreAt(t, path, nil)
	c := data.Client{FirstName: "Anna", LastName: "Berg", PhotoConsent: data.PhotoConsentClinical}
	mustDo(t, s.CreateClient(ctx, &c))
	jpg := phototest.NoisyJPEG(t, 320, 240, 7, 16)
	whole := testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "whole.jpg", jpg, testkit.Now)
	bad := testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoAfter}, "bad.jpg",
		phototest.NoisyJPEG(t, 320, 240, 8, 16), testkit.Now.Add(1))
	mustDo(t, s.Close())
	changed := append([]byte("x"), jpg[1:]...)
	sqlitetest.RawExec(t, path,
		`UPDATE photos SET preview_sha256 = ''`,
		`INSERT INTO photo_originals (photo_id, bytes) VALUES ('`+whole.ID+`', X'`+hex.EncodeToString(jpg)+`')`,
		`INSERT INTO photo_renditions (photo_id, thumbnail, preview) VALUES ('`+whole.ID+`', X'00', X'`+hex.EncodeToString(jpg)+`')`,
		`INSERT INTO photo_originals (photo_id, bytes) VALUES ('`+bad.ID+`', X'`+hex.EncodeToString(changed)+`')`)

	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.CheckPhotoFiles(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.String())
	}
	day := data.DateOf(bad.TakenAt)
	want := []string{
		fmt.Sprintf("photo bad.jpg taken %s of Anna Berg: its original in the database no longer matches the bytes imported", day),
		fmt.Sprintf("photo bad.jpg taken %s of Anna Berg: its preview is missing from the database", day),
	}
	if !slices.Equal(got, want) || rep.Files != 0 {
		t.Errorf("problems (%d files read):\n%s\nwant:\n%s", rep.Files, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// BenchmarkCheckPhotoFiles reads the files of 50 full-size photos (4000 × 3000, 3.4 MB each)
// through, as needlelog check --photos does.
//
//	go test ./store/sqlite/ -run '^$' -bench CheckPhotoFiles -benchmem
func BenchmarkCheckPhotoFiles(b *testing.B) {
	ctx := context.Background()
	full, err := crashFullSize()
	if err != nil {
		b.Fatal(err)
	}
	s, _ := sqlitetest.OpenStore(b)
	c := data.Client{FirstName: "Anna", LastName: "Berg", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		b.Fatal(err)
	}
	const photos = 50
	for i := range photos {
		f := crashVariant(full, fmt.Sprintf("photo %d", i))
		if _, err := s.ImportPhoto(ctx, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, f); err != nil {
			b.Fatal(err)
		}
	}
	var rep sqlite.PhotoFilesReport
	for b.Loop() {
		if rep, err = s.CheckPhotoFiles(ctx, nil); err != nil || len(rep.Problems) > 0 || rep.Photos != photos {
			b.Fatalf("%+v %v", rep, err)
		}
	}
	b.SetBytes(rep.Bytes)
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/photos, "ms/photo")
}

// A photo small enough to be its own preview (as the demo's are) names one file twice: it is
// read once and said once.
func TestCheckPhotoFilesReadsASharedFileOnce(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := data.Client{FirstName: "Anna", LastName: "Berg", PhotoConsent: data.PhotoConsentClinical}
	mustDo(t, s.CreateClient(ctx, &c))
	f := testkit.PhotoFile(t, "small.jpg", phototest.NoisyJPEG(t, 160, 120, 5, 16), testkit.Now)
	f.Processed.Preview = f.Original
	p, err := s.ImportPhoto(ctx, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, f)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := s.CheckPhotoFiles(ctx, nil); err != nil || rep.Files != 1 || len(rep.Problems) != 0 {
		t.Fatalf("read %d files, found %v (%v); want the one file, whole", rep.Files, rep.Problems, err)
	}
	testkit.FlipByte(t, photolib.PathIn(s.PhotoDir(), p.SHA256), 500)
	rep, err := s.CheckPhotoFiles(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("photo small.jpg taken %s of Anna Berg: its original and preview files have been changed since they were imported (%s)",
		data.DateOf(p.TakenAt), p.SHA256)
	if len(rep.Problems) != 1 || rep.Problems[0].String() != want {
		t.Fatalf("problems %v, want %q", rep.Problems, want)
	}
}

// A photo's missing image says what is true and what to do: a file gone from a photo folder that
// is there is in a backup; a photo folder not beside the practice file is to be copied back, in
// the one wording the banner and check use (MissingPhotos.Advice), not "delete it".
func TestAMissingImageSaysWhatToDo(t *testing.T) {
	ctx := context.Background()
	path, ps := photoCheckPractice(t)
	s := sqlitetest.OpenStoreAt(t, path, nil)
	_, err := s.PhotoPreview(ctx, ps[2].ID)
	want := fmt.Sprintf("photo taken %s of Anna Berg has no image here. Its preview file is missing from the photo folder %s. "+
		"A backup of the practice holds it: restore one to get it back; `needlelog check --photos` lists every photo affected.",
		data.DateOf(ps[2].TakenAt), s.PhotoDir())
	if !errors.Is(err, data.ErrNotFound) || err == nil || err.Error() != want {
		t.Fatalf("a preview file missing: %v, want %q", err, want)
	}
	lost, total, err := s.LostPhotos(ctx, 1)
	if err != nil || total != 2 || len(lost) != 1 || lost[0].Client != "Anna Berg" || lost[0].What != "original and preview" {
		t.Fatalf("lost photos: %+v of %d, %v", lost, total, err)
	}

	if err := os.Rename(s.PhotoDir(), s.PhotoDir()+".elsewhere"); err != nil {
		t.Fatal(err)
	}
	_, err = s.PhotoOriginal(ctx, ps[0].ID)
	advice := sqlite.MissingPhotos{Dir: s.PhotoDir(), DirMissing: true}.Advice("the photo")
	if err == nil || !strings.HasSuffix(err.Error(), "has no image here. "+advice) || strings.Contains(err.Error(), "delete") ||
		!strings.Contains(advice, `The photo folder "clinic.photos" is not beside the practice file: copy it from where the practice came from into `+
			filepath.Dir(path)+", then open the photo again.") {
		t.Fatalf("the photo folder missing: %v", err)
	}
	if m, err := s.MissingPhotos(ctx); err != nil || !strings.HasSuffix(m.Sentence(), m.Advice("the photos")) {
		t.Fatalf("the banner's sentence %q (%v) is not the same advice", m.Sentence(), err)
	}
}
