package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
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

// A large practice's first screen shows a first page read at once from a cold disk; the count
// of all its clients follows once the list is shown, and scrolling brings the rest.
func TestALargePracticeShowsItsFirstClientsThenCountsThem(t *testing.T) {
	a := test.NewTempApp(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "large.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	all := pageSize + firstPageSize + 7
	err = s.Batch(ctx, func(b nlstore.Batch) error {
		for i := range all {
			c := data.Client{FirstName: "Anna", LastName: fmt.Sprintf("Number %03d", i)}
			if err := b.CreateClient(&c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	p, err := openPractice(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.firstPage == nil || len(p.firstPage.clients) != firstPageSize || p.firstPage.total != -1 {
		t.Fatalf("opening read %v, want the first %d clients, not yet counted", p.firstPage, firstPageSize)
	}
	m := newMainWindowWith(a, p, false)
	defer m.openedPractice.close()
	if len(m.list.clients) != firstPageSize {
		t.Fatalf("the first screen shows %d clients, want %d", len(m.list.clients), firstPageSize)
	}
	want := fmt.Sprintf("%d clients", all)
	waitFor(t, "the count of all the clients", func() bool { return m.list.count.Text == want })
	for len(m.list.clients) < all {
		before := len(m.list.clients)
		m.list.loadMore()
		waitFor(t, "the next page", func() bool { return len(m.list.clients) > before || !m.list.more })
		if len(m.list.clients) == before {
			t.Fatalf("scrolling stopped at %d of %d clients", before, all)
		}
	}
	if m.list.count.Text != want {
		t.Errorf("after scrolling to the end the list says %q, want %q", m.list.count.Text, want)
	}
}
