package report

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
)

func solid(w, h int, c color.Color) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	return img
}

func TestComparisonSideBySideWithCaptions(t *testing.T) {
	t.Parallel()
	red, blue := color.RGBA{200, 30, 30, 255}, color.RGBA{30, 30, 200, 255}
	left := Side{Photo: solid(400, 300, red), Caption: []string{"Zoë Ångström · Анна · Ελένη", "12 Mar 2026 · Session 1 of 3"}}
	right := Side{Photo: solid(300, 400, blue), Caption: []string{"9 Jun 2026 · Session 3 of 3"}}
	img, err := Comparison(left, right)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	wantW := 400*ComparisonHeight/300 + gap + 300*ComparisonHeight/400
	if b.Dx() != wantW || b.Dy() <= ComparisonHeight {
		t.Fatalf("comparison is %v, want %d wide and taller than %d", b, wantW, ComparisonHeight)
	}
	// Each photo fills its side at the same height.
	if r, _, _, _ := img.At(10, ComparisonHeight/2).RGBA(); r>>8 < 150 {
		t.Error("the left side is not the left photo")
	}
	if _, _, bl, _ := img.At(b.Dx()-10, ComparisonHeight/2).RGBA(); bl>>8 < 150 {
		t.Error("the right side is not the right photo")
	}
	// The captions are drawn: dark pixels under each photo.
	dark := func(x0, x1 int) int {
		n := 0
		for y := ComparisonHeight; y < b.Dy(); y++ {
			for x := x0; x < x1; x++ {
				if r, g, bb, _ := img.At(x, y).RGBA(); r+g+bb < 3*0x4000 {
					n++
				}
			}
		}
		return n
	}
	if dark(0, 400*ComparisonHeight/300) < 500 || dark(b.Dx()-300*ComparisonHeight/400, b.Dx()) < 200 {
		t.Error("a caption is missing")
	}

	out, err := JPEG(img)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("Exif\x00\x00")) || bytes.Contains(out, []byte{0xFF, 0xE1}) {
		t.Error("the saved comparison carries an EXIF block")
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("the saved comparison does not decode: %v", err)
	}
}

func TestComparisonNeedsTwoPhotos(t *testing.T) {
	t.Parallel()
	if _, err := Comparison(Side{Photo: solid(10, 10, color.White)}, Side{}); err == nil {
		t.Fatal("a comparison without its second photo was made")
	}
}

func TestLongCaptionWrapsWithinItsPhoto(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Cheeks 1.25 mm × 3 passes; ", 12)
	left := Side{Photo: solid(300, 400, color.Gray{128}), Caption: []string{long}}
	right := Side{Photo: solid(300, 400, color.Gray{128})}
	img, err := Comparison(left, right)
	if err != nil {
		t.Fatal(err)
	}
	leftW := 300 * ComparisonHeight / 400
	b := img.Bounds()
	if b.Dy() < ComparisonHeight+4*30 {
		t.Fatalf("a caption of %d characters takes %d pixels: it was not wrapped", len(long), b.Dy()-ComparisonHeight)
	}
	for y := ComparisonHeight; y < b.Dy(); y++ {
		for x := leftW; x < b.Dx(); x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r&g&bl>>8 != 0xff {
				t.Fatalf("the left caption runs under the right photo at %d,%d", x, y)
			}
		}
	}
}
