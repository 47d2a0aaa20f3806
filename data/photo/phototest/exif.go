package phototest

import (
	"encoding/binary"
	"slices"
)

// EXIF describes an EXIF block as a camera or phone writes it. Empty fields are left out.
type EXIF struct {
	BigEndian   bool   // "MM" byte order, as many cameras write; little-endian ("II") otherwise
	Orientation uint16 // 1–8; 6 is stored sideways, turn 90° clockwise to view
	Make, Model string
	Description string // ImageDescription, free text some cameras fill in
	Serial      string // BodySerialNumber, in the Exif IFD
	Taken       string // DateTimeOriginal, "2006:01:02 15:04:05"
	Digitized   bool   // DateTimeDigitized too, the same as Taken
	Offset      string // OffsetTimeOriginal, "+02:00"
	GPS         *GPS   // a GPS IFD
}

// GPS is a position for the GPS IFD. With no latitude and longitude only LatitudeRef is written,
// the least a GPS IFD can hold.
type GPS struct {
	Version        [4]byte   // GPSVersionID, e.g. 2.3.0.0; zero: left out
	LatRef, LonRef string    // "N"/"S", "E"/"W"
	Lat, Lon       [3]uint32 // degrees, minutes, hundredths of seconds; zero: left out
	Datum          string    // GPSMapDatum, e.g. "WGS-84"
}

// Paris is a GPS position in the middle of Paris.
var Paris = &GPS{LatRef: "N", Lat: [3]uint32{48, 51, 2964}, LonRef: "E", Lon: [3]uint32{2, 21, 1234}}

type field struct {
	tag, typ uint16
	count    uint32
	data     []byte // in the block's byte order; long values go after the IFD
}

const (
	typeASCII    = 2
	typeShort    = 3
	typeLong     = 4
	typeRational = 5
)

func ascii(tag uint16, s string) field {
	return field{tag, typeASCII, uint32(len(s) + 1), append([]byte(s), 0)}
}

// TIFF lays out the block: header, IFD0, then the Exif IFD and the GPS IFD when they hold anything.
func (e EXIF) TIFF() []byte {
	var bo binary.AppendByteOrder = binary.LittleEndian
	out := []byte("II*\x00")
	if e.BigEndian {
		bo, out = binary.BigEndian, []byte("MM\x00*")
	}
	var ifd0, exif, gps []field
	if e.Description != "" {
		ifd0 = append(ifd0, ascii(0x010E, e.Description))
	}
	if e.Make != "" {
		ifd0 = append(ifd0, ascii(0x010F, e.Make))
	}
	if e.Model != "" {
		ifd0 = append(ifd0, ascii(0x0110, e.Model))
	}
	if e.Orientation != 0 {
		ifd0 = append(ifd0, field{0x0112, typeShort, 1, bo.AppendUint16(nil, e.Orientation)})
	}
	if e.Serial != "" {
		exif = append(exif, ascii(0xA431, e.Serial))
	}
	if e.Taken != "" {
		exif = append(exif, ascii(0x9003, e.Taken))
		if e.Digitized {
			exif = append(exif, ascii(0x9004, e.Taken))
		}
	}
	if e.Offset != "" {
		exif = append(exif, ascii(0x9011, e.Offset))
	}
	if g := e.GPS; g != nil {
		if g.Version != [4]byte{} {
			gps = append(gps, field{0x0000, 1, 4, g.Version[:]})
		}
		gps = append(gps, ascii(0x0001, g.LatRef))
		rationals := func(dms [3]uint32) []byte {
			b := bo.AppendUint32(bo.AppendUint32(nil, dms[0]), 1)
			b = bo.AppendUint32(bo.AppendUint32(b, dms[1]), 1)
			return bo.AppendUint32(bo.AppendUint32(b, dms[2]), 100)
		}
		if g.Lat != [3]uint32{} {
			gps = append(gps, field{0x0002, typeRational, 3, rationals(g.Lat)})
		}
		if g.LonRef != "" {
			gps = append(gps, ascii(0x0003, g.LonRef))
		}
		if g.Lon != [3]uint32{} {
			gps = append(gps, field{0x0004, typeRational, 3, rationals(g.Lon)})
		}
		if g.Datum != "" {
			gps = append(gps, ascii(0x0012, g.Datum))
		}
	}
	size := func(fs []field) int {
		n := 2 + 12*len(fs) + 4
		for _, f := range fs {
			if len(f.data) > 4 {
				n += (len(f.data) + 1) &^ 1
			}
		}
		return n
	}
	// The pointers' values are known once the sizes are: IFD0 at 8, then Exif, then GPS.
	if exif != nil {
		ifd0 = append(ifd0, field{0x8769, typeLong, 1, nil})
	}
	if gps != nil {
		ifd0 = append(ifd0, field{0x8825, typeLong, 1, nil})
	}
	exifAt := 8 + size(ifd0)
	gpsAt := exifAt
	if exif != nil {
		gpsAt += size(exif)
	}
	for i := range ifd0 {
		switch ifd0[i].tag {
		case 0x8769:
			ifd0[i].data = bo.AppendUint32(nil, uint32(exifAt))
		case 0x8825:
			ifd0[i].data = bo.AppendUint32(nil, uint32(gpsAt))
		}
	}
	out = bo.AppendUint32(out, 8)
	for _, fs := range [][]field{ifd0, exif, gps} {
		if fs == nil && len(out) > 8 {
			continue
		}
		extra := len(out) + 2 + 12*len(fs) + 4
		var tail []byte
		out = bo.AppendUint16(out, uint16(len(fs)))
		for _, f := range fs {
			out = bo.AppendUint16(out, f.tag)
			out = bo.AppendUint16(out, f.typ)
			out = bo.AppendUint32(out, f.count)
			if len(f.data) <= 4 {
				out = append(out, append(slices.Clone(f.data), make([]byte, 4-len(f.data))...)...)
				continue
			}
			out = bo.AppendUint32(out, uint32(extra+len(tail)))
			tail = append(tail, f.data...)
			if len(tail)%2 == 1 {
				tail = append(tail, 0)
			}
		}
		out = bo.AppendUint32(out, 0) // no next IFD
		out = append(out, tail...)
	}
	return out
}

// WithEXIF splices e, as an APP1 segment, right after a JPEG's SOI marker.
func WithEXIF(jpg []byte, e EXIF) []byte { return WithAPP1(jpg, e.TIFF()) }

// WithAPP1 splices an EXIF APP1 segment holding tiff, whatever it holds, right after a JPEG's SOI
// marker.
func WithAPP1(jpg, tiff []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	return slices.Concat(jpg[:2], seg, payload, jpg[2:])
}
