package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
)

// A result is recorded for a past session from the client page's "Record result…", checked
// field by field, and shown on the session's row once saved.
func TestRecordResultFromTheClientPage(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	se := data.Session{ClientID: c.ID, StartedAt: s.Now().Add(-72 * time.Hour), NoSideEffects: true}
	if err := s.CreateSession(context.Background(), &se); err != nil {
		t.Fatal(err)
	}
	page := newClientPage(s)
	if err := page.update(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, page.content())
	w.Resize(fyne.NewSize(1280, 800))
	var asked data.TimelineEntry
	page.onOutcome = func(_ data.Client, e data.TimelineEntry) { asked = e }
	test.Tap(findButton(t, page.content(), "Record result…"))
	if asked.SessionID != se.ID {
		t.Fatalf("Record result… asked for session %q, want %q", asked.SessionID, se.ID)
	}

	f := newOutcomeForm(s, c.ID, asked)
	fw := test.NewTempWindow(t, f.content())
	fw.Resize(fyne.NewSize(600, 640))
	// Nothing chosen, a satisfaction out of the scale and a day before the session.
	f.satisfaction.SetText("12")
	f.assessed.SetText(data.DateOf(se.StartedAt).AddDays(-1).String())
	f.save(func() { t.Fatal("an invalid result was saved") })
	for _, field := range []string{"gais", "satisfaction", "assessed_at"} {
		if f.fields.notes[field].Text == "" {
			t.Errorf("no message beside %s", field)
		}
	}
	f.satisfaction.SetText("eight")
	f.save(func() { t.Fatal("an invalid result was saved") })
	if !strings.Contains(f.fields.notes["satisfaction"].Text, "whole number") {
		t.Errorf("satisfaction typed in words: %q", f.fields.notes["satisfaction"].Text)
	}

	f.gais.SetSelected("much improved")
	f.satisfaction.SetText(" 8 ")
	f.scarBaseline.SetSelected("3 moderate")
	f.scarNow.SetSelected("2 mild")
	f.fromPhotos.SetChecked(true)
	f.assessed.SetText(data.DateOf(s.Now()).String())
	f.notes.SetText("Rolling scars softer on both cheeks.")
	saved := false
	f.save(func() { saved = true })
	waitFor(t, "the result to be saved", func() bool { return saved })
	got, err := s.Outcomes(context.Background(), c.ID)
	if err != nil || len(got) != 1 {
		t.Fatalf("results: %+v %v", got, err)
	}
	o := got[0]
	if o.SessionID != se.ID || o.GAIS != data.GAISMuchImproved || o.Satisfaction != (data.Optional[int]{V: 8, Valid: true}) ||
		o.ScarBaseline.V != 3 || o.ScarNow.V != 2 || !o.FromPhotos || o.Notes != "Rolling scars softer on both cheeks." {
		t.Fatalf("saved %+v", o)
	}

	if err := page.update(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	if shown := labelsIn(page.content()); !strings.Contains(shown, "result: much improved, satisfaction 8/10, scars 3 → 2") {
		t.Fatalf("the timeline does not show the result: %s", shown)
	}
	shoot(t, w, "outcome-clientpage.png")

	// The dialog as it opens, to look at.
	showOutcomeDialog(w, s, c, asked, func() {})
	shoot(t, w, "outcome-dialog.png")
}
