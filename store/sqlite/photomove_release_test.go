package sqlite_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/report"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// releaseSums is testdata/previous-release/clinic.sums.json: what the release before the photo
// library held and archived of each photo.
type releaseSums map[string]struct {
	FileName string `json:"file_name"`
	Original string `json:"original_sha256"`
	Preview  string `json:"preview_sha256"`
	Archive  string `json:"archive_sha256"`
}

// A practice written by the release before the photo library opens, moves its photos out, and
// keeps every photo's bytes: its original and preview as that release held them, and its photo in
// an archive as that release wrote it.
func TestPracticeOfThePreviousReleaseMovesItsPhotosAndArchivesThemUnchanged(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join("testdata", "previous-release")
	raw, err := os.ReadFile(filepath.Join(src, "clinic.sums.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sums releaseSums
	if err := json.Unmarshal(raw, &sums); err != nil || len(sums) != 5 {
		t.Fatalf("clinic.sums.json: %d photos, %v", len(sums), err)
	}
	want := map[string]photoSums{}
	for id, s := range sums {
		want[id] = photoSums{s.Original, s.Preview}
	}
	db, err := os.ReadFile(filepath.Join(src, "clinic.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, t.TempDir(), "clinic.db", db)

	s := openPractice(t, path)
	due, err := s.PhotoMoveDue(ctx)
	if err != nil || due.ToMove != len(sums) {
		t.Fatalf("opened: %+v, %v; want all %d photos to move", due, err, len(sums))
	}
	requirePhotoBytes(t, s, want) // read from the database before they move
	res, err := s.MovePhotos(ctx, nil)
	if err != nil || res.Moved != len(sums) {
		t.Fatalf("move: %+v, %v", res, err)
	}
	if n, err := s.PhotosToMove(ctx); err != nil || n != 0 {
		t.Fatalf("left to move: %d, %v", n, err)
	}
	for id, w := range want {
		for _, sum := range []string{w.Original, w.Preview} {
			if err := photolib.VerifyIn(s.PhotoDir(), sum); err != nil {
				t.Fatalf("photo %s: %v", id, err)
			}
		}
	}
	requirePhotoBytes(t, s, want)
	if h, err := s.Check(ctx); err != nil || len(h.Problems)+len(h.LostImages) > 0 || h.SchemaVersion != sqlite.SchemaVersion() {
		t.Fatalf("check: %+v, %v", h, err)
	}

	var buf bytes.Buffer
	if err := report.WriteArchive(ctx, &buf, practice.ArchivableOf(s), nil); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var manifest report.ArchiveManifest
	bodies := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		bodies[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := json.Unmarshal(bodies[report.ArchiveManifestPath], &manifest); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range manifest.Files {
		if f.Kind != "photo" {
			continue
		}
		w, ok := sums[f.PhotoID]
		if !ok || f.SHA256 != w.Archive || photolib.Sum(bodies[f.Path]) != w.Archive || f.Note != "" {
			t.Errorf("archived photo %s (%s): SHA-256 %s, note %q; the previous release archived it as %s",
				f.PhotoID, f.Path, photolib.Sum(bodies[f.Path]), f.Note, w.Archive)
		}
		found[f.PhotoID] = true
	}
	if len(found) != len(sums) || len(manifest.Missing) > 0 {
		t.Fatalf("the archive holds %d of the %d photos (missing: %v)", len(found), len(sums), manifest.Missing)
	}
}
