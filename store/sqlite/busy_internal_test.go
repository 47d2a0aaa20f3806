package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
)

// A write that waited its bounded time for another program says so in a sentence, not in SQLite's words.
func TestBusyIsSaidInWords(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 5 s for a write lock")
	}
	was := busyWait
	busyWait = 0 // one attempt: SQLite's own 5 s wait
	t.Cleanup(func() { busyWait = was })

	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := Open(context.Background(), path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()

	start := time.Now()
	err = s.CreateClient(context.Background(), &data.Client{FirstName: "Ann", LastName: "Lee"})
	if !errors.Is(err, data.ErrBusy) {
		t.Fatalf("save while another program holds the write lock: %v, want ErrBusy", err)
	}
	if msg := err.Error(); strings.Contains(msg, "SQLITE") || strings.Contains(msg, "locked") ||
		!strings.Contains(msg, "the practice is busy with another program's changes (an import, or another window); try again in a moment") {
		t.Errorf("said %q", msg)
	}
	if waited := time.Since(start); waited < 4*time.Second {
		t.Errorf("gave up after %v, before SQLite's own wait ended", waited)
	}
}
