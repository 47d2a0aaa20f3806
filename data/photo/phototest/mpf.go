package phototest

import (
	"encoding/binary"
	"fmt"
)

// MPF makes a Multi-Picture file, as phones and cameras write for a depth map or a large
// preview: primary (a JPEG) with an APP2 "MPF" index after its SOI, then secondary (another
// whole JPEG, with EXIF of its own) after the primary's end marker, where decoders never look.
// The index is laid out as CIPA DC-007 says: a little-endian TIFF header and one IFD with the
// version, the number of images and an entry for each (size, and offset from the index's
// header); it panics when primary is not a JPEG.
func MPF(primary, secondary []byte) []byte {
	if len(primary) < 4 || primary[0] != 0xFF || primary[1] != 0xD8 {
		panic(fmt.Sprintf("phototest.MPF: the primary image is not a JPEG (% x)", primary[:min(4, len(primary))]))
	}
	le := binary.LittleEndian
	const entries = 8 + 2 + 3*12 + 4 // after the TIFF header, the IFD and its next-IFD offset
	var tiff []byte
	tiff = append(tiff, "II*\x00"...)
	tiff = le.AppendUint32(tiff, 8)
	tiff = le.AppendUint16(tiff, 3)
	tiff = append(le.AppendUint16(le.AppendUint16(tiff, 0xB000), 7), 4, 0, 0, 0, '0', '1', '0', '0') // MPFVersion
	tiff = le.AppendUint32(le.AppendUint32(le.AppendUint16(le.AppendUint16(tiff, 0xB001), 4), 1), 2) // NumberOfImages
	tiff = le.AppendUint32(le.AppendUint32(le.AppendUint16(le.AppendUint16(tiff, 0xB002), 7), 32), entries)
	tiff = le.AppendUint32(tiff, 0)
	payload := append([]byte("MPF\x00"), tiff...)
	segLen := 2 + len(payload) + 32
	total := len(primary) + 2 + segLen // the primary as written, with the APP2 segment
	// Offsets count from the TIFF header, which starts 8 bytes into the segment (marker, length, "MPF\0").
	header := 2 + 8
	entry := func(attr uint32, size, offset int) []byte {
		e := le.AppendUint32(nil, attr)
		e = le.AppendUint32(e, uint32(size))
		e = le.AppendUint32(e, uint32(offset))
		return le.AppendUint32(e, 0)
	}
	payload = append(payload, entry(0x20030000, total, 0)...)                     // baseline primary image
	payload = append(payload, entry(0x00020002, len(secondary), total-header)...) // large thumbnail
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE2}, uint16(segLen))
	out := append([]byte{}, primary[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	out = append(out, primary[2:]...)
	return append(out, secondary...)
}
