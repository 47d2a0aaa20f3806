package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
	"needlelog.app/needlelog/data"
)

// A file that cannot grow past a few pages, as on a full disk: the save that does not fit fails
// with ErrDiskFull in words, the driver's error kept inside, and nothing of it is stored.
func TestFullDatabaseIsSaidInWords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var pages int
	if err := s.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The writer is the pool's one connection, so the limit holds for every save that follows.
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	saved := 0
	for ; saved < 1000; saved++ {
		c := data.Client{FirstName: "Anna", LastName: fmt.Sprintf("Berg %d", saved), Notes: strings.Repeat("note ", 400)}
		if err = s.CreateClient(ctx, &c); err != nil {
			break
		}
	}
	if !errors.Is(err, data.ErrDiskFull) {
		t.Fatalf("after %d clients: %v, want ErrDiskFull", saved, err)
	}
	if !strings.Contains(err.Error(), "the disk is full: free some space; the record was not saved") {
		t.Errorf("the error does not say what happened and what to do: %q", err)
	}
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_FULL {
		t.Errorf("the driver's error is not kept: %#v", err)
	}
	counts, err := s.Counts(ctx)
	if err != nil || counts["clients"] != int64(saved) {
		t.Errorf("%d clients stored, %d saved (%v)", counts["clients"], saved, err)
	}
}

func TestReadOnlyErrorIsSaidInWords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := Open(ctx, path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('x', 'y')`)
	if sqliteCode(err) != sqlite3.SQLITE_READONLY {
		t.Fatalf("write through a read-only connection: %v", err)
	}
	mapped := mapError(err)
	if !errors.Is(mapped, data.ErrReadOnlyFile) || !strings.HasPrefix(mapped.Error(), data.ErrReadOnlyFile.Error()+": the record was not saved") {
		t.Errorf("mapped to %q", mapped)
	}
}

// Every connection of the pool gets the settings in the DSN, the ones read back at open included.
func TestEveryConnectionHasTheSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := Open(ctx, path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	// Holding three connections at once makes the pool open three.
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		if conns[i], err = ro.db.Conn(ctx); err != nil {
			t.Fatal(err)
		}
		defer conns[i].Close()
	}
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			var busy, temp, fk, secure, queryOnly int
			err := c.QueryRowContext(ctx, `SELECT (SELECT timeout FROM pragma_busy_timeout), (SELECT temp_store FROM pragma_temp_store),
				(SELECT foreign_keys FROM pragma_foreign_keys), (SELECT secure_delete FROM pragma_secure_delete),
				(SELECT query_only FROM pragma_query_only)`).Scan(&busy, &temp, &fk, &secure, &queryOnly)
			if err != nil || busy != 5000 || temp != 2 || fk != 1 || secure != 1 || queryOnly != 1 {
				t.Errorf("connection %d: busy_timeout=%d temp_store=%d foreign_keys=%d secure_delete=%d query_only=%d (%v)",
					i, busy, temp, fk, secure, queryOnly, err)
			}
		})
	}
	wg.Wait()
}
