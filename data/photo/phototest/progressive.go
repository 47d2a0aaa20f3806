// Package phototest makes hostile and real-world images for the tests of the photo pipeline,
// the store, the app and the command line. Nothing in the product imports it.
package phototest

import (
	"bytes"
	"encoding/binary"
)

// Progressive writes, segment by segment, a grey w × h progressive JPEG (SOF2) with the given
// number of scans: a DC scan, then AC refinement scans that are each a few end-of-band runs
// covering every block: a few bytes a scan, while a decoder walks the whole image for each. Every
// block is flat grey, so the file is a valid image however many scans it has. extra bytes after
// the end marker, which decoders ignore, make files that differ without looking different.
func Progressive(w, h, scans int, extra ...byte) []byte {
	seg := func(out []byte, marker byte, data ...byte) []byte {
		out = append(out, 0xFF, marker)
		out = binary.BigEndian.AppendUint16(out, uint16(len(data)+2))
		return append(out, data...)
	}
	out := []byte{0xFF, 0xD8}
	out = seg(out, 0xDB, append([]byte{0x00}, bytes.Repeat([]byte{1}, 64)...)...)    // DQT 0: all ones
	out = seg(out, 0xC2, 8, byte(h>>8), byte(h), byte(w>>8), byte(w), 1, 1, 0x11, 0) // SOF2, one component
	oneCode := func(sym byte) []byte {                                               // one code of one bit ("0") for sym
		c := make([]byte, 16)
		c[0] = 1
		return append(c, sym)
	}
	out = seg(out, 0xC4, append([]byte{0x00}, oneCode(0x00)...)...) // DC table 0: "0" is a difference of 0
	out = seg(out, 0xC4, append([]byte{0x10}, oneCode(0xE0)...)...) // AC table 0: "0" is EOBRUN 2^14 + 14 bits
	blocks := ((w + 7) / 8) * ((h + 7) / 8)
	// DC first scan: one "0" bit a block.
	out = seg(out, 0xDA, 1, 1, 0x00, 0, 0, 0x00)
	out = append(out, make([]byte, (blocks+7)/8)...)
	// Each AC refinement scan (Ss 1, Se 63, Ah 1, Al 0) is "0" then 14 one bits, an end-of-band
	// run of 32767 blocks, as many times as the blocks need, padded with one bits.
	var bits bitWriter
	for range (blocks + 32766) / 32767 {
		bits.write(0x3FFF, 15)
	}
	data := bits.bytes()
	for range scans - 1 {
		out = seg(out, 0xDA, 1, 1, 0x00, 1, 63, 0x10)
		out = append(out, data...)
	}
	out = append(out, 0xFF, 0xD9)
	return append(out, extra...)
}

// bitWriter packs entropy-coded bits, most significant first, stuffing a 0x00 after each 0xFF.
type bitWriter struct {
	out  []byte
	acc  uint32
	nacc int
}

func (b *bitWriter) write(v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		b.acc = b.acc<<1 | (v>>i)&1
		b.nacc++
		if b.nacc == 8 {
			b.flush()
		}
	}
}

func (b *bitWriter) flush() {
	c := byte(b.acc)
	b.out = append(b.out, c)
	if c == 0xFF {
		b.out = append(b.out, 0x00)
	}
	b.acc, b.nacc = 0, 0
}

// bytes pads the last byte with one bits and returns the data.
func (b *bitWriter) bytes() []byte {
	if b.nacc > 0 {
		b.write(0xFF, 8-b.nacc)
	}
	return b.out
}
