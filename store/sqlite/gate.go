package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// Opening a practice for writing used to wait for SQLite's quick check, which reads every page of
// the file: seconds for a large practice, many more from a cold disk. With Options.CheckLater the
// check runs while the practice is shown instead, and the file is protected by a gate: every
// write (inTx, and the checkpoints run outside a transaction) waits until the check has passed,
// and is refused with the check's ErrDamaged when it failed. Reading needs no gate: what a damaged
// file gives is said as damage (mapError), and nothing is written to it.
//
// The check waits only for a file that was closed cleanly (no -journal beside it, and no -wal or
// an empty one, as a command that only read it leaves), already in write-ahead-log mode and at this
// build's schema version: opening such a file writes nothing to it (the journal mode is already set; the write test is rolled back; the log stays empty, so
// closing copies nothing into the file). A file left open by a crash (its log would be copied in
// on closing), one still in the old journal mode (switching writes the header) and one to be
// migrated are checked first, as before.
//
// The check begins checkAfter after opening, or at once when a write waits for it: started with
// the window, its reading of the whole file (seconds from a cold disk) and its processor time would
// slow the first screen it is there to let through.

// gate holds writes until the check of the store's file has finished. A nil gate has nothing to
// wait for: the file was checked before Open returned, or is never written.
type gate struct {
	begin  chan struct{} // closed to begin the check before checkAfter
	once   sync.Once
	done   chan struct{}
	err    error // the check's verdict, set before done is closed
	cancel context.CancelFunc
}

// wait begins the check if it has not begun, waits for it to finish and returns its verdict, or
// ctx's error first.
func (g *gate) wait(ctx context.Context) error {
	if g == nil {
		return nil
	}
	g.once.Do(func() { close(g.begin) })
	return g.verdict(ctx)
}

// verdict waits for the check to finish, without hastening it, and returns its verdict.
func (g *gate) verdict(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case <-g.done:
		return g.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop cancels a check still under way and waits for it to end.
func (g *gate) stop() {
	if g == nil {
		return
	}
	g.cancel()
	<-g.done
}

// checkHook, when set by a test, runs before the background check begins.
var checkHook func()

// checkAfter is how long after opening the check begins when no write asks for it sooner.
const checkAfter = 2 * time.Second

// checkInBackground starts the quick check of the store's file on a connection of its own (the
// store's writer pool holds a single connection, which the list's reads need meanwhile).
func (s *Store) checkInBackground() {
	ctx, cancel := context.WithCancel(context.Background())
	g := &gate{begin: make(chan struct{}), done: make(chan struct{}), cancel: cancel}
	s.gate = g
	go func() {
		defer close(g.done)
		t := time.NewTimer(checkAfter)
		defer t.Stop()
		select {
		case <-g.begin:
		case <-t.C:
		case <-ctx.Done():
		}
		if checkHook != nil {
			checkHook()
		}
		g.err = quickCheckFile(ctx, s.path, s.readerQuery())
		if g.err != nil && ctx.Err() == nil {
			g.err = fmt.Errorf("nothing is saved to %s: %w", s.path, g.err)
		} else if ctx.Err() != nil {
			g.err = errors.Join(errStoreClosed, ctx.Err())
		}
	}()
}

// errStoreClosed refuses a write that waited for a check the store's closing ended.
var errStoreClosed = errors.New("the practice was closed")

// Checked waits for the check of the file that opening left to run while the practice is shown
// (Options.CheckLater), without hastening it, and returns its verdict: nil when the file is sound or was checked before
// Open returned, an error matching data.ErrDamaged when it is damaged. Writes are refused with the
// same error.
func (s *Store) Checked(ctx context.Context) error { return s.gate.verdict(ctx) }

// quickCheckFile runs SQLite's quick check over the file at path on a read-only connection.
func quickCheckFile(ctx context.Context, path string, q url.Values) error {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	return quickCheck(ctx, db)
}

// checkpoint copies the write-ahead log into the file and empties it: a write, so it waits for the
// gate as inTx does.
func (s *Store) checkpoint(ctx context.Context) error {
	if err := s.gate.wait(ctx); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return mapError(err)
}
