package ui

import (
	"fyne.io/fyne/v2"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	nlwidget "needlelog.app/needlelog/ui/widget"
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

// dropArrowShown reports whether a select draws its drop-down arrow.
func dropArrowShown(t *testing.T, s fyne.Widget) bool {
	t.Helper()
	for _, o := range test.WidgetRenderer(s).Objects() {
		if ic, ok := o.(*widget.Icon); ok && ic.Visible() && ic.Resource != nil {
			return strings.Contains(ic.Resource.Name(), "drop")
		}
	}
	t.Fatal("the select draws no icon at all")
	return false
}

// A signed session shows an empty cell as "—", never a hint such as "level" drawn like a value,
// and its locked pickers show no arrow; Amend… brings both back.
func TestPolishSignedSessionShowsNoHintsNorArrows(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	p := addPractitioner(t, s, "Léa Fontaine")
	id := signedSessionOf(t, s, c, p)

	e, w := openEditor(t, s, c, id, nil)
	shot(t, w, "polish_signed")
	row := e.zones[0]
	hint := map[string]*nlwidget.TextField{"speed": row.speed, "passes": row.passes}
	for what, f := range hint {
		if f.Text == "" && f.PlaceHolder != "—" {
			t.Errorf("the empty %s of a signed session shows %q", what, f.PlaceHolder)
		}
	}
	if row.speed.Text != "" {
		t.Fatalf("the signed session has a speed %q: this test needs it empty", row.speed.Text)
	}
	if dropArrowShown(t, row.endpoint) || dropArrowShown(t, e.practitioner) {
		t.Error("a locked picker of a signed session shows its arrow")
	}

	test.Tap(e.saveBtn)
	test.Type(overlayEntry(t, w), "Depth typed wrong")
	tapButton(t, w, "Amend")
	shot(t, w, "polish_amending")
	if row.speed.PlaceHolder != speedUnit(e) {
		t.Errorf("the speed's hint is %q once unlocked, want %q", row.speed.PlaceHolder, speedUnit(e))
	}
	if !dropArrowShown(t, row.endpoint) {
		t.Error("the endpoint shows no arrow once unlocked")
	}
}
