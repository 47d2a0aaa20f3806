package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// longNamedClient is a client whose name is far wider than the window, with an allergy and no
// consent, so that the banners show too.
func longNamedClient(t *testing.T, s *sqlite.Store) data.Client {
	t.Helper()
	c := data.Client{FirstName: "Anastasia-Maximiliana Konstantinopoulou-Fairweather-Smythe",
		LastName: "Papadopoulou-Montgomery-Wellesley", Allergies: []string{"Lidocaine"}, PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// fitsTheWindow checks that what w shows needs no more than its 1280 px, and that every visible
// button lies inside it.
func fitsTheWindow(t *testing.T, w fyne.Window, screen string) {
	t.Helper()
	w.Resize(fyne.NewSize(1280, 800))
	capture(t, w, "long name on "+screen)
	content := w.Content()
	if min := content.MinSize().Width; min > 1280 {
		t.Errorf("%s needs %v px wide for a long name", screen, min)
	}
	d := fyne.CurrentApp().Driver()
	walkVisible(content, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			if right := d.AbsolutePositionForObject(b).X + b.Size().Width; right > 1280 {
				t.Errorf("%s: button %q ends at %v px, past the window", screen, b.Text, right)
			}
		}
	})
}

// A long client name is shortened with "…" wherever it sits beside buttons: the window keeps
// its width and every button stays on screen.
func TestALongNameLeavesTheButtonsOnScreen(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := longNamedClient(t, s)

	page := newClientPage(s)
	if err := page.update(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, page.content())
	fitsTheWindow(t, w, "the client page")

	addPractitioner(t, s, "Léa Fontaine")
	e, w := openEditor(t, s, c, "", nil)
	fitsTheWindow(t, w, "the session editor")
	completeSessionIn(t, e) // unsigned, so Today lists it
	e.finish()

	lists, err := loadPhotoLists(context.Background(), s, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	w = test.NewTempWindow(t, widget.NewLabel(""))
	photos := newPhotoScreen(fyne.CurrentApp(), w, s, c, lists)
	w.SetContent(photos.content())
	if err := photos.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	fitsTheWindow(t, w, "the photos screen")

	m := newMainWindow(fyne.CurrentApp(), s) // Today and the client list
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	fitsTheWindow(t, m.win, "Today and the client list")
}
