package photo

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"runtime"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data/photo/phototest"
)

// Every orientation, in both byte orders: the thumbnail, the preview and Clean's output are
// upright, Info gives the upright size, the time taken and the hash of the original.
func TestProcessOrientations(t *testing.T) {
	t.Parallel()
	wantTaken := time.Date(2024, 5, 17, 12, 3, 9, 0, time.UTC) // 14:03:09 at +02:00
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		for o := 1; o <= 8; o++ {
			t.Run(fmt.Sprintf("%v/%d", bo, o), func(t *testing.T) {
				orig := photoJPEG(t, o, 400, 300, bo)
				p, err := Process(orig)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(orig)
				want := Info{Format: "jpeg", Width: 400, Height: 300, Orientation: o, SHA256: hex.EncodeToString(sum[:])}
				got := p.Info
				got.TakenAt = time.Time{}
				if got != want {
					t.Errorf("Info = %+v, want %+v", got, want)
				}
				if !p.Info.TakenAt.Equal(wantTaken) {
					t.Errorf("TakenAt = %v, want %v", p.Info.TakenAt, wantTaken)
				}
				if _, off := p.Info.TakenAt.Zone(); off != 2*3600 {
					t.Errorf("TakenAt zone offset = %d s, want the camera's +02:00", off)
				}
				if w, h := jpegSize(t, p.Thumbnail); w != 256 || h != 192 {
					t.Errorf("thumbnail is %d × %d, want 256 × 192", w, h)
				}
				if w, h := jpegSize(t, p.Preview); w != 400 || h != 300 {
					t.Errorf("preview is %d × %d, want 400 × 300 (never upscaled)", w, h)
				}
				checkCorners(t, "thumbnail", p.Thumbnail, uprightCorners)
				checkCorners(t, "preview", p.Preview, uprightCorners)

				clean, err := clean(orig, 0)
				if err != nil {
					t.Fatal(err)
				}
				if w, h := jpegSize(t, clean); w != 400 || h != 300 {
					t.Errorf("Clean output is %d × %d, want 400 × 300", w, h)
				}
				checkCorners(t, "Clean", clean, uprightCorners)
				for name, out := range map[string][]byte{"thumbnail": p.Thumbnail, "preview": p.Preview, "Clean": clean} {
					checkNoMetadata(t, name, out, bo)
				}
			})
		}
	}
}

// checkNoMetadata checks that an output has no APPn or COM segment and none of the original's
// metadata values anywhere in it.
func checkNoMetadata(t *testing.T, name string, out []byte, bo byteOrder) {
	t.Helper()
	for _, m := range segments(out) {
		if m >= 0xE0 && m <= 0xEF || m == 0xFE {
			t.Errorf("%s has an APP%d/COM segment (marker %#x)", name, m-0xE0, m)
		}
	}
	for _, s := range [][]byte{[]byte("Exif\x00\x00"), {0xFF, 0xE1}, []byte(testMake), []byte(testSerial), []byte(testDatum), testLatitude(bo)} {
		if bytes.Contains(out, s) {
			t.Errorf("%s contains %q from the original's metadata", name, s)
		}
	}
}

func TestProcessSizes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w, h, o            int
		thumbW, thumbH     int
		previewW, previewH int
	}{
		{4000, 3000, 1, 256, 192, 1600, 1200},
		{3000, 4000, 1, 192, 256, 1200, 1600},
		{4000, 3000, 6, 192, 256, 1200, 1600}, // a portrait photo stored landscape
		{1600, 900, 1, 256, 144, 1600, 900},
		{1601, 1, 1, 256, 1, 1600, 1},
		{200, 100, 1, 200, 100, 200, 100}, // small: never upscaled
		{1, 1, 8, 1, 1, 1, 1},
	} {
		t.Run(fmt.Sprintf("%dx%d@%d", tc.w, tc.h, tc.o), func(t *testing.T) {
			orig := phototest.WithAPP1(encodeJPEG(t, image.NewGray(image.Rect(0, 0, tc.w, tc.h)), 50),
				buildTIFF(exifSpec{orientation: uint16(tc.o)}))
			p, err := Process(orig)
			if err != nil {
				t.Fatal(err)
			}
			if w, h := jpegSize(t, p.Thumbnail); w != tc.thumbW || h != tc.thumbH {
				t.Errorf("thumbnail is %d × %d, want %d × %d", w, h, tc.thumbW, tc.thumbH)
			}
			if w, h := jpegSize(t, p.Preview); w != tc.previewW || h != tc.previewH {
				t.Errorf("preview is %d × %d, want %d × %d", w, h, tc.previewW, tc.previewH)
			}
			if p.Info.TakenAt != (time.Time{}) {
				t.Errorf("TakenAt = %v without a date in EXIF, want zero", p.Info.TakenAt)
			}
		})
	}
}

func TestCleanScales(t *testing.T) {
	t.Parallel()
	orig := photoJPEG(t, 6, 1200, 900, binary.BigEndian) // stored 900 × 1200
	out, err := clean(orig, 800)
	if err != nil {
		t.Fatal(err)
	}
	if w, h := jpegSize(t, out); w != 800 || h != 600 {
		t.Errorf("clean(800) is %d × %d, want 800 × 600", w, h)
	}
	checkCorners(t, "clean(800)", out, uprightCorners)
	checkNoMetadata(t, "clean(800)", out, binary.BigEndian)
	out, err = clean(orig, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if w, h := jpegSize(t, out); w != 1200 || h != 900 {
		t.Errorf("clean(5000) is %d × %d, want 1200 × 900 (never upscaled)", w, h)
	}
}

func TestProcessPNG(t *testing.T) {
	t.Parallel()
	// Transparent middle on white; the corners keep their colours.
	m := image.NewNRGBA(image.Rect(0, 0, 120, 80))
	scene := cornerImage(120, 80, uprightCorners)
	for y := range 80 {
		for x := range 120 {
			c := scene.RGBAAt(x, y)
			n := color.NRGBA{c.R, c.G, c.B, 255}
			if c == grey {
				n = color.NRGBA{0, 0, 0, 0}
			}
			m.SetNRGBA(x, y, n)
		}
	}
	p, err := Process(encodePNG(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if p.Info.Format != "png" || p.Info.Width != 120 || p.Info.Height != 80 || p.Info.Orientation != 1 {
		t.Errorf("Info = %+v", p.Info)
	}
	checkCorners(t, "thumbnail", p.Thumbnail, uprightCorners)
	centre := jpegAt(t, p.Preview, 60, 40)
	if !near(centre, color.RGBA{255, 255, 255, 255}, 8) {
		t.Errorf("transparent middle shows %v, want white", centre)
	}

	// Other PNG colour types: grey, 16-bit, paletted.
	pal := image.NewPaletted(image.Rect(0, 0, 30, 20), color.Palette{red, blue})
	for y := 10; y < 20; y++ {
		for x := 20; x < 30; x++ {
			pal.SetColorIndex(x, y, 1)
		}
	}
	g16 := image.NewGray16(image.Rect(0, 0, 30, 20))
	g16.SetGray16(0, 0, color.Gray16{Y: 0xffff})
	for name, img := range map[string]image.Image{
		"gray":     image.NewGray(image.Rect(0, 0, 30, 20)),
		"gray16":   g16,
		"rgba64":   image.NewRGBA64(image.Rect(0, 0, 30, 20)),
		"paletted": pal,
	} {
		p, err := Process(encodePNG(t, img))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if p.Info.Width != 30 || p.Info.Height != 20 {
			t.Errorf("%s: %d × %d, want 30 × 20", name, p.Info.Width, p.Info.Height)
		}
	}
	if c := jpegAtPNG(t, pal, 0, 0); !near(c, red, 40) {
		t.Errorf("paletted top left is %v, want red", c)
	}
	if c := jpegAtPNG(t, pal, 26, 16); !near(c, blue, 40) {
		t.Errorf("paletted bottom right is %v, want blue", c)
	}
}

func jpegAtPNG(t *testing.T, img image.Image, x, y int) color.RGBA {
	t.Helper()
	p, err := Process(encodePNG(t, img))
	if err != nil {
		t.Fatal(err)
	}
	return jpegAt(t, p.Preview, x, y)
}

func jpegAt(t *testing.T, jpg []byte, x, y int) color.RGBA {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	return color.RGBAModel.Convert(m.At(x, y)).(color.RGBA)
}

// Other JPEG colour models: greyscale and CMYK (Adobe).
func TestProcessJPEGColourModels(t *testing.T) {
	t.Parallel()
	cmyk := image.NewCMYK(image.Rect(0, 0, 40, 30))
	for i := range cmyk.Pix {
		if i%4 == 1 || i%4 == 2 { // magenta and yellow: red
			cmyk.Pix[i] = 0xff
		}
	}
	p, err := Process(encodeJPEG(t, cmyk, 90))
	if err != nil {
		t.Fatal(err)
	}
	if c := jpegAt(t, p.Preview, 20, 15); !near(c, red, 40) {
		t.Errorf("CMYK red shows %v", c)
	}
	if _, err := Process(encodeJPEG(t, image.NewGray(image.Rect(0, 0, 40, 30)), 90)); err != nil {
		t.Fatal(err)
	}
}

// The seeds in testdata are 64 × 48 corner scenes made with cwebp (see testdata/README.md).
func TestProcessWebP(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"corners.lossless.webp", "corners.lossy.webp", "corners-alpha.lossy.webp"} {
		t.Run(name, func(t *testing.T) {
			p, err := Process(readSeed(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if p.Info.Format != "webp" || p.Info.Width != 64 || p.Info.Height != 48 || p.Info.Orientation != 1 {
				t.Errorf("Info = %+v", p.Info)
			}
			checkCorners(t, "thumbnail", p.Thumbnail, uprightCorners)
			centre := jpegAt(t, p.Preview, 32, 24)
			want := grey
			if strings.Contains(name, "alpha") {
				want = color.RGBA{255, 255, 255, 255}
			}
			if !near(centre, want, 12) {
				t.Errorf("middle is %v, want %v", centre, want)
			}
		})
	}
}

// A WebP with an EXIF chunk (VP8X, VP8L, EXIF), assembled from the lossless seed's bitstream.
func TestProcessWebPEXIF(t *testing.T) {
	t.Parallel()
	vp8l := firstChunk(t, readSeed(t, "corners.lossless.webp"), "VP8L")
	for _, prefix := range []string{"", "Exif\x00\x00"} { // some writers put the JPEG prefix in
		tiff := buildTIFF(exifSpec{bo: binary.BigEndian, orientation: 6, taken: "2023:11:02 09:15:00"})
		webp := riffFile(vp8x(0x08, 64, 48), riffChunk("VP8L", vp8l), riffChunk("EXIF", append([]byte(prefix), tiff...)))
		p, err := Process(webp)
		if err != nil {
			t.Fatal(err)
		}
		if p.Info.Orientation != 6 || p.Info.Width != 48 || p.Info.Height != 64 {
			t.Errorf("Info = %+v, want orientation 6, 48 × 64", p.Info)
		}
		if want := time.Date(2023, 11, 2, 9, 15, 0, 0, time.Local); !p.Info.TakenAt.Equal(want) {
			t.Errorf("TakenAt = %v, want %v (local: no offset)", p.Info.TakenAt, want)
		}
		// The seed is stored as the upright scene; shown at orientation 6 its corners move.
		var want [4]color.RGBA
		for c, lands := range storedLandsOn[6] {
			want[lands] = uprightCorners[c]
		}
		checkCorners(t, "thumbnail", p.Thumbnail, want)
	}
}

func TestSniff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
		kind           error
		says           string
	}{
		{"jpeg", "\xff\xd8\xff\xe0", "jpeg", nil, ""},
		{"png", "\x89PNG\r\n\x1a\n....", "png", nil, ""},
		{"webp", "RIFF\x00\x00\x00\x00WEBPVP8 ", "webp", nil, ""},
		{"empty", "", "", ErrCorrupt, "empty"},
		{"text", "Dear client, your next session is due", "", ErrUnsupported, "not a JPEG, PNG or WebP"},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "", ErrUnsupported, "HEIC photos from phones are not supported yet: export as JPEG (on iPhone: Settings › Camera › Formats › Most Compatible) and import again"},
		{"heix", "\x00\x00\x00\x10ftypheix\x00\x00\x00\x00", "", ErrUnsupported, "HEIC photos"},
		{"mif1", "\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "", ErrUnsupported, "HEIC photos"},
		{"avif", "\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "", ErrUnsupported, "AVIF"},
		{"avif in mif1", "\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", "", ErrUnsupported, "AVIF"},
		{"mp4", "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "", ErrUnsupported, "video"},
		{"gif", "GIF89a", "", ErrUnsupported, "GIF"},
		{"tiff", "II*\x00\x08\x00\x00\x00", "", ErrUnsupported, "RAW"},
		{"pdf", "%PDF-1.7", "", ErrUnsupported, "PDF"},
		{"short jpeg", "\xff\xd8", "", ErrUnsupported, "not a JPEG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sniff([]byte(tc.in))
			if got != tc.want || !errors.Is(err, tc.kind) || (tc.kind == nil) != (err == nil) {
				t.Fatalf("Sniff = %q, %v; want %q, %v", got, err, tc.want, tc.kind)
			}
			if err != nil && !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
}

// Hostile and damaged inputs: a clear error of the right kind, never a panic, and a bomb costs
// no pixel memory.
func TestProcessRefuses(t *testing.T) {
	good := photoJPEG(t, 6, 400, 300, binary.LittleEndian)
	pngBomb := pngHeader(60000, 60000)
	jpegBomb := jpegWithSize(t, 60000, 60000)
	vp8lBomb := riffFile(riffChunk("VP8L", []byte{0x2f, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0})) // 16384 × 16384
	canvasBomb := riffFile(vp8x(0x10, 1<<24, 1<<24), riffChunk("ALPH", []byte{0}),
		riffChunk("VP8L", firstChunk(t, readSeed(t, "corners.lossless.webp"), "VP8L")))
	for _, tc := range []struct {
		name string
		in   []byte
		kind error
		says string
	}{
		{"zero bytes", nil, ErrCorrupt, "empty"},
		{"truncated JPEG", good[:len(good)/2], ErrCorrupt, "damaged or incomplete"},
		{"JPEG header only", good[:300], ErrCorrupt, "damaged"},
		{"SOI only", []byte{0xff, 0xd8, 0xff}, ErrCorrupt, "damaged"},
		{"text renamed .jpg", []byte("Client: A. Smith\nSession 3 of 6\nDepth 1.5 mm cheeks\n"), ErrUnsupported, "not a JPEG, PNG or WebP"},
		{"HEIC", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 500)...), ErrUnsupported, "Settings › Camera › Formats › Most Compatible"},
		{"PNG bomb", pngBomb, ErrTooLarge, "60000 × 60000 pixels"},
		{"JPEG bomb", jpegBomb, ErrTooLarge, "60000 × 60000 pixels"},
		{"WebP frame bomb", vp8lBomb, ErrTooLarge, "16384 × 16384"},
		{"WebP canvas bomb", canvasBomb, ErrTooLarge, "16777216 × 16777216"},
		{"panorama", pngHeader(MaxSide+1, 100), ErrTooLarge, "pixels on a side"},
		{"truncated PNG", encodePNG(t, cornerImage(50, 40, uprightCorners))[:100], ErrCorrupt, "damaged"},
		{"truncated WebP", readSeed(t, "corners.lossy.webp")[:100], ErrCorrupt, "damaged"},
		{"WebP without frame", riffFile(riffChunk("EXIF", buildTIFF(exifSpec{orientation: 6}))), ErrCorrupt, "damaged"},
		{"animated WebP", riffFile(vp8x(0x02, 64, 48), riffChunk("ANIM", make([]byte, 6))), ErrUnsupported, "animated"},
		{"zero-size PNG", pngHeader(0, 10), ErrCorrupt, "damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Process(tc.in)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("Process: %v, want %v", err, tc.kind)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
			if _, err := clean(tc.in, 0); !errors.Is(err, tc.kind) {
				t.Errorf("Clean: %v, want %v", err, tc.kind)
			}
			if strings.Contains(tc.name, "bomb") {
				if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
					t.Errorf("refusing a bomb allocated %d bytes", n)
				}
			}
		})
	}
}

func TestProcessRefusesLargeFile(t *testing.T) {
	big := make([]byte, MaxFileBytes+1) // never written: the OS hands out zero pages lazily
	copy(big, photoJPEG(t, 1, 40, 30, nil))
	start := time.Now()
	_, err := Process(big)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "60 MB") {
		t.Fatalf("Process: %v, want ErrTooLarge saying the 60 MB limit", err)
	}
	if _, err := clean(big, 0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Clean: %v, want ErrTooLarge", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("refusing took %v: the size must be checked before reading", d)
	}
}

// Damaged EXIF never stops an otherwise good photo, nor panics: it is ignored.
func TestProcessHostileEXIF(t *testing.T) {
	t.Parallel()
	jpg := encodeJPEG(t, cornerImage(40, 30, uprightCorners), 90)
	good := buildTIFF(exifSpec{orientation: 6, taken: "2024:05:17 14:03:09", offset: "+02:00", gps: true})
	for name, tiff := range hostileTIFFs(good) {
		t.Run(name, func(t *testing.T) {
			p, err := Process(phototest.WithAPP1(jpg, tiff))
			if err != nil {
				t.Fatal(err)
			}
			if p.Info.Width*p.Info.Height != 40*30 {
				t.Errorf("Info = %+v", p.Info)
			}
		})
	}
	// An APP1 segment whose length runs past the end of the file: the JPEG itself is damaged.
	bad := phototest.WithAPP1(jpg, good)
	binary.BigEndian.PutUint16(bad[4:], 0xFFFF)
	if _, err := Process(bad); !errors.Is(err, ErrCorrupt) {
		t.Errorf("APP1 past the end: %v, want ErrCorrupt", err)
	}
}

// hostileTIFFs are EXIF blocks with loops, out-of-range offsets, huge counts and garbage.
func hostileTIFFs(good []byte) map[string][]byte {
	le := binary.LittleEndian
	patch := func(f func(b []byte)) []byte {
		b := append([]byte{}, good...)
		f(b)
		return b
	}
	ifd0Count := int(le.Uint16(good[8:]))
	entry := func(b []byte, tag uint16) []byte { // the IFD0 entry with that tag
		for k := range ifd0Count {
			e := b[10+12*k : 22+12*k]
			if le.Uint16(e) == tag {
				return e
			}
		}
		panic("no such tag")
	}
	garbage := make([]byte, 300)
	for i := range garbage {
		garbage[i] = byte(i*131 + 7)
	}
	return map[string][]byte{
		"empty":               {},
		"header only":         []byte("II*\x00"),
		"bad byte order":      append([]byte("IM*\x00"), good[4:]...),
		"IFD0 past the end":   patch(func(b []byte) { le.PutUint32(b[4:], 0xFFFFFFFF) }),
		"IFD0 in the header":  patch(func(b []byte) { le.PutUint32(b[4:], 2) }),
		"huge entry count":    patch(func(b []byte) { le.PutUint16(b[8:], 0xFFFF) }),
		"truncated IFD":       good[:30],
		"Exif IFD is IFD0":    patch(func(b []byte) { le.PutUint32(entry(b, tagExifIFD)[8:], 8) }),
		"Exif IFD past end":   patch(func(b []byte) { le.PutUint32(entry(b, tagExifIFD)[8:], 0xFFFFFFF0) }),
		"Exif IFD at end":     patch(func(b []byte) { le.PutUint32(entry(b, tagExifIFD)[8:], uint32(len(b)-1)) }),
		"orientation 0":       patch(func(b []byte) { le.PutUint16(entry(b, tagOrientation)[8:], 0) }),
		"orientation 9":       patch(func(b []byte) { le.PutUint16(entry(b, tagOrientation)[8:], 9) }),
		"orientation as text": patch(func(b []byte) { le.PutUint16(entry(b, tagOrientation)[2:], typeASCII) }),
		"orientation count 0": patch(func(b []byte) { le.PutUint32(entry(b, tagOrientation)[4:], 0) }),
		"huge ASCII count":    patch(func(b []byte) { le.PutUint32(entry(b, 0x010F)[4:], 0xFFFFFFFF) }),
		"ASCII past the end":  patch(func(b []byte) { le.PutUint32(entry(b, 0x010F)[8:], 0xFFFFFFFC) }),
		"garbage":             garbage,
		"all 0xFF":            bytes.Repeat([]byte{0xFF}, 64),
	}
}

// pngHeader is a PNG signature and IHDR claiming w × h RGB pixels, with a token IDAT and IEND.
func pngHeader(w, h int) []byte {
	chunk := func(typ string, data []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		out = append(out, typ...)
		out = append(out, data...)
		return binary.BigEndian.AppendUint32(out, crc32(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1})...)
	return append(out, chunk("IEND", nil)...)
}

func crc32(b []byte) uint32 {
	c := ^uint32(0)
	for _, x := range b {
		c ^= uint32(x)
		for range 8 {
			c = c>>1 ^ 0xEDB88320&-(c&1)
		}
	}
	return ^c
}

// jpegWithSize is a small real JPEG whose SOF claims w × h.
func jpegWithSize(t *testing.T, w, h int) []byte {
	t.Helper()
	b := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 16, 16)), 50)
	i := bytes.Index(b, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(b[i+5:], uint16(h))
	binary.BigEndian.PutUint16(b[i+7:], uint16(w))
	return b
}

func TestPanicError(t *testing.T) {
	t.Parallel()
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = panicError(r)
			}
		}()
		var pix []byte
		_ = pix[3]
		return nil
	}()
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("panicError gave %v", err)
	}
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	_, err := Process([]byte("hello"))
	var pe *photoError
	if !errors.As(err, &pe) || errors.Is(err, ErrCorrupt) || errors.Is(err, ErrTooLarge) {
		t.Errorf("%v: want only ErrUnsupported", err)
	}
	_, err = Process(pngHeader(100, 100)) // its IDAT holds too little data
	if !errors.Is(err, ErrCorrupt) || strings.HasSuffix(err.Error(), ".") {
		t.Errorf("%v: want ErrCorrupt, no final full stop", err)
	}
}
