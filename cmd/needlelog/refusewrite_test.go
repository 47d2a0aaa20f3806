//go:build unix

package main

import (
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// folderHashes is the SHA-256 of every file under dir but SQLite's shared-memory index (which
// readers change): the practice, its write-ahead log, its lock file and its photo library.
func folderHashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	got := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "-shm") {
			return err
		}
		b, err := os.ReadFile(p)
		got[p] = sha256.Sum256(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func sameHashes(a, b map[string][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for p, h := range a {
		if b[p] != h {
			return false
		}
	}
	return true
}

// TestEveryWritingCommandRefusesAClaimedPractice: with the practice claimed and open in this
// process as the app opens it (practice.Open), every command that would write to it refuses, exits
// non-zero with one sentence naming Needlelog's window, and leaves the practice's folder (the
// database, its write-ahead log, its photos) byte for byte as it was. A demo into a new file that
// is claimed (the app writing its own demo there) is refused the same way and makes no file.
func TestEveryWritingCommandRefusesAClaimedPractice(t *testing.T) {
	f := newImportFixture(t)
	photo := put(t, filepath.Join(t.TempDir(), "a.jpg"), smallJPEG(t, 90), time.Now())
	csv := clientsCSV(t, 3)
	bk := t.TempDir()
	if code, out, errOut := runCLI(t, "backup", "--db", f.db, "--to", bk); code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	list, err := backupsOf(bk, f.db)
	if err != nil || len(list) != 1 {
		t.Fatalf("backups %v %v", list, err)
	}

	s, claim, err := practice.Open(context.Background(), f.db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close(); claim.Release() }()
	if _, err := os.Stat(f.db + "-wal"); err != nil {
		t.Fatalf("the open practice has no write-ahead log to compare: %v", err)
	}
	dir := filepath.Dir(f.db)
	before := folderHashes(t, dir)
	refused := func(what string, code int, out, errOut, sentence string, ok bool) {
		t.Helper()
		if code == 0 || out != "" || strings.Count(errOut, "\n") != 1 || !ok {
			t.Errorf("%s while the practice is claimed: exit %d, out %q, err %q; want the refusal %s", what, code, out, errOut, sentence)
		}
		if after := folderHashes(t, dir); !sameHashes(before, after) {
			t.Errorf("%s while the practice is claimed changed its files:\n%v\nwas\n%v", what, after, before)
		}
	}
	for _, args := range [][]string{
		{"import", "clients", "--db", f.db, csv},
		{"import", "photos", "--db", f.db, "--client", f.anna.ID, photo},
	} {
		code, out, errOut := runCLI(t, args...)
		refused(strings.Join(args[:2], " "), code, out, errOut, inUseSentence.String(), inUseSentence.MatchString(errOut))
	}
	code, out, errOut := runCLI(t, "restore", "--from", list[0].Path, "--db", f.db, "--force")
	refused("restore", code, out, errOut, "naming Needlelog's window", strings.Contains(errOut, "is open in another Needlelog window"))
	code, out, errOut = runCLI(t, "demo", "--db", f.db, "--clients", "2")
	refused("demo over the practice", code, out, errOut, "saying it exists", strings.Contains(errOut, "already exists"))

	fresh := filepath.Join(t.TempDir(), "demo.db")
	c, err := practice.ClaimDatabase(fresh) // as the app does before it makes a new file
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	code, out, errOut = runCLI(t, "demo", "--db", fresh, "--clients", "2")
	if code == 0 || out != "" || !inUseSentence.MatchString(errOut) || !strings.HasPrefix(errOut, "needlelog demo: ") {
		t.Errorf("demo into a claimed new file: exit %d, out %q, err %q", code, out, errOut)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("a refused demo made %s (%v)", fresh, err)
	}
	// Once the claim is given up, the same command writes the demo.
	c.Release()
	if code, out, errOut := runCLI(t, "demo", "--db", fresh, "--clients", "2"); code != 0 {
		t.Errorf("demo once free: exit %d\n%s%s", code, out, errOut)
	}
}
