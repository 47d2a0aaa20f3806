package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// laterSession records the fixture client's next session of the series, days after the first.
func (fx *photoFixture) laterSession(t *testing.T, n int, days int) data.Session {
	t.Helper()
	s := data.Session{ClientID: fx.client.ID, StartedAt: fx.session.StartedAt.AddDate(0, 0, days), SeriesN: n, SeriesOf: 3,
		NoSideEffects: true, Zones: []data.ZoneTreatment{{Zone: fx.zone, DepthMM: 1.25, Passes: 3}}}
	if err := fx.store.CreateSession(context.Background(), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// comparing opens the fixture client's photo screen on the comparison it opens with, both photos in.
func (fx *photoFixture) comparing(t *testing.T) (*photoScreen, *photoComparison) {
	t.Helper()
	lists, err := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	p.compare("")
	waitFor(t, "the comparison", func() bool {
		c := p.comparison
		return c != nil && c.sides[0].img != nil && c.sides[1].img != nil
	})
	return p, p.comparison
}

// onScreen says whether o is shown whole inside the window.
func onScreen(w fyne.Window, root, o fyne.CanvasObject) bool {
	shown := false
	walkVisible(root, func(x fyne.CanvasObject) { shown = shown || x == o })
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	size, win := o.Size(), w.Canvas().Size()
	return shown && pos.X >= 0 && pos.Y >= 0 && pos.X+size.Width <= win.Width+0.5 && pos.Y+size.Height <= win.Height+0.5
}

// The comparison offers "Record result…", which opens the result form beside the photos,
// assessed from photos, today, after the session the later photo was taken at; Cancel puts it
// away and loses nothing, and a saved result is said on the comparison and on the client's page.
func TestRecordResultFromTheComparison(t *testing.T) {
	fx := newPhotoFixture(t)
	second := fx.laterSession(t, 2, 1)
	tags := func(kind data.PhotoKind, session string) data.PhotoTags {
		return data.PhotoTags{SessionID: session, Kind: kind, View: "Frontal", Zone: fx.zone}
	}
	before := fx.importKind(t, "IMG_0001.JPG", 10, fx.session.StartedAt.Add(-10*time.Minute), tags(data.PhotoBefore, fx.session.ID))
	after := fx.importKind(t, "IMG_0002.JPG", 80, second.StartedAt.Add(50*time.Minute), tags(data.PhotoAfter, second.ID))
	p, c := fx.comparing(t)
	if c.sides[0].photo.ID != before.ID || c.sides[1].photo.ID != after.ID {
		t.Fatalf("the comparison opened on %s and %s", c.sides[0].photo.ID, c.sides[1].photo.ID)
	}
	btn := findButton(t, c.root, "Record result…")
	if btn.Disabled() || btn.Importance != widget.HighImportance || !onScreen(fx.w, c.root, btn) {
		t.Fatalf("Record result… is not offered plainly: disabled %v, importance %v", btn.Disabled(), btn.Importance)
	}

	test.Tap(btn)
	f := c.result
	if f == nil {
		t.Fatal("Record result… opened no form")
	}
	if f.pick.Selected != sessionLabel(mustSession(t, p, second.ID)) || f.session.SessionID != second.ID {
		t.Errorf("the form is for the session %q, want the later photo's, %s", f.pick.Selected, second.ID)
	}
	if !f.fromPhotos.Checked {
		t.Error("the form is not marked as assessed from photos")
	}
	if day, err := data.ParseTypedDate(f.assessed.Text); err != nil || !day.Equal(data.DateOf(fx.store.Now())) {
		t.Errorf("assessed on %q, want today", f.assessed.Text)
	}
	if !btn.Disabled() {
		t.Error("Record result… stays on offer with its form open")
	}
	// The photos stay in view beside the form, each wide enough to judge.
	for i, s := range c.sides {
		if !onScreen(fx.w, c.root, s.view) || s.view.Size().Width < 300 {
			t.Errorf("photo %d is %v wide beside the form", i+1, s.view.Size().Width)
		}
	}
	save := findButton(t, c.beside, "Save result")
	if !onScreen(fx.w, c.root, save) || !onScreen(fx.w, c.root, findButton(t, c.beside, "Cancel")) {
		t.Error("the form's buttons are not in the window")
	}
	f.gais.SetSelected("improved")
	shoot(t, fx.w, "compare-result.png")
	fx.w.Resize(fyne.NewSize(1440, 900))
	shoot(t, fx.w, "compare-result-1440.png")
	fx.w.Resize(fyne.NewSize(1280, 800))

	// Cancel: the form goes, nothing is recorded, the comparison is as it was.
	test.Tap(findButton(t, c.beside, "Cancel"))
	if c.result != nil || c.beside.Visible() || btn.Disabled() || p.comparison != c ||
		c.sides[0].photo.ID != before.ID || c.sides[1].photo.ID != after.ID {
		t.Fatal("Cancel did not leave the comparison as it was")
	}
	if got, err := fx.store.Outcomes(context.Background(), fx.client.ID); err != nil || len(got) != 0 {
		t.Fatalf("Cancel recorded %+v (%v)", got, err)
	}

	test.Tap(btn)
	f = c.result
	f.gais.SetSelected("much improved")
	f.satisfaction.SetText("9")
	test.Tap(findButton(t, c.beside, "Save result"))
	waitFor(t, "the result to be saved", func() bool { return c.result == nil })
	got, err := fx.store.Outcomes(context.Background(), fx.client.ID)
	if err != nil || len(got) != 1 {
		t.Fatalf("results: %+v %v", got, err)
	}
	if o := got[0]; o.SessionID != second.ID || o.GAIS != data.GAISMuchImproved || !o.FromPhotos ||
		!data.DateOf(o.AssessedAt).Equal(data.DateOf(fx.store.Now())) || o.Satisfaction.V != 9 {
		t.Fatalf("saved %+v", o)
	}
	if !c.recorded.Visible() || !strings.Contains(c.saidSaved.Text, "much improved, satisfaction 9/10") || c.beside.Visible() {
		t.Errorf("the comparison says %q (shown %v) once saved", c.saidSaved.Text, c.recorded.Visible())
	}
	if !onScreen(fx.w, c.root, c.sides[1].view) {
		t.Error("the photos are not back in full once saved")
	}
	shoot(t, fx.w, "compare-result-saved.png")

	page := newClientPage(fx.store)
	if err := page.update(context.Background(), fx.client.ID); err != nil {
		t.Fatal(err)
	}
	test.NewTempWindow(t, page.content()).Resize(fyne.NewSize(1280, 800))
	if shown := labelsIn(page.content()); !strings.Contains(shown, "result: much improved, satisfaction 9/10") {
		t.Fatalf("the client's page does not show the result: %s", shown)
	}
}

func mustSession(t *testing.T, p *photoScreen, id string) data.TimelineEntry {
	t.Helper()
	e, ok := p.sessionOf(id)
	if !ok {
		t.Fatalf("no session %s on the photo screen", id)
	}
	return e
}

// A result assessed from photos follows the later photo's session; for a later photo of no
// session (a follow-up's), the latest session of the earlier photo's series taken by then, never
// one of the next series nor one after the photo.
func TestTheSessionAResultFromPhotosFollows(t *testing.T) {
	day := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	entry := func(id string, days, n int) data.TimelineEntry {
		return data.TimelineEntry{SessionID: id, StartedAt: day.AddDate(0, 0, days), SeriesN: n, SeriesOf: 3}
	}
	// Newest first, as the timeline lists them: a series of three, then a new one.
	sessions := []data.TimelineEntry{entry("b1", 120, 1), entry("a3", 56, 3), entry("a2", 28, 2), entry("a1", 0, 1)}
	photo := func(session string, days int) data.Photo {
		return data.Photo{PhotoTags: data.PhotoTags{SessionID: session}, TakenAt: day.AddDate(0, 0, days).Add(time.Hour)}
	}
	for _, tc := range []struct {
		name string
		a, b data.Photo
		want string
	}{
		{"the later photo's session", photo("a1", 0), photo("a2", 28), "a2"},
		{"whichever side the later photo is on", photo("a3", 56), photo("a1", 0), "a3"},
		{"a follow-up after the series", photo("a1", 0), photo("", 90), "a3"},
		{"a follow-up within the series", photo("a1", 0), photo("", 40), "a2"},
		{"a follow-up after the next series began", photo("a1", 0), photo("", 150), "a3"},
		{"a later photo of a session no longer there", photo("a2", 28), photo("gone", 60), "a3"},
		{"neither photo of a session", photo("", 0), photo("", 60), ""},
	} {
		got, ok := resultSession(tc.a, tc.b, sessions)
		if got.SessionID != tc.want || ok != (tc.want != "") {
			t.Errorf("%s: %q (%v), want %q", tc.name, got.SessionID, ok, tc.want)
		}
	}
}

// Photos of no session: the form opens with no session chosen and says, in one sentence, to
// choose it; it is not saved until one is. A client with no session at all is told to record one.
func TestRecordResultFromPhotosOfNoSession(t *testing.T) {
	fx := newPhotoFixture(t)
	tags := data.PhotoTags{Kind: data.PhotoFollowUp, View: "Frontal", Zone: fx.zone}
	fx.importKind(t, "IMG_0001.JPG", 10, fx.session.StartedAt.Add(-10*time.Minute), tags)
	fx.importKind(t, "IMG_0002.JPG", 80, fx.session.StartedAt.Add(25*time.Hour), tags)
	_, c := fx.comparing(t)
	test.Tap(findButton(t, c.root, "Record result…"))
	f := c.result
	if f == nil || f.pick.Selected != "" {
		t.Fatalf("the form opened for a session the photos do not say: %+v", f)
	}
	if !onScreen(fx.w, c.root, f.pickHint) || f.pickHint.Text != "Neither photo belongs to a session: choose the session this result follows." {
		t.Errorf("the form says %q beside the session", f.pickHint.Text)
	}
	shoot(t, fx.w, "compare-result-nosession.png")
	f.gais.SetSelected("improved")
	test.Tap(findButton(t, c.beside, "Save result"))
	if c.result == nil || !strings.Contains(f.fields.notes["session"].Text, "Choose the session the result follows.") {
		t.Fatalf("saved without a session, or said %q", f.fields.notes["session"].Text)
	}
	f.pick.SetSelectedIndex(0)
	if f.pickHint.Visible() {
		t.Error("the form still asks for a session once one is chosen")
	}
	test.Tap(findButton(t, c.beside, "Save result"))
	waitFor(t, "the result to be saved", func() bool { return c.result == nil })
	if got, err := fx.store.Outcomes(context.Background(), fx.client.ID); err != nil || len(got) != 1 || got[0].SessionID != fx.session.ID {
		t.Fatalf("results: %+v %v", got, err)
	}

	// A client with photos and no session yet.
	other := data.Client{FirstName: "Mia", LastName: "Holm", PhotoConsent: data.PhotoConsentClinical}
	if err := fx.store.CreateClient(context.Background(), &other); err != nil {
		t.Fatal(err)
	}
	fx.client = other
	fx.importKind(t, "IMG_0003.JPG", 30, fx.session.StartedAt, tags)
	fx.importKind(t, "IMG_0004.JPG", 60, fx.session.StartedAt.Add(24*time.Hour), tags)
	_, c = fx.comparing(t)
	test.Tap(findButton(t, c.root, "Record result…"))
	if c.result != nil || !strings.Contains(overlayText(fx.w), "record the session first (New session on their page), then the result") {
		t.Fatalf("a client without sessions: form %v, window says %q", c.result != nil, overlayText(fx.w))
	}
}

// Leaving the comparison with a result begun asks first; staying keeps it as typed.
func TestLeavingTheComparisonWithAResultBegunAsks(t *testing.T) {
	fx := newPhotoFixture(t)
	tags := func(kind data.PhotoKind) data.PhotoTags {
		return data.PhotoTags{SessionID: fx.session.ID, Kind: kind, View: "Frontal", Zone: fx.zone}
	}
	fx.importKind(t, "IMG_0001.JPG", 10, fx.session.StartedAt.Add(-10*time.Minute), tags(data.PhotoBefore))
	fx.importKind(t, "IMG_0002.JPG", 80, fx.session.StartedAt.Add(50*time.Minute), tags(data.PhotoAfter))
	p, c := fx.comparing(t)
	test.Tap(findButton(t, c.root, "Record result…"))
	c.result.notes.SetText("Texture smoother on the left cheek.")
	if !p.unsaved() {
		t.Error("a result begun is not unsaved work of the photo screen")
	}
	test.Tap(findButton(t, c.root, "Gallery"))
	if p.comparison != c || !strings.Contains(overlayText(fx.w), "Leave without saving the result?") {
		t.Fatalf("the comparison was left without asking: %q", overlayText(fx.w))
	}
	test.Tap(findButton(t, fx.w.Canvas().Overlays().Top(), "No"))
	if p.comparison != c || c.result == nil || c.result.notes.Text != "Texture smoother on the left cheek." {
		t.Fatal("staying lost the result begun")
	}
}

// A practice open read-only offers no result to record: nothing could be saved.
func TestNoResultToRecordReadOnly(t *testing.T) {
	fx := newPhotoFixture(t)
	tags := func(kind data.PhotoKind) data.PhotoTags {
		return data.PhotoTags{SessionID: fx.session.ID, Kind: kind, View: "Frontal", Zone: fx.zone}
	}
	fx.importKind(t, "IMG_0001.JPG", 10, fx.session.StartedAt.Add(-10*time.Minute), tags(data.PhotoBefore))
	fx.importKind(t, "IMG_0002.JPG", 80, fx.session.StartedAt.Add(50*time.Minute), tags(data.PhotoAfter))
	ro, err := sqlite.Open(context.Background(), fx.store.Path(), sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	fx.store = ro
	_, c := fx.comparing(t)
	walkVisible(c.root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Record result…" {
			t.Error("a read-only practice offers Record result…")
		}
	})
}
