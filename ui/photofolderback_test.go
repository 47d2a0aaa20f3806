package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
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
