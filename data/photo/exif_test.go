package photo

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"
)

func TestParseEXIF(t *testing.T) {
	t.Parallel()
	plus2 := time.FixedZone("", 2*3600)
	minus530 := time.FixedZone("", -(5*3600 + 30*60))
	for _, tc := range []struct {
		name string
		spec exifSpec
		o    int
		at   time.Time
	}{
		{"full LE", exifSpec{bo: binary.LittleEndian, orientation: 6, taken: "2024:05:17 14:03:09", offset: "+02:00", gps: true}, 6, time.Date(2024, 5, 17, 14, 3, 9, 0, plus2)},
		{"full BE", exifSpec{bo: binary.BigEndian, orientation: 8, taken: "2024:05:17 14:03:09", offset: "-05:30", gps: true}, 8, time.Date(2024, 5, 17, 14, 3, 9, 0, minus530)},
		{"no offset: local", exifSpec{orientation: 3, taken: "2019:12:31 23:59:59"}, 3, time.Date(2019, 12, 31, 23, 59, 59, 0, time.Local)},
		{"bad offset: local", exifSpec{taken: "2019:12:31 23:59:59", offset: "+25:00"}, 1, time.Date(2019, 12, 31, 23, 59, 59, 0, time.Local)},
		{"dashes", exifSpec{taken: "2021-03-04 05:06:07"}, 1, time.Date(2021, 3, 4, 5, 6, 7, 0, time.Local)},
		{"placeholder date", exifSpec{orientation: 2, taken: "0000:00:00 00:00:00"}, 2, time.Time{}},
		{"blank date", exifSpec{taken: "    :  :     :  :  "}, 1, time.Time{}},
		{"year 0001", exifSpec{taken: "0001:01:01 00:00:00"}, 1, time.Time{}},
		{"no date", exifSpec{orientation: 5}, 5, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := parseEXIF(buildTIFF(tc.spec))
			if m.orientation != tc.o || !m.takenAt.Equal(tc.at) {
				t.Errorf("got orientation %d, %v; want %d, %v", m.orientation, m.takenAt, tc.o, tc.at)
			}
			if !tc.at.IsZero() {
				_, got := m.takenAt.Zone()
				_, want := tc.at.Zone()
				if got != want {
					t.Errorf("zone offset %d, want %d", got, want)
				}
			}
		})
	}
}

// Without DateTimeOriginal, DateTimeDigitized is used.
func TestParseEXIFDigitized(t *testing.T) {
	t.Parallel()
	tiff := buildTIFF(exifSpec{taken: "2022:02:02 10:00:00"})
	// Rename DateTimeOriginal (0x9003) to an unknown tag: only DateTimeDigitized remains.
	i := bytes.Index(tiff, []byte{0x03, 0x90, typeASCII, 0})
	if i < 0 {
		t.Fatal("no DateTimeOriginal entry")
	}
	tiff[i+1] = 0x91
	if m := parseEXIF(tiff); !m.takenAt.Equal(time.Date(2022, 2, 2, 10, 0, 0, 0, time.Local)) {
		t.Errorf("takenAt = %v", m.takenAt)
	}
}

func TestParseEXIFHostile(t *testing.T) {
	t.Parallel()
	good := buildTIFF(exifSpec{orientation: 6, taken: "2024:05:17 14:03:09", offset: "+02:00", gps: true})
	for name, b := range hostileTIFFs(good) {
		m := parseEXIF(b) // must not panic
		if m.orientation < 1 || m.orientation > 8 {
			t.Errorf("%s: orientation %d", name, m.orientation)
		}
	}
}

func TestExifOffset(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int{"+00:00": 0, "+01:00": 3600, "-03:30": -12600, "+14:00": 50400} {
		if z, ok := exifOffset(s); !ok {
			t.Errorf("%q refused", s)
		} else if _, off := time.Date(2020, 1, 1, 0, 0, 0, 0, z).Zone(); off != want {
			t.Errorf("%q: offset %d, want %d", s, off, want)
		}
	}
	for _, s := range []string{"", "Z", "+1:00", "+01:0", "01:00+", "+15:00", "+01:60", "+ab:cd", "+01-00", "   :  "} {
		if _, ok := exifOffset(s); ok {
			t.Errorf("%q accepted", s)
		}
	}
}

// The EXIF block is found after other segments, fill bytes and an XMP APP1, and not after SOS.
func TestJPEGEXIF(t *testing.T) {
	t.Parallel()
	tiff := buildTIFF(exifSpec{orientation: 7})
	seg := func(marker byte, payload string) []byte {
		out := []byte{0xFF, marker, 0, 0}
		binary.BigEndian.PutUint16(out[2:], uint16(len(payload)+2))
		return append(out, payload...)
	}
	var b []byte
	b = append(b, 0xFF, 0xD8)
	b = append(b, seg(0xE0, "JFIF\x00\x01\x02")...)
	b = append(b, seg(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")...)
	b = append(b, 0xFF, 0xFF) // fill bytes before a marker
	b = append(b, seg(0xE1, "Exif\x00\x00"+string(tiff))...)
	if got := jpegEXIF(b); !bytes.Equal(got, tiff) {
		t.Errorf("jpegEXIF found %q", got)
	}
	afterSOS := append(append([]byte{0xFF, 0xD8}, seg(0xDA, "\x01\x01\x00\x00\x3f\x00")...), seg(0xE1, "Exif\x00\x00"+string(tiff))...)
	if got := jpegEXIF(afterSOS); got != nil {
		t.Errorf("jpegEXIF read past SOS: %q", got)
	}
	for n := range len(b) {
		jpegEXIF(b[:n]) // every truncation: no panic
	}
}

// A PNG's eXIf chunk gives the orientation too.
func TestPNGEXIF(t *testing.T) {
	t.Parallel()
	plain := encodePNG(t, storedImage(6, 80, 60))
	tiff := buildTIFF(exifSpec{bo: binary.BigEndian, orientation: 6})
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(tiff)))
	chunk = append(chunk, "eXIf"...)
	chunk = append(chunk, tiff...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32(append([]byte("eXIf"), tiff...)))
	afterIHDR := 8 + 8 + 13 + 4
	withExif := append(append(append([]byte{}, plain[:afterIHDR]...), chunk...), plain[afterIHDR:]...)
	p, err := Process(withExif)
	if err != nil {
		t.Fatal(err)
	}
	if p.Info.Orientation != 6 || p.Info.Width != 80 || p.Info.Height != 60 {
		t.Errorf("Info = %+v", p.Info)
	}
	checkCorners(t, "thumbnail", p.Thumbnail, uprightCorners)
	for n := range len(withExif) {
		pngEXIF(withExif[:n])
	}
}

func TestWebPLayout(t *testing.T) {
	t.Parallel()
	lossy := readSeed(t, "corners-alpha.lossy.webp")
	l, err := readWebPLayout(lossy)
	if err != nil || l != (webpLayout{canvasW: 64, canvasH: 48, frameW: 64, frameH: 48}) {
		t.Errorf("alpha seed: %+v, %v", l, err)
	}
	l, err = readWebPLayout(readSeed(t, "corners.lossless.webp"))
	if err != nil || l != (webpLayout{frameW: 64, frameH: 48}) {
		t.Errorf("lossless seed: %+v, %v", l, err)
	}
	for n := range len(lossy) {
		readWebPLayout(lossy[:n]) // no panic
		webpEXIF(lossy[:n])
	}
	// A RIFF size that understates the file stops the walk where the decoder stops.
	short := append([]byte{}, lossy...)
	binary.LittleEndian.PutUint32(short[4:], 4+18)
	if _, err := readWebPLayout(short); err == nil {
		t.Error("frame beyond the RIFF size was read")
	}
}
