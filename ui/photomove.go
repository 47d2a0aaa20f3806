package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"log/slog"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// photoWorkAfter is how long after a practice is shown its photo work begins: the window shows
// and its list reads first, as the work shares the practice's one connection. Tests set it to 0.
var photoWorkAfter = 1500 * time.Millisecond

// photoWork is what a practice's window does with its photos once it shows: it moves the photos
// a practice written before the photo library still keeps in its database out to the photo
// folder, with a progress line and Cancel (what has moved stays moved; the rest moves the next
// time), and it looks for photos missing from the photo folder, as when the database was copied
// without it. Both run off the UI goroutine; the practice is used as usual meanwhile, every photo
// reading from wherever it is kept.
type photoWork struct {
	ctx, moveCtx context.Context
	stopAll      context.CancelFunc // ends the whole work: the practice is closing
	stopMove     context.CancelFunc // ends the moving only (moveCtx): Cancel
	done         chan struct{}      // closed when the work has ended
	moved        int                // photos moved out of the database file, read once done is closed

	// Only the UI goroutine touches what follows.
	moving    bool
	cancelled bool
	row       fyne.CanvasObject // the progress line, while moving
	label     *widget.Label
	bar       *widget.ProgressBar
	cancel    *widget.Button
	outcome   string // what moving came to, until dismissed
	warn      bool   // outcome is a failure
	missing   string // photos missing from the photo folder, and how to bring them back
	// found says the folder came back while the window was open. Its line takes the missing
	// line's place at no less than that line's height (hold), as does a shorter missing line:
	// the page must not move under a pointer about to click. Until dismissed or a gallery opens.
	found      bool
	missingRow fyne.CanvasObject // the missing line on screen, measured as it is replaced
	hold       float32
	// imagesBack shows the photos' images again once their folder is back (photoScreen.imagesBack).
	imagesBack func()
	watching   sync.WaitGroup // the look for the photo folder coming back (watchFolder)
	lookNow    chan struct{}  // asks watchFolder to look at once, as a client's gallery opens
}

// lookForPhotoFolder has the window look at once whether a missing photo folder is back, as
// opening a client's gallery does; it does nothing when the folder was not missing.
func (m *mainWindow) lookForPhotoFolder() {
	if m.openedPractice == nil || m.openedPractice.photoWork == nil {
		return
	}
	if w := m.openedPractice.photoWork; w.found || w.hold > 0 {
		w.found, w.hold = false, 0 // a new screen: the notices may take their own height again
		m.showNotices()
	}
	select {
	case m.openedPractice.photoWork.lookNow <- struct{}{}:
	default: // a look is under way or asked for already, or none is watching
	}
}

// photoFolderLookEvery is how often the window looks whether a missing photo folder has been
// copied back: one look at the folder, nothing read. Tests shorten it.
var photoFolderLookEvery = 2 * time.Second

// startPhotoWork begins the photo work of the practice shown, once.
func (m *mainWindow) startPhotoWork() {
	p := m.openedPractice
	if p.photoWork != nil || isServer(p.store) {
		return // a server practice's photo library is shared: no PC moves photos into it by itself
	}
	w := &photoWork{done: make(chan struct{}), lookNow: make(chan struct{})}
	w.ctx, w.stopAll = context.WithCancel(m.life.ctx)
	w.moveCtx, w.stopMove = context.WithCancel(w.ctx)
	p.photoWork = w
	w.imagesBack = func() {
		if m.photos != nil {
			m.photos.imagesBack()
		}
	}
	// One line: the sentence (short enough not to wrap), the bar filling the rest, Cancel.
	w.label = widget.NewLabel("")
	w.bar = widget.NewProgressBar()
	w.cancel = widget.NewButton("Cancel", w.cancelMove)
	w.row = container.NewBorder(nil, widget.NewSeparator(), container.NewHBox(widget.NewIcon(theme.FolderIcon()), w.label),
		w.cancel, w.bar)
	s := fileOf(p.store)
	// show runs f on the UI goroutine and redraws the notices, while this practice is still shown.
	show := func(f func()) {
		fyne.Do(func() {
			if m.openedPractice == p {
				f()
				m.showNotices()
			}
		})
	}
	background(func() {
		defer close(w.done)
		t := time.NewTimer(photoWorkAfter)
		defer t.Stop()
		select {
		case <-w.ctx.Done():
			return
		case <-t.C:
		}
		w.run(s, show)
	})
}

// run moves the photos still in the database, then counts those missing from the photo folder.
func (w *photoWork) run(s *sqlite.Store, show func(func())) {
	due, err := s.PhotoMoveDue(w.ctx)
	if err != nil {
		slog.Error("look for photos to move to the photo folder", "err", err)
	}
	if due.ToMove > 0 {
		show(func() {
			w.moving = true
			w.progress(sqlite.PhotoMove{Total: due.ToMove})
		})
		// The space the photos took is given back as the app stops (reclaim), not now.
		res, err := s.MovePhotosOnly(w.moveCtx, func(p sqlite.PhotoMove) { fyne.Do(func() { w.progress(p) }) })
		w.moved = res.Moved
		if w.ctx.Err() != nil {
			return // the practice is closing: no one is left to tell
		}
		reclaim, rerr := s.ReclaimDue(w.ctx, res.Moved > 0) // so that the notice says it only when it will happen
		if rerr != nil && w.ctx.Err() == nil {
			slog.Error("look at the database file's unused space", "err", rerr)
		}
		show(func() {
			w.moving = false
			w.outcome, w.warn = moveOutcome(s, res, err, w.cancelled, due.ToMove, reclaim)
		})
	}
	if w.ctx.Err() != nil {
		return
	}
	missing, err := s.MissingPhotos(w.ctx)
	if err != nil {
		slog.Error("look for photos missing from the photo folder", "err", err)
		return
	}
	if text := missing.Sentence(); text != "" {
		show(func() { w.missing = text })
	}
	if missing.DirMissing && missing.Photos > 0 {
		w.watchFolder(s, show)
	}
}

// watchFolder looks, every photoFolderLookEvery until the practice closes, whether the missing
// photo folder has been copied back while the practice is open; once it has, it says again what
// is missing and shows the images, and goes on looking while files are still arriving. It runs
// beside the photo work, which has ended: stop waits for it too.
func (w *photoWork) watchFolder(s *sqlite.Store, show func(func())) {
	w.watching.Add(1)
	go func() {
		defer w.watching.Done()
		t := time.NewTicker(photoFolderLookEvery)
		defer t.Stop()
		last := -1
		for {
			select {
			case <-w.ctx.Done():
				return
			case <-t.C:
			case <-w.lookNow:
			}
			if s.PhotoFolderMissing() {
				continue
			}
			missing, err := s.MissingPhotos(w.ctx)
			if err != nil {
				if w.ctx.Err() == nil {
					slog.Error("look for photos missing from the photo folder", "err", err)
				}
				return
			}
			show(func() {
				w.folderBack(missing.Sentence())
				w.imagesBack()
			})
			if missing.Photos == 0 || missing.Photos == last {
				return // all back, or the copy has stopped: no more looking through every file
			}
			last = missing.Photos // files still arriving: look again
		}
	}()
}

// folderBack says what is still missing once the photo folder is back, or that it was found,
// holding the line's height.
func (w *photoWork) folderBack(missing string) {
	if w.missingRow != nil && w.missingRow.Visible() {
		w.hold = max(w.hold, w.missingRow.Size().Height, w.missingRow.MinSize().Height)
	}
	w.found = missing == "" && (w.found || w.missing != "")
	w.missing = missing
}

// progress shows how far moving has come.
func (w *photoWork) progress(p sqlite.PhotoMove) {
	if w.cancelled {
		return
	}
	w.label.SetText(p.Sentence())
	if p.Total > 0 {
		w.bar.SetValue(float64(p.Done) / float64(p.Total))
	}
	if p.Reclaiming {
		w.bar.SetValue(1)
	}
}

// cancelMove stops moving after the photo under way.
func (w *photoWork) cancelMove() {
	if w.cancelled {
		return
	}
	w.cancelled = true
	w.label.SetText("Stopping after the photo being moved…")
	w.cancel.Disable()
	w.stopMove()
}

// moveOutcome says what moving the photos came to, and whether it is a warning; reclaim says the
// database file will give back the room the photos took when Needlelog is closed.
func moveOutcome(s *sqlite.Store, res sqlite.PhotoMoveResult, err error, cancelled bool, total int, reclaim bool) (string, bool) {
	switch {
	case cancelled && errors.Is(err, context.Canceled):
		return fmt.Sprintf("Moving the photos to the photo folder stopped with %d of %d moved. The rest are moved the next time "+
			"this practice is opened; meanwhile every photo can be viewed as before.", res.Moved, total), false
	case err != nil:
		slog.Error("move the photos to the photo folder", "err", err)
		why := errorSentence("move every photo to the photo folder "+s.PhotoDir(), err)
		if errors.Is(err, data.ErrDiskFull) || errors.Is(err, syscall.ENOSPC) {
			why = "Moving the photos to the photo folder " + s.PhotoDir() + " stopped: the disk is full; free some space."
		}
		return why + " The photos not moved stay in the database, where they can be viewed as before, and are moved the next time " +
			"this practice is opened.", true
	case res.Moved == 0:
		return "", false
	}
	text := res.Sentence(s.PhotoDir()) + " Keep the folder beside the database when copying or moving the practice."
	if reclaim {
		text += " The room the photos took in the database file is given back when Needlelog is closed."
	}
	return text, false
}

// reclaim gives back the database file's unused space, when due, as the app stops: photos moved
// out of it this time (w.moved), or space over sqlite's large threshold. It never runs while the
// window is in use, because the rewrite holds every save until it ends (seconds for a large
// practice): a practitioner with a client waiting would rather lose nothing and wait for nothing,
// and as the app stops no one waits on a save. A stop cut short (the computer shutting down)
// leaves the file as it was; the next stop gives the space back. w may be nil: no photo work ran.
func (w *photoWork) reclaim(s *sqlite.Store) {
	moved := w != nil && w.moved > 0
	n, err := s.ReclaimIfDue(context.Background(), moved, nil)
	if err != nil {
		slog.Error("give back the database file's unused space", "path", s.Path(), "err", err)
		return
	}
	if text := (sqlite.PhotoMoveResult{Reclaimed: n}).Sentence(s.PhotoDir()); text != "" {
		slog.Info(text, "path", s.Path())
	}
}

// photoNotices are the photo work's lines among the window's notices.
func (m *mainWindow) photoNotices() []fyne.CanvasObject {
	w := m.openedPractice.photoWork
	if w == nil {
		return nil
	}
	var rows []fyne.CanvasObject
	if w.moving {
		rows = append(rows, w.row)
	}
	if w.outcome != "" {
		icon := theme.InfoIcon()
		if w.warn {
			icon = theme.WarningIcon()
		}
		rows = append(rows, noticeRow(icon, w.outcome, widget.NewButton("Dismiss", func() {
			w.outcome = ""
			m.showNotices()
		})))
	}
	var photoRow fyne.CanvasObject
	switch {
	case w.missing != "":
		w.missingRow = noticeRow(theme.WarningIcon(), w.missing, nil)
		photoRow = w.missingRow
	case w.found:
		photoRow = noticeRow(theme.ConfirmIcon(), "Photo folder found: the photos' images are shown again.",
			widget.NewButton("Dismiss", func() {
				w.found, w.hold = false, 0
				m.showNotices()
			}))
	}
	if photoRow != nil && w.hold > 0 {
		keep := canvas.NewRectangle(color.Transparent)
		keep.SetMinSize(fyne.NewSize(0, w.hold))
		photoRow = container.NewStack(keep, photoRow)
	}
	if photoRow != nil {
		rows = append(rows, photoRow)
	}
	return rows
}

// stop ends the photo work and waits for it: a photo being moved finishes first, so the store
// can be closed after.
func (w *photoWork) stop() {
	if w == nil {
		return
	}
	w.stopAll()
	<-w.done
	w.watching.Wait()
}
