package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// The opening questions have their text at the top and their buttons right under it, not at the
// foot of a large empty area; the text is shown whole.
func TestOpeningQuestionButtonsSitUnderItsText(t *testing.T) {
	old, _, a := movedByTheMenu(t)
	_, moved := openPractice(context.Background(), old, sqlite.Options{})
	for _, c := range []struct {
		err        error
		text, shot string
	}{
		{moved, "This practice was moved to", "opening-question-moved.png"},
		{fmt.Errorf("check the practice: %w", data.ErrDamaged), "The check made on opening found damage", "opening-question-damaged.png"},
	} {
		w := test.NewTempWindow(t, nil)
		w.Resize(fyne.NewSize(1280, 800))
		askHowToOpen(a, w, old, c.err, func(*openedPractice) {}, "Quit", func() {})
		var text *widget.Label
		walkVisible(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, c.text) {
				text = l
			}
		})
		if text == nil {
			t.Fatalf("the question says %q", overlayText(w))
		}
		d := a.Driver()
		textBottom := d.AbsolutePositionForObject(text).Y + text.MinSize().Height
		quit := overlayButton(t, w, "Quit")
		if gap := d.AbsolutePositionForObject(quit).Y - textBottom; gap < 0 || gap > 24 {
			t.Errorf("%s: the buttons are %v px below the text", c.shot, gap)
		}
		if text.Size().Height < text.MinSize().Height {
			t.Errorf("%s: the text is %v px high of its %v", c.shot, text.Size().Height, text.MinSize().Height)
		}
		shoot(t, w, c.shot)
	}
}
