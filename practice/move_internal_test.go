package practice

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// A disk without room for the database, its photos and a margin is said before anything is
// written, naming what is free and what is needed.
func TestMoveRefusesWhenTheDiskIsShort(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "clinic.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var asked string
	free := int64(5 << 20)
	t.Cleanup(func() { moveFreeSpace = diskFree })
	moveFreeSpace = func(dir string) (int64, error) { asked = dir; return free, nil }
	top := t.TempDir()
	folder := filepath.Join(top, "USB", "Needlelog")
	_, err = PlanMove(ctx, s, folder)
	if !errors.Is(err, data.ErrNoSpace) {
		t.Fatalf("move onto a disk with 5 MB free: %v", err)
	}
	for _, part := range []string{"5.0 MB free", "needs about", folder} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("the refusal %q does not say %q", err, part)
		}
	}
	if asked != top {
		t.Errorf("free space asked of %s, want %s (the nearest folder that exists)", asked, top)
	}
	if _, err := os.Stat(filepath.Join(top, "USB")); err == nil {
		t.Error("a refused move made its folder")
	}
	free = -1 // not known: not a reason to refuse
	if _, err := PlanMove(ctx, s, folder); err != nil {
		t.Errorf("move where the free space is not known: %v", err)
	}
}

// The database copy's progress is its size as it grows: each new size is told, and nothing
// after stop returns.
func TestWatchGrowth(t *testing.T) {
	dir := t.TempDir()
	sizes := make(chan int64, 16)
	stopped := false
	stop := watchGrowth(filepath.Join(dir, ".clinic.db.*.tmp"), func(n int64) {
		if stopped {
			t.Error("told of a size after stop returned")
		}
		sizes <- n
	})
	f, err := os.Create(filepath.Join(dir, ".clinic.db.123.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, want := range []int64{10, 30} {
		if _, err := f.Write(make([]byte, want-func() int64 { info, _ := f.Stat(); return info.Size() }())); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-sizes:
			if got != want {
				t.Errorf("told %d bytes, want %d", got, want)
			}
		case <-time.After(10 * time.Second): // a failure guard: it looks four times a second
			t.Fatalf("not told of %d bytes", want)
		}
	}
	stop()
	stopped = true
	f.Write(make([]byte, 5))
}
