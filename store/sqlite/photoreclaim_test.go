package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// freeKB leaves about kb kilobytes of unused pages in the practice's file, as deleting records does.
func freeKB(t *testing.T, s *sqlite.Store, kb int) {
	t.Helper()
	sqlitetest.RawExec(t, s.Path(), `CREATE TABLE junk (b BLOB)`,
		fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %d)
		INSERT INTO junk SELECT randomblob(50 << 10) FROM c`, kb/50), `DROP TABLE junk`)
}

// Space freed by ordinary work is given back only when it is large; space freed by photos moved out
// of the file, from the smaller threshold on. Each run says what it did, and only that.
func TestSpaceIsGivenBackOnlyAfterAMoveOrWhenLarge(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	sqlite.SetReclaimAtLeast(t, 1<<20) // worth it from 1 MB after a move, from 2 MB otherwise
	freeKB(t, s, 1500)
	if due, err := s.PhotoMoveDue(ctx); err != nil || due.Due() {
		t.Fatalf("1.5 MB free, nothing moved: due %+v, %v", due, err)
	}
	res, err := s.MovePhotos(ctx, nil)
	if err != nil || res.Reclaimed != 0 || res.Sentence(s.PhotoDir()) != "" {
		t.Fatalf("moving nothing with 1.5 MB free: %+v (%q), %v", res, res.Sentence(s.PhotoDir()), err)
	}
	n, err := s.ReclaimIfDue(ctx, true, nil)
	if err != nil || n < 1<<20 {
		t.Fatalf("after a move, 1.5 MB free: gave back %d, %v", n, err)
	}
	freeKB(t, s, 3000) // large
	if due, err := s.PhotoMoveDue(ctx); err != nil || !due.Reclaim || due.ToMove != 0 {
		t.Fatalf("3 MB free: due %+v, %v", due, err)
	}
	res, err = s.MovePhotos(ctx, nil)
	if err != nil || res.Moved != 0 || res.Reclaimed < 2<<20 {
		t.Fatalf("moving nothing with 3 MB free: %+v, %v", res, err)
	}
	if got, want := res.Sentence(s.PhotoDir()), fmt.Sprintf("Gave back %d MB of disk space.", res.Reclaimed>>20); got != want {
		t.Errorf("said %q, want %q", got, want)
	}
}

func TestPhotoMoveResultSentence(t *testing.T) {
	for _, c := range []struct {
		res  sqlite.PhotoMoveResult
		want string
	}{
		{sqlite.PhotoMoveResult{Moved: 5, Reclaimed: 300 << 20}, "Moved 5 photos to the photo folder /p and gave back 300 MB of disk space."},
		{sqlite.PhotoMoveResult{Moved: 1}, "Moved 1 photo to the photo folder /p."},
		{sqlite.PhotoMoveResult{Reclaimed: 70 << 20}, "Gave back 70 MB of disk space."},
		{sqlite.PhotoMoveResult{Reclaimed: 1000}, ""},
		{sqlite.PhotoMoveResult{}, ""},
	} {
		if got := c.res.Sentence("/p"); got != c.want {
			t.Errorf("%+v: %q, want %q", c.res, got, c.want)
		}
	}
}

// A reclaim killed after its rewrite, before it cleared up, leaves its folder beside the practice:
// the next look clears it, even with no space to give back.
func TestALeftReclaimFolderIsCleared(t *testing.T) {
	s, _ := sqlitetest.OpenStore(t)
	left := filepath.Join(filepath.Dir(s.Path()), strings.TrimSuffix(filepath.Base(s.Path()), filepath.Ext(s.Path()))+".reclaim")
	if err := os.Mkdir(left, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(left, "etilqs_1"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ReclaimIfDue(context.Background(), false, nil); err != nil || n != 0 {
		t.Fatalf("nothing to give back: %d, %v", n, err)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Fatalf("the left reclaim folder is still there: %v", err)
	}
}
