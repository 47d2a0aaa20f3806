package files_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/practice/files"
	"needlelog.app/needlelog/store/sqlite"
)

// CheckTarget refuses the practice's own files under any name that reaches them, and any SQLite
// database with the files beside it; names that only look alike pass.
func TestCheckTargetRefusesThePracticesFiles(t *testing.T) {
	db := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(context.Background(), db, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	claim, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()
	if err := s.CreateClient(context.Background(), &data.Client{FirstName: "Ann", LastName: "Wal"}); err != nil {
		t.Fatal(err) // in the -wal until a checkpoint
	}
	dir, base := filepath.Dir(db), filepath.Base(db)
	hard := filepath.Join(dir, "hard.pdf")
	if err := os.Link(db, hard); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "old records.zip")
	if err := os.WriteFile(other, append([]byte("SQLite format 3\x00"), make([]byte, 4080)...), 0o600); err != nil {
		t.Fatal(err)
	}

	refused := map[string]string{
		db:              "the practice's database",
		db + "-wal":     "write-ahead log",
		db + "-shm":     "shared-memory",
		db + "-journal": "journal", // not there: refused by its name
		db + ".lock":    "lock file",
		hard:            "the practice's database",
		filepath.Join(dir, strings.ToUpper(base)+"-WAL"): "write-ahead log",
		other:          "a SQLite database",
		other + "-wal": "beside the database",
	}
	if testkit.LinksWork() {
		linkDir := filepath.Join(t.TempDir(), "shortcut")
		testkit.Symlink(t, dir, linkDir)
		refused[filepath.Join(linkDir, base+"-wal")] = "write-ahead log"
	}
	for target, what := range refused {
		err := files.CheckTarget(target, db)
		var rt *files.RefusedTargetError
		if !errors.As(err, &rt) || rt.Path != target || !strings.Contains(rt.What, what) {
			t.Errorf("%s: %v; want it refused as %q", target, err, what)
		}
	}
	for _, ok := range []string{db + ".pdf", db + "-wal.pdf", filepath.Join(dir, "p.dbx"), filepath.Join(dir, "new.csv")} {
		if err := files.CheckTarget(ok, db); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	// With no practice open, a database is still a database.
	if err := files.CheckTarget(other, ""); err == nil {
		t.Error("another database passes when no practice is open")
	}
}
