package ui

import (
	"context"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	ondisk "needlelog.app/needlelog/practice"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// exportReceiverNote is said beside the passphrase of an encrypted export: what whoever receives
// the file needs, and how the passphrase should reach them.
const exportReceiverNote = "Whoever receives the file opens it in Needlelog with File › Open an encrypted file… " +
	"(or needlelog decrypt on the command line; it is an age file) and the passphrase. " +
	"Tell them the passphrase another way than the file: by phone, never in the same email."

// againLabel names the field the passphrase is typed in again: the form's widest label.
const againLabel = "Type it again"

// exportCrypt is the Save as form's choice to encrypt the export with a passphrase, typed twice.
// Its rows (label and field alike) are hidden while it is off.
type exportCrypt struct {
	check   *nlwidget.PickCheck
	plain   *widget.Label // said under the box while it is not ticked, when there is something to say
	pass    *nlwidget.TextField
	again   *nlwidget.TextField
	message *widget.Label       // what is wrong with the passphrase, or empty
	rows    []fyne.CanvasObject // shown only when on
}

// archivePlainNote is said under the box of the complete archive's form while it is not ticked.
const archivePlainNote = "It holds every record and photo: encrypt it if it leaves this computer."

// newExportCrypt makes the choice; plainNote ("" for none) is said under the box while it is
// not ticked.
func newExportCrypt(plainNote string) *exportCrypt {
	c := &exportCrypt{check: nlwidget.NewPickCheck("Encrypt with a passphrase"),
		pass: nlwidget.NewTextField(), again: nlwidget.NewTextField(), plain: wrapLabel(plainNote)}
	c.pass.Password, c.again.Password = true, true
	c.message = wrapLabel("")
	c.message.Importance = widget.DangerImportance
	// The message is about what was typed: typing again takes it away.
	clear := func(string) { c.message.SetText("") }
	c.pass.OnChanged, c.again.OnChanged = clear, clear
	return c
}

// formRows are the form's rows for the choice, each a label and its field.
func (c *exportCrypt) formRows() []fyne.CanvasObject {
	notes := container.NewVBox(wrapLabel(ondisk.BackupPassphraseRule), wrapLabel(exportReceiverNote), messageRoom(c.message))
	c.rows = []fyne.CanvasObject{boldLabel("Passphrase"), c.pass, boldLabel(againLabel), c.again, widget.NewLabel(""), notes}
	c.show(false)
	return append([]fyne.CanvasObject{widget.NewLabel(""), container.NewVBox(c.check, c.plain)}, c.rows...)
}

// labelWide makes a label of the form's other rows as wide as the passphrase's labels, so that
// the fields stay where they are as those rows come and go.
func (c *exportCrypt) labelWide(l fyne.CanvasObject) fyne.CanvasObject {
	return nlwidget.AtLeastWide(boldLabel(againLabel).MinSize().Width, l)
}

// show shows the passphrase's rows or hides them.
func (c *exportCrypt) show(on bool) {
	if on || c.plain.Text == "" {
		c.plain.Hide()
	} else {
		c.plain.Show()
	}
	for _, o := range c.rows {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
	if !on {
		c.message.SetText("")
	}
}

// problem says what is wrong with the passphrase typed, and returns the field to type it again in
// (nil when there is nothing wrong, or the export is not encrypted).
func (c *exportCrypt) problem() fyne.Focusable {
	if !c.check.Checked {
		c.message.SetText("")
		return nil
	}
	msg, field := newPassphraseProblem(c.pass.Text, c.again.Text)
	if field == 1 { // differ: which of the two was mistyped cannot be told, so both again
		c.pass.SetText("")
		c.again.SetText("")
	}
	c.message.SetText(msg) // after the fields, whose change takes it away
	if msg == "" {
		return nil
	}
	return c.pass
}

// passphrase is the passphrase to encrypt with, "" for none.
func (c *exportCrypt) passphrase() string {
	if !c.check.Checked {
		return ""
	}
	return c.pass.Text
}

// exportName is the file name an export is saved under: with one of exts, so that it opens with a
// double click once decrypted, then .age when it is encrypted; a plain file is never named .age.
func exportName(name string, exts []string, encrypted bool) string {
	name = strings.TrimSpace(name)
	if ondisk.HasEncryptedSuffix(name) || strings.EqualFold(name, ondisk.EncryptedExportSuffix) {
		name = name[:len(name)-len(ondisk.EncryptedExportSuffix)]
	}
	name = withExtension(name, exts)
	if encrypted && name != "" {
		name += ondisk.EncryptedExportSuffix
	}
	return name
}

// encryptedWork is work whose file is encrypted with passphrase as it is written, a chunk at a
// time: no plain copy is ever on the disk, and progress and Cancel work as they do unencrypted.
func encryptedWork(work exportWork, passphrase string) exportWork {
	if passphrase == "" {
		return work
	}
	return func(ctx context.Context, w io.Writer, progress func(done, total int)) error {
		return ondisk.EncryptExport(w, passphrase, func(w io.Writer) error { return work(ctx, w, progress) })
	}
}
