// Package report makes what leaves the app: images and documents for clinics, clients and auditors.
// Every picture it writes is re-encoded from decoded pixels, so it carries no EXIF, no GPS
// position and no camera serial number, and is upright.
package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"strings"
	"sync"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Side is one photo of a comparison, with the lines of its caption.
type Side struct {
	Photo   image.Image
	Caption []string
}

// ComparisonHeight is the height of each photo in a saved comparison, in pixels.
const ComparisonHeight = 1200

const (
	captionSize   = 28 // points at 72 dpi: pixels
	captionMargin = 24
	gap           = 16
)

var (
	fontOnce sync.Once
	fontErr  error
	goFont   *opentype.Font
)

// captionFace is Go's own sans-serif font: it has Latin with accents, Greek and Cyrillic, so any
// client's name prints. The font is parsed once; a face is made per image, as a face may not be
// used by two goroutines at once.
func captionFace() (font.Face, error) {
	fontOnce.Do(func() { goFont, fontErr = opentype.Parse(goregular.TTF) })
	if fontErr != nil {
		return nil, fontErr
	}
	return opentype.NewFace(goFont, &opentype.FaceOptions{Size: captionSize, DPI: 72, Hinting: font.HintingFull})
}

// wrap breaks a caption's lines at spaces so that each fits width pixels; a word longer than
// that stands on a line of its own.
func wrap(f font.Face, lines []string, width int) []string {
	var out []string
	for _, line := range lines {
		words := strings.Fields(line)
		cur := ""
		for _, w := range words {
			next := w
			if cur != "" {
				next = cur + " " + w
			}
			if cur != "" && font.MeasureString(f, next).Ceil() > width {
				out = append(out, cur)
				next = w
			}
			cur = next
		}
		out = append(out, cur)
	}
	return out
}

// Comparison draws two photos side by side at the same height, each with its caption under it,
// on white.
func Comparison(left, right Side) (image.Image, error) {
	f, err := captionFace()
	if err != nil {
		return nil, fmt.Errorf("caption font: %w", err)
	}
	sides := []Side{left, right}
	widths := make([]int, 2)
	captions := make([][]string, 2)
	lines := 0
	for i, s := range sides {
		if s.Photo == nil {
			return nil, fmt.Errorf("comparison: photo %d is missing", i+1)
		}
		b := s.Photo.Bounds()
		widths[i] = max(1, b.Dx()*ComparisonHeight/max(1, b.Dy()))
		captions[i] = wrap(f, s.Caption, widths[i]-captionMargin)
		lines = max(lines, len(captions[i]))
	}
	lineHeight := f.Metrics().Height.Ceil()
	captionHeight := captionMargin*2 + lines*lineHeight
	out := image.NewRGBA(image.Rect(0, 0, widths[0]+gap+widths[1], ComparisonHeight+captionHeight))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	x := 0
	for i, s := range sides {
		dst := image.Rect(x, 0, x+widths[i], ComparisonHeight)
		xdraw.CatmullRom.Scale(out, dst, s.Photo, s.Photo.Bounds(), draw.Over, nil)
		d := &font.Drawer{Dst: out, Src: image.NewUniform(color.Black), Face: f}
		for j, line := range captions[i] {
			d.Dot = fixed.P(x+captionMargin/2, ComparisonHeight+captionMargin+f.Metrics().Ascent.Ceil()+j*lineHeight)
			d.DrawString(line)
		}
		x += widths[i] + gap
	}
	return out, nil
}

// JPEG encodes an image as a JPEG with no metadata at all.
func JPEG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		return nil, fmt.Errorf("encode JPEG: %w", err)
	}
	return buf.Bytes(), nil
}
