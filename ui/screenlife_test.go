package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// holdBackground keeps the background work started from now on until the test runs it: the
// work is under way, and slow, while the test goes on.
func holdBackground(t *testing.T) *[]func() {
	t.Helper()
	var pending []func()
	was := background
	background = func(work func()) { pending = append(pending, work) }
	t.Cleanup(func() { background = was })
	return &pending
}

func runHeld(pending *[]func()) {
	for len(*pending) > 0 {
		work := (*pending)[0]
		*pending = (*pending)[1:]
		work()
	}
}

// Leaving the viewer ends its context, and closing the photo screen ends the screen's: a read it
// started and that is still under way stops, and nothing it would have shown opens over the
// screen that replaced it.
func TestClosingThePhotoScreenStopsItsReads(t *testing.T) {
	fx := newPhotoFixture(t)
	fx.importKind(t, "IMG_0001.JPG", 10, fx.session.StartedAt, data.PhotoTags{Kind: data.PhotoBefore, View: "Frontal"})
	fx.importKind(t, "IMG_0002.JPG", 90, fx.session.StartedAt.Add(time.Hour), data.PhotoTags{Kind: data.PhotoAfter, View: "Frontal"})
	lists, err := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.open(0)
	v := p.viewer
	if v == nil || v.life.ctx.Err() != nil {
		t.Fatal("the viewer did not open with a live context")
	}
	p.backToGallery()
	if !errors.Is(v.life.ctx.Err(), context.Canceled) || p.life.ctx.Err() != nil {
		t.Fatalf("back at the gallery: viewer's context %v, screen's %v", v.life.ctx.Err(), p.life.ctx.Err())
	}
	p.open(1)
	v = p.viewer

	pending := holdBackground(t)
	p.compare("") // reads the client's photos: still under way...
	closed := false
	p.onClose = func() { closed = true }
	p.close() // ...when the practitioner leaves the photos
	if !closed || !errors.Is(p.life.ctx.Err(), context.Canceled) || !errors.Is(v.life.ctx.Err(), context.Canceled) {
		t.Fatalf("closed: %v; screen's context %v, viewer's %v", closed, p.life.ctx.Err(), v.life.ctx.Err())
	}
	if len(*pending) != 1 {
		t.Fatalf("%d reads under way, want 1", len(*pending))
	}
	runHeld(pending)
	if p.comparison != nil {
		t.Fatal("the comparison asked for before closing opened after the screen closed")
	}
	if top := fx.w.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("a closed screen's stopped read shows %q", overlayText(fx.w))
	}
}

// A draft being written when the editor closes is written all the same: it is what was typed.
func TestADraftUnderWayIsKeptAfterTheEditorCloses(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	e, _ := openEditor(t, s, c, "", nil)
	e.toggleZone("Chin")
	pending := holdBackground(t)
	e.saveDraft()
	e.finish()
	if !errors.Is(e.life.ctx.Err(), context.Canceled) {
		t.Fatalf("the editor's context after it closed: %v", e.life.ctx.Err())
	}
	runHeld(pending)
	d, err := s.Drafts(context.Background(), c.ID)
	if err != nil || len(d) != 1 {
		t.Fatalf("drafts after the editor closed: %d (%v)", len(d), err)
	}
}

// Closing Settings ends its context: a read it started stops, and shows nothing; an entry saved
// just before is saved all the same.
func TestClosingSettingsStopsItsReadsNotItsWrites(t *testing.T) {
	a := test.NewTempApp(t)
	store := openStore(t)
	s := newSettingsWindow(a, store, settingsLinks{})
	pending := holdBackground(t)
	s.refresh()
	s.background(func(ctx context.Context) error {
		return store.SetSetting(ctx, data.SettingClinicName, "Skin Studio")
	}, func(err error) {
		if err != nil {
			t.Errorf("saving after Settings closed: %v", err)
		}
	})
	s.win.Close()
	if !errors.Is(s.life.ctx.Err(), context.Canceled) {
		t.Fatalf("Settings' context after it closed: %v", s.life.ctx.Err())
	}
	runHeld(pending)
	s.wait()
	if got, err := store.Setting(context.Background(), data.SettingClinicName); err != nil || got != "Skin Studio" {
		t.Fatalf("clinic name %q (%v)", got, err)
	}
}

func practiceOf(s *sqlite.Store) *openedPractice { return &openedPractice{store: s} }

// The client page's context is the client shown: showing another, or going back to the day's
// work, ends it.
func TestTheClientPageContextEndsWithItsClient(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	m := newMainWindow(fyne.CurrentApp(), s)
	a, b := newTestClient(t, s), newTestClient(t, s)
	m.showClient(data.ClientSummary{ID: a.ID, FirstName: a.FirstName, LastName: a.LastName})
	first := m.page.life
	m.showClient(data.ClientSummary{ID: a.ID, FirstName: a.FirstName, LastName: a.LastName})
	if m.page.life.ctx != first.ctx || first.ctx.Err() != nil {
		t.Fatal("reading the same client's page again began a new context")
	}
	m.showClient(data.ClientSummary{ID: b.ID, FirstName: b.FirstName, LastName: b.LastName})
	if !errors.Is(first.ctx.Err(), context.Canceled) {
		t.Fatal("showing another client did not end the first one's context")
	}
	second := m.page.life
	m.showToday()
	if !errors.Is(second.ctx.Err(), context.Canceled) {
		t.Fatal("going back to the day's work did not end the page's context")
	}
	today, practice := m.today.life, m.life
	m.use(practiceOf(s)) // the window shows a practice anew, as after File › Open
	if !errors.Is(today.ctx.Err(), context.Canceled) || !errors.Is(practice.ctx.Err(), context.Canceled) {
		t.Fatal("showing a practice anew did not end the day's work's context")
	}
	if m.today.life.ctx.Err() != nil || m.life.ctx.Err() != nil {
		t.Fatal("the practice shown anew has no live context")
	}
}

// The lock screen's context ends when it is unlocked: a read of who can sign in still under way
// stops, and does not put the lock screen's words over the practice.
func TestUnlockingEndsTheLockScreensContext(t *testing.T) {
	f := newLockFixture(t)
	f.practitioner(t, "Anna Smith", data.RolePractitioner, "correct horse")
	f.l.useStore(f.store)
	ls := f.l.screen
	if ls == nil || ls.life.ctx.Err() != nil {
		t.Fatal("the practice did not open locked, with a live lock screen")
	}
	pending := holdBackground(t)
	ls.load() // who can sign in: still being read...
	f.l.unlock(data.Practitioner{})
	if !errors.Is(ls.life.ctx.Err(), context.Canceled) {
		t.Fatalf("the lock screen's context after unlocking: %v", ls.life.ctx.Err())
	}
	runHeld(pending)
	if f.l.locked() || !strings.Contains(f.whatShows(), "Zoë") {
		t.Fatalf("after unlocking: %s", f.whatShows())
	}
}
