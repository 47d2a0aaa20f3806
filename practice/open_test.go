package practice_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// TestOpenClaimsANewFileBeforeMakingIt: Open with Create makes no file at a path another holder has
// claimed before making its own; once that claim is given up, it makes and claims the file.
func TestOpenClaimsANewFileBeforeMakingIt(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "new", "practice.db")
	other, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := practice.Open(ctx, db, sqlite.Options{Create: true}); !errors.Is(err, data.ErrInUse) {
		t.Fatalf("Open with Create of a claimed path: %v, want ErrInUse", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the refused Open made the file (%v)", err)
	}
	other.Release()
	s, c, err := practice.Open(ctx, db, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	defer s.Close()
	if !practice.Claimed(db) {
		t.Fatal("the file Open made is not claimed")
	}
	if _, _, err := practice.Open(ctx, db, sqlite.Options{}); !errors.Is(err, data.ErrInUse) {
		t.Fatalf("a second Open while the first holds it: %v, want ErrInUse", err)
	}
}
