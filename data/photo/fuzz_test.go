package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"needlelog.app/needlelog/data/photo/phototest"
)

// FuzzProcess feeds Process and Clean arbitrary bytes: they must return a photo within the
// limits or an error of one of the three kinds, and never panic. Seeds: testdata/fuzz/FuzzProcess
// and the ones added here. Run: go test -fuzz FuzzProcess -fuzztime 30s ./data/photo/
func FuzzProcess(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Process(b)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error of no known kind: %v", err)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		i := p.Info
		if i.Orientation < 1 || i.Orientation > 8 || i.Width < 1 || i.Height < 1 ||
			i.Width > MaxSide || i.Height > MaxSide || int64(i.Width)*int64(i.Height) > MaxPixels {
			t.Fatalf("Info out of range: %+v", i)
		}
		for name, out := range map[string][]byte{"thumbnail": p.Thumbnail, "preview": p.Preview} {
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			side := map[string]int{"thumbnail": ThumbnailSide, "preview": PreviewSide}[name]
			if cfg.Width > side || cfg.Height > side || cfg.Width < 1 || cfg.Height < 1 {
				t.Fatalf("%s is %d × %d", name, cfg.Width, cfg.Height)
			}
		}
		if _, err := clean(b, 64); err != nil {
			t.Fatalf("Process accepted what Clean refused: %v", err)
		}
	})
}

// FuzzEXIF feeds the metadata readers arbitrary bytes, as an EXIF block and as each container.
func FuzzEXIF(f *testing.F) {
	f.Add(buildTIFF(exifSpec{orientation: 6, taken: "2024:05:17 14:03:09", offset: "+02:00", gps: true}))
	f.Add(buildTIFF(exifSpec{bo: binary.BigEndian, orientation: 3, taken: "2024:05:17 14:03:09"}))
	for _, b := range hostileTIFFs(buildTIFF(exifSpec{orientation: 6, taken: "2024:05:17 14:03:09"})) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if m := parseEXIF(b); m.orientation < 1 || m.orientation > 8 {
			t.Fatalf("orientation %d", m.orientation)
		}
		for _, format := range []string{"jpeg", "png", "webp"} {
			readMetadata(format, b)
		}
		readWebPLayout(b)
		out := bytes.Clone(b)
		removeGPS(out) // never panics, never changes the length
		if len(out) != len(b) {
			t.Fatal("removeGPS changed the length")
		}
		parseICC(b)
		jpegICC(b)
		pngICC(b)
	})
}

// fuzzSeeds are small valid and damaged files of each kind.
func fuzzSeeds(tb testing.TB) [][]byte {
	small := phototest.WithAPP1(encodeJPEG(tb, storedImage(6, 24, 16), 75),
		buildTIFF(exifSpec{orientation: 6, taken: "2024:05:17 14:03:09", offset: "+02:00", gps: true}))
	vp8l := firstChunk(tb, readSeed(tb, "corners.lossless.webp"), "VP8L")
	return [][]byte{
		small,
		small[:len(small)*2/3],
		encodePNG(tb, cornerImage(8, 6, uprightCorners)),
		encodePNG(tb, image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{red, blue})),
		pngHeader(60000, 60000),
		readSeed(tb, "corners.lossy.webp"),
		riffFile(vp8x(0x08, 64, 48), riffChunk("VP8L", vp8l), riffChunk("EXIF", buildTIFF(exifSpec{orientation: 8}))),
		[]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),
		readSeed(tb, "scans-150.jpg"),
		withICC(small, displayP3(), 2),
		readSeed(tb, "gps.png"),
	}
}
