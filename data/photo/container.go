package photo

import (
	"encoding/binary"
	"errors"
)

// This file finds the EXIF block inside each container (JPEG APP1, PNG eXIf, WebP EXIF chunk)
// and reads a WebP's layout. Every read is bounds-checked and every loop advances, so no input
// can make it panic or spin.

// exifOf returns the TIFF-structured EXIF block of an image, or nil.
func exifOf(format string, b []byte) []byte {
	switch format {
	case "jpeg":
		return jpegEXIF(b)
	case "png":
		return pngEXIF(b)
	case "webp":
		return webpEXIF(b)
	}
	return nil
}

var exifHeader = []byte("Exif\x00\x00")

// jpegEXIF returns the payload of a JPEG's first APP1 segment that starts with "Exif\0\0", without
// that prefix.
func jpegEXIF(b []byte) []byte {
	var ex []byte
	jpegHeaderSegments(b, func(m byte, seg []byte) bool {
		if m == 0xE1 && len(seg) >= len(exifHeader) && string(seg[:len(exifHeader)]) == string(exifHeader) {
			ex = seg[len(exifHeader):]
			return false
		}
		return true
	})
	return ex
}

// jpegHeaderSegments calls fn for each marker segment before the first scan, with its payload,
// until fn returns false; it walks the markers as the decoder does (jpegWalk).
func jpegHeaderSegments(b []byte, fn func(marker byte, seg []byte) bool) {
	jpegWalk(b, func(m byte, seg []byte) bool {
		return m != 0xDA && fn(m, seg) // no metadata past the first scan
	})
}

// pngChunks calls fn for each chunk of a PNG file in order, with its type and where its data lies
// in b, until fn returns false, the IEND chunk, or a chunk whose data and CRC do not fit in b.
func pngChunks(b []byte, fn func(typ string, start, end int) bool) {
	i := 8 // after the signature
	for i+8 <= len(b) {
		n := uint64(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		start := uint64(i) + 8
		end := start + n
		if end+4 > uint64(len(b)) || typ == "IEND" || !fn(typ, int(start), int(end)) {
			return
		}
		i = int(end + 4)
	}
}

// pngEXIF returns the data of a PNG's eXIf chunk, which holds the TIFF structure directly.
func pngEXIF(b []byte) []byte {
	var ex []byte
	pngChunks(b, func(typ string, start, end int) bool {
		if typ == "eXIf" {
			ex = trimExifHeader(b[start:end])
			return false
		}
		return true
	})
	return ex
}

// riffChunks calls fn for each top-level chunk of a WebP file (RIFF form "WEBP") in order, within
// both the RIFF size and the bytes present, until fn returns false. It reads the file as
// golang.org/x/image/riff does: each chunk's length must fit in what the RIFF size leaves, and
// an odd length is followed by a padding byte. It reports whether the walk met a malformed chunk.
func riffChunks(b []byte, fn func(id string, data []byte) bool) (malformed bool) {
	if len(b) < 12 {
		return true
	}
	riffLen := uint64(binary.LittleEndian.Uint32(b[4:]))
	if riffLen < 4 {
		return true
	}
	left := riffLen - 4 // after "WEBP"
	i := uint64(12)
	for left > 0 {
		if left < 8 || i+8 > uint64(len(b)) {
			return true
		}
		id := string(b[i : i+4])
		n := uint64(binary.LittleEndian.Uint32(b[i+4:]))
		left -= 8
		i += 8
		if n > left || i+n > uint64(len(b)) {
			return true
		}
		if !fn(id, b[i:i+n]) {
			return false
		}
		i += n
		left -= n
		if n&1 == 1 {
			if left == 0 {
				return true
			}
			i++
			left--
		}
	}
	return false
}

func webpEXIF(b []byte) []byte {
	var exif []byte
	riffChunks(b, func(id string, data []byte) bool {
		if id == "EXIF" {
			exif = trimExifHeader(data)
			return false
		}
		return true
	})
	return exif
}

// trimExifHeader drops the "Exif\0\0" prefix that some writers wrongly put before a bare TIFF block.
func trimExifHeader(b []byte) []byte {
	if len(b) >= len(exifHeader) && string(b[:len(exifHeader)]) == string(exifHeader) {
		return b[len(exifHeader):]
	}
	return b
}

// webpLayout is what the WebP decoder will allocate for: the VP8X canvas (the alpha plane is
// canvas-sized) and the first VP8 or VP8L frame.
type webpLayout struct {
	canvasW, canvasH int // 0 without a VP8X chunk
	frameW, frameH   int
	animated         bool
}

var errWebPNoFrame = errors.New("webp: no image data")

// readWebPLayout reads the dimensions a WebP declares, from the chunk headers alone, in the order
// golang.org/x/image/webp reads them: it stops at the first VP8 or VP8L chunk, which it decodes.
func readWebPLayout(b []byte) (webpLayout, error) {
	var l webpLayout
	var bad error
	found := false
	malformed := riffChunks(b, func(id string, d []byte) bool {
		switch id {
		case "VP8X":
			if len(d) < 10 {
				bad = errors.New("webp: short VP8X chunk")
				return false
			}
			l.animated = d[0]&0x02 != 0
			l.canvasW = int(uint32(d[4])|uint32(d[5])<<8|uint32(d[6])<<16) + 1
			l.canvasH = int(uint32(d[7])|uint32(d[8])<<8|uint32(d[9])<<16) + 1
			return !l.animated
		case "VP8 ":
			// Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
			if len(d) < 10 || d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a {
				bad = errors.New("webp: bad VP8 frame header")
				return false
			}
			l.frameW = int(binary.LittleEndian.Uint16(d[6:]) & 0x3fff)
			l.frameH = int(binary.LittleEndian.Uint16(d[8:]) & 0x3fff)
			found = true
			return false
		case "VP8L":
			// Signature 0x2f, then width-1 and height-1 in 14 bits each, least significant first.
			if len(d) < 5 || d[0] != 0x2f {
				bad = errors.New("webp: bad VP8L header")
				return false
			}
			v := binary.LittleEndian.Uint32(d[1:])
			l.frameW = int(v&0x3fff) + 1
			l.frameH = int(v>>14&0x3fff) + 1
			found = true
			return false
		}
		return true
	})
	switch {
	case l.animated:
		return l, nil
	case bad != nil:
		return l, bad
	case !found && malformed:
		return l, errors.New("webp: malformed RIFF chunks")
	case !found:
		return l, errWebPNoFrame
	}
	return l, nil
}
