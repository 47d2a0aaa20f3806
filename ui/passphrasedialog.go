package ui

import (
	"errors"
	"image/color"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	ondisk "needlelog.app/needlelog/practice"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// passphraseDialog asks for one or more passphrases (the current one, a new one twice…) and
// stays open while they are checked off the UI goroutine, saying what is wrong until they are
// right or the practitioner cancels.
type passphraseDialog struct {
	win     fyne.Window
	d       *dialog.CustomDialog
	fields  []*nlwidget.TextField
	box     *fyne.Container // what the dialog shows, for rows of its own (add)
	message *widget.Label
	ok      *widget.Button
	cancel  *widget.Button
	done    bool
	// submit gets the fields' texts, in order, when the last is submitted or ok tapped.
	submit func(values []string)
	// cancelled runs when the dialog is closed without success (Cancel, Escape).
	cancelled func()
}

// passphraseDialogWidth fits the warnings' sentences in a few lines.
const passphraseDialogWidth = 500

// newPassphraseDialog builds the dialog: intro (sentences) above one field per label, hint under
// them; action names the button that submits.
func newPassphraseDialog(win fyne.Window, title, action string, intro []string, labels []string, hint string) *passphraseDialog {
	p := &passphraseDialog{win: win}
	box := container.NewVBox()
	for _, s := range intro {
		box.Add(wrapLabel(s))
	}
	for i, l := range labels {
		f := nlwidget.NewTextField()
		f.Password = true
		f.OnChanged = p.typed
		f.OnSubmitted = func(string) {
			if i+1 < len(p.fields) {
				win.Canvas().Focus(p.fields[i+1])
				return
			}
			p.tapped()
		}
		p.fields = append(p.fields, f)
		box.Add(boldLabel(l))
		box.Add(f)
	}
	if hint != "" {
		box.Add(settingsHint(hint))
	}
	p.message = wrapLabel("")
	p.message.Importance = widget.DangerImportance
	box.Add(messageRoom(p.message)) // there from the start: a dialog does not grow to fit
	p.box = box
	p.ok = widget.NewButton(action, p.tapped)
	p.ok.Importance = widget.HighImportance
	p.cancel = widget.NewButton("Cancel", p.close)
	p.d = dialog.NewCustomWithoutButtons(title, nlwidget.AtLeastWide(passphraseDialogWidth, box), win)
	p.d.SetButtons([]fyne.CanvasObject{p.cancel, p.ok})
	return p
}

// typed takes away what was said to be wrong: it is being typed again.
func (p *passphraseDialog) typed(string) {
	if p.message.Importance == widget.DangerImportance {
		p.message.SetText("")
	}
}

// add puts rows of the caller's own under the fields and hint, above the message.
func (p *passphraseDialog) add(rows ...fyne.CanvasObject) {
	objs := p.box.Objects
	p.box.Objects = append(append(objs[:len(objs)-1:len(objs)-1], rows...), objs[len(objs)-1])
	p.box.Refresh()
}

// messageRoom keeps room for a message of two lines from the start, so that the buttons under it
// do not move when one is said or taken away.
func messageRoom(message *widget.Label) fyne.CanvasObject {
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(0, wrapLabel("1\n2").MinSize().Height))
	return container.NewStack(room, message)
}

func (p *passphraseDialog) show() {
	p.d.Show()
	if top := p.win.Canvas().Overlays().Top(); top != nil {
		onEscape(p.win.Canvas(), top, p.close)
	}
	p.win.Canvas().Focus(p.fields[0])
}

func (p *passphraseDialog) tapped() {
	if p.ok.Disabled() || p.done {
		return
	}
	values := make([]string, len(p.fields))
	for i, f := range p.fields {
		values[i] = f.Text
	}
	p.submit(values)
}

// busy says what is being done and holds the fields and buttons until fail or finish.
func (p *passphraseDialog) busy(doing string) {
	p.message.Importance = widget.MediumImportance
	p.message.SetText(doing)
	p.ok.Disable()
	for _, f := range p.fields {
		f.Disable()
	}
}

// fail says what is wrong and lets the practitioner try again, in field i emptied (-1: none).
func (p *passphraseDialog) fail(sentence string, i int) {
	p.ok.Enable()
	for _, f := range p.fields {
		f.Enable()
	}
	if i >= 0 {
		p.fields[i].SetText("") // before the message, which the field's change takes away
		p.win.Canvas().Focus(p.fields[i])
	}
	p.message.Importance = widget.DangerImportance
	p.message.SetText(sentence)
	p.d.Resize(p.d.MinSize()) // a dialog does not grow to fit a longer message by itself
}

// finish closes the dialog after success.
func (p *passphraseDialog) finish() {
	p.done = true
	p.d.Hide()
}

// close closes the dialog without success.
func (p *passphraseDialog) close() {
	if p.done {
		return
	}
	p.done = true
	p.d.Hide()
	if p.cancelled != nil {
		p.cancelled()
	}
}

// newPassphraseProblem says what is wrong with a new passphrase typed twice (for backups or an
// export), and which of the two to type again (-1: neither); "" when it will do.
func newPassphraseProblem(pass, again string) (string, int) {
	if err := ondisk.CheckBackupPassphrase(pass); err != nil {
		return err.Error(), -1
	}
	if pass != again {
		return "The two passphrases differ: type it again in both.", 1
	}
	return "", -1
}

// backupKeyError is the backup key's error that err is, each said in a sentence of its own; nil
// when it is none of them.
func backupKeyError(err error) error {
	for _, e := range []error{ondisk.ErrWrongPassphrase, ondisk.ErrNoBackupKey, ondisk.ErrOtherBackupKey,
		ondisk.ErrFolderHasOtherKey, ondisk.ErrOtherKey, ondisk.ErrDamagedBackupKey} {
		if errors.Is(err, e) {
			return e
		}
	}
	return nil
}

// backupKeySentence words an error of the backup key in a dialog about the key: practice's own
// sentences as they are, a file error as the backup folder's, anything else generally.
func backupKeySentence(doing, dir string, err error) string {
	if e := backupKeyError(err); e != nil {
		return e.Error()
	}
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = &backupFolderError{dir: dir, err: err}
	}
	return errorSentence(doing, err)
}

// askBackupPassphrase asks for the passphrase of the encrypted backups in dir and opens their key
// with it (off the UI goroutine: it takes about a second), for restoring one. A wrong passphrase
// is said, and asked again. done gets the key, or nil when the practitioner cancels.
func askBackupPassphrase(win fyne.Window, dir string, done func(*ondisk.BackupKey)) {
	p := newPassphraseDialog(win, "Encrypted backup", "Open",
		[]string{"This backup is encrypted. Enter the passphrase chosen when backups were set to be encrypted " +
			"(Settings › Database)."},
		[]string{"Passphrase"}, "")
	p.cancelled = func() { done(nil) }
	p.submit = func(v []string) {
		if v[0] == "" {
			p.fail("Enter the passphrase.", 0)
			return
		}
		p.busy("Checking the passphrase…")
		async(func() (*ondisk.BackupKey, error) { return ondisk.UnlockBackupKey(dir, v[0]) },
			func(k *ondisk.BackupKey, err error) {
				switch {
				case errors.Is(err, ondisk.ErrWrongPassphrase):
					p.fail(err.Error(), 0)
				case err != nil:
					p.fail(backupKeySentence("open the backup's key", dir, err), -1)
				case !p.done: // not cancelled meanwhile
					p.finish()
					done(k)
				}
			})
	}
	p.show()
}
