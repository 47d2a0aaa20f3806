package photo

import (
	"bytes"
	"image/jpeg"
	"testing"

	"needlelog.app/needlelog/data/photo/phototest"
)

// leaks are what a clean JPEG must not carry: EXIF, XMP, ICC and MPF headers, comments, and
// the values of the hostile fixtures' positions and cameras.
var leaks = []string{"Exif\x00\x00", "http://ns.adobe.com/xap/1.0/", "ICC_PROFILE", "MPF\x00", "secret!",
	testMake, testSerial, testDatum, "NeedleCam", "52,22.386N", "4,53.532E", "GPS"}

// checkClean checks that out is one JPEG, decodable, with no metadata segment (but a JFIF or
// Adobe header), nothing after its end marker, and none of the leaks anywhere in it.
func checkClean(t *testing.T, name string, out []byte) {
	t.Helper()
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Errorf("%s: the clean JPEG does not decode: %v", name, err)
	}
	for _, m := range segments(out) {
		if m >= 0xE1 && m <= 0xEF && m != 0xEE || m == 0xFE {
			t.Errorf("%s: the clean JPEG has a metadata segment (marker %#x)", name, m)
		}
	}
	// Within image data 0xFF is followed by 0x00 or a restart marker: SOI and EOI occur once each.
	if bytes.Count(out, []byte{0xFF, 0xD8}) != 1 || bytes.Count(out, []byte{0xFF, 0xD9}) != 1 || !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) {
		t.Errorf("%s: the clean JPEG holds more than one image", name)
	}
	for _, s := range leaks {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("%s: the clean JPEG carries %q", name, s)
		}
	}
}

func TestCleanJPEGStripsWithoutReEncoding(t *testing.T) {
	jpg := encodeJPEG(t, storedImage(1, 64, 48), 85)
	// image/jpeg writes no metadata: such bytes are used as they are, without a copy.
	same, err := CleanJPEG(jpg)
	if err != nil || &same[0] != &jpg[0] || len(same) != len(jpg) {
		t.Fatalf("clean JPEG: copied or changed (%v)", err)
	}
	// A camera's EXIF with its GPS position, and a comment, are dropped; everything else is kept
	// byte for byte, so the image data is not re-encoded.
	withMeta := phototest.WithAPP1(jpg, buildTIFF(exifSpec{taken: "2024:05:17 14:03:09", gps: true}))
	comment := append([]byte{0xFF, 0xFE, 0, 9}, "secret!"...)
	withMeta = append(append(append([]byte{}, withMeta[:2]...), comment...), withMeta[2:]...)
	clean, err := CleanJPEG(withMeta)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(clean, jpg) {
		t.Fatalf("stripped JPEG differs from the one without metadata (%d vs %d bytes)", len(clean), len(jpg))
	}
	for _, bad := range [][]byte{nil, []byte("\x89PNG\r\n\x1a\n"), withMeta[:30], {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}} {
		if _, err := CleanJPEG(bad); err == nil {
			t.Errorf("%q accepted as a photo", bad)
		}
	}
}

// Every hostile fixture comes out clean: positions in EXIF and XMP, a colour profile, PNG and
// WebP, and a Multi-Picture file whose second image carries a GPS position of its own after the
// first image's end, where a walk of the first image's segments never looks.
func TestCleanJPEGHostileFixtures(t *testing.T) {
	gps := readSeed(t, "gps.jpg")
	plain := encodeJPEG(t, storedImage(1, 64, 48), 90) // upright, sRGB: stripped, not re-encoded
	mpf := phototest.MPF(phototest.WithAPP1(plain, buildTIFF(exifSpec{orientation: 1})), gps)
	if !bytes.Contains(mpf[len(plain):], []byte(testDatum)) || !HasLocation(mpf[bytes.LastIndex(mpf, []byte{0xFF, 0xD8}):]) {
		t.Fatal("the MPF file's second image has no GPS position")
	}
	cases := map[string][]byte{"mpf-gps.jpg": mpf, "gps with orientation 1": phototest.WithAPP1(plain, buildTIFF(exifSpec{orientation: 1, gps: true}))}
	for _, name := range []string{"gps.jpg", "gps.png", "gps.webp", "xmp-gps.jpg", "xmp-gps.png", "adobergb.jpg"} {
		cases[name] = readSeed(t, name)
	}
	for name, b := range cases {
		out, err := CleanJPEG(b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkClean(t, name, out)
	}
	// The MPF file keeps its first image's data byte for byte: only what follows it is dropped.
	if out, _ := CleanJPEG(mpf); !bytes.Equal(out, plain) {
		t.Errorf("the MPF file's first image was changed (%d bytes, want %d)", len(out), len(plain))
	}
	// Turned by its EXIF orientation: re-encoded upright.
	out, err := CleanJPEG(photoJPEG(t, 6, 64, 48, nil))
	if err != nil {
		t.Fatal(err)
	}
	checkCorners(t, "CleanJPEG of orientation 6", out, uprightCorners)
}
