package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	nlwidget "needlelog.app/needlelog/ui/widget"
)

// textColour is the colour o draws text in, found by the text itself.
func textColour(t *testing.T, o fyne.CanvasObject, text string) any {
	t.Helper()
	var found any
	walk(o, func(o fyne.CanvasObject) {
		if c, ok := o.(*canvas.Text); ok && c.Text == text && found == nil {
			found = c.Color
		}
	})
	if found == nil {
		t.Fatalf("%q is not drawn", text)
	}
	return found
}

// A signed session opens to be read: its values in the normal text colour, no list to pick
// from, no button to add or remove, and the map says it is read-only rather than offer clicks.
func TestSignedSessionReadsClearly(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	p := addPractitioner(t, s, "Léa Fontaine")
	id := signedSessionOf(t, s, c, p)

	e, w := openEditor(t, s, c, id, nil)
	capture(t, w, "signed session")
	fg := a.Settings().Theme().Color(theme.ColorNameForeground, a.Settings().ThemeVariant())
	for what, o := range map[string]fyne.CanvasObject{"the date": e.startedAt, "the device": e.device, "the depth": e.zones[0].depth} {
		text := o.(*nlwidget.TextField).Text
		if got := textColour(t, o, text); got != fg {
			t.Errorf("%s %q is drawn in %v, not the text colour %v", what, text, got, fg)
		}
	}
	if got := textColour(t, e.practitioner, p.Name); got != fg {
		t.Errorf("the practitioner is drawn in %v, not the text colour %v", got, fg)
	}

	pattern := e.zones[0].pattern
	if pattern.ActionItem.Visible() {
		t.Error("the pattern of a signed session offers its list")
	}
	test.Tap(pattern.ActionItem.(*widget.Button))
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("the pattern's list opened on a signed session (%d overlays)", n)
	}
	walkVisible(e.formBox, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			t.Errorf("the signed session shows the button %q", b.Text)
		}
	})
	if got := e.zoneMap.Caption(); got != "Signed: read-only." {
		t.Errorf("the map of a signed session says %q", got)
	}

	// Amend… unlocks it all again.
	test.Tap(e.saveBtn)
	test.Type(overlayEntry(t, w), "Depth typed wrong")
	tapButton(t, w, "Amend")
	if !pattern.ActionItem.Visible() || e.zoneMap.Caption() != "Click an area to add or remove that zone." {
		t.Fatalf("amending leaves the pattern's list hidden or the map read-only: %q", e.zoneMap.Caption())
	}
}
