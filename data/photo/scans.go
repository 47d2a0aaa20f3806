package photo

import (
	"encoding/binary"
	"errors"
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

// jpegWalk walks a JPEG's markers as image/jpeg's decoder does, calling fn with each marker
// segment's marker and payload until fn returns false. Like the decoder it skips bytes that are
// not a marker (a junk byte between segments, "\xff\x00") and fill bytes, and skips each scan's
// entropy-coded data up to the next marker (a 0xFF byte followed by neither 0x00, which is a
// stuffed 0xFF, nor a restart marker, nor another 0xFF fill byte); so it never sees fewer scans
// than the decoder decodes. It reports whether it reached the end marker (EOI): a walk that
// cannot is a file the decoder would read otherwise than counted, or not at all. It reads each
// byte at most once and never panics.
func jpegWalk(b []byte, fn func(marker byte, seg []byte) bool) (ended bool) {
	i := 2 // after SOI
	for i+2 <= len(b) {
		x, m := b[i], b[i+1]
		i += 2
		for x != 0xFF { // extraneous data, ignored by the decoder
			if i >= len(b) {
				return false
			}
			x, m = m, b[i]
			i++
		}
		if m == 0x00 { // "\xff\x00" outside a scan: extraneous too
			continue
		}
		for m == 0xFF { // fill bytes before a marker
			if i >= len(b) {
				return false
			}
			m = b[i]
			i++
		}
		switch {
		case m == 0xD9: // EOI
			return true
		case m >= 0xD0 && m <= 0xD7: // RSTn: no length
			continue
		}
		if i+2 > len(b) {
			return false
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return false
		}
		if !fn(m, b[i+2:i+n]) {
			return false
		}
		i += n
		if m != 0xDA {
			continue
		}
		for i+1 < len(b) {
			if b[i] == 0xFF {
				if y := b[i+1]; y != 0x00 && y != 0xFF && (y < 0xD0 || y > 0xD7) {
					break
				}
			}
			i++
		}
	}
	return false
}

// jpegScans counts the scans (SOS markers) of a JPEG, stopping once it has passed stop, and
// reports whether the walk reached the file's end marker.
func jpegScans(b []byte, stop int) (scans int, ended bool) {
	ended = jpegWalk(b, func(m byte, _ []byte) bool {
		if m == 0xDA {
			scans++
		}
		return scans <= stop
	})
	return scans, ended
}

// checkScans refuses a JPEG whose scans would cost out of proportion to decode.
func checkScans(b []byte, w, h int) error {
	scans, ended := jpegScans(b, MaxScans)
	if scans <= MaxScans && !ended {
		// The decoder would read the file otherwise than counted, or fail: it is not decoded.
		return corrupt(errors.New("jpeg: the markers cannot be followed to the end of the image"))
	}
	const resave = ": open it in a photo editor, save it as a standard JPEG and import that"
	switch {
	case scans > MaxScans:
		return &photoError{kind: ErrTooLarge, msg: fmt.Sprintf("the photo is saved as a progressive JPEG in more than %d passes, "+
			"far more than cameras and photo editors write, and would take minutes to open"+resave, MaxScans)}
	case int64(scans)*int64(w)*int64(h) > maxScanPixels:
		return &photoError{kind: ErrTooLarge, msg: fmt.Sprintf("the photo is saved as a progressive JPEG in %d passes, "+
			"which at %d × %d pixels would take too long to open"+resave, scans, w, h)}
	}
	return nil
}
