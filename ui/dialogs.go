package ui

import (
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/postgres"
)

// showError tells the user in one sentence what could not be done, and logs the detail.
// doing says what was attempted: "save the client", "open the database".
func showError(win fyne.Window, doing string, err error) {
	slog.Error("could not "+doing, "err", err)
	showDialog(win, dialog.NewError(errors.New(errorSentence(doing, err)), win))
}

// showInfo tells the user something that needs no answer, in a dialog titled title.
func showInfo(win fyne.Window, title, text string) {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "OK", container.NewGridWrap(fyne.NewSize(520, 0), label), win)
	label.Resize(fyne.NewSize(520, label.MinSize().Height))
	d.Resize(fyne.NewSize(560, label.MinSize().Height+140))
	showDialog(win, d)
}

// showErrorThen is showError, running then once the message is dismissed: a form that failed
// to save comes back over it, with what was typed.
func showErrorThen(win fyne.Window, doing string, err error, then func()) {
	slog.Error("could not "+doing, "err", err)
	d := dialog.NewError(errors.New(errorSentence(doing, err)), win)
	d.SetOnClosed(then)
	showDialog(win, d)
}

// Escape closes dialogs. Fyne's dialogs do not listen for it, so each window's canvas gets a
// key handler (watchEscape) that, while a dialog or pop-up is shown over the window, closes the
// top one as its dismissing button would: a confirmation is answered no, a form is cancelled.
// Fields in a dialog pass Escape on to that handler (ui/widget's TextField, PickSelect and PickCheck).

// escapeClosers are the ways to close the overlays shown through showDialog or onEscape, by
// overlay. Only the UI goroutine touches them.
var (
	escapeClosers = map[fyne.CanvasObject]func(){}
	escapeWatched = map[fyne.Canvas]bool{}
)

// showDialog shows d over win, closed by Escape.
func showDialog(win fyne.Window, d dialog.Dialog) {
	watchEscape(win.Canvas())
	d.Show()
	if top := win.Canvas().Overlays().Top(); top != nil {
		escapeClosers[top] = d.Hide
		d.SetOnClosed(func() { delete(escapeClosers, top) })
	}
}

// onEscape makes Escape run close while overlay (a pop-up just shown) is the top one.
func onEscape(c fyne.Canvas, overlay fyne.CanvasObject, close func()) {
	watchEscape(c)
	escapeClosers[overlay] = close
}

// watchEscape gives a window's canvas the handler that closes its top dialog on Escape, in front
// of whatever handler it has. It is safe to call again.
func watchEscape(cv fyne.Canvas) {
	if escapeWatched[cv] {
		return
	}
	escapeWatched[cv] = true
	prev := cv.OnTypedKey()
	cv.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape && closeTop(cv) {
			return
		}
		if prev != nil {
			prev(k)
		}
	})
}

// closeTop closes the canvas's top overlay, reporting whether there was one it knew how to close.
func closeTop(cv fyne.Canvas) bool {
	top := cv.Overlays().Top()
	if top == nil {
		return false
	}
	for o := range escapeClosers { // forget overlays closed some other way
		if o != top && !o.Visible() {
			delete(escapeClosers, o)
		}
	}
	if close, ok := escapeClosers[top]; ok {
		delete(escapeClosers, top)
		close()
		return true
	}
	// A dialog opened without showDialog: press its dismissing button.
	if b := dismissButton(top); b != nil {
		b.OnTapped()
		return true
	}
	return false
}

// dismissButton finds the button of a dialog that closes it without acting: Cancel, Close, No,
// Go back, or a lone OK.
func dismissButton(o fyne.CanvasObject) *widget.Button {
	var found, ok *widget.Button
	oks := 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() || found != nil {
			return
		}
		switch v := o.(type) {
		case *widget.Button:
			switch {
			case v.Disabled() || v.OnTapped == nil:
			case slices.Contains([]string{"Cancel", "Close", "No", "Not now", "Dismiss", "Go back"}, v.Text):
				found = v
			case v.Text == "OK":
				ok = v
				oks++
			}
			return
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
			return
		case *widget.PopUp: // a dialog is a pop-up over containers of its parts
			walk(v.Content)
		}
	}
	walk(o)
	if found == nil && oks == 1 {
		found = ok
	}
	return found
}

// wordedError is an error already said as the practitioner reads it: errorSentence shows it as
// written.
type wordedError string

func (e wordedError) Error() string { return string(e) }

// errorSentence words an error for a practitioner: what failed and what to do, not a stack.
func errorSentence(doing string, err error) string {
	var ve *data.ValidationError
	var bf *backupFolderError
	var worded wordedError
	switch {
	case errors.As(err, &worded):
		return worded.Error()
	case serverDown(err):
		return "Could not " + doing + ": the clinic's server cannot be reached (check that it is on and that this PC is on the " +
			"clinic's network). Nothing typed is lost: try again once it is back."
	case errors.Is(err, postgres.ErrLoginRefused), errors.Is(err, postgres.ErrServerInitNeeded):
		sentence := serverSentence(err)
		return "Could not " + doing + ": " + strings.ToLower(sentence[:1]) + sentence[1:]
	case backupKeyError(err) != nil:
		// "Could not back up: the backup folder holds the key of other encrypted backups…"
		key := backupKeyError(err).Error()
		return "Could not " + doing + ": " + strings.ToLower(key[:1]) + key[1:]
	case errors.As(err, &bf):
		return "Could not " + doing + ": the backup folder " + bf.dir + " cannot be written to (it may be on a drive that is not " +
			"connected, or have been moved). Connect the drive, or choose another folder in Settings › Database."
	case errors.Is(err, data.ErrMissing), errors.Is(err, data.ErrNotDatabase), errors.Is(err, data.ErrNewerSchema):
		// The sentinel alone: the error's text repeats the path that doing already names.
		for _, e := range []error{data.ErrMissing, data.ErrNotDatabase, data.ErrNewerSchema} {
			if errors.Is(err, e) {
				return "Could not " + doing + ": the " + e.Error() + "."
			}
		}
	case errors.As(err, &ve):
		return "Could not " + doing + ": " + ve.Error()
	case errors.Is(err, data.ErrConflict):
		return "Could not " + doing + ": it was changed elsewhere since you opened it. Close it, open it again and redo your change."
	case errors.Is(err, data.ErrSigned):
		return "Could not " + doing + ": the session is signed and can no longer be edited."
	case errors.Is(err, data.ErrDuplicate):
		return "Could not " + doing + ": an entry with the same name already exists."
	case errors.Is(err, data.ErrReadOnlyMode):
		return "Could not " + doing + ": the practice is open read-only in this window, so nothing can be changed here. What you typed is still here."
	case errors.Is(err, data.ErrDiskFull):
		return "Could not " + doing + ": the disk is full. Nothing already saved is lost and what you typed is still here: free some space (empty the wastebasket, move old exports away) and save again."
	case errors.Is(err, data.ErrReadOnlyFile):
		return "Could not " + doing + ": this computer does not let Needlelog write to the practice's file or its folder. Nothing already saved is lost and what you typed is still here; ask whoever looks after this computer to give you write access there."
	case errors.Is(err, data.ErrDamaged):
		return "Could not " + doing + ": the database file is damaged, so Needlelog will not write to it. Close Needlelog and open it again to restore the latest good backup."
	case errors.Is(err, data.ErrBusy):
		return "Could not " + doing + ": " + data.ErrBusy.Error() + ". What you typed is still here."
	case errors.Is(err, data.ErrInUse):
		return "Could not " + doing + ": that practice is open in another Needlelog window."
	case errors.Is(err, data.ErrNoSpace):
		return "Could not " + doing + ": " + err.Error() + "."
	case errors.Is(err, data.ErrNotFound):
		return "Could not " + doing + ": the record no longer exists; it may have been removed on another computer."
	case errors.Is(err, data.ErrBadReference):
		return "Could not " + doing + ": it refers to an entry that no longer exists. Reload and choose again."
	}
	// Anything else is a fault of the computer or the program: the detail goes to the log only.
	return "Could not " + doing + ". Try again; if it keeps happening, restart Needlelog."
}

// confirm asks a question with a clear action word on its button; fn runs only on yes.
func confirm(win fyne.Window, title, message, action string, fn func()) {
	// Fyne's own confirmation puts a large "?" in its top corner, over the message when that is
	// short: the question is in the title already.
	msg := &widget.Label{Text: message, Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomConfirm(title, action, "Cancel", msg, func(ok bool) {
		if ok {
			fn()
		}
	}, win)
	showDialog(win, d)
}

// summaryWidth is the width of a summary dialog's text.
const summaryWidth = 520

// showSummary tells what a long piece of work did, in a dialog as tall as its text, scrolling
// only when the text is taller than most of the window.
func showSummary(win fyne.Window, title, text string) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	msg.Resize(fyne.NewSize(summaryWidth, msg.MinSize().Height))
	h := min(msg.MinSize().Height, win.Canvas().Size().Height*0.7-120)
	scroll := container.NewVScroll(msg)
	scroll.SetMinSize(fyne.NewSize(summaryWidth, max(h, 40)))
	showDialog(win, dialog.NewCustom(title, "OK", scroll, win))
}

// async runs work off the UI goroutine and hands its result to done on the UI goroutine.
func async[T any](work func() (T, error), done func(T, error)) {
	background(func() {
		v, err := work()
		fyne.Do(func() { done(v, err) })
	})
}

// background starts work off the UI goroutine. Tests replace it with a direct call, so that the
// test driver, which runs fyne.Do at once on the caller's goroutine, sees each result in order.
var background = func(work func()) { go work() }

// fieldNotes shows validation messages beside the fields they concern. Each field of a form has
// a note under it, empty until a message needs it.
type fieldNotes struct {
	notes   map[string]*widget.Label
	general *widget.Label // for messages about fields that have no note of their own
	// reserve keeps each note's line in the layout while it is empty, so that nothing moves as
	// messages come and go and a click lands where the pointer was aimed. A reserved note is one
	// line: a longer message ends in an ellipsis.
	reserve bool
}

// newReservedNotes is newFieldNotes for forms whose fields must stay put: the client form and
// Settings' forms.
func newReservedNotes() *fieldNotes {
	f := newFieldNotes()
	f.reserve = true
	return f
}

func newFieldNotes() *fieldNotes {
	g := widget.NewLabel("")
	g.Importance = widget.DangerImportance
	g.Wrapping = fyne.TextWrapWord
	g.Hide()
	return &fieldNotes{notes: map[string]*widget.Label{}, general: g}
}

// note returns the note for a field, making it on first use.
func (f *fieldNotes) note(field string) *widget.Label {
	if l, ok := f.notes[field]; ok {
		return l
	}
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	if f.reserve {
		l.Truncation = fyne.TextTruncateEllipsis
		l.SizeName = theme.SizeNameCaptionText
	} else {
		l.Wrapping = fyne.TextWrapWord
		l.Hide()
	}
	f.notes[field] = l
	return l
}

// field lays out a labelled input with its note under it.
func (f *fieldNotes) field(label, field string, input fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		input, f.note(field))
}

// show puts each message of a validation error beside its field and clears the others. It
// returns false when err is not a validation error, which the caller then reports itself.
func (f *fieldNotes) show(err error) bool {
	var ve *data.ValidationError
	if err != nil && !errors.As(err, &ve) {
		return false
	}
	byField := map[string][]string{}
	var other []string
	if ve != nil {
		for _, fe := range ve.Fields {
			if _, ok := f.notes[fe.Field]; ok {
				byField[fe.Field] = append(byField[fe.Field], fe.Message)
			} else {
				other = append(other, fe.Message)
			}
		}
	}
	// Several fields may share one note (a zone row's depth, speed and passes): gather per note.
	byNote := map[*widget.Label][]string{}
	for _, field := range slices.Sorted(maps.Keys(f.notes)) {
		l := f.notes[field]
		byNote[l] = append(byNote[l], byField[field]...)
	}
	for l, msgs := range byNote {
		setNote(l, strings.Join(msgs, " "))
	}
	setNote(f.general, strings.Join(other, " "))
	return true
}

// forget drops the notes of fields whose names start with prefix, as when a form's rows are rebuilt.
func (f *fieldNotes) forget(prefix string) {
	for field := range f.notes {
		if strings.HasPrefix(field, prefix) {
			delete(f.notes, field)
		}
	}
}

// share makes field report into another field's note.
func (f *fieldNotes) share(field string, note *widget.Label) { f.notes[field] = note }

func setNote(l *widget.Label, text string) {
	if l.Text == text {
		return
	}
	l.SetText(text)
	if l.Truncation != fyne.TextTruncateOff { // a reserved line: always there
		return
	}
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}
