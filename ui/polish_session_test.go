package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// A side effect left without a kind is said once on the list of what signing needs, and no
// sentence points to a mark beside a field while none is shown.
func TestPolishChecklistSaysEachMissingThingOnce(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	e, w := openEditor(t, s, newTestClient(t, s), "", nil)
	e.addSideEffectRow(sideEffectRow{Severity: "mild", During: true})
	e.validate()
	shot(t, w, "polish_needed")
	kind := 0
	for _, m := range e.missing {
		if strings.Contains(m, "marked beside") {
			t.Errorf("the checklist speaks of a mark while none is shown: %q", e.missing)
		}
		if m == "Side effect 1 needs a kind." {
			kind++
		}
	}
	if kind != 1 {
		t.Errorf("the missing kind is said %d times: %q", kind, e.missing)
	}
	if strings.Contains(e.checkSummary.Text, "marked beside") {
		t.Errorf("the bar reads %q", e.checkSummary.Text)
	}
	// Once the row is left, its mark shows; the kind is still said once, in words.
	e.settle("side_effects", 0)
	if !e.notes.notes["side_effects[0].kind"].Visible() {
		t.Fatal("no mark beside the side effect's kind")
	}
	kind = 0
	for _, m := range e.missing {
		if strings.HasPrefix(m, "Put right") {
			t.Errorf("the marked kind is counted again: %q", e.missing)
		}
		if m == "Side effect 1 needs a kind." {
			kind++
		}
	}
	if kind != 1 {
		t.Errorf("the missing kind is said %d times once marked: %q", kind, e.missing)
	}
}
