package photo

import (
	"encoding/binary"
	"fmt"
	"math"
)

// CleanJPEG returns a photo (JPEG, PNG or WebP) as a JPEG that carries the picture and nothing
// else: no EXIF, GPS position, XMP, IPTC, comment, colour profile, maker note or thumbnail, and
// none of the further images a Multi-Picture (MPF) file keeps after the first, which carry EXIF
// of their own. Every image that leaves the practice (exports, archives, PDFs) goes through it.
//
// A JPEG that looks the same without its metadata (upright as stored, in sRGB) keeps its image
// data byte for byte, only the metadata segments and whatever follows its end marker dropped;
// one with nothing to drop, such as a stored preview, is returned as it is, without a copy.
// Anything else (turned by its EXIF orientation, in another colour space, a PNG or WebP, or laid
// out in a way the segment walk does not expect) is decoded within the limits and re-encoded
// upright in sRGB. Errors wrap ErrUnsupported, ErrTooLarge or ErrCorrupt, as Process's do.
func CleanJPEG(b []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil { // the walk is bounds-checked throughout; belt and braces
			out, err = nil, panicError(r)
		}
	}()
	if len(b) > MaxFileBytes {
		return nil, &photoError{kind: ErrTooLarge, msg: fmt.Sprintf("the file is %.1f MB, more than the %d MB a photo may have",
			math.Ceil(float64(len(b))/(1<<20)*10)/10, MaxFileBytes>>20)}
	}
	format, err := Sniff(b)
	if err != nil {
		return nil, err
	}
	if format == "jpeg" && readMetadata(format, b).orientation == 1 && colourOf(format, b) == nil {
		if err := checkDimensions(format, b); err != nil {
			return nil, err
		}
		if out, ok := stripJPEG(b); ok {
			return out, nil
		}
	}
	return clean(b, 0)
}

// stripJPEG returns a JPEG without its metadata segments (APP1 to APP13, APP15 and comments; an
// APP0 other than a JFIF header without a thumbnail) and without anything after its end marker,
// the rest byte for byte and uncopied when there is nothing to drop. ok is false when b is not laid
// out as a JPEG's markers should be, or has no end marker: CleanJPEG re-encodes it then.
func stripJPEG(b []byte) (out []byte, ok bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, false
	}
	// out stays nil, and nothing is copied, until something is dropped.
	keep := func(from, to int) {
		if out != nil {
			out = append(out, b[from:to]...)
		}
	}
	drop := func(at int) {
		if out == nil {
			out = append(make([]byte, 0, len(b)), b[:at]...)
		}
	}
	i := 2
	for {
		if i+2 > len(b) || b[i] != 0xFF {
			return nil, false
		}
		m := b[i+1]
		switch {
		case m == 0xFF: // a fill byte before a marker
			keep(i, i+1)
			i++
			continue
		case m == 0xD9: // the end: an MPF file's further images, or anything appended, may follow
			if out == nil {
				return b[: i+2 : i+2], true
			}
			return append(out, b[i:i+2]...), true
		case m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD8):
			return nil, false // no such marker stands here in a well-formed file
		}
		if i+4 > len(b) {
			return nil, false
		}
		end := i + 2 + int(binary.BigEndian.Uint16(b[i+2:]))
		if end < i+4 || end > len(b) {
			return nil, false
		}
		if keepSegment(m, b[i+4:end]) {
			keep(i, end)
		} else {
			drop(i)
		}
		i = end
		if m != 0xDA {
			continue
		}
		// Entropy-coded data up to the next marker: within it, 0xFF is followed by 0x00 (a
		// stuffed byte) or by a restart marker.
		j := i
		for j+1 < len(b) && (b[j] != 0xFF || b[j+1] == 0x00 || (b[j+1] >= 0xD0 && b[j+1] <= 0xD7)) {
			j++
		}
		if j+1 >= len(b) {
			return nil, false
		}
		keep(i, j)
		i = j
	}
}

// keepSegment reports whether a JPEG's segment with marker m and payload p is needed to show
// the picture: everything but metadata. Adobe's APP14 says how the colours are coded; a JFIF
// APP0 is kept when it holds no thumbnail.
func keepSegment(m byte, p []byte) bool {
	switch {
	case m == 0xE0:
		return len(p) >= 14 && string(p[:5]) == "JFIF\x00" && p[12] == 0 && p[13] == 0
	case m == 0xEE:
		return true
	case m >= 0xE1 && m <= 0xEF, m == 0xFE:
		return false
	}
	return true
}
