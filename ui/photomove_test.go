package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// previousReleaseWindow opens, in a quiet main window, a copy of the practice written by the
// release before the photo library (five photos kept in its database), its photo work to begin
// at once when started.
func previousReleaseWindow(t *testing.T) *mainWindow {
	t.Helper()
	was := photoWorkAfter
	photoWorkAfter = 0
	t.Cleanup(func() { photoWorkAfter = was })
	b, err := os.ReadFile(filepath.Join("..", "store", "sqlite", "testdata", "previous-release", "clinic.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clinic.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	m := newMainWindow(test.NewTempApp(t), s)
	m.win.Resize(fyne.NewSize(1280, 800))
	return m
}

func TestOpeningAPracticeMovesItsPhotosToThePhotoFolder(t *testing.T) {
	m := previousReleaseWindow(t)
	ctx := context.Background()
	if n, err := fileOf(m.store).PhotosToMove(ctx); err != nil || n != 5 {
		t.Fatalf("to move before: %d, %v", n, err)
	}
	m.startPhotoWork() // runs to its end here: the tests run background work in place
	if n, err := fileOf(m.store).PhotosToMove(ctx); err != nil || n != 0 {
		t.Fatalf("to move after: %d, %v", n, err)
	}
	got := noticesText(m)
	if !strings.Contains(got, "Moved 5 photos to the photo folder "+m.store.PhotoDir()+". Keep the folder beside the database") {
		t.Fatalf("notices after the move: %q", got)
	}
	// The last progress the line showed.
	if l := m.photoWork.label.Text; l != "Moving photos to the photo folder… 5 of 5" {
		t.Errorf("progress line ended at %q", l)
	}
	test.Tap(noticeButton(t, m, "Dismiss"))
	if got := noticesText(m); strings.Contains(got, "photo folder") {
		t.Fatalf("dismissed, the notices still say %q", got)
	}
	// Nothing is left: a second start of the work shows nothing.
	m.openedPractice.photoWork = nil
	m.startPhotoWork()
	if got := noticesText(m); strings.Contains(got, "photo") {
		t.Fatalf("a practice with nothing to move says %q", got)
	}
}

// The progress line, as it shows while photos move: its sentence, a bar and Cancel.
func TestPhotoMoveProgressLine(t *testing.T) {
	m := previousReleaseWindow(t)
	var pending []func()
	was := background
	background = func(work func()) { pending = append(pending, work) }
	t.Cleanup(func() { background = was })
	m.startPhotoWork()
	w := m.photoWork
	w.moving = true
	w.progress(sqlite.PhotoMove{Done: 120, Total: 600})
	m.showNotices()
	if got := noticesText(m); !strings.Contains(got, "Moving photos to the photo folder… 120 of 600") || w.bar.Value != 0.2 {
		t.Fatalf("progress line %q, bar %v", got, w.bar.Value)
	}
	noticeButton(t, m, "Cancel")
	shoot(t, m.win, "photomove-progress.png")
	w.progress(sqlite.PhotoMove{Done: 600, Total: 600, Reclaiming: true})
	if got := noticesText(m); !strings.Contains(got, "Reclaiming space") {
		t.Fatalf("progress line while reclaiming: %q", got)
	}
	w.moving = false
	for _, work := range pending {
		work()
	}
}

func TestCancelStopsMovingThePhotosAndTheRestMoveNextTime(t *testing.T) {
	m := previousReleaseWindow(t)
	var pending []func()
	was := background
	background = func(work func()) { pending = append(pending, work) }
	t.Cleanup(func() { background = was })
	m.startPhotoWork()
	test.Tap(m.photoWork.cancel) // before the first photo has moved
	if m.photoWork.label.Text != "Stopping after the photo being moved…" || !m.photoWork.cancel.Disabled() {
		t.Fatalf("cancelling shows %q", m.photoWork.label.Text)
	}
	for _, work := range pending {
		work()
	}
	got := noticesText(m)
	if !strings.Contains(got, "Moving the photos to the photo folder stopped with 0 of 5 moved. The rest are moved the next time this practice is opened") {
		t.Fatalf("notices after Cancel: %q", got)
	}
	if n, err := fileOf(m.store).PhotosToMove(context.Background()); err != nil || n != 5 {
		t.Fatalf("to move after Cancel: %d, %v", n, err)
	}
	// Every photo is still there to view.
	photos, err := m.store.ListPhotos(context.Background(), data.PhotoQuery{ClientID: firstPhotoClient(t, m.store)})
	if err != nil || len(photos) == 0 {
		t.Fatalf("photos after Cancel: %d, %v", len(photos), err)
	}
	for _, p := range photos {
		if _, err := m.store.PhotoPreview(context.Background(), p.ID); err != nil || p.ImageMissing {
			t.Fatalf("photo %s after Cancel: %v (missing %v)", p.ID, err, p.ImageMissing)
		}
	}
}

// firstPhotoClient is the ID of a client with photos in s.
func firstPhotoClient(t *testing.T, s practiceStore) string {
	t.Helper()
	clients, err := s.ListClients(context.Background(), data.ClientQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		if p, err := s.ListPhotos(context.Background(), data.PhotoQuery{ClientID: c.ID}); err == nil && len(p) > 0 {
			return c.ID
		}
	}
	t.Fatal("no client has photos")
	return ""
}

func TestAPracticeCopiedWithoutItsPhotoFolderSaysWhereItBelongs(t *testing.T) {
	was := photoWorkAfter
	photoWorkAfter = 0
	t.Cleanup(func() { photoWorkAfter = was })
	s := openStore(t)
	c := newTestClient(t, s)
	var last data.Photo
	for i := range 2 {
		last = testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore, Consent: data.PhotoConsentClinical},
			"IMG.JPG", phototest.NoisyJPEG(t, 320, 240, uint32(i+1), 8), time.Now())
	}
	// Part of the folder copied: one photo's original is not there.
	if err := os.Remove(photolib.PathIn(s.PhotoDir(), last.SHA256)); err != nil {
		t.Fatal(err)
	}
	m := newMainWindow(test.NewTempApp(t), s)
	m.win.Resize(fyne.NewSize(1280, 800))
	m.startPhotoWork()
	dir := filepath.Dir(s.Path())
	if got := noticesText(m); !strings.Contains(got, "1 of the 2 photos kept in the photo folder "+s.PhotoDir()+" is missing from it. "+
		"To bring them back, copy the folder \"practice.photos\" from where this practice came from into "+dir) {
		t.Fatalf("notices with one photo's file missing: %q", got)
	}

	// None of the folder copied.
	elsewhere := filepath.Join(t.TempDir(), "practice.photos")
	if err := os.Rename(s.PhotoDir(), elsewhere); err != nil {
		t.Fatal(err)
	}
	defer func(d time.Duration) { photoFolderLookEvery = d }(photoFolderLookEvery)
	photoFolderLookEvery = time.Hour // the test says when to look, as opening a gallery does
	m.openedPractice.photoWork = nil
	m.startPhotoWork()
	t.Cleanup(m.openedPractice.photoWork.stop)
	if got := noticesText(m); !strings.Contains(got, "2 photos have no images. The photo folder \"practice.photos\" is not beside "+
		"the practice file: copy it from where the practice came from into "+dir+", then open the photos again.") {
		t.Fatalf("notices without the photo folder: %q", got)
	}
	shoot(t, m.win, "photomove-missing.png")

	// The folder copied back while the practice is open: the window sees it without reopening,
	// and says what is still missing, the one file never copied.
	if err := os.Rename(elsewhere, s.PhotoDir()); err != nil {
		t.Fatal(err)
	}
	w := m.openedPractice.photoWork
	w.lookNow <- struct{}{} // as opening a gallery asks (m.lookForPhotoFolder), waiting for the look to be taken
	w.lookNow <- struct{}{}
	// It stops looking once a look finds no more files arriving.
	w.watching.Wait()
	if got := noticesText(m); strings.Contains(got, "have no images") || !strings.Contains(got, "1 of the 2 photos kept in the photo folder") {
		t.Fatalf("notices with the folder back: %q", got)
	}
}

// What moving came to, in each way it can end.
func TestPhotoMoveOutcomes(t *testing.T) {
	s := openStore(t)
	for _, c := range []struct {
		res       sqlite.PhotoMoveResult
		err       error
		cancelled bool
		want      string
		warn      bool
		reclaim   bool
	}{
		{sqlite.PhotoMoveResult{Moved: 5}, nil, false, "Moved 5 photos to the photo folder " + s.PhotoDir() +
			". Keep the folder beside the database when copying or moving the practice. The room the photos took in the database " +
			"file is given back when Needlelog is closed.", false, true},
		// Too little room to be worth giving back: nothing is said of it.
		{sqlite.PhotoMoveResult{Moved: 5}, nil, false, "Moved 5 photos to the photo folder " + s.PhotoDir() +
			". Keep the folder beside the database when copying or moving the practice.", false, false},
		{sqlite.PhotoMoveResult{Moved: 2}, context.Canceled, true, "Moving the photos to the photo folder stopped with 2 of 5 moved.", false, false},
		{sqlite.PhotoMoveResult{Moved: 1}, fmt.Errorf("move photo x: %w", &os.PathError{Op: "write", Err: syscall.ENOSPC}), false,
			"Moving the photos to the photo folder " + s.PhotoDir() + " stopped: the disk is full; free some space. The photos not moved " +
				"stay in the database", true, false},
		{sqlite.PhotoMoveResult{Moved: 1}, errors.New("move photo x: input/output error"), false, "Could not move every photo to the photo folder " +
			s.PhotoDir() + ". Try again; if it keeps happening, restart Needlelog. The photos not moved stay in the database", true, false},
		{sqlite.PhotoMoveResult{}, nil, false, "", false, false},
	} {
		text, warn := moveOutcome(s, c.res, c.err, c.cancelled, 5, c.reclaim)
		if !strings.HasPrefix(text, c.want) || !c.reclaim && strings.Contains(text, "given back") || warn != c.warn || (c.want == "") != (text == "") {
			t.Errorf("%+v, %v: said %q (warning %v), want %q… (warning %v)", c.res, c.err, text, warn, c.want, c.warn)
		}
	}
}

// Moving the few small photos of a practice frees too little to be worth rewriting the file for:
// the notice does not promise it.
func TestAMoveThatFreesLittlePromisesNoRoomBack(t *testing.T) {
	m := previousReleaseWindow(t)
	m.startPhotoWork() // runs to its end here
	if got := noticesText(m); !strings.Contains(got, "Moved 5 photos to the photo folder "+m.store.PhotoDir()+".") ||
		strings.Contains(got, "given back") {
		t.Fatalf("notices after the move: %q", got)
	}
}

// The room the photos took in the database file is not given back while the window is in use,
// where the rewrite would hold every save until it ended, but as the app stops.
func TestPhotoSpaceIsGivenBackAsTheAppStops(t *testing.T) {
	m := previousReleaseWindow(t)
	path := m.store.Path()
	// 40 MB freed besides the photos': worth giving back once photos moved out of the file.
	sqlitetest.RawExec(t, path, `CREATE TABLE junk (b BLOB)`,
		`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 400)
		INSERT INTO junk SELECT randomblob(100 << 10) FROM c`, `DROP TABLE junk`, `PRAGMA wal_checkpoint(TRUNCATE)`)
	size := func() int64 {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	before := size()
	m.startPhotoWork() // runs to its end here
	if n, err := fileOf(m.store).PhotosToMove(context.Background()); err != nil || n != 0 {
		t.Fatalf("to move after: %d, %v", n, err)
	}
	if got := noticesText(m); !strings.Contains(got, "Moved 5 photos to the photo folder "+m.store.PhotoDir()+".") ||
		!strings.Contains(got, "given back when Needlelog is closed") {
		t.Fatalf("notices after the move: %q", got)
	}
	shoot(t, m.win, "photomove-done.png")
	if after := size(); after < before {
		t.Fatalf("the database file shrank from %d to %d bytes while the window was in use", before, after)
	}
	m.stopped()
	if after := size(); after > before/2 {
		t.Fatalf("the database file is %d bytes after the app stopped, %d before: the space was not given back", after, before)
	}
}
