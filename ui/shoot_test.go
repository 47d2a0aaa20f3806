package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
)

// shoot saves the window as a PNG at NEEDLELOG_SHOT_DIR/name, when set: to look at the screen.
func shoot(t *testing.T, w fyne.Window, name string) {
	dir := os.Getenv("NEEDLELOG_SHOT_DIR")
	if dir == "" {
		return
	}
	// The test canvas gives wrapped notices their height only when laid out again at a new size;
	// the app's own window does at once.
	size := w.Canvas().Size()
	w.Resize(size.AddWidthHeight(1, 0))
	w.Resize(size)
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
