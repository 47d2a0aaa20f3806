package photo

import (
	"encoding/binary"
	"strings"
	"time"
)

// A small EXIF reader: just the orientation and the time taken. EXIF is a TIFF structure: an
// 8-byte header giving the byte order ("II" little-endian, "MM" big-endian) and the offset of
// IFD0; an IFD is a 2-byte entry count, then 12-byte entries (tag, type, count, and the value
// itself when it fits in 4 bytes, else its offset from the TIFF header). IFD0 holds Orientation
// and a pointer to the Exif IFD, which holds the dates. Nothing else is followed, so offsets that
// loop or point anywhere can cost at most two IFD reads; every offset is checked against the block.

const (
	tagOrientation         = 0x0112
	tagExifIFD             = 0x8769
	tagDateTimeOriginal    = 0x9003
	tagDateTimeDigitized   = 0x9004
	tagOffsetTimeOriginal  = 0x9011
	tagOffsetTimeDigitized = 0x9012

	typeASCII     = 2
	typeShort     = 3
	typeLong      = 4
	typeUndefined = 7
	typeIFD       = 13
)

type metadata struct {
	orientation int // 1..8
	takenAt     time.Time
}

// readMetadata reads a photo's orientation and time taken. Metadata is optional: anything
// missing, malformed or hostile gives orientation 1 and a zero time, never an error or a panic.
func readMetadata(format string, b []byte) (m metadata) {
	m.orientation = 1
	defer func() {
		if recover() != nil { // belt and braces: the reader is bounds-checked throughout
			m = metadata{orientation: 1}
		}
	}()
	if ex := exifOf(format, b); ex != nil {
		m = parseEXIF(ex)
	}
	return m
}

type tiffReader struct {
	b  []byte
	bo binary.ByteOrder
}

type ifdEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte // the 4-byte value-or-offset field
}

// parseEXIF reads a TIFF-structured EXIF block.
func parseEXIF(b []byte) metadata {
	m := metadata{orientation: 1}
	if len(b) < 8 {
		return m
	}
	t := tiffReader{b: b}
	switch string(b[:4]) {
	case "II*\x00":
		t.bo = binary.LittleEndian
	case "MM\x00*":
		t.bo = binary.BigEndian
	default:
		return m
	}
	exifIFD := uint32(0)
	t.entries(t.bo.Uint32(b[4:]), func(e ifdEntry) {
		switch e.tag {
		case tagOrientation:
			if o, ok := t.uint(e); ok && o >= 1 && o <= 8 {
				m.orientation = int(o)
			}
		case tagExifIFD:
			if e.typ == typeLong || e.typ == typeIFD {
				exifIFD = t.bo.Uint32(e.value)
			}
		}
	})
	if exifIFD == 0 {
		return m
	}
	var original, digitized, offOriginal, offDigitized string
	t.entries(exifIFD, func(e ifdEntry) {
		switch e.tag {
		case tagDateTimeOriginal:
			original = t.ascii(e)
		case tagDateTimeDigitized:
			digitized = t.ascii(e)
		case tagOffsetTimeOriginal:
			offOriginal = t.ascii(e)
		case tagOffsetTimeDigitized:
			offDigitized = t.ascii(e)
		}
	})
	if at, ok := exifTime(original, offOriginal); ok {
		m.takenAt = at
	} else if at, ok := exifTime(digitized, offDigitized); ok {
		m.takenAt = at
	}
	return m
}

// entries calls fn for each entry of the IFD at off that lies within the block; a count that
// runs past the end is cut to the entries present.
func (t tiffReader) entries(off uint32, fn func(ifdEntry)) {
	start := uint64(off)
	if start < 8 || start+2 > uint64(len(t.b)) {
		return
	}
	n := uint64(t.bo.Uint16(t.b[start:]))
	n = min(n, (uint64(len(t.b))-start-2)/12)
	for k := range n {
		e := t.b[start+2+12*k : start+2+12*k+12]
		fn(ifdEntry{
			tag:   t.bo.Uint16(e[0:]),
			typ:   t.bo.Uint16(e[2:]),
			count: t.bo.Uint32(e[4:]),
			value: e[8:12],
		})
	}
}

// uint reads a single SHORT or LONG value.
func (t tiffReader) uint(e ifdEntry) (uint32, bool) {
	if e.count < 1 {
		return 0, false
	}
	switch e.typ {
	case typeShort:
		return uint32(t.bo.Uint16(e.value)), true
	case typeLong:
		return t.bo.Uint32(e.value), true
	}
	return 0, false
}

// ascii reads an ASCII value of up to 64 bytes (dates need 20), without its NUL and padding.
func (t tiffReader) ascii(e ifdEntry) string {
	if e.typ != typeASCII && e.typ != typeUndefined {
		return ""
	}
	n := uint64(min(e.count, 64))
	var s []byte
	if uint64(e.count) <= 4 {
		s = e.value[:n]
	} else {
		off := uint64(t.bo.Uint32(e.value))
		if off+n > uint64(len(t.b)) {
			return ""
		}
		s = t.b[off : off+n]
	}
	if i := strings.IndexByte(string(s), 0); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(string(s))
}

// exifTime parses an EXIF date ("2006:01:02 15:04:05") with an optional offset ("+01:00").
// Without an offset the camera's clock is taken to show local time.
func exifTime(date, offset string) (time.Time, bool) {
	if len(date) < 19 {
		return time.Time{}, false
	}
	date = date[:19]
	loc := time.Local
	if z, ok := exifOffset(offset); ok {
		loc = z
	}
	for _, layout := range []string{"2006:01:02 15:04:05", "2006-01-02 15:04:05"} {
		if at, err := time.ParseInLocation(layout, date, loc); err == nil {
			if at.Year() < 1900 { // "0000:00:00" does not parse; a year 0001 placeholder is no date
				return time.Time{}, false
			}
			return at, true
		}
	}
	return time.Time{}, false
}

// exifOffset parses "+HH:MM" or "-HH:MM", within ±14 hours.
func exifOffset(s string) (*time.Location, bool) {
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return nil, false
	}
	digits := func(a, b byte) (int, bool) {
		if a < '0' || a > '9' || b < '0' || b > '9' {
			return 0, false
		}
		return int(a-'0')*10 + int(b-'0'), true
	}
	h, ok1 := digits(s[1], s[2])
	mi, ok2 := digits(s[4], s[5])
	if !ok1 || !ok2 || h > 14 || mi > 59 {
		return nil, false
	}
	secs := (h*60 + mi) * 60
	if s[0] == '-' {
		secs = -secs
	}
	return time.FixedZone(s, secs), true
}
