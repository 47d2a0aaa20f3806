package practice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// Cancelling an import returns at once while the photo is still being decoded, and stores
// nothing; the decode left behind finishes on its own without touching the store.
func TestImportPhotosCancelledDuringDecode(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "practice.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := data.Client{FirstName: "Anna", LastName: "Photo", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "slow.jpg")
	if err := os.WriteFile(path, phototest.Progressive(64, 64, 3), 0o600); err != nil {
		t.Fatal(err)
	}

	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	slow := func(b []byte) (photo.Processed, error) { // a decode that takes as long as the test says
		close(started)
		<-release
		defer close(finished)
		return photo.Process(b)
	}

	ictx, cancel := context.WithCancel(ctx)
	type result struct {
		res practice.ImportResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := practice.ImportPhotos(ictx, s, practice.ImportRequest{ClientID: c.ID, Files: []string{path},
			Tags: data.PhotoTags{Kind: data.PhotoBefore}, Options: data.PhotoImportOptions{Process: slow}}, nil)
		done <- result{res, err}
	}()
	<-started
	cancel()
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second): // a failure guard, not a speed target: it returns at once
		close(release)
		t.Fatal("the cancelled import waited for the decode under way")
	}
	if !errors.Is(r.err, context.Canceled) || !r.res.Cancelled || len(r.res.Files) != 0 || r.res.Total != 1 {
		t.Errorf("result %+v, error %v; want the import cancelled before the file went through", r.res, r.err)
	}
	close(release)
	<-finished
	list, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID})
	if err != nil || len(list) != 0 {
		t.Errorf("after the cancelled import: %d photos stored (%v), want none", len(list), err)
	}
}

// smallJPEG is a w × h JPEG whose bytes depend on seed, written to dir/name with the file time mod.
func smallJPEG(t *testing.T, dir, name string, seed uint8, mod time.Time) string {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range m.Pix {
		m.Pix[i] = uint8(i) ^ seed
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
	return path
}

// A batch is reported file by file in the order given, whatever order the decodes finish in:
// imported, duplicate (of this client's photo or another's) and refused, each with its photo or
// why, with progress after each file and the sums in the result.
func TestImportPhotosReportsEachFileInOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	anna := data.Client{FirstName: "Anna", LastName: "Photo", PhotoConsent: data.PhotoConsentClinical}
	bea := data.Client{FirstName: "Bea", LastName: "Photo", PhotoConsent: data.PhotoConsentClinical}
	for _, c := range []*data.Client{&anna, &bea} {
		if err := s.CreateClient(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	se := data.Session{ClientID: anna.ID, StartedAt: testkit.Now.Add(-3 * time.Hour), NoSideEffects: true}
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for i := range 6 {
		files = append(files, smallJPEG(t, dir, fmt.Sprintf("IMG_%04d.JPG", i), uint8(i), se.StartedAt.Add(2*time.Hour)))
	}
	beas := smallJPEG(t, dir, "bea.jpg", 99, testkit.Now)
	if _, err := practice.ImportPhotos(ctx, s, practice.ImportRequest{ClientID: bea.ID, Files: []string{beas},
		Tags: data.PhotoTags{Kind: data.PhotoBefore}}, nil); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(dir, "notes.jpg")
	if err := os.WriteFile(notes, []byte("not a photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	batch := slices.Concat(files[:3], []string{notes, files[0], beas}, files[3:])

	var seen []practice.Progress
	res, err := practice.ImportPhotos(ctx, s, practice.ImportRequest{ClientID: anna.ID, Files: batch, SuggestSession: true,
		Tags: data.PhotoTags{View: "Frontal"}, ViewOf: map[string]string{files[1]: "Left 45°"}},
		func(p practice.Progress) { seen = append(seen, p) })
	if err != nil {
		t.Fatal(err)
	}
	want := []practice.Outcome{practice.Imported, practice.Imported, practice.Imported, practice.Refused,
		practice.Duplicate, practice.Duplicate, practice.Imported, practice.Imported, practice.Imported}
	if len(res.Files) != len(batch) || res.Total != len(batch) || res.Cancelled ||
		res.Imported != 6 || res.Duplicates != 2 || res.Refused != 1 {
		t.Fatalf("result: %d files of %d, cancelled %v, %d imported, %d duplicates, %d refused",
			len(res.Files), res.Total, res.Cancelled, res.Imported, res.Duplicates, res.Refused)
	}
	for i, r := range res.Files {
		if r.Path != batch[i] || r.Outcome != want[i] {
			t.Errorf("file %d: %s %v, want %s %v", i, filepath.Base(r.Path), r.Outcome, filepath.Base(batch[i]), want[i])
		}
		if len(seen) != len(batch) || seen[i].Done != i+1 || seen[i].Total != len(batch) || seen[i].File.Path != batch[i] ||
			(i+1 < len(batch) && seen[i].Next != batch[i+1]) || (i+1 == len(batch) && seen[i].Next != "") {
			t.Fatalf("progress %d: %+v", i, seen)
		}
	}
	if r := res.Files[1]; r.Photo.View != "Left 45°" || r.Photo.Kind != data.PhotoAfter || r.Photo.SessionID != se.ID {
		t.Errorf("a file's own view over the batch's, kind and session suggested: %+v", r.Photo.PhotoTags)
	}
	if r := res.Files[0]; r.Photo.View != "Frontal" || r.Err != nil {
		t.Errorf("the batch's view: %+v (%v)", r.Photo.PhotoTags, r.Err)
	}
	if r := res.Files[3]; !errors.Is(r.Err, photo.ErrUnsupported) || !strings.Contains(r.Err.Error(), "notes.jpg") {
		t.Errorf("the text file: %v", r.Err)
	}
	if r := res.Files[4]; r.Photo.ID != res.Files[0].Photo.ID || r.OtherClient() || !errors.Is(r.Err, data.ErrDuplicatePhoto) {
		t.Errorf("the same file again: %+v (%v)", r.Photo, r.Err)
	}
	if r := res.Files[5]; !r.OtherClient() || r.Photo.ClientID != bea.ID || !strings.Contains(r.Err.Error(), "another client") {
		t.Errorf("another client's photo: %+v (%v)", r.Photo, r.Err)
	}
	if list, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: anna.ID}); err != nil || len(list) != 6 {
		t.Errorf("%d photos stored for Anna (%v), want 6", len(list), err)
	}
}

// Cancelled part way, the import keeps what it stored, imports nothing more, and says how far it got.
func TestImportPhotosCancelledKeepsWhatWasImported(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, _ := sqlitetest.OpenStore(t)
	c := data.Client{FirstName: "Anna", LastName: "Photo", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for i := range 8 {
		files = append(files, smallJPEG(t, dir, fmt.Sprintf("IMG_%04d.JPG", i), uint8(i), testkit.Now))
	}
	res, err := practice.ImportPhotos(ctx, s, practice.ImportRequest{ClientID: c.ID, Files: files,
		Tags: data.PhotoTags{Kind: data.PhotoBefore}}, func(p practice.Progress) {
		if p.Done == 2 {
			cancel() // Cancel pressed after the second file
		}
	})
	if !errors.Is(err, context.Canceled) || !res.Cancelled || len(res.Files) != 2 || res.Imported != 2 || res.Total != 8 {
		t.Fatalf("result %+v, %v; want 2 of 8 imported, then cancelled", res, err)
	}
	list, err := s.ListPhotos(context.Background(), data.PhotoQuery{ClientID: c.ID})
	if err != nil || len(list) != 2 {
		t.Fatalf("%d photos stored (%v), want the 2 imported before Cancel", len(list), err)
	}
}

// bigJPEG is a w × h JPEG of gradients with noise, which costs about as much to decode as a photo
// of skin: a flat image would flatter every figure.
func bigJPEG(tb testing.TB, w, h int, seed uint32) []byte {
	tb.Helper()
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed = seed*2654435761 | 1
	for i := range m.Y {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		x, y := i%m.YStride, i/m.YStride
		m.Y[i] = uint8(90 + 100*x/w + 40*y/h + int(seed%25) - 12)
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = 120, 150
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 92}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// BenchmarkImportPhotos imports 4 phone photos of 12 MP (4032 × 3024) in one batch: "workflow" is
// ImportPhotos; "one at a time" reads, decodes and stores them one after the other, as the app
// did before. median-ms/op is the median round, for the whole batch.
func BenchmarkImportPhotos(b *testing.B) {
	const n = 4
	var files [][]byte
	for i := range n {
		files = append(files, bigJPEG(b, 4032, 3024, uint32(i+1)))
	}
	for _, way := range []string{"workflow", "one at a time"} {
		b.Run(way, func(b *testing.B) {
			ctx := context.Background()
			s, _ := sqlitetest.OpenStore(b)
			c := data.Client{FirstName: "Anna", LastName: "Photo", PhotoConsent: data.PhotoConsentClinical}
			if err := s.CreateClient(ctx, &c); err != nil {
				b.Fatal(err)
			}
			tags := data.PhotoTags{Kind: data.PhotoBefore}
			var times []time.Duration
			round := 0
			for b.Loop() {
				b.StopTimer()
				round++
				dir := b.TempDir()
				var paths []string
				for i, f := range files { // different bytes each round: none is a duplicate
					p := filepath.Join(dir, fmt.Sprintf("IMG_%04d.JPG", i))
					if err := os.WriteFile(p, append(slices.Clip(f), byte(round), byte(round>>8)), 0o600); err != nil {
						b.Fatal(err)
					}
					paths = append(paths, p)
				}
				b.StartTimer()
				start := time.Now()
				if way == "workflow" {
					res, err := practice.ImportPhotos(ctx, s, practice.ImportRequest{ClientID: c.ID, Files: paths, Tags: tags}, nil)
					if err != nil || res.Imported != n {
						b.Fatalf("%+v, %v", res, err)
					}
				} else {
					for _, p := range paths {
						f, err := practice.ReadPhotoFileContext(ctx, p, data.PhotoImportOptions{})
						if err != nil {
							b.Fatal(err)
						}
						if _, err := s.ImportPhoto(ctx, c.ID, tags, f); err != nil {
							b.Fatal(err)
						}
					}
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms/op")
		})
	}
}
