package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
)

// practice is an open database, this app's claim on its file (nil when open read-only), and a
// note for the practitioner about how it was opened ("Restored from the backup of …").
type practice struct {
	store  *data.Store
	claim  *data.Claim
	notice string
}

// openPractice claims the file at path for this app and opens it. A read-only open claims
// nothing: it is how a second window looks at a practice another one has open.
func openPractice(ctx context.Context, path string, opts data.Options) (practice, error) {
	if opts.ReadOnly {
		s, err := data.Open(ctx, path, opts)
		return practice{store: s}, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if !opts.Create {
			return practice{}, fmt.Errorf("open %s: %w", path, data.ErrMissing)
		}
		// The claim's lock file goes beside the database, in a folder that may not exist yet.
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return practice{}, fmt.Errorf("create folder for %s: %w", path, err)
		}
	}
	claim, err := data.ClaimDatabase(path)
	if err != nil {
		return practice{}, err
	}
	s, err := data.Open(ctx, path, opts)
	if err != nil {
		claim.Release() //nolint:errcheck // the open failed; the claim was ours alone
		return practice{}, err
	}
	return practice{store: s, claim: claim}, nil
}

// Start opens the practice at path in the main window. Opening checks the whole file first, which
// takes seconds for a large practice that is not in the disk cache yet, so a window saying so
// appears when it takes longer than a moment. When the practice cannot be opened as it is, that
// window says why and offers what can be done: bring forward the window that has it open, open it
// read-only, restore the latest good backup; failed receives the error the first attempt met.
func Start(ctx context.Context, a fyne.App, path string, opts data.Options, failed func(error)) {
	a.SetIcon(appIcon)
	w := a.NewWindow("Needlelog")
	w.Resize(fyne.NewSize(720, 460))
	w.SetContent(openingContent(path))
	settled := false
	time.AfterFunc(openingShownAfter, func() {
		fyne.Do(func() {
			if !settled {
				w.Show()
			}
		})
	})
	show := func(p practice) {
		newMainWindowFor(a, p).Show()
		w.Close()
	}
	async(func() (practice, error) { return openPractice(ctx, path, opts) }, func(p practice, err error) {
		settled = true
		if err == nil {
			show(p)
			return
		}
		failed(err)
		w.SetContent(widget.NewLabel(""))
		askHowToOpen(a, w, path, err, show, "Quit", a.Quit)
		w.Show()
	})
}

// openingShownAfter is how long opening may take before a window says it is under way.
const openingShownAfter = 400 * time.Millisecond

// openingContent says that the practice at path is being opened.
func openingContent(path string) fyne.CanvasObject {
	bar := widget.NewProgressBarInfinite()
	text := widget.NewLabel("Opening the practice\n" + path + "\n\nIts file is checked before anything is written to it: " +
		"a large practice takes a few seconds.")
	text.Wrapping = fyne.TextWrapWord
	text.Alignment = fyne.TextAlignCenter
	return container.NewPadded(container.NewVBox(layout.NewSpacer(), text, bar, layout.NewSpacer()))
}

// askHowToOpen shows over w why the practice at path could not be opened (err) and what can be
// done; open receives the practice once one is open, cancel runs when the practitioner gives up.
func askHowToOpen(a fyne.App, w fyne.Window, path string, err error, open func(practice), cancelLabel string, cancel func()) {
	var d dialog.Dialog
	var buttons []fyne.CanvasObject
	button := func(label string, important bool, fn func()) {
		b := widget.NewButton(label, func() { d.Hide(); fn() })
		if important {
			b.Importance = widget.HighImportance
		}
		buttons = append(buttons, b)
	}
	tryOpen := func(opts data.Options, notice string) {
		async(func() (practice, error) { return openPractice(context.Background(), path, opts) },
			func(p practice, err error) {
				if err != nil {
					askHowToOpen(a, w, path, err, open, cancelLabel, cancel)
					return
				}
				p.notice = notice
				open(p)
			})
	}
	readOnly := func() {
		tryOpen(data.Options{ReadOnly: true}, "")
	}

	var title, text string
	switch {
	case errors.Is(err, data.ErrInUse):
		title = "This practice is already open"
		text = "Another Needlelog window has this practice open:\n" + path +
			"\n\nOnly one window at a time can change a practice, so that no one's changes overwrite another's. " +
			"You can bring that window to the front, or look at the records here without changing them."
		button("Show that window", true, func() {
			if err := data.Knock(path); err != nil {
				showErrorThen(w, "reach the other window", fmt.Errorf("%w (it may be on another desktop, or still starting)", err),
					func() { askHowToOpen(a, w, path, data.ErrInUse, open, cancelLabel, cancel) })
				return
			}
			cancel()
		})
		button("Open read-only here", false, readOnly)
	case errors.Is(err, data.ErrDamaged):
		title = "The practice file is damaged"
		text = "SQLite's check found damage in\n" + path + "\n\n" + damageDetail(err) +
			"\n\nNeedlelog has not written to it, and has moved nothing."
		dir, derr := backupFolder(a, path)
		var latest data.Backup
		if derr == nil {
			if list, lerr := data.Backups(dir, path); lerr == nil && len(list) > 0 {
				latest = list[0]
			}
		}
		again := func() { askHowToOpen(a, w, path, err, open, cancelLabel, cancel) }
		restore := func(b data.Backup) {
			c := dialog.NewConfirm("Restore the backup?", fmt.Sprintf("Restore the backup made %s?\n\nThe damaged file is kept beside it, "+
				"renamed, in case it is needed. Changes made after that backup are not in it.", humanTime(b.Taken, timeNow())),
				func(ok bool) {
					if !ok {
						again()
						return
					}
					restoreOver(w, path, b, open, again)
				}, w)
			c.SetConfirmText("Restore")
			c.Show()
		}
		if latest.Path != "" {
			text += "\n\nThe latest good backup was made " + humanTime(latest.Taken, timeNow()) + ":\n" + latest.Path
			button("Restore that backup…", true, func() { restore(latest) })
		} else {
			text += "\n\nNo backup of this practice was found in " + dir + "."
		}
		button("Choose a backup file…", latest.Path == "", func() {
			chooseBackupFile(w, dir, restore, again)
		})
		button("Open read-only", false, readOnly)
	case errors.Is(err, data.ErrReadOnlyFile):
		title = "Needlelog cannot write to this practice"
		text = errorSentence("open the practice for writing", err) +
			"\n\nYou can open it read-only to look at the records and export them."
		button("Open read-only", true, readOnly)
	default:
		title = "Needlelog could not open the practice"
		text = errorSentence("open "+path, err)
	}
	button(cancelLabel, false, cancel)

	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(nil, container.NewHBox(buttons...), nil, nil, container.NewVScroll(label))
	d = dialog.NewCustomWithoutButtons(title, container.NewGridWrap(fyne.NewSize(620, 320), body), w)
	d.Show()
}

// damageDetail lists the first problems the check found, from the error's text.
func damageDetail(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, data.ErrDamaged.Error()); i >= 0 {
		msg = strings.TrimLeft(msg[i+len(data.ErrDamaged.Error()):], " :;(")
		msg = strings.TrimRight(msg, ")")
	}
	if msg == "" {
		return "The file cannot be trusted."
	}
	return "It found: " + msg
}

// restoreOver puts backup b in place of the damaged file at path, which is kept aside, then opens
// it. Restore checks the backup before it moves anything, so a bad backup leaves path as it was.
func restoreOver(w fyne.Window, path string, b data.Backup, open func(practice), back func()) {
	async(func() (practice, error) {
		ctx := context.Background()
		aside, err := data.Restore(ctx, b.Path, path, true)
		if err != nil {
			return practice{}, err
		}
		p, err := openPractice(ctx, path, data.Options{})
		if err != nil {
			return practice{}, err
		}
		p.notice = "Restored from the backup made " + humanTime(b.Taken, timeNow()) + ". The damaged file is kept as " + aside + "."
		return p, nil
	}, func(p practice, err error) {
		if err != nil {
			showErrorThen(w, "restore the backup", err, back)
			return
		}
		open(p)
	})
}

// chooseBackupFile lets the practitioner pick a backup anywhere, starting in dir.
func chooseBackupFile(w fyne.Window, dir string, chosen func(data.Backup), back func()) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			back()
			return
		}
		r.Close()
		p := r.URI().Path()
		var taken = timeNow()
		if info, err := os.Stat(p); err == nil {
			taken = info.ModTime()
		}
		chosen(data.Backup{Path: p, Taken: taken})
	}, w)
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
	d.SetFilter(storage.NewExtensionFileFilter([]string{".db", ".sqlite", ".sqlite3"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}
