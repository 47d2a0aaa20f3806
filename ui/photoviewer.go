package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// photoViewer shows one photo of the gallery at screen size, with zoom and pan, its tags to edit,
// its note, and the notes pinned to points of it. Left and Right go to the previous and next photo.
type photoViewer struct {
	p      *photoScreen
	life   life // ends when the screen leaves the viewer, or closes
	i      int
	photo  data.Photo
	pins   []data.PhotoPin
	shown  int  // counts loads, so that a late answer for a photo left behind is dropped
	saving bool // the tags are being saved: leaving waits, so an error finds what was typed
	// dirty is a change to the tags or note not yet stored: one made while a save was under
	// way, typing not yet paused, or a save that failed.
	dirty  bool
	typing *time.Timer // saves the note once typing pauses
	after  func()      // what to do once the changes are stored: leave, or go to the next photo

	state                                 *nlwidget.ViewState
	view                                  *nlwidget.PhotoView
	kind, viewSel, zone, session, consent *widget.Select
	note                                  *nlwidget.TextField
	saved                                 *widget.Label // "Saved", or why not
	pinList                               *fyne.Container
	title, position                       *widget.Label
	tools                                 *fyne.Container // the bar's buttons, laid out again as the position's width changes
	filling                               bool
	imageOnly                             []fyne.Disableable // what needs the image: zoom and Save a copy
	remove                                *widget.Button     // Delete…, held while the photo folder is missing
	lost                                  bool               // the photo on show has no image
	root                                  fyne.CanvasObject
}

func newPhotoViewer(p *photoScreen, i int) *photoViewer {
	v := &photoViewer{p: p, i: i, life: newLife(p.life.ctx), state: nlwidget.NewViewState()}
	v.view = nlwidget.NewPhotoView(v.state)
	v.view.OnTap = v.pinAt
	v.view.OnKey = v.key
	changed := func(string) { v.edited() }
	var kinds []string
	for _, k := range data.PhotoKinds {
		kinds = append(kinds, string(k))
	}
	v.kind = widget.NewSelect(kinds, changed)
	v.viewSel = widget.NewSelect(append([]string{noneYet}, p.views...), changed)
	v.zone = widget.NewSelect(append([]string{noneYet}, p.zones...), changed)
	sessions := []string{noneSess}
	for _, s := range p.sessions {
		sessions = append(sessions, sessionLabel(s))
	}
	v.session = widget.NewSelect(sessions, changed)
	var scopes []string
	for _, c := range data.PhotoScopes {
		scopes = append(scopes, photoScopeLabel(c))
	}
	v.consent = widget.NewSelect(scopes, changed)
	v.note = nlwidget.NewTextField()
	v.note.MultiLine = true
	v.note.Wrapping = fyne.TextWrapWord
	v.note.SetMinRowsVisible(3)
	v.note.SetPlaceHolder("What the photo shows, how it was lit…")
	v.note.OnChanged = func(string) { v.typed() }
	v.saved = widget.NewLabel("")
	v.saved.Wrapping = fyne.TextWrapWord
	v.saved.Importance = widget.LowImportance
	v.pinList = container.NewVBox()
	v.title = boldLabel("")
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.position = widget.NewLabel("")

	tags := widget.NewForm(
		widget.NewFormItem("Kind", v.kind),
		widget.NewFormItem("View", v.viewSel),
		widget.NewFormItem("Zone", v.zone),
		widget.NewFormItem("Session", v.session),
		widget.NewFormItem("Consent", v.consent),
	)
	pinHint := widget.NewLabel("Click the photo to pin a note to a point of it.")
	pinHint.Wrapping = fyne.TextWrapWord
	pinHint.Importance = widget.LowImportance
	side := container.NewVBox(v.title, tags, boldLabel("Note"), v.note, v.saved,
		widget.NewSeparator(), boldLabel("Pinned notes"), pinHint, v.pinList)

	prev := widget.NewButtonWithIcon("Previous", theme.NavigateBackIcon(), func() { v.step(-1) })
	next := widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), func() { v.step(1) })
	zoomOut := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { v.state.ZoomBy(0.8) })
	fit := widget.NewButtonWithIcon("", theme.ZoomFitIcon(), v.state.Reset)
	zoomIn := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { v.state.ZoomBy(1.25) })
	back := widget.NewButtonWithIcon("Gallery", theme.GridIcon(), v.leave)
	saveCopy := widget.NewButtonWithIcon("Save a copy…", theme.DownloadIcon(), v.saveCopy)
	remove := widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), v.delete)
	remove.Importance = widget.LowImportance
	v.remove = remove
	v.imageOnly = []fyne.Disableable{zoomOut, fit, zoomIn, saveCopy}
	v.tools = container.NewHBox(back, prev, next, v.position, zoomOut, fit, zoomIn, saveCopy) // the screen's Compare compares the photo on show
	bar := container.NewBorder(nil, nil, v.tools,
		remove)
	split := container.NewHSplit(v.view, nlwidget.FormScroll(container.NewVScroll(container.NewPadded(side))))
	split.Offset = 0.7
	v.root = container.NewBorder(bar, nil, nil, nil, split)
	return v
}

func (v *photoViewer) content() fyne.CanvasObject { return v.root }

// photoScopeLabel says a photo's consent scope; a photo without one is in the clinical record only.
func photoScopeLabel(c data.PhotoConsent) string {
	return wording.PhotoConsent(cmp.Or(c, data.PhotoConsentClinical))
}

// key handles the keys the photo view does not: Left and Right step, Escape goes back.
func (v *photoViewer) key(k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeyLeft:
		v.step(-1)
	case fyne.KeyRight:
		v.step(1)
	case fyne.KeyEscape:
		v.leave()
	default:
		return false
	}
	return true
}

// step goes to the previous or next photo, asking first about unsaved tags.
func (v *photoViewer) step(d int) {
	i := v.i + d
	if i < 0 || i >= len(v.p.photos) {
		return
	}
	v.unsavedThen(func() { v.show(i) })
}

func (v *photoViewer) leave() { v.unsavedThen(v.p.backToGallery) }

// unsaved reports whether the tags or note hold changes not yet stored.
func (v *photoViewer) unsaved() bool { return v.saving || v.dirty }

// unsavedThen runs fn once the changes made are stored; when the last save failed, it asks first.
func (v *photoViewer) unsavedThen(fn func()) {
	switch {
	case v.saving || v.typing != nil:
		v.after = fn // a moment: the save's answer comes back to this photo first
		v.save()
	case v.dirty:
		confirm(v.p.win, "Leave without saving?", "The last change to this photo's tags or note could not be saved.", "Leave", func() {
			v.dirty = false
			fn()
		})
	default:
		fn()
	}
}

// focus gives the photo the keyboard again, for Left, Right, + and -.
func (v *photoViewer) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v.view); c != nil {
		c.Focus(v.view)
	}
}

// show loads photo i of the gallery: its preview, record and pins.
func (v *photoViewer) show(i int) {
	v.i = i
	v.shown++
	n := v.shown
	id := v.p.photos[i].ID
	v.position.SetText(wording.OfN(i+1, len(v.p.photos)))
	v.tools.Refresh()
	v.state.Reset()
	store := v.p.store
	type loaded struct {
		photo data.Photo
		img   image.Image
		lost  string // said in the image's place when it cannot be shown
		// folderGone is an image missing only because the whole photo folder is: copying the
		// folder back brings it back, so the photo is not offered for deletion meanwhile.
		folderGone bool
		pins       []data.PhotoPin
	}
	ctx := v.life.ctx
	async(func() (loaded, error) {
		var l loaded
		var err error
		if l.photo, err = store.Photo(ctx, id); err != nil {
			return l, err
		}
		b, err := store.PhotoPreview(ctx, id)
		switch {
		case errors.Is(err, data.ErrNotFound):
			// Its image is lost but its record is here: show the record, so that it can be
			// read, retagged or deleted, and the store's sentence of what to do.
			l.lost = lostImageText(err)
			l.folderGone = photoFolderMissing(store)
		case err != nil:
			return l, err
		default:
			if l.img, err = decodePhoto(b); err != nil {
				return l, err
			}
		}
		l.pins, err = store.PhotoPins(ctx, id)
		return l, err
	}, func(l loaded, err error) {
		if n != v.shown || v.life.gone(err) {
			return
		}
		if err != nil {
			showError(v.p.win, "open the photo", err)
			return
		}
		v.photo = l.photo
		v.view.SetImage(l.img, l.lost)
		v.lost = l.img == nil
		if l.folderGone {
			v.remove.Disable()
		} else {
			v.remove.Enable()
		}
		for _, b := range v.imageOnly {
			if l.img == nil {
				b.Disable()
			} else {
				b.Enable()
			}
		}
		v.fill()
		v.setPins(l.pins)
		v.focus()
	})
}

// photoFolderMissing says whether the store's photo folder is not there at all (a practice copied
// without it), as against one file lost from it.
func photoFolderMissing(s nlstore.Store) bool {
	f, ok := s.(interface{ PhotoFolderMissing() bool })
	return ok && f.PhotoFolderMissing()
}

// lostImageText stands in for a photo whose image cannot be shown: the store's sentence of why
// and what to do (the photo folder not beside the practice file, or the file missing or changed).
func lostImageText(err error) string {
	text := err.Error()
	return strings.ToUpper(text[:1]) + text[1:]
}

// fill sets the fields from the photo's record.
func (v *photoViewer) fill() {
	v.filling = true
	defer func() { v.filling = false }()
	ph := v.photo
	v.title.SetText(ph.FileName + " · taken " + wording.DateTime(ph.TakenAt))
	v.kind.SetSelected(string(ph.Kind))
	setOr(v.viewSel, ph.View)
	setOr(v.zone, ph.Zone)
	v.session.SetSelected(noneSess)
	if s, ok := v.p.sessionOf(ph.SessionID); ok {
		v.session.SetSelected(sessionLabel(s))
	}
	v.consent.SetSelected(photoScopeLabel(ph.Consent))
	v.note.SetText(ph.Note)
	v.dirty = false
	v.saved.SetText("")
}

// setOr selects value, offering it when the list no longer has it, or "not recorded" when empty.
func setOr(s *widget.Select, value string) {
	if value == "" {
		s.SetSelected(noneYet)
		return
	}
	offer(s, value)
	s.SetSelected(value)
}

// edited saves a changed tag at once.
func (v *photoViewer) edited() {
	if !v.filling {
		v.dirty = true
		v.save()
	}
}

// typingPause is how long the note waits after the last key before it is saved, unless the
// photo screen says otherwise (photoScreen.typingPause).
const typingPause = 800 * time.Millisecond

// typed saves the note once typing pauses, not at every key.
func (v *photoViewer) typed() {
	if v.filling {
		return
	}
	v.dirty = true
	if v.typing != nil {
		v.typing.Stop()
	}
	v.typing = time.AfterFunc(v.p.typingPause, func() { fyne.Do(v.save) })
}

// tags reads the fields.
func (v *photoViewer) tags() data.PhotoTags {
	t := v.photo.PhotoTags
	t.Kind = data.PhotoKind(v.kind.Selected)
	t.View, t.Zone = v.viewSel.Selected, v.zone.Selected
	if t.View == noneYet {
		t.View = ""
	}
	if t.Zone == noneYet {
		t.Zone = ""
	}
	t.SessionID = ""
	if i := slices.Index(v.session.Options, v.session.Selected); i > 0 {
		t.SessionID = v.p.sessions[i-1].SessionID
	}
	for _, c := range data.PhotoScopes {
		if photoScopeLabel(c) == v.consent.Selected {
			t.Consent = c
		}
	}
	t.Note = v.note.Text
	return t
}

// save stores the tags and note, each change as it is made, and says "Saved" or, in a
// sentence, why not; a change made meanwhile elsewhere is refused, not overwritten. On an error
// what was typed stays in the fields.
func (v *photoViewer) save() {
	if v.typing != nil {
		v.typing.Stop()
		v.typing = nil
	}
	if v.saving || !v.dirty {
		return // a save under way saves again when it is back
	}
	ph := v.photo
	ph.PhotoTags = v.tags()
	v.saving, v.dirty = true, false
	v.saved.Importance = widget.LowImportance
	v.saved.SetText("Saving…")
	n := v.shown
	// Tags typed are saved even when the viewer is left meanwhile.
	lastingWrite(v.life, v.p.store, func(ctx context.Context) (data.Photo, error) { return ph, v.p.store.UpdatePhoto(ctx, &ph) },
		func(saved data.Photo, err error) {
			v.saving = false
			if err != nil {
				slog.Error("could not save the photo's tags", "err", err)
				v.dirty, v.after = true, nil
				v.saved.Importance = widget.DangerImportance
				v.saved.SetText(errorSentence("save this change to the photo", err))
				return
			}
			v.p.replace(saved)
			if n != v.shown {
				return
			}
			v.photo = saved
			if v.dirty {
				v.save()
				return
			}
			v.saved.Importance = widget.LowImportance
			v.saved.SetText("Saved")
			if fn := v.after; fn != nil {
				v.after = nil
				fn()
			}
		})
}

// setPins lists the pins and draws their markers.
func (v *photoViewer) setPins(pins []data.PhotoPin) {
	v.pins = pins
	marks := make([]nlwidget.PhotoPin, len(pins))
	v.pinList.RemoveAll()
	for i, pin := range pins {
		marks[i] = nlwidget.PhotoPin{N: pin.N, X: pin.X, Y: pin.Y}
		text := widget.NewLabel(strconv.Itoa(pin.N) + ".  " + pin.Note)
		text.Wrapping = fyne.TextWrapWord
		edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { v.editPin(pin) })
		edit.Importance = widget.LowImportance
		remove := removeButton(func() { v.removePin(pin) })
		v.pinList.Add(container.NewBorder(nil, nil, nil, container.NewHBox(edit, remove), text))
	}
	if len(pins) == 0 {
		none := widget.NewLabel("None yet.")
		none.Importance = widget.LowImportance
		v.pinList.Add(none)
	}
	v.view.SetPins(marks)
}

func (v *photoViewer) reloadPins() {
	id := v.photo.ID
	async(func() ([]data.PhotoPin, error) { return v.p.store.PhotoPins(v.life.ctx, id) },
		func(pins []data.PhotoPin, err error) {
			if v.life.gone(err) {
				return
			}
			if err != nil {
				showError(v.p.win, "read the pinned notes", err)
				return
			}
			if v.photo.ID == id {
				v.setPins(pins)
			}
		})
}

// pinAt asks for a note to pin at a point of the photo (coordinates relative to it).
func (v *photoViewer) pinAt(x, y float64) {
	if v.photo.ID == "" {
		return
	}
	v.askPinNote("Pin a note here", "", func(note string) error {
		pin := data.PhotoPin{PhotoID: v.photo.ID, X: x, Y: y, Note: note}
		return v.p.store.AddPhotoPin(v.life.lasting(), &pin) // asked for: done even if the viewer is left
	})
}

func (v *photoViewer) editPin(pin data.PhotoPin) {
	v.askPinNote(fmt.Sprintf("Note %d", pin.N), pin.Note, func(note string) error {
		pin.Note = note
		return v.p.store.UpdatePhotoPin(v.life.lasting(), &pin) // asked for: done even if the viewer is left
	})
}

func (v *photoViewer) removePin(pin data.PhotoPin) {
	confirm(v.p.win, fmt.Sprintf("Remove note %d?", pin.N), pin.Note, "Remove", func() {
		lastingWrite(v.life, v.p.store, func(ctx context.Context) (struct{}, error) { return struct{}{}, v.p.store.DeletePhotoPin(ctx, pin.ID) },
			func(_ struct{}, err error) {
				if err != nil {
					showError(v.p.win, "remove the note", err)
				}
				v.reloadPins()
			})
	})
}

// askPinNote asks for a pin's note; save runs off the UI goroutine. What was typed stays in the
// dialog when saving fails.
func (v *photoViewer) askPinNote(title, text string, save func(note string) error) {
	entry := nlwidget.NewTextField()
	entry.SetText(text)
	entry.SetPlaceHolder("e.g. the scar measured 4 mm here")
	var d *dialog.FormDialog
	d = dialog.NewForm(title, "Save", "Cancel", []*widget.FormItem{widget.NewFormItem("Note", entry)}, func(ok bool) {
		if !ok {
			return
		}
		note := entry.Text
		async(func() (struct{}, error) { return struct{}{}, save(note) }, func(_ struct{}, err error) {
			if err != nil {
				showErrorThen(v.p.win, "save the note", err, d.Show) // what was typed is still in the form
				return
			}
			v.reloadPins()
			v.focus()
		})
	}, v.p.win)
	entry.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(460, 0))
	d.Show()
	v.p.win.Canvas().Focus(entry)
}

// saveCopy writes the photo at full size as a JPEG to hand over: upright, and with no EXIF at all,
// so no GPS position or camera serial number leaves the app with it.
func (v *photoViewer) saveCopy() {
	ph := v.photo
	if ph.ID == "" {
		return
	}
	store := v.p.store
	name := strings.TrimSuffix(ph.FileName, filepath.Ext(ph.FileName)) + " (copy).jpg"
	exportFile(fyne.CurrentApp(), v.p.win, store, "save the photo", name, []string{".jpg"}, bytesExport(func(ctx context.Context) ([]byte, error) {
		return cleanCopy(ctx, store, ph.ID) // the export's context: its Cancel stops it, not leaving the viewer
	}))
}

// cleanCopy is a stored original, upright, at full size, without metadata (photo.CleanJPEG).
func cleanCopy(ctx context.Context, store nlstore.Store, id string) ([]byte, error) {
	b, err := store.PhotoOriginal(ctx, id)
	if err != nil {
		return nil, err
	}
	return photo.CleanJPEG(b)
}

// delete removes the photo for good, which needs a reason: it goes into the audit log.
func (v *photoViewer) delete() {
	ph := v.photo
	if ph.ID == "" || v.remove.Disabled() {
		return
	}
	reason := nlwidget.NewTextField()
	reason.SetPlaceHolder("e.g. taken of the wrong client")
	items := []*widget.FormItem{widget.NewFormItem("Reason", reason)}
	if v.lost {
		// Its file alone is lost: a backup may still hold the image, and deleting ends that hope.
		lostLine := widget.NewLabel("Its image is missing from the photo folder; a backup of the practice may still hold it.")
		lostLine.Wrapping = fyne.TextWrapWord
		items = append([]*widget.FormItem{widget.NewFormItem("", lostLine)}, items...)
	}
	var d *dialog.FormDialog
	d = dialog.NewForm("Delete this photo?", "Delete", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		why := reason.Text
		lastingWrite(v.life, v.p.store, func(ctx context.Context) (struct{}, error) { return struct{}{}, v.p.store.DeletePhoto(ctx, ph.ID, why) },
			func(_ struct{}, err error) {
				if err != nil {
					showErrorThen(v.p.win, "delete the photo", err, d.Show) // the reason typed is still there
					return
				}
				v.p.backToGallery()
			})
	}, v.p.win)
	reason.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(460, 0))
	d.Show()
	v.p.win.Canvas().Focus(reason)
}
