package phototest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// Gradient is a w × h picture of gradients with xorshift noise of up to noise levels, different
// for each seed: it compresses about as a photo does, unlike a flat image, and is as cheap to make.
func Gradient(w, h int, seed uint32, noise int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	x32 := seed*2654435761 + 1
	for y := range h {
		for x := range w {
			var n uint8
			if noise > 0 {
				x32 ^= x32 << 13
				x32 ^= x32 >> 17
				x32 ^= x32 << 5
				n = uint8(x32 % uint32(noise))
			}
			m.SetRGBA(x, y, color.RGBA{uint8(200*x/w) + n, uint8(160*y/h) + n, uint8(seed*37) + n, 255})
		}
	}
	return m
}

// JPEG encodes m at the given quality (0: the encoder's default).
func JPEG(tb testing.TB, m image.Image, quality int) []byte {
	tb.Helper()
	var opts *jpeg.Options
	if quality != 0 {
		opts = &jpeg.Options{Quality: quality}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, opts); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// NoisyJPEG is a w × h JPEG of Gradient(w, h, seed, noise) at quality 85.
func NoisyJPEG(tb testing.TB, w, h int, seed uint32, noise int) []byte {
	tb.Helper()
	return JPEG(tb, Gradient(w, h, seed, noise), 85)
}

// PNGHeader is a PNG signature and IHDR chunk declaring w × h pixels, and nothing else.
func PNGHeader(w, h uint32) []byte {
	ihdr := []byte("IHDR")
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}
