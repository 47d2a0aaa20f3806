package ui

import (
	"fyne.io/fyne/v2"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
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

// textFits reports whether a label or an entry shows its text whole, at its size in the window.
func textFits(t *testing.T, o fyne.CanvasObject) bool {
	t.Helper()
	ts := theme.TextSize()
	switch v := o.(type) {
	case *widget.Label:
		if v.Wrapping != fyne.TextWrapOff {
			// A wrapped label is whole when every word fits its width and its height holds the lines.
			return v.Size().Height >= v.MinSize().Height
		}
		return fyne.MeasureText(v.Text, ts, v.TextStyle).Width+2*theme.InnerPadding() <= v.Size().Width
	case *nlwidget.TextField:
		need := fyne.MeasureText(v.Text, ts, v.TextStyle).Width + 2*theme.InnerPadding()
		if v.ActionItem != nil && v.ActionItem.Visible() {
			need += v.ActionItem.MinSize().Width
		}
		return need <= v.Size().Width
	}
	t.Fatalf("cannot measure %T", o)
	return false
}

// The amendment's status is read whole at 1280 wide, reason and advice alike.
func TestPolishAmendStatusIsReadWhole(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	id := signedSessionOf(t, s, c, addPractitioner(t, s, "Léa Fontaine"))
	e, w := openEditor(t, s, c, id, nil)
	test.Tap(e.saveBtn)
	test.Type(overlayEntry(t, w), "depth for Cheeks typed as 2.5, device log says 1.5")
	tapButton(t, w, "Amend")
	w.Resize(fyne.NewSize(1280, 800))
	shot(t, w, "polish_amend_status")
	if !strings.Contains(e.status.Text, "Ctrl+S") || !textFits(t, e.status) {
		t.Errorf("the amendment's status %q is cut at %v wide", e.status.Text, e.status.Size().Width)
	}
}

// A long product name is read whole in the session editor at 1280 wide.
func TestPolishProductNameIsReadWhole(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	e, w := openEditor(t, s, newTestClient(t, s), "", nil)
	e.addProductRow(productRow{Phase: "during"})
	e.products[0].product.SetText("Hyaluronic acid serum (sterile)")
	e.products[0].lot.SetText("HA-5521")
	w.Resize(fyne.NewSize(1280, 800))
	shot(t, w, "polish_product")
	if !textFits(t, e.products[0].product) || !textFits(t, e.products[0].lot) {
		t.Errorf("the product %q is cut at %v wide", e.products[0].product.Text, e.products[0].product.Size().Width)
	}
}

// A long condition in the client's medical history is read whole at 1280 wide.
func TestPolishClientHistoryConditionIsReadWhole(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	fx := newClientFormFixture(t, s, data.Client{FirstName: "Hannah", LastName: "Groß",
		History: []data.HistoryEntry{{Condition: "Keloid or hypertrophic scarring history"}}})
	fx.w.Resize(fyne.NewSize(1280, 800))
	shot(t, fx.w, "polish_history")
	r := fx.f.history[0]
	if !textFits(t, r.condition) || !textFits(t, r.since) {
		t.Errorf("the condition %q is cut at %v wide", r.condition.Text, r.condition.Size().Width)
	}
}
