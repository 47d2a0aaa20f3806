package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/store/sqlstore"
)

var clinicalFollowUp = data.PhotoTags{Kind: data.PhotoFollowUp}

// A photo file that cannot be removed after the delete commits (on Windows, one a viewer holds
// open) does not make the delete fail: the record is gone, and the sweep removes the file later.
func TestDeletePhotoWhoseFileCannotBeRemoved(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := photoClient(t, s, "Vera", data.PhotoConsentClinical)
	p, err := testkit.ImportPhoto(t, s, c.ID, clinicalFollowUp, "IMG_1.jpg", phototest.NoisyJPEG(t, 96, 64, 3, 40), testkit.Now)
	if err != nil {
		t.Fatal(err)
	}
	var failing atomic.Bool
	failing.Store(true)
	sqlstore.SetPhotoFileRemoval(t, nil, func(l *photolib.Library, sum string) error {
		if failing.Load() {
			return errors.New("the process cannot access the file because it is being used by another process")
		}
		return l.Remove(sum)
	})
	if err := s.DeletePhoto(ctx, p.ID, "Wrong client"); err != nil {
		t.Fatalf("delete with the file held open: %v", err)
	}
	if _, err := s.Photo(ctx, p.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the deleted photo reads back: %v", err)
	}
	lib := photolib.Open(s.PhotoDir())
	if !lib.Has(p.SHA256) {
		t.Fatal("the file held open was removed after all")
	}
	failing.Store(false)
	sqlitetest.AgeLibrary(t, s)
	if _, err := s.CollectPhotoFiles(ctx, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if lib.Has(p.SHA256) {
		t.Error("the sweep left the deleted photo's file")
	}
}

// A delete whose removal of files meets an import of the same bytes for another client: the
// imported photo keeps its files.
func TestDeletePhotoMeetsImportOfTheSameBytes(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	a := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	b := photoClient(t, s, "Berit", data.PhotoConsentClinical)
	jpeg := phototest.NoisyJPEG(t, 96, 64, 5, 40)
	old, err := testkit.ImportPhoto(t, s, a.ID, clinicalFollowUp, "IMG_1.jpg", jpeg, testkit.Now)
	if err != nil {
		t.Fatal(err)
	}
	var imported data.Photo
	var importErr error
	var once sync.Once
	done := make(chan struct{})
	sqlstore.SetPhotoFileRemoval(t, func(string) {
		once.Do(func() {
			go func() {
				defer close(done)
				imported, importErr = testkit.ImportPhoto(t, s, b.ID, clinicalFollowUp, "IMG_1.jpg", jpeg, testkit.Now)
			}()
			// The import runs to its commit here, unless the removal holds it off.
			select {
			case <-done:
			case <-time.After(300 * time.Millisecond):
			}
		})
	}, nil)
	if err := s.DeletePhoto(ctx, old.ID, "Wrong client"); err != nil {
		t.Fatal(err)
	}
	<-done
	if importErr != nil {
		t.Fatal(importErr)
	}
	if _, err := s.PhotoOriginal(ctx, imported.ID); err != nil {
		t.Errorf("the photo imported while the other was deleted: %v", err)
	}
	if _, err := s.PhotoPreview(ctx, imported.ID); err != nil {
		t.Errorf("the photo imported while the other was deleted: %v", err)
	}
}

// Deletes and imports of the same bytes for several clients side by side (the same photo is
// stored for one client at a time): every photo left has its files.
func TestDeleteAndImportSideBySide(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	jpeg := phototest.NoisyJPEG(t, 96, 64, 9, 40)
	var clients []data.Client
	for _, name := range []string{"Ada", "Bea", "Cai", "Dag"} {
		clients = append(clients, photoClient(t, s, name, data.PhotoConsentClinical))
	}
	var wg sync.WaitGroup
	var stored atomic.Int64
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 8 {
				p, err := testkit.ImportPhoto(t, s, c.ID, clinicalFollowUp, "IMG_1.jpg", jpeg, testkit.Now)
				if errors.Is(err, data.ErrDuplicatePhoto) {
					continue // stored for another client just now
				}
				if err != nil {
					t.Error(err)
					return
				}
				stored.Add(1)
				if i == 0 && n == 7 {
					return // kept
				}
				if err := s.DeletePhoto(ctx, p.ID, "Again"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if stored.Load() < 2 {
		t.Fatalf("only %d imports were stored", stored.Load())
	}
	for _, c := range clients {
		list, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list {
			if _, err := s.PhotoOriginal(ctx, p.ID); err != nil {
				t.Errorf("%s: %v", c.FirstName, err)
			}
			if _, err := s.PhotoPreview(ctx, p.ID); err != nil {
				t.Errorf("%s: %v", c.FirstName, err)
			}
		}
	}
}

// photoClient creates a client with the given photo consent.
func photoClient(t testing.TB, s *sqlite.Store, first string, consent data.PhotoConsent) data.Client {
	t.Helper()
	c := data.Client{FirstName: first, LastName: "Photo", PhotoConsent: consent}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}
