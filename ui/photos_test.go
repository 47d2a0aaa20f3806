package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
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
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// writeJPEG writes a real photo-like JPEG (a gradient with a mark, so no two are alike) and
// dates the file.
func writeJPEG(t *testing.T, path string, w, h int, seed uint8, modTime time.Time) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), seed, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, modTime, modTime); err != nil {
		t.Fatal(err)
	}
}

// photoFixture is a client with one session of a series and a folder of files from a camera.
type photoFixture struct {
	store   *sqlite.Store
	client  data.Client
	session data.Session
	zone    string
	dir     string
	w       fyne.Window
}

func newPhotoFixture(t *testing.T) *photoFixture {
	t.Helper()
	test.NewTempApp(t)
	fx := &photoFixture{store: openStore(t), dir: t.TempDir()}
	ctx := context.Background()
	fx.client = newTestClient(t, fx.store)
	zones, err := fx.store.Zones(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	fx.zone = zones[0].Name
	// Mid-morning two days ago, so that photos an hour either side stay on the session's day
	// whatever the hour the test runs at.
	y, m, d := fx.store.Now().Local().Date()
	started := time.Date(y, m, d-2, 10, 0, 0, 0, time.Local)
	fx.session = data.Session{ClientID: fx.client.ID, StartedAt: started, SeriesN: 1, SeriesOf: 3, NoSideEffects: true,
		Zones: []data.ZoneTreatment{{Zone: fx.zone, DepthMM: 1.25, Passes: 3}}}
	if err := fx.store.CreateSession(ctx, &fx.session); err != nil {
		t.Fatal(err)
	}
	fx.w = test.NewTempWindow(t, widget.NewLabel(""))
	fx.w.Resize(fyne.NewSize(1280, 800))
	return fx
}

// importThroughDialog offers paths in the import dialog, sets the view, and presses Import.
func (fx *photoFixture) importThroughDialog(t *testing.T, paths []string, view string) ([]importOutcome, string) {
	t.Helper()
	lists, err := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	if err != nil {
		t.Fatal(err)
	}
	var results []importOutcome
	d := newImportDialog(fx.w, fx.store, fx.client, paths, lists.sessions, lists.views, lists.zones,
		func(r []importOutcome) { results = r })
	d.show()
	d.view.SetSelected(view)
	test.Tap(d.importB)
	waitFor(t, "the import", func() bool { return results != nil })
	return results, overlayText(fx.w)
}

func TestImportPhotosThroughTheDialog(t *testing.T) {
	fx := newPhotoFixture(t)
	before := filepath.Join(fx.dir, "DCIM", "IMG_0001.JPG")
	after := filepath.Join(fx.dir, "DCIM", "IMG_0002.JPG")
	heic := filepath.Join(fx.dir, "DCIM", "IMG_0003.HEIC")
	notes := filepath.Join(fx.dir, "notes.txt")
	if err := os.MkdirAll(filepath.Dir(before), 0o755); err != nil {
		t.Fatal(err)
	}
	writeJPEG(t, before, 800, 600, 10, fx.session.StartedAt.Add(-10*time.Minute))
	writeJPEG(t, after, 800, 600, 200, fx.session.StartedAt.Add(50*time.Minute))
	// A phone's HEIC: an ISO media file, which Needlelog cannot decode.
	if err := os.WriteFile(heic, append([]byte{0, 0, 0, 24}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notes, []byte("not a photo"), 0o644); err != nil {
		t.Fatal(err)
	}

	paths, _, _, err := ondisk.PhotoFolder(fx.dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 4 {
		t.Fatalf("the folder lists %v", paths)
	}
	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	d := newImportDialog(fx.w, fx.store, fx.client, paths, lists.sessions, lists.views, lists.zones, nil)
	d.show()
	waitFor(t, "the photos to be read", func() bool { return d.thumbs[2] != nil && d.thumbs[2].taken != "" })
	for i, p := range paths {
		// Not the HEIC either, once read: it would be refused.
		if d.tick[i] != (p != notes && p != heic) {
			t.Errorf("%s ticked: %v", filepath.Base(p), d.tick[i])
		}
	}
	d.dialog.Hide()
	// The client agreed to clinical use only: no wider scope is offered.
	if strings.Join(d.consent.Options, ",") != "Clinical record only" || d.consent.Selected != "Clinical record only" {
		t.Errorf("consent scopes offered: %q, chosen %q", d.consent.Options, d.consent.Selected)
	}

	results, summary := fx.importThroughDialog(t, paths[:3], "Frontal")
	if len(results) != 2 || !strings.Contains(summary, "2 photos imported") || strings.Contains(summary, "refused") {
		t.Fatalf("%d outcomes for the 2 photos of 3 files:\n%s", len(results), summary)
	}
	// A file not read in the list (scrolled past) is refused by the import itself, saying why.
	refused := fx.importNow(t, []string{heic})
	for _, want := range []string{"0 photos imported", "1 file refused", "IMG_0003.HEIC", "HEIC"} {
		if !strings.Contains(refused, want) {
			t.Errorf("the summary lacks %q:\n%s", want, refused)
		}
	}
	photos, err := fx.store.ListPhotos(context.Background(), data.PhotoQuery{ClientID: fx.client.ID})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]data.PhotoKind{}
	for _, p := range photos {
		kinds[p.FileName] = p.Kind
		if p.View != "Frontal" || p.SessionID != fx.session.ID || p.Consent != data.PhotoConsentClinical || len(p.Thumbnail) == 0 {
			t.Errorf("%s stored as view %q, session %q, %d-byte thumbnail", p.FileName, p.View, p.SessionID, len(p.Thumbnail))
		}
	}
	if kinds["IMG_0001.JPG"] != data.PhotoBefore || kinds["IMG_0002.JPG"] != data.PhotoAfter {
		t.Errorf("kinds suggested from the time taken: %v", kinds)
	}

	// The same photos again: noticed, not stored twice, by the import itself too.
	if summary := fx.importNow(t, paths[:2]); !strings.Contains(summary, "2 photos already stored") {
		t.Fatalf("a second import of the same files:\n%s", summary)
	}
}

// importNow imports paths as the dialog's Import does, without the dialog's list, and sums up.
func (fx *photoFixture) importNow(t *testing.T, paths []string) string {
	t.Helper()
	var summary string
	runImport(context.Background(), fx.store, fx.client.ID, paths, importChoice{suggestSession: true, view: "Frontal"},
		func(int, string) {}, func(r []importOutcome, cancelled bool) { summary = importSummary(r, cancelled) })
	waitFor(t, "the import", func() bool { return summary != "" })
	return summary
}

func TestGalleryTagsAPinAndACaptionedComparison(t *testing.T) {
	fx := newPhotoFixture(t)
	var paths []string
	for i, offset := range []time.Duration{-20 * time.Minute, -10 * time.Minute, 3 * time.Hour} {
		p := filepath.Join(fx.dir, "IMG_000"+string(rune('1'+i))+".JPG")
		writeJPEG(t, p, 900, 600, uint8(40*i), fx.session.StartedAt.Add(offset))
		paths = append(paths, p)
	}
	if results, summary := fx.importThroughDialog(t, paths, "Frontal"); len(results) != 3 || !strings.Contains(summary, "3 photos imported") {
		t.Fatalf("import: %s", summary)
	}
	for _, o := range fx.w.Canvas().Overlays().List() {
		fx.w.Canvas().Overlays().Remove(o)
	}

	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.count.Text != "3 photos" {
		t.Fatalf("the gallery counts %q", p.count.Text)
	}
	var headings []string
	tiles := 0
	for _, r := range p.rows {
		if r.heading != "" {
			headings = append(headings, r.heading)
		}
		tiles += r.n
	}
	if len(headings) != 1 || !strings.Contains(headings[0], "(1 of 3)") || tiles != 3 {
		t.Fatalf("the gallery shows %d tiles under %q", tiles, headings)
	}
	// What is on screen: the heading, then the three thumbnails, decoded.
	var shown []*thumbTile
	walk(p.list, func(o fyne.CanvasObject) {
		if tile, ok := o.(*thumbTile); ok && tile.Visible() && tile.img.Image != nil {
			shown = append(shown, tile)
		}
	})
	if len(shown) != 3 {
		t.Fatalf("%d thumbnails on screen, want 3", len(shown))
	}
	// A tap on a tile opens its photo.
	test.Tap(shown[2])
	if p.viewer == nil || p.viewer.photo.ID != p.photos[shown[2].i].ID {
		t.Fatal("tapping a thumbnail does not open its photo")
	}
	if fx.w.Canvas().Focused() != p.viewer.view {
		t.Fatal("the photo does not take the keyboard when it opens")
	}
	p.backToGallery()
	if fx.w.Canvas().Focused() != nil {
		t.Fatal("the photo view keeps the keyboard after going back to the gallery")
	}
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Filtering by kind leaves the one "after" photo.
	p.kindF.SetSelected(string(data.PhotoAfter))
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(p.photos) != 1 || p.photos[0].Kind != data.PhotoAfter {
		t.Fatalf("filtered by kind: %d photos", len(p.photos))
	}
	p.kindF.SetSelected(allOption)
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}

	// Open the first photo: Right goes to the next; tags can be changed and saved.
	p.open(0)
	v := p.viewer
	if v.photo.ID != p.photos[0].ID || v.view.Image() == nil {
		t.Fatal("the viewer did not load the photo")
	}
	v.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if v.i != 1 || v.photo.ID != p.photos[1].ID || v.position.Text != "2 of 3" {
		t.Fatalf("Right shows photo %d (%s)", v.i, v.position.Text)
	}
	// Each change is saved as it is made, without a Save button: a tag at once, the note once
	// typing pauses.
	v.viewSel.SetSelected("Left 45°")
	var stored data.Photo
	waitFor(t, "the view to save", func() bool {
		stored, _ = fx.store.Photo(context.Background(), v.photo.ID)
		return stored.View == "Left 45°" && v.saved.Text == "Saved"
	})
	// The note waits for a pause in the typing (here longer than the test), or for the viewer
	// to be left, as the next photo is shown.
	p.typingPause = time.Hour
	v.note.SetText("Flash on, 50 cm")
	if stored, _ = fx.store.Photo(context.Background(), v.photo.ID); stored.Note != "" || !v.unsaved() || v.typing == nil {
		t.Fatalf("the note was saved at once (%q), or is not waiting for a pause", stored.Note)
	}
	id := v.photo.ID
	v.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	waitFor(t, "the note to save", func() bool {
		stored, _ = fx.store.Photo(context.Background(), id)
		return stored.Note == "Flash on, 50 cm" && v.i == 0 && !v.unsaved()
	})
	v.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	if p.photos[v.i].ID != stored.ID || p.photos[v.i].View != "Left 45°" {
		t.Fatal("the gallery's record of the photo was not updated")
	}

	// A click on the photo pins a note there.
	pos, size := v.view.Frame()
	if size.Width == 0 {
		t.Fatal("the photo has no size on screen")
	}
	v.view.Tapped(&fyne.PointEvent{Position: pos.AddXY(size.Width/4, size.Height/2)})
	entry := overlayEntry(t, fx.w)
	test.Type(entry, "Atrophic scar, 4 mm")
	tapButton(t, fx.w, "Save")
	waitFor(t, "the pin", func() bool { return len(v.pins) == 1 })
	pin := v.pins[0]
	if pin.N != 1 || pin.Note != "Atrophic scar, 4 mm" || pin.X < 0.24 || pin.X > 0.26 || pin.Y < 0.49 || pin.Y > 0.51 {
		t.Fatalf("pinned %+v", pin)
	}
	if len(v.view.Marks()) != 1 {
		t.Fatal("the pin is not drawn")
	}

	// A copy to hand over is the whole photo, re-encoded without metadata.
	copied, err := cleanCopy(context.Background(), fx.store, v.photo.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(copied)); err != nil || cfg.Width != 900 || cfg.Height != 600 ||
		bytes.Contains(copied, []byte("Exif\x00\x00")) {
		t.Fatalf("the copy: %+v, %v", cfg, err)
	}

	// Compare from the gallery: the first "before" against the latest photo of the same view,
	// captioned. (From a photo on show, Compare starts from that photo.)
	p.backToGallery()
	p.compare("")
	var captions []string
	walk(p.body, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, " mm × ") {
			captions = append(captions, l.Text)
		}
	})
	if len(captions) != 2 {
		t.Fatalf("the comparison shows captions %q", captions)
	}
	want := fx.zone + " 1.25 mm × 3 passes"
	for _, cap := range captions {
		if !strings.Contains(cap, "Session 1 of 3") || !strings.Contains(cap, want) {
			t.Errorf("caption %q lacks the session's place or its settings (%s)", cap, want)
		}
	}
	if !strings.Contains(captions[0], wording.DateTime(p.photos[0].TakenAt)) || !strings.Contains(captions[0], "Before") {
		t.Errorf("the left caption %q is not the first before photo", captions[0])
	}
	c := p.comparison
	if c == nil {
		t.Fatal("no comparison on screen")
	}
	// Zoom and pan move both sides together.
	c.sides[0].view.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: 20}})
	if c.state.Zoom() <= 1 || c.sides[1].view.State() != c.state {
		t.Fatalf("zooming one side: zoom %v, shared %v", c.state.Zoom(), c.sides[1].view.State() == c.state)
	}
	// The overlay puts the second photo over the first at the slider's opacity.
	c.overlay.SetChecked(true)
	c.opacity.SetValue(0.3)
	if got := c.sides[1].view.Translucency(); got < 0.69 || got > 0.71 {
		t.Fatalf("overlay at opacity 0.3 has translucency %v", got)
	}
	// The saved image is a JPEG without any EXIF block.
	out, err := c.encoder()()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil || bytes.Contains(out, []byte("Exif\x00\x00")) {
		t.Fatalf("saved comparison: decode error %v, EXIF present %v", err, bytes.Contains(out, []byte("Exif\x00\x00")))
	}
}

// overlayEntry returns the text field of the dialog in front.
func overlayEntry(t *testing.T, w fyne.Window) *nlwidget.TextField {
	t.Helper()
	var found *nlwidget.TextField
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*nlwidget.TextField); ok && found == nil {
			found = e
		}
	})
	if found == nil {
		t.Fatal("no text field in the dialog")
	}
	return found
}

func TestDroppedFolderIsOfferedForTheClientInFront(t *testing.T) {
	fx := newPhotoFixture(t)
	writeJPEG(t, filepath.Join(fx.dir, "IMG_0001.JPG"), 640, 480, 1, fx.session.StartedAt)
	m := newMainWindow(fyne.CurrentApp(), fx.store)

	// No client open: nothing to file the photos under, and the practitioner is told so.
	m.dropped([]fyne.URI{storage.NewFileURI(fx.dir)})
	if msg := overlayText(m.win); !strings.Contains(msg, "Choose a client first") {
		t.Fatalf("a drop with no client open shows %q", msg)
	}
	m.win.Canvas().Overlays().Remove(m.win.Canvas().Overlays().Top())

	if err := m.page.update(context.Background(), fx.client.ID); err != nil {
		t.Fatal(err)
	}
	m.current = data.ClientSummary{ID: fx.client.ID}
	m.dropped([]fyne.URI{storage.NewFileURI(fx.dir)})
	msg := overlayText(m.win)
	if !strings.Contains(msg, "Import photos for "+fx.client.Name()) || !strings.Contains(msg, "IMG_0001.JPG") {
		t.Fatalf("a dropped folder is offered as %q", msg)
	}
}

func TestDeletingAPhotoNeedsAReason(t *testing.T) {
	fx := newPhotoFixture(t)
	path := filepath.Join(fx.dir, "IMG_0001.JPG")
	writeJPEG(t, path, 640, 480, 3, fx.session.StartedAt)
	if results, _ := fx.importThroughDialog(t, []string{path}, "Frontal"); len(results) != 1 || results[0].err != nil {
		t.Fatalf("import: %+v", results)
	}
	for _, o := range fx.w.Canvas().Overlays().List() {
		fx.w.Canvas().Overlays().Remove(o)
	}
	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.open(0)
	count := func() int {
		photos, err := fx.store.ListPhotos(context.Background(), data.PhotoQuery{ClientID: fx.client.ID})
		if err != nil {
			t.Fatal(err)
		}
		return len(photos)
	}

	p.viewer.delete()
	tapButton(t, fx.w, "Delete") // no reason given
	var shown []string
	for _, o := range fx.w.Canvas().Overlays().List() {
		walk(o, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok {
				shown = append(shown, l.Text)
			}
		})
	}
	if count() != 1 || !strings.Contains(strings.Join(shown, " "), "Enter the reason for deleting the photo") {
		t.Fatalf("a deletion without a reason: %d photos left, the window shows %q", count(), shown)
	}
	for _, o := range fx.w.Canvas().Overlays().List() {
		fx.w.Canvas().Overlays().Remove(o)
	}
	p.viewer.delete()
	test.Type(overlayEntry(t, fx.w), "Taken of the wrong client")
	tapButton(t, fx.w, "Delete")
	waitFor(t, "the deletion", func() bool { return count() == 0 })
	if p.viewer != nil {
		t.Fatal("the viewer stays on a deleted photo")
	}
}

func TestNoPhotoConsentIsSaidBeforeChoosingFiles(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	if canTakePhotos(w, data.Client{FirstName: "Ann", LastName: "Lee", PhotoConsent: data.PhotoConsentClinical}) == false {
		t.Fatal("a client with clinical photo consent was refused")
	}
	if canTakePhotos(w, data.Client{FirstName: "Ann", LastName: "Lee", PhotoConsent: data.PhotoConsentNone}) {
		t.Fatal("a client without photo consent was offered the import")
	}
	if msg := overlayText(w); !strings.Contains(msg, "Ann Lee has not consented to photos") {
		t.Fatalf("the refusal says %q", msg)
	}
}

// Cancel returns at once while a photo is being decoded, leaving the decode behind, and stores
// nothing of it (a decode cannot be stopped half way; a crafted file could take minutes). The
// decode here waits until the test ends, so that the test does not depend on how fast it is.
func TestCancelReturnsWithoutWaitingForTheDecode(t *testing.T) {
	fx := newPhotoFixture(t)
	slow := filepath.Join(fx.dir, "IMG_0001.JPG")
	writeJPEG(t, slow, 640, 480, 49, fx.session.StartedAt)
	started, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	defer close(release)
	slowProcess := func(b []byte) (photo.Processed, error) {
		close(started)
		<-release
		defer finished.Store(true)
		return photo.Process(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type outcome struct {
		results   []importOutcome
		cancelled bool
	}
	done := make(chan outcome, 1)
	// Tests run background work in line: start the import on a goroutine of its own, as the app does.
	// One worker decodes at a time here: the slow decode is the first and only one under way.
	go runImport(ctx, fx.store, fx.client.ID, []string{slow}, importChoice{suggestSession: true, process: slowProcess},
		func(int, string) {}, func(r []importOutcome, c bool) { done <- outcome{r, c} })
	<-started
	cancel() // Cancel pressed
	var o outcome
	select {
	case o = <-done:
	case <-time.After(20 * time.Second): // a failure guard, not a speed target: it returns at once
		t.Fatal("the import did not stop while its decode was under way")
	}
	results, cancelled := o.results, o.cancelled
	if !cancelled || len(results) != 0 {
		t.Fatalf("cancelled %v with %d outcomes: %+v", cancelled, len(results), results)
	}
	if finished.Load() {
		t.Error("Cancel waited for the decode under way to finish")
	}
	if list, err := fx.store.ListPhotos(context.Background(), data.PhotoQuery{ClientID: fx.client.ID}); err != nil || len(list) != 0 {
		t.Errorf("%d photos stored after Cancel (%v)", len(list), err)
	}
	if s := importSummary(results, cancelled); !strings.HasPrefix(s, "Import cancelled: 0 photos imported") {
		t.Fatalf("the summary reads %q", s)
	}
}

func TestImportIntoAChosenSessionAndAnotherClientsDuplicate(t *testing.T) {
	fx := newPhotoFixture(t)
	ctx := context.Background()
	// A later session: a photo taken the day after the first one, filed under the first, is a
	// follow-up of it, not an "after" of the nearest.
	later := data.Session{ClientID: fx.client.ID, StartedAt: fx.session.StartedAt.Add(24 * time.Hour), NoSideEffects: true}
	if err := fx.store.CreateSession(ctx, &later); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(fx.dir, "IMG_0001.JPG")
	writeJPEG(t, path, 640, 480, 9, later.StartedAt.Add(2*time.Hour))
	out := importOne(ctx, fx.store, fx.client.ID, path, importChoice{sessionID: fx.session.ID})
	if out.err != nil || out.photo.SessionID != fx.session.ID || out.photo.Kind != data.PhotoFollowUp {
		t.Fatalf("filed under the first session: %+v (%v)", out.photo.PhotoTags, out.err)
	}

	// The same file for another client is refused, naming the mix-up, not counted as already stored.
	other := data.Client{FirstName: "Bo", LastName: "Berg", PhotoConsent: data.PhotoConsentClinical}
	if err := fx.store.CreateClient(ctx, &other); err != nil {
		t.Fatal(err)
	}
	dup := importOne(ctx, fx.store, other.ID, path, importChoice{suggestSession: true})
	if dup.err == nil || dup.dup {
		t.Fatalf("another client's photo imported again: %+v", dup)
	}
	if s := importSummary([]importOutcome{dup}, false); !strings.Contains(s, "1 file refused") || !strings.Contains(s, "another client") {
		t.Fatalf("the summary reads %q", s)
	}
}

// A photo whose image was lost from the practice file (by damage, or another program) is still
// in the gallery, marked, and opens on its record, so that it can be retagged or deleted.
func TestAPhotoWhoseImageIsLostStaysInTheGallery(t *testing.T) {
	fx := newPhotoFixture(t)
	path := filepath.Join(fx.dir, "IMG_0001.JPG")
	writeJPEG(t, path, 640, 480, 3, fx.session.StartedAt)
	results, _ := fx.importThroughDialog(t, []string{path}, "Frontal")
	if len(results) != 1 || results[0].err != nil {
		t.Fatalf("import: %+v", results)
	}
	for _, o := range fx.w.Canvas().Overlays().List() {
		fx.w.Canvas().Overlays().Remove(o)
	}
	// The photo folder was not copied with the practice.
	if err := os.RemoveAll(fx.store.PhotoDir()); err != nil {
		t.Fatal(err)
	}

	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatalf("the gallery with a lost image: %v", err)
	}
	var captions []string
	walk(fx.w.Content(), func(o fyne.CanvasObject) {
		if tile, ok := o.(*thumbTile); ok && tile.Visible() {
			captions = append(captions, tile.caption.Text)
			if tile.missing.Visible() { // its tile says so where the image would be
				walk(tile.missing, func(o fyne.CanvasObject) {
					if l, ok := o.(*widget.Label); ok {
						captions = append(captions, l.Text)
					}
				})
			}
		}
	})
	if len(captions) != 2 || !strings.HasPrefix(captions[0], "before") || captions[1] != "Image missing" {
		t.Fatalf("the gallery shows %q", captions)
	}
	shoot(t, fx.w, "gallery-image-missing.png")

	p.open(0)
	waitFor(t, "the photo's record", func() bool { return p.viewer.photo.ID != "" })
	if fx.w.Canvas().Overlays().Top() != nil {
		t.Fatalf("opening the photo shows %q", overlayText(fx.w))
	}
	// It says what is true, the folder is not there, and to copy it back: not to delete the record.
	dir := fx.store.PhotoDir()
	want := "The photo folder \"" + filepath.Base(dir) + "\" is not beside the practice file: copy it from where the practice came from into " +
		filepath.Dir(dir) + ", then open the photo again."
	if !p.viewer.view.ShowsEmpty() || !strings.Contains(p.viewer.view.EmptyText(), want) || p.viewer.kind.Selected != "before" ||
		strings.Contains(p.viewer.view.EmptyText(), "delete") {
		t.Fatalf("the viewer shows %q (visible %v), kind %q", p.viewer.view.EmptyText(), p.viewer.view.ShowsEmpty(), p.viewer.kind.Selected)
	}
	for _, b := range p.viewer.imageOnly { // nothing to zoom or save
		if !b.Disabled() {
			t.Fatalf("%T enabled for a photo with no image", b)
		}
	}
	// Its record only needs the folder copied back: it is not offered for deletion meanwhile.
	if !p.viewer.remove.Disabled() {
		t.Fatal("Delete… is offered for a photo whose folder is only missing")
	}
	shoot(t, fx.w, "photoviewer-folder-missing.png")
	p.viewer.delete()
	if fx.w.Canvas().Overlays().Top() != nil {
		t.Fatalf("deleting a photo whose folder is missing asks %q", overlayText(fx.w))
	}

	// The folder is back, but without this photo's file: it can be deleted, saying what is lost.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p.viewer.show(0)
	waitFor(t, "Delete… offered with the folder back", func() bool { return !p.viewer.remove.Disabled() })
	p.viewer.delete()
	if got := overlayText(fx.w); !strings.Contains(got, "Its image is missing from the photo folder; a backup of the practice may still hold it.") {
		t.Fatalf("the delete dialog for a lost image says %q", got)
	}
	shoot(t, fx.w, "photoviewer-delete-lost-image.png")
	test.Type(overlayEntry(t, fx.w), "Its image was lost")
	tapButton(t, fx.w, "Delete")
	waitFor(t, "the deletion", func() bool {
		photos, _ := fx.store.ListPhotos(context.Background(), data.PhotoQuery{ClientID: fx.client.ID})
		return len(photos) == 0
	})
}

// Compare is offered once the client has two photos to put side by side.
func TestCompareWaitsForTwoPhotos(t *testing.T) {
	fx := newPhotoFixture(t)
	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !p.compareBtn.Disabled() {
		t.Fatal("Compare is offered for a client without photos")
	}
	var paths []string
	for i, offset := range []time.Duration{-10 * time.Minute, 50 * time.Minute} {
		path := filepath.Join(fx.dir, "IMG_000"+strconv.Itoa(i+1)+".JPG")
		writeJPEG(t, path, 800, 600, uint8(10+100*i), fx.session.StartedAt.Add(offset))
		paths = append(paths, path)
	}
	fx.importNow(t, paths)
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.compareBtn.Disabled() {
		t.Fatal("Compare is not offered with two photos")
	}
}
