package photo

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"testing"
)

// The test patches: the value stored in the photo, in its profile's space, and the sRGB value
// little CMS gives for it (ImageMagick 6.9.11: convert -size 1x1 xc:'rgb(200,60,60)' -profile
// PROFILE -profile /usr/share/color/icc/colord/sRGB.icc txt:), relative colorimetric.
type patch struct {
	at           image.Point // the patch's centre in a 64 × 64 image of four 32 × 32 patches
	stored, sRGB color.RGBA
}

var adobePatches = []patch{
	{image.Pt(16, 16), color.RGBA{200, 60, 60, 255}, color.RGBA{231, 57, 57, 255}},
	{image.Pt(48, 16), color.RGBA{224, 172, 150, 255}, color.RGBA{241, 173, 150, 255}},
	{image.Pt(16, 48), color.RGBA{60, 120, 200, 255}, color.RGBA{0, 120, 203, 255}},
	{image.Pt(48, 48), color.RGBA{128, 128, 128, 255}, color.RGBA{129, 129, 129, 255}},
}

// displayP3Patches are the same stored values read as Display P3 (the profile displayP3 makes,
// written to a file for ImageMagick).
var displayP3Patches = []patch{
	{image.Pt(16, 16), color.RGBA{200, 60, 60, 255}, color.RGBA{217, 41, 52, 255}},
	{image.Pt(48, 16), color.RGBA{224, 172, 150, 255}, color.RGBA{233, 169, 146, 255}},
	{image.Pt(16, 48), color.RGBA{60, 120, 200, 255}, color.RGBA{30, 121, 206, 255}},
	{image.Pt(48, 48), color.RGBA{128, 128, 128, 255}, color.RGBA{127, 128, 128, 255}},
}

func patchImage(ps []patch) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			for _, p := range ps {
				if x/32 == p.at.X/32 && y/32 == p.at.Y/32 {
					m.SetRGBA(x, y, p.stored)
				}
			}
		}
	}
	return m
}

// withICC splices a profile into a JPEG after SOI as APP2 ICC_PROFILE segments, split into parts.
func withICC(jpg, profile []byte, parts int) []byte {
	out := append([]byte{}, jpg[:2]...)
	size := (len(profile) + parts - 1) / parts
	for i := range parts {
		chunk := profile[i*size : min((i+1)*size, len(profile))]
		payload := append(append([]byte("ICC_PROFILE\x00"), byte(i+1), byte(parts)), chunk...)
		out = append(out, 0xFF, 0xE2)
		out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
		out = append(out, payload...)
	}
	return append(out, jpg[2:]...)
}

// withICCP puts an iCCP chunk holding profile into a PNG after its IHDR chunk.
func withICCP(pngData, profile []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(profile)
	w.Close()
	d := append([]byte("Display P3\x00\x00"), z.Bytes()...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(d)))
	chunk = append(chunk, "iCCP"...)
	chunk = append(chunk, d...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32(chunk[4:]))
	ihdrEnd := 8 + 8 + 13 + 4
	return append(append(append([]byte{}, pngData[:ihdrEnd]...), chunk...), pngData[ihdrEnd:]...)
}

// displayP3 builds a Display P3 profile as iPhones embed it: a matrix/TRC profile with the P3
// primaries and D65 white adapted to D50 (Apple's rXYZ, gXYZ, bXYZ values) and the sRGB tone
// curve as a parametric curve of type 3.
func displayP3() []byte {
	be := binary.BigEndian
	fixed := func(v float64) []byte { return be.AppendUint32(nil, uint32(int32(math.Round(v*65536)))) }
	xyz := func(x, y, z float64) []byte {
		return append(append(append([]byte("XYZ \x00\x00\x00\x00"), fixed(x)...), fixed(y)...), fixed(z)...)
	}
	para := []byte("para\x00\x00\x00\x00\x00\x03\x00\x00")
	for _, v := range []float64{2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045} {
		para = append(para, fixed(v)...)
	}
	tags := []struct {
		sig  string
		data []byte
	}{
		{"wtpt", xyz(0.964203, 1, 0.824905)},
		{"rXYZ", xyz(0.515102, 0.241196, -0.001053)},
		{"gXYZ", xyz(0.291977, 0.692245, 0.041885)},
		{"bXYZ", xyz(0.157104, 0.066574, 0.784073)},
		{"rTRC", para}, {"gTRC", para}, {"bTRC", para},
	}
	header := make([]byte, 128)
	copy(header[12:], "mntrRGB XYZ ")
	be.PutUint32(header[8:], 0x04300000)
	copy(header[36:], "acsp")
	table := be.AppendUint32(nil, uint32(len(tags)))
	var body []byte
	start := 128 + 4 + 12*len(tags)
	for _, t := range tags {
		table = append(table, t.sig...)
		table = be.AppendUint32(table, uint32(start+len(body)))
		table = be.AppendUint32(table, uint32(len(t.data)))
		body = append(body, t.data...)
	}
	p := append(append(header, table...), body...)
	be.PutUint32(p, uint32(len(p)))
	return p
}

// checkPatches checks each patch's centre in an output JPEG against its sRGB value.
func checkPatches(t *testing.T, what string, jpg []byte, ps []patch, tol int) {
	t.Helper()
	for _, p := range ps {
		if got := jpegAt(t, jpg, p.at.X, p.at.Y); !near(got, p.sRGB, tol) {
			t.Errorf("%s: patch %v at %v is %v, want %v (sRGB) ± %d", what, p.stored, p.at, got, p.sRGB, tol)
		}
	}
}

// Photos with an embedded Adobe RGB (1998) or Display P3 profile come out in sRGB: JPEG with the
// profile in one APP2 segment or split over several, ImageMagick's own JPEG, and PNG iCCP.
func TestProcessConvertsColourProfiles(t *testing.T) {
	t.Parallel()
	adobe := readSeed(t, "compatibleWithAdobeRGB1998.icc")
	adobeJPEG := encodeJPEG(t, patchImage(adobePatches), 100)
	p3 := displayP3()
	cases := map[string]struct {
		b  []byte
		ps []patch
	}{
		"Adobe RGB JPEG":                  {withICC(adobeJPEG, adobe, 1), adobePatches},
		"Adobe RGB JPEG in three APP2s":   {withICC(adobeJPEG, adobe, 3), adobePatches},
		"Adobe RGB JPEG from ImageMagick": {readSeed(t, "adobergb.jpg"), adobePatches},
		"Display P3 JPEG":                 {withICC(encodeJPEG(t, patchImage(displayP3Patches), 100), p3, 2), displayP3Patches},
		"Display P3 PNG":                  {withICCP(encodePNG(t, patchImage(displayP3Patches)), p3), displayP3Patches},
	}
	for name, c := range cases {
		p, err := Process(c.b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkPatches(t, name+" preview", p.Preview, c.ps, 4)
		clean, err := clean(c.b, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkPatches(t, name+" Clean", clean, c.ps, 4)
		for _, m := range segments(clean) {
			if m == 0xE2 {
				t.Errorf("%s: Clean kept an APP2 segment", name)
			}
		}
	}
}

// An sRGB profile, a damaged or partial one, or a grey one changes nothing.
func TestColourProfilesLeftAlone(t *testing.T) {
	t.Parallel()
	adobe := readSeed(t, "compatibleWithAdobeRGB1998.icc")
	if parseICC(adobe) == nil {
		t.Fatal("the Adobe RGB profile was not read")
	}
	srgb := displayP3()
	// The sRGB primaries in the P3 profile's place make an sRGB profile.
	put := func(p []byte, sig string, x, y, z float64) {
		i := bytes.Index(p, []byte(sig))
		off := binary.BigEndian.Uint32(p[i+4:])
		for k, v := range []float64{x, y, z} {
			binary.BigEndian.PutUint32(p[off+8+4*uint32(k):], uint32(int32(math.Round(v*65536))))
		}
	}
	put(srgb, "rXYZ", 0.436066, 0.222488, 0.013916)
	put(srgb, "gXYZ", 0.385147, 0.716873, 0.097076)
	put(srgb, "bXYZ", 0.143066, 0.060608, 0.714096)
	if parseICC(srgb) != nil {
		t.Error("an sRGB profile is converted")
	}
	grey := bytes.Clone(adobe)
	copy(grey[16:], "GRAY")
	for name, p := range map[string][]byte{"grey": grey, "cut": adobe[:300], "empty": nil, "header only": adobe[:132]} {
		if parseICC(p) != nil {
			t.Errorf("%s profile was taken", name)
		}
	}
	// A JPEG with the second of two parts missing keeps its pixels as they are.
	jpg := encodeJPEG(t, patchImage(adobePatches), 100)
	two := withICC(jpg, adobe, 2)
	i := bytes.LastIndex(two, []byte("ICC_PROFILE\x00\x02\x02"))
	two[i+12] = 1 // both parts claim to be the first
	if jpegICC(two) != nil {
		t.Error("a profile with a missing part was joined")
	}
}

// A lossy WebP with a Display P3 profile (VP8X, ICCP, VP8) is converted from both its
// limited-range YCbCr and its profile.
func TestProcessWebPWithProfile(t *testing.T) {
	t.Parallel()
	vp8 := firstChunk(t, readSeed(t, "patches.lossy.webp"), "VP8 ")
	b := riffFile(vp8x(0x20, 64, 64), riffChunk("ICCP", displayP3()), riffChunk("VP8 ", vp8))
	p, err := Process(b)
	if err != nil {
		t.Fatal(err)
	}
	checkPatches(t, "preview", p.Preview, []patch{
		{image.Pt(16, 16), color.RGBA{255, 255, 255, 255}, color.RGBA{255, 255, 255, 255}},
		{image.Pt(48, 16), color.RGBA{0, 0, 0, 255}, color.RGBA{0, 0, 0, 255}},
		{image.Pt(16, 48), color.RGBA{224, 172, 150, 255}, color.RGBA{233, 169, 146, 255}},
	}, 8)
}
