package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// rotFile changes a photo file's bytes in the photo folder, as a failing disk or a hand edit would.
func rotFile(t *testing.T, s *sqlite.Store, sum string) {
	t.Helper()
	if err := os.WriteFile(photolib.PathIn(s.PhotoDir(), sum), []byte("rot"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A photo whose preview was changed or removed in the photo folder is printed as missing: the
// session record and the treatment history are written all the same, with its caption and
// imageMissing where its image would be.
func TestDocumentsShowALostPhotoAsMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, how := range []string{"changed", "removed"} {
		t.Run(how, func(t *testing.T) {
			p := newExpPractice(t, 0)
			s := p.store
			addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoBefore, "Frontal", 1)
			lost := addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoAfter, "Left 45°", 2)
			preview, err := s.PhotoPreview(ctx, lost.ID)
			if err != nil {
				t.Fatal(err)
			}
			if how == "changed" {
				rotFile(t, s, photolib.Sum(preview))
			} else if err := os.Remove(photolib.PathIn(s.PhotoDir(), photolib.Sum(preview))); err != nil {
				t.Fatal(err)
			}

			h, err := LoadClientHistory(ctx, s, p.ana.ID)
			if err != nil {
				t.Fatalf("history with a photo's preview %s: %v", how, err)
			}
			var buf bytes.Buffer
			if err := WriteClientHistory(&buf, h); err != nil {
				t.Fatal(err)
			}
			requireText(t, "history", pdfText(t, buf.Bytes()), "Frontal", "Left 45°", imageMissing)

			r, err := LoadSession(ctx, s, p.session.ID)
			if err != nil {
				t.Fatalf("session record with a photo's preview %s: %v", how, err)
			}
			buf.Reset()
			if err := WriteSessionRecord(&buf, r); err != nil {
				t.Fatal(err)
			}
			requireText(t, "session record", pdfText(t, buf.Bytes()), "Left 45°", imageMissing)
		})
	}
}

// A photo whose files were changed in the photo folder does not stop the archive: its original
// and preview changed, it is listed under missing; its preview alone changed, it is archived
// from its original; every history is written, the lost image shown as missing.
func TestWriteArchiveWithChangedImages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newExpPractice(t, 0)
	s := p.store
	kept := addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoBefore, "Frontal", 1)
	lost := addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoAfter, "Left 45°", 2)
	keptPreview, err := s.PhotoPreview(ctx, kept.ID)
	if err != nil {
		t.Fatal(err)
	}
	lostPreview, err := s.PhotoPreview(ctx, lost.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range []string{photolib.Sum(keptPreview), lost.SHA256, photolib.Sum(lostPreview)} {
		rotFile(t, s, sum)
	}

	var buf bytes.Buffer
	if err := WriteArchive(ctx, &buf, ondisk.ArchivableOf(s), nil); err != nil {
		t.Fatalf("archive with changed photo files: %v", err)
	}
	a := readArchive(t, buf.Bytes())
	verifyManifest(t, a)
	var photos []string
	for _, f := range a.manifest.Files {
		if f.Kind == "photo" {
			photos = append(photos, f.PhotoID)
		}
	}
	if len(photos) != 1 || photos[0] != kept.ID {
		t.Errorf("photos archived: %v, want only %s", photos, kept.ID)
	}
	var missing []string
	for _, m := range a.manifest.Missing {
		if m.Kind == "photo" {
			missing = append(missing, m.PhotoID)
		}
	}
	if len(missing) != 1 || missing[0] != lost.ID {
		t.Errorf("photos listed missing: %v, want %s", missing, lost.ID)
	}
	history := ""
	for name, body := range a.files {
		if strings.HasPrefix(name, archiveHistories) && strings.Contains(name, "Ana") {
			history = pdfText(t, body)
		}
	}
	requireText(t, "archived history", history, "Frontal", "Left 45°", imageMissing)
}

// A record naming a photo file by something that is no SHA-256 ("../secret.txt", from a damaged
// or forged file) never makes the archive read outside the photo folder or write a path that
// climbs out of the folder it is unpacked in: the name is listed under missing.
func TestWriteArchiveStaysInThePhotoFolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newExpPractice(t, 0)
	s := p.store
	addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoBefore, "Frontal", 1)
	forged := addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoAfter, "Left 45°", 2)
	const hostile = "../secret.txt"
	secret := photolib.PathIn(s.PhotoDir(), hostile)
	if dir := filepath.Dir(s.Path()); !strings.HasPrefix(secret, dir+string(filepath.Separator)) {
		t.Fatalf("the hostile name resolves to %s, outside the test's folder %s", secret, dir)
	}
	if err := os.WriteFile(secret, []byte("SECRET CONTENT"), 0o600); err != nil {
		t.Fatal(err)
	}
	sqlitetest.Tamper(t, s.Path(), `UPDATE photos SET sha256 = '`+hostile+`' WHERE id = '`+forged.ID+`'`)

	var buf bytes.Buffer
	if err := WriteArchive(ctx, &buf, ondisk.ArchivableOf(s), nil); err != nil {
		t.Fatalf("archive with a forged photo file name: %v", err)
	}
	a := readArchive(t, buf.Bytes())
	verifyManifest(t, a)
	for name, body := range a.files {
		if strings.Contains(name, "..") || strings.Contains(name, "secret") || bytes.Contains(body, []byte("SECRET CONTENT")) {
			t.Errorf("archive entry %q holds what is outside the photo folder", name)
		}
	}
	listed := false
	for _, m := range a.manifest.Missing {
		listed = listed || (m.Kind == "photo file" && m.Path == "" && strings.Contains(m.Note, hostile))
	}
	if !listed {
		t.Errorf("the forged name is not listed under missing: %+v", a.manifest.Missing)
	}
}

// A photo still kept in the database by a practice of the release before the photo library, whose
// original and preview there no longer decode (a damaged file), is printed as missing too, and
// the archive lists it under missing and writes the rest.
func TestDamagedImagesInTheDatabaseAreShownAsMissing(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile(filepath.Join("..", "store", "sqlite", "testdata", "previous-release", "clinic.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clinic.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const lucia = "01a24f38-dde0-7375-9b89-f17caf1ac238" // her one photo
	const hers = `photo_id IN (SELECT id FROM photos WHERE client_id = '` + lucia + `')`
	sqlitetest.RawExec(t, path, `UPDATE photo_renditions SET preview = x'FFD8FFE000104A4649460001' WHERE `+hers,
		`UPDATE photo_originals SET bytes = x'FFD8FFE000104A46494600' WHERE `+hers)
	h, err := LoadClientHistory(ctx, s, lucia)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Photos) != 1 {
		t.Fatalf("%d photos", len(h.Photos))
	}
	var buf bytes.Buffer
	if err := WriteClientHistory(&buf, h); err != nil {
		t.Fatalf("history with a damaged preview: %v", err)
	}
	requireText(t, "history", pdfText(t, buf.Bytes()), "Lucía", imageMissing)

	buf.Reset()
	if err := WriteArchive(ctx, &buf, ondisk.ArchivableOf(s), nil); err != nil {
		t.Fatalf("archive with a photo's images damaged in the database: %v", err)
	}
	a := readArchive(t, buf.Bytes())
	verifyManifest(t, a)
	photos := 0
	for _, f := range a.manifest.Files {
		if f.Kind == "photo" {
			photos++
		}
	}
	if len(a.manifest.Missing) != 1 || a.manifest.Missing[0].PhotoID != h.Photos[0].ID || photos != 4 {
		t.Errorf("archived %d photos, missing %+v; want 4 and hers", photos, a.manifest.Missing)
	}
}
