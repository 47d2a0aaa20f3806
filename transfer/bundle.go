package transfer

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// A bundle is what one copy of a practice carries to another: a tar stream, encrypted with age,
// of these entries in this order:
//
//	header.json        Header
//	photos/SHA256      a photo file the other side may lack, named by the SHA-256 of its bytes
//	records.jsonl.gz   one Record per line, lists before clients before sessions before their parts
//	chains.jsonl.gz    one ChainLine per line: the audit chains the sender holds (its own and others')
//	end.json           End: the counts of what came before, so that a cut-off bundle is refused
//
// The lines are gzipped (in parts of a few megabytes each, read one after another): records and
// audit entries shrink to a sixth; photos, already compressed, are stored as they are. age
// authenticates every chunk and the end of the stream: a changed or truncated bundle does not
// decrypt. The tar inside is checked too (ReadPlain), as it would be were it ever read unencrypted.

// Format is the version of the bundle's layout this Needlelog writes and reads.
const Format = 1

// Header says what a bundle is: whose, from which device, and what that device held.
type Header struct {
	Format     int       `json:"format"`
	Schema     int       `json:"schema"` // the sender's schema version
	PracticeID string    `json:"practice_id"`
	Device     string    `json:"device"`
	DeviceName string    `json:"device_name"`
	Head       Head      `json:"head"` // the sender's own audit chain's last entry
	Made       time.Time `json:"made"`
	Clock      Clock     `json:"clock"` // the sender's clock as it made the bundle
	Knows      Knowledge `json:"knows"` // every device's changes the sender holds, up to these readings
	// Chains is how far the sender holds each device's audit chain (the last entry's number).
	Chains map[string]int64 `json:"chains"`
	// Since and SinceChains are what the sender took the other side to hold: the bundle carries
	// the rest. Empty for a bundle of everything.
	Since       Knowledge        `json:"since,omitempty"`
	SinceChains map[string]int64 `json:"since_chains,omitempty"`
}

// Head is an audit chain's last entry.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Record is one record of the practice as a bundle carries it.
type Record struct {
	Entity  string                     `json:"e"`
	ID      string                     `json:"id"`
	Clock   Clock                      `json:"c"` // its latest change
	Deleted bool                       `json:"deleted,omitempty"`
	Fixed   map[string]json.RawMessage `json:"fixed,omitempty"`  // set once, when it was made
	Fields  map[string]Field           `json:"fields,omitempty"` // merged one by one, each by its clock
	Body    json.RawMessage            `json:"body,omitempty"`   // an immutable record whole (a signed session)
}

// Field is one field's value (JSON) and the clock of its latest change.
type Field struct {
	V json.RawMessage `json:"v"`
	C Clock           `json:"c"`
}

// ChainLine is one line of the audit chains: a device's signing key or one of its entries.
type ChainLine struct {
	Device string      `json:"device"`
	Key    *ChainKey   `json:"key,omitempty"`
	Entry  *ChainEntry `json:"entry,omitempty"`
}

// ChainKey is a practitioner's public signing key on a device, in force from entry CreatedSeq
// of that device's chain until RetiredSeq (0 while in force).
type ChainKey struct {
	ID             string `json:"id"`
	PractitionerID string `json:"practitioner_id"`
	Public         string `json:"public"`
	CreatedSeq     int64  `json:"created_seq"`
	RetiredSeq     int64  `json:"retired_seq"`
}

// ChainEntry is an audit entry as its device's chain holds it, with its signature.
type ChainEntry struct {
	Seq            int64  `json:"seq"`
	At             string `json:"at"`
	PractitionerID string `json:"practitioner_id"`
	Action         string `json:"action"`
	Entity         string `json:"entity"`
	EntityID       string `json:"entity_id"`
	Detail         string `json:"detail"`
	PrevHash       string `json:"prev_hash"`
	Hash           string `json:"hash"`
	KeyID          string `json:"key_id,omitempty"`
	Signature      string `json:"signature,omitempty"`
}

// End closes a bundle with the counts of what it holds.
type End struct {
	Photos  int `json:"photos"`
	Records int `json:"records"`
	Lines   int `json:"lines"`
}

// Limits on what a bundle's entries may be: a bundle is read from anywhere.
const (
	maxHeader    = 1 << 20
	maxLine      = 64 << 20 // a signed session with its amendments' earlier records
	MaxPhotoFile = 256 << 20
)

var sha256Name = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ErrNewer is a bundle made by a newer Needlelog than this one: its layout or its records'
// schema are not known here.
var ErrNewer = errors.New("the bundle was made by a newer Needlelog: update Needlelog on this computer first")

// ErrDamaged is a bundle that is not whole: changed, cut off or not a bundle at all.
var ErrDamaged = errors.New("the bundle is damaged or incomplete: it was changed or cut off on its way, or is not a Needlelog bundle")

// DamagedError is ErrDamaged with what was found wrong, for the log: the sentence a person
// reads is ErrDamaged's alone, as they can do nothing with the detail.
type DamagedError struct{ Detail string }

func (e *DamagedError) Error() string { return ErrDamaged.Error() }
func (e *DamagedError) Unwrap() error { return ErrDamaged }

// Damaged is a bundle found not whole, detail saying how.
func Damaged(format string, a ...any) error { return &DamagedError{Detail: fmt.Sprintf(format, a...)} }

func damaged(format string, a ...any) error { return Damaged(format, a...) }

// Writer writes a bundle's plain tar stream; encryption is the caller's (Encrypt).
type Writer struct {
	tw    *tar.Writer
	at    time.Time
	end   End
	stage int // 0 photos, 1 records, 2 chains
	buf   bytes.Buffer
	lines *lineEntry
}

// NewWriter starts a bundle with its header.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	h.Format = Format
	bw := &Writer{tw: tar.NewWriter(w), at: h.Made}
	b, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	return bw, bw.file("header.json", b)
}

func (w *Writer) file(name string, b []byte) error {
	if err := w.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: w.at, Format: tar.FormatPAX}); err != nil {
		return fmt.Errorf("write the bundle: %w", err)
	}
	if _, err := w.tw.Write(b); err != nil {
		return fmt.Errorf("write the bundle: %w", err)
	}
	return nil
}

// Photo adds a photo file, named by the SHA-256 of b; every photo comes before the records.
func (w *Writer) Photo(sum string, b []byte) error {
	if w.stage > 0 {
		return errors.New("bundle: a photo after the records")
	}
	w.end.Photos++
	return w.file("photos/"+sum, b)
}

// lineEntry gathers a JSON-lines entry before it is written: tar needs each entry's size first.
type lineEntry struct {
	name string
	buf  bytes.Buffer
}

func (w *Writer) line(name string, v any) error {
	if w.lines == nil || w.lines.name != name {
		if err := w.flushLines(); err != nil {
			return err
		}
		w.lines = &lineEntry{name: name}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.lines.buf.Write(b)
	w.lines.buf.WriteByte('\n')
	// Keep memory bounded: a large practice's records go as several entries of the same name.
	if w.lines.buf.Len() > 8<<20 {
		return w.flushLines()
	}
	return nil
}

func (w *Writer) flushLines() error {
	if w.lines == nil || w.lines.buf.Len() == 0 {
		return nil
	}
	w.buf.Reset()
	zw, err := gzip.NewWriterLevel(&w.buf, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if _, err := zw.Write(w.lines.buf.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	w.lines.buf.Reset()
	return w.file(w.lines.name, w.buf.Bytes())
}

// Record adds a record; records come after the photos and before the chains.
func (w *Writer) Record(r *Record) error {
	if w.stage > 1 {
		return errors.New("bundle: a record after the chains")
	}
	w.stage = 1
	w.end.Records++
	return w.line("records.jsonl.gz", r)
}

// Chain adds a line of the audit chains; they come last.
func (w *Writer) Chain(l *ChainLine) error {
	w.stage = 2
	w.end.Lines++
	return w.line("chains.jsonl.gz", l)
}

// Close ends the bundle with its counts. It does not close the underlying writer.
func (w *Writer) Close() error {
	if err := w.flushLines(); err != nil {
		return err
	}
	b, _ := json.Marshal(w.end)
	if err := w.file("end.json", b); err != nil {
		return err
	}
	return w.tw.Close()
}

// Handler applies what a bundle holds as ReadPlain reads it. An error from any method stops the
// reading and is returned.
type Handler interface {
	Header(h *Header) error
	Photo(sum string, b []byte) error
	Record(r *Record) error
	Chain(l *ChainLine) error
}

// ReadPlain reads a bundle's plain tar stream, checking its layout, limits and counts, and hands
// each part to h in order. A bundle that is not whole fails with ErrDamaged; End is only known
// good when ReadPlain returns nil, so the caller applies everything in one transaction it commits
// only then.
func ReadPlain(r io.Reader, h Handler) error {
	tr := tar.NewReader(r)
	var got End
	stage := -1 // -1 header, 0 photos, 1 records, 2 chains, 3 end
	for {
		th, err := tr.Next()
		if err == io.EOF {
			if stage != 3 {
				return damaged("it ends before its last part")
			}
			return nil
		}
		if err != nil {
			return damaged("%v", err)
		}
		if stage == 3 {
			return damaged("something follows its last part")
		}
		if th.Typeflag != tar.TypeReg || th.Size < 0 {
			return damaged("it holds %q, which is not a file", th.Name)
		}
		name := th.Name
		switch {
		case name == "header.json":
			if stage != -1 {
				return damaged("a second header")
			}
			var hd Header
			if err := readJSON(tr, th.Size, maxHeader, &hd); err != nil {
				return err
			}
			if hd.Format != Format {
				if hd.Format > Format {
					return fmt.Errorf("%w (it is of bundle format %d; this one reads %d)", ErrNewer, hd.Format, Format)
				}
				return damaged("bundle format %d", hd.Format)
			}
			if err := checkHeader(&hd); err != nil {
				return err
			}
			if err := h.Header(&hd); err != nil {
				return err
			}
			stage = 0
		case strings.HasPrefix(name, "photos/"):
			sum := strings.TrimPrefix(name, "photos/")
			if stage != 0 {
				return damaged("a photo out of place")
			}
			if !sha256Name.MatchString(sum) {
				return damaged("a photo named %q", name)
			}
			if th.Size > MaxPhotoFile {
				return damaged("a photo of %d bytes", th.Size)
			}
			b, err := io.ReadAll(io.LimitReader(tr, th.Size))
			if err != nil || int64(len(b)) != th.Size {
				return damaged("a photo is cut off")
			}
			if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != sum {
				return damaged("the photo %s… does not match its name", sum[:12])
			}
			got.Photos++
			if err := h.Photo(sum, b); err != nil {
				return err
			}
		case name == "records.jsonl.gz":
			if stage != 0 && stage != 1 {
				return damaged("records out of place")
			}
			stage = 1
			n, err := readGzipLines(tr, func(b []byte) error {
				var rec Record
				if err := strictJSON(b, &rec); err != nil {
					return damaged("a record does not read: %v", err)
				}
				if rec.Entity == "" || rec.ID == "" || len(rec.ID) > 200 || (rec.Clock != "" && !rec.Clock.Valid()) {
					return damaged("a record without its kind, ID or clock")
				}
				for f, v := range rec.Fields {
					if !v.C.Valid() || f == "" {
						return damaged("the field %q of %s %s has no clock", f, rec.Entity, rec.ID)
					}
				}
				return h.Record(&rec)
			})
			got.Records += n
			if err != nil {
				return err
			}
		case name == "chains.jsonl.gz":
			if stage < 0 || stage > 2 {
				return damaged("chains out of place")
			}
			stage = 2
			n, err := readGzipLines(tr, func(b []byte) error {
				var l ChainLine
				if err := strictJSON(b, &l); err != nil {
					return damaged("an audit chain line does not read: %v", err)
				}
				if l.Device == "" || (l.Key == nil) == (l.Entry == nil) {
					return damaged("an audit chain line without its device, or neither key nor entry")
				}
				return h.Chain(&l)
			})
			got.Lines += n
			if err != nil {
				return err
			}
		case name == "end.json":
			if stage < 0 {
				return damaged("no header")
			}
			var end End
			if err := readJSON(tr, th.Size, maxHeader, &end); err != nil {
				return err
			}
			if end != got {
				return damaged("it says it holds %d photos, %d records and %d audit lines, and holds %d, %d and %d",
					end.Photos, end.Records, end.Lines, got.Photos, got.Records, got.Lines)
			}
			stage = 3
		default:
			return damaged("it holds %q, which a bundle does not", name)
		}
	}
}

func checkHeader(h *Header) error {
	if h.PracticeID == "" || h.Device == "" || !h.Clock.Valid() || h.Head.Seq < 0 {
		return damaged("its header lacks the practice, the device or the clock")
	}
	for d, c := range h.Knows {
		if !c.Valid() || c.Device() != d {
			return damaged("its header's knowledge of device %q does not read", d)
		}
	}
	for d, c := range h.Since {
		if !c.Valid() || c.Device() != d {
			return damaged("its header's knowledge of device %q does not read", d)
		}
	}
	for d, n := range h.Chains {
		if d == "" || n < 0 {
			return damaged("its header's chain of device %q does not read", d)
		}
	}
	for d, n := range h.SinceChains {
		if d == "" || n < 0 {
			return damaged("its header's chain of device %q does not read", d)
		}
	}
	return nil
}

func readJSON(r io.Reader, size, limit int64, v any) error {
	if size > limit {
		return damaged("a part of %d bytes", size)
	}
	b, err := io.ReadAll(io.LimitReader(r, size))
	if err != nil || int64(len(b)) != size {
		return damaged("a part is cut off")
	}
	if err := strictJSON(b, v); err != nil {
		return damaged("a part does not read: %v", err)
	}
	return nil
}

func strictJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("more follows the value")
	}
	return nil
}

// readGzipLines calls fn with each line of a gzipped JSON-lines entry.
func readGzipLines(r io.Reader, fn func([]byte) error) (int, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return 0, damaged("a part does not unpack: %v", err)
	}
	zr.Multistream(false)
	n, err := readLines(zr, fn)
	if err != nil {
		return n, err
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return n, damaged("%v", err)
	}
	return n, nil
}

// readLines calls fn with each line of a JSON-lines entry.
func readLines(r io.Reader, fn func([]byte) error) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			return n, damaged("an empty line")
		}
		n++
		if err := fn(sc.Bytes()); err != nil {
			return n, err
		}
	}
	if err := sc.Err(); err != nil {
		return n, damaged("%v", err)
	}
	return n, nil
}
