package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// openTestPractice opens a new practice for writing, claim and all, in a folder that does not
// exist yet.
func openTestPractice(t *testing.T) *openedPractice {
	t.Helper()
	path := filepath.Join(t.TempDir(), "not", "yet", "practice.db")
	p, err := openPractice(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatalf("create a practice in a new folder: %v", err)
	}
	return p
}

// A draft the editor started writing is still under way when the practice closes (the window
// switches practice, or the app quits): closing waits for it, and the draft is in the file.
func TestClosingThePracticeWaitsForAWriteUnderWay(t *testing.T) {
	test.NewTempApp(t)
	p := openTestPractice(t)
	path := p.store.Path()
	c := newTestClient(t, p.store)
	e, _ := openEditor(t, p.store, c, "", nil)
	pending := holdBackground(t)
	e.toggleZone("Chin")
	e.saveDraft() // the draft is being written...
	e.close()     // ...as the editor closes...
	closed := make(chan struct{})
	go func() { p.close(); close(closed) }() // ...and the practice with it
	select {
	case <-closed:
		t.Fatal("the practice closed with a draft still being written")
	case <-time.After(200 * time.Millisecond):
	}
	if len(*pending) == 0 {
		t.Fatal("no draft write under way")
	}
	runHeld(pending)
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the practice did not close once the draft was written")
	}
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if d, err := s.Drafts(context.Background(), c.ID); err != nil || len(d) != 1 {
		t.Fatalf("drafts in the file: %d (%v), want 1", len(d), err)
	}
}

// The clinic's details are saved together or not at all: a phone too long to keep leaves the
// new name unsaved too, and the form keeps what was typed.
func TestClinicDetailsAreSavedTogetherOrNotAtAll(t *testing.T) {
	ctx := context.Background()
	s, store := newTestSettings(t)
	c := s.clinic
	test.Type(c.name, "Glow Skin Clinic")
	c.phone.SetText(strings.Repeat("0113 496 0000 ", 20)) // longer than any phone number
	test.Tap(c.save)
	s.wait()
	for _, key := range []string{data.SettingClinicName, data.SettingClinicPhone} {
		if got, err := store.Setting(ctx, key); err != nil || got != "" {
			t.Fatalf("a refused save stored %s as %q (%v)", key, got, err)
		}
	}
	if c.name.Text != "Glow Skin Clinic" || c.save.Disabled() {
		t.Fatalf("after a refused save: name %q, Save disabled %v", c.name.Text, c.save.Disabled())
	}
}

// An import that the practice's file stops is said in the dialogs' sentence, never in the
// database's words; dates the importer refuses are still said in its own words, to act on.
func TestClientImportNeverShowsTheDatabasesWords(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1000, 700))
	importText := func(s *sqlite.Store, csv string) string {
		t.Helper()
		f, err := data.ReadClientCSV(strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		m := newClientMapping(w, s, "clients.csv", f, nil)
		m.show()
		m.start()
		got := shownText(w)
		w.Canvas().Overlays().Top().Hide()
		return got
	}

	closed := openStore(t)
	closed.Close() // the practice's file is gone from under the import
	got := importText(closed, "First name,Last name\nAda,Lovelace\n")
	if !strings.Contains(got, "Could not import the clients") || strings.Contains(strings.ToLower(got), "sql") ||
		strings.Contains(got, "database is closed") {
		t.Errorf("an import the store stopped shows %q", got)
	}

	got = importText(openStore(t), "First name,Last name,Date of birth\nAda,Lovelace,12/31/1990\n")
	if !strings.Contains(got, "month first") {
		t.Errorf("month-first dates are said as %q", got)
	}
}

// A session form opened from Today that was saved or discarded meanwhile is said so, as written,
// not as a failure to try again.
func TestAFormGoneFromTodayIsSaidSo(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	m := newMainWindow(a, s)
	t.Cleanup(m.stopped)
	m.openSessionFromToday(c.ID, "", "a-draft-since-discarded")
	if got := shownText(m.win); !strings.Contains(got, "That session form was saved or discarded meanwhile.") ||
		strings.Contains(got, "Try again") {
		t.Errorf("a form gone since Today was read is said as %q", got)
	}
}

// A new practice is created, and claimed, in a folder that does not exist yet.
func TestANewPracticeIsMadeInAFolderNotYetThere(t *testing.T) {
	p := openTestPractice(t)
	defer p.close()
	if p.claim == nil || !ondisk.Claimed(p.store.Path()) {
		t.Fatal("the new practice is not claimed")
	}
	if _, err := os.Stat(p.store.Path()); err != nil {
		t.Fatalf("the new practice's file: %v", err)
	}
}
