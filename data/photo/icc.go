package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"math"
	"slices"
)

// Colour profiles. A photo may say in an embedded ICC profile that its RGB values are not sRGB:
// Adobe RGB (1998) from cameras set to it, Display P3 from iPhones. Renditions and exports are
// written without any profile, which every viewer and PDF reader takes as sRGB, so the pixels
// are converted to sRGB first; otherwise an Adobe RGB red of 200,60,60 would be shown as a dull
// 200,60,60 sRGB instead of the 231,57,57 it is.
//
// Camera and phone profiles are "matrix/TRC" RGB profiles: a tone curve per channel (TRC) makes
// the values linear, and a 3 × 3 matrix (the rXYZ, gXYZ and bXYZ tags) takes linear RGB to the
// profile connection space, CIE XYZ under D50. To sRGB is the same path backwards with sRGB's
// own matrix and curve: both matrices are folded into one, the curves become lookup tables.
// Relative colorimetric intent: colours outside sRGB are clipped. Profiles of other kinds (LUT
// based, CMYK, grey, Lab) are left alone, as before: the pixels are taken as sRGB.
// No Go package for this is kept up and served by the module proxy, hence these 200 lines.

// maxICCBytes bounds a profile: matrix/TRC profiles are a few KB, LUT profiles up to a few MB.
const maxICCBytes = 4 << 20

// iccOf returns a photo's embedded ICC profile, or nil.
func iccOf(format string, b []byte) []byte {
	switch format {
	case "jpeg":
		return jpegICC(b)
	case "png":
		return pngICC(b)
	case "webp":
		var p []byte
		riffChunks(b, func(id string, data []byte) bool {
			if id == "ICCP" {
				p = data
				return false
			}
			return true
		})
		return p
	}
	return nil
}

var iccMarker = []byte("ICC_PROFILE\x00")

// jpegICC joins the APP2 "ICC_PROFILE" segments before the image data, each numbered i of n
// (a profile over 64 KB is split), in their numbers' order; nil when one is missing.
func jpegICC(b []byte) []byte {
	var parts [][]byte
	count := 0
	jpegHeaderSegments(b, func(m byte, seg []byte) bool {
		if m != 0xE2 || len(seg) < len(iccMarker)+2 || !bytes.Equal(seg[:len(iccMarker)], iccMarker) {
			return true
		}
		seq, n := int(seg[len(iccMarker)]), int(seg[len(iccMarker)+1])
		if n == 0 || seq == 0 || seq > n || (count != 0 && n != count) {
			return true
		}
		if parts == nil {
			count, parts = n, make([][]byte, n)
		}
		parts[seq-1] = seg[len(iccMarker)+2:]
		return true
	})
	if parts == nil || slices.ContainsFunc(parts, func(p []byte) bool { return p == nil }) {
		return nil
	}
	return bytes.Join(parts, nil)
}

// pngICC returns the profile of a PNG's iCCP chunk (a name, a NUL, method 0, zlib data), or nil.
func pngICC(b []byte) []byte {
	var p []byte
	pngChunks(b, func(typ string, start, end int) bool {
		if typ == "iCCP" {
			d := b[start:end]
			if z := bytes.IndexByte(d, 0); z >= 1 && z+2 <= len(d) && d[z+1] == 0 {
				p, _ = inflate(d[z+2:], maxICCBytes)
			}
		}
		return typ != "iCCP" && typ != "IDAT" // the profile comes before the image data
	})
	return p
}

// colourTransform converts 8-bit RGB in a matrix/TRC profile's space to sRGB, in integers (a
// 12 MP export converts 12 million pixels): linear light runs from 0 to encSteps, the matrix has
// matrixBits fractional bits.
type colourTransform struct {
	lin [3][256]int32 // each channel's 8-bit value, made linear by its tone curve
	m   [9]int32      // linear RGB to linear sRGB, row by row
}

const matrixBits = 12

// encSteps is the size of the table that encodes linear light as 8-bit sRGB: fine enough that
// even sRGB's steepest part (12.92 near black) is within half a level.
const encSteps = 1 << 14

var srgbEncode = func() (t [encSteps + 1]uint8) {
	for i := range t {
		v := float64(i) / encSteps
		if v <= 0.0031308 {
			v *= 12.92
		} else {
			v = 1.055*math.Pow(v, 1/2.4) - 0.055
		}
		t[i] = uint8(math.Round(v * 255))
	}
	return t
}()

// srgbD50 is the matrix of the sRGB profile (IEC 61966-2-1 primaries and D65 white, adapted to
// the D50 connection space by Bradford, as the sRGB profile's rXYZ, gXYZ and bXYZ tags hold it),
// by columns, and toSRGB its inverse.
var (
	srgbD50 = [9]float64{
		0.4360747, 0.3850649, 0.1430804,
		0.2225045, 0.7168786, 0.0606169,
		0.0139322, 0.0971045, 0.7141733,
	}
	toSRGB = invert3(srgbD50)
)

// parseICC reads a matrix/TRC RGB profile and returns its conversion to sRGB; nil for a profile
// of another kind, a damaged one, or one that is sRGB already (nothing to do).
func parseICC(p []byte) *colourTransform {
	if len(p) < 132 || string(p[16:20]) != "RGB " || string(p[20:24]) != "XYZ " {
		return nil
	}
	tags := map[string][]byte{}
	n := min(uint64(binary.BigEndian.Uint32(p[128:])), uint64(len(p)-132)/12)
	for k := range n {
		e := p[132+12*k:]
		off, size := uint64(binary.BigEndian.Uint32(e[4:])), uint64(binary.BigEndian.Uint32(e[8:]))
		if off <= uint64(len(p)) && size <= uint64(len(p))-off {
			tags[string(e[:4])] = p[off : off+size]
		}
	}
	var src [9]float64
	for col, sig := range []string{"rXYZ", "gXYZ", "bXYZ"} {
		d := tags[sig]
		if len(d) < 20 || string(d[:4]) != "XYZ " {
			return nil
		}
		for row := range 3 {
			src[3*row+col] = s15Fixed16(d[8+4*row:])
		}
	}
	t := &colourTransform{}
	for ch, sig := range []string{"rTRC", "gTRC", "bTRC"} {
		curve := toneCurve(tags[sig])
		if curve == nil {
			return nil
		}
		for i := range 256 {
			v := curve(float64(i) / 255)
			if !(v >= 0) { // NaN too
				v = 0
			}
			t.lin[ch][i] = int32(math.Round(min(v, 1) * encSteps))
		}
	}
	m := mul3(toSRGB, src)
	for i, v := range m {
		// Real profiles give coefficients within ±3; within ±8 no sum can overflow an int32.
		if !(math.Abs(v) <= 8) {
			return nil
		}
		t.m[i] = int32(math.Round(v * (1 << matrixBits)))
	}
	if t.isIdentity() {
		return nil
	}
	return t
}

// isIdentity reports whether t changes no 8-bit colour by more than a level: an sRGB profile.
func (t *colourTransform) isIdentity() bool {
	for r := 0; r < 256; r += 15 {
		for g := 0; g < 256; g += 15 {
			for b := 0; b < 256; b += 15 {
				o := t.convert(uint8(r), uint8(g), uint8(b))
				if absDiff(o[0], uint8(r)) > 1 || absDiff(o[1], uint8(g)) > 1 || absDiff(o[2], uint8(b)) > 1 {
					return false
				}
			}
		}
	}
	return true
}

func absDiff(a, b uint8) uint8 { return max(a, b) - min(a, b) }

func (t *colourTransform) convert(r, g, b uint8) [3]uint8 {
	lr, lg, lb := t.lin[0][r], t.lin[1][g], t.lin[2][b]
	m := &t.m
	const half = 1 << (matrixBits - 1)
	enc := func(v int32) uint8 { return srgbEncode[min(max(v>>matrixBits, 0), encSteps)] }
	return [3]uint8{
		enc(m[0]*lr + m[1]*lg + m[2]*lb + half),
		enc(m[3]*lr + m[4]*lg + m[5]*lb + half),
		enc(m[6]*lr + m[7]*lg + m[8]*lb + half),
	}
}

// apply converts img's pixels to sRGB in place; a nil transform does nothing.
func (t *colourTransform) apply(img *image.RGBA) {
	if t == nil {
		return
	}
	r := img.Rect
	for y := range r.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+4*r.Dx()]
		for x := 0; x+4 <= len(row); x += 4 {
			p := row[x : x+3 : x+3]
			o := t.convert(p[0], p[1], p[2])
			p[0], p[1], p[2] = o[0], o[1], o[2]
		}
	}
}

// toneCurve reads a curv or para tag as a function from encoded to linear values, both 0 to 1.
func toneCurve(d []byte) func(float64) float64 {
	if len(d) < 12 {
		return nil
	}
	switch string(d[:4]) {
	case "curv":
		n := uint64(binary.BigEndian.Uint32(d[8:]))
		switch {
		case n == 0:
			return func(x float64) float64 { return x }
		case n == 1 && len(d) >= 14:
			g := float64(binary.BigEndian.Uint16(d[12:])) / 256
			return func(x float64) float64 { return math.Pow(x, g) }
		case n >= 2 && n <= uint64(len(d)-12)/2:
			table := d[12 : 12+2*n]
			at := func(i int) float64 { return float64(binary.BigEndian.Uint16(table[2*i:])) / 65535 }
			return func(x float64) float64 {
				pos := x * float64(n-1)
				i := min(int(pos), int(n)-2)
				f := pos - float64(i)
				return at(i)*(1-f) + at(i+1)*f
			}
		}
	case "para":
		kind := binary.BigEndian.Uint16(d[8:])
		need := map[uint16]int{0: 1, 1: 3, 2: 4, 3: 5, 4: 7}[kind]
		if need == 0 || len(d) < 12+4*need {
			return nil
		}
		var v [7]float64
		for i := range need {
			v[i] = s15Fixed16(d[12+4*i:])
		}
		g, a, b, c, dd, e, f := v[0], v[1], v[2], v[3], v[4], v[5], v[6]
		pow := func(x float64) float64 { return math.Pow(max(x, 0), g) }
		switch kind {
		case 0:
			return pow
		case 1:
			return func(x float64) float64 { return pow(a*x + b) }
		case 2:
			return func(x float64) float64 { return pow(a*x+b) + c }
		case 3:
			return func(x float64) float64 {
				if x >= dd {
					return pow(a*x + b)
				}
				return c * x
			}
		case 4:
			return func(x float64) float64 {
				if x >= dd {
					return pow(a*x+b) + e
				}
				return c*x + f
			}
		}
	}
	return nil
}

func s15Fixed16(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) / 65536 }

func mul3(a, b [9]float64) (m [9]float64) {
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				m[3*i+j] += a[3*i+k] * b[3*k+j]
			}
		}
	}
	return m
}

func invert3(m [9]float64) [9]float64 {
	a, b, c, d, e, f, g, h, i := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
	det := a*(e*i-f*h) - b*(d*i-f*g) + c*(d*h-e*g)
	return [9]float64{
		(e*i - f*h) / det, (c*h - b*i) / det, (b*f - c*e) / det,
		(f*g - d*i) / det, (a*i - c*g) / det, (c*d - a*f) / det,
		(d*h - e*g) / det, (b*g - a*h) / det, (a*e - b*d) / det,
	}
}
