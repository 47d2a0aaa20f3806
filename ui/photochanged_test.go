package ui

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
)

// A photo whose preview file was changed on disk (by another program, or a failing disk) opens
// on its record, and the viewer says that the image changed, not merely that it is missing.
func TestTheViewerSaysAPhotosImageChanged(t *testing.T) {
	fx := newPhotoFixture(t)
	path := filepath.Join(fx.dir, "IMG_0002.JPG")
	writeJPEG(t, path, 640, 480, 4, fx.session.StartedAt)
	results, _ := fx.importThroughDialog(t, []string{path}, "Frontal")
	if len(results) != 1 || results[0].err != nil {
		t.Fatalf("import: %+v", results)
	}
	for _, o := range fx.w.Canvas().Overlays().List() {
		fx.w.Canvas().Overlays().Remove(o)
	}
	preview, err := fx.store.PhotoPreview(context.Background(), results[0].photo.ID)
	if err != nil {
		t.Fatal(err)
	}
	testkit.FlipByte(t, photolib.PathIn(fx.store.PhotoDir(), photolib.Sum(preview)), int64(len(preview)/2))

	lists, _ := loadPhotoLists(context.Background(), fx.store, fx.client.ID)
	p := newPhotoScreen(fyne.CurrentApp(), fx.w, fx.store, fx.client, lists)
	fx.w.SetContent(p.content())
	if err := p.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.open(0)
	waitFor(t, "the photo's record", func() bool { return p.viewer.photo.ID != "" })
	if fx.w.Canvas().Overlays().Top() != nil {
		t.Fatalf("opening the photo shows %q", overlayText(fx.w))
	}
	if !p.viewer.view.ShowsEmpty() || !strings.Contains(p.viewer.view.EmptyText(), "has been changed since it was imported. "+
		"A backup of the practice holds it: restore one to get it back; `needlelog check --photos` lists every photo affected.") {
		t.Fatalf("the viewer shows %q (visible %v)", p.viewer.view.EmptyText(), p.viewer.view.ShowsEmpty())
	}
	if path := os.Getenv("NEEDLELOG_SHOT"); path != "" { // to look at the screen: NEEDLELOG_SHOT=/tmp/x.png
		var b bytes.Buffer
		if err := png.Encode(&b, fx.w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
