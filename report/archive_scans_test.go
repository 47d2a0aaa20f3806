package report

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
)

// A stored original that is a progressive JPEG of far too many passes, hidden from the count by
// a junk byte between its segments (which the decoder skips), is not decoded for the archive: it
// is refused as an import is, and its preview given in its place.
func TestWriteArchiveRefusesAnOriginalOfEndlessScans(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 0)
	s := p.store
	ph := addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoBefore, "Frontal", 1)
	hostile := phototest.Progressive(64, 64, 150)
	const dqtEnd = 2 + 2 + 65 // SOI, then the DQT segment
	hostile = append(append(bytes.Clone(hostile[:dqtEnd]), 0x00), hostile[dqtEnd:]...)
	// Put in the photo library under its own name, and named by the photo's record in place of
	// the original imported.
	sum := photolib.Sum(hostile)
	if err := photolib.Open(s.PhotoDir()).Put(sum, hostile); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if res, err := db.Exec(`UPDATE photos SET sha256 = ? WHERE id = ?`, sum, ph.ID); err != nil {
		t.Fatal(err)
	} else if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%d originals replaced", n)
	}
	var buf bytes.Buffer
	if err := WriteArchive(context.Background(), &buf, ondisk.ArchivableOf(s), nil); err != nil {
		t.Fatalf("archive: %v", err)
	}
	found := false
	for _, f := range readArchive(t, buf.Bytes()).manifest.Files {
		if f.PhotoID != ph.ID {
			continue
		}
		found = true
		if !strings.Contains(f.Note, "progressive JPEG") || !strings.Contains(f.Note, "preview") {
			t.Errorf("the original of endless passes was decoded for the archive: note %q", f.Note)
		}
	}
	if !found {
		t.Error("the photo is not in the archive")
	}
}
