package ui

import (
	"context"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/practice/files"
	"needlelog.app/needlelog/report"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// exportWork writes one export to w, telling progress how far it has come (total 0 while it
// cannot tell), and stops when ctx is cancelled.
type exportWork func(ctx context.Context, w io.Writer, progress func(done, total int)) error

const prefLastFolder = "lastFolder" // where the last export was saved or import read from

// practiceLocation is where a practice's records are kept on disk, which an export never writes over.
type practiceLocation interface{ Path() string }

// exportFile asks for a file name and a folder, then runs work off the UI goroutine behind a
// progress bar with Cancel. The file appears whole or not at all: cancelled or failed, nothing is
// left behind, and a file it was to replace is left as it was. The practice's own files (store's)
// and any SQLite database are never replaced: choosing one says so and writes nothing. (Fyne's own
// save dialog empties a file it is told to replace before the export begins, so it is not used
// here.) fileName is offered as a safe file name (report.FileName), whatever it was made of.
func exportFile(a fyne.App, win fyne.Window, store practiceLocation, doing, fileName string, exts []string, work exportWork) {
	exportFileNoting(a, win, store, doing, fileName, exts, work, "")
}

// exportFileNoting is exportFile whose form says plainNote under the box to encrypt while it is
// not ticked ("" for nothing).
func exportFileNoting(a fyne.App, win fyne.Window, store practiceLocation, doing, fileName string, exts []string, work exportWork, plainNote string) {
	dir := a.Preferences().StringWithFallback(prefLastFolder, defaultFolder())
	name := nlwidget.NewTextField()
	name.SetText(report.FileName(fileName))
	crypt := newExportCrypt(plainNote)
	rows := append([]fyne.CanvasObject{
		crypt.labelWide(boldLabel("File name")), name,
		boldLabel("Folder"), folderRow(win, &dir),
	}, crypt.formRows()...)
	width := min(saveAsWidth, win.Canvas().Size().Width-40)
	form := nlwidget.AtLeastWide(width-40, container.New(layout.NewFormLayout(), rows...))
	var d *dialog.ConfirmDialog
	d = dialog.NewCustomConfirm("Save as", "Save", "Cancel", form, func(ok bool) {
		if !ok {
			return
		}
		base := exportName(name.Text, exts, crypt.check.Checked)
		if base == "" || strings.ContainsAny(base, `/\`) {
			d.Show() // a name is needed, without folders in it
			return
		}
		if retype := crypt.problem(); retype != nil {
			d.Show()
			fitHeight(d, width) // the message's lines
			win.Canvas().Focus(retype)
			return
		}
		a.Preferences().SetString(prefLastFolder, dir)
		path := filepath.Join(dir, base)
		work := encryptedWork(work, crypt.passphrase())
		if err := files.CheckTarget(path, guardedFile(store)); err != nil {
			refusedTarget(win, err, d.Show) // the form again, to choose another
			return
		}
		if _, err := os.Stat(path); err == nil {
			confirm(win, "Replace "+base+"?", "A file of that name is already in the folder. It is replaced only once the new one is complete.",
				"Replace", func() { runExport(win, guardedFile(store), doing, path, work) })
			return
		}
		runExport(win, guardedFile(store), doing, path, work)
	}, win)
	crypt.check.OnChanged = func(on bool) {
		// The name says what the file is: .age while encrypted.
		if t := strings.TrimSpace(name.Text); t != "" {
			name.SetText(exportName(t, exts, on))
		}
		crypt.show(on)
		fitHeight(d, width) // grows or shrinks to the rows shown
		if on {
			win.Canvas().Focus(crypt.pass)
		}
	}
	name.OnSubmitted = func(string) { d.Confirm() }
	crypt.pass.OnSubmitted = func(string) { win.Canvas().Focus(crypt.again) }
	crypt.again.OnSubmitted = func(string) { d.Confirm() }
	d.Resize(fyne.NewSize(width, 0))
	d.Show()
	win.Canvas().Focus(name)
}

// folderRow shows the folder *dir with a button to choose another, which changes *dir.
func folderRow(win fyne.Window, dir *string) fyne.CanvasObject {
	folder := widget.NewLabel(*dir)
	folder.Wrapping = fyne.TextWrapBreak
	change := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		fd := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				*dir = l.Path()
				folder.SetText(*dir)
			}
		}, win)
		if l, err := storage.ListerForURI(storage.NewFileURI(*dir)); err == nil {
			fd.SetLocation(l)
		}
		size := win.Canvas().Size()
		fd.Resize(fyne.NewSize(min(900, size.Width-40), min(640, size.Height-40)))
		fd.Show()
	})
	return container.NewBorder(nil, nil, nil, change, folder)
}

// fitHeight makes d as high as its content at width: twice, as wrapped text knows how many lines
// it takes only once it has been laid out at that width.
func fitHeight(d dialog.Dialog, width float32) {
	d.Resize(fyne.NewSize(width, 0))
	d.Resize(fyne.NewSize(width, 0))
}

// saveAsWidth fits a long folder path in two lines and the passphrase's sentences in a few.
const saveAsWidth = 640

// withExtension adds the first of exts when the name has none of them, so that the file opens
// with a double click.
func withExtension(name string, exts []string) string {
	if name == "" || len(exts) == 0 {
		return name
	}
	for _, e := range exts {
		if strings.EqualFold(filepath.Ext(name), e) {
			return name
		}
	}
	return name + exts[0]
}

// defaultFolder is where exports go first: the Documents folder, or else the home folder.
func defaultFolder() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	if info, err := os.Stat(filepath.Join(home, "Documents")); err == nil && info.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}

// refusedTarget says in one sentence why a file chosen for an export is not written, when err is
// a files.RefusedTargetError, then runs then; it reports false for any other error.
func refusedTarget(win fyne.Window, err error, then func()) bool {
	var rt *files.RefusedTargetError
	if !errors.As(err, &rt) {
		return false
	}
	d := dialog.NewInformation("Choose another file", wording.Quoted(filepath.Base(rt.Path))+" is "+rt.What+
		", which an export never replaces, so it was left as it was: choose another name or folder.", win)
	if then != nil {
		d.SetOnClosed(then)
	}
	d.Show()
	return true
}

// export is one export under way, behind its own progress dialog. Its context ends when it is
// through or its Cancel is pressed, not with the screen that started it: the file was asked for.
type export struct {
	win  fyne.Window
	life life
	// openURL hands a URL to the system (the file to its viewer, its folder to the file manager);
	// tests replace it to see what would be opened.
	openURL func(u *url.URL) error
}

// runExport writes path with work behind a progress dialog, never over the files of practice (the
// database the export reads). Tests call it directly.
func runExport(win fyne.Window, practice, doing, path string, work exportWork) *export {
	return writeWithProgress(win, practice, "Exporting", "Export cancelled", doing, path, work)
}

// writeWithProgress writes path with work as runExport does, its progress dialog and the dialog
// said when it is cancelled titled title and cancelled ("" for no practice to guard).
func writeWithProgress(win fyne.Window, practice, title, cancelled, doing, path string, work exportWork) *export {
	x := &export{win: win, life: newLife(nil), openURL: systemOpenURL}
	ctx, cancel := x.life.ctx, x.life.end
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
	prog := dialog.NewCustomWithoutButtons(title, container.NewVBox(status, bars), win)
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
		// A cancelled export fails even when the work did not notice: it is never taken for a
		// finished one.
		err := files.WriteFile(path, practice, func(w io.Writer) error {
			if err := work(ctx, w, progress); err != nil {
				return err
			}
			return ctx.Err()
		})
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		cancel()
		wait.Stop()
		prog.Hide()
		switch {
		case errors.Is(err, context.Canceled):
			dialog.ShowInformation(cancelled, "Nothing was written.", win)
		case refusedTarget(win, err, nil):
		case err != nil:
			showError(win, doing, err)
		default:
			x.showSaved(path)
		}
	})
	return x
}

// showSaved says where a file went, with ways to open it in the system's viewer (to print it)
// and to open its folder.
func (x *export) showSaved(path string) {
	win := x.win
	msg := widget.NewLabel("Saved as " + path)
	msg.Wrapping = fyne.TextWrapWord
	view := widget.NewButtonWithIcon("Open", theme.DocumentIcon(), func() {
		if err := x.openURL(fileURL(path)); err != nil {
			showError(win, "open the file", err)
		}
	})
	view.Importance = widget.HighImportance
	folder := widget.NewButtonWithIcon("Show in folder", theme.FolderOpenIcon(), func() {
		if err := x.openURL(settingsFolderURL(path)); err != nil {
			showError(win, "open the folder", err)
		}
	})
	box := container.NewVBox(msg)
	if ondisk.HasEncryptedSuffix(path) { // no viewer opens it: it goes to someone else
		msg.SetText("Saved as " + path + ", encrypted.")
		box.Add(wrapLabel(exportReceiverNote))
		view.Hide()
	}
	box.Add(container.NewHBox(view, folder))
	d := dialog.NewCustom("Saved", "Close", box, win)
	d.Resize(fyne.NewSize(520, 0))
	showDialog(win, d)
}

// systemOpenURL hands a URL to the system: a file to its viewer, a folder to its file manager.
func systemOpenURL(u *url.URL) error { return fyne.CurrentApp().OpenURL(u) }

// fileURL is the file URL of path, made absolute: file:///home/…/record.pdf, file:///C:/….
func fileURL(path string) *url.URL {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive
	}
	return &url.URL{Scheme: "file", Path: p}
}

// bytesExport is the work of an export made whole in memory first, such as one image.
func bytesExport(make func(ctx context.Context) ([]byte, error)) exportWork {
	return func(ctx context.Context, w io.Writer, _ func(done, total int)) error {
		out, err := make(ctx)
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	}
}
