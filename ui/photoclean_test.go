package ui

import (
	"bytes"
	"context"
	"os"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
)

// "Save a copy" gives the photo without metadata, whatever its original carries: EXIF with a
// GPS position, XMP, a colour profile, or a Multi-Picture file's second image with a position
// of its own.
func TestSavedCopyCarriesNoMetadata(t *testing.T) {
	fx := newPhotoFixture(t)
	ctx := context.Background()
	read := func(name string) []byte {
		b, err := os.ReadFile("../data/photo/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	gps := read("gps.jpg")
	files := map[string][]byte{"gps.jpg": gps, "xmp-gps.jpg": read("xmp-gps.jpg"), "adobergb.jpg": read("adobergb.jpg"),
		"gps.webp": read("gps.webp"), "mpf-gps.jpg": phototest.MPF(read("corners.progressive.jpg"), gps)}
	for name, b := range files {
		p, err := photo.Process(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ph, err := fx.store.ImportPhoto(ctx, fx.client.ID, data.PhotoTags{Kind: data.PhotoBefore},
			data.PhotoFile{Name: name, Original: b, Processed: p})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out, err := cleanCopy(ctx, fx.store, ph.ID)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range []string{"Exif\x00\x00", "http://ns.adobe.com/xap/1.0/", "ICC_PROFILE", "MPF\x00", "WGS-84", "NeedleCam"} {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("the saved copy of %s carries %q", name, s)
			}
		}
	}
}
