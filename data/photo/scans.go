package photo

import (
	"encoding/binary"
	"fmt"
)

// A progressive JPEG is drawn in passes: each scan (SOS segment) adds detail to the whole image,
// so decoding costs about scans × pixels. libjpeg's progressive mode writes about 10 scans,
// mozjpeg a few more, and no camera or editor writes dozens; a crafted file of 340 KB with 2,000
// tiny refinement scans kept the decoder busy for 35 seconds. The scans are counted by walking
// the segments before anything is decoded, and a photo beyond either limit is refused.
const (
	// MaxScans is the most scans a JPEG may have.
	MaxScans = 100
	// maxScanPixels bounds scans × pixels: 2 billion is 38 scans of a 52 MP photo, 160 of a 12 MP
	// one, a few seconds of decoding at most.
	maxScanPixels = 2_000_000_000
)

// jpegScans counts the scans (SOS markers) of a JPEG, stopping once it has passed stop. It walks
// the segments by their lengths and skips each scan's entropy-coded data by looking for the next
// marker (a 0xFF byte followed by neither 0x00, which is a stuffed 0xFF, nor a restart marker, nor
// another 0xFF fill byte). It reads each byte at most once and never fails: a damaged file is
// counted as far as it goes and left to the decoder to refuse.
func jpegScans(b []byte, stop int) int {
	scans := 0
	i := 2 // after SOI
	for i+1 < len(b) && scans <= stop {
		if b[i] != 0xFF {
			return scans
		}
		m := b[i+1]
		i += 2
		switch {
		case m == 0xFF: // fill byte: the marker follows
			i--
			continue
		case m == 0x01 || m >= 0xD0 && m <= 0xD8: // TEM, RSTn, SOI: no length
			continue
		case m == 0xD9: // EOI
			return scans
		}
		if i+2 > len(b) {
			return scans
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 {
			return scans
		}
		i += n
		if m != 0xDA {
			continue
		}
		scans++
		for i+1 < len(b) {
			if b[i] == 0xFF {
				if x := b[i+1]; x != 0x00 && x != 0xFF && (x < 0xD0 || x > 0xD7) {
					break
				}
			}
			i++
		}
	}
	return scans
}

// checkScans refuses a JPEG whose scans would cost out of proportion to decode.
func checkScans(b []byte, w, h int) error {
	scans := jpegScans(b, MaxScans)
	if scans > MaxScans || int64(scans)*int64(w)*int64(h) > maxScanPixels {
		what := fmt.Sprintf("%d passes", scans)
		if scans > MaxScans {
			what = fmt.Sprintf("more than %d passes", MaxScans)
		}
		return &photoError{kind: ErrTooLarge, msg: fmt.Sprintf(
			"the photo is saved as a progressive JPEG in %s, far more than cameras and photo editors write, and would take minutes to open: open it in a photo editor, save it as a standard JPEG and import that",
			what)}
	}
	return nil
}
