package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestExportIsWholeOrNothing(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	dir := t.TempDir()
	clear := func() {
		for _, o := range w.Canvas().Overlays().List() {
			w.Canvas().Overlays().Remove(o)
		}
	}

	ok := filepath.Join(dir, "history.pdf")
	runExport(w, "export the history", ok, func(_ context.Context, out io.Writer, progress func(int, int)) error {
		progress(1, 2)
		_, err := out.Write([]byte("%PDF-1.7 whole"))
		return err
	})
	if b, err := os.ReadFile(ok); err != nil || string(b) != "%PDF-1.7 whole" {
		t.Fatalf("the export wrote %q (%v)", b, err)
	}
	if msg := overlayText(w); !strings.Contains(msg, "Saved as "+ok) {
		t.Fatalf("success says %q", msg)
	}
	clear()

	// The save dialog has made an empty file; a failed or cancelled export leaves nothing.
	for _, tc := range []struct {
		err  error
		says string
	}{
		{errors.New("disk full"), "Could not export the history"},
		{context.Canceled, "Nothing was written"},
	} {
		path := filepath.Join(dir, "failed.pdf")
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		runExport(w, "export the history", path, func(_ context.Context, out io.Writer, _ func(int, int)) error {
			out.Write([]byte("half a PDF"))
			return tc.err
		})
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("after %v the file is still there", tc.err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("after %v the folder holds %d files", tc.err, len(entries))
		}
		if msg := overlayText(w); !strings.Contains(msg, tc.says) {
			t.Errorf("after %v the app says %q", tc.err, msg)
		}
		clear()
	}
}
