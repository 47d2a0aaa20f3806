package ui

import (
	"context"
	"log/slog"
	"time"

	"needlelog.app/needlelog/store/sqlite"
)

// Photo files that no photo names (an import cut short by a crash, a deletion whose file removal
// was interrupted) are collected once a practice has been open for writing a while: out of the
// way of its opening, and never on the UI goroutine.
var (
	photoCollectDelay = 2 * time.Minute
	// photoCollectGrace keeps files younger than a day: one being written for an import not yet
	// committed, or by another window importing into the same photo folder.
	photoCollectGrace = 24 * time.Hour
)

// photoCollection is the collection of one open practice's unnamed photo files.
type photoCollection struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when it has run, or been stopped
}

// collectPhotoFilesLater starts the collection of s's unnamed photo files after the delay, in the
// background; nil for a practice open read-only, whose folder is not this window's to change.
func collectPhotoFilesLater(s *sqlite.Store, delay time.Duration) *photoCollection {
	if s.ReadOnly() {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &photoCollection{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		n, err := s.CollectPhotoFiles(ctx, photoCollectGrace)
		switch {
		case err != nil && ctx.Err() == nil:
			slog.Warn("collect unused photo files", "dir", s.PhotoDir(), "err", err)
		case n > 0:
			slog.Info("collected unused photo files", "dir", s.PhotoDir(), "removed", n)
		}
	}()
	return c
}

// stop stops the collection and waits for it, so that the store can be closed; nil stops nothing.
func (c *photoCollection) stop() {
	if c == nil {
		return
	}
	c.cancel()
	<-c.done
}
