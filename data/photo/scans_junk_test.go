package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"testing"
)

// withJunk inserts junk between a JPEG's segments: after the segment that starts at offset
// after. image/jpeg skips such bytes, as libjpeg does. (Junk right after SOI is not a JPEG to Sniff.)
func withJunk(b []byte, after int, junk ...byte) []byte {
	at := after + 2 + int(binary.BigEndian.Uint16(b[after+2:]))
	return append(append(bytes.Clone(b[:at]), junk...), b[at:]...)
}

// Bytes that are not markers between segments, which the decoder skips, do not hide a progressive
// JPEG's scans: thousands of passes are refused by Process and by Clean (which exports use),
// however the junk is placed.
func TestJunkBytesDoNotHideScans(t *testing.T) {
	t.Parallel()
	many := hostileProgressive(1448, 1448, 2000)
	few := hostileProgressive(64, 64, 20)
	for name, junk := range map[string]struct {
		after int
		bytes []byte
	}{
		"a zero byte between DQT and SOF2": {2, []byte{0x00}},
		"a stuffed 0xFF between segments":  {2, []byte{0xFF, 0x00}},
		"odd junk and fill bytes":          {2, []byte{0x12, 0x34, 0x56, 0xFF, 0xFF}},
	} {
		t.Run(name, func(t *testing.T) {
			b := withJunk(many, junk.after, junk.bytes...)
			if _, err := jpeg.DecodeConfig(bytes.NewReader(b)); err != nil {
				t.Fatalf("the decoder does not read past the junk: %v", err)
			}
			if _, err := Process(b); !errors.Is(err, ErrTooLarge) {
				t.Errorf("Process: %v, want ErrTooLarge", err)
			}
			if _, err := clean(b, 0); !errors.Is(err, ErrTooLarge) {
				t.Errorf("Clean: %v, want ErrTooLarge", err)
			}
			// With few passes the same junk is no reason to refuse: the decoder reads the photo.
			if _, err := Process(withJunk(few, junk.after, junk.bytes...)); err != nil {
				t.Errorf("20 passes with junk: %v", err)
			}
		})
	}
}

// A JPEG whose markers cannot be followed to its end is refused before it is decoded: the
// decoder would read it otherwise than counted.
func TestUnwalkableJPEGIsRefused(t *testing.T) {
	t.Parallel()
	few := hostileProgressive(64, 64, 20)
	for name, b := range map[string][]byte{
		"no end marker":          few[:len(few)-2],
		"a segment past the end": append(bytes.Clone(few[:len(few)-2]), 0xFF, 0xFE, 0x7F, 0xFF, 'x'),
	} {
		if _, err := Process(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Process: %v, want ErrCorrupt", name, err)
		}
		if _, err := clean(b, 0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Clean: %v, want ErrCorrupt", name, err)
		}
	}
}

// The EXIF and GPS position of a JPEG with junk before its APP1 segment are found, as any
// reader that follows the decoder finds them, and the position is taken out.
func TestJunkBeforeEXIFStillFindsLocation(t *testing.T) {
	t.Parallel()
	// SOI, a comment, a junk byte, then the APP1 segment with the EXIF.
	jpg := photoJPEG(t, 6, 64, 48, binary.LittleEndian)
	withComment := append([]byte{0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x04, 'h', 'i'}, jpg[2:]...)
	orig := withJunk(withComment, 2, 0x00)
	if _, err := jpeg.Decode(bytes.NewReader(orig)); err != nil {
		t.Fatalf("the decoder does not read past the junk: %v", err)
	}
	if !HasLocation(orig) {
		t.Fatal("the GPS position behind a junk byte is not seen")
	}
	out, removed := WithoutLocation(orig)
	if !removed || HasLocation(out) || bytes.Contains(out, []byte(testDatum)) || len(out) != len(orig) {
		t.Errorf("removed %v, still has a location %v", removed, HasLocation(out))
	}
	if m := readMetadata("jpeg", out); m.orientation != 6 {
		t.Errorf("orientation after: %d, want 6", m.orientation)
	}
}
