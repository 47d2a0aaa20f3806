package photo

import (
	"bytes"
	"encoding/binary"
	pngcrc "hash/crc32"
)

// The camera's GPS position is kept in EXIF's GPS IFD, which IFD0 points to with tag 0x8825. A
// mobile practitioner's photos would carry the client's home address in them. WithoutLocation
// takes it out in place, without moving a single other byte: the GPS IFD and the values it points
// to are zeroed, and the pointer's entry is taken out of IFD0 (the entries after it move up and
// the last 12 bytes of the IFD are zeroed; every offset in TIFF counts from the block's start, so
// nothing else needs to change). The file keeps its length, its image data and every other tag
// (orientation, date taken) byte for byte.

const tagGPSIFD = 0x8825

// tiffTypeSizes are the sizes in bytes of TIFF's value types 1 to 13.
var tiffTypeSizes = [14]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}

// HasLocation reports whether a JPEG, PNG or WebP photo's EXIF or XMP has a GPS position.
func HasLocation(b []byte) (has bool) {
	defer func() {
		if recover() != nil {
			has = false
		}
	}()
	format, err := Sniff(b)
	if err != nil {
		return false
	}
	_, ok := gpsEntry(exifOf(format, b))
	return ok || xmpHasLocation(format, b)
}

// WithoutLocation returns a copy of a JPEG, PNG or WebP photo with the GPS position taken out of
// its EXIF (JPEG APP1, PNG eXIf with its CRC made again, WebP EXIF chunk) and of its XMP (see
// xmp.go), and true; or b itself and false when it has none, or they cannot be read.
func WithoutLocation(b []byte) (out []byte, removed bool) {
	defer func() {
		if recover() != nil { // the walk is bounds-checked throughout; belt and braces
			out, removed = b, false
		}
	}()
	format, err := Sniff(b)
	if err != nil {
		return b, false
	}
	out = bytes.Clone(b)
	ex := exifOf(format, b)
	if _, ok := gpsEntry(ex); ok {
		// ex is a slice of b: its offset in b is what b's capacity has beyond ex's.
		start := cap(b) - cap(ex)
		removeGPS(out[start : start+len(ex)])
		if format == "png" {
			fixPNGCRC(out, start)
		}
		removed = true
	}
	out, fromXMP := withoutXMPLocation(format, out)
	if !removed && !fromXMP {
		return b, false
	}
	return out, true
}

// gpsEntry finds the GPS pointer among IFD0's entries: its offset in the block.
func gpsEntry(t []byte) (at uint64, ok bool) {
	bo, ifd0, n, ok := tiffIFD0(t)
	if !ok {
		return 0, false
	}
	for k := range n {
		e := ifd0 + 2 + 12*k
		if bo.Uint16(t[e:]) == tagGPSIFD {
			return e, true
		}
	}
	return 0, false
}

// tiffIFD0 reads a TIFF block's byte order, IFD0's offset and how many of its entries lie within.
func tiffIFD0(t []byte) (bo binary.ByteOrder, ifd0, n uint64, ok bool) {
	if len(t) < 8 {
		return nil, 0, 0, false
	}
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return nil, 0, 0, false
	}
	ifd0 = uint64(bo.Uint32(t[4:]))
	if ifd0 < 8 || ifd0+2 > uint64(len(t)) {
		return nil, 0, 0, false
	}
	n = min(uint64(bo.Uint16(t[ifd0:])), (uint64(len(t))-ifd0-2)/12)
	return bo, ifd0, n, true
}

// removeGPS blanks the GPS IFD of the TIFF block t and takes its pointer out of IFD0, in place.
func removeGPS(t []byte) {
	at, ok := gpsEntry(t)
	if !ok {
		return
	}
	bo, ifd0, n, _ := tiffIFD0(t)
	blankIFD(t, bo, uint64(bo.Uint32(t[at+8:])))
	// Move the later entries and the next-IFD offset up over the pointer's entry.
	end := min(ifd0+2+12*n+4, uint64(len(t)))
	copy(t[at:end], t[at+12:end])
	clear(t[end-12 : end])
	bo.PutUint16(t[ifd0:], uint16(bo.Uint16(t[ifd0:])-1))
}

// blankIFD zeroes the IFD at off and every value it keeps outside its entries.
func blankIFD(t []byte, bo binary.ByteOrder, off uint64) {
	size := uint64(len(t))
	if off < 8 || off+2 > size {
		return
	}
	n := min(uint64(bo.Uint16(t[off:])), (size-off-2)/12)
	for k := range n {
		e := t[off+2+12*k : off+2+12*k+12]
		typ := bo.Uint16(e[2:])
		if int(typ) >= len(tiffTypeSizes) {
			continue
		}
		length := tiffTypeSizes[typ] * uint64(bo.Uint32(e[4:]))
		if v := uint64(bo.Uint32(e[8:])); length > 4 && v >= 8 && v <= size && length <= size-v {
			clear(t[v : v+length])
		}
	}
	clear(t[off:min(off+2+12*n+4, size)])
}

// fixPNGCRC makes again the CRC of the PNG chunk whose data holds the byte at pos.
func fixPNGCRC(b []byte, pos int) {
	pngChunks(b, func(_ string, start, end int) bool {
		if pos >= start && pos < end {
			binary.BigEndian.PutUint32(b[end:], pngcrc.ChecksumIEEE(b[start-4:end])) // type and data
			return false
		}
		return true
	})
}
