package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
)

// hostilePhotos are the photo pipeline's hostile fixtures, and a Multi-Picture file whose second
// image (after the first one's end) carries a GPS position of its own.
func hostilePhotos(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range []string{"gps.jpg", "xmp-gps.jpg", "adobergb.jpg", "gps.png", "gps.webp", "xmp-gps.png"} {
		b, err := os.ReadFile(filepath.Join("..", "data", "photo", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	out["mpf-gps.jpg"] = phototest.MPF(phototest.NoisyJPEG(t, 64, 48, 3, 24), out["gps.jpg"])
	return out
}

// requireNoMetadata fails when b carries any of the fixtures' metadata: EXIF, XMP, an ICC
// profile, an MPF index, or a GPS value.
func requireNoMetadata(t *testing.T, what string, b []byte) {
	t.Helper()
	for _, s := range []string{"Exif\x00\x00", "http://ns.adobe.com/xap/1.0/", "ICC_PROFILE", "MPF\x00", "WGS-84",
		"NeedleCam", "52,22.386N", "4,53.532E"} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s carries %q", what, s)
		}
	}
}

// Every way a photo leaves the practice in a report gives it without metadata: a PDF embeds
// even a preview handed over with metadata clean, and an archive's photo is its original made clean.
func TestReportsExportPhotosWithoutMetadata(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "practice.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := data.Client{FirstName: "Ada", LastName: "Byrne", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	for name, b := range hostilePhotos(t) {
		if bytes.HasPrefix(b, []byte{0xFF, 0xD8}) { // previews are JPEGs
			r := SessionRecord{Client: c, Session: data.Session{ID: "s1", StartedAt: testkit.LocalNow}, Printed: testkit.LocalNow,
				Photos: []Photo{{Photo: data.Photo{ID: "p1"}, Preview: b}}}
			var buf bytes.Buffer
			if err := WriteSessionRecord(&buf, r); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if uses, _ := imageCount(t, buf.Bytes()); uses != 1 {
				t.Errorf("%s: %d images drawn in the PDF, want 1", name, uses)
			}
			requireNoMetadata(t, name+" in a PDF", buf.Bytes())
		}
		// Stored as given (the location kept), then archived.
		p, err := photo.Process(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ph, err := s.ImportPhoto(ctx, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, data.PhotoFile{Name: name, Original: b, Processed: p})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out, note, err := archivePhoto(ctx, s, ph.ID)
		if err != nil || note != "" {
			t.Fatalf("%s: archived with note %q, %v", name, note, err)
		}
		requireNoMetadata(t, name+" in an archive", out)
	}
}
