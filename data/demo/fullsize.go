package demo

import (
	"encoding/binary"
	"image"
	"image/jpeg"
	"time"
)

// A full-size demo photo is a 12 MP original as a phone writes it: the drawing scaled up to
// 4000 × 3000 with a sensor's grain over it, so that it compresses like a photograph (3–4 MB at
// a phone's quality), and its date in EXIF. Its preview stays the drawing at 1600 pixels, which
// is what photo.Process would make of it.
const (
	bigW, bigH = 4000, 3000
	bigQuality = 90
	// grain is the sensor noise's spread in brightness levels either way: enough that the JPEG
	// holds 3–4 MB as a phone's does.
	grain = 14
)

// bigOriginal scales the drawing on p.canvas up to 12 MP with grain drawn from seed, and encodes
// it dated taken.
func (p *painter) bigOriginal(taken time.Time, seed uint64) ([]byte, error) {
	if p.big == nil {
		p.big = image.NewYCbCr(image.Rect(0, 0, bigW, bigH), image.YCbCrSubsampleRatio420)
	}
	src, dst := p.canvas, p.big
	rng := seed | 1
	upscale(dst.Y, dst.YStride, bigW, bigH, src.Y, src.YStride, photoW, photoH, grain, &rng)
	upscale(dst.Cb, dst.CStride, bigW/2, bigH/2, src.Cb, src.CStride, photoW/2, photoH/2, grain/4, &rng)
	upscale(dst.Cr, dst.CStride, bigW/2, bigH/2, src.Cr, src.CStride, photoW/2, photoH/2, grain/4, &rng)
	p.buf.Reset()
	if err := jpeg.Encode(&p.buf, dst, &jpeg.Options{Quality: bigQuality}); err != nil {
		return nil, err
	}
	return withDate(p.buf.Bytes(), taken), nil
}

// upscale fills a w × h plane from a sw × sh one, nearest pixel, adding noise in [-amp, amp].
func upscale(dst []byte, dstride, w, h int, src []byte, sstride, sw, sh, amp int, rng *uint64) {
	span := uint64(2*amp + 1)
	for y := range h {
		row, out := src[y*sh/h*sstride:], dst[y*dstride:]
		for x := range w {
			*rng ^= *rng << 13 // xorshift64: fast, and only grain depends on it
			*rng ^= *rng >> 7
			*rng ^= *rng << 17
			v := int(row[x*sw/w]) + int(*rng%span) - amp
			out[x] = byte(min(255, max(0, v)))
		}
	}
}

// withDate puts an EXIF block holding only DateTimeOriginal right after the JPEG's start marker.
func withDate(jpg []byte, taken time.Time) []byte {
	le := binary.LittleEndian
	tiff := le.AppendUint32([]byte("II*\x00"), 8) // IFD0 at 8
	entry := func(b []byte, tag, typ uint16, count, value uint32) []byte {
		return le.AppendUint32(le.AppendUint32(le.AppendUint16(le.AppendUint16(b, tag), typ), count), value)
	}
	tiff = le.AppendUint16(tiff, 1)
	tiff = entry(tiff, 0x8769, 4, 1, 26) // the Exif IFD, after IFD0's 2 + 12 + 4 bytes
	tiff = le.AppendUint32(tiff, 0)
	date := append([]byte(taken.Format("2006:01:02 15:04:05")), 0)
	tiff = le.AppendUint16(tiff, 1)
	tiff = entry(tiff, 0x9003, 2, uint32(len(date)), 44) // DateTimeOriginal, its text after this IFD
	tiff = le.AppendUint32(tiff, 0)
	tiff = append(tiff, date...)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := make([]byte, 0, len(jpg)+len(seg)+4)
	out = append(out, jpg[:2]...)
	out = append(out, 0xFF, 0xE1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}
