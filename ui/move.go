package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"log/slog"
	"path/filepath"
	"slices"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// File › Move practice…: the practice (its database and its photo folder) is copied to a folder
// the practitioner chooses, checked there, and opened from there. The old files are left where
// they were, and the practitioner is told where, to delete once sure: the one copy Needlelog
// never removes by itself is the only other one there is.

// moveWidth is the width of the move dialog's text.
const moveWidth = 640

// moveDialog asks where to move the practice and shows what that will do.
type moveDialog struct {
	m       *mainWindow
	store   *sqlite.Store
	d       dialog.Dialog
	size    *widget.Label // how big the practice is
	folder  *widget.Label // the folder chosen
	outcome *widget.Label // why the folder will not do, or what to do next
	after   *fyne.Container
	newDB   *widget.Label // where the database will be
	newPics *widget.Label // where its photos will be
	space   *widget.Label // what is copied, and the room there
	moveBtn *widget.Button
	plan    ondisk.MovePlan
	asked   string // the folder last planned, so that a late answer for another is dropped
}

// movePractice opens the move dialog over the client list.
func (m *mainWindow) movePractice() { m.openMoveDialog() }

// openMoveDialog opens the move dialog and returns it; nil when something open must close first.
func (m *mainWindow) openMoveDialog() *moveDialog {
	if !m.browsing() {
		m.sayWhatToCloseFirst("A practice is moved from the client list", "File › Move practice…")
		return nil
	}
	if m.settings.open != nil {
		dialog.ShowInformation("Close Settings first", "Settings saves into the practice: close its window, then choose File › Move practice… again.", m.win)
		return nil
	}
	if isServer(m.store) {
		showInfo(m.win, "A practice on the clinic's server is not moved from here", "This practice is kept on the clinic's server, "+
			"which every PC reaches: there is no file on this PC to move. To make a practice file from it, use "+
			"needlelog move --from ADDRESS --to FILE on one PC.")
		return nil
	}
	md := &moveDialog{m: m, store: fileOf(m.store)}
	md.show()
	return md
}

func moveText(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (md *moveDialog) show() {
	s := md.store
	intro := moveText("Needlelog copies this practice (every record and every photo) into the folder you choose, " +
		"checks that all of it arrived intact, and from then on works from there. Your current files are not " +
		"deleted: they stay where they are, and Needlelog tells you where, so you can delete them once you are sure.")
	md.size = moveText("Working out its size…")
	now := container.New(layout.NewFormLayout(),
		moveField("Database"), moveText(s.Path()),
		moveField("Photos"), moveText(s.PhotoDir()),
		moveField("Size"), md.size)
	md.folder = moveText("No folder chosen yet.")
	choose := widget.NewButtonWithIcon("Choose folder…", theme.FolderOpenIcon(), md.chooseFolder)
	md.outcome = moveText("Choose a folder on this computer's own disk or on a drive plugged into it, such as a " +
		"new drive, or a USB drive to take the practice to a new computer.")
	to := container.New(layout.NewFormLayout(), moveField("Folder"), container.NewBorder(nil, nil, nil, choose, md.folder))
	md.newDB, md.newPics, md.space = moveText(""), moveText(""), moveText("")
	md.after = container.New(layout.NewFormLayout(), moveField("Database"), md.newDB, moveField("Photos"), md.newPics,
		moveField("To copy"), md.space)
	md.after.Hide()
	md.moveBtn = widget.NewButtonWithIcon("Move practice", theme.ConfirmIcon(), md.start)
	md.moveBtn.Importance = widget.HighImportance
	md.moveBtn.Disable()
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { md.d.Hide() })
	body := container.NewVBox(intro, widget.NewSeparator(), moveHeading("Now"), now, widget.NewSeparator(),
		moveHeading("Move to"), to, md.after, md.outcome, layout.NewSpacer(),
		container.NewHBox(layout.NewSpacer(), cancel, md.moveBtn))
	md.d = dialog.NewCustomWithoutButtons("Move the practice to another folder", moveFixedWidth(body, moveWidth), md.m.win)
	showDialog(md.m.win, md.d)
	md.measure()
}

func moveBold(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// fieldName is a row's name in the dialog's forms, all as wide, so that their values line up.
func moveField(text string) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(88, 0))
	return container.NewStack(r, moveBold(text))
}

func moveHeading(text string) *widget.Label {
	l := moveBold(text)
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// fixedWidth lays o out at width w, as tall as it needs.
func moveFixedWidth(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.New(&moveWidthLayout{w: w}, o)
}

type moveWidthLayout struct{ w float32 }

func (l *moveWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *moveWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		o.Resize(fyne.NewSize(l.w, o.MinSize().Height)) // moveText labels know their height at a width
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.w, h)
}

// measure says how big the practice is: what a move copies.
func (md *moveDialog) measure() {
	s := md.store
	async(func() (ondisk.PracticeSize, error) { return ondisk.SizeOf(context.Background(), s) },
		func(z ondisk.PracticeSize, err error) {
			if err != nil {
				slog.Error("measure the practice", "err", err)
				md.size.SetText("Not known: " + errorSentence("measure the practice", err))
				return
			}
			md.size.SetText(moveSizeSentence(z))
		})
}

// moveSizeSentence words a practice's size: "436 MB of records and 600 photos (2.0 GB): 2.5 GB in all."
func moveSizeSentence(z ondisk.PracticeSize) string {
	if z.PhotoFiles == 0 {
		return wording.Size(z.DBBytes) + " of records and " + wording.Count(int(z.PhotoCount), "photo", "photos") + "."
	}
	return fmt.Sprintf("%s of records and %s (%s): %s in all.", wording.Size(z.DBBytes),
		wording.Count(int(z.PhotoCount), "photo", "photos"), wording.Size(z.PhotoBytes), wording.Size(z.Bytes()))
}

// chooseFolder lets the practitioner choose the folder to move into, starting in the folder the
// practice is in (the new place is most often beside it, or a step up); in the chooser's own
// starting place when that folder cannot be listed.
func (md *moveDialog) chooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			showError(md.m.win, "choose the folder", err)
			return
		}
		if u != nil {
			md.choose(u.Path())
		}
	}, md.m.win)
	if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(md.store.Path()))); err == nil {
		d.SetLocation(l)
	}
	size := md.m.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(900, size.Width-40), min(600, size.Height-40)))
	d.Show()
}

// choose plans the move into folder and says what it will do, or why it cannot.
func (md *moveDialog) choose(folder string) {
	md.asked = folder
	md.folder.SetText(folder)
	md.moveBtn.Disable()
	md.after.Hide()
	md.say(widget.MediumImportance, "Looking at the folder…")
	s := md.store
	async(func() (ondisk.MovePlan, error) { return ondisk.PlanMove(context.Background(), s, folder) },
		func(p ondisk.MovePlan, err error) {
			if md.asked != folder {
				return // another folder was chosen meanwhile
			}
			if err != nil {
				md.say(widget.DangerImportance, moveErrorSentence(err))
				return
			}
			md.plan = p
			md.newDB.SetText(p.DB)
			md.newPics.SetText(p.Photos)
			space := wording.Size(p.Bytes())
			if p.Free >= 0 {
				space += ", and that disk has " + wording.Size(p.Free) + " free"
			}
			md.space.SetText(space + ".")
			md.after.Show()
			md.say(widget.MediumImportance, "Nothing is copied until you choose Move practice.")
			md.moveBtn.Enable()
		})
}

// say shows text under the folder, and fits the dialog to what it now holds.
func (md *moveDialog) say(importance widget.Importance, text string) {
	md.outcome.Importance = importance
	md.outcome.SetText(text)
	if md.d != nil {
		md.d.Resize(md.d.MinSize())
	}
}

// moveErrorSentence says why a move did not happen, and that nothing changed.
func moveErrorSentence(err error) string {
	var refused *ondisk.MoveRefusedError
	switch {
	case errors.As(err, &refused):
		return refused.Why
	case errors.Is(err, ondisk.ErrChangedWhileMoving):
		return "Nothing was moved: something was saved in the practice while it was being copied (Needlelog may " +
			"still be moving photos out of the database after an update); wait a minute, then move it again."
	case errors.Is(err, fs.ErrPermission), errors.Is(err, data.ErrReadOnlyFile):
		return "Nothing was moved: this computer does not let Needlelog write in the folder chosen (or the drive is " +
			"read-only); choose another folder."
	case errors.Is(err, syscall.ENOSPC):
		return "Nothing was moved: the disk of the folder chosen filled up during the copy, which was removed; " +
			"free some space there or choose another drive."
	case errors.Is(err, photolib.ErrChanged), errors.Is(err, photolib.ErrMissing):
		return "Nothing was moved: a photo file in the practice's photo folder is damaged or missing (a check of the " +
			"practice names it); bring it back from a backup, then move the practice again."
	}
	return errorSentence("move the practice", err) + " Nothing was moved, and your practice is as it was."
}

// start copies the practice with progress and Cancel, then opens the copy.
func (md *moveDialog) start() {
	md.d.Hide()
	m, s, plan := md.m, md.store, md.plan
	ctx, cancel := context.WithCancel(context.Background())
	step := moveText("Getting ready…")
	bar := widget.NewProgressBar()
	note := moveText("Cancel leaves your practice as it was and removes the part copied so far.")
	note.Importance = widget.LowImportance
	var prog dialog.Dialog
	stop := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		cancel()
		step.SetText("Stopping and removing the part copied so far…")
	})
	prog = dialog.NewCustomWithoutButtons("Moving the practice", moveFixedWidth(container.NewVBox(
		moveText("To "+plan.Folder), step, bar, note, container.NewCenter(stop)), moveWidth), m.win)
	prog.Show()
	async(func() (ondisk.Moved, error) {
		return ondisk.Move(ctx, s, plan, func(p ondisk.MoveProgress) {
			fyne.Do(func() {
				if ctx.Err() == nil {
					step.SetText(moveProgressSentence(p))
				}
				if p.Total > 0 {
					bar.SetValue(float64(p.Done) / float64(p.Total))
				}
			})
		})
	}, func(moved ondisk.Moved, err error) {
		cancel()
		if err != nil {
			prog.Hide()
			if !errors.Is(err, context.Canceled) {
				slog.Error("move the practice", "to", plan.Folder, "err", err)
				showDialog(m.win, dialog.NewError(errors.New(moveErrorSentence(err)), m.win))
			}
			return
		}
		stop.Disable()
		step.SetText("Opening the practice in its new place…")
		m.openMoved(moved, plan, prog)
	})
}

// moveProgressSentence says how far a move has come: "Copying the photos: 120 of 600".
func moveProgressSentence(p ondisk.MoveProgress) string {
	if p.FilesTotal == 0 || p.Step == "Copying the database" {
		return p.Step + "…"
	}
	return p.Step + ": photo file " + wording.OfN(p.Files, p.FilesTotal)
}

// openMoved closes the practice at its old place, so that nothing more can be written there,
// makes sure the copy holds everything it held, and opens the copy in its place: claimed before
// the old claim is given up, so that no other Needlelog can take either in between. When the copy
// cannot be opened, the practice opens again from its old place.
func (m *mainWindow) openMoved(moved ondisk.Moved, plan ondisk.MovePlan, prog dialog.Dialog) {
	old := m.openedPractice
	backups, _ := backupFolder(m.app, old.store.Path())
	m.endScreens()
	async(func() (*openedPractice, error) {
		// As closing it does, keeping the claim until the copy is claimed, and the store open to
		// mark it as moved.
		old.settle()
		defer old.closeStore()
		if old.store.Writes() != moved.Writes {
			moved.Discard() //nolint:errcheck // not opened: removing it is all there is to do
			return nil, ondisk.ErrChangedWhileMoving
		}
		p, err := openPractice(context.Background(), moved.DB, sqlite.Options{})
		if err != nil && !errors.Is(err, data.ErrInUse) {
			moved.Discard() //nolint:errcheck // it did not open: nothing half-made is left behind
		}
		if err == nil {
			// Only now, the copy checked and open (and so without the mark), is the old practice
			// marked: it is never written to again. The move stands whatever this write does.
			if merr := ondisk.MarkMoved(context.Background(), fileOf(old.store), moved.DB); merr != nil {
				slog.Error("mark the old copy as moved", "path", plan.From, "err", merr)
			}
		}
		return p, err
	}, func(p *openedPractice, err error) {
		prog.Hide()
		if err != nil {
			slog.Error("open the moved practice", "path", moved.DB, "err", err)
			m.reopenAfterMove(old, moveErrorSentence(err))
			return
		}
		// Backups go on in the same folder: the practice is the same one, wherever it is kept.
		setBackupFolder(m.app, moved.DB, backups)
		m.use(p)
		m.refresh()
		old.releaseClaim()
		m.forgetRecent(old.store.Path())
		showSummary(m.win, "The practice has moved", movedSentence(moved, plan))
	})
}

// movedSentence tells where the practice is now and where its old files still are.
func movedSentence(moved ondisk.Moved, plan ondisk.MovePlan) string {
	return "Needlelog now works from:\n" + moved.DB + "\n" + moved.Photos + " (its photos)\n" +
		"Every record and every photo was checked there.\n\n" +
		"Your old files are still where they were:\n" + plan.From + "\n" + plan.FromPhotos + " (its photos)\n" +
		"Once you have looked through the practice here and are sure, you can delete both. Needlelog now opens " +
		"the old copy only for reading, and leads you here from it."
}

// reopenAfterMove opens the practice again from its old place, whose store the move closed,
// and says why it is still there.
func (m *mainWindow) reopenAfterMove(old *openedPractice, why string) {
	path := old.store.Path()
	old.releaseClaim()
	async(func() (*openedPractice, error) { return openPractice(context.Background(), path, sqlite.Options{}) },
		func(p *openedPractice, err error) {
			if err != nil {
				askHowToOpen(m.app, m.win, path, err, m.switchTo, "Cancel", func() {})
				return
			}
			m.use(p)
			m.refresh()
			showDialog(m.win, dialog.NewError(errors.New(why+" The practice is open from "+filepath.Dir(path)+" as before."), m.win))
		})
}

// forgetRecent takes path off File › Open recent: the old copy of a moved practice is not to be
// worked in by mistake.
func (m *mainWindow) forgetRecent(path string) {
	m.app.Preferences().SetStringList(prefRecent, slices.DeleteFunc(m.recent(), func(p string) bool { return p == path }))
	m.setMenus()
}
