package ui

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// A damaged file opened at start without waiting for its check is shown, then, when the check
// finds the damage, shown read-only with the damaged file's question over it; nothing is written.
func TestDamageFoundWhileShownAsksAsOpeningDoes(t *testing.T) {
	a := test.NewTempApp(t)
	path := practiceFile(t)
	sqlitetest.DamageTable(t, path, "clients")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var failed []error
	start(context.Background(), a, path, Options{Open: sqlite.Options{CheckLater: true}}, func(err error) { failed = append(failed, err) }, quietWindow())
	t.Cleanup(func() { a.Lifecycle().(interface{ OnStopped() func() }).OnStopped()() })
	if len(failed) != 0 {
		t.Fatalf("opening failed: %v; want the practice shown while it is checked", failed)
	}
	var w fyne.Window
	for _, win := range a.Driver().AllWindows() {
		if strings.Contains(win.Title(), "practice.db") {
			w = win
		}
	}
	if w == nil {
		t.Fatal("no window shows the practice")
	}
	said := overlayText(w)
	for _, want := range []string{"damaged", "has not written to it", "Keep reading"} {
		if !strings.Contains(said, want) {
			t.Errorf("the window says %q, want %q in it", said, want)
		}
	}
	if shown := texts(w.Content()); !strings.Contains(shown, "Open read-only") || !strings.Contains(shown, "file is damaged") {
		t.Errorf("the window does not say the damaged practice is open read-only: %q", shown)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the damaged file was modified")
	}
}

// The client list's first page is read while the window is made, so that the window's first
// picture shows the clients, before anything else is read.
func TestTheFirstScreenShowsTheClientsReadWhileOpening(t *testing.T) {
	a := test.NewTempApp(t)
	path := practiceFile(t)
	p, err := openPractice(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := newMainWindowWith(a, p, false)
	defer m.openedPractice.close()
	if len(m.list.clients) != 1 || m.list.total != 1 {
		t.Fatalf("the list shows %d of %d clients before any refresh, want the practice's one", len(m.list.clients), m.list.total)
	}
	if m.list.firstRead != nil {
		t.Error("the first screen still waits for the list")
	}
}
