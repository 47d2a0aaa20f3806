package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	ondisk "needlelog.app/needlelog/practice"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

const (
	cryptPass  = "yellow kettle harbour march"
	cryptOther = "seven quiet lanterns bloom"
)

// cheapBackupKeys makes backup keys quick to open in the test (scrypt's cost 2^10, not 2^18).
func cheapBackupKeys(t *testing.T) {
	old := ondisk.BackupKeyWorkFactor
	ondisk.BackupKeyWorkFactor = 10
	t.Cleanup(func() { ondisk.BackupKeyWorkFactor = old })
}

// overlayFields are the text fields of the dialog in front, in order.
func overlayFields(w fyne.Window) []*nlwidget.TextField {
	var fields []*nlwidget.TextField
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*nlwidget.TextField); ok {
			fields = append(fields, e)
		}
	})
	return fields
}

// fillOverlay types texts into the fields of the dialog in front, replacing what they held.
func fillOverlay(t *testing.T, w fyne.Window, texts ...string) {
	t.Helper()
	fields := overlayFields(w)
	if len(fields) != len(texts) {
		t.Fatalf("the dialog has %d fields, want %d: %q", len(fields), len(texts), shownText(w))
	}
	for i, f := range fields {
		f.SetText("")
		test.Type(f, texts[i])
	}
}

func TestSettingsEncryptBackupsWithAPassphrase(t *testing.T) {
	cheapBackupKeys(t)
	ctx := context.Background()
	s, store := newTestSettings(t)
	dir := filepath.Join(t.TempDir(), "USB stick")
	setBackupFolder(fyne.CurrentApp(), store.Path(), dir)
	s.win.Resize(fyne.NewSize(1280, 800))
	s.showTab("Database")
	c := s.backupCrypt
	if !strings.Contains(c.status.Text, "not encrypted") || !c.turnOn.Visible() || c.change.Visible() || c.turnOff.Visible() {
		t.Fatalf("a new practice: %q, on %v change %v off %v", c.status.Text, c.turnOn.Visible(), c.change.Visible(), c.turnOff.Visible())
	}
	shoot(t, s.win, "database-tab.png")

	test.Tap(c.turnOn)
	said := shownText(s.win)
	for _, want := range []string{"If the passphrase is lost, the backups encrypted with it are lost too",
		"The practice itself is not affected, and backups made before stay as they are, unencrypted and readable without the passphrase, until they age out", "At least 12 characters"} {
		if !strings.Contains(said, want) {
			t.Errorf("before a passphrase is set, the dialog does not say %q: %q", want, said)
		}
	}
	shoot(t, s.win, "encrypt-dialog.png")
	ok := overlayButton(t, s.win, "Encrypt backups")
	for _, c := range []struct{ pass, again, says string }{
		{"", "", "Enter a passphrase."},
		{"short", "short", "needs at least 12"},
		{cryptPass, cryptPass + " ", "The two passphrases differ"},
	} {
		fillOverlay(t, s.win, c.pass, c.again)
		test.Tap(ok)
		if said := shownText(s.win); !strings.Contains(said, c.says) {
			t.Errorf("passphrase %q then %q: the dialog says %q; want %q", c.pass, c.again, said, c.says)
		}
	}
	shoot(t, s.win, "encrypt-dialog-differ.png")
	if _, err := os.Stat(filepath.Join(dir, ondisk.BackupKeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused passphrase made a key file (%v)", err)
	}
	fillOverlay(t, s.win, cryptPass, cryptPass)
	overlayFields(s.win)[1].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter in the last field submits
	if s.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("the dialog is still open: %q", shownText(s.win))
	}
	e, err := ondisk.BackupEncryptionOf(ctx, store)
	if err != nil || !e.On() {
		t.Fatalf("the practice's backups: %+v, %v; want encrypted", e, err)
	}
	if k, err := ondisk.UnlockBackupKey(dir, cryptPass); err != nil || k.Recipient() != e.Recipient {
		t.Fatalf("the backup folder's key opens as %v, %v", k, err)
	}
	if !strings.Contains(c.status.Text, "encrypted with a passphrase") || c.turnOn.Visible() || !c.change.Visible() || !c.turnOff.Visible() {
		t.Errorf("encrypted: %q, on %v change %v off %v", c.status.Text, c.turnOn.Visible(), c.change.Visible(), c.turnOff.Visible())
	}
	if want := "Backups made before stay as they are, unencrypted, until they age out; their photo files go with the last of them."; !strings.HasSuffix(c.status.Text, want) {
		t.Errorf("encryption turned on: %q; want it to say what becomes of the unencrypted backups there: %q", c.status.Text, want)
	}
	shoot(t, s.win, "database-tab-encrypted.png")

	// Changing the passphrase: a wrong current one is said, and asked again.
	test.Tap(c.change)
	fillOverlay(t, s.win, cryptOther, cryptOther, cryptOther)
	test.Tap(overlayButton(t, s.win, "Change passphrase"))
	if said := shownText(s.win); !strings.Contains(said, "That passphrase does not open these backups.") {
		t.Fatalf("a wrong current passphrase: %q", said)
	}
	if f := overlayFields(s.win); f[0].Text != "" || f[1].Text != cryptOther {
		t.Errorf("after a wrong current passphrase the fields hold %q, %q; want it emptied and the new one kept", f[0].Text, f[1].Text)
	}
	shoot(t, s.win, "change-wrong.png")
	fillOverlay(t, s.win, cryptPass, cryptOther, cryptOther)
	test.Tap(overlayButton(t, s.win, "Change passphrase"))
	if s.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("the dialog is still open: %q", shownText(s.win))
	}
	if k, err := ondisk.UnlockBackupKey(dir, cryptOther); err != nil || k.Recipient() != e.Recipient {
		t.Fatalf("after the change the folder's key opens as %v, %v; want the same key", k, err)
	}
	if changed, _ := ondisk.BackupEncryptionOf(ctx, store); string(changed.KeyFile) == string(e.KeyFile) {
		t.Error("the practice keeps the key file of the old passphrase")
	}

	// Turning it off says what becomes of backups made before and after.
	test.Tap(c.turnOff)
	said = shownText(s.win)
	for _, want := range []string{"Backups made from now on are not encrypted", "still need the passphrase"} {
		if !strings.Contains(said, want) {
			t.Errorf("turning encryption off does not say %q: %q", want, said)
		}
	}
	test.Tap(overlayButton(t, s.win, "Stop encrypting"))
	if e, err := ondisk.BackupEncryptionOf(ctx, store); err != nil || e.On() {
		t.Errorf("turned off: %+v, %v", e, err)
	}
	if !strings.Contains(c.status.Text, "not encrypted") || !c.turnOn.Visible() {
		t.Errorf("turned off, Settings says %q", c.status.Text)
	}
	if _, err := ondisk.UnlockBackupKey(dir, cryptOther); err != nil {
		t.Errorf("turning encryption off lost the key of the backups made: %v", err)
	}
}

// Turning encryption on again in a folder holding another passphrase's key says so and keeps it.
func TestSettingsEncryptBackupsKeepsAnotherKey(t *testing.T) {
	cheapBackupKeys(t)
	s, store := newTestSettings(t)
	dir := t.TempDir()
	setBackupFolder(fyne.CurrentApp(), store.Path(), dir)
	if _, err := ondisk.SetUpBackupKey(dir, cryptOther); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.backupCrypt.turnOn)
	fillOverlay(t, s.win, cryptPass, cryptPass)
	test.Tap(overlayButton(t, s.win, "Encrypt backups"))
	if said := shownText(s.win); !strings.Contains(said, "already holds the key of other encrypted backups") {
		t.Fatalf("the dialog says %q", said)
	}
	if e, _ := ondisk.BackupEncryptionOf(context.Background(), store); e.On() {
		t.Error("backups were set to be encrypted")
	}
	if _, err := ondisk.UnlockBackupKey(dir, cryptOther); err != nil {
		t.Errorf("the folder's key was replaced: %v", err)
	}
	test.Tap(overlayButton(t, s.win, "Cancel"))
	if s.win.Canvas().Overlays().Top() != nil {
		t.Error("Cancel left the dialog open")
	}
}

// Restoring an encrypted backup asks for the passphrase, says a wrong one and asks again, and
// hands over the key once it is right; Cancel hands over none.
func TestAskBackupPassphrase(t *testing.T) {
	cheapBackupKeys(t)
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	dir := t.TempDir()
	e, err := ondisk.SetUpBackupKey(dir, cryptPass)
	if err != nil {
		t.Fatal(err)
	}
	var got []*ondisk.BackupKey
	askBackupPassphrase(w, dir, func(k *ondisk.BackupKey) { got = append(got, k) })
	open := overlayButton(t, w, "Open")
	test.Tap(open)
	if said := shownText(w); !strings.Contains(said, "Enter the passphrase.") || len(got) != 0 {
		t.Fatalf("an empty passphrase: %q, %d answers", said, len(got))
	}
	for range 2 {
		fillOverlay(t, w, cryptOther)
		test.Tap(open)
		if said := shownText(w); !strings.Contains(said, "That passphrase does not open these backups.") || len(got) != 0 {
			t.Fatalf("a wrong passphrase: %q, %d answers", said, len(got))
		}
		if f := overlayFields(w); f[0].Text != "" || f[0].Disabled() {
			t.Errorf("after a wrong passphrase the field holds %q (disabled %v); want it empty to type again", f[0].Text, f[0].Disabled())
		}
	}
	shoot(t, w, "restore-wrong.png")
	fillOverlay(t, w, cryptPass)
	overlayFields(w)[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(got) != 1 || got[0] == nil || got[0].Recipient() != e.Recipient {
		t.Fatalf("the right passphrase gave %v", got)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stayed open")
	}

	got = nil
	askBackupPassphrase(w, dir, func(k *ondisk.BackupKey) { got = append(got, k) })
	test.Tap(overlayButton(t, w, "Cancel"))
	if len(got) != 1 || got[0] != nil {
		t.Errorf("Cancel gave %v; want one nil", got)
	}

	// A folder without the key file says how to bring it back.
	got = nil
	askBackupPassphrase(w, t.TempDir(), func(k *ondisk.BackupKey) { got = append(got, k) })
	fillOverlay(t, w, cryptPass)
	test.Tap(overlayButton(t, w, "Open"))
	if said := shownText(w); !strings.Contains(said, "has no key file") || len(got) != 0 {
		t.Errorf("no key file: %q, %d answers", said, len(got))
	}
	overlayFields(w)[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(got) != 1 || got[0] != nil {
		t.Errorf("Escape gave %v; want one nil", got)
	}
}

// A backup that fails on the key (the folder holds another) says so, not "try again".
func TestBackupKeyErrorsAreSaid(t *testing.T) {
	err := fmt.Errorf("back up to /media/usb: %w", ondisk.ErrFolderHasOtherKey)
	got := errorSentence("make a newer one", err)
	if !strings.HasPrefix(got, "Could not make a newer one: the backup folder holds the key of other encrypted backups.") {
		t.Errorf("said %q", got)
	}
	text, warn := backupSummary(backupState{failed: err}, time.Now())
	if !warn || !strings.Contains(text, "Choose another backup folder in Settings › Database") {
		t.Errorf("the backup status says %q (warn %v)", text, warn)
	}
}
