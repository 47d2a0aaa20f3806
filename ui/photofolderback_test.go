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

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
)

// A gallery open while the photo folder is copied back shows the images again in the tiles
// already on screen, not "Image missing" until it is closed and opened again.
func TestGalleryTilesShowTheImagesOnceTheFolderIsBack(t *testing.T) {
	fx := newPhotoFixture(t)
	path := filepath.Join(fx.dir, "IMG_0001.JPG")
	writeJPEG(t, path, 640, 480, 3, fx.session.StartedAt)
	if results, _ := fx.importThroughDialog(t, []string{path}, "Frontal"); len(results) != 1 || results[0].err != nil {
		t.Fatalf("import: %+v", results)
	}
	for _, o := range fx.w.Canvas().Overlays().List() {
		fx.w.Canvas().Overlays().Remove(o)
	}
	elsewhere := filepath.Join(t.TempDir(), "copy.photos")
	if err := os.Rename(fx.store.PhotoDir(), elsewhere); err != nil {
		t.Fatal(err)
	}

	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	tiles := func() (shown, missing int) {
		walk(fx.w.Content(), func(o fyne.CanvasObject) {
			if tile, ok := o.(*thumbTile); ok && tile.Visible() {
				shown++
				if tile.missing.Visible() || tile.img.Image == nil {
					missing++
				}
			}
		})
		return shown, missing
	}
	if shown, missing := tiles(); shown != 1 || missing != 1 {
		t.Fatalf("without the photo folder: %d tiles, %d missing", shown, missing)
	}

	if err := os.Rename(elsewhere, fx.store.PhotoDir()); err != nil {
		t.Fatal(err)
	}
	p.imagesBack() // as the window does once it sees the folder back
	waitFor(t, "the tile's image", func() bool { shown, missing := tiles(); return shown == 1 && missing == 0 })
	shoot(t, fx.w, "gallery-folder-back.png")
}

// The photo folder copied back while the window is open: the missing line gives way to a line
// saying so, at the same height, so that the page does not move under a pointer about to click;
// it goes when dismissed.
func TestThePageStaysPutWhenThePhotoFolderComesBack(t *testing.T) {
	was, every := photoWorkAfter, photoFolderLookEvery
	photoWorkAfter, photoFolderLookEvery = 0, time.Hour // the test says when to look, as opening a gallery does
	t.Cleanup(func() { photoWorkAfter, photoFolderLookEvery = was, every })
	s := openStore(t)
	c := newTestClient(t, s)
	for i := range 2 {
		testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore, Consent: data.PhotoConsentClinical},
			"IMG.JPG", phototest.NoisyJPEG(t, 320, 240, uint32(i+1), 8), time.Now())
	}
	elsewhere := filepath.Join(t.TempDir(), "practice.photos")
	if err := os.Rename(s.PhotoDir(), elsewhere); err != nil {
		t.Fatal(err)
	}
	m := newMainWindow(test.NewTempApp(t), s)
	m.win.Resize(fyne.NewSize(1280, 800))
	m.startPhotoWork()
	w := m.openedPractice.photoWork
	t.Cleanup(w.stop)
	waitFor(t, "the missing photos' line", func() bool { return strings.Contains(noticesText(m), "have no images") })
	top := m.body.Position().Y
	shoot(t, m.win, "notices-folder-missing.png")

	if err := os.Rename(elsewhere, s.PhotoDir()); err != nil {
		t.Fatal(err)
	}
	w.lookNow <- struct{}{}
	w.watching.Wait()
	if got := m.body.Position().Y; got != top {
		t.Fatalf("the page moved from %v to %v as the photo folder came back", top, got)
	}
	if got := noticesText(m); strings.Contains(got, "have no images") || !strings.Contains(got, "Photo folder found") {
		t.Fatalf("notices with the folder back: %q", got)
	}
	shoot(t, m.win, "notices-folder-found.png")
	test.Tap(noticeButton(t, m, "Dismiss"))
	if got := noticesText(m); strings.Contains(got, "Photo folder found") {
		t.Fatalf("notices once dismissed: %q", got)
	}
}
