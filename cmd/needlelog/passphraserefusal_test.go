package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryCommandRefusesABadPassphraseFileAlike: a --passphrase-file missing, empty, too short,
// or naming a folder is the same usage error (exit code 2), in the same one sentence, from every
// command that reads one, before anything is written.
func TestEveryCommandRefusesABadPassphraseFileAlike(t *testing.T) {
	db := demoFile(t)
	dir := t.TempDir()
	// An encrypted backup's start, as restore tells one: it reads the passphrase before the rest.
	encBackup := filepath.Join(dir, "demo-1a2b3c4d-20260310-143000.db.age")
	if err := os.WriteFile(encBackup, []byte("age-encryption.org/v1\n-> scrypt c2FsdA 10\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	encExport := filepath.Join(dir, "records.zip.age")
	if err := os.WriteFile(encExport, []byte("age-encryption.org/v1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.txt")
	files := []struct{ name, path, says string }{
		{"missing", missing, `the passphrase file "` + missing + `" does not exist`},
		{"empty", writePassFile(t, ""), "is empty"},
		{"too short", writePassFile(t, "short\n"), "The passphrase has 5 characters; it needs at least 12"},
		{"one character repeated", writePassFile(t, "aaaaaaaaaaaaaaaa\n"), "one character repeated"},
		{"a folder", dir, "is a folder, not a passphrase file"},
	}
	commands := []struct {
		name string
		args func(pass string) []string
	}{
		{"backup", func(p string) []string {
			return []string{"backup", "--db", db, "--to", filepath.Join(dir, "backups"), "--passphrase-file", p}
		}},
		{"restore", func(p string) []string {
			return []string{"restore", "--from", encBackup, "--db", filepath.Join(dir, "restored.db"), "--passphrase-file", p}
		}},
		{"export", func(p string) []string {
			return []string{"export", "archive", "--db", db, "-o", filepath.Join(dir, "a.zip"), "--passphrase-file", p}
		}},
		{"decrypt", func(p string) []string {
			return []string{"decrypt", "--passphrase-file", p, "-o", filepath.Join(dir, "records.zip"), encExport}
		}},
	}
	for _, c := range commands {
		for _, f := range files {
			code, out, errOut := runCLI(t, c.args(f.path)...)
			if code != 2 || !strings.HasPrefix(errOut, "needlelog "+c.name) || !strings.Contains(errOut, f.says) ||
				strings.Count(errOut, "\n") != 1 || out != "" {
				t.Errorf("%s with a passphrase file %s: exit %d, %q %q; want exit 2 and one line saying %q",
					c.name, f.name, code, out, errOut, f.says)
			}
		}
	}
	for _, name := range []string{"backups", "restored.db", "a.zip", "records.zip"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was written", name)
		}
	}
}

// TestBackupIntoAFileSaysSo: --to naming a file, or a folder inside one, is said in one sentence.
func TestBackupIntoAFileSaysSo(t *testing.T) {
	db := demoFile(t)
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{file, filepath.Join(file, "backups")} {
		for _, pass := range [][]string{nil, {"--passphrase-file", writePassFile(t, "yellow kettle harbour march\n")}} {
			args := append([]string{"backup", "--db", db, "--to", to}, pass...)
			code, _, errOut := runCLI(t, args...)
			want := "needlelog backup: " + quote(file) + " is a file, not a folder: choose a folder for the backups\n"
			if code == 0 || errOut != want {
				t.Errorf("%v: exit %d, %q; want %q", args, code, errOut, want)
			}
		}
	}
}
