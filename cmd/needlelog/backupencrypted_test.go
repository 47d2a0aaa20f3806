package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
)

var backedUpEncrypted = regexp.MustCompile(`^Backed up ".+" to "(.+demo-[0-9a-f]{8}-\d{8}-\d{6}(?:-\d+)?\.db\.age)" \((\d+ KB|\d+\.\d MB), checked\): encrypted, (\d+) photo files? copied, (\d+ KB|\d+\.\d MB) written\.\n`)

// backup --passphrase-file writes an encrypted backup, nothing of it plain in the folder; restore
// without the passphrase says so in one sentence and changes nothing; with a wrong one says so;
// with the right one brings back the records and the photos.
func TestEncryptedBackupAndRestoreByTheCommandLine(t *testing.T) {
	old := practice.BackupKeyWorkFactor
	practice.BackupKeyWorkFactor = 10
	t.Cleanup(func() { practice.BackupKeyWorkFactor = old })
	path := filepath.Join(t.TempDir(), "demo.db")
	if code, _, errOut := runCLI(t, "demo", "--db", path, "--clients", "5", "--sessions", "10", "--photos"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	want := checkCounts(t, path)
	dir := filepath.Join(t.TempDir(), "usb")
	pass := writePassFile(t, "yellow kettle harbour march\n")
	code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir, "--passphrase-file", pass)
	m := backedUpEncrypted.FindStringSubmatch(out)
	if code != 0 || errOut != "" || m == nil || m[3] == "0" {
		t.Fatalf("encrypted backup: exit %d\n%s%s", code, out, errOut)
	}
	backup, copied := m[1], m[3]

	// Nothing plain in the folder: not the database's header, not a piece of any photo file.
	pieces := [][]byte{[]byte("SQLite format 3")}
	photolib.Walk(photolib.Beside(path), func(f photolib.File) error {
		b, err := os.ReadFile(photolib.PathIn(photolib.Beside(path), f.Sum))
		if err == nil {
			pieces = append(pieces, b[len(b)/2:len(b)/2+32])
		}
		return err
	})
	if len(pieces) < 3 {
		t.Fatalf("the demo has %d photo files", len(pieces)-1)
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, piece := range pieces {
			if bytes.Contains(b, piece) {
				t.Errorf("%s holds plain bytes", p)
				break
			}
		}
		return nil
	})

	restored := filepath.Join(t.TempDir(), "restored.db")
	code, out, errOut = runCLI(t, "restore", "--from", backup, "--db", restored)
	if code != 1 || out != "" || errOut != "needlelog restore: the backup is encrypted: give its passphrase with --passphrase-file FILE\n" {
		t.Fatalf("restore without the passphrase: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "restore", "--from", backup, "--db", restored, "--passphrase-file", writePassFile(t, "seven quiet lanterns bloom\n"))
	if code != 1 || out != "" || !strings.HasPrefix(errOut, "needlelog restore: That passphrase does not open these backups.") || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("restore with a wrong passphrase: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(restored); err == nil {
		t.Fatal("a refused restore wrote the database")
	}
	code, out, errOut = runCLI(t, "restore", "--from", backup, "--db", restored, "--passphrase-file", pass)
	if code != 0 || errOut != "" || !strings.Contains(out, copied+" photo files copied into "+quote(photolib.Beside(restored))) {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if got := checkCounts(t, restored); !equalMaps(got, want) {
		t.Errorf("restored %v, want %v", got, want)
	}
	photolib.Walk(photolib.Beside(path), func(f photolib.File) error {
		if err := photolib.VerifyIn(photolib.Beside(restored), f.Sum); err != nil {
			t.Errorf("restored photo file: %v", err)
		}
		return nil
	})
}

// The first encrypted backup of a day keeps that day's plain backup, and its photo files; once
// the plain backups have aged out, the encrypted backup that removes them names them and removes
// their plain photo files at once, and says how many.
func TestEncryptedBackupRemovesThePlainPhotoFilesLeft(t *testing.T) {
	old := practice.BackupKeyWorkFactor
	practice.BackupKeyWorkFactor = 10
	t.Cleanup(func() { practice.BackupKeyWorkFactor = old })
	path := filepath.Join(t.TempDir(), "demo.db")
	if code, _, errOut := runCLI(t, "demo", "--db", path, "--clients", "5", "--sessions", "10", "--photos"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	dir := filepath.Join(t.TempDir(), "usb")
	code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir)
	m := backedUp.FindStringSubmatch(out)
	if code != 0 || errOut != "" || m == nil || m[3] == "0" {
		t.Fatalf("plain backup: exit %d\n%s%s", code, out, errOut)
	}
	plain := 0
	photolib.Walk(filepath.Join(dir, "photos"), func(photolib.File) error { plain++; return nil })
	pass := writePassFile(t, "yellow kettle harbour march\n")
	// The same day: the encrypted backup is made beside the plain one, which stays.
	code, out, errOut = runCLI(t, "backup", "--db", path, "--to", dir, "--passphrase-file", pass)
	if code != 0 || errOut != "" || strings.Contains(out, "Removed") || strings.Contains(out, "removed") {
		t.Fatalf("the first encrypted backup of the day: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(m[1]); err != nil {
		t.Fatalf("that day's plain backup is gone: %v", err)
	}
	// Keeping only the newest backup: the plain one ages out, named.
	code, out, errOut = runCLI(t, "backup", "--db", path, "--to", dir, "--passphrase-file", pass, "--daily", "0", "--weekly", "0")
	said := fmt.Sprintf("; removed the older unencrypted backup %s; removed %d unencrypted photo files left by earlier backups.\n",
		filepath.Base(m[1]), plain)
	if code != 0 || errOut != "" || plain == 0 || !strings.Contains(out, said) || !strings.Contains(out, "Removed old backup "+quote(m[1])) {
		t.Fatalf("encrypted backup keeping only the newest: exit %d\n%s%s\nwant it to say %q", code, out, errOut, said)
	}
	left := 0
	photolib.Walk(filepath.Join(dir, "photos"), func(photolib.File) error { left++; return nil })
	if left != 0 {
		t.Errorf("%d plain photo files left in the folder", left)
	}
}
