package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Choose folder… opens the chooser in the folder the practice is in, not the home folder: the
// breadcrumb names that folder.
func TestMoveChooserOpensBesideThePractice(t *testing.T) {
	m, _ := movingWindow(t)
	if m.openMoveDialog() == nil {
		t.Fatal("no move dialog")
	}
	tapButton(t, m.win, "Choose folder…")
	var crumbs []string
	walkVisible(m.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			crumbs = append(crumbs, b.Text)
		}
	})
	for _, c := range crumbs {
		if c == "Old PC" { // the practice is Old PC/clinic.db
			shoot(t, m.win, "move-chooser.png")
			return
		}
	}
	t.Fatalf("the folder chooser opens elsewhere; its buttons: %q", crumbs)
}
