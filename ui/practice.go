package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
)

// Options is how the app is started.
type Options struct {
	// Open is how the practice at Start's path is opened: Create for the default practice on first run.
	Open sqlite.Options
	// MakeDemo writes the demo practice; without it, the app opens one already written but writes none.
	MakeDemo DemoMaker
	// Closing, when set, is called on the UI goroutine as the app begins to close for good: its
	// window is closed (after the close-time backup) or the app quits while opening.
	Closing func()
}

// DemoMaker writes the demo practice into s, a new and empty practice, saying how far it is with
// progress.
type DemoMaker func(ctx context.Context, s nlstore.Store, progress func(done, total int)) error

// Start opens the practice at path in the main window. Opening checks the whole file first, which
// takes seconds for a large practice that is not in the disk cache yet, so the window shows, saying
// so, when it takes longer than a moment. When the practice cannot be opened as it is, the window
// says why and offers what can be done: bring forward the window that has it open, open it
// read-only, restore the latest good backup; failed receives the error the first attempt met.
func Start(ctx context.Context, a fyne.App, path string, opts Options, failed func(error)) {
	start(ctx, a, path, opts, failed, appWindow())
}

// start is Start with the main window running as o says.
func start(ctx context.Context, a fyne.App, path string, opts Options, failed func(error), o windowOptions) {
	o.closing = opts.Closing
	a.SetIcon(appIcon)
	// One window throughout: it waits for the practice, then becomes the main window. (Closing a
	// window just shown, before the system has made it, can leave it on screen.) It is shown at
	// once, while the practice opens: the system takes a while to make it. It says that the
	// practice is being opened only when that takes long enough to read.
	w := a.NewWindow("Needlelog")
	watchEscape(w.Canvas()) // Escape closes whatever dialog is shown over it
	w.Resize(fyne.NewSize(1280, 800))
	opening := true
	var bar *widget.ProgressBarInfinite // made only when opening takes long enough to say so
	show := func() {                    // the window shows the practice, or why it did not open
		opening = false
		if bar != nil {
			bar.Stop()
		}
	}
	// Closed while opening: the app quits, and a practice that opens after all is closed again.
	abandoned := false
	w.SetCloseIntercept(func() {
		abandoned = true
		if opts.Closing != nil {
			opts.Closing()
		}
		a.Quit()
	})
	opened := func(p *openedPractice) {
		newMainWindowFor(a, w, p, o, opts.MakeDemo)
		show()
	}
	if ondisk.IsServer(path) {
		reported := false // its first failure is reported once, however often it is tried again
		so := &serverOpening{ctx: ctx, w: w, addr: path, opened: opened, abandoned: func() bool { return abandoned },
			gaveUp: a.Quit, failed: func(err error) {
				if !reported {
					reported = true
					failed(err)
				}
				w.SetContent(widget.NewLabel(""))
				show()
			}}
		so.asking = func() { w.SetContent(widget.NewLabel("")); show() }
		so.useFile = func() {
			file, err := ondisk.DefaultPath()
			if err != nil {
				showErrorThen(w, "find the practice file on this PC", err, a.Quit)
				return
			}
			fileOpts := opts.Open
			fileOpts.Create = true
			openFile(ctx, a, w, file, fileOpts, &abandoned, opened, func(error) {}, func() {})
		}
		so.try("")
	} else {
		openFile(ctx, a, w, path, opts.Open, &abandoned, opened, failed, show)
	}
	w.Show() // while the practice opens
	time.AfterFunc(openingShownAfter, func() {
		fyne.Do(func() {
			if opening {
				var waiting fyne.CanvasObject
				waiting, bar = openingContent(path)
				w.SetContent(waiting)
			}
		})
	})
}

// openFile opens the practice file at path for the window w that waits for it, asking how to
// open it when it cannot be as it is.
func openFile(ctx context.Context, a fyne.App, w fyne.Window, path string, opts sqlite.Options, abandoned *bool,
	opened func(*openedPractice), failed func(error), show func()) {
	async(func() (*openedPractice, error) { return openPractice(ctx, path, opts) }, func(p *openedPractice, err error) {
		if *abandoned {
			if err == nil {
				p.close()
			}
			return
		}
		if err == nil {
			opened(p)
			return
		}
		failed(err)
		w.SetContent(widget.NewLabel(""))
		askHowToOpen(a, w, path, err, opened, "Quit", a.Quit)
		show()
	})
}

// openingShownAfter is how long opening may take before a window says it is under way.
const openingShownAfter = 400 * time.Millisecond

// openingContent says that the practice at path is being opened, with a bar that moves until
// stopped.
func openingContent(path string) (fyne.CanvasObject, *widget.ProgressBarInfinite) {
	bar := widget.NewProgressBarInfinite()
	text := widget.NewLabel("Opening the practice\n" + path + "\n\nIts file is checked before anything is written to it: " +
		"a large practice takes a few seconds.")
	if ondisk.IsServer(path) {
		text.SetText("Connecting to the practice on the clinic's server\n" + postgres.Redacted(path))
	}
	text.Wrapping = fyne.TextWrapWord
	text.Alignment = fyne.TextAlignCenter
	box := container.NewVBox(layout.NewSpacer(), text, container.NewGridWrap(fyne.NewSize(480, bar.MinSize().Height), bar), layout.NewSpacer())
	return container.NewCenter(box), bar
}

// askHowToOpen shows over w why the practice at path could not be opened (err) and what can be
// done; open receives the practice once one is open, cancel runs when the practitioner gives up.
func askHowToOpen(a fyne.App, w fyne.Window, path string, err error, open func(*openedPractice), cancelLabel string, cancel func()) {
	q := &openQuestion{a: a, w: w, path: path, open: open, cancelLabel: cancelLabel, cancel: cancel}
	var title, text string
	var moved *ondisk.MovedError
	switch {
	case errors.As(err, &moved):
		title, text = q.moved(moved)
	case errors.Is(err, data.ErrInUse):
		title, text = q.inUse()
	case errors.Is(err, data.ErrDamaged), errors.Is(err, data.ErrForeignSchema):
		title, text = q.damaged(err)
	case errors.Is(err, data.ErrReadOnlyFile):
		title = "Needlelog cannot write to this practice"
		text = errorSentence("open the practice for writing", err) +
			"\n\nYou can open it read-only to look at the records and export them."
		q.button("Open read-only", true, q.readOnly("This computer does not let Needlelog write to the practice's file or its folder.", true))
	case errors.Is(err, data.ErrMissing):
		title, text = q.missing(err)
	default:
		title = "Needlelog could not open the practice"
		text = errorSentence("open "+path, err)
	}
	q.button(cancelLabel, false, cancel)

	q.d = dialog.NewCustomWithoutButtons(title, openQuestionContent(text, q.buttons), w)
	q.d.Show()
}

// openQuestionContent is the opening question's text, at its own height (scrolled past a third
// of a small screen's height), and its buttons centred under it, as Fyne's own dialogs have them.
func openQuestionContent(sentences string, buttons []fyne.CanvasObject) fyne.CanvasObject {
	const width, most = 620, 420
	label := widget.NewLabel(sentences)
	label.Wrapping = fyne.TextWrapWord
	label.Resize(fyne.NewSize(width, label.MinSize().Height)) // a wrapped label knows its height once it has its width
	// At that width whatever the window's: a window smaller than the question must not wrap it
	// a few letters to a line.
	text := container.NewGridWrap(fyne.NewSize(width, min(label.MinSize().Height, most)), container.NewVScroll(label))
	return container.NewVBox(text, container.NewPadded(container.NewCenter(container.NewHBox(buttons...))))
}

// openQuestion is the dialog askHowToOpen shows: what it was asked with, and the buttons each
// kind of failure adds to it.
type openQuestion struct {
	a           fyne.App
	w           fyne.Window
	path        string
	open        func(*openedPractice)
	cancelLabel string
	cancel      func()
	d           dialog.Dialog
	buttons     []fyne.CanvasObject
	movedTo     string // where the practice went, when path is the old copy a move left
}

// button adds a button that closes the dialog, then runs fn.
func (q *openQuestion) button(label string, important bool, fn func()) {
	b := widget.NewButton(label, func() { q.d.Hide(); fn() })
	if important {
		b.Importance = widget.HighImportance
	}
	q.buttons = append(q.buttons, b)
}

// reask asks again, about err.
func (q *openQuestion) reask(err error) {
	askHowToOpen(q.a, q.w, q.path, err, q.open, q.cancelLabel, q.cancel)
}

// readOnly opens the practice read-only, saying why (and whether trying again to write may work).
func (q *openQuestion) readOnly(why string, canRetry bool) func() {
	return func() {
		async(func() (*openedPractice, error) {
			return openPractice(context.Background(), q.path, sqlite.Options{ReadOnly: true})
		},
			func(p *openedPractice, err error) {
				if err != nil {
					q.reask(err)
					return
				}
				p.readOnlyWhy, p.canRetryWrite, p.movedTo = why, canRetry, q.movedTo
				q.open(p)
			})
	}
}

// inUse offers, when another window has the practice, to bring that window forward or to open
// the practice read-only here.
func (q *openQuestion) inUse() (title, text string) {
	title = "This practice is already open"
	text = "Another Needlelog window has this practice open:\n" + q.path +
		"\n\nOnly one window at a time can change a practice, so that no one's changes overwrite another's. " +
		"You can bring that window to the front, or look at the records here without changing them."
	q.button("Show that window", true, func() {
		// The other window may take a moment to answer: never on the UI goroutine.
		async(func() (struct{}, error) { return struct{}{}, ondisk.Knock(q.path) }, func(_ struct{}, err error) {
			if err != nil {
				showErrorThen(q.w, "reach the other window", fmt.Errorf("%w (it may be on another desktop, or still starting)", err),
					func() { q.reask(data.ErrInUse) })
				return
			}
			q.cancel()
		})
	})
	q.button("Open read-only here", false, q.readOnly("Another Needlelog window has this practice open for writing.", true))
	return title, text
}

// damaged offers, for a damaged file or one changed outside Needlelog (err), to restore the
// latest good backup, to choose a backup file, or to open the file read-only.
func (q *openQuestion) damaged(err error) (title, text string) {
	title = "The practice file is damaged"
	// SQLite's own lines (page numbers, error codes) are for whoever repairs the file.
	slog.Error("damaged practice file", "err", err)
	text = "The check made on opening found damage in\n" + q.path + "\n\nParts of the file do not hold what they should, " +
		"so what is read from it cannot be trusted.\n\nNeedlelog has not written to it, and has moved nothing."
	readOnlyWhy := "The practice file is damaged, so Needlelog writes nothing to it: " +
		"restore a backup to go on working (close Needlelog and open it again to be offered one)."
	if errors.Is(err, data.ErrForeignSchema) {
		title, text = "The practice file was changed outside Needlelog", foreignSchemaText(q.path, err)
		readOnlyWhy = "The practice file was changed outside Needlelog, so Needlelog writes nothing to it: " +
			"restore a backup to go on working (close Needlelog and open it again to be offered one)."
	}
	dir, latest := latestGoodBackup(q.a, q.path)
	again := func() { q.reask(err) }
	restore := func(b ondisk.Backup) {
		c := dialog.NewConfirm("Restore the backup?", fmt.Sprintf("Restore the backup made %s?\n\nThe current file is kept beside it, "+
			"renamed, in case it is needed. Changes made after that backup are not in it.", humanTime(b.Taken, time.Now())),
			func(ok bool) {
				if !ok {
					again()
					return
				}
				withBackupKey(q.w, b, func(k *ondisk.BackupKey) { restoreOver(q.w, q.path, b, k, q.open, again, q.reask) }, again)
			}, q.w)
		c.SetConfirmText("Restore")
		c.Show()
	}
	if latest.Path != "" {
		text += "\n\nThe latest good backup was made " + humanTime(latest.Taken, time.Now()) + ":\n" + latest.Path
		q.button("Restore that backup…", true, func() { restore(latest) })
	} else {
		text += "\n\nNo backup of this practice was found in " + dir + ". If there is one elsewhere " +
			"(a USB drive, another folder, a backup made before the file was moved), choose it with Choose a backup file…"
	}
	q.button("Choose a backup file…", latest.Path == "", func() {
		chooseBackupFile(q.w, dir, restore, again)
	})
	q.button("Open read-only", false, q.readOnly(readOnlyWhy, false))
	return title, text
}

// moved offers, for the old copy of a practice that was moved, to open the moved practice, or to
// look at the old copy read-only.
func (q *openQuestion) moved(moved *ondisk.MovedError) (title, text string) {
	title = "This practice was moved"
	q.movedTo = moved.To
	text = moved.Sentence() + "\n\nThese files were left here for you to delete once you are sure of the moved " +
		"practice. Needlelog saves nothing in them and does not back them up, so that the two copies never part ways."
	label := "Open the moved practice"
	if moved.ToServer() {
		label = "Connect to the clinic's server…"
	}
	q.button(label, true, func() {
		openMoved(q.a, q.w, moved.To, q.open, func() { q.reask(moved) }, q.cancelLabel, q.cancel)
	})
	q.button("Look at this old copy", false, q.readOnly(moved.Sentence(), false))
	return title, text
}

// openMoved opens the moved practice at to for writing and hands it to open. One no longer there
// is said, with what to do, and then back runs, as it does when the form connecting to a practice
// moved to the clinic's server is given up; another failure (in use, damaged…) is asked about
// as for any practice that does not open.
func openMoved(a fyne.App, w fyne.Window, to string, open func(*openedPractice), back func(), cancelLabel string, cancel func()) {
	if ondisk.IsServer(to) {
		// Moved to the clinic's server: this PC connects to it as Settings › Database does, its
		// address filled in, the password asked for (never kept), and opens it from then on.
		f := showConnectForm(w, "", func(p *openedPractice) {
			rememberServer(a, p.store.Path())
			open(p)
		})
		if addr, err := parseServerAddress(to); err == nil {
			f.fill(addr)
		}
		f.closed = back
		return
	}
	async(func() (*openedPractice, error) {
		return openPractice(context.Background(), to, sqlite.Options{})
	}, func(p *openedPractice, err error) {
		switch {
		case err == nil:
			open(p)
		case errors.Is(err, data.ErrMissing):
			d := dialog.NewInformation("The moved practice is not there", "The moved practice is not at "+to+
				": if it was deleted, restore a backup.", w)
			d.SetOnClosed(back)
			d.Show()
		default:
			askHowToOpen(a, w, to, err, open, cancelLabel, cancel)
		}
	})
}

// latestGoodBackup is the folder the practice at path is backed up to, and the newest backup in
// it not already found unusable in this run (none when there is none, or the folder is unknown).
func latestGoodBackup(a fyne.App, path string) (dir string, latest ondisk.Backup) {
	dir, derr := backupFolder(a, path)
	if derr == nil {
		if list, lerr := practiceBackups(a, dir, path); lerr == nil {
			if i := slices.IndexFunc(list, func(b ondisk.Backup) bool { return !unusableBackups[b.Path] }); i >= 0 {
				latest = list[i]
			}
		}
	}
	return dir, latest
}

// missing offers, when there is no practice at the path, to start a new one there.
func (q *openQuestion) missing(err error) (title, text string) {
	title = "There is no practice here yet"
	text = errorSentence("open "+q.path, err) +
		"\n\nIf the path is right, Needlelog can start a new, empty practice in this file, as File › New database… does, " +
		"or start it from a bundle of the clinic's records (made there with File › Transfer › Take records on the road…)."
	create := func(fromBundle bool) func() {
		return func() {
			async(func() (*openedPractice, error) {
				return openPractice(context.Background(), q.path, sqlite.Options{Create: true})
			}, func(p *openedPractice, err error) {
				if err != nil {
					q.reask(err)
					return
				}
				p.fromBundle = fromBundle
				q.open(p)
			})
		}
	}
	q.button("Create a new practice here", true, create(false))
	q.button("Start from the clinic's bundle…", false, create(true))
	return title, text
}

// foreignSchemaText says that the file at path was changed outside Needlelog, naming the changes
// err lists (see data.SchemaError), and what Needlelog did and will do about it.
func foreignSchemaText(path string, err error) string {
	text := "The check made on opening found that another program changed how the practice file " + path + " keeps its records"
	if se := (*data.SchemaError)(nil); errors.As(err, &se) && len(se.Differences) > 0 {
		shown := se.Differences
		if len(shown) > 8 {
			shown = append(shown[:8:8], fmt.Sprintf("and %d more", len(se.Differences)-8))
		}
		text += ":\n\n• " + strings.Join(shown, "\n• ")
	} else {
		text += "."
	}
	return text + "\n\nSuch a change can act on every save, altering or erasing what is saved, so Needlelog has not written " +
		"to the file, and has moved nothing. The records can still be read and exported.\n\nRestoring a backup leaves these changes out."
}

// unusableBackups are the backups a restore refused in this run (damaged, not a practice, from
// a newer version): the damaged-file window offers the next older one instead. UI goroutine only.
var unusableBackups = map[string]bool{}

// withBackupKey calls restore with the key of backup b's folder, asked for with its passphrase when
// b is encrypted (nil when it is not); Cancel calls back, and nothing is changed.
func withBackupKey(w fyne.Window, b ondisk.Backup, restore func(*ondisk.BackupKey), back func()) {
	if enc, _ := ondisk.IsEncrypted(b.Path); !enc {
		restore(nil)
		return
	}
	askBackupPassphrase(w, filepath.Dir(b.Path), func(k *ondisk.BackupKey) {
		if k == nil {
			back()
			return
		}
		restore(k)
	})
}

// restoreOver puts backup b in place of the damaged file at path, which is kept aside, then opens
// it, decrypting it with key when it is encrypted. Restore checks the backup before it moves
// anything, so a bad backup leaves path as it was (back shows the choices again); reask shows them
// for a new fault.
func restoreOver(w fyne.Window, path string, b ondisk.Backup, key *ondisk.BackupKey, open func(*openedPractice), back func(), reask func(error)) {
	type restored struct {
		p       *openedPractice
		aside   string
		repairs []string
		photos  string // which photos could not be restored, if any
	}
	async(func() (restored, error) {
		ctx := context.Background()
		done, err := ondisk.RestoreWithKey(ctx, b.Path, path, true, key)
		aside := done.KeptAside
		if err != nil && aside == "" {
			return restored{}, err
		}
		// With aside set the backup is in place even if err says its folder was not flushed.
		p, err := openPractice(ctx, path, sqlite.Options{})
		return restored{p, aside, done.SchemaRepairs, done.PhotoWarning()}, err
	}, func(r restored, err error) {
		switch {
		case err == nil:
			r.p.notice = "Restored from the backup made " + humanTime(b.Taken, time.Now()) + ". The file it replaced is kept as " + r.aside + "."
			if len(r.repairs) > 0 {
				r.p.notice += " Changes made to the backup outside Needlelog were undone: it " + strings.Join(r.repairs, "; ") + "."
			}
			if r.photos != "" {
				r.p.notice += " " + r.photos
			}
			open(r.p)
		case r.aside != "":
			showErrorThen(w, "open the restored practice", fmt.Errorf("%w (the backup is in place; the damaged file is kept as %s)", err, r.aside),
				func() { reask(err) })
		case errors.Is(err, data.ErrDamaged), errors.Is(err, data.ErrNotDatabase), errors.Is(err, data.ErrNewerSchema), errors.Is(err, data.ErrMissing),
			errors.Is(err, data.ErrForeignSchema):
			unusableBackups[b.Path] = true
			slog.Error("backup refused", "backup", b.Path, "err", err)
			d := dialog.NewInformation("This backup cannot be used", "The backup made "+humanTime(b.Taken, time.Now())+
				" cannot be restored: "+backupFault(err)+"\n\nNothing was changed. The next older backup, if there is one, is offered instead.", w)
			d.SetOnClosed(back)
			d.Show()
		default:
			showErrorThen(w, "restore the backup", err, back)
		}
	})
}

// backupFault says what is wrong with a backup file that Restore refused.
func backupFault(err error) string {
	switch {
	case errors.Is(err, data.ErrDamaged):
		return "it is damaged too."
	case errors.Is(err, data.ErrNotDatabase):
		return "it is not a Needlelog practice."
	case errors.Is(err, data.ErrNewerSchema):
		return "it was made by a newer version of Needlelog."
	case errors.Is(err, data.ErrForeignSchema):
		return "its tables were changed outside Needlelog."
	}
	return "the file is no longer there."
}

// chooseBackupFile lets the practitioner pick a backup anywhere, starting in dir.
func chooseBackupFile(w fyne.Window, dir string, chosen func(ondisk.Backup), back func()) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			back()
			return
		}
		r.Close()
		p := r.URI().Path()
		var taken = time.Now()
		if info, err := os.Stat(p); err == nil {
			taken = info.ModTime()
		}
		chosen(ondisk.Backup{Path: p, Taken: taken})
	}, w)
	// The practice's own folder may hold none yet: then the folder of all backups, so that a
	// backup kept under another practice's name is near (the file dialog hides dot-folders such
	// as ~/.local, which holds it).
	for _, d2 := range []string{dir, filepath.Dir(dir)} {
		if l, err := storage.ListerForURI(storage.NewFileURI(d2)); err == nil {
			d.SetLocation(l)
			break
		}
	}
	d.SetFilter(storage.NewExtensionFileFilter([]string{".db", ".sqlite", ".sqlite3", ".age"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}
