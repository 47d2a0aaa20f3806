package ui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	ondisk "needlelog.app/needlelog/practice"
)

// backupCrypt is Settings › Database's encryption of backups: whether they are encrypted, and
// turning it on with a passphrase, changing the passphrase, or turning it off.
type backupCrypt struct {
	s       *settingsWindow
	app     fyne.App
	status  *widget.Label
	turnOn  *widget.Button
	change  *widget.Button
	turnOff *widget.Button
	buttons *fyne.Container
	content fyne.CanvasObject
}

// The sentences said before a passphrase is set: what it protects, and what losing it loses.
var (
	cryptWhy = "Encrypted with a passphrase, backups on a USB drive or a shared folder cannot be read by anyone who " +
		"finds them."
	cryptLost = "If the passphrase is lost, the backups encrypted with it are lost too: no one can open them, not even " +
		"Needlelog's makers."
	cryptKeep = "Write the passphrase down and keep it somewhere safe, away from the backups."
	cryptLoss = cryptLost + " The practice itself is not affected, and " + cryptPlainStay + " " + cryptKeep
	// cryptPlainStay is what becomes of the backups made before: pruning keeps a day's or a week's
	// unencrypted backup beside its encrypted one, and removes it only as it ages out.
	cryptPlainStay = fmt.Sprintf("backups made before stay as they are, unencrypted and readable without the passphrase, "+
		"until they age out (after the latest %d daily and %d weekly backups).",
		ondisk.DefaultRetention.Daily, ondisk.DefaultRetention.Weekly)
	// cryptPlainLeft is said once encryption is turned on.
	cryptPlainLeft = "Backups made before stay as they are, unencrypted, until they age out; their photo files go with " +
		"the last of them."
)

func newBackupCrypt(s *settingsWindow, a fyne.App) *backupCrypt {
	c := &backupCrypt{s: s, app: a, status: wrapLabel("")}
	c.turnOn = widget.NewButtonWithIcon("Encrypt backups with a passphrase…", theme.VisibilityOffIcon(), c.askTurnOn)
	c.change = widget.NewButton("Change passphrase…", c.askChange)
	c.turnOff = widget.NewButton("Stop encrypting…", c.askTurnOff)
	c.change.Hide()
	c.turnOff.Hide()
	c.buttons = container.NewHBox(c.turnOn, c.change, c.turnOff)
	c.content = container.NewVBox(
		boldLabel("Encryption"),
		c.status,
		c.buttons,
		settingsHint("The passphrase is never stored: restoring an encrypted backup asks for it. The key it opens is kept "+
			"beside the backups as "+ondisk.BackupKeyFile+"; copy it with them."),
	)
	async(func() (ondisk.BackupEncryption, error) { return ondisk.BackupEncryptionOf(s.life.ctx, s.store) }, c.show)
	return c
}

// show shows whether backups are encrypted, and the buttons that change it.
func (c *backupCrypt) show(e ondisk.BackupEncryption, err error) {
	switch {
	case err != nil:
		c.status.SetText(errorSentence("read whether backups are encrypted", err))
	case e.On():
		c.status.SetText("Backups are encrypted with a passphrase.")
	default:
		c.status.SetText("Backups are not encrypted: anyone with the backup folder can read the records in them.")
	}
	on := err == nil && e.On()
	for b, shown := range map[*widget.Button]bool{c.turnOn: !on, c.change: on, c.turnOff: on} {
		if shown {
			b.Show()
		} else {
			b.Hide()
		}
		if c.s.store.ReadOnly() {
			b.Disable()
		}
	}
	c.buttons.Refresh() // lays the buttons shown out again
}

// checkNew checks a new passphrase typed twice, saying in the dialog what is wrong with it.
func checkNew(p *passphraseDialog, pass, again string, i int) bool {
	msg, field := newPassphraseProblem(pass, again)
	if msg == "" {
		return true
	}
	if field >= 0 {
		field += i
	}
	p.fail(msg, field)
	return false
}

// keyWork sets the key up or changes it off the UI goroutine (scrypt takes a second or so), then
// keeps what encrypts to it in the practice's settings; the dialog closes when both are done.
// said, when not "", is said below the status once done.
func (c *backupCrypt) keyWork(p *passphraseDialog, doing, said string, work func(ctx context.Context, dir string) (ondisk.BackupEncryption, error)) {
	p.busy("Making the key… this takes a few seconds.")
	dir, derr := backupFolder(c.app, c.s.store.Path())
	lastingWrite(c.s.life, c.s.store, func(ctx context.Context) (ondisk.BackupEncryption, error) {
		if derr != nil {
			return ondisk.BackupEncryption{}, derr
		}
		e, err := work(ctx, dir)
		if err == nil {
			err = ondisk.SetBackupEncryption(ctx, c.s.store, e)
		}
		return e, err
	}, func(e ondisk.BackupEncryption, err error) {
		switch {
		case errors.Is(err, ondisk.ErrWrongPassphrase):
			p.fail(err.Error(), 0)
		case err != nil:
			p.fail(backupKeySentence(doing, dir, err), -1)
		default:
			p.finish()
			c.show(e, nil)
			if said != "" {
				c.status.SetText(c.status.Text + " " + said)
			}
		}
	})
}

func (c *backupCrypt) askTurnOn() {
	p := newPassphraseDialog(c.s.win, "Encrypt backups", "Encrypt backups", []string{cryptWhy, cryptLoss},
		[]string{"Passphrase", "The same passphrase again"}, ondisk.BackupPassphraseRule)
	p.submit = func(v []string) {
		if checkNew(p, v[0], v[1], 0) {
			c.keyWork(p, "set up encrypted backups", cryptPlainLeft, func(_ context.Context, dir string) (ondisk.BackupEncryption, error) {
				return ondisk.SetUpBackupKey(dir, v[0])
			})
		}
	}
	p.show()
}

func (c *backupCrypt) askChange() {
	p := newPassphraseDialog(c.s.win, "Change the backups' passphrase", "Change passphrase",
		[]string{"The new passphrase opens the backups already made as well as later ones. " + cryptLost +
			" The practice itself is not affected. " + cryptKeep},
		[]string{"Current passphrase", "New passphrase", "The new passphrase again"}, ondisk.BackupPassphraseRule)
	p.submit = func(v []string) {
		if v[0] == "" {
			p.fail("Enter the current passphrase.", 0)
			return
		}
		if checkNew(p, v[1], v[2], 1) {
			c.keyWork(p, "change the passphrase", "", func(ctx context.Context, dir string) (ondisk.BackupEncryption, error) {
				// A folder chosen since the last backup gets the key file first.
				if _, err := ondisk.BackupEncryptionFor(ctx, c.s.store, dir); err != nil {
					return ondisk.BackupEncryption{}, err
				}
				return ondisk.ChangeBackupPassphrase(dir, v[0], v[1])
			})
		}
	}
	p.show()
}

func (c *backupCrypt) askTurnOff() {
	confirm(c.s.win, "Stop encrypting backups?",
		"Backups made from now on are not encrypted: anyone with the backup folder can read them. Backups already "+
			"encrypted stay so and still need the passphrase to be restored; their key file stays beside them.",
		"Stop encrypting", func() {
			lastingWrite(c.s.life, c.s.store, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, ondisk.SetBackupEncryption(ctx, c.s.store, ondisk.BackupEncryption{})
			}, func(_ struct{}, err error) {
				if err != nil {
					showError(c.s.win, "stop encrypting backups", err)
					return
				}
				c.show(ondisk.BackupEncryption{}, nil)
			})
		})
}
