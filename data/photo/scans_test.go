package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"os"
	"strings"
	"testing"
)

// hostileProgressive writes, segment by segment, a grey w × h progressive JPEG (SOF2) whose DC
// scan is followed by refinements-1 AC refinement scans, each a single end-of-band run covering
// every block: a few bytes a scan, while the decoder walks the whole image for each. Every block
// is flat grey, so the file is a valid image however many scans it has. w × h must be at most
// 32767 blocks of 8 × 8, what one end-of-band run can cover.
func hostileProgressive(w, h, refinements int) []byte {
	seg := func(out []byte, marker byte, data ...byte) []byte {
		out = append(out, 0xFF, marker)
		out = binary.BigEndian.AppendUint16(out, uint16(len(data)+2))
		return append(out, data...)
	}
	out := []byte{0xFF, 0xD8}
	out = seg(out, 0xDB, append([]byte{0x00}, bytes.Repeat([]byte{1}, 64)...)...)    // DQT 0: all ones
	out = seg(out, 0xC2, 8, byte(h>>8), byte(h), byte(w>>8), byte(w), 1, 1, 0x11, 0) // SOF2, one component
	counts := func(sym byte) []byte {                                                // one code of one bit ("0") for sym
		c := make([]byte, 16)
		c[0] = 1
		return append(c, sym)
	}
	out = seg(out, 0xC4, append([]byte{0x00}, counts(0x00)...)...) // DC table 0: "0" is a difference of 0
	out = seg(out, 0xC4, append([]byte{0x10}, counts(0xE0)...)...) // AC table 0: "0" is EOBRUN 2^14 + 14 bits
	blocks := ((w + 7) / 8) * ((h + 7) / 8)
	// DC first scan: one "0" bit a block.
	out = seg(out, 0xDA, 1, 1, 0x00, 0, 0, 0x00)
	out = append(out, make([]byte, (blocks+7)/8)...)
	// AC refinement scans (Ss 1, Se 63, Ah 1, Al 0): "0" then 14 one bits, an end-of-band run of
	// 32767 blocks; 0x7F 0xFF 0x00 with the 0xFF stuffed.
	for range refinements {
		out = seg(out, 0xDA, 1, 1, 0x00, 1, 63, 0x10)
		out = append(out, 0x7F, 0xFF, 0x00)
	}
	return append(out, 0xFF, 0xD9)
}

// A progressive JPEG of a few hundred KB with thousands of refinement scans is refused before
// it is decoded, by Process and Clean alike, with a sentence that says what to do.
func TestProcessRefusesEndlessScans(t *testing.T) {
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
		if _, err := Clean(b, 0); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: Clean error = %v, want ErrTooLarge", name, err)
		}
	}
	if n := jpegScans(fixture, 1000); n != 150 {
		t.Errorf("the fixture counts %d scans, want 150", n)
	}
}

// The hand-written file is a real image: with few scans the decoder reads it and Process takes it.
func TestHostileProgressiveDecodes(t *testing.T) {
	b := hostileProgressive(64, 64, 20)
	m, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if r := m.Bounds(); r.Dx() != 64 || r.Dy() != 64 {
		t.Fatalf("decoded %v", r)
	}
	if _, err := Process(b); err != nil {
		t.Fatalf("21 scans were refused: %v", err)
	}
}

// Progressive JPEGs as encoders write them pass: libjpeg's (ImageMagick, 10 scans).
func TestProcessTakesRealProgressive(t *testing.T) {
	b := readSeed(t, "corners.progressive.jpg")
	if n := jpegScans(b, 1000); n < 6 || n > 20 {
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
	b := hostileProgressive(64, 64, 30) // 31 scans, each with a stuffed 0xFF
	if n := jpegScans(b, 1000); n != 31 {
		t.Errorf("counted %d, want 31", n)
	}
	if n := jpegScans(b, 5); n != 6 {
		t.Errorf("with stop 5 counted %d, want 6 (one past)", n)
	}
	base := encodeJPEG(t, cornerImage(64, 48, uprightCorners), 90)
	if n := jpegScans(base, 1000); n != 1 {
		t.Errorf("a baseline JPEG counts %d scans, want 1", n)
	}
	for _, cut := range []int{3, 10, len(b) / 2, len(b) - 1} {
		jpegScans(b[:cut], 1000) // no panic, no endless loop
	}
}

// The fixture is what the generator makes; NEEDLELOG_WRITE_FIXTURES=1 writes it again.
func TestScanFixtureIsGenerated(t *testing.T) {
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
