package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// Closing Settings over an unsaved safety rule asks first, as every other list does; going back
// keeps the edit.
func TestSettingsCloseAsksAboutAnUnsavedSafetyRule(t *testing.T) {
	s, _ := newTestSettings(t)
	r := s.rules
	r.ed.list.Select(0)
	const typed = "Typed into the rule, not saved yet."
	r.message.SetText(typed)

	closed := false
	s.win.SetOnClosed(func() { closed = true })
	s.close()
	if closed || s.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Settings closed over an unsaved safety rule without asking")
	}
	if said := overlayText(s.win); !strings.Contains(said, "Safety rules") {
		t.Fatalf("the question does not name the Safety rules tab: %q", said)
	}
	test.Tap(overlayButton(t, s.win, "Cancel"))
	if closed || s.win.Canvas().Overlays().Top() != nil {
		t.Fatal("going back did not leave Settings open with the question gone")
	}
	if r.message.Text != typed || !r.ed.unsaved() {
		t.Fatalf("going back lost the edit: the message reads %q", r.message.Text)
	}
}
