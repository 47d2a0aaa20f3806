package photo

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"
)

// The fast row converters agree with the image's own At, for every type the decoders return,
// every chroma subsampling, and sub-images whose bounds do not start at the origin.
func TestRowsOfMatchesAt(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(b []byte) {
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
	}
	r := image.Rect(0, 0, 37, 23)
	var imgs []image.Image
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	} {
		y := image.NewYCbCr(r, ratio)
		fill(y.Y)
		fill(y.Cb)
		fill(y.Cr)
		a := image.NewNYCbCrA(r, ratio)
		fill(a.Y)
		fill(a.Cb)
		fill(a.Cr)
		fill(a.A)
		imgs = append(imgs, y, a)
	}
	rgba := image.NewRGBA(r)
	fill(rgba.Pix)
	for i := 0; i < len(rgba.Pix); i += 4 { // valid premultiplied values, and some not
		if i%40 != 0 {
			rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2] = min(rgba.Pix[i], rgba.Pix[i+3]), min(rgba.Pix[i+1], rgba.Pix[i+3]), min(rgba.Pix[i+2], rgba.Pix[i+3])
		}
	}
	nrgba := image.NewNRGBA(r)
	fill(nrgba.Pix)
	gray := image.NewGray(r)
	fill(gray.Pix)
	cmyk := image.NewCMYK(r)
	fill(cmyk.Pix)
	pal := image.NewPaletted(r, color.Palette{red, color.NRGBA{0, 0, 255, 128}, color.Transparent})
	for i := range pal.Pix {
		pal.Pix[i] = byte(rng.UintN(4)) // index 3 is past the palette
	}
	n64 := image.NewNRGBA64(r)
	fill(n64.Pix)
	r64 := image.NewRGBA64(r)
	fill(r64.Pix)
	for i := 0; i < len(r64.Pix); i += 8 { // premultiplied: colour at most alpha
		for c := range 3 {
			if r64.Pix[i+2*c] > r64.Pix[i+6] {
				r64.Pix[i+2*c] = r64.Pix[i+6]
			}
		}
	}
	g16 := image.NewGray16(r)
	fill(g16.Pix)
	imgs = append(imgs, rgba, nrgba, gray, cmyk, pal, n64, r64, g16, image.NewAlpha(r))

	for _, img := range imgs {
		sub := img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(3, 5, 30, 20))
		for _, m := range []image.Image{img, sub} {
			name := fmt.Sprintf("%T %v", m, m.Bounds())
			if y, ok := m.(*image.YCbCr); ok {
				name += " " + y.SubsampleRatio.String()
			}
			if y, ok := m.(*image.NYCbCrA); ok {
				name += " " + y.SubsampleRatio.String()
			}
			b := m.Bounds()
			row := rowsOf(m)
			buf := make([]byte, 4*b.Dx())
			for y := range b.Dy() {
				row(y, buf)
				for x := range b.Dx() {
					var want color.RGBA
					if p, ok := m.(*image.Paletted); ok && int(p.ColorIndexAt(b.Min.X+x, b.Min.Y+y)) >= len(p.Palette) {
						want = color.RGBA{0, 0, 0, 0xff} // At would panic; the converter shows black
					} else {
						want = referenceOpaque(m.At(b.Min.X+x, b.Min.Y+y))
					}
					got := color.RGBA{buf[4*x], buf[4*x+1], buf[4*x+2], buf[4*x+3]}
					if !near(got, want, 1) || got.A != 0xff {
						t.Fatalf("%s: pixel (%d, %d) is %v, want %v", name, x, y, got, want)
					}
				}
			}
		}
	}
}

// referenceOpaque lays a colour on white in floating point.
func referenceOpaque(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	ch := func(v uint32) uint8 {
		f := (float64(v) + float64(0xffff-a)) / 0xffff * 255
		return uint8(math.Round(min(f, 255)))
	}
	return color.RGBA{ch(r), ch(g), ch(b), 0xff}
}

// resample is an exact area average: compare it with a direct computation in floating point.
func TestResampleAreaAverage(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range [][4]int{{37, 23, 10, 7}, {100, 3, 33, 2}, {64, 64, 63, 1}, {5, 9, 5, 2}, {9, 5, 2, 5}, {13, 11, 1, 1}, {640, 480, 256, 192}} {
		sw, sh, dw, dh := tc[0], tc[1], tc[2], tc[3]
		src := image.NewRGBA(image.Rect(0, 0, sw, sh))
		for i := range src.Pix {
			src.Pix[i] = byte(rng.UintN(256))
			if i%4 == 3 {
				src.Pix[i] = 0xff
			}
		}
		got := resample(src, dw, dh)
		if got.Rect != image.Rect(0, 0, dw, dh) {
			t.Fatalf("%v: size %v", tc, got.Rect)
		}
		fx, fy := float64(sw)/float64(dw), float64(sh)/float64(dh)
		overlap := func(a0, a1, b0, b1 float64) float64 { return max(0, min(a1, b1)-max(a0, b0)) }
		for oy := range dh {
			for ox := range dw {
				var sum [3]float64
				for y := range sh {
					wy := overlap(float64(y), float64(y+1), float64(oy)*fy, float64(oy+1)*fy)
					if wy == 0 {
						continue
					}
					for x := range sw {
						w := wy * overlap(float64(x), float64(x+1), float64(ox)*fx, float64(ox+1)*fx)
						for c := range 3 {
							sum[c] += w * float64(src.Pix[src.PixOffset(x, y)+c])
						}
					}
				}
				for c := range 3 {
					want := sum[c] / (fx * fy)
					g := float64(got.Pix[got.PixOffset(ox, oy)+c])
					if math.Abs(g-want) > 0.51 {
						t.Fatalf("%v: (%d, %d) channel %d is %v, want %.2f", tc, ox, oy, c, g, want)
					}
				}
				if got.Pix[got.PixOffset(ox, oy)+3] != 0xff {
					t.Fatalf("%v: not opaque", tc)
				}
			}
		}
	}
}

func TestResampleUniform(t *testing.T) {
	t.Parallel()
	c := color.RGBA{17, 200, 93, 255}
	src := image.NewRGBA(image.Rect(0, 0, 1001, 777))
	for i := 0; i < len(src.Pix); i += 4 {
		copy(src.Pix[i:], []byte{c.R, c.G, c.B, c.A})
	}
	got := resample(src, 256, 199)
	for i := 0; i < len(got.Pix); i += 4 {
		if got.Pix[i] != c.R || got.Pix[i+1] != c.G || got.Pix[i+2] != c.B || got.Pix[i+3] != 0xff {
			t.Fatalf("pixel %d is %v, want %v", i/4, got.Pix[i:i+4], c)
		}
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	for _, tc := range [][5]int{
		{4000, 3000, 1600, 1600, 1200}, {3000, 4000, 1600, 1200, 1600}, {1600, 1600, 1600, 1600, 1600},
		{100, 50, 1600, 100, 50}, {16384, 1, 256, 256, 1}, {1, 16384, 256, 1, 256}, {4032, 3024, 256, 256, 192},
	} {
		if w, h := fit(tc[0], tc[1], tc[2]); w != tc[3] || h != tc[4] {
			t.Errorf("fit(%d, %d, %d) = %d, %d; want %d, %d", tc[0], tc[1], tc[2], w, h, tc[3], tc[4])
		}
	}
}

// orient moves each pixel where the EXIF definition says (table in helpers_test.go).
func TestOrientPixels(t *testing.T) {
	t.Parallel()
	for o := 1; o <= 8; o++ {
		src := image.NewRGBA(image.Rect(0, 0, 3, 2))
		corners := [4]image.Point{{0, 0}, {2, 0}, {0, 1}, {2, 1}}
		for c, p := range corners {
			src.SetRGBA(p.X, p.Y, color.RGBA{uint8(c + 1), 0, 0, 255})
		}
		got := orient(src, o)
		w, h := 3, 2
		if o >= 5 {
			w, h = 2, 3
		}
		if got.Rect != image.Rect(0, 0, w, h) {
			t.Fatalf("orientation %d: size %v", o, got.Rect)
		}
		at := [4]image.Point{{0, 0}, {w - 1, 0}, {0, h - 1}, {w - 1, h - 1}}
		for c, lands := range storedLandsOn[o] {
			if v := got.RGBAAt(at[lands].X, at[lands].Y).R; v != uint8(c+1) {
				t.Errorf("orientation %d: stored %s went elsewhere (%s has %d)", o, cornerNames[c], cornerNames[lands], v)
			}
		}
	}
}

// resamplePlane (the path for decoded JPEGs) is an exact area average too.
func TestResamplePlane(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range [][4]int{{37, 23, 10, 7}, {100, 3, 33, 2}, {64, 64, 63, 1}, {5, 9, 5, 2}, {9, 5, 2, 5}, {13, 11, 1, 1}, {17, 17, 17, 16}, {4032, 2, 1600, 1}} {
		sw, sh, dw, dh := tc[0], tc[1], tc[2], tc[3]
		stride := sw + 3
		src := make([]uint8, stride*sh)
		for i := range src {
			src[i] = byte(rng.UintN(256))
		}
		got := make([]uint8, dw*dh)
		resamplePlane(src, stride, sw, sh, got, dw, dh)
		fx, fy := float64(sw)/float64(dw), float64(sh)/float64(dh)
		overlap := func(a0, a1, b0, b1 float64) float64 { return max(0, min(a1, b1)-max(a0, b0)) }
		for oy := range dh {
			for ox := range dw {
				var sum float64
				for y := range sh {
					for x := range sw {
						w := overlap(float64(y), float64(y+1), float64(oy)*fy, float64(oy+1)*fy) *
							overlap(float64(x), float64(x+1), float64(ox)*fx, float64(ox+1)*fx)
						sum += w * float64(src[y*stride+x])
					}
				}
				if want := sum / (fx * fy); math.Abs(float64(got[oy*dw+ox])-want) > 0.51 {
					t.Fatalf("%v: (%d, %d) is %d, want %.2f", tc, ox, oy, got[oy*dw+ox], want)
				}
			}
		}
	}
}

// Shrinking a YCbCr image plane by plane gives what shrinking its RGB conversion gives.
func TestResampleYCbCrMatchesRGB(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422} {
		m := image.NewYCbCr(image.Rect(0, 0, 400, 300), ratio)
		// Smooth content: chroma sited differently by the two paths must not matter much.
		for y := range 300 {
			for x := range 400 {
				m.Y[m.YOffset(x, y)] = uint8(40 + x/3 + y/5 + int(rng.UintN(8)))
				m.Cb[m.COffset(x, y)] = uint8(100 + x/8)
				m.Cr[m.COffset(x, y)] = uint8(160 - y/8)
			}
		}
		planes := resampleYCbCr(m, 150, 100, color.YCbCrToRGB)
		if planes == nil {
			t.Fatalf("%v: plane path not taken", ratio)
		}
		rgb := resample(resample(m, 400, 300), 150, 100)
		for i := range planes.Pix {
			if d := int(planes.Pix[i]) - int(rgb.Pix[i]); d < -3 || d > 3 {
				t.Fatalf("%v: byte %d is %d by planes, %d by RGB", ratio, i, planes.Pix[i], rgb.Pix[i])
			}
		}
	}
	if resampleYCbCr(image.NewYCbCr(image.Rect(0, 0, 40, 30), image.YCbCrSubsampleRatio420), 30, 20, color.YCbCrToRGB) != nil {
		t.Error("chroma (20 × 15) upscaled to 30 × 20")
	}
}
