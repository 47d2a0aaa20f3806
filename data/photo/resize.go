package photo

import (
	"image"
	"image/color"
)

// Scaling is an exact area average (a box filter of the reduction's own width, as OpenCV's
// INTER_AREA): each output pixel is the mean of the source area it covers, partial pixels
// weighted by their share. It is the right filter for shrinking photos (no aliasing of skin
// texture or hair, no ringing), costs one pass over the source with one output row of
// accumulators, and needs no intermediate image. golang.org/x/image/draw's kernels need a
// float64 buffer of output width × source height × 4 (about 150 MB for a 12 MP photo, the
// 0.9 s and 160 MB that DESIGN.md measured for CatmullRom); ApproxBiLinear is fast but samples
// only 4 source pixels per output pixel, so a 2.5× reduction aliases.
//
// Source rows are first converted to opaque 8-bit RGBA laid on white (JPEG has no alpha), with
// fast paths for every image type the decoders return. A decoded JPEG or lossy WebP (YCbCr) is
// shrunk plane by plane instead, and converted to RGB at the output's size.

// rowFunc writes source row y (0-based) into dst as opaque RGBA, 4 bytes a pixel.
type rowFunc func(y int, dst []uint8)

// rowsOf returns a converter from img's rows to opaque RGBA over white.
func rowsOf(img image.Image) rowFunc {
	r := img.Bounds()
	w := r.Dx()
	switch m := img.(type) {
	case *image.YCbCr:
		return ycbcrRows(m, r, color.YCbCrToRGB)
	case *studioYCbCr:
		return ycbcrRows(m.YCbCr, r, studioYCbCrToRGB)
	case *image.NYCbCrA:
		return alphaRows(m, r, ycbcrRows(&m.YCbCr, r, color.YCbCrToRGB))
	case *studioNYCbCrA:
		return alphaRows(m.NYCbCrA, r, ycbcrRows(&m.YCbCr, r, studioYCbCrToRGB))
	case *image.RGBA:
		return func(y int, dst []uint8) {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			s := m.Pix[i : i+4*w]
			for x := range w {
				p := s[4*x : 4*x+4 : 4*x+4]
				d := dst[4*x : 4*x+4 : 4*x+4]
				k := 0xff - p[3] // premultiplied: c + (1-a)·white
				d[0], d[1], d[2], d[3] = sat(p[0], k), sat(p[1], k), sat(p[2], k), 0xff
			}
		}
	case *image.NRGBA:
		return func(y int, dst []uint8) {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			s := m.Pix[i : i+4*w]
			for x := range w {
				p := s[4*x : 4*x+4 : 4*x+4]
				d := dst[4*x : 4*x+4 : 4*x+4]
				a := p[3]
				d[0], d[1], d[2], d[3] = overWhite(p[0], a), overWhite(p[1], a), overWhite(p[2], a), 0xff
			}
		}
	case *image.Gray:
		return func(y int, dst []uint8) {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			for x, g := range m.Pix[i : i+w] {
				d := dst[4*x : 4*x+4 : 4*x+4]
				d[0], d[1], d[2], d[3] = g, g, g, 0xff
			}
		}
	case *image.CMYK:
		return func(y int, dst []uint8) {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			s := m.Pix[i : i+4*w]
			for x := range w {
				p := s[4*x : 4*x+4 : 4*x+4]
				d := dst[4*x : 4*x+4 : 4*x+4]
				d[0], d[1], d[2] = color.CMYKToRGB(p[0], p[1], p[2], p[3])
				d[3] = 0xff
			}
		}
	case *image.Paletted:
		var pal [256][3]uint8 // indices past the palette read as black
		for i, c := range m.Palette[:min(len(m.Palette), 256)] {
			pal[i] = opaque(c)
		}
		return func(y int, dst []uint8) {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			for x, idx := range m.Pix[i : i+w] {
				d := dst[4*x : 4*x+4 : 4*x+4]
				c := pal[idx]
				d[0], d[1], d[2], d[3] = c[0], c[1], c[2], 0xff
			}
		}
	case *image.Gray16:
		return func(y int, dst []uint8) {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			s := m.Pix[i : i+2*w]
			for x := range w {
				g := s[2*x] // the high byte, as color.Gray16's RGBA()>>8
				d := dst[4*x : 4*x+4 : 4*x+4]
				d[0], d[1], d[2], d[3] = g, g, g, 0xff
			}
		}
	case *image.NRGBA64:
		return func(y int, dst []uint8) {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			s := m.Pix[i : i+8*w]
			for x := range w {
				p := s[8*x : 8*x+8 : 8*x+8]
				a := uint32(p[6])<<8 | uint32(p[7])
				ch := func(hi, lo uint8) uint8 {
					return uint8(((uint32(hi)<<8|uint32(lo))*a/0xffff + 0xffff - a) >> 8)
				}
				d := dst[4*x : 4*x+4 : 4*x+4]
				d[0], d[1], d[2], d[3] = ch(p[0], p[1]), ch(p[2], p[3]), ch(p[4], p[5]), 0xff
			}
		}
	case *image.RGBA64:
		return func(y int, dst []uint8) {
			i := m.PixOffset(r.Min.X, r.Min.Y+y)
			s := m.Pix[i : i+8*w]
			for x := range w {
				p := s[8*x : 8*x+8 : 8*x+8]
				k := 0xffff - (uint32(p[6])<<8 | uint32(p[7]))
				ch := func(hi, lo uint8) uint8 { return uint8(min((uint32(hi)<<8|uint32(lo))+k, 0xffff) >> 8) }
				d := dst[4*x : 4*x+4 : 4*x+4]
				d[0], d[1], d[2], d[3] = ch(p[0], p[1]), ch(p[2], p[3]), ch(p[4], p[5]), 0xff
			}
		}
	}
	// Anything else: through the color.Color interface, slower but exact.
	return func(y int, dst []uint8) {
		for x := range w {
			c := opaque(img.At(r.Min.X+x, r.Min.Y+y))
			d := dst[4*x : 4*x+4 : 4*x+4]
			d[0], d[1], d[2], d[3] = c[0], c[1], c[2], 0xff
		}
	}
}

// ycbcrRows converts the rows r of m with conv, full-range (JFIF) or limited-range YCbCr.
func ycbcrRows(m *image.YCbCr, r image.Rectangle, conv func(y, cb, cr uint8) (uint8, uint8, uint8)) rowFunc {
	w := r.Dx()
	cdx, cdy := chromaDivisors(m.SubsampleRatio)
	return func(y int, dst []uint8) {
		sy := r.Min.Y + y
		yi := (sy-m.Rect.Min.Y)*m.YStride - m.Rect.Min.X
		ci := (sy/cdy - m.Rect.Min.Y/cdy) * m.CStride
		c0 := m.Rect.Min.X / cdx
		for x := range w {
			sx := r.Min.X + x
			c := ci + sx/cdx - c0
			rr, gg, bb := conv(m.Y[yi+sx], m.Cb[c], m.Cr[c])
			d := dst[4*x : 4*x+4 : 4*x+4]
			d[0], d[1], d[2], d[3] = rr, gg, bb, 0xff
		}
	}
}

// alphaRows lays the rows that ycc converts on white by m's alpha plane.
func alphaRows(m *image.NYCbCrA, r image.Rectangle, ycc rowFunc) rowFunc {
	w := r.Dx()
	return func(y int, dst []uint8) {
		ycc(y, dst)
		ai := (r.Min.Y+y-m.Rect.Min.Y)*m.AStride + (r.Min.X - m.Rect.Min.X)
		for x, a := range m.A[ai : ai+w] {
			d := dst[4*x : 4*x+3 : 4*x+3]
			d[0], d[1], d[2] = overWhite(d[0], a), overWhite(d[1], a), overWhite(d[2], a)
		}
	}
}

// A lossy WebP is VP8, which codes colour as limited-range ("studio swing") BT.601 YCbCr: Y from
// 16 (black) to 235 (white), Cb and Cr from 16 to 240. golang.org/x/image/webp returns it as an
// image.YCbCr all the same, which Go converts as full-range JFIF YCbCr (golang/go#40173): black
// comes out 16, white 235, every colour washed out. load wraps the decoder's image in these
// types so that it is converted with the limited-range formulas, as libwebp does.
type (
	studioYCbCr   struct{ *image.YCbCr }
	studioNYCbCrA struct{ *image.NYCbCrA }
)

func (m *studioYCbCr) ColorModel() color.Model { return color.RGBAModel }
func (m *studioYCbCr) At(x, y int) color.Color {
	if !(image.Point{x, y}.In(m.Rect)) {
		return color.RGBA{}
	}
	yi, ci := m.YOffset(x, y), m.COffset(x, y)
	r, g, b := studioYCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
	return color.RGBA{r, g, b, 0xff}
}

func (m *studioNYCbCrA) ColorModel() color.Model { return color.NRGBAModel }
func (m *studioNYCbCrA) At(x, y int) color.Color {
	if !(image.Point{x, y}.In(m.Rect)) {
		return color.NRGBA{}
	}
	yi, ci := m.YOffset(x, y), m.COffset(x, y)
	r, g, b := studioYCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
	return color.NRGBA{r, g, b, m.A[m.AOffset(x, y)]}
}

// studioYCbCrToRGB converts limited-range BT.601 YCbCr to RGB, in 16.16 fixed point:
// R = 1.164(Y-16) + 1.596(Cr-128), G = 1.164(Y-16) - 0.392(Cb-128) - 0.813(Cr-128),
// B = 1.164(Y-16) + 2.017(Cb-128).
func studioYCbCrToRGB(y, cb, cr uint8) (uint8, uint8, uint8) {
	yy := (int32(y) - 16) * 76309
	b1, r1 := int32(cb)-128, int32(cr)-128
	clamp := func(v int32) uint8 {
		v = (v + 1<<15) >> 16
		return uint8(max(0, min(255, v)))
	}
	return clamp(yy + 104597*r1), clamp(yy - 25675*b1 - 53279*r1), clamp(yy + 132201*b1)
}

// chromaDivisors gives how many luma pixels share one chroma sample across and down.
func chromaDivisors(r image.YCbCrSubsampleRatio) (dx, dy int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	}
	return 1, 1
}

// overWhite lays a non-premultiplied 8-bit channel value c with alpha a on white.
func overWhite(c, a uint8) uint8 {
	return uint8((uint32(c)*uint32(a) + 0xff*(0xff-uint32(a)) + 0x7f) / 0xff)
}

// sat adds without wrapping (a malformed premultiplied pixel may have a channel above its alpha).
func sat(c, k uint8) uint8 {
	if s := uint32(c) + uint32(k); s < 0xff {
		return uint8(s)
	}
	return 0xff
}

// opaque lays any colour on white and returns its 8-bit RGB.
func opaque(c color.Color) [3]uint8 {
	if c == nil {
		return [3]uint8{}
	}
	r, g, b, a := c.RGBA() // premultiplied, 16 bits
	k := 0xffff - a
	ch := func(v uint32) uint8 { return uint8(min(v+k, 0xffff) >> 8) }
	return [3]uint8{ch(r), ch(g), ch(b)}
}

// resample converts img to an opaque *image.RGBA of dw × dh, by area averaging when that is
// smaller than img. It never scales up: dw and dh must not exceed img's size.
func resample(img image.Image, dw, dh int) *image.RGBA {
	sr := img.Bounds()
	sw, sh := sr.Dx(), sr.Dy()
	dw, dh = min(dw, sw), min(dh, sh)
	switch m := img.(type) {
	case *image.YCbCr:
		if dst := resampleYCbCr(m, dw, dh, color.YCbCrToRGB); dst != nil {
			return dst
		}
	case *studioYCbCr:
		if dst := resampleYCbCr(m.YCbCr, dw, dh, studioYCbCrToRGB); dst != nil {
			return dst
		}
	}
	row := rowsOf(img)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	if dw == sw && dh == sh {
		for y := range sh {
			row(y, dst.Pix[y*dst.Stride:y*dst.Stride+4*sw])
		}
		return dst
	}

	// In units of 1/(dw·dh) of a source pixel, source column x spans [x·dw, (x+1)·dw) and output
	// column i spans [i·sw, (i+1)·sw); as dw ≤ sw, a source column overlaps at most two output
	// columns. The same holds for rows. The weights of an output pixel add up to sw·sh.
	xs := spans(sw, dw)
	ys := spans(sh, dh)
	buf := make([]uint8, 4*sw)
	hrow := make([]uint32, 3*dw)     // one source row, reduced across: at most 255·sw per channel
	acc := make([]uint64, 3*dw)      // the output row being filled
	next := make([]uint64, 3*dw)     // the part of the next output row already covered
	total := uint64(sw) * uint64(sh) // sum of weights
	half := total / 2
	for y := range sh {
		row(y, buf)
		clear(hrow)
		for x, s := range xs {
			p := buf[4*x : 4*x+3 : 4*x+3]
			h := hrow[3*s.i : 3*s.i+3 : 3*s.i+3]
			h[0] += uint32(p[0]) * s.w0
			h[1] += uint32(p[1]) * s.w0
			h[2] += uint32(p[2]) * s.w0
			if s.w1 != 0 {
				h := hrow[3*s.i+3 : 3*s.i+6 : 3*s.i+6]
				h[0] += uint32(p[0]) * s.w1
				h[1] += uint32(p[1]) * s.w1
				h[2] += uint32(p[2]) * s.w1
			}
		}
		s := ys[y]
		w0, w1 := uint64(s.w0), uint64(s.w1)
		for i, v := range hrow {
			acc[i] += uint64(v) * w0
		}
		if w1 != 0 {
			for i, v := range hrow {
				next[i] += uint64(v) * w1
			}
		}
		if s.last {
			out := dst.Pix[int(s.i)*dst.Stride : int(s.i)*dst.Stride+4*dw]
			for x := range dw {
				a := acc[3*x : 3*x+3 : 3*x+3]
				d := out[4*x : 4*x+4 : 4*x+4]
				d[0] = uint8((a[0] + half) / total)
				d[1] = uint8((a[1] + half) / total)
				d[2] = uint8((a[2] + half) / total)
				d[3] = 0xff
			}
			acc, next = next, acc
			clear(next)
		}
	}
	return dst
}

// resampleYCbCr shrinks a decoded JPEG or lossy WebP plane by plane, before converting to RGB:
// the luma plane is one byte a pixel and the chroma planes are smaller, so this does about half
// the work of averaging RGB, and converts only the output's pixels. As the conversion is affine,
// the result is the same. It returns nil when the chroma planes are smaller than the output
// (resample only shrinks), or for a sub-image, which the decoders never return.
func resampleYCbCr(m *image.YCbCr, dw, dh int, conv func(y, cb, cr uint8) (uint8, uint8, uint8)) *image.RGBA {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	cdx, cdy := chromaDivisors(m.SubsampleRatio)
	cw, ch := (w+cdx-1)/cdx, (h+cdy-1)/cdy
	if m.Rect.Min != (image.Point{}) || dw > cw || dh > ch || len(m.Cb) < (ch-1)*m.CStride+cw || len(m.Cr) < (ch-1)*m.CStride+cw {
		return nil
	}
	y := make([]uint8, 3*dw*dh)
	cb, cr := y[dw*dh:2*dw*dh], y[2*dw*dh:]
	resamplePlane(m.Y, m.YStride, w, h, y[:dw*dh], dw, dh)
	resamplePlane(m.Cb, m.CStride, cw, ch, cb, dw, dh)
	resamplePlane(m.Cr, m.CStride, cw, ch, cr, dw, dh)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for i := range dw * dh {
		d := dst.Pix[4*i : 4*i+4 : 4*i+4]
		d[0], d[1], d[2] = conv(y[i], cb[i], cr[i])
		d[3] = 0xff
	}
	return dst
}

// resamplePlane area-averages one 8-bit plane of sw × sh (rows stride apart) into dst, dw × dh
// with rows dw apart, as resample does for RGB. Across, each output column sums its whole source
// pixels in a tight loop and weighs the partial ones at its two ends.
func resamplePlane(src []uint8, stride, sw, sh int, dst []uint8, dw, dh int) {
	cols := columns(sw, dw)
	ys := spans(sh, dh)
	hrow := make([]uint32, dw)
	acc := make([]uint64, dw)
	next := make([]uint64, dw)
	total := uint64(sw) * uint64(sh)
	half := total / 2
	for y := range sh {
		line := src[y*stride : y*stride+sw]
		for i, c := range cols {
			h := uint32(line[c.first]) * c.wFirst
			if c.last > c.first {
				var inner uint32
				for _, v := range line[c.first+1 : c.last] {
					inner += uint32(v)
				}
				h += inner*uint32(dw) + uint32(line[c.last])*c.wLast
			}
			hrow[i] = h
		}
		s := ys[y]
		w0, w1 := uint64(s.w0), uint64(s.w1)
		for i, v := range hrow {
			acc[i] += uint64(v) * w0
		}
		if w1 != 0 {
			for i, v := range hrow {
				next[i] += uint64(v) * w1
			}
		}
		if s.last {
			out := dst[int(s.i)*dw : int(s.i)*dw+dw]
			for i, a := range acc {
				out[i] = uint8((a + half) / total)
			}
			acc, next = next, acc
			clear(next)
		}
	}
}

// column gives the source pixels under an output column: first to last inclusive, the first
// weighing wFirst and the last wLast (units as in spans), those between a full source pixel.
type column struct {
	first, last   int
	wFirst, wLast uint32
}

func columns(sn, dn int) []column {
	out := make([]column, dn)
	for i := range dn {
		lo, hi := i*sn, (i+1)*sn // the output column, in units of 1/dn source pixel
		first, last := lo/dn, (hi-1)/dn
		overlap := func(x int) uint32 { return uint32(min(hi, (x+1)*dn) - max(lo, x*dn)) }
		out[i] = column{first: first, last: last, wFirst: overlap(first), wLast: overlap(last)}
	}
	return out
}

// span says how a source column (or row) falls on the output: weight w0 on output column i and
// w1 on column i+1; last is set when it completes output column i.
type span struct {
	i      int32
	w0, w1 uint32
	last   bool
}

func spans(sn, dn int) []span {
	out := make([]span, sn)
	for x := range sn {
		lo, hi := x*dn, (x+1)*dn
		i := lo / sn
		end := (i + 1) * sn
		if hi <= end {
			out[x] = span{i: int32(i), w0: uint32(dn), last: hi == end}
		} else {
			out[x] = span{i: int32(i), w0: uint32(end - lo), w1: uint32(hi - end), last: true}
		}
	}
	return out
}

// orient returns src turned upright for an EXIF orientation (1 to 8). Orientations 5 to 8 swap
// width and height. For a stored pixel (x, y) of a w × h image, the upright position is:
//
//	1 (x, y)            2 mirror: (w-1-x, y)        3 rotate 180°: (w-1-x, h-1-y)   4 flip: (x, h-1-y)
//	5 transpose: (y, x) 6 rotate 90° cw: (h-1-y, x) 7 transverse: (h-1-y, w-1-x)    8 rotate 90° ccw: (y, w-1-x)
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		srow := src.Pix[y*src.Stride : y*src.Stride+4*w]
		for x := range w {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			i := dy*dst.Stride + 4*dx
			copy(dst.Pix[i:i+4], srow[4*x:4*x+4])
		}
	}
	return dst
}
