package ui

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// strayPhotoFiles puts into the practice's photo folder what a crash can leave there: a file of
// an import that never committed and a temporary file, both two days old; and a file written a
// moment ago, as by an import under way in another window. The files of a photo in the practice,
// two days old too, are returned first.
func strayPhotoFiles(t *testing.T, s practiceStore) (named, old []string, young string) {
	t.Helper()
	c := newTestClient(t, s)
	p := testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG_1.jpg",
		phototest.NoisyJPEG(t, 320, 240, 1, 16), time.Now())
	preview, err := s.PhotoPreview(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	lib := photolib.Open(s.PhotoDir())
	named = []string{lib.Path(p.SHA256), lib.Path(photolib.Sum(preview))}
	for i, b := range [][]byte{[]byte("an import cut short"), []byte("an import under way")} {
		if err := lib.Put(photolib.Sum(b), b); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			old = append(old, lib.Path(photolib.Sum(b)))
		} else {
			young = lib.Path(photolib.Sum(b))
		}
	}
	tmp := filepath.Join(filepath.Dir(named[0]), ".put-123.tmp")
	if err := os.WriteFile(tmp, []byte("half a photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	old = append(old, tmp)
	twoDaysAgo := time.Now().Add(-48 * time.Hour)
	for _, path := range append(append([]string(nil), named...), old...) {
		if err := os.Chtimes(path, twoDaysAgo, twoDaysAgo); err != nil {
			t.Fatal(err)
		}
	}
	return named, old, young
}

func startPractice(p *openedPractice) {
	p.start(fyne.CurrentApp(), func() {}, func(backupState) {}, false, time.Now)
}

func withCollectDelay(t *testing.T, d time.Duration) {
	old := photoCollectDelay
	photoCollectDelay = d
	t.Cleanup(func() { photoCollectDelay = old })
}

func wantFiles(t *testing.T, there bool, paths ...string) {
	t.Helper()
	for _, path := range paths {
		if _, err := os.Stat(path); there != (err == nil) || !there && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: there %v, want %v (%v)", filepath.Base(path), err == nil, there, err)
		}
	}
}

// Once a practice is open for writing, the photo files nothing names are removed in the
// background, all but those younger than a day.
func TestUnnamedPhotoFilesAreCollectedOnceThePracticeIsOpen(t *testing.T) {
	test.NewTempApp(t)
	withCollectDelay(t, 0)
	p := openTestPractice(t)
	named, old, young := strayPhotoFiles(t, p.store)
	startPractice(p)
	select {
	case <-p.photos.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the collection did not finish")
	}
	p.close()
	wantFiles(t, false, old...)
	wantFiles(t, true, named...)
	wantFiles(t, true, young)
}

// A practice open read-only (another window has it) never has its photo folder changed.
func TestAReadOnlyPracticeKeepsItsUnnamedPhotoFiles(t *testing.T) {
	test.NewTempApp(t)
	withCollectDelay(t, 0)
	w := openTestPractice(t)
	_, old, _ := strayPhotoFiles(t, w.store)
	path := w.store.Path()
	w.close()

	p, err := openPractice(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	startPractice(p)
	if p.photos != nil {
		t.Fatal("a collection started on a practice open read-only")
	}
	p.close()
	wantFiles(t, true, old...)
}

// Closing the practice before the collection is due stops it, without waiting for it.
func TestClosingThePracticeStopsItsPhotoCollection(t *testing.T) {
	test.NewTempApp(t)
	withCollectDelay(t, time.Hour)
	p := openTestPractice(t)
	_, old, _ := strayPhotoFiles(t, p.store)
	startPractice(p)
	closed := make(chan struct{})
	go func() { p.close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("closing the practice waits for its photo collection")
	}
	wantFiles(t, true, old...)
}
