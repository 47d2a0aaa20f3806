package ui

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// The old file of a practice moved to the clinic's server says where the practice went and how
// to connect, both when it is opened and in the notice of the old copy looked at read-only; its
// button is the form that connects this PC to the server, the address filled in, and the
// practice there then opens in the window and from then on.
func TestTheOldFileOfAPracticeMovedToTheServerLeadsToIt(t *testing.T) {
	a := test.NewTempApp(t)
	addr := testkit.Postgres(t)
	u, _ := url.Parse(addr)
	t.Setenv("PGPASSFILE", u.Query().Get("passfile")) // as a clinic's PC keeps it in .pgpass
	ctx := context.Background()
	old := filepath.Join(t.TempDir(), "clinic.db")
	s, claim, err := ondisk.Open(ctx, old, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	err = ondisk.MarkMoved(ctx, s, addr)
	s.Close()
	claim.Release()
	if err != nil {
		t.Fatal(err)
	}

	_, err = openPractice(ctx, old, sqlite.Options{})
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	var opened *openedPractice
	askHowToOpen(a, w, old, err, func(p *openedPractice) { opened = p }, "Cancel", func() {})
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	said := squash(overlayText(w))
	if !strings.Contains(said, squash("This practice was moved to the clinic's server ("+addr+") on")) ||
		!strings.Contains(said, squash("connect this PC to the server (Settings › Database › Connect to the clinic's server…).")) {
		t.Fatalf("the old file's window says %q", overlayText(w))
	}
	if got := overlayButtons(w); !slices.Equal(got, []string{"Connect to the clinic's server…", "Look at this old copy", "Cancel"}) {
		t.Errorf("the old file's window offers %q", got)
	}
	shoot(t, w, "moved-to-server-old-file.png")
	// The form given up, the question is asked again: the window is never left with nothing to do.
	test.Tap(overlayButton(t, w, "Connect to the clinic's server…"))
	test.Tap(overlayButton(t, w, "Cancel"))
	if got := overlayButtons(w); !slices.Equal(got, []string{"Connect to the clinic's server…", "Look at this old copy", "Cancel"}) {
		t.Fatalf("after the connect form was cancelled the window offers %q", got)
	}

	// Looked at read-only, its notice says the same and leads to the server too.
	test.Tap(overlayButton(t, w, "Look at this old copy"))
	if opened == nil || !opened.store.ReadOnly() {
		t.Fatalf("Look at this old copy gave %+v", opened)
	}
	m := newMainWindowWith(a, opened, false)
	t.Cleanup(m.stopped)
	if got := squash(noticesText(m)); !strings.Contains(got, squash("This practice was moved to the clinic's server ("+addr+")")) {
		t.Errorf("the old file's notices: %q", noticesText(m))
	}
	shoot(t, m.win, "moved-to-server-read-only.png")
	test.Tap(noticeButton(t, m, "Connect to the clinic's server…"))
	var host *nlwidget.TextField
	walkOverlay(m.win, func(o fyne.CanvasObject) {
		if f, ok := o.(*nlwidget.TextField); ok && f.Text == u.Hostname() {
			host = f
		}
	})
	if host == nil || !strings.Contains(overlayText(m.win), "Connect to the clinic's server") {
		t.Fatalf("the notice's button shows %q, without the server's address", overlayText(m.win))
	}
	shoot(t, m.win, "moved-to-server-connect.png")
	test.Tap(overlayButton(t, m.win, "Test connection"))
	test.Tap(overlayButton(t, m.win, "Use this practice"))
	want := "postgres://" + u.User.Username() + "@" + u.Host + u.Path + "?sslmode=disable"
	if !isServer(m.store) || m.store.Path() != want || m.store.ReadOnly() {
		t.Fatalf("after connecting, the window shows %q (read-only %v)", m.store.Path(), m.store.ReadOnly())
	}
	if got := RememberedServer(a); got != want {
		t.Errorf("the app remembers %q, want %q", got, want)
	}
}
