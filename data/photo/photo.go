// Package photo is Needlelog's image pipeline: it checks an imported photo within fixed limits,
// reads its EXIF orientation and capture time, and makes an upright thumbnail and preview; CleanJPEG
// gives a photo without any metadata for exports. Everything here is a pure function of the
// bytes given: no files, no database, no UI, no global state, safe for concurrent use.
//
// A photo's bytes are checked in an order that makes hostile or damaged files cheap to refuse:
//
//  1. size, against MaxFileBytes, before anything else is read;
//  2. format, by magic bytes (Sniff), never by file name;
//  3. dimensions, from the header alone, against MaxSide and MaxPixels: a "decompression bomb"
//     declares huge dimensions in a tiny file, and is refused before any pixel memory is allocated;
//     and a JPEG's scans, counted from its segments, against MaxScans (see scans.go): a
//     progressive JPEG with thousands of passes takes minutes to decode;
//  4. the full decode, with any decoder panic turned into ErrCorrupt.
//
// Every error wraps one of ErrUnsupported, ErrTooLarge or ErrCorrupt (test with errors.Is), and
// its text is a sentence fragment a practitioner can act on, without a final full stop, ready for
// "Could not import the photo: " + err.Error() + ".".
//
// Outputs are baseline JPEGs written by image/jpeg, which writes no APPn or COM segment: no EXIF,
// no GPS position, no camera serial number, no thumbnail of the uncropped original, no colour
// profile. Pixels are turned upright (EXIF orientation applied), converted to sRGB from an
// embedded colour profile (icc.go) and from a lossy WebP's limited-range YCbCr (studioYCbCr),
// and transparent areas are laid on white.
package photo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"time"

	"golang.org/x/image/webp"
)

// Limits. A photo beyond any of them is refused with ErrTooLarge before it is decoded.
//
// Memory while decoding is bounded by MaxPixels: a MaxPixels JPEG takes about 80 MB decoded
// (4:2:0), a 16-bit PNG up to 420 MB; a 12 MP phone photo about 18 MB.
const (
	// MaxFileBytes is the largest file accepted: 60 MiB. A 50 MP phone JPEG is 10–25 MB.
	MaxFileBytes = 60 << 20
	// MaxPixels is the most pixels (width × height) accepted: 52 million, so the 48–50 MP modes of
	// current phones (8064×6048, 8160×6120, 8192×6144) pass and 108 or 200 MP modes do not.
	MaxPixels = 52_000_000
	// MaxSide is the longest side accepted in pixels, for panoramas: 16384, WebP's own limit.
	MaxSide = 16384

	// ThumbnailSide is the longest side of a thumbnail; PreviewSide that of a preview. Neither is
	// ever upscaled: a photo smaller than that keeps its size.
	ThumbnailSide = 256
	PreviewSide   = 1600

	thumbnailQuality = 80
	previewQuality   = 85
	cleanQuality     = 90
)

// Errors that callers can test for with errors.Is. The errors returned carry a fuller sentence.
var (
	ErrUnsupported = errors.New("this file is not a photo Needlelog can read: use JPEG, PNG or WebP")
	ErrTooLarge    = errors.New("the photo is larger than Needlelog accepts")
	ErrCorrupt     = errors.New("the photo file is damaged or incomplete")
)

// Info describes an accepted photo.
type Info struct {
	Format        string // "jpeg", "png" or "webp"
	Width, Height int    // upright, after the EXIF orientation is applied
	// Orientation is the EXIF orientation, 1 to 8; 1 (upright as stored) when absent or invalid.
	Orientation int
	// TakenAt is when the photo was taken, from EXIF DateTimeOriginal (DateTimeDigitized if that is
	// missing). With OffsetTimeOriginal its zone is the camera's; without, the camera's clock is
	// taken to show local time (time.Local). Zero when the photo does not say.
	TakenAt time.Time
	SHA256  string // lower-case hex of the original bytes
}

// Processed is what the store keeps beside an original.
type Processed struct {
	Info      Info
	Thumbnail []byte // JPEG, upright, longest side ThumbnailSide (never upscaled), no metadata
	Preview   []byte // JPEG, upright, longest side at most PreviewSide (never upscaled), no metadata
}

// Process checks and decodes a photo within the limits, reads its metadata and makes its
// thumbnail and preview. It never panics, whatever the bytes.
func Process(original []byte) (p Processed, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = Processed{}, panicError(r)
		}
	}()
	src, err := load(original)
	if err != nil {
		return Processed{}, err
	}
	w, h := src.bounds()
	pw, ph := fit(w, h, PreviewSide)
	preview := resample(src.img, pw, ph)
	src.colour.apply(preview) // after shrinking: the same result within a level, at a tenth of the cost
	preview = orient(preview, src.orientation)
	tw, th := fit(preview.Rect.Dx(), preview.Rect.Dy(), ThumbnailSide)
	thumb := resample(preview, tw, th)

	p.Preview, err = encode(preview, previewQuality)
	if err != nil {
		return Processed{}, err
	}
	p.Thumbnail, err = encode(thumb, thumbnailQuality)
	if err != nil {
		return Processed{}, err
	}
	sum := sha256.Sum256(original)
	if src.orientation >= 5 {
		w, h = h, w
	}
	p.Info = Info{
		Format:      src.format,
		Width:       w,
		Height:      h,
		Orientation: src.orientation,
		TakenAt:     src.takenAt,
		SHA256:      hex.EncodeToString(sum[:]),
	}
	return p, nil
}

// clean re-encodes a photo upright as a JPEG with no metadata at all (no EXIF, no GPS position,
// no camera serial number), its longest side at most maxSide pixels (never upscaled; 0 or less
// keeps the full size): CleanJPEG's way for a photo whose metadata changes how it looks.
func clean(original []byte, maxSide int) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, panicError(r)
		}
	}()
	src, err := load(original)
	if err != nil {
		return nil, err
	}
	w, h := src.bounds()
	if maxSide > 0 {
		w, h = fit(w, h, maxSide)
	}
	rgb := resample(src.img, w, h)
	src.colour.apply(rgb)
	return encode(orient(rgb, src.orientation), cleanQuality)
}

// Sniff names an image's format from its first bytes, whatever the file is called: "jpeg", "png"
// or "webp". Other formats get an ErrUnsupported error saying what they are when it can tell
// (HEIC, AVIF, GIF, TIFF or camera RAW, PDF); an empty input gets ErrCorrupt.
func Sniff(b []byte) (format string, err error) {
	switch {
	case len(b) == 0:
		return "", &photoError{kind: ErrCorrupt, msg: "the file is empty (0 bytes): copy the photo again from the camera or phone and import the copy"}
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg", nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png", nil
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp", nil
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return "", isoMediaError(b)
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "", unsupported("GIF images are not supported: save the picture as JPEG or PNG and import that")
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "", unsupported("TIFF and camera RAW files are not supported: export the photo as JPEG and import that")
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "", unsupported("this is a PDF document, not a photo: import the photo itself, as JPEG, PNG or WebP")
	}
	return "", unsupported("this file is not a JPEG, PNG or WebP photo, whatever its name says: choose the photo itself, or export it from the camera or phone as JPEG")
}

// isoMediaError words the refusal of an ISO base media file (HEIC, AVIF, MP4, MOV) by its brands.
func isoMediaError(b []byte) error {
	const heic = "HEIC photos from phones are not supported yet: export as JPEG (on iPhone: Settings › Camera › Formats › Most Compatible) and import again"
	end := int(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
	end = max(12, min(end, len(b), 256))
	isHEIC := false
	for i := 8; i+4 <= end; i += 4 {
		if i == 12 {
			continue // the minor version, not a brand
		}
		switch string(b[i : i+4]) {
		case "avif", "avis":
			return unsupported("AVIF images are not supported yet: export the photo as JPEG and import again")
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			isHEIC = true
		}
	}
	if isHEIC {
		return unsupported(heic)
	}
	return unsupported("this is a video or other media file, not a photo: import the photo itself, as JPEG, PNG or WebP")
}

// photoError is the error type returned by this package: Error() is the practitioner's sentence,
// and errors.Is matches its kind (ErrUnsupported, ErrTooLarge or ErrCorrupt) and its cause if any.
type photoError struct {
	kind  error
	msg   string
	cause error // the decoder's own error, for logs; part of the message in brackets
}

func (e *photoError) Error() string {
	if e.cause != nil {
		return e.msg + " (" + e.cause.Error() + ")"
	}
	return e.msg
}

func (e *photoError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.kind, e.cause}
	}
	return []error{e.kind}
}

func unsupported(msg string) error { return &photoError{kind: ErrUnsupported, msg: msg} }

func corrupt(cause error) error {
	return &photoError{kind: ErrCorrupt, cause: cause,
		msg: "the photo file is damaged or incomplete and cannot be read: copy it again from the camera or phone and import the copy"}
}

func tooLargeDims(w, h int) error {
	return &photoError{kind: ErrTooLarge, msg: fmt.Sprintf(
		"the photo is %d × %d pixels, more than Needlelog accepts (%d megapixels, %d pixels on a side): set the camera to a normal resolution, or export a smaller copy, and import that",
		w, h, MaxPixels/1_000_000, MaxSide)}
}

// panicError words a panic recovered anywhere below Process or CleanJPEG, as ErrCorrupt: a photo must
// never crash the app. Limits are checked first, so this is for decoder bugs, not for running out
// of memory, which no recover can catch.
func panicError(r any) error {
	return corrupt(fmt.Errorf("decoder failure: %v", r))
}

// source is a decoded photo with its metadata.
type source struct {
	format      string
	img         image.Image
	orientation int
	takenAt     time.Time
	colour      *colourTransform // to sRGB from the embedded profile; nil when sRGB already
}

func (s source) bounds() (w, h int) { return s.img.Bounds().Dx(), s.img.Bounds().Dy() }

// load applies the checks in the package comment's order and decodes.
func load(b []byte) (source, error) {
	if len(b) > MaxFileBytes {
		return source{}, &photoError{kind: ErrTooLarge, msg: fmt.Sprintf(
			"the file is %.1f MB, more than the %d MB a photo may have: export it from the camera or phone as a JPEG at normal quality and import that",
			math.Ceil(float64(len(b))/(1<<20)*10)/10, MaxFileBytes>>20)}
	}
	format, err := Sniff(b)
	if err != nil {
		return source{}, err
	}
	if err := checkDimensions(format, b); err != nil {
		return source{}, err
	}
	m := readMetadata(format, b)
	img, err := decode(format, b)
	if err != nil {
		return source{}, err
	}
	r := img.Bounds()
	if r.Dx() < 1 || r.Dy() < 1 {
		return source{}, corrupt(errors.New("no pixels"))
	}
	if err := checkSize(r.Dx(), r.Dy()); err != nil { // the decoder agreed with the header; be sure
		return source{}, err
	}
	// A lossy WebP's YCbCr is limited-range: see studioYCbCr.
	switch m := img.(type) {
	case *image.YCbCr:
		if format == "webp" {
			img = &studioYCbCr{m}
		}
	case *image.NYCbCrA:
		if format == "webp" {
			img = &studioNYCbCrA{m}
		}
	}
	return source{format: format, img: img, orientation: m.orientation, takenAt: m.takenAt, colour: colourOf(format, b)}, nil
}

// colourOf reads a photo's embedded colour profile; any trouble with it leaves the pixels as they are.
func colourOf(format string, b []byte) (t *colourTransform) {
	defer func() {
		if recover() != nil { // bounds-checked throughout; belt and braces
			t = nil
		}
	}()
	return parseICC(iccOf(format, b))
}

func checkSize(w, h int) error {
	if w > MaxSide || h > MaxSide || int64(w)*int64(h) > MaxPixels {
		return tooLargeDims(w, h)
	}
	return nil
}

// checkDimensions reads the dimensions from the header alone, without decoding the pixels, and
// refuses the photo when they are beyond the limits.
func checkDimensions(format string, b []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(r)
		}
	}()
	var cfg image.Config
	switch format {
	case "jpeg":
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(b))
	case "png":
		cfg, err = png.DecodeConfig(bytes.NewReader(b))
	case "webp":
		// webp.DecodeConfig reports the VP8X canvas, but the decoder allocates for the canvas (the
		// alpha plane) and for the frame, whose header may claim more: check both.
		var wi webpLayout
		wi, err = readWebPLayout(b)
		if err == nil && wi.animated {
			return unsupported("animated WebP images are not supported: import a still photo")
		}
		if err == nil && wi.canvasW > 0 {
			if err := checkSize(wi.canvasW, wi.canvasH); err != nil {
				return err
			}
		}
		cfg = image.Config{Width: wi.frameW, Height: wi.frameH}
	}
	if err != nil {
		return decodeError(err)
	}
	if cfg.Width < 1 || cfg.Height < 1 {
		return corrupt(fmt.Errorf("%s header gives %d × %d pixels", format, cfg.Width, cfg.Height))
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return err
	}
	if format == "jpeg" {
		return checkScans(b, cfg.Width, cfg.Height) // a progressive JPEG's cost grows with its scans
	}
	return nil
}

func decode(format string, b []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, panicError(r)
		}
	}()
	switch format {
	case "jpeg":
		img, err = jpeg.Decode(bytes.NewReader(b))
	case "png":
		img, err = png.Decode(bytes.NewReader(b))
	case "webp":
		img, err = webp.Decode(bytes.NewReader(b))
	default:
		err = fmt.Errorf("unknown format %q", format)
	}
	if err != nil {
		return nil, decodeError(err)
	}
	return img, nil
}

// decodeError words a decoder's error: a feature the decoder lacks is ErrUnsupported, anything
// else (truncation, bad data) ErrCorrupt.
func decodeError(err error) error {
	var pe *photoError
	if errors.As(err, &pe) {
		return err
	}
	var ju jpeg.UnsupportedError
	var pu png.UnsupportedError
	if errors.As(err, &ju) || errors.As(err, &pu) {
		return &photoError{kind: ErrUnsupported, cause: err,
			msg: "this photo uses a feature of its format that Needlelog cannot read: open it in a photo editor, save it as a standard JPEG and import that"}
	}
	return corrupt(err)
}

// fit returns w × h scaled down, keeping its aspect ratio, so that neither side exceeds side.
// It never scales up.
func fit(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, int((int64(h)*int64(side)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(side)+int64(h)/2)/int64(h))), side
}

func encode(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	r := img.Bounds()
	buf.Grow(r.Dx()*r.Dy()/4 + 1024)
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("photo: encode JPEG: %w", err)
	}
	return buf.Bytes(), nil
}
