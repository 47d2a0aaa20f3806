package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"needlelog.app/needlelog/data"
)

// A tag changed in the viewer is saved as it is made, with a small "Saved"; a save refused
// (the photo changed meanwhile elsewhere) is said in a sentence, and what was chosen is kept.
func TestViewerSavesEachTagAsItIsChanged(t *testing.T) {
	fx := newPhotoFixture(t)
	at := fx.session.StartedAt
	tags := data.PhotoTags{SessionID: fx.session.ID, Kind: data.PhotoBefore, View: "Frontal"}
	fx.importKind(t, "IMG_0001.JPG", 10, at.Add(-10*time.Minute), tags)
	fx.importKind(t, "IMG_0002.JPG", 90, at.Add(-5*time.Minute), tags)
	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.open(0)
	v := p.viewer
	waitFor(t, "the photo", func() bool { return v.photo.ID == p.photos[0].ID })

	v.kind.SetSelected(string(data.PhotoAfter))
	var stored data.Photo
	waitFor(t, "the kind to save", func() bool {
		stored, _ = fx.store.Photo(context.Background(), v.photo.ID)
		return stored.Kind == data.PhotoAfter && v.saved.Text == "Saved" && v.saved.Visible()
	})
	v.zone.SetSelected(fx.zone)
	waitFor(t, "the zone to save", func() bool {
		stored, _ = fx.store.Photo(context.Background(), v.photo.ID)
		return stored.Zone == fx.zone && v.saved.Text == "Saved"
	})

	// Changed meanwhile from another window: the next change is refused, in a sentence.
	other := stored
	other.Note = "From the other window"
	if err := fx.store.UpdatePhoto(context.Background(), &other); err != nil {
		t.Fatal(err)
	}
	v.viewSel.SetSelected("Left 45°")
	waitFor(t, "the refusal", func() bool { return !v.saving && v.saved.Text != "Saving…" && v.saved.Text != "Saved" })
	msg := v.saved.Text
	if !strings.HasPrefix(msg, "Could not save this change to the photo") || !strings.HasSuffix(msg, ".") ||
		strings.Contains(strings.ToLower(msg), "sql") || strings.Contains(msg, v.photo.ID) {
		t.Errorf("a refused save reads %q", msg)
	}
	if v.viewSel.Selected != "Left 45°" || !v.unsaved() {
		t.Errorf("after a refused save the view reads %q, unsaved %v", v.viewSel.Selected, v.unsaved())
	}
	if stored, _ = fx.store.Photo(context.Background(), v.photo.ID); stored.Note != "From the other window" || stored.View != "Frontal" {
		t.Errorf("the other window's change was overwritten: %+v", stored.PhotoTags)
	}
}
