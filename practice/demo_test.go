package practice_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// TestWriteDemoWritesANewClaimedFile: the demo is written into a new file, claimed while it is
// written, and let go once it is whole.
func TestWriteDemoWritesANewClaimedFile(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "demo", "demo.db")
	err := practice.WriteDemo(ctx, db, func(ctx context.Context, s store.Store) error {
		if !practice.Claimed(db) {
			t.Error("the demo is written without a claim on its file")
		}
		return s.CreateClient(ctx, &data.Client{FirstName: "Demo", LastName: "Client"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if practice.Claimed(db) {
		t.Fatal("the written demo is still claimed")
	}
	s, c, err := practice.Open(ctx, db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	defer s.Close()
	if n, err := s.Counts(ctx); err != nil || n["clients"] != 1 {
		t.Fatalf("the demo holds %v clients (%v), want the 1 written", n["clients"], err)
	}
}

// TestWriteDemoFailingLeavesNothing: a demo whose writing fails half way, or is cancelled, leaves
// no file to be opened later as if it were whole, and no claim on its path.
func TestWriteDemoFailingLeavesNothing(t *testing.T) {
	broken := errors.New("the generator broke")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		what string
		ctx  context.Context
		want error
	}{
		{"failed", context.Background(), broken},
		{"cancelled", ctx, context.Canceled},
	} {
		db := filepath.Join(t.TempDir(), "demo.db")
		err := practice.WriteDemo(tc.ctx, db, func(ctx context.Context, s store.Store) error {
			if err := s.CreateClient(context.Background(), &data.Client{FirstName: "Half", LastName: "Written"}); err != nil {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return broken
		})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.what, err, tc.want)
		}
		if _, err := os.Lstat(db); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: the half-written demo is left behind (%v)", tc.what, err)
		}
		if practice.Claimed(db) {
			t.Errorf("%s: the path is still claimed", tc.what)
		}
	}
}

// TestWriteDemoRefusesATakenPath: a path another writer has claimed, or where a file is already,
// is refused before anything is written, and the file there is left byte for byte.
func TestWriteDemoRefusesATakenPath(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	testkit.CreateClient(t, s, "Ann", "Lee")
	db := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	write := func(context.Context, store.Store) error {
		t.Error("the demo was written into a path that was refused")
		return nil
	}
	other, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := practice.WriteDemo(ctx, db, write); !errors.Is(err, data.ErrInUse) {
		t.Errorf("a claimed path: %v, want ErrInUse", err)
	}
	other.Release()
	if err := practice.WriteDemo(ctx, db, write); !errors.Is(err, fs.ErrExist) {
		t.Errorf("a path with a practice in it: %v, want ErrExist", err)
	}
	if after, err := os.ReadFile(db); err != nil || !bytes.Equal(after, before) {
		t.Errorf("the practice at a refused path was changed (%v)", err)
	}
	if practice.Claimed(db) {
		t.Error("a refused path is left claimed")
	}
}
