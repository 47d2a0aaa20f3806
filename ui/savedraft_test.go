package ui

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// keepDraftOf has the editor keep a draft of what is typed, and waits until it is written.
func keepDraftOf(t *testing.T, e *sessionEditor) {
	t.Helper()
	e.saveDraft()
	waitFor(t, "the draft to be kept", func() bool { return e.draftID != "" })
}

func draftsOf(t *testing.T, e *sessionEditor) []data.Draft {
	t.Helper()
	d, err := e.store.Drafts(context.Background(), e.ed.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Saving changes to a session removes the draft they were kept in; a save the store refuses keeps it.
func TestSavingChangesRemovesTheirDraft(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	e, w := openEditor(t, s, c, "", nil)
	completeSessionIn(t, e)
	id := e.base.ID
	e.finish()

	e, _ = openEditor(t, s, c, id, nil)
	e.notesEntry.SetText("Stopped at the jawline.")
	keepDraftOf(t, e)
	e.save()
	waitFor(t, "the save", func() bool { return !e.changed() && !e.saving })
	if d := draftsOf(t, e); len(d) != 0 {
		t.Fatalf("drafts left after saving: %+v", d)
	}
	if got, _ := s.Session(context.Background(), id); got.Notes != "Stopped at the jawline." {
		t.Fatalf("saved notes %q", got.Notes)
	}
	e.finish()

	// Changed elsewhere meanwhile: the editor's save is refused, and what was typed is still kept.
	e, w = openEditor(t, s, c, id, nil)
	e.notesEntry.SetText("Client asked for a lighter pass.")
	keepDraftOf(t, e)
	elsewhere, err := s.Session(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere.HandpieceSerial = "HP-77"
	if err := s.UpdateSession(context.Background(), &elsewhere); err != nil {
		t.Fatal(err)
	}
	e.save()
	waitFor(t, "the refused save", func() bool { return !e.saving })
	if msg := overlayText(w); msg == "" {
		t.Fatal("a refused save said nothing")
	}
	if d := draftsOf(t, e); len(d) != 1 || d[0].ID != e.draftID || !strings.Contains(string(d[0].Form), "a lighter pass") {
		t.Fatalf("drafts after a refused save: %+v", d)
	}
}

// An amendment removes the draft it was typed in, as a save does.
func TestAmendingRemovesItsDraft(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := consentedClient(t, s)
	p := addPractitioner(t, s, "Léa Fontaine")
	e, w := openEditor(t, s, c, "", nil)
	e.practitioner.SetSelected(p.Name)
	completeSessionIn(t, e)
	e.sign()
	tapButton(t, w, "Sign")
	waitFor(t, "the signature", func() bool { return e.base.Status == data.StatusSigned })

	e.save() // Amend…
	test.Type(overlayEntry(t, w), "Depth typed wrong")
	tapButton(t, w, "Amend")
	e.zones[0].depth.SetText("0.75")
	keepDraftOf(t, e)

	// While the draft cannot be removed, the amendment is not made either.
	db := blockDraftRemoval(t, s.Path())
	e.save()
	waitFor(t, "the refused amendment", func() bool { return !e.saving })
	if a, err := s.Amendments(context.Background(), e.base.ID); err != nil || len(a) != 0 {
		t.Fatalf("amendments made beside a draft that stayed: %+v %v", a, err)
	}
	for _, o := range w.Canvas().Overlays().List() {
		w.Canvas().Overlays().Remove(o)
	}
	if _, err := db.Exec(`DROP TRIGGER drafts_stay`); err != nil {
		t.Fatal(err)
	}
	e.save()
	waitFor(t, "the amendment", func() bool { return len(e.ed.amends) == 1 })
	if d := draftsOf(t, e); len(d) != 0 {
		t.Fatalf("drafts left after amending: %+v", d)
	}
}

// The session and the removal of its draft are one save: when the draft cannot be removed, the
// session is not saved either, and the editor says so with what was typed still there.
func TestASaveThatCannotRemoveItsDraftSavesNothing(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	c := newTestClient(t, s)
	e, w := openEditor(t, s, c, "", nil)
	e.toggleZone("Cheeks")
	e.zones[0].depth.SetText("0.5")
	keepDraftOf(t, e)
	blockDraftRemoval(t, s.Path())
	e.save()
	waitFor(t, "the refused save", func() bool { return !e.saving })
	if msg := overlayText(w); msg == "" {
		t.Fatal("a refused save said nothing")
	}
	if tl, err := s.Timeline(context.Background(), c.ID); err != nil || len(tl) != 0 {
		t.Fatalf("sessions saved beside a draft that stayed: %+v %v", tl, err)
	}
	if d := draftsOf(t, e); len(d) != 1 {
		t.Fatalf("drafts: %+v", d)
	}
	if e.base.ID != "" || !e.changed() {
		t.Fatal("the editor takes the refused save for saved")
	}
}

// blockDraftRemoval makes the practice file refuse to remove drafts, until the trigger drafts_stay
// is dropped through the connection it returns.
func blockDraftRemoval(t *testing.T, path string) *sql.DB {
	t.Helper()
	db := sqlitetest.OpenRaw(t, path)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TRIGGER drafts_stay BEFORE DELETE ON drafts BEGIN SELECT RAISE(ABORT, 'drafts stay'); END`); err != nil {
		t.Fatal(err)
	}
	return db
}
