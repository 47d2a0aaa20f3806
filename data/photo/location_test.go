package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"testing"
	"time"

	"golang.org/x/image/webp"
	"needlelog.app/needlelog/data/photo/phototest"
)

// Photos whose EXIF was written by exiftool (JPEG APP1, PNG eXIf, WebP EXIF) lose their GPS
// position and nothing else: same length, same pixels, same bytes outside the EXIF block, the
// orientation and the date taken still read.
func TestWithoutLocation(t *testing.T) {
	t.Parallel()
	decoders := map[string]func([]byte) (image.Image, error){
		"jpeg": func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
		"png":  func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
		"webp": func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) },
	}
	wantTaken := time.Date(2024, 5, 17, 12, 3, 9, 0, time.UTC)
	for _, name := range []string{"gps.jpg", "gps.png", "gps.webp"} {
		t.Run(name, func(t *testing.T) {
			orig := readSeed(t, name)
			keep := bytes.Clone(orig)
			format, _ := Sniff(orig)
			if !HasLocation(orig) || !bytes.Contains(orig, []byte(testDatum)) {
				t.Fatal("the fixture has no GPS position")
			}
			out, removed := WithoutLocation(orig)
			if !removed || HasLocation(out) {
				t.Fatalf("removed %v, still has a location %v", removed, HasLocation(out))
			}
			if !bytes.Equal(orig, keep) {
				t.Fatal("WithoutLocation changed the bytes it was given")
			}
			if len(out) != len(orig) {
				t.Fatalf("length %d, want %d", len(out), len(orig))
			}
			if bytes.Contains(out, []byte(testDatum)) {
				t.Error("the GPS map datum is still in the file")
			}
			// Bytes differ only inside the EXIF block (and a PNG chunk's CRC just after it).
			ex := exifOf(format, orig)
			start := cap(orig) - cap(ex)
			end := start + len(ex)
			if format == "png" {
				end += 4
			}
			for i := range out {
				if out[i] != orig[i] && (i < start || i >= end) {
					t.Fatalf("byte %d outside the EXIF block (%d–%d) changed", i, start, end)
				}
			}
			m := readMetadata(format, out)
			if m.orientation != 6 || !m.takenAt.Equal(wantTaken) {
				t.Errorf("after: orientation %d, taken %v; want 6, %v", m.orientation, m.takenAt, wantTaken)
			}
			a, err := decoders[format](orig)
			if err != nil {
				t.Fatal(err)
			}
			b, err := decoders[format](out)
			if err != nil {
				t.Fatalf("the file without location does not decode: %v", err)
			}
			if !samePixels(a, b) {
				t.Error("the pixels changed")
			}
			if again, removed := WithoutLocation(out); removed || !bytes.Equal(again, out) {
				t.Error("a second pass changed the file again")
			}
		})
	}
}

// Built EXIF blocks in both byte orders: the GPS IFD and its values are zeroed, the Exif IFD kept.
func TestWithoutLocationBuilt(t *testing.T) {
	t.Parallel()
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		orig := photoJPEG(t, 3, 64, 48, bo)
		out, removed := WithoutLocation(orig)
		if !removed || HasLocation(out) || bytes.Contains(out, testLatitude(bo)) || bytes.Contains(out, []byte(testDatum)) {
			t.Errorf("%v: the GPS position is still there", bo)
		}
		if !bytes.Contains(out, []byte(testSerial)) || !bytes.Contains(out, []byte(testMake)) {
			t.Errorf("%v: other tags went too", bo)
		}
		if m := readMetadata("jpeg", out); m.orientation != 3 || m.takenAt.IsZero() {
			t.Errorf("%v: metadata after = %+v", bo, m)
		}
	}
	plain := encodeJPEG(t, cornerImage(64, 48, uprightCorners), 90)
	if out, removed := WithoutLocation(plain); removed || !bytes.Equal(out, plain) {
		t.Error("a JPEG without EXIF was changed")
	}
	for _, h := range hostileTIFFs(buildTIFF(exifSpec{orientation: 6, gps: true})) {
		WithoutLocation(phototest.WithAPP1(plain, h)) // no panic
	}
}

func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}
