package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
)

// What the editor fills in itself on opening (the practitioner, a normalised value) is not a
// change: a saved session opens ready to sign, and a new one left untouched closes at once.
func TestOpeningIsNotAChange(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	p := addPractitioner(t, s, "Léa Fontaine")
	e, _ := openEditor(t, s, c, "", nil)
	e.practitioner.SetSelected(p.Name)
	completeSessionIn(t, e)
	id := e.base.ID
	e.finish()

	e, _ = openEditor(t, s, c, id, nil)
	if e.changed() || slices.Contains(e.missing, "Save the changes (Ctrl+S), then sign.") {
		t.Fatalf("a saved session opens as changed: still needed %q", e.missing)
	}
	e.finish()

	e, w := openEditor(t, s, c, "", nil)
	if e.practitioner.Selected != p.Name {
		t.Fatalf("the new session is by %q, want the only practitioner", e.practitioner.Selected)
	}
	closed := false
	e.onClose = func() { closed = true }
	e.close()
	if !closed || len(overlayButtons(w)) > 0 {
		t.Fatalf("closing an untouched new session asks %v", overlayButtons(w))
	}
}
