package photo

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"strings"
	"testing"

	"needlelog.app/needlelog/data/photo/phototest"
)

// hostileProgressive is a grey w × h progressive JPEG with refinements+1 scans, written by hand.
func hostileProgressive(w, h, refinements int) []byte {
	return phototest.Progressive(w, h, refinements+1)
}

// A progressive JPEG of a few hundred KB with thousands of refinement scans is refused before
// it is decoded, by Process and Clean alike, with a sentence that says what to do.
func TestProcessRefusesEndlessScans(t *testing.T) {
	t.Parallel()
	fixture := readSeed(t, "scans-150.jpg") // hostileProgressive(64, 64, 149), kept as made
	big := hostileProgressive(1448, 1448, 2000)
	for name, b := range map[string][]byte{"fixture": fixture, "generated": big} {
		if _, err := jpeg.DecodeConfig(bytes.NewReader(b)); err != nil {
			t.Fatalf("%s: not a JPEG header: %v", name, err)
		}
		_, err := Process(b)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "progressive JPEG") {
			t.Errorf("%s: Process error = %v, want ErrTooLarge about the passes", name, err)
		}
		if _, err := clean(b, 0); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: Clean error = %v, want ErrTooLarge", name, err)
		}
	}
	if n, _ := jpegScans(fixture, 1000); n != 150 {
		t.Errorf("the fixture counts %d scans, want 150", n)
	}
}

// The hand-written file is a real image: with few scans the decoder reads it and Process takes
// it, small or large (several end-of-band runs a scan).
func TestHostileProgressiveDecodes(t *testing.T) {
	t.Parallel()
	for _, size := range []image.Point{{64, 64}, {1600, 1200}} {
		b := hostileProgressive(size.X, size.Y, 20)
		m, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%v: decode: %v", size, err)
		}
		if r := m.Bounds(); r.Dx() != size.X || r.Dy() != size.Y {
			t.Fatalf("decoded %v", r)
		}
		if _, err := Process(b); err != nil {
			t.Fatalf("%v: 21 scans were refused: %v", size, err)
		}
	}
}

// Progressive JPEGs as encoders write them pass: libjpeg's (ImageMagick, 10 scans).
func TestProcessTakesRealProgressive(t *testing.T) {
	t.Parallel()
	b := readSeed(t, "corners.progressive.jpg")
	if n, _ := jpegScans(b, 1000); n < 6 || n > 20 {
		t.Errorf("counted %d scans in libjpeg's progressive JPEG, want about 10", n)
	}
	p, err := Process(b)
	if err != nil {
		t.Fatal(err)
	}
	checkCorners(t, "preview", p.Preview, uprightCorners)
}

// The counter skips entropy-coded data with stuffed bytes and restart markers, and stops early.
func TestJPEGScansCounting(t *testing.T) {
	t.Parallel()
	b := hostileProgressive(64, 64, 30) // 31 scans, each with a stuffed 0xFF
	if n, _ := jpegScans(b, 1000); n != 31 {
		t.Errorf("counted %d, want 31", n)
	}
	if n, _ := jpegScans(b, 5); n != 6 {
		t.Errorf("with stop 5 counted %d, want 6 (one past)", n)
	}
	base := encodeJPEG(t, cornerImage(64, 48, uprightCorners), 90)
	if n, _ := jpegScans(base, 1000); n != 1 {
		t.Errorf("a baseline JPEG counts %d scans, want 1", n)
	}
	for _, cut := range []int{3, 10, len(b) / 2, len(b) - 1} {
		jpegScans(b[:cut], 1000) // no panic, no endless loop
	}
}

// The fixture is what the generator makes; NEEDLELOG_WRITE_FIXTURES=1 writes it again.
func TestScanFixtureIsGenerated(t *testing.T) {
	t.Parallel()
	want := hostileProgressive(64, 64, 149)
	if os.Getenv("NEEDLELOG_WRITE_FIXTURES") != "" {
		if err := os.WriteFile("testdata/scans-150.jpg", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(readSeed(t, "scans-150.jpg"), want) {
		t.Error("testdata/scans-150.jpg is not what hostileProgressive(64, 64, 149) makes")
	}
}
