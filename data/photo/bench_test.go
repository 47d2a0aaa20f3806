package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"runtime"
	"sync"
	"testing"

	"needlelog.app/needlelog/data/photo/phototest"
)

// photo12MP is a 4032 × 3024 JPEG (a 12 MP phone photo) at quality 92, with EXIF orientation 6
// and GPS: smooth gradients with fine noise, so that it costs about as much to decode as a photo
// of skin (4–5 MB), not a flat image that decodes in no time.
var photo12MP = sync.OnceValue(func() []byte {
	const w, h = 4032, 3024
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(2463534242)
	noise := func() int { // xorshift32
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		return int(seed%25) - 12
	}
	clamp := func(v int) uint8 { return uint8(max(0, min(255, v))) }
	for y := range h {
		for x := range w {
			m.Y[y*m.YStride+x] = clamp(90 + 100*x/w + 40*y/h + noise())
		}
	}
	for y := range h / 2 {
		for x := range w / 2 {
			i := y*m.CStride + x
			m.Cb[i] = clamp(110 + 20*y/(h/2) + noise()/3)
			m.Cr[i] = clamp(150 + 20*x/(w/2) + noise()/3)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 92}); err != nil {
		panic(err)
	}
	tiff := buildTIFF(exifSpec{bo: binary.BigEndian, orientation: 6, taken: "2024:05:17 14:03:09", offset: "+02:00", gps: true})
	return phototest.WithAPP1(b.Bytes(), tiff)
})

// BenchmarkProcess12MP is an import: checks, decode, preview, thumbnail, hash. Besides ns/op and
// B/op it reports MB/op, the memory allocated per photo in MB.
func BenchmarkProcess12MP(b *testing.B) {
	benchmark(b, func(orig []byte) error { _, err := Process(orig); return err })
}

// BenchmarkClean12MP is an export at full size.
func BenchmarkClean12MP(b *testing.B) {
	benchmark(b, func(orig []byte) error { _, err := clean(orig, 0); return err })
}

func benchmark(b *testing.B, f func([]byte) error) {
	orig := photo12MP()
	b.SetBytes(int64(len(orig)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		if err := f(orig); err != nil {
			b.Fatal(err)
		}
		n++
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/1e6, "MB/op")
}

// BenchmarkProcess12MPAdobeRGB is an import of the same photo with an Adobe RGB (1998) profile,
// converted to sRGB.
func BenchmarkProcess12MPAdobeRGB(b *testing.B) {
	orig := withICC(photo12MP(), readSeed(b, "compatibleWithAdobeRGB1998.icc"), 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(orig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkColourConvertPreview is the conversion alone, of a preview (1600 × 1200) to sRGB.
func BenchmarkColourConvertPreview(b *testing.B) {
	t := parseICC(readSeed(b, "compatibleWithAdobeRGB1998.icc"))
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	for b.Loop() {
		t.apply(img)
	}
}
