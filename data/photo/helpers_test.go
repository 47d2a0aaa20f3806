package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data/photo/phototest"
)

// Test images are made here, not checked in: a scene with coloured corners, JPEG and PNG
// encodings of it, and EXIF blocks built field by field.

var (
	red    = color.RGBA{255, 0, 0, 255}
	green  = color.RGBA{0, 255, 0, 255}
	blue   = color.RGBA{0, 0, 255, 255}
	yellow = color.RGBA{255, 255, 0, 255}
	grey   = color.RGBA{128, 128, 128, 255}
)

// Corners, in the order used by the tables below.
const (
	topLeft = iota
	topRight
	bottomLeft
	bottomRight
)

var cornerNames = [4]string{"top left", "top right", "bottom left", "bottom right"}

// cornerImage is a w × h grey picture whose corner blocks (a quarter of each side) have the
// colours given in corner order.
func cornerImage(w, h int, corners [4]color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := grey
			left, right := x < w/4, x >= w-w/4
			top, bottom := y < h/4, y >= h-h/4
			switch {
			case left && top:
				c = corners[topLeft]
			case right && top:
				c = corners[topRight]
			case left && bottom:
				c = corners[bottomLeft]
			case right && bottom:
				c = corners[bottomRight]
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// uprightCorners are the colours a correctly turned photo shows.
var uprightCorners = [4]color.RGBA{red, green, blue, yellow}

// storedLandsOn gives, for each EXIF orientation, the upright corner on which each stored corner
// (top left, top right, bottom left, bottom right) lands. It is written from the EXIF 2.32
// definitions ("the 0th row is the visual right-hand side, the 0th column the visual top" for 6,
// and so on), independently of the code under test.
var storedLandsOn = [9][4]int{
	1: {topLeft, topRight, bottomLeft, bottomRight}, // 0th row top, 0th column left
	2: {topRight, topLeft, bottomRight, bottomLeft}, // 0th row top, 0th column right
	3: {bottomRight, bottomLeft, topRight, topLeft}, // 0th row bottom, 0th column right
	4: {bottomLeft, bottomRight, topLeft, topRight}, // 0th row bottom, 0th column left
	5: {topLeft, bottomLeft, topRight, bottomRight}, // 0th row left, 0th column top
	6: {topRight, bottomRight, topLeft, bottomLeft}, // 0th row right, 0th column top
	7: {bottomRight, topRight, bottomLeft, topLeft}, // 0th row right, 0th column bottom
	8: {bottomLeft, topLeft, bottomRight, topRight}, // 0th row left, 0th column bottom
}

// storedImage is how a camera held at orientation o stores a scene that is w × h upright.
func storedImage(o, w, h int) *image.RGBA {
	var stored [4]color.RGBA
	for c, lands := range storedLandsOn[o] {
		stored[c] = uprightCorners[lands]
	}
	if o >= 5 {
		w, h = h, w
	}
	return cornerImage(w, h, stored)
}

// checkCorners decodes a JPEG and checks the colour inside each corner block.
func checkCorners(t *testing.T, what string, jpg []byte, want [4]color.RGBA) {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	r := m.Bounds()
	w, h := r.Dx(), r.Dy()
	at := [4]image.Point{{w / 8, h / 8}, {w - 1 - w/8, h / 8}, {w / 8, h - 1 - h/8}, {w - 1 - w/8, h - 1 - h/8}}
	for c, p := range at {
		if got := color.RGBAModel.Convert(m.At(p.X, p.Y)).(color.RGBA); !near(got, want[c], 40) {
			t.Errorf("%s: %s corner at %v is %v, want %v", what, cornerNames[c], p, got, want[c])
		}
	}
}

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return max(int(x)-int(y), int(y)-int(x)) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

func jpegSize(t *testing.T, jpg []byte) (w, h int) {
	t.Helper()
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(jpg))
	if err != nil {
		t.Fatalf("output is not a JPEG: %v", err)
	}
	return cfg.Width, cfg.Height
}

func encodeJPEG(t testing.TB, m image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Values that a clean output must not carry.
const (
	testMake   = "NeedleCam"
	testSerial = "SN-4C3A91Z7"
	testDatum  = "WGS-84"
)

// testLatitude is the GPSLatitude value (48° 51' 29.64") as it is stored: three rationals.
func testLatitude(bo byteOrder) []byte { return rationals(bo, 48, 1, 51, 1, 2964, 100) }

// byteOrder reads and appends: binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

func rationals(bo byteOrder, v ...uint32) []byte {
	var b []byte
	for _, x := range v {
		b = bo.AppendUint32(b, x)
	}
	return b
}

// exifSpec describes an EXIF block for buildTIFF. Empty fields are left out.
type exifSpec struct {
	bo          byteOrder
	orientation uint16
	taken       string // DateTimeOriginal, "2006:01:02 15:04:05"
	offset      string // OffsetTimeOriginal, "+02:00"
	gps         bool   // a GPS IFD with a position and map datum
}

// buildTIFF lays out a TIFF block: header, IFD0 (Make, Orientation, Exif and GPS pointers), the
// Exif IFD (a body serial number and dates) and the GPS IFD, each followed by its long values.
func buildTIFF(s exifSpec) []byte {
	e := phototest.EXIF{BigEndian: s.bo == binary.BigEndian, Make: testMake, Orientation: s.orientation,
		Serial: testSerial, Taken: s.taken, Digitized: true, Offset: s.offset}
	if s.gps {
		g := *phototest.Paris
		g.Version, g.Datum = [4]byte{2, 3, 0, 0}, testDatum
		e.GPS = &g
	}
	return e.TIFF()
}

// photoJPEG is a JPEG of the corner scene stored at orientation o, with full EXIF and GPS.
func photoJPEG(t testing.TB, o, w, h int, bo byteOrder) []byte {
	t.Helper()
	tiff := buildTIFF(exifSpec{bo: bo, orientation: uint16(o), taken: "2024:05:17 14:03:09", offset: "+02:00", gps: true})
	return phototest.WithAPP1(encodeJPEG(t, storedImage(o, w, h), 95), tiff)
}

// readSeed reads a file from testdata.
func readSeed(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// riffFile wraps chunks into a RIFF WEBP file, padding odd chunks.
func riffFile(chunks ...[]byte) []byte {
	var body []byte
	for _, c := range chunks {
		body = append(body, c...)
		if len(c)%2 == 1 {
			body = append(body, 0)
		}
	}
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(4+len(body)))
	out = append(out, "WEBP"...)
	return append(out, body...)
}

func riffChunk(id string, data []byte) []byte {
	out := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(data)))
	return append(out, data...)
}

// vp8x is a VP8X chunk with the given flags and canvas size.
func vp8x(flags byte, w, h int) []byte {
	d := make([]byte, 10)
	d[0] = flags
	d[4], d[5], d[6] = byte(w-1), byte((w-1)>>8), byte((w-1)>>16)
	d[7], d[8], d[9] = byte(h-1), byte((h-1)>>8), byte((h-1)>>16)
	return riffChunk("VP8X", d)
}

// firstChunk returns the data of the first chunk with the given id in a RIFF file.
func firstChunk(t testing.TB, b []byte, id string) []byte {
	t.Helper()
	var out []byte
	riffChunks(b, func(cid string, d []byte) bool {
		if cid == id {
			out = d
			return false
		}
		return true
	})
	if out == nil {
		t.Fatalf("no %s chunk", id)
	}
	return out
}

// segments lists the JPEG markers before the image data (SOS), for the metadata checks.
func segments(jpg []byte) []byte {
	var markers []byte
	i := 2
	for i+4 <= len(jpg) && jpg[i] == 0xFF {
		m := jpg[i+1]
		markers = append(markers, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(jpg[i+2:]))
	}
	return markers
}
