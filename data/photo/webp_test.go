package photo

import (
	"bytes"
	"image"
	"image/color"
	"testing"

	"golang.org/x/image/webp"
)

// Lossy WebPs come out in their full range, as libwebp's dwebp shows them (within 8 levels:
// JPEG re-encoding, and Go upsamples chroma more simply): white 255, black 0,
// skin 224,172,150, not 235, 16 and 210,163,145. Both seeds were made with cwebp (testdata/README.md).
func TestProcessLossyWebPFullRange(t *testing.T) {
	t.Parallel()
	cases := map[string][]patch{
		"patches.lossy.webp": {
			{image.Pt(16, 16), color.RGBA{}, color.RGBA{255, 255, 255, 255}},
			{image.Pt(48, 16), color.RGBA{}, color.RGBA{0, 0, 0, 255}},
			{image.Pt(16, 48), color.RGBA{}, color.RGBA{224, 172, 150, 255}},
			{image.Pt(48, 48), color.RGBA{}, color.RGBA{128, 128, 128, 255}},
		},
		"corners.lossy.webp": {
			{image.Pt(6, 6), color.RGBA{}, red},
			{image.Pt(57, 6), color.RGBA{}, green},
			{image.Pt(6, 41), color.RGBA{}, blue},
			{image.Pt(57, 41), color.RGBA{}, yellow},
			{image.Pt(32, 24), color.RGBA{}, grey},
		},
		"corners-alpha.lossy.webp": {
			{image.Pt(6, 6), color.RGBA{}, red},
			{image.Pt(57, 41), color.RGBA{}, yellow},
			{image.Pt(32, 24), color.RGBA{}, color.RGBA{255, 255, 255, 255}}, // transparent, on white
		},
	}
	for name, ps := range cases {
		b := readSeed(t, name)
		p, err := Process(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkPatches(t, name+" preview", p.Preview, ps, 8)
		clean, err := clean(b, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkPatches(t, name+" Clean", clean, ps, 8)
		// The slow path (any image through At) agrees with the fast one.
		m, err := webp.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var wrapped image.Image
		switch m := m.(type) {
		case *image.YCbCr:
			wrapped = &studioYCbCr{m}
		case *image.NYCbCrA:
			wrapped = &studioNYCbCrA{m}
		default:
			t.Fatalf("%s decodes to %T", name, m)
		}
		for _, q := range ps {
			got := referenceOpaque(wrapped.At(q.at.X, q.at.Y))
			if !near(got, q.sRGB, 8) {
				t.Errorf("%s: At%v = %v, want %v", name, q.at, got, q.sRGB)
			}
		}
	}
}

// The limited-range formulas: black, white and the extremes of chroma.
func TestStudioYCbCrToRGB(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		y, cb, cr uint8
		want      color.RGBA
	}{
		{16, 128, 128, color.RGBA{0, 0, 0, 255}},
		{235, 128, 128, color.RGBA{255, 255, 255, 255}},
		{126, 128, 128, color.RGBA{128, 128, 128, 255}},
		{81, 90, 240, color.RGBA{255, 0, 0, 255}}, // BT.601 red
		{0, 0, 0, color.RGBA{0, 135, 0, 255}},     // out of range: clamped, not wrapped
		{255, 255, 255, color.RGBA{255, 125, 255, 255}},
	} {
		r, g, b := studioYCbCrToRGB(c.y, c.cb, c.cr)
		if got := (color.RGBA{r, g, b, 255}); !near(got, c.want, 1) {
			t.Errorf("studioYCbCrToRGB(%d, %d, %d) = %v, want %v", c.y, c.cb, c.cr, got, c.want)
		}
	}
}
