package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/report"
)

// exportWork writes one export to w, telling progress how far it has come (total 0 while it
// cannot tell), and stops when ctx is cancelled.
type exportWork func(ctx context.Context, w io.Writer, progress func(done, total int)) error

const prefExportFolder = "exportFolder" // where the last export was saved

// exportFile asks where to save, then runs work off the UI goroutine behind a progress bar with
// Cancel. The file appears whole or not at all: cancelled or failed, nothing is left behind.
func exportFile(a fyne.App, win fyne.Window, doing, fileName string, exts []string, work exportWork) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(win, doing, err)
			return
		}
		if w == nil {
			return
		}
		// The dialog has created the file; the export goes to a temporary file beside it and
		// replaces it only once complete.
		path := w.URI().Path()
		w.Close()
		a.Preferences().SetString(prefExportFolder, filepath.Dir(path))
		runExport(win, doing, path, work)
	}, win)
	d.SetFileName(fileName)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	if dir := a.Preferences().String(prefExportFolder); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	size := win.Canvas().Size()
	d.Resize(fyne.NewSize(min(900, size.Width-40), min(640, size.Height-40)))
	d.Show()
}

// runExport writes path with work behind a progress dialog. Tests call it directly.
func runExport(win fyne.Window, doing, path string, work exportWork) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBar()
	wait := widget.NewProgressBarInfinite()
	status := widget.NewLabel(filepath.Base(path))
	status.Truncation = fyne.TextTruncateEllipsis
	bars := container.NewStack(wait, bar)
	bar.Hide()
	stop := widget.NewButton("Cancel", func() {
		cancel()
		status.SetText("Stopping…")
	})
	prog := dialog.NewCustomWithoutButtons("Exporting", container.NewVBox(status, bars), win)
	prog.SetButtons([]fyne.CanvasObject{stop})
	prog.Resize(fyne.NewSize(480, 0))
	prog.Show()
	progress := func(done, total int) {
		fyne.Do(func() {
			if total <= 0 {
				return
			}
			if wait.Visible() {
				wait.Stop()
				wait.Hide()
				bar.Show()
			}
			bar.SetValue(float64(done) / float64(total))
		})
	}
	async(func() (struct{}, error) {
		err := report.WriteFile(path, func(w io.Writer) error { return work(ctx, w, progress) })
		if err != nil {
			removeIfEmpty(path) // the empty file the save dialog made
		}
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		cancel()
		wait.Stop()
		prog.Hide()
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation("Export cancelled", "Nothing was written.", win)
		case err != nil:
			showError(win, doing, err)
		default:
			showSaved(win, path)
		}
	})
}

// removeIfEmpty removes a file that holds nothing, as a save dialog leaves when the export fails.
func removeIfEmpty(path string) {
	if info, err := os.Stat(path); err == nil && info.Size() == 0 {
		if err := os.Remove(path); err != nil {
			slog.Error("remove an empty export", "path", path, "err", err)
		}
	}
}

// showSaved says where a file went, with a way to open its folder.
func showSaved(win fyne.Window, path string) {
	msg := widget.NewLabel("Saved as " + path)
	msg.Wrapping = fyne.TextWrapWord
	open := widget.NewButton("Show in folder", func() {
		if err := fyne.CurrentApp().OpenURL(settingsFolderURL(path)); err != nil {
			showError(win, "open the folder", err)
		}
	})
	d := dialog.NewCustom("Saved", "OK", container.NewVBox(msg, container.NewHBox(open)), win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// bytesExport is the work of an export made whole in memory first, such as one image.
func bytesExport(make func() ([]byte, error)) exportWork {
	return func(_ context.Context, w io.Writer, _ func(done, total int)) error {
		out, err := make()
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	}
}
