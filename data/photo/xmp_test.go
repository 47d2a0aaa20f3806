package photo

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/xml"
	"errors"
	pngcrc "hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"golang.org/x/image/webp"
)

// xmpPacket is an XMP packet as photo editors write it, the position in every form XMP allows:
// attributes with either quote, elements, an rdf:Seq list and a property of another namespace,
// beside properties that must stay.
const xmpPacket = `<?xpacket begin='` + "\ufeff" + `' id='W5M0MpCehiHzreSzNTczkc9d'?>
<x:xmpmeta xmlns:x='adobe:ns:meta/'>
<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>
 <rdf:Description rdf:about='' xmlns:exif='http://ns.adobe.com/exif/1.0/' xmlns:exifEX='http://cipa.jp/exif/1.0/'
  xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'
  exif:GPSLatitude="52,22.386N" xmp:CreatorTool='NeedleEdit 2' exif:GPSLongitude = '4,53.532E'
  exif:DateTimeOriginal="2024-05-17T14:03:09+02:00" exifEX:GPSHPositioningError="5/1">
  <exif:GPSAltitude>12/1</exif:GPSAltitude>
  <exif:GPSVersionID>
   <rdf:Seq>
    <rdf:li>2</rdf:li><rdf:li>3</rdf:li>
   </rdf:Seq>
  </exif:GPSVersionID>
  <exif:GPSAreaInformation><rdf:Alt><rdf:li xml:lang='x-default'>Keizersgracht 123</rdf:li></rdf:Alt></exif:GPSAreaInformation>
  <exif:GPSDestLatitude/>
  <!-- exif:GPSLatitude="in a comment, left as it is" -->
  <dc:title><rdf:Alt><rdf:li xml:lang='x-default'>Cheek, before</rdf:li></rdf:Alt></dc:title>
 </rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end='w'?>`

// Position values of the packet and of the exiftool fixtures; none may remain.
var xmpPositions = []string{"52,22.386N", "4,53.532E", "Keizersgracht", "12/1", "<rdf:li>3</rdf:li>", "5/1", "GPSLatitude>", "exif:GPSLongitude"}

// Properties that must stay, byte for byte.
var xmpKept = []string{"xmp:CreatorTool='NeedleEdit 2'", `exif:DateTimeOriginal="2024-05-17T14:03:09+02:00"`,
	"<dc:title><rdf:Alt><rdf:li xml:lang='x-default'>Cheek, before</rdf:li></rdf:Alt></dc:title>", `exif:GPSLatitude="in a comment`}

// jpegWithXMP puts APP1 segments holding the payloads (each after its header) after a JPEG's SOI.
func jpegWithXMP(jpg []byte, payloads ...[]byte) []byte {
	out := bytes.Clone(jpg[:2])
	for _, p := range payloads {
		out = append(out, 0xFF, 0xE1)
		out = binary.BigEndian.AppendUint16(out, uint16(len(p)+2))
		out = append(out, p...)
	}
	return append(out, jpg[2:]...)
}

// extendedXMP splits text into extension segments of at most size bytes, as a writer does for
// XMP over 64 KB, under one GUID.
func extendedXMP(text string, size int) [][]byte {
	var out [][]byte
	for off := 0; off < len(text); off += size {
		p := append([]byte("http://ns.adobe.com/xmp/extension/\x00"), strings.Repeat("A", 32)...)
		p = binary.BigEndian.AppendUint32(p, uint32(len(text)))
		p = binary.BigEndian.AppendUint32(p, uint32(off))
		out = append(out, append(p, text[off:min(off+size, len(text))]...))
	}
	return out
}

// pngWithXMP puts an iTXt XMP chunk, compressed or not, after a PNG's IHDR.
func pngWithXMP(t *testing.T, pngFile []byte, text string, compressed bool) []byte {
	t.Helper()
	data := append([]byte("XML:com.adobe.xmp\x00"), 0, 0, 0, 0)
	if compressed {
		data[len("XML:com.adobe.xmp\x00")] = 1
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		io.WriteString(w, text) //nolint:errcheck
		w.Close()               //nolint:errcheck
		data = append(data, z.Bytes()...)
	} else {
		data = append(data, text...)
	}
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(append(chunk, "iTXt"...), data...)
	chunk = binary.BigEndian.AppendUint32(chunk, pngcrc.ChecksumIEEE(chunk[4:]))
	at := 8 + 8 + 13 + 4 // signature, IHDR
	return append(append(bytes.Clone(pngFile[:at]), chunk...), pngFile[at:]...)
}

// xmpTexts returns every XMP packet of a photo as text, found by the walkers under test
// (JPEG extension parts joined, compressed PNG packets inflated); what they hold is checked here.
func xmpTexts(t *testing.T, format string, b []byte) []string {
	t.Helper()
	var out []string
	switch format {
	case "jpeg":
		for _, r := range jpegXMP(b) {
			out = append(out, string(bytes.Join(r.parts, nil)))
		}
	case "png":
		for _, c := range pngXMPChunks(b) {
			text := b[c.text:c.end]
			if c.compressed {
				var ok bool
				if text, ok = inflate(text, maxXMPInflated); !ok {
					t.Fatal("the compressed packet does not inflate")
				}
			}
			out = append(out, string(text))
		}
	case "webp":
		riffChunks(b, func(id string, d []byte) bool {
			if id == "XMP " {
				out = append(out, string(d))
			}
			return true
		})
	}
	return out
}

// wellFormed reports whether an XMP packet is still well-formed XML.
func wellFormed(text string) error {
	d := xml.NewDecoder(strings.NewReader(text))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// A position kept in XMP (exiftool's elements, and attributes, lists, other prefixes, extended
// XMP split across segments) is seen by HasLocation and taken out by WithoutLocation: the
// packet stays well-formed XML with every other property, the file keeps its length (but for a
// compressed PNG packet) and every byte outside the packets, and the pixels are the same.
func TestWithoutLocationInXMP(t *testing.T) {
	t.Parallel()
	plainJPEG := encodeJPEG(t, cornerImage(64, 48, uprightCorners), 90)
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, cornerImage(64, 48, uprightCorners)); err != nil {
		t.Fatal(err)
	}
	lossy := readSeed(t, "corners.lossy.webp")
	decoders := map[string]func([]byte) (image.Image, error){
		"jpeg": func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
		"png":  func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
		"webp": func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) },
	}
	ext := `<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>` +
		`<rdf:Description rdf:about='' xmlns:exif='http://ns.adobe.com/exif/1.0/'>` +
		`<exif:GPSLatitude>52,22.386N</exif:GPSLatitude><exif:GPSLongitude>4,53.532E</exif:GPSLongitude>` +
		`</rdf:Description></rdf:RDF></x:xmpmeta>`
	for name, tc := range map[string]struct {
		file     []byte
		sameSize bool
	}{
		"exiftool JPEG":      {readSeed(t, "xmp-gps.jpg"), true},
		"exiftool PNG":       {readSeed(t, "xmp-gps.png"), true},
		"JPEG, every form":   {jpegWithXMP(plainJPEG, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmpPacket...)), true},
		"JPEG, extended XMP": {jpegWithXMP(plainJPEG, extendedXMP(ext, 200)...), true}, // a property split between segments
		"PNG, every form":    {pngWithXMP(t, pngBuf.Bytes(), xmpPacket, false), true},
		"PNG, compressed":    {pngWithXMP(t, pngBuf.Bytes(), xmpPacket, true), false},
		"WebP, every form": {riffFile(vp8x(0x04, 64, 48), riffChunk("VP8 ", firstChunk(t, lossy, "VP8 ")),
			riffChunk("XMP ", []byte(xmpPacket))), true},
	} {
		t.Run(name, func(t *testing.T) {
			orig := tc.file
			keep := bytes.Clone(orig)
			format, err := Sniff(orig)
			if err != nil {
				t.Fatal(err)
			}
			before := strings.Join(xmpTexts(t, format, orig), "")
			if !strings.Contains(before, "52,22.386N") || !HasLocation(orig) {
				t.Fatalf("the position in XMP is not seen (HasLocation %v)", HasLocation(orig))
			}
			out, removed := WithoutLocation(orig)
			if !removed || HasLocation(out) {
				t.Fatalf("removed %v, still has a location %v", removed, HasLocation(out))
			}
			if !bytes.Equal(orig, keep) {
				t.Fatal("WithoutLocation changed the bytes it was given")
			}
			texts := xmpTexts(t, format, out)
			after := strings.Join(texts, "")
			for _, p := range xmpPositions {
				if strings.Contains(after, p) {
					t.Errorf("%q is still in the XMP", p)
				}
			}
			for _, k := range xmpKept {
				if strings.Contains(before, k) && !strings.Contains(after, k) {
					t.Errorf("%q went too", k)
				}
			}
			if name != "JPEG, extended XMP" { // its parts are not a packet each
				for _, text := range texts {
					if err := wellFormed(text); err != nil {
						t.Errorf("the packet is no longer well-formed XML: %v\n%s", err, text)
					}
				}
			}
			if tc.sameSize {
				if len(out) != len(orig) || len(after) != len(before) {
					t.Fatalf("length %d, want %d", len(out), len(orig))
				}
				// Only the packets' bytes changed (and a PNG chunk's CRC): blanks where they did.
				for i := range out {
					if out[i] != orig[i] && out[i] != ' ' && !(format == "png" && crcByte(orig, i)) {
						t.Fatalf("byte %d changed to %q, not to a space", i, out[i])
					}
				}
			}
			a, err := decoders[format](orig)
			if err != nil {
				t.Fatal(err)
			}
			b, err := decoders[format](out)
			if err != nil {
				t.Fatalf("the file without location does not decode: %v", err)
			}
			if !samePixels(a, b) {
				t.Error("the pixels changed")
			}
			if again, removed := WithoutLocation(out); removed || !bytes.Equal(again, out) {
				t.Error("a second pass changed the file again")
			}
		})
	}
}

// crcByte reports whether byte i of a PNG is within a chunk's CRC.
func crcByte(b []byte, i int) bool {
	for k := 8; k+12 <= len(b); {
		end := k + 8 + int(binary.BigEndian.Uint32(b[k:]))
		if i >= end && i < end+4 {
			return true
		}
		k = end + 4
	}
	return false
}

// A packet that ends in the middle of a tag, or never closes a GPS element, is left as it is up
// to where it cannot be read, and nothing panics.
func TestBlankXMPGPSOnBrokenPackets(t *testing.T) {
	t.Parallel()
	for _, cut := range []int{1, 50, len(xmpPacket) / 2, len(xmpPacket) - 30} {
		x := []byte(xmpPacket[:cut])
		blankXMPGPS(x)
	}
	x := []byte(`<a exif:GPSLatitude="52"><exif:GPSAltitude>12`)
	if !blankXMPGPS(x) || strings.Contains(string(x), `"52"`) || !strings.Contains(string(x), "GPSAltitude>12") {
		t.Errorf("blanked %q", x)
	}
}
