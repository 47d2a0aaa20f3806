package testkit

import (
	"context"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/store"
)

// PhotoFile is original, processed as the app processes an import, named name and last changed at
// mod.
func PhotoFile(tb testing.TB, name string, original []byte, mod time.Time) data.PhotoFile {
	tb.Helper()
	p, err := photo.Process(original)
	if err != nil {
		tb.Fatalf("process %s: %v", name, err)
	}
	return data.PhotoFile{Name: name, ModTime: mod, Original: original, Processed: p}
}

// ImportPhoto processes and stores original as a client's photo, returning the store's answer.
func ImportPhoto(tb testing.TB, s store.Store, clientID string, tags data.PhotoTags, name string, original []byte, mod time.Time) (data.Photo, error) {
	tb.Helper()
	return s.ImportPhoto(context.Background(), clientID, tags, PhotoFile(tb, name, original, mod))
}

// MustImportPhoto is ImportPhoto that fails the test when the store refuses the photo.
func MustImportPhoto(tb testing.TB, s store.Store, clientID string, tags data.PhotoTags, name string, original []byte, mod time.Time) data.Photo {
	tb.Helper()
	p, err := ImportPhoto(tb, s, clientID, tags, name, original, mod)
	if err != nil {
		tb.Fatalf("import photo %s: %v", name, err)
	}
	return p
}
