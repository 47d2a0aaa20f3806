package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// A position written into XMP (exiftool -XMP:GPSLatitude=52.3731 -XMP:GPSLongitude=4.8922) is
// not kept in the stored original either, unless asked; the file keeps its length.
func TestImportPhotoRemovesXMPLocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, name := range []string{"xmp-gps.jpg", "xmp-gps.png"} {
		t.Run(name, func(t *testing.T) {
			file, err := os.ReadFile("../../data/photo/testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(file, []byte("52,22.386N")) {
				t.Fatal("the fixture has no position in its XMP")
			}
			s, _ := sqlitetest.OpenStore(t)
			c := photoClient(t, s, "Anna", data.PhotoConsentClinical)
			p, err := importFile(ctx, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, writeFile(t, t.TempDir(), name, file))
			if err != nil {
				t.Fatal(err)
			}
			stored, err := s.PhotoOriginal(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(stored, []byte("52,22.386N")) || bytes.Contains(stored, []byte("4,53.532E")) || len(stored) != len(file) {
				t.Errorf("the stored original keeps the XMP position (%d bytes, file %d)", len(stored), len(file))
			}
		})
	}
}
