package sqlite_test

import (
	"context"
	"errors"
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
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// photoSums are the SHA-256s of a photo's original and preview bytes.
type photoSums struct{ Original, Preview string }

// oldLayoutPractice makes a practice at path whose n photos are kept as before the photo library:
// their originals and previews in the database (photo_originals, photo_renditions), with no photo
// folder. The photos are imported as today, then put back in the old tables, as a file written by
// the release before and opened by this one (migration 0007 run) holds them. It returns each
// photo's sums by ID.
func oldLayoutPractice(t testing.TB, path string, n int, side int) map[string]photoSums {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := data.Client{FirstName: "Anna", LastName: "Moved", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	want := map[string]photoSums{}
	type old struct {
		id               string
		original, render []byte
	}
	var olds []old
	for i := range n {
		jpg := phototest.WithEXIF(phototest.NoisyJPEG(t, side, side*3/4, uint32(i+1), 24),
			phototest.EXIF{Taken: "2025:06:01 10:00:00", Offset: "+00:00"})
		p := testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore, Consent: data.PhotoConsentClinical},
			"IMG_"+string(rune('A'+i))+".JPG", jpg, time.Now())
		prev, err := s.PhotoPreview(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want[p.ID] = photoSums{photolib.Sum(jpg), photolib.Sum(prev)}
		olds = append(olds, old{p.ID, jpg, prev})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db := sqlitetest.OpenRaw(t, path)
	defer db.Close()
	for _, o := range olds {
		for _, q := range []struct {
			q    string
			args []any
		}{
			{`INSERT INTO photo_originals (photo_id, bytes) VALUES (?, ?)`, []any{o.id, o.original}},
			{`INSERT INTO photo_renditions (photo_id, thumbnail, preview)
				SELECT photo_id, thumbnail, ? FROM photo_thumbnails WHERE photo_id = ?`, []any{o.render, o.id}},
			{`UPDATE photos SET preview_sha256 = '' WHERE id = ?`, []any{o.id}},
		} {
			if _, err := db.Exec(q.q, q.args...); err != nil {
				t.Fatalf("%s: %v", q.q, err)
			}
		}
	}
	if err := os.RemoveAll(photolib.Beside(path)); err != nil {
		t.Fatal(err)
	}
	return want
}

// requirePhotoBytes fails unless every photo reads back, through the store, with the bytes it
// was imported with, wherever they are kept.
func requirePhotoBytes(t testing.TB, s *sqlite.Store, want map[string]photoSums) {
	t.Helper()
	ctx := context.Background()
	for id, w := range want {
		o, err := s.PhotoOriginal(ctx, id)
		if err != nil {
			t.Fatalf("original of %s: %v", id, err)
		}
		p, err := s.PhotoPreview(ctx, id)
		if err != nil {
			t.Fatalf("preview of %s: %v", id, err)
		}
		if got := (photoSums{photolib.Sum(o), photolib.Sum(p)}); got != w {
			t.Fatalf("photo %s reads %+v, want %+v", id, got, w)
		}
	}
}

func openPractice(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

func TestMovePhotosMovesEachPhotoToTheLibraryAndReclaims(t *testing.T) {
	sqlite.SetReclaimAtLeast(t, 256<<10)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clinic.db")
	want := oldLayoutPractice(t, path, 5, 900)
	s := openPractice(t, path)
	due, err := s.PhotoMoveDue(ctx)
	if err != nil || due.ToMove != 5 {
		t.Fatalf("due before = %+v, %v; want 5 to move", due, err)
	}
	requirePhotoBytes(t, s, want) // the old layout reads while it waits
	if _, err := s.PhotoPreview(ctx, "no-such-photo"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("preview of a photo not there: %v", err)
	}
	before := fileSize(t, path)

	var seen []sqlite.PhotoMove
	res, err := s.MovePhotos(ctx, func(p sqlite.PhotoMove) { seen = append(seen, p) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Moved != 5 || res.Kept != 0 || res.Reclaimed <= 0 {
		t.Fatalf("result %+v, want 5 moved and space reclaimed", res)
	}
	wantSeen := []sqlite.PhotoMove{{0, 5, false}, {1, 5, false}, {2, 5, false}, {3, 5, false}, {4, 5, false}, {5, 5, false}, {5, 5, true}}
	if len(seen) != len(wantSeen) {
		t.Fatalf("progress %+v, want %+v", seen, wantSeen)
	}
	for i := range seen {
		if seen[i] != wantSeen[i] {
			t.Fatalf("progress %+v, want %+v", seen, wantSeen)
		}
	}
	rows := photoRows(t, s)
	if rows["photo_originals"] != 0 || rows["photo_renditions"] != 0 || rows["photo_thumbnails"] != 5 {
		t.Fatalf("rows after the move: %v", rows)
	}
	files := libraryFiles(t, s)
	for id, w := range want {
		for _, sum := range []string{w.Original, w.Preview} {
			if b, ok := files[sum]; !ok || photolib.Sum(b) != sum {
				t.Fatalf("photo %s: library file %s missing or wrong", id, sum)
			}
		}
	}
	requirePhotoBytes(t, s, want)
	if after := fileSize(t, path); after >= before/2 {
		t.Fatalf("database file %d bytes after the move, %d before: the photos' space was not given back", after, before)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "clinic.reclaim")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the reclaim's temporary folder is left: %v", err)
	}
	if due, err := s.PhotoMoveDue(ctx); err != nil || due.Due() {
		t.Fatalf("due after = %+v, %v; want nothing", due, err)
	}
	if h, err := s.Check(ctx); err != nil || len(h.Problems)+len(h.LostImages) > 0 {
		t.Fatalf("check after the move: %+v, %v", h, err)
	}
}

func TestMovePhotosStopsWhenCancelledAndResumes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "clinic.db")
	// Photos large enough that their room is worth giving back beside the schema's own pages.
	want := oldLayoutPractice(t, path, 4, 400)
	s := openPractice(t, path)
	_, err := s.MovePhotos(ctx, func(p sqlite.PhotoMove) {
		if p.Done == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled move: %v", err)
	}
	if n, err := s.PhotosToMove(context.Background()); err != nil || n != 2 {
		t.Fatalf("to move after cancelling at 2 of 4: %d, %v", n, err)
	}
	requirePhotoBytes(t, s, want) // both layouts read at once
	// Cancelled again as the space is about to be given back: the file is left as it was.
	sqlite.SetReclaimAtLeast(t, 64<<10)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	res, err := s.MovePhotos(ctx, func(p sqlite.PhotoMove) {
		if p.Reclaiming {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || res.Moved != 2 || res.Reclaimed != 0 {
		t.Fatalf("resumed, cancelled while reclaiming: %+v, %v", res, err)
	}
	if due, err := s.PhotoMoveDue(context.Background()); err != nil || due != (sqlite.PhotoMoveDue{Reclaim: true}) {
		t.Fatalf("due after cancelling the reclaim: %+v, %v", due, err)
	}
	requirePhotoBytes(t, s, want)
	res, err = s.MovePhotos(context.Background(), nil)
	if err != nil || res.Moved != 0 || res.Reclaimed <= 0 {
		t.Fatalf("resumed again: %+v, %v", res, err)
	}
	requirePhotoBytes(t, s, want)
}

// A photo folder that cannot be written stops the move with nothing dropped from the database.
func TestMovePhotosKeepsTheBytesWhenTheFolderCannotBeWritten(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clinic.db")
	want := oldLayoutPractice(t, path, 3, 300)
	// A file where the folder should be: as a disk full or a folder refused, Put fails.
	writeFile(t, filepath.Dir(path), "clinic.photos", []byte("not a folder"))
	s := openPractice(t, path)
	if _, err := s.MovePhotos(ctx, nil); err == nil {
		t.Fatal("moving into a folder that cannot be made succeeded")
	}
	if n, err := s.PhotosToMove(ctx); err != nil || n != 3 {
		t.Fatalf("to move after a failed move: %d, %v", n, err)
	}
	requirePhotoBytes(t, s, want)
}

// A file already in the library under a photo's name but with other bytes (of the same size, which
// the library's Put keeps) is written again before the database's copy goes.
func TestMovePhotosWritesAgainAFileThatDoesNotMatchItsName(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clinic.db")
	want := oldLayoutPractice(t, path, 1, 300)
	var sum string
	var size int
	s := openPractice(t, path)
	for id, w := range want {
		sum = w.Original
		b, err := s.PhotoOriginal(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		size = len(b)
	}
	bad := photolib.PathIn(photolib.Beside(path), sum)
	if err := os.MkdirAll(filepath.Dir(bad), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Dir(bad), sum, make([]byte, size))
	if _, err := s.MovePhotos(ctx, nil); err != nil {
		t.Fatal(err)
	}
	requirePhotoBytes(t, s, want)
}

func TestMissingPhotosCountsPhotosWhoseFilesAreGone(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	var ids []string
	for i := range 3 {
		p := testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore, Consent: data.PhotoConsentClinical},
			"a.jpg", phototest.NoisyJPEG(t, 200, 150, uint32(i+1), 8), time.Now())
		ids = append(ids, p.ID)
	}
	m, err := s.MissingPhotos(ctx)
	if err != nil || m != (sqlite.MissingPhotos{InLibrary: 3, Dir: s.PhotoDir()}) || m.Sentence() != "" {
		t.Fatalf("nothing missing: %+v, %v", m, err)
	}
	p, err := s.Photo(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(photolib.PathIn(s.PhotoDir(), p.SHA256)); err != nil {
		t.Fatal(err)
	}
	m, err = s.MissingPhotos(ctx)
	if err != nil || m.Photos != 1 || m.DirMissing {
		t.Fatalf("one original removed: %+v, %v", m, err)
	}
	dir := filepath.Dir(s.Path())
	for _, part := range []string{"1 of the 3 photos kept in the photo folder " + s.PhotoDir() + " is missing from it",
		`copy the folder "practice.photos" from where this practice came from into ` + dir, "restore a backup"} {
		if !strings.Contains(m.Sentence(), part) {
			t.Errorf("%q does not say %q", m.Sentence(), part)
		}
	}
	if err := os.RemoveAll(s.PhotoDir()); err != nil {
		t.Fatal(err)
	}
	m, err = s.MissingPhotos(ctx)
	if err != nil || m.Photos != 3 || !m.DirMissing || m.Dir != filepath.Join(filepath.Dir(s.Path()), "practice.photos") {
		t.Fatalf("folder removed: %+v, %v", m, err)
	}
	if want := "3 photos have no images. The photo folder \"practice.photos\" is not beside the practice file: copy it from where " +
		"the practice came from into " + filepath.Dir(s.Path()) + ", then open the photos again."; m.Sentence() != want {
		t.Errorf("%q does not begin %q", m.Sentence(), want)
	}
}
