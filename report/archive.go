package report

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/wording"
)

// The archive's layout. README.txt (archiveReadme) says the same to whoever opens it.
const (
	ArchiveReadmePath   = "README.txt"
	ArchiveManifestPath = "manifest.json"
	ArchiveDatabasePath = "database/needlelog.db"
	// ArchivePhotoFolder holds the photo library's files (originals and previews as stored,
	// named by their SHA-256), which the database names and no longer holds.
	ArchivePhotoFolder = "database/needlelog.photos/"
	archiveTables      = "tables/"
	archivePhotos      = "photos/"
	archiveHistories   = "histories/"
)

// ArchiveManifestFile is one file of an archive as its manifest lists it.
type ArchiveManifestFile struct {
	Path      string `json:"path"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	Kind      string `json:"kind"` // readme, database, table, photo, history
	ClientID  string `json:"client_id,omitempty"`
	SessionID string `json:"session_id,omitempty"`
	PhotoID   string `json:"photo_id,omitempty"`
	// Note says when a file is not what its kind promises, such as a photo given as its preview.
	Note string `json:"note,omitempty"`
}

// ArchiveManifest is manifest.json: every other file of the archive with its size and SHA-256.
type ArchiveManifest struct {
	Format        string                `json:"format"` // "needlelog-archive"
	FormatVersion int                   `json:"format_version"`
	Created       time.Time             `json:"created"`
	TimeZone      string                `json:"time_zone"` // of the times in the CSV files
	SchemaVersion int                   `json:"schema_version"`
	Counts        map[string]int64      `json:"counts"` // rows per table of the database
	Files         []ArchiveManifestFile `json:"files"`
	// Missing lists the photos whose images were lost from the practice file before the archive
	// was made, with no path: their records are in the database and the tables all the same.
	Missing []ArchiveManifestFile `json:"missing,omitempty"`
}

// archiveWorkers is how many photos are re-encoded (or histories drawn) at once: enough to use
// the processors, few enough that a handful of 12 MP photos in flight bound the memory.
func archiveWorkers() int { return max(1, min(runtime.GOMAXPROCS(0), 4)) }

// WriteArchive writes the whole practice as one zip in open formats, so that it can be read
// without Needlelog:
//
//   - database/needlelog.db: a consistent snapshot of the database (SQLite), everything included;
//   - tables/*.csv: one CSV file per table (sessions, zones, products applied, side effects,
//     results, clients), as WriteCSV writes them;
//   - photos/<client>/<date> <kind> <view> <zone> <id>.jpg: every photo, re-encoded upright at
//     full size with no EXIF, GPS or other metadata;
//   - histories/<client>.pdf: each client's treatment history;
//   - manifest.json: every file with its size and SHA-256; README.txt: what each file is.
//
// Everything is read from one snapshot taken at the start, so the files agree with each other
// however long the archive takes while the practice goes on working. The snapshot is made in a
// temporary file beside the database (the system's temporary folder if that cannot be written)
// and removed before WriteArchive returns. Photos are read, re-encoded and written a few at a
// time, never all at once.
//
// progress, when set, is called after each file with the files done and the total. When ctx is
// cancelled, WriteArchive stops and returns ctx.Err(); what was written to w is then a partial
// zip, which the caller removes.
func WriteArchive(ctx context.Context, w io.Writer, store ArchiveSource, progress func(done, total int)) error {
	err := writeArchive(ctx, w, store, progress)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func writeArchive(ctx context.Context, w io.Writer, store ArchiveSource, progress func(done, total int)) error {
	created := store.Now()
	tmp, err := os.MkdirTemp(store.Folder(), ".needlelog-archive-*")
	if err != nil {
		if tmp, err = os.MkdirTemp("", "needlelog-archive-*"); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	defer os.RemoveAll(tmp)
	snapPath := filepath.Join(tmp, "needlelog.db")
	snap, health, err := store.Snapshot(ctx, snapPath, created)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer snap.Close()
	clients, err := archiveClients(ctx, snap)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}

	var library []string
	lib, _ := snap.(PhotoLibrary)
	if lib != nil {
		if library, err = lib.PhotoFiles(ctx); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	a := &archiveWriter{zw: zip.NewWriter(w), modified: created, progress: progress,
		total: 3 + len(nlstore.ExportTables) + len(library) + int(health.Counts["photos"]) + len(clients)}
	// Photos and PDFs are stored as they are (they are compressed already); for the rest,
	// the fastest deflate: the snapshot is mostly photos too.
	a.zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	manifest := ArchiveManifest{Format: "needlelog-archive", FormatVersion: 1, Created: created.UTC(),
		TimeZone: timeZoneName(created), SchemaVersion: health.SchemaVersion, Counts: health.Counts}

	if err := a.file(ArchiveManifestFile{Path: ArchiveReadmePath, Kind: "readme"}, zip.Deflate, func(out io.Writer) error {
		_, err := io.WriteString(out, archiveReadme(manifest, len(clients)))
		return err
	}); err != nil {
		return err
	}
	if err := a.file(ArchiveManifestFile{Path: ArchiveDatabasePath, Kind: "database"}, zip.Deflate, func(out io.Writer) error {
		f, err := os.Open(snapPath) // the snapshot, a file of our own, never the live database
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(out, archiveReader{ctx, f})
		return err
	}); err != nil {
		return err
	}
	if err := a.photoFiles(ctx, lib, library); err != nil {
		return err
	}
	err = snap.ExportRows(ctx, nlstore.ExportQuery{}, func(t *nlstore.ExportTable) error {
		return a.file(ArchiveManifestFile{Path: archiveTables + CSVFileName(t.Name), Kind: "table"}, zip.Deflate,
			func(out io.Writer) error { return writeCSVTable(ctx, out, t) })
	})
	if err != nil {
		return err
	}
	if err := a.clientFiles(ctx, snap, clients); err != nil {
		return err
	}
	a.done++ // the manifest
	manifest.Files, manifest.Missing = a.files, a.missing
	body, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	out, err := a.zw.CreateHeader(&zip.FileHeader{Name: ArchiveManifestPath, Method: zip.Deflate, Modified: a.modified})
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if _, err := out.Write(append(body, '\n')); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := a.zw.Close(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	a.report()
	return nil
}

// archiveWriter adds files to the zip, keeping the manifest's list and the progress.
type archiveWriter struct {
	zw          *zip.Writer
	modified    time.Time
	files       []ArchiveManifestFile
	missing     []ArchiveManifestFile // photos whose images are lost, in no file
	done, total int
	progress    func(done, total int)
}

func (a *archiveWriter) report() {
	if a.progress != nil {
		a.progress(a.done, a.total)
	}
}

// file adds one file written by write, hashing it on the way.
func (a *archiveWriter) file(entry ArchiveManifestFile, method uint16, write func(io.Writer) error) error {
	out, err := a.zw.CreateHeader(&zip.FileHeader{Name: entry.Path, Method: method, Modified: a.modified})
	if err != nil {
		return fmt.Errorf("archive %s: %w", entry.Path, err)
	}
	h := &archiveHash{h: sha256.New()}
	if err := write(io.MultiWriter(out, h)); err != nil {
		return fmt.Errorf("archive %s: %w", entry.Path, err)
	}
	entry.Size, entry.SHA256 = h.n, hex.EncodeToString(h.h.Sum(nil))
	a.files = append(a.files, entry)
	a.done++
	a.report()
	return nil
}

type archiveHash struct {
	h hash.Hash
	n int64
}

func (h *archiveHash) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	return h.h.Write(p)
}

// archiveReader stops a long copy when the context is cancelled.
type archiveReader struct {
	ctx context.Context
	r   io.Reader
}

func (r archiveReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// photoFiles copies the photo library's files the snapshot names, as they are, streamed. A file
// missing from the library is listed under missing, and so is a name that is no SHA-256 (a
// damaged or forged record): no such name is ever opened or made a path of the zip. A file whose
// bytes no longer match its name is copied with a note saying so.
func (a *archiveWriter) photoFiles(ctx context.Context, lib PhotoLibrary, sums []string) error {
	for _, sum := range sums {
		if !photolib.Valid(sum) {
			a.missingFile(fmt.Sprintf("a photo record names %q, which is not a photo file's name", sum))
			continue
		}
		entry := ArchiveManifestFile{Path: ArchivePhotoFolder + sum[:2] + "/" + sum[2:4] + "/" + sum, Kind: "photo file"}
		f, err := lib.OpenPhotoFile(sum)
		if nlstore.ImageLost(err) {
			a.missingFile("photo file " + sum + " is missing from the practice's photo folder")
			continue
		}
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		err = a.file(entry, zip.Store, func(out io.Writer) error {
			_, err := io.Copy(out, archiveReader{ctx, f})
			return err
		})
		f.Close()
		if err != nil {
			return err
		}
		if last := &a.files[len(a.files)-1]; last.SHA256 != sum {
			last.Note = "its bytes no longer match those imported: the file was changed in the photo folder"
		}
	}
	return nil
}

// missingFile lists a photo library's file under missing, saying why in note.
func (a *archiveWriter) missingFile(note string) {
	a.missing = append(a.missing, ArchiveManifestFile{Kind: "photo file", Note: note})
	a.done++
	a.report()
}

// archiveClient is a client as the archive names their files.
type archiveClient struct {
	id, folder string
}

// archiveClients lists every client, archived ones too, by name, each with a folder name of
// their own: two clients of the same name (ignoring letter case, and accents typed either way)
// get their ID's last eight digits after it.
func archiveClients(ctx context.Context, s Source) ([]archiveClient, error) {
	var list []data.ClientSummary
	for _, archived := range []bool{false, true} {
		q := data.ClientQuery{Archived: archived, Limit: 1000}
		for {
			page, err := s.ListClients(ctx, q)
			if err != nil {
				return nil, err
			}
			list = append(list, page...)
			if len(page) < q.Limit {
				break
			}
			q.After = &page[len(page)-1]
		}
	}
	names := make(map[string]int, len(list))
	for _, c := range list {
		names[nameKey(FileName(c.Name()))]++
	}
	out := make([]archiveClient, len(list))
	used := make(map[string]bool, len(list))
	for i, c := range list {
		folder := FileName(c.Name())
		if names[nameKey(folder)] > 1 {
			folder += " " + shortID(c.ID)
		}
		// Unique whatever the names: a client may be called what another's name and ID make.
		base := folder
		for n := 2; used[nameKey(folder)]; n++ {
			folder = fmt.Sprintf("%s (%d)", base, n)
		}
		used[nameKey(folder)] = true
		out[i] = archiveClient{id: c.ID, folder: folder}
	}
	return out, nil
}

// archiveJob is one file made off the writing goroutine: a re-encoded photo or a history PDF.
type archiveJob struct {
	entry  ArchiveManifestFile
	make   func(ctx context.Context) ([]byte, string, error) // the file's bytes, and a note
	result chan archiveResult
}

type archiveResult struct {
	body []byte
	note string
	err  error
}

// clientFiles writes each client's photos and history. Up to archiveWorkers files are made at
// once, in order: a few photos in memory at a time, whatever the practice's size.
func (a *archiveWriter) clientFiles(ctx context.Context, snap Source, clients []archiveClient) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := archiveWorkers()
	jobs := make(chan *archiveJob)
	ordered := make(chan *archiveJob, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var r archiveResult
				r.body, r.note, r.err = j.make(ctx)
				j.result <- r
			}
		}()
	}
	produced := make(chan error, 1)
	go func() {
		defer close(ordered)
		defer close(jobs)
		produced <- a.produce(ctx, snap, clients, jobs, ordered)
	}()
	defer wg.Wait()
	for j := range ordered {
		r := <-j.result
		if errors.Is(r.err, errImageLost) {
			j.entry.Path, j.entry.Note = "", errImageLost.Error()+"; its record is in "+ArchiveDatabasePath
			a.missing = append(a.missing, j.entry)
			a.done++
			a.report()
			continue
		}
		if r.err == nil {
			j.entry.Note = r.note
			method := uint16(zip.Store)
			r.err = a.file(j.entry, method, func(out io.Writer) error {
				_, err := out.Write(r.body)
				return err
			})
		}
		if r.err != nil {
			cancel()
			for j := range ordered { // let the producer and the workers finish
				<-j.result
			}
			<-produced
			return r.err
		}
	}
	return <-produced
}

// produce queues each client's photos, then their history, stopping when ctx is done.
func (a *archiveWriter) produce(ctx context.Context, snap Source, clients []archiveClient,
	jobs, ordered chan<- *archiveJob) error {
	queue := func(j *archiveJob) error {
		j.result = make(chan archiveResult, 1)
		select {
		case ordered <- j:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case jobs <- j:
			return nil
		case <-ctx.Done():
			j.result <- archiveResult{err: ctx.Err()}
			return ctx.Err()
		}
	}
	for _, c := range clients {
		photos, err := snap.ListPhotos(ctx, data.PhotoQuery{ClientID: c.id})
		if err != nil {
			return err
		}
		used := map[string]bool{}
		for _, p := range photos {
			name := archivePhotoName(p.Photo, used)
			entry := ArchiveManifestFile{Path: archivePhotos + c.folder + "/" + name, Kind: "photo",
				ClientID: c.id, SessionID: p.SessionID, PhotoID: p.ID}
			id := p.ID
			if err := queue(&archiveJob{entry: entry, make: func(ctx context.Context) ([]byte, string, error) {
				return archivePhoto(ctx, snap, id)
			}}); err != nil {
				return err
			}
		}
		id := c.id
		entry := ArchiveManifestFile{Path: archiveHistories + c.folder + ".pdf", Kind: "history", ClientID: c.id}
		if err := queue(&archiveJob{entry: entry, make: func(ctx context.Context) ([]byte, string, error) {
			h, err := LoadClientHistory(ctx, snap, id)
			if err != nil {
				return nil, "", err
			}
			var buf bytes.Buffer
			if err := WriteClientHistory(&buf, h); err != nil {
				return nil, "", err
			}
			return buf.Bytes(), "", ctx.Err()
		}}); err != nil {
			return err
		}
	}
	return nil
}

// archivePhoto gives a photo's original upright at full size with no metadata (photo.CleanJPEG).
// An original that no longer decodes (it did when it was imported) is given as its preview, which
// is just as clean, and the manifest says so.
func archivePhoto(ctx context.Context, snap Source, id string) ([]byte, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	orig, err := snap.PhotoOriginal(ctx, id)
	if nlstore.ImageLost(err) {
		// Lost from the practice file: the preview is the best copy there is.
		preview, perr := cleanPreview(ctx, snap, id)
		if perr != nil {
			return nil, "", perr
		}
		return preview, "the original is missing from the practice file; this is its preview", nil
	} else if err != nil {
		return nil, "", err
	}
	clean, cerr := photo.CleanJPEG(orig)
	if cerr == nil {
		return clean, "", nil
	}
	preview, err := cleanPreview(ctx, snap, id)
	if err != nil {
		return nil, "", fmt.Errorf("%w (the original: %v)", err, cerr)
	}
	return preview, "the original could not be re-encoded (" + cerr.Error() + "); this is its preview", nil
}

// cleanPreview is a photo's stored preview, through photo.CleanJPEG like every image that leaves.
// A preview lost (nlstore.ImageLost) or that no longer decodes is errImageLost.
func cleanPreview(ctx context.Context, snap Source, id string) ([]byte, error) {
	b, err := snap.PhotoPreview(ctx, id)
	if nlstore.ImageLost(err) {
		return nil, fmt.Errorf("%w: %w", errImageLost, err)
	} else if err != nil {
		return nil, err
	}
	clean, err := photo.CleanJPEG(b)
	if err != nil {
		return nil, fmt.Errorf("%w: its preview cannot be read (%v)", errImageLost, err)
	}
	return clean, nil
}

// errImageLost is a photo with neither its original nor its preview in the practice file: the
// archive lists it under missing and goes on, since its record is in the database all the same.
var errImageLost = errors.New("the photo's images are missing from the practice file")

// archivePhotoName names a photo's file: "2026-05-17 before Frontal Cheeks 1a2b3c4d.jpg", made
// unique among the names already used in its folder.
func archivePhotoName(p data.Photo, used map[string]bool) string {
	parts := []string{data.DateOf(p.TakenAt).String(), string(p.Kind)}
	for _, s := range []string{p.View, p.Zone} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	parts = append(parts, shortID(p.ID))
	base := FileName(strings.Join(parts, " "))
	name := base + ".jpg"
	for n := 2; used[nameKey(name)]; n++ {
		name = fmt.Sprintf("%s (%d).jpg", base, n)
	}
	used[nameKey(name)] = true
	return name
}

// shortID is the last eight hex digits of an ID: a UUIDv7 begins with its time, so records made
// in the same minute share their first digits but not their last.
func shortID(id string) string {
	id = strings.ReplaceAll(id, "-", "")
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

// archiveNameMax is the longest file or folder name the archive makes, in bytes, within every
// common file system's limit.
const archiveNameMax = 120

// FileName makes text safe as a file or folder name on Windows, macOS and Linux: composed
// accents (NFC), so that "José" typed two ways is one name; no bidirectional overrides,
// zero-width or other invisible format characters, which can make "Ann\u202egpj.exe" read as
// "Annexe.jpg"; no control characters, separators or characters Windows refuses; no trailing dot
// or space; not a reserved device name; not too long.
func FileName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		switch {
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			// Cf holds the bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F),
			// the zero-width characters (U+200B–U+200D, U+2060) and the byte-order mark (U+FEFF).
		case r == utf8.RuneError, strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name := strings.Join(strings.Fields(b.String()), " ")
	for len(name) > archiveNameMax {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	name = strings.TrimRight(name, ". ")
	if name == "" {
		return "Unnamed"
	}
	stem := strings.ToUpper(name)
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return "_" + name
	}
	return name
}

// nameKey is what makes two file names the same on a file system that ignores letter case
// (Windows, macOS): the name made by FileName, case-folded.
func nameKey(name string) string { return cases.Fold().String(norm.NFC.String(name)) }

// timeZoneName says which time zone local times are in: "Europe/Berlin (UTC+01:00)".
func timeZoneName(t time.Time) string {
	name, offset := t.Local().Zone()
	zone := fmt.Sprintf("UTC%+03d:%02d", offset/3600, archiveAbs(offset%3600)/60)
	if loc := time.Local.String(); loc != "" && loc != "Local" {
		name = loc
	}
	if name == "" || name == zone {
		return zone
	}
	return name + " (" + zone + ")"
}

func archiveAbs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// archiveReadme is README.txt.
func archiveReadme(m ArchiveManifest, clients int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `Needlelog archive
=================

Made %s. Everything in it was read from one snapshot of the practice's database taken
at that moment, so the files agree with each other.

It holds %d clients, %d sessions and %d photos.


What each file is
-----------------

README.txt
    This file.

manifest.json
    Every other file of the archive with its size in bytes and its SHA-256 checksum, and
    for photos and histories the IDs of the client, session and photo they belong to.
    To check a file, compare the output of "sha256sum FILE" (Linux), "shasum -a 256 FILE"
    (macOS) or "certutil -hashfile FILE SHA256" (Windows) with its line in the manifest.

%s
    The whole database: a SQLite 3 file (schema version %d) that any SQLite tool opens, for
    example DB Browser for SQLite or the sqlite3 command. It holds clients, sessions, side
    effects, results assessed, the practice's lists, settings, the audit log with the practitioners' signing
    keys (each private key sealed by its practitioner's passphrase), and each photo's record
    and thumbnail. Keep this file as safe as the practice's own.
    Needlelog opens it too, with the photo folder beside it: "needlelog --db FILE" (work on
    a copy of both: opening it for writing upgrades and changes it).

%s<ab>/<cd>/<sha256>
    The practice's photo folder: every photo as it was imported (the camera's file with its
    metadata: camera, date taken, orientation; less the GPS position, which import removes
    unless it was asked to keep it) and its preview, each named by its SHA-256, which the
    database's photos table names (sha256 and preview_sha256).

tables/sessions.csv, zones.csv, products_applied.csv, side_effects.csv, results.csv,
clients.csv
    The records as tables, one row per session, per treated zone, per product applied, per
    side effect, per result assessed after a session and per client. They open in Excel,
    LibreOffice and any other program:
      - UTF-8 with a byte-order mark, comma separated, a header row of column names;
      - dates as YYYY-MM-DD, times as YYYY-MM-DD HH:MM:SS in the practice's time zone,
        %s;
      - numbers with a point as the decimal mark; an empty field where nothing was recorded;
      - text that begins with = + - @ (or a tab) has a ' put in front of it, so that a
        spreadsheet never runs it as a formula.
    session_id and client_id link the tables to each other.

photos/<client>/<date> <kind> <view> <zone> <id>.jpg
    Every photo, full size and upright, as a JPEG without any metadata (no EXIF, no GPS
    position, no camera serial number). <date> is the day it was taken, <kind> before,
    after or follow-up, <view> and <zone> as recorded (left out when not), <id> the last
    eight digits of the photo's ID. manifest.json gives each photo's session.

histories/<client>.pdf
    Each client's treatment history: their details, every session with its settings,
    products and lots and the results assessed after it, the side-effect log, and
    before/after photos for each view.

Two clients with the same name have the last eight digits of their ID after it.
`, wording.DateTimeZone(m.Created), clients, m.Counts["sessions"], m.Counts["photos"],
		ArchiveDatabasePath, m.SchemaVersion, ArchivePhotoFolder, m.TimeZone)
	return strings.ReplaceAll(b.String(), "\n", "\r\n") // Notepad on older Windows shows LF files on one line
}
