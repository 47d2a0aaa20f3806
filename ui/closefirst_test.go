package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// menuItemLabelled finds a main-menu item by its label.
func menuItemLabelled(t *testing.T, w fyne.Window, label string) *fyne.MenuItem {
	t.Helper()
	for _, menu := range w.MainMenu().Items {
		for _, it := range menu.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no menu item %q", label)
	return nil
}

// On a client's photos, an action that starts from the client list asks to close the photos,
// not a session that is not open.
func TestActionsFromTheListSayToCloseThePhotos(t *testing.T) {
	for _, label := range []string{"Import clients from CSV…", "Lot recall…"} {
		t.Run(label, func(t *testing.T) {
			a := test.NewTempApp(t)
			s := openStore(t)
			c := newTestClient(t, s)
			m := newMainWindow(a, s)
			if err := m.page.update(context.Background(), c.ID); err != nil {
				t.Fatal(err)
			}
			m.openPhotos(c)
			if m.photos == nil {
				t.Fatal("the photos did not open")
			}
			menuItemLabelled(t, m.win, label).Action()
			got := overlayText(m.win)
			if !strings.Contains(got, "Close the photos first") || !strings.Contains(got, "close the photos with Close") ||
				strings.Contains(strings.ToLower(got), "session") {
				t.Fatalf("%s on the photos says: %s", label, got)
			}
		})
	}
}
