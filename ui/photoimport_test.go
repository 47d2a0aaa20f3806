package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
)

// The import dialog offers "Remove location (GPS) from originals", ticked: a phone photo with
// a GPS position is stored without it; unticked, the original is stored as it is.
func TestImportDialogRemovesLocation(t *testing.T) {
	fx := newPhotoFixture(t)
	file, err := os.ReadFile("../data/photo/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(fx.dir, "IMG_0001.JPG")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	lists, err := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored := func(keep bool) []byte {
		t.Helper()
		var results []importOutcome
		d := newImportDialog(fx.w, fx.store, fx.client, []string{path}, lists.sessions, lists.views, lists.zones,
			func(r []importOutcome) { results = r })
		d.show()
		if d.noGPS.Text != "Remove location (GPS) from originals" || !d.noGPS.Checked {
			t.Fatalf("the location check reads %q, ticked %v", d.noGPS.Text, d.noGPS.Checked)
		}
		if keep {
			test.Tap(d.noGPS)
		}
		test.Tap(d.importB)
		waitFor(t, "the import", func() bool { return results != nil })
		if len(results) != 1 || results[0].err != nil {
			t.Fatalf("outcomes %+v", results)
		}
		b, err := fx.store.PhotoOriginal(context.Background(), results[0].photo.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := fx.store.DeletePhoto(context.Background(), results[0].photo.ID, "test"); err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := stored(false); photo.HasLocation(b) || bytes.Contains(b, []byte("WGS-84")) || len(b) != len(file) {
		t.Error("the stored original has its GPS position")
	}
	if b := stored(true); !bytes.Equal(b, file) {
		t.Error("with the check unticked, the stored original is not the file's bytes")
	}
}

// Links in a chosen folder are listed in the import dialog, greyed out and unticked, with why.
func TestImportDialogListsLinks(t *testing.T) {
	fx := newPhotoFixture(t)
	dir := filepath.Join(fx.dir, "card")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeJPEG(t, filepath.Join(dir, "IMG_0001.JPG"), 64, 48, 1, fx.session.StartedAt)
	target := filepath.Join(t.TempDir(), "IMG_0002.JPG")
	writeJPEG(t, target, 64, 48, 2, fx.session.StartedAt)
	link := filepath.Join(dir, "IMG_0002.JPG")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	files, skipped := droppedFiles([]fyne.URI{storage.NewFileURI(dir)})
	if len(files) != 1 || len(skipped) != 1 || skipped[0].Path != link {
		t.Fatalf("dropped folder gives %v and %v", files, skipped)
	}
	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	d := newImportDialog(fx.w, fx.store, fx.client, files, lists.sessions, lists.views, lists.zones, nil).listSkipped(skipped)
	d.show()
	if len(d.paths) != 2 || d.list.Length() != 2 {
		t.Fatalf("the list has %d rows", d.list.Length())
	}
	item := d.list.CreateItem()
	d.list.UpdateItem(1, item)
	c := item.(*widget.Check)
	want := "IMG_0002.JPG   (card): not imported, a link to another file; import the file itself"
	if c.Text != want || c.Checked || !c.Disabled() {
		t.Errorf("the link's row reads %q, ticked %v, disabled %v; want %q, unticked, disabled", c.Text, c.Checked, c.Disabled(), want)
	}
	d.tickAll(true)
	if got := d.ticked(); len(got) != 1 || got[0] != files[0] {
		t.Errorf("Tick all ticks %v", got)
	}
	if !strings.Contains(d.note.Text, "1 file cannot be imported from here") || d.importB.Text != "Import 1 file" {
		t.Errorf("note %q, button %q", d.note.Text, d.importB.Text)
	}
}

// The session editor's "Add photos…" opens the import dialog filed under the open session, as
// dropping files onto the editor does, and the photos are stored under it.
func TestSessionEditorAddsPhotosUnderItsSession(t *testing.T) {
	fx := newPhotoFixture(t)
	path := filepath.Join(fx.dir, "IMG_0001.JPG")
	writeJPEG(t, path, 800, 600, 30, fx.session.StartedAt.Add(-10*time.Minute))
	chooseFolder = func(_ fyne.App, _ fyne.Window, then func([]string, ...data.SkippedFile)) { then([]string{path}) }
	t.Cleanup(func() { chooseFolder = chooseImportFolder })
	e, w := openEditor(t, fx.store, fx.client, fx.session.ID, nil)

	var add *widget.Button
	walk(e.root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Add photos…" {
			add = b
		}
	})
	if add == nil {
		t.Fatal("the session editor has no Add photos… button")
	}
	test.Tap(add)
	var session *widget.Select
	waitFor(t, "the import dialog", func() bool {
		walkOverlay(w, func(o fyne.CanvasObject) {
			if s, ok := o.(*widget.Select); ok && strings.HasPrefix(s.Selected, "Session of ") {
				session = s
			}
		})
		return session != nil
	})
	test.Tap(overlayButton(t, w, "Import 1 file"))
	var photos []data.PhotoThumb
	waitFor(t, "the photo to be stored", func() bool {
		photos, _ = fx.store.ListPhotos(context.Background(), data.PhotoQuery{ClientID: fx.client.ID})
		return len(photos) == 1
	})
	if photos[0].SessionID != fx.session.ID || photos[0].Kind != data.PhotoBefore {
		t.Errorf("the photo is filed under session %q as %q, want %q as before", photos[0].SessionID, photos[0].Kind, fx.session.ID)
	}
}
