package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// A summary is as tall as its text: a line or two makes a small dialog, a long list scrolls
// within most of the window.
func TestSummaryDialogFitsItsText(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("behind"))
	w.Resize(fyne.NewSize(1280, 800))

	showSummary(w, "Photos imported", "2 photos imported.")
	shot(t, w, "summary_short")
	short := w.Canvas().Overlays().Top()
	var dlg fyne.Size
	walkOverlay(w, func(o fyne.CanvasObject) {
		if r, ok := o.(*canvas.Rectangle); ok && r.Size().Width > dlg.Width && r.Size().Width < 1000 {
			dlg = r.Size()
		}
	})
	if dlg.Height == 0 || dlg.Height > 200 {
		t.Errorf("a one-line summary is in a dialog %v, want it under 200 high", dlg)
	}
	short.Hide()
	w.Canvas().Overlays().Remove(short)

	showSummary(w, "Import cancelled", strings.Repeat("IMG_0001.heic: refused: not a JPEG, PNG or WebP photo.\n", 60))
	shot(t, w, "summary_long")
	dlg = fyne.Size{}
	walkOverlay(w, func(o fyne.CanvasObject) {
		if r, ok := o.(*canvas.Rectangle); ok && r.Size().Width > dlg.Width && r.Size().Width < 1000 {
			dlg = r.Size()
		}
	})
	if dlg.Height < 400 || dlg.Height > 800*0.8 {
		t.Errorf("a long summary is in a dialog %v, want most of the window's 800 high, not all", dlg)
	}
}

// A confirmation's message is not covered by an icon.
func TestConfirmationShowsNoIconOverItsMessage(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("behind"))
	w.Resize(fyne.NewSize(1280, 800))
	confirm(w, "Close without saving?", "Changes on the Lists tab are not saved yet.", "Close without saving", func() {})
	shot(t, w, "confirm")
	walkOverlay(w, func(o fyne.CanvasObject) {
		if img, ok := o.(*canvas.Image); ok && img.Resource != nil && img.Size().Width > 32 { // larger than a button's icon
			t.Errorf("the confirmation shows an image %q of %v", img.Resource.Name(), img.Size())
		}
	})
}
