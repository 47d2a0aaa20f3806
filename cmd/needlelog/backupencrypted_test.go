package main

import (
	"bytes"
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
