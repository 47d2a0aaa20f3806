package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func writePassFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pass.txt")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// --passphrase-file: backup sets the folder's key up with it (or opens the one there); restore
// opens it; a wrong or empty passphrase file is said in one sentence.
func TestPassphraseFileForBackupAndRestore(t *testing.T) {
	old := practice.BackupKeyWorkFactor
	practice.BackupKeyWorkFactor = 10
	t.Cleanup(func() { practice.BackupKeyWorkFactor = old })
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	dir := filepath.Join(t.TempDir(), "backups")

	if e, err := backupEncryption(ctx, s, "", dir); err != nil || e.On() {
		t.Fatalf("without --passphrase-file, a practice without encryption: %+v, %v", e, err)
	}
	pass := writePassFile(t, "yellow kettle harbour march\n")
	e, err := backupEncryption(ctx, s, pass, dir)
	if err != nil || !e.On() {
		t.Fatalf("with --passphrase-file: %+v, %v", e, err)
	}
	if again, err := backupEncryption(ctx, s, pass, dir); err != nil || again.Recipient != e.Recipient {
		t.Errorf("a second backup into the folder: %+v, %v; want the same key", again, err)
	}
	k, err := restoreKey(pass, dir)
	if err != nil || k.Recipient() != e.Recipient {
		t.Fatalf("restore opens %v, %v", k, err)
	}

	for _, c := range []struct {
		name, passFile string
		want           string
		code           int // a passphrase file that cannot be used is a usage error
	}{
		{"no passphrase file", "", "give its passphrase with --passphrase-file", 1},
		{"wrong passphrase", writePassFile(t, "seven quiet lanterns bloom\n"), "That passphrase does not open these backups.", 1},
		{"empty file", writePassFile(t, ""), "is empty", 2},
		{"missing file", filepath.Join(t.TempDir(), "nowhere.txt"), "does not exist", 2},
	} {
		_, err := restoreKey(c.passFile, dir)
		var out bytes.Buffer
		if err == nil || fail(&out, "restore", err) != c.code {
			t.Errorf("%s: restore opened the key", c.name)
			continue
		}
		if msg := out.String(); !strings.Contains(msg, c.want) || strings.Count(msg, "\n") != 1 || strings.Contains(msg, "scrypt") || strings.Contains(msg, "incorrect") {
			t.Errorf("%s: said %q; want one line saying %q", c.name, msg, c.want)
		}
	}
	if _, err := backupEncryption(ctx, s, writePassFile(t, "seven quiet lanterns bloom"), dir); !errors.Is(err, practice.ErrOtherBackupKey) {
		t.Errorf("a backup with another passphrase into the folder: %v; want ErrOtherBackupKey", err)
	}
	if _, err := backupEncryption(ctx, s, writePassFile(t, "short\n"), t.TempDir()); err == nil {
		t.Error("a backup set a key up with a weak passphrase")
	}
}
