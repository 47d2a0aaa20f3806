package ui

import (
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// After an export, Open hands the file itself to the system's viewer, to print from, and Show in
// folder its folder.
func TestSavedExportOpensTheFile(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(900, 600))
	var opened []*url.URL

	dir := t.TempDir()
	path := filepath.Join(dir, "session record.pdf")
	x := runExport(w, "", "export the session record", path, func(_ context.Context, out io.Writer, _ func(int, int)) error {
		_, err := out.Write([]byte("%PDF-1.7"))
		return err
	})
	x.openURL = func(u *url.URL) error { opened = append(opened, u); return nil }
	buttons := map[string]*widget.Button{}
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			buttons[b.Text] = b
		}
	})
	if buttons["Open"] == nil || buttons["Show in folder"] == nil {
		t.Fatalf("the saved message offers %v", buttons)
	}
	test.Tap(buttons["Open"])
	test.Tap(buttons["Show in folder"])
	if len(opened) != 2 {
		t.Fatalf("opened %v", opened)
	}
	if opened[0].Scheme != "file" || filepath.FromSlash(opened[0].Path) != path {
		t.Errorf("Open opened %s, want the file %s", opened[0], path)
	}
	if _, err := os.Stat(filepath.FromSlash(opened[0].Path)); err != nil {
		t.Errorf("the URL opened names no file: %v", err)
	}
	if filepath.FromSlash(opened[1].Path) != dir {
		t.Errorf("Show in folder opened %s, want %s", opened[1], dir)
	}
	if opened[0].String() != "file://"+filepath.ToSlash(dir)+"/session%20record.pdf" {
		t.Errorf("the file's URL is %s", opened[0])
	}
	pressEscape(w)
	if w.Canvas().Overlays().Top() != nil {
		t.Error("Escape does not close the saved message")
	}
}
