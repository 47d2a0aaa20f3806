package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// movedByTheMenu moves the practice of a main window through File › Move practice…, then stops
// the window; it returns the old path and the new.
func movedByTheMenu(t *testing.T) (old, moved string, a fyne.App) {
	t.Helper()
	m, a := movingWindow(t)
	old = m.store.Path()
	md := m.openMoveDialog()
	md.choose(filepath.Join(t.TempDir(), "New drive"))
	test.Tap(md.moveBtn)
	moved = m.store.Path()
	if moved == old || m.store.ReadOnly() {
		t.Fatalf("the window works from %s after the move", moved)
	}
	m.stopped()
	return old, moved, a
}

// Opening the old copy of a moved practice (an old shortcut, the recent list) opens nothing for
// writing: one window says where the practice went and leads there, or shows the old copy
// read-only, saying why; the moved practice opens as any.
func TestTheOldCopyOfAMovedPracticeLeadsToTheMovedOne(t *testing.T) {
	old, moved, a := movedByTheMenu(t)
	t.Cleanup(func() { a.Lifecycle().(interface{ OnStopped() func() }).OnStopped()() })
	var failed []error
	start(context.Background(), a, old, Options{}, func(err error) { failed = append(failed, err) }, quietWindow())
	if len(failed) != 1 || !errors.Is(failed[0], ondisk.ErrMoved) {
		t.Fatalf("starting on the old copy: failures %v, want ErrMoved", failed)
	}
	var w fyne.Window
	for _, win := range a.Driver().AllWindows() {
		if win.Title() == "Needlelog" && win.Canvas().Overlays().Top() != nil {
			w = win
		}
	}
	if w == nil {
		t.Fatal("no window shows why the old copy did not open")
	}
	said := overlayText(w)
	if !strings.Contains(said, "This practice was moved to "+moved+" on") || !strings.Contains(said, "The records here are an old copy.") {
		t.Fatalf("the old copy's window says %q", said)
	}
	if got := overlayButtons(w); !slices.Equal(got, []string{"Open the moved practice", "Look at this old copy", "Quit"}) {
		t.Errorf("the old copy's window offers %q", got)
	}
	w.Resize(fyne.NewSize(1280, 800))
	shoot(t, w, "moved-old-copy.png")
	if ondisk.Claimed(old) {
		t.Error("the old copy is left claimed")
	}

	test.Tap(overlayButton(t, w, "Open the moved practice"))
	if want := "Needlelog — clinic.db (" + filepath.Dir(moved) + ")"; w.Title() != want || !ondisk.Claimed(moved) || ondisk.Claimed(old) {
		t.Fatalf("Open the moved practice: the window is %q (want %q), claimed: moved %v, old %v",
			w.Title(), want, ondisk.Claimed(moved), ondisk.Claimed(old))
	}
	if recent := a.Preferences().StringList(prefRecent); slices.Contains(recent, old) || !slices.Contains(recent, moved) {
		t.Errorf("recent list: %v", recent)
	}
}

// The old copy is looked at read-only, saying why, with nothing to write or back up, off the recent
// list, and its notice leads to the moved practice; when the moved practice is gone, opening it
// says so and how to get it back.
func TestTheOldCopyOfAMovedPracticeReadOnlyOrMovedAway(t *testing.T) {
	old, moved, a := movedByTheMenu(t)
	_, err := openPractice(context.Background(), old, sqlite.Options{})
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	var opened *openedPractice
	ask := func() { askHowToOpen(a, w, old, err, func(p *openedPractice) { opened = p }, "Cancel", func() {}) }

	ask()
	test.Tap(overlayButton(t, w, "Look at this old copy"))
	if opened == nil || !opened.store.ReadOnly() || opened.claim != nil {
		t.Fatalf("Look at this old copy gave %+v", opened)
	}
	m := newMainWindowWith(a, opened, false)
	t.Cleanup(m.stopped)
	got := noticesText(m)
	if !strings.Contains(got, "Open read-only") || !strings.Contains(got, "This practice was moved to "+moved) ||
		strings.Contains(got, "Back up now") || strings.Contains(got, "Open for writing") {
		t.Errorf("the old copy's notices: %q", got)
	}
	shoot(t, m.win, "moved-old-copy-read-only.png")
	if recent := m.recent(); slices.Contains(recent, old) {
		t.Errorf("looking at the old copy put it back on the recent list: %v", recent)
	}
	// Its notice leads to the moved practice.
	test.Tap(noticeButton(t, m, "Open the moved practice"))
	if m.store.Path() != moved || m.store.ReadOnly() || m.claim == nil || strings.Contains(noticesText(m), "Open read-only") {
		t.Fatalf("the notice's Open the moved practice: %s (read-only %v), notices %q", m.store.Path(), m.store.ReadOnly(), noticesText(m))
	}
	m.stopped()

	for _, f := range []string{moved, moved + "-wal", moved + "-shm"} {
		os.Remove(f)
	}
	opened = nil
	ask()
	test.Tap(overlayButton(t, w, "Open the moved practice"))
	// The dialog wraps the sentence into lines, each a text of its own: compared without spaces.
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if said := overlayText(w); opened != nil ||
		!strings.Contains(squash(said), squash("The moved practice is not at "+moved+": if it was deleted, restore a backup.")) {
		t.Errorf("the moved practice deleted: opened %v, the window says %q", opened, said)
	}
}
