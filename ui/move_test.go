package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// movingWindow is a main window over a claimed practice, clinic.db, with two photos in its photo
// library.
func movingWindow(t *testing.T) (*mainWindow, fyne.App) {
	t.Helper()
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "Old PC", "clinic.db")
	p, err := openPractice(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, p.store)
	var files []string
	for i := range 2 {
		f := filepath.Join(t.TempDir(), fmt.Sprintf("IMG_%d.JPG", i))
		if err := os.WriteFile(f, phototest.NoisyJPEG(t, 320, 240, uint32(i+7), 30), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if _, err := ondisk.ImportPhotos(context.Background(), p.store, ondisk.ImportRequest{ClientID: c.ID, Files: files,
		Tags: data.PhotoTags{Kind: data.PhotoBefore}}, nil); err != nil {
		t.Fatal(err)
	}
	m := newMainWindowWith(a, p, false)
	m.win.Resize(fyne.NewSize(1280, 800))
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.stopped() })
	return m, a
}

// File › Move practice… says what will happen, where and how big; refuses a folder that already
// holds the practice's name; and once moved, works from the copy, claimed, with the old files left
// and named, the old place off the recent list and the backups going on in the same folder.
func TestMovePracticeFromTheMenu(t *testing.T) {
	m, a := movingWindow(t)
	old := m.store.Path()
	oldPhotos := m.store.PhotoDir()
	a.Preferences().SetStringList(prefRecent, []string{old, "/elsewhere/other.db"})
	backups := filepath.Join(t.TempDir(), "Backups")
	setBackupFolder(a, old, backups)
	md := m.openMoveDialog()
	if md == nil {
		t.Fatal("no move dialog")
	}
	said := labelsIn(m.win.Canvas().Overlays().Top())
	for _, part := range []string{"copies this practice", "not deleted", old, oldPhotos, "of records and 2 photos", "No folder chosen"} {
		if !strings.Contains(said, part) {
			t.Errorf("the move dialog does not say %q: %s", part, said)
		}
	}
	if !md.moveBtn.Disabled() {
		t.Error("Move practice is offered before a folder is chosen")
	}

	taken := t.TempDir()
	if err := os.WriteFile(filepath.Join(taken, "clinic.db"), []byte("another practice"), 0o600); err != nil {
		t.Fatal(err)
	}
	md.choose(taken)
	if !strings.Contains(md.outcome.Text, "already holds a practice named clinic.db") || !md.moveBtn.Disabled() {
		t.Errorf("a folder holding clinic.db: %q (button disabled %v)", md.outcome.Text, md.moveBtn.Disabled())
	}

	target := filepath.Join(t.TempDir(), "New drive")
	md.choose(target)
	if md.newDB.Text != filepath.Join(target, "clinic.db") || md.newPics.Text != filepath.Join(target, "clinic.photos") ||
		!strings.Contains(md.space.Text, "free") || md.moveBtn.Disabled() || !md.after.Visible() {
		t.Fatalf("a good folder: %q, %q, %q (button disabled %v)", md.newDB.Text, md.newPics.Text, md.space.Text, md.moveBtn.Disabled())
	}
	shoot(t, m.win, "move-dialog.png")
	oldClaim := m.claim
	test.Tap(md.moveBtn)

	if m.store.Path() != filepath.Join(target, "clinic.db") || m.store.ReadOnly() || m.claim == nil || m.claim == oldClaim {
		t.Fatalf("after the move the window works from %s (read-only %v, claim %v)", m.store.Path(), m.store.ReadOnly(), m.claim)
	}
	if !ondisk.Claimed(m.store.Path()) || ondisk.Claimed(old) {
		t.Errorf("claims after the move: new %v, old %v; want the new held and the old let go",
			ondisk.Claimed(m.store.Path()), ondisk.Claimed(old))
	}
	h, err := fileOf(m.store).Check(context.Background())
	if err != nil || len(h.Problems)+len(h.LostImages) > 0 || h.Counts["photos"] != 2 {
		t.Errorf("the moved practice's check: %+v %v", h, err)
	}
	said = labelsIn(m.win.Canvas().Overlays().Top())
	for _, part := range []string{"now works from:\n" + m.store.Path(), "old files are still where they were:\n" + old + "\n" + oldPhotos, "delete both"} {
		if !strings.Contains(said, part) {
			t.Errorf("the summary does not say %q: %s", part, said)
		}
	}
	shoot(t, m.win, "move-done.png")
	if _, err := os.Stat(old); err != nil {
		t.Errorf("the old database is gone: %v", err)
	}
	if recent := m.recent(); slices.Contains(recent, old) || !slices.Contains(recent, m.store.Path()) {
		t.Errorf("recent list after the move: %v", recent)
	}
	if got, _ := backupFolder(a, m.store.Path()); got != backups {
		t.Errorf("the moved practice backs up to %s", got)
	}
}

// A change saved after the copy was checked, before the old practice closed, is not lost: the
// copy is removed and the practice opens again from its old place, saying so.
func TestMoveMissingALateChangeReopensTheOldPlace(t *testing.T) {
	m, _ := movingWindow(t)
	old := m.store.Path()
	target := filepath.Join(t.TempDir(), "New drive")
	ctx := context.Background()
	plan, err := ondisk.PlanMove(ctx, fileOf(m.store), target)
	if err != nil {
		t.Fatal(err)
	}
	moved, err := ondisk.Move(ctx, fileOf(m.store), plan, nil)
	if err != nil {
		t.Fatal(err)
	}
	late := data.Client{FirstName: "Late", LastName: "Change"}
	if err := m.store.CreateClient(ctx, &late); err != nil {
		t.Fatal(err)
	}
	m.openMoved(moved, plan, dialog.NewCustomWithoutButtons("Moving", widget.NewLabel(""), m.win))
	if m.store.Path() != old || m.store.ReadOnly() || m.claim == nil {
		t.Fatalf("after a move that missed a change the window works from %s (read-only %v)", m.store.Path(), m.store.ReadOnly())
	}
	if _, err := m.store.Client(ctx, late.ID); err != nil {
		t.Errorf("the late change: %v", err)
	}
	if _, err := os.Stat(target); err != nil {
		t.Fatalf("the folder chosen: %v", err)
	}
	if entries, _ := os.ReadDir(target); len(entries) != 0 {
		t.Errorf("the copy that missed a change is still there: %v", entries)
	}
	if said := overlayText(m.win); !strings.Contains(said, "Nothing was moved") {
		t.Errorf("the window says %q", said)
	}
}

// Cancel stops the move and leaves nothing at the new place; the practice goes on as it was.
func TestMoveCancelled(t *testing.T) {
	m, _ := movingWindow(t)
	old := m.store.Path()
	md := m.openMoveDialog()
	target := filepath.Join(t.TempDir(), "USB", "Needlelog")
	md.choose(target)
	pending := holdBackground(t)
	test.Tap(md.moveBtn)
	said := labelsIn(m.win.Canvas().Overlays().Top())
	for _, part := range []string{"To " + target, "Cancel leaves your practice as it was"} {
		if !strings.Contains(said, part) {
			t.Errorf("the progress does not say %q: %s", part, said)
		}
	}
	shoot(t, m.win, "move-progress.png")
	test.Tap(overlayButton(t, m.win, "Cancel"))
	runHeld(pending)
	if m.store.Path() != old || m.claim == nil || !ondisk.Claimed(old) {
		t.Errorf("after a cancelled move the window works from %s", m.store.Path())
	}
	if _, err := os.Stat(filepath.Dir(target)); err == nil {
		t.Errorf("a cancelled move left %s", filepath.Dir(target))
	}
	if top := m.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("after a cancelled move the window shows %s", labelsIn(top))
	}
	c := data.Client{FirstName: "Still", LastName: "Writable"}
	if err := m.store.CreateClient(context.Background(), &c); err != nil {
		t.Errorf("the practice after a cancelled move: %v", err)
	}
}

// Why a move did not happen is said in the practitioner's words, each saying nothing was moved.
func TestMoveErrorSentences(t *testing.T) {
	cases := map[error]string{
		&ondisk.MoveRefusedError{Why: "X already holds a practice named clinic.db."}: "X already holds a practice named clinic.db.",
		fmt.Errorf("move: %w", ondisk.ErrChangedWhileMoving):                         "Nothing was moved: something was saved",
		fmt.Errorf("copy: %w", syscall.ENOSPC):                                       "Nothing was moved: the disk of the folder chosen filled up",
		fmt.Errorf("copy: %w", photolib.ErrChanged):                                  "Nothing was moved: a photo file",
		fmt.Errorf("copy: %w", os.ErrPermission):                                     "Nothing was moved: this computer does not let Needlelog write in the folder chosen",
		fmt.Errorf("copy: %w", os.ErrClosed):                                         "Nothing was moved, and your practice is as it was.",
	}
	for err, want := range cases {
		if got := moveErrorSentence(err); !strings.Contains(got, want) || strings.Contains(got, "copy:") {
			t.Errorf("moveErrorSentence(%v) = %q, want it to say %q", err, got, want)
		}
	}
}

// Moving closes the practice at its old place completely, as closing it does: its photo work and
// the collection of its unused photo files have stopped before the copy opens, so nothing more
// runs on the old files.
func TestMoveStopsTheOldPlacesWork(t *testing.T) {
	m, _ := movingWindow(t)
	was, wasAfter := background, photoWorkAfter
	background, photoWorkAfter = func(work func()) { go work() }, time.Hour // still waiting to begin
	t.Cleanup(func() { background, photoWorkAfter = was, wasAfter })
	m.startPhotoWork()
	old := m.openedPractice
	if old.photos == nil || old.photoWork == nil {
		t.Fatal("the old practice has no photo work or collection under way")
	}
	background = was // the move runs in place, as in the other tests
	md := m.openMoveDialog()
	md.choose(filepath.Join(t.TempDir(), "New drive"))
	test.Tap(md.moveBtn)
	if m.openedPractice == old {
		t.Fatal("the practice did not move")
	}
	for what, done := range map[string]chan struct{}{"photo work": old.photoWork.done, "collection of unused photo files": old.photos.done} {
		select {
		case <-done:
		default:
			t.Errorf("the old place's %s still runs after the move", what)
		}
	}
}
