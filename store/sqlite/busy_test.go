package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// manyClientsCSV is a file of n clients, as a large practice's export has them.
func manyClientsCSV(n int) string {
	var b strings.Builder
	b.WriteString("First name,Last name,Date of birth,Email,Notes\r\n")
	for i := range n {
		fmt.Fprintf(&b, "Client,Number %06d,%02d/%02d/19%02d,c%d@example.com,\"Prefers mornings; sensitive skin\"\r\n",
			i, 1+i%28, 1+i%12, 40+i%60, i)
	}
	return b.String()
}

// Two writers on one practice file, as two programs (the app and the command line, or two
// imports) are: a long client import must not keep the other from saving.
func TestTwoWritersShareThePractice(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("imports tens of thousands of clients")
	}
	ctx := context.Background()
	importer, _ := sqlitetest.OpenStore(t)
	other, err := sqlite.Open(ctx, importer.Path(), sqlite.Options{Now: func() time.Time { return testkit.Now }})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	owner := photoClient(t, other, "Paula", data.PhotoConsentClinical)

	const n = 25000
	f := readCSVString(t, manyClientsCSV(n))
	var importing atomic.Bool
	importing.Store(true)
	done := make(chan error, 1)
	var res data.ClientImportResult
	go func() {
		var err error
		res, err = importer.ImportClients(ctx, f.Rows, data.GuessClientMapping(f.Header))
		importing.Store(false)
		done <- err
	}()

	// Save photos and clients from the other store for as long as the import runs.
	during := 0
	for i := 0; importing.Load(); i++ {
		jpg := phototest.NoisyJPEG(t, 64, 48, uint32(i+1), 16)
		if _, err := testkit.ImportPhoto(t, other, owner.ID, data.PhotoTags{Kind: data.PhotoBefore}, fmt.Sprintf("p%d.jpg", i), jpg, testkit.Now); err != nil {
			t.Fatalf("photo %d while the import runs: %v", i, err)
		}
		c := data.Client{FirstName: "Walk", LastName: fmt.Sprintf("In %d", i)}
		if err := other.CreateClient(ctx, &c); err != nil {
			t.Fatalf("client %d while the import runs: %v", i, err)
		}
		if importing.Load() {
			during++
		}
		time.Sleep(20 * time.Millisecond) // as a practitioner saves: often, not without pause
	}
	if err := <-done; err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Imported != n {
		t.Errorf("imported %d of %d", res.Imported, n)
	}
	if during < 2 {
		t.Errorf("only %d writes went in while the import ran: the test did not make them wait", during)
	}
	counts, err := other.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts["clients"] != int64(n+1+during) && counts["clients"] != int64(n+2+during) {
		t.Errorf("%d clients stored, want %d imported and the walk-ins", counts["clients"], n)
	}
}

// holdWriteLock takes a practice's write lock from a connection of its own, as another program's
// long write does, and lets it go after d.
func holdWriteLock(t *testing.T, path string, d time.Duration) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tx, err := db.Begin()
	if err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	time.AfterFunc(d, func() { tx.Rollback() })
}

// A write that finds the practice busy for longer than SQLite's own wait (5 s) waits on, and saves.
func TestWriteWaitsForAnotherWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a write lock held 7 s")
	}
	t.Parallel()
	s, _ := sqlitetest.OpenStore(t)
	holdWriteLock(t, s.Path(), 7*time.Second)
	c := data.Client{FirstName: "Ann", LastName: "Lee"}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatalf("save while another program writes: %v", err)
	}
	if _, err := s.Client(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
}
