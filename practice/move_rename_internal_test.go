package practice

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// renameFailing makes the first n renames of a move fail as Windows does while another program
// holds the file, until the test ends; it returns how many were tried.
func renameFailing(t *testing.T, n int) *int {
	tries := 0
	t.Cleanup(func() { moveRename = os.Rename })
	moveRename = func(from, to string) error {
		tries++
		if tries <= n {
			return &os.LinkError{Op: "rename", Old: from, New: to,
				Err: errors.New("The process cannot access the file because it is being used by another process.")}
		}
		return os.Rename(from, to)
	}
	return &tries
}

func moveSetUp(t *testing.T) (*sqlite.Store, MovePlan) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "clinic.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := data.Client{FirstName: "Ines", LastName: "Rename"}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	p, err := PlanMove(ctx, s, filepath.Join(t.TempDir(), "New"))
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

// A rename refused for a moment (an antivirus looking at the new file) is tried again.
func TestMoveRetriesARenameRefusedForAMoment(t *testing.T) {
	s, p := moveSetUp(t)
	tries := renameFailing(t, 3)
	m, err := Move(context.Background(), s, p, nil)
	if err != nil {
		t.Fatalf("move with the first renames refused: %v", err)
	}
	if *tries != 4 {
		t.Errorf("%d renames tried, want 4", *tries)
	}
	if _, err := os.Stat(m.DB); err != nil {
		t.Errorf("the moved practice: %v", err)
	}
}

// A rename refused for good is said as such, and nothing is left in the new folder.
func TestMoveGivesUpOnARenameRefusedForGood(t *testing.T) {
	s, p := moveSetUp(t)
	renameFailing(t, 1000)
	_, err := Move(context.Background(), s, p, nil)
	if err == nil || !strings.Contains(err.Error(), "another program") || !strings.Contains(err.Error(), "nothing was moved") {
		t.Fatalf("move with every rename refused: %v", err)
	}
	if left, _ := os.ReadDir(p.Folder); len(left) > 0 {
		t.Errorf("left in the new folder: %v", left)
	}
}
