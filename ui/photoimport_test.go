package ui

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"image/png"
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
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
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
	r := item.(*importRow)
	c := r.check
	want := "Not imported: a link to another file; import the file itself"
	if c.Text != "IMG_0002.JPG   (card)" || r.taken.Text != want || c.Checked || !c.Disabled() {
		t.Errorf("the link's row reads %q, %q, ticked %v, disabled %v; want %q, unticked, disabled", c.Text, r.taken.Text,
			c.Checked, c.Disabled(), want)
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
	e, w := openEditor(t, fx.store, fx.client, fx.session.ID, nil)
	e.chooseFolder = func(_ fyne.App, _ fyne.Window, then func([]string, ...ondisk.SkippedFile)) { then([]string{path}) }

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

// Each row of the import list shows the photo's thumbnail and when it was taken, read only for
// the rows on screen; a file that cannot be imported says why on its row; and a row's own view
// wins over the one set for all.
func TestImportListShowsThumbnailsTimesAndAViewPerPhoto(t *testing.T) {
	fx := newPhotoFixture(t)
	card := filepath.Join(fx.dir, "DCIM")
	if err := os.MkdirAll(card, 0o755); err != nil {
		t.Fatal(err)
	}
	exif, err := os.ReadFile("../data/photo/testdata/gps.jpg") // taken 17 May 2024, 14:03:09 by its EXIF
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{filepath.Join(card, "IMG_0001.JPG"), filepath.Join(card, "IMG_0002.JPG"), filepath.Join(card, "IMG_0003.HEIC")}
	if err := os.WriteFile(paths[0], exif, 0o644); err != nil {
		t.Fatal(err)
	}
	fileTime := fx.session.StartedAt.Add(-5 * time.Minute)
	writeJPEG(t, paths[1], 800, 600, 20, fileTime) // no EXIF: the file's date
	if err := os.WriteFile(paths[2], append([]byte{0, 0, 0, 24}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 300 { // a full card: far more rows than the list shows
		p := filepath.Join(card, fmt.Sprintf("IMG_%04d.JPG", i+4))
		writeJPEG(t, p, 32, 24, uint8(i), fileTime)
		paths = append(paths, p)
	}
	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	var results []importOutcome
	d := newImportDialog(fx.w, fx.store, fx.client, paths, lists.sessions, lists.views, lists.zones,
		func(r []importOutcome) { results = r })
	d.show()
	shot(t, fx.w, "importlist")

	rows := map[string]*importRow{}
	walkOverlay(fx.w, func(o fyne.CanvasObject) {
		if r, ok := o.(*importRow); ok {
			rows[strings.Fields(r.check.Text)[0]] = r
		}
	})
	if len(rows) < 3 || len(d.thumbs) > 60 {
		t.Fatalf("%d rows on screen, %d files read of %d", len(rows), len(d.thumbs), len(paths))
	}
	for name, want := range map[string]string{
		"IMG_0001.JPG":  "Taken 17 May 2024, ",
		"IMG_0002.JPG":  "File dated " + wording.DateTime(fileTime) + " (the photo does not say when it was taken)",
		"IMG_0003.HEIC": "Cannot be imported: HEIC",
	} {
		r := rows[name]
		if r == nil {
			t.Fatalf("no row for %s", name)
		}
		if !strings.HasPrefix(r.taken.Text, want) {
			t.Errorf("%s's row says %q, want %q", name, r.taken.Text, want)
		}
		if img := r.thumb.Image; (img == nil) != (name == "IMG_0003.HEIC") || img != nil && img.Bounds().Dx() > 2*thumbShown {
			t.Errorf("%s's row shows thumbnail %v", name, img)
		}
	}

	// IMG_0001 is a left 45° view, the others frontal.
	rows["IMG_0001.JPG"].view.SetSelected("Left 45°")
	d.tickAll(false)
	d.tick[0], d.tick[1] = true, true
	d.countTicked()
	d.view.SetSelected("Frontal")
	test.Tap(d.importB)
	waitFor(t, "the import", func() bool { return results != nil })
	if len(results) != 2 || results[0].err != nil || results[1].err != nil {
		t.Fatalf("outcomes %+v", results)
	}
	if v0, v1 := results[0].photo.View, results[1].photo.View; v0 != "Left 45°" || v1 != "Frontal" {
		t.Errorf("imported as %q and %q, want Left 45° and Frontal", v0, v1)
	}
}

// shot keeps what the window shows as a PNG under the test's temporary folder, to look at.
func shot(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := os.Getenv("NEEDLELOG_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// Files the import would refuse, or that are stored already, are flagged in the list before the
// import, unticked and left out of the count; a refusal's reason shows in full.
func TestImportDialogUnticksFilesThatWouldNotBeImported(t *testing.T) {
	fx := newPhotoFixture(t)
	stored := filepath.Join(fx.dir, "IMG_0001.JPG")
	writeJPEG(t, stored, 640, 480, 1, fx.session.StartedAt)
	if results, _ := fx.importThroughDialog(t, []string{stored}, noneYet); len(results) != 1 || results[0].err != nil {
		t.Fatalf("the first import: %+v", results)
	}
	for _, o := range fx.w.Canvas().Overlays().List() {
		fx.w.Canvas().Overlays().Remove(o)
	}
	fresh := filepath.Join(fx.dir, "IMG_0002.JPG")
	writeJPEG(t, fresh, 640, 480, 2, fx.session.StartedAt)
	scans, err := os.ReadFile("../data/photo/testdata/scans-150.jpg") // refused for its many scans
	if err != nil {
		t.Fatal(err)
	}
	refused := filepath.Join(fx.dir, "IMG_0003.JPG")
	if err := os.WriteFile(refused, scans, 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{stored, fresh, refused}
	lists, err := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := newImportDialog(fx.w, fx.store, fx.client, paths, lists.sessions, lists.views, lists.zones, nil)
	d.show()
	waitFor(t, "the files to be read", func() bool {
		for i := range paths {
			if th := d.thumbs[i]; th == nil || th.taken == "" {
				return false
			}
		}
		return true
	})
	capture(t, fx.w, "import-unfit")
	if got := d.ticked(); len(got) != 1 || got[0] != fresh || d.importB.Text != "Import 1 file" {
		t.Fatalf("ticked %v, button %q; want only %s", got, d.importB.Text, fresh)
	}
	row := func(i int) *importRow {
		item := d.list.CreateItem()
		d.list.UpdateItem(i, item)
		return item.(*importRow)
	}
	if r := row(0); !strings.HasPrefix(r.taken.Text, "Already stored") || r.check.Checked || !r.check.Disabled() {
		t.Errorf("the stored file's row reads %q, ticked %v, disabled %v", r.taken.Text, r.check.Checked, r.check.Disabled())
	}
	r := row(2)
	if !strings.HasPrefix(r.taken.Text, "Cannot be imported: ") || r.check.Checked || !r.check.Disabled() {
		t.Errorf("the refused file's row reads %q, ticked %v, disabled %v", r.taken.Text, r.check.Checked, r.check.Disabled())
	}
	if r.taken.Truncation != fyne.TextTruncateOff || r.taken.Wrapping != fyne.TextWrapWord {
		t.Errorf("the refused file's reason is cut off (truncation %v, wrapping %v)", r.taken.Truncation, r.taken.Wrapping)
	}
	d.tickAll(false)
	d.tickAll(true)
	if got := d.ticked(); len(got) != 1 || got[0] != fresh {
		t.Errorf("Tick all ticks %v", got)
	}
}

// importOne imports one file as the dialog's Import does, and says what became of it.
func importOne(ctx context.Context, store *sqlite.Store, clientID, path string, choice importChoice) importOutcome {
	res, err := ondisk.ImportPhotos(ctx, store, choice.request(clientID, []string{path}), nil)
	if err != nil || len(res.Files) != 1 {
		return importOutcome{path: path, err: cmp.Or(err, errors.New("no outcome"))}
	}
	return outcomeOf(res.Files[0])
}

// A refused file's reason, wrapped, fits within its row at 1280×800: the row grows to it.
func TestImportListRowFitsTheReasonAFileIsRefused(t *testing.T) {
	fx := newPhotoFixture(t)
	fx.w.Resize(fyne.NewSize(1280, 800))
	var paths []string
	for i := range 4 {
		p := filepath.Join(fx.dir, fmt.Sprintf("IMG_%04d.jpg", i+1))
		writeJPEG(t, p, 64, 48, uint8(i), fx.session.StartedAt)
		paths = append(paths, p)
	}
	broken := filepath.Join(fx.dir, "broken.heic") // not a photo at all, whatever its name says
	if err := os.WriteFile(broken, []byte(strings.Repeat("not a photo ", 40)), 0o644); err != nil {
		t.Fatal(err)
	}
	paths = append(paths[:2], append([]string{broken}, paths[2:]...)...)
	lists, err := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := newImportDialog(fx.w, fx.store, fx.client, paths, lists.sessions, lists.views, lists.zones, nil)
	d.show()
	waitFor(t, "the files to be read", func() bool {
		for i := range paths {
			if th := d.thumbs[i]; th == nil || th.taken == "" {
				return false
			}
		}
		return true
	})
	d.list.Refresh()
	shot(t, fx.w, "import-refused-row")
	var row *importRow
	walkOverlay(fx.w, func(o fyne.CanvasObject) {
		if r, ok := o.(*importRow); ok && strings.HasPrefix(r.check.Text, "broken.heic") {
			row = r
		}
	})
	if row == nil {
		t.Fatal("no row for broken.heic on screen")
	}
	if !strings.HasPrefix(row.taken.Text, "Cannot be imported: ") {
		t.Fatalf("the row reads %q", row.taken.Text)
	}
	drv := fyne.CurrentApp().Driver()
	bottom := drv.AbsolutePositionForObject(row.taken).Y + row.taken.MinSize().Height
	if rowBottom := drv.AbsolutePositionForObject(row).Y + row.Size().Height; bottom > rowBottom+0.5 {
		t.Errorf("the reason ends at y %v, below its row's foot at %v", bottom, rowBottom)
	}
}
