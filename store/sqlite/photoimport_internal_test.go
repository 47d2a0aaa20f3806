package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
)

// Cancelling an import returns at once while the photo is still being decoded, and stores
// nothing; the decode left behind finishes on its own without touching the store.
func TestImportPhotoFileCancelledDuringDecode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "practice.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := data.Client{FirstName: "Anna", LastName: "Photo", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "slow.jpg")
	if err := os.WriteFile(path, phototest.Progressive(64, 64, 3), 0o600); err != nil {
		t.Fatal(err)
	}

	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	slow := func(b []byte) (photo.Processed, error) { // a decode that takes as long as the test says
		close(started)
		<-release
		defer close(finished)
		return photo.Process(b)
	}

	ictx, cancel := context.WithCancel(ctx)
	type result struct {
		p   data.Photo
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := s.ImportPhotoFileWith(ictx, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, path, data.PhotoImportOptions{Process: slow})
		done <- result{p, err}
	}()
	<-started
	cancel()
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second): // a failure guard, not a speed target: it returns at once
		close(release)
		t.Fatal("the cancelled import waited for the decode under way")
	}
	var fe *data.PhotoFileError
	if !errors.Is(r.err, context.Canceled) || !errors.As(r.err, &fe) || fe.Path != path {
		t.Errorf("error = %v, want the file's context.Canceled", r.err)
	}
	close(release)
	<-finished
	list, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID})
	if err != nil || len(list) != 0 {
		t.Errorf("after the cancelled import: %d photos stored (%v), want none", len(list), err)
	}
}
