package sqlite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"image/jpeg"
	"os"
	"slices"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// ifd0Tags lists the tags of IFD0 in a JPEG's EXIF, read here independently of the product.
func ifd0Tags(t *testing.T, jpg []byte) []uint16 {
	t.Helper()
	i := bytes.Index(jpg, []byte("Exif\x00\x00"))
	if i < 0 {
		t.Fatal("no EXIF")
	}
	tiff := jpg[i+6:]
	var bo binary.ByteOrder = binary.BigEndian
	if string(tiff[:2]) == "II" {
		bo = binary.LittleEndian
	}
	off := bo.Uint32(tiff[4:])
	n := int(bo.Uint16(tiff[off:]))
	var tags []uint16
	for k := range n {
		tags = append(tags, bo.Uint16(tiff[int(off)+2+12*k:]))
	}
	return tags
}

// A phone photo with a GPS position (EXIF written by exiftool) is stored without it by default:
// the same pixels, length and other EXIF (orientation, date taken), and the SHA-256 of the bytes
// stored. Keeping the location stores the file's own bytes.
func TestImportPhotoRemovesLocation(t *testing.T) {
	t.Parallel()
	const gpsIFD = 0x8825
	ctx := context.Background()
	file, err := os.ReadFile("../../data/photo/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ifd0Tags(t, file), gpsIFD) || !bytes.Contains(file, []byte("WGS-84")) {
		t.Fatal("the fixture has no GPS position")
	}
	s, _ := sqlitetest.OpenStore(t)
	c := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	path := writeFile(t, t.TempDir(), "IMG_0001.JPG", file)

	p, err := importFile(ctx, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, path)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.PhotoOriginal(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	tags := ifd0Tags(t, stored)
	if slices.Contains(tags, gpsIFD) || bytes.Contains(stored, []byte("WGS-84")) {
		t.Errorf("the stored original still has its GPS position (IFD0 tags %x)", tags)
	}
	if !slices.Contains(tags, 0x0112) || !slices.Contains(tags, 0x010F) {
		t.Errorf("the stored original lost other tags: IFD0 has %x", tags)
	}
	if want := time.Date(2024, 5, 17, 12, 3, 9, 0, time.UTC); !p.TakenAt.Equal(want) || p.Width != 48 || p.Height != 64 {
		t.Errorf("imported as taken %v, %d × %d; want %v, 48 × 64 (orientation 6)", p.TakenAt, p.Width, p.Height, want)
	}
	sum := sha256.Sum256(stored)
	if p.SHA256 != hex.EncodeToString(sum[:]) || p.ByteSize != int64(len(stored)) || len(stored) != len(file) {
		t.Errorf("recorded %s, %d bytes; stored %x, %d bytes (file %d)", p.SHA256, p.ByteSize, sum, len(stored), len(file))
	}
	a, err := jpeg.Decode(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	b, err := jpeg.Decode(bytes.NewReader(stored))
	if err != nil {
		t.Fatalf("the stored original does not decode: %v", err)
	}
	if a.Bounds() != b.Bounds() {
		t.Fatal("the stored original has another size")
	}
	for y := range a.Bounds().Dy() {
		for x := range a.Bounds().Dx() {
			if a.At(x, y) != b.At(x, y) {
				t.Fatalf("pixel %d,%d differs", x, y)
			}
		}
	}

	// Kept on request: the very bytes of the file.
	s2, _ := sqlitetest.OpenStore(t)
	c2 := photoClient(t, s2, "Bea", data.PhotoConsentClinical)
	p2, err := importFile(ctx, s2, c2.ID, data.PhotoTags{Kind: data.PhotoBefore}, path, data.PhotoImportOptions{KeepLocation: true})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := s2.PhotoOriginal(ctx, p2.ID)
	if err != nil {
		t.Fatal(err)
	}
	fileSum := sha256.Sum256(file)
	if !bytes.Equal(kept, file) || p2.SHA256 != hex.EncodeToString(fileSum[:]) {
		t.Error("with KeepLocation the stored original is not the file's bytes")
	}

	// The same photo imported the other way is the one already stored, either way round.
	for _, c := range []struct {
		s      *sqlite.Store
		client string
		keep   bool
		stored string
	}{{s, c.ID, true, p.ID}, {s2, c2.ID, false, p2.ID}} {
		again, err := importFile(ctx, c.s, c.client, data.PhotoTags{Kind: data.PhotoAfter}, path,
			data.PhotoImportOptions{KeepLocation: c.keep})
		if !errors.Is(err, data.ErrDuplicatePhoto) || again.ID != c.stored {
			t.Errorf("imported again with KeepLocation %v: %v, %v; want the duplicate of %s", c.keep, again.ID, err, c.stored)
		}
	}
}
