package ui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// The damaged-file window's restore of an encrypted backup asks for its passphrase: Cancel leaves
// everything as it was and shows the choices again; a wrong passphrase is said and asked again; the
// right one restores the backup and opens it.
func TestADamagedFileIsRestoredFromAnEncryptedBackup(t *testing.T) {
	cheapBackupKeys(t)
	a := test.NewTempApp(t)
	path := practiceFile(t)
	dir := filepath.Join(t.TempDir(), "usb")
	setBackupFolder(a, path, dir)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := ondisk.SetUpBackupKey(dir, cryptPass)
	if err == nil {
		err = ondisk.SetBackupEncryption(ctx, s, e)
	}
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := ondisk.BackupTo(ctx, s, dir, ondisk.DefaultRetention)
	if err != nil || !b.Encrypted {
		t.Fatalf("encrypted backup %+v: %v", b, err)
	}
	s.Close()
	damage(t, path)
	damaged, _ := os.ReadFile(path)
	_, err = openPractice(ctx, path, sqlite.Options{})
	if !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("opening a damaged file: %v, want ErrDamaged", err)
	}

	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	opened := &openedPractice{}
	askHowToOpen(a, w, path, err, func(p *openedPractice) { opened = p }, "Quit", func() {})
	restore := func() {
		t.Helper()
		test.Tap(overlayButton(t, w, "Restore that backup…"))
		test.Tap(overlayButton(t, w, "Restore"))
		if said := shownText(w); !strings.Contains(said, "This backup is encrypted.") {
			t.Fatalf("restoring an encrypted backup does not ask for its passphrase: %q", said)
		}
	}
	restore()
	test.Tap(overlayButton(t, w, "Cancel"))
	if got := overlayText(w); !strings.Contains(got, "latest good backup") || opened.store != nil {
		t.Fatalf("after Cancel the window shows %q", got)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, damaged) {
		t.Fatal("a cancelled restore changed the practice file")
	}

	restore()
	fillOverlay(t, w, cryptOther)
	test.Tap(overlayButton(t, w, "Open"))
	if said := shownText(w); !strings.Contains(said, "That passphrase does not open these backups.") || opened.store != nil {
		t.Fatalf("a wrong passphrase: %q", said)
	}
	shoot(t, w, "restore-encrypted-wrong")
	fillOverlay(t, w, cryptPass)
	test.Tap(overlayButton(t, w, "Open"))
	if opened.store == nil {
		t.Fatalf("no practice opened after the restore; the window says %q", shownText(w))
	}
	defer opened.store.Close()
	defer opened.claim.Release()
	if n := clientCount(t, opened.store); n != 1 {
		t.Fatalf("the restored practice holds %d clients, want 1", n)
	}
	if !strings.Contains(opened.notice, "Restored from the backup made") {
		t.Errorf("the restore is not explained: %q", opened.notice)
	}
}

// An encrypted backup cannot be read without the passphrase: the window knows it holds every change
// from having made it, so an unchanged practice is not backed up again on every close.
func TestAnEncryptedBackupOfEveryChangeNeedsNoOther(t *testing.T) {
	cheapBackupKeys(t)
	a := test.NewTempApp(t)
	ctx := context.Background()
	path := practiceFile(t)
	dir := t.TempDir()
	setBackupFolder(a, path, dir)
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := ondisk.SetUpBackupKey(dir, cryptPass)
	if err == nil {
		err = ondisk.SetBackupEncryption(ctx, s, e)
	}
	if err != nil {
		t.Fatal(err)
	}
	k := newBackupKeeper(a, s)
	if b, err := k.backUp(ctx); err != nil || !b.Encrypted {
		t.Fatalf("backup %+v: %v", b, err)
	}
	k.close()
	s.Close()

	reopen := func() (*sqlite.Store, *backupKeeper) {
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		k := newBackupKeeper(a, s)
		k.load()
		return s, k
	}
	if _, k := reopen(); k.neededOnClose() {
		t.Error("an unchanged practice whose encrypted backup holds every change is backed up again on close")
	}
	s2, _ := reopen()
	newTestClient(t, s2)
	s2.Close()
	if _, k := reopen(); !k.neededOnClose() {
		t.Error("a practice changed since its encrypted backup is not backed up on close")
	}
}
