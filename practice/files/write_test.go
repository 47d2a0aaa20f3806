package files_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/practice/files"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

func TestWriteFileIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "history.pdf")
	if err := files.WriteFile(path, "", func(w io.Writer) error { _, err := w.Write([]byte("first")); return err }); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("cancelled half way")
	err := files.WriteFile(path, "", func(w io.Writer) error {
		w.Write([]byte("half of the second"))
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("the writer's error was not returned: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Fatalf("a failed write changed the file to %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("a failed write left files behind: %v", entries)
	}
	// Windows keeps who may read a file in the access list it inherits from its folder, not in
	// mode bits.
	if info, _ := os.Stat(path); runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Fatalf("a new file's mode is %v, want owner-only", info.Mode().Perm())
	}
	// A file replaced keeps its mode.
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := files.WriteFile(path, "", func(w io.Writer) error { _, err := w.Write([]byte("third")); return err }); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); runtime.GOOS != "windows" && info.Mode().Perm() != 0o640 {
		t.Fatalf("a replaced file's mode is %v, want 0640 as before", info.Mode().Perm())
	}
}

// practiceTargets makes, beside an open practice, every way of naming one of its own files that
// an export must refuse: as named, through "..", a linked folder, a link to the file, a hard link,
// in other letter case, and files SQLite has not made yet. It returns them with what each is.
func practiceTargets(t *testing.T, db string) map[string]string {
	t.Helper()
	dir := filepath.Dir(db)
	sub := filepath.Join(dir, "sub")
	if err := os.MkdirAll(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.pdf")
	if err := os.Link(db, hard); err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(db)
	targets := map[string]string{
		db:                                    "database",
		db + "-wal":                           "write-ahead log",
		db + "-shm":                           "shared-memory",
		db + "-journal":                       "journal", // not there: refused by its name
		db + ".lock":                          "lock file",
		filepath.Join(sub, "..", base+"-wal"): "write-ahead log",
		hard:                                  "database",
		filepath.Join(dir, strings.ToUpper(base)+"-WAL"): "write-ahead log",
	}
	if testkit.LinksWork() {
		linkDir := filepath.Join(t.TempDir(), "linked")
		testkit.Symlink(t, dir, linkDir)
		walLink := filepath.Join(t.TempDir(), "history.pdf")
		testkit.Symlink(t, db+"-wal", walLink)
		targets[filepath.Join(linkDir, base)] = "database"
		targets[filepath.Join(linkDir, base+"-shm")] = "shared-memory"
		targets[walLink] = "write-ahead log"
	}
	return targets
}

func TestWriteFileNeverReplacesThePracticeOrADatabase(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "p.db")
	store, err := sqlite.Open(ctx, db, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	claim, err := ondisk.ClaimDatabase(db)
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()
	if err := store.CreateClient(ctx, &data.Client{FirstName: "Ann", LastName: "Wal"}); err != nil {
		t.Fatal(err) // in the -wal until a checkpoint
	}
	own := map[string]os.FileInfo{}
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		info, err := os.Stat(db + suffix)
		if err != nil {
			t.Fatalf("the practice has no %s file: %v", suffix, err)
		}
		own[suffix] = info
	}

	// Another database, whatever its name, and a -wal beside it.
	other := filepath.Join(t.TempDir(), "old records.zip")
	otherBytes := append([]byte("SQLite format 3\x00"), make([]byte, 4080)...)
	if err := os.WriteFile(other, otherBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	targets := practiceTargets(t, db)
	targets[other] = "SQLite database"
	targets[other+"-wal"] = "beside the database"

	for target, what := range targets {
		wrote := false
		err := files.WriteFile(target, store.Path(), func(w io.Writer) error { wrote = true; _, err := w.Write([]byte("%PDF")); return err })
		var rt *files.RefusedTargetError
		if !errors.As(err, &rt) || !strings.Contains(err.Error(), what) || !strings.Contains(err.Error(), wording.Quoted(target)) {
			t.Errorf("%s: %v; want it refused as the %s", target, err, what)
		}
		if wrote {
			t.Errorf("%s: the export was made before it was refused", target)
		}
	}
	for suffix, before := range own {
		// Wine gives the -shm, which SQLite keeps mapped, a new identity at each look: there the
		// file cannot be told from a replaced one.
		a, _ := os.Stat(db + suffix)
		b, _ := os.Stat(db + suffix)
		if testkit.UnderWine() && !os.SameFile(a, b) {
			continue
		}
		if after, err := os.Stat(db + suffix); err != nil || !os.SameFile(before, after) {
			t.Errorf("the practice's %q file was replaced (%v)", suffix, err)
		}
	}
	if _, err := os.Stat(db + "-journal"); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a -journal was written beside the practice")
	}
	if b, _ := os.ReadFile(other); !bytes.Equal(b, otherBytes) {
		t.Error("another database was written over")
	}
	if entries, _ := os.ReadDir(filepath.Dir(db)); len(entries) != 6 { // p.db, -wal, -shm, .lock, sub, hard.pdf
		t.Errorf("refused exports left files beside the practice: %v", entries)
	}
	if n, err := store.ListClients(ctx, data.ClientQuery{Limit: 5}); err != nil || len(n) != 1 {
		t.Fatalf("the practice reads %d clients (%v) after the refusals", len(n), err)
	}

	// Names that only look alike are written.
	for _, ok := range []string{db + ".pdf", db + "-wal.pdf", filepath.Join(filepath.Dir(db), "p.dbx")} {
		if err := files.WriteFile(ok, store.Path(), func(w io.Writer) error { _, err := w.Write([]byte("%PDF")); return err }); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// A file for a folder that is not there is refused with the folder named, not the system's words.
func TestWriteFileIntoAMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Exports für Ärzte")
	err := files.WriteFile(filepath.Join(dir, "archive été.zip"), "", func(w io.Writer) error { return nil })
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "the folder "+wording.Quoted(dir)+" does not exist") {
		t.Fatalf("write into a missing folder: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the folder was made: %v", err)
	}
}
