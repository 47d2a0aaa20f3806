package ui

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	ondisk "needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// useDataFolder puts the default practice, and so the demo practice beside it, in a folder of the test's.
func useDataFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	t.Setenv("LOCALAPPDATA", dir)
	t.Setenv("HOME", dir)
	path, err := demoPath()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDemoPracticeIsClaimedWhileItIsWritten: Explore the demo practice writes it with the demo maker
// the app was started with, into a new file this app has claimed, then shows it, claimed, in the
// window; a demo maker that fails leaves no file and no claim, and the window on its practice.
func TestDemoPracticeIsClaimedWhileItIsWritten(t *testing.T) {
	path := useDataFolder(t)
	a := test.NewTempApp(t)
	m := newMainWindow(a, openStore(t))
	t.Cleanup(m.stopped)
	first := m.store.Path()

	m.makeDemo = func(ctx context.Context, s nlstore.Store, progress func(done, total int)) error {
		progress(1, 2)
		return errors.New("the demo could not be drawn")
	}
	m.openDemo()
	if got := overlayText(m.win); !strings.Contains(got, "write the demo practice") {
		t.Fatalf("a failed demo says %q", got)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) || ondisk.Claimed(path) || m.store.Path() != first {
		t.Fatalf("a failed demo left its file (%v), its claim (%v), or the window on %s", err, ondisk.Claimed(path), m.store.Path())
	}

	var written, claimed bool
	m.makeDemo = func(ctx context.Context, s nlstore.Store, progress func(done, total int)) error {
		written, claimed = s.(*sqlite.Store).Path() == path, ondisk.Claimed(path)
		progress(1, 1)
		return nil
	}
	m.openDemo()
	if !written || !claimed {
		t.Fatalf("the demo was written into %s: %v, claimed while written: %v", path, written, claimed)
	}
	if m.store.Path() != path || m.store.ReadOnly() || m.claim == nil {
		t.Fatalf("the window shows %s (read-only %v, claim %v), want the demo practice claimed", m.store.Path(), m.store.ReadOnly(), m.claim)
	}
}

// TestDemoPracticeClaimedElsewhereIsNotWritten: while another window writes the demo practice
// (holding its claim before its file exists), this window refuses to write it too, in a sentence.
func TestDemoPracticeClaimedElsewhereIsNotWritten(t *testing.T) {
	path := useDataFolder(t)
	other, err := ondisk.ClaimDatabase(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Release()
	a := test.NewTempApp(t)
	m := newMainWindow(a, openStore(t))
	t.Cleanup(m.stopped)
	called := false
	m.makeDemo = func(context.Context, nlstore.Store, func(done, total int)) error { called = true; return nil }
	m.openDemo()
	if got := overlayText(m.win); called || !strings.Contains(got, "another Needlelog window") {
		t.Fatalf("a demo claimed elsewhere: written %v, the window says %q", called, got)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the refused demo made its file (%v)", err)
	}
}
