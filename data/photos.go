package data

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data/photo"
)

// PhotoKind says when a photo was taken relative to the treatment (DOMAIN.md).
type PhotoKind string

const (
	PhotoBefore   PhotoKind = "before"
	PhotoAfter    PhotoKind = "after"     // straight after the treatment
	PhotoFollowUp PhotoKind = "follow-up" // days to months later: 2 weeks, 1, 3, 6, 12 months
)

// PhotoKinds lists the kinds in the order of a course of treatment.
var PhotoKinds = []PhotoKind{PhotoBefore, PhotoAfter, PhotoFollowUp}

// PhotoScopes are the uses a photo may be put to, from the narrowest. A photo's scope must be
// covered by its client's PhotoConsent; "none" is a client's answer, never a photo's scope.
var PhotoScopes = []PhotoConsent{PhotoConsentClinical, PhotoConsentEducation, PhotoConsentMarketing}

// ActionDelete is the audit action for a removed record: photos and their pins can be deleted,
// with the reason kept in the audit log.
const ActionDelete = "delete"

// ErrDuplicatePhoto reports an import of a photo whose bytes are already stored. The error
// returned is a *DuplicatePhotoError, which names the stored photo.
var ErrDuplicatePhoto = errors.New("photo is already stored")

// DuplicatePhotoError is an import refused because the very same file is already stored.
type DuplicatePhotoError struct {
	Existing Photo  // the photo already stored
	ClientID string // the client the refused import was for
}

func (e *DuplicatePhotoError) Error() string {
	if e.Existing.ClientID != e.ClientID {
		return fmt.Sprintf("this photo is already stored, for another client (photo %s): check that the right client is chosen",
			e.Existing.ID)
	}
	return fmt.Sprintf("this photo is already stored (photo %s, taken %s)", e.Existing.ID,
		e.Existing.TakenAt.Local().Format("2006-01-02 15:04"))
}

// Is makes errors.Is(err, ErrDuplicatePhoto) true.
func (e *DuplicatePhotoError) Is(target error) bool { return target == ErrDuplicatePhoto }

// PhotoTags are what a practitioner says about a photo; all of them can be changed after import.
type PhotoTags struct {
	SessionID string // the session the photo belongs to; "" for none
	Kind      PhotoKind
	Zone      string       // a zone's name, as in the practice's zones; "" when not recorded
	View      string       // a name from the practice's photo_view list; "" when not recorded
	Consent   PhotoConsent // the photo's consent scope; clinical when empty
	Note      string
}

// Photo is a stored photo's record. Its bytes are read separately and only when needed: the
// thumbnail with ListPhotos, the preview with PhotoPreview, the original with PhotoOriginal.
type Photo struct {
	ID       string
	ClientID string
	PhotoTags
	TakenAt   time.Time // from the photo's EXIF date where present, otherwise the file's modification time
	FileName  string    // the imported file's name, without its folder
	MIME      string    // of the original: image/jpeg, image/png or image/webp
	Width     int       // upright, in pixels
	Height    int
	ByteSize  int64 // of the original
	SHA256    string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64 // increases with every update; an update with a stale Version is refused
}

// PhotoFile is a photo read from a file and processed, ready to store. Making one is the slow,
// CPU-bound half of an import and needs no database, so it can run on any goroutine; storing it
// with ImportPhoto is a short write.
type PhotoFile struct {
	Name     string    // the file's name, without its folder
	ModTime  time.Time // the file's modification time
	Original []byte    // the bytes stored: the file's, less its GPS position unless kept
	// OtherSHA256 is, for a file with a GPS position, the SHA-256 of the same photo in the form
	// not stored (with its location when it was taken out, without when it was kept), so that a
	// photo imported once each way is still found a duplicate; "" for a file without a location.
	OtherSHA256 string
	Processed   photo.Processed
}

// TakenAt is when the photo was taken: its EXIF date, or else the file's modification time,
// which for a photo copied straight off a camera or phone is close to it.
func (f PhotoFile) TakenAt() time.Time {
	if t := f.Processed.Info.TakenAt; !t.IsZero() {
		return t
	}
	return f.ModTime
}

// PhotoFileError is a photo file that could not be imported, and why. Err is a sentence fragment
// a practitioner can act on; errors.Is sees through it to photo.ErrTooLarge, ErrDuplicatePhoto...
type PhotoFileError struct {
	Path string
	Err  error
}

func (e *PhotoFileError) Error() string {
	return "import photo " + filepath.Base(e.Path) + ": " + e.Err.Error()
}

func (e *PhotoFileError) Unwrap() error { return e.Err }

// fileTooLarge refuses a file from its size alone, as photo.Process would, without reading it.
type fileTooLarge struct{ size int64 }

func (e fileTooLarge) Error() string {
	return fmt.Sprintf("the file is %.1f MB, more than the %d MB a photo may have: export it from the camera or phone as a JPEG at normal quality and import that",
		float64(e.size)/(1<<20), photo.MaxFileBytes>>20)
}

func (e fileTooLarge) Unwrap() error { return photo.ErrTooLarge }

// PhotoImportOptions are the choices an import of photo files offers, the same in the app and
// the CLI. The zero value is the default.
type PhotoImportOptions struct {
	// KeepLocation keeps the camera's GPS position in the stored original. By default it is taken
	// out (photo.WithoutLocation): for a mobile practitioner it is the client's home. Only the EXIF
	// GPS tags go; the image data and every other tag are kept byte for byte, and the SHA-256
	// recorded is that of the bytes stored.
	KeepLocation bool
}

// processPhoto is photo.Process; tests put a slow stand-in in its place.
var processPhoto = photo.Process

// ReadPhotoFile reads and processes the photo file at path with the default options; see
// ReadPhotoFileContext.
func ReadPhotoFile(path string) (PhotoFile, error) {
	return ReadPhotoFileContext(context.Background(), path, PhotoImportOptions{})
}

// ReadPhotoFileContext reads the photo file at path, takes its GPS position out unless
// opts.KeepLocation, and processes it with photo.Process. A file larger than photo.MaxFileBytes
// is refused from its size, before any of it is read. When ctx is cancelled it returns at once,
// with an error wrapping ctx's, leaving the decode under way to finish on its own and be
// forgotten: no decoder can be stopped half way, and an import must not wait seconds for one.
// Errors are *PhotoFileError values naming the file.
func ReadPhotoFileContext(ctx context.Context, path string, opts PhotoImportOptions) (PhotoFile, error) {
	fail := func(err error) (PhotoFile, error) { return PhotoFile{}, &PhotoFileError{Path: path, Err: err} }
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	// Stat before opening: opening a named pipe for reading would wait for a writer forever.
	info, err := os.Stat(path)
	if err != nil {
		return fail(fileError(err))
	}
	switch {
	case info.IsDir():
		return fail(errors.New("it is a folder, not a photo"))
	case !info.Mode().IsRegular():
		return fail(errors.New("it is not an ordinary file, so it cannot be a photo"))
	case info.Size() > photo.MaxFileBytes:
		return fail(fileTooLarge{info.Size()})
	}
	fh, err := os.Open(path)
	if err != nil {
		return fail(fileError(err))
	}
	defer fh.Close()
	// The limit holds while reading too: the file may have grown since it was looked at.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(fh, photo.MaxFileBytes+1)); err != nil {
		return fail(fileError(err))
	}
	if buf.Len() > photo.MaxFileBytes {
		return fail(fileTooLarge{int64(buf.Len())})
	}
	original, other := buf.Bytes(), buf.Bytes()
	if without, removed := photo.WithoutLocation(original); !removed {
		other = nil
	} else if !opts.KeepLocation {
		original = without
	} else {
		other = without
	}
	otherSum := ""
	if other != nil {
		sum := sha256.Sum256(other)
		otherSum = hex.EncodeToString(sum[:])
	}
	type result struct {
		p   photo.Processed
		err error
	}
	done := make(chan result, 1) // buffered: a forgotten decode does not block on sending
	go func() {
		p, err := processPhoto(original)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return fail(r.err)
		}
		return PhotoFile{Name: filepath.Base(path), ModTime: info.ModTime(), Original: original, OtherSHA256: otherSum,
			Processed: r.p}, nil
	case <-ctx.Done():
		return fail(ctx.Err())
	}
}

// fileError words a file system error without repeating the path, which PhotoFileError gives.
func fileError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return worded{"the file does not exist", err}
	case errors.Is(err, fs.ErrPermission):
		return worded{"Needlelog is not allowed to read the file", err}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return worded{"the file cannot be read: " + pe.Err.Error(), err}
	}
	return worded{"the file cannot be read: " + err.Error(), err}
}

// worded is an error said in the practitioner's words, keeping its cause for errors.Is.
type worded struct {
	msg   string
	cause error
}

func (e worded) Error() string { return e.msg }
func (e worded) Unwrap() error { return e.cause }

// ImportPhotoFile is ImportPhotoFileWith with the default options.
func (s *Store) ImportPhotoFile(ctx context.Context, clientID string, tags PhotoTags, path string) (Photo, error) {
	return s.ImportPhotoFileWith(ctx, clientID, tags, path, PhotoImportOptions{})
}

// ImportPhotoFileWith reads, processes and stores the photo file at path for a client, in one
// call, with opts (see ReadPhotoFileContext). Cancelling ctx stops it at once, storing nothing.
// When tags.Kind is empty it is suggested from the time taken (see SuggestPhoto), and so is the
// session when tags.SessionID is empty too. Every error is a *PhotoFileError naming the file; a
// photo already stored gives the stored one with an error matching ErrDuplicatePhoto.
func (s *Store) ImportPhotoFileWith(ctx context.Context, clientID string, tags PhotoTags, path string,
	opts PhotoImportOptions) (Photo, error) {
	f, err := ReadPhotoFileContext(ctx, path, opts)
	if err != nil {
		return Photo{}, err
	}
	if tags.Kind == "" {
		if tags.SessionID != "" {
			if started, err := s.sessionStart(ctx, clientID, tags.SessionID); err == nil {
				tags.Kind = kindAt(f.TakenAt(), started)
			} // otherwise ImportPhoto says what is wrong with the session
		} else {
			sug, err := s.SuggestPhoto(ctx, clientID, f.TakenAt())
			if err != nil {
				return Photo{}, &PhotoFileError{Path: path, Err: err}
			}
			tags.Kind, tags.SessionID = sug.Kind, sug.SessionID
		}
	}
	p, err := s.ImportPhoto(ctx, clientID, tags, f)
	if err != nil {
		return p, &PhotoFileError{Path: path, Err: err}
	}
	return p, nil
}

// ImportPhoto stores a processed photo for a client: its record, the original bytes unchanged and
// both renditions, in one transaction. When the same bytes are already stored, nothing is written
// and the stored photo is returned with a *DuplicatePhotoError (errors.Is ErrDuplicatePhoto).
func (s *Store) ImportPhoto(ctx context.Context, clientID string, tags PhotoTags, f PhotoFile) (Photo, error) {
	var p Photo
	err := s.Batch(ctx, func(b *Batch) error {
		var err error
		p, err = b.ImportPhoto(clientID, tags, f)
		return err
	})
	if err != nil && !errors.Is(err, ErrDuplicatePhoto) {
		return Photo{}, err
	}
	return p, err
}

// ImportPhoto adds a processed photo to the batch; see Store.ImportPhoto.
func (b *Batch) ImportPhoto(clientID string, tags PhotoTags, f PhotoFile) (Photo, error) {
	info := f.Processed.Info
	sum := sha256.Sum256(f.Original)
	switch {
	case len(f.Original) == 0:
		return Photo{}, errors.New("import photo: no bytes")
	case info.SHA256 != hex.EncodeToString(sum[:]):
		return Photo{}, errors.New("import photo: the processed photo was made from other bytes than the original given")
	case len(f.Processed.Thumbnail) == 0 || len(f.Processed.Preview) == 0 || info.Width < 1 || info.Height < 1:
		return Photo{}, errors.New("import photo: the photo has not been processed (see photo.Process)")
	}
	existing, err := scanPhoto(b.tx.QueryRowContext(b.ctx, `SELECT `+photoColumns+` FROM photos p WHERE sha256 IN (?, ?) LIMIT 1`,
		info.SHA256, cmp.Or(f.OtherSHA256, info.SHA256)))
	switch {
	case err == nil:
		return existing, &DuplicatePhotoError{Existing: existing, ClientID: clientID}
	case !errors.Is(err, ErrNotFound):
		return Photo{}, fmt.Errorf("import photo: %w", err)
	}

	now := b.store.now()
	tags.tidy()
	if err := b.checkPhotoTags(clientID, tags, PhotoTags{}); err != nil {
		return Photo{}, err
	}
	p := Photo{ID: newID(), ClientID: clientID, PhotoTags: tags, TakenAt: f.TakenAt(), FileName: baseName(f.Name),
		MIME: "image/" + info.Format, Width: info.Width, Height: info.Height, ByteSize: int64(len(f.Original)),
		SHA256: info.SHA256, CreatedAt: now, UpdatedAt: now, Version: 1}
	if p.TakenAt.IsZero() {
		p.TakenAt = now
	}
	_, err = b.exec(`INSERT INTO photos (id, client_id, session_id, kind, zone, view, taken_at, note, consent_scope,
		file_name, mime, width, height, byte_size, sha256, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.ClientID, nullID(p.SessionID), string(p.Kind), p.Zone, p.View, timeText(p.TakenAt), p.Note,
		string(p.Consent), p.FileName, p.MIME, p.Width, p.Height, p.ByteSize, p.SHA256, timeText(now), timeText(now), p.Version)
	if err != nil {
		return Photo{}, fmt.Errorf("import photo: %w", err)
	}
	if _, err := b.exec(`INSERT INTO photo_originals (photo_id, bytes) VALUES (?, ?)`, p.ID, f.Original); err != nil {
		return Photo{}, fmt.Errorf("import photo: store the original: %w", err)
	}
	if _, err := b.exec(`INSERT INTO photo_renditions (photo_id, thumbnail, preview) VALUES (?, ?, ?)`,
		p.ID, f.Processed.Thumbnail, f.Processed.Preview); err != nil {
		return Photo{}, fmt.Errorf("import photo: store the preview: %w", err)
	}
	if err := b.audit(ActionCreate, "photo", p.ID, "sha256 "+p.SHA256); err != nil {
		return Photo{}, err
	}
	return p, nil
}

// baseName is a file's name without its folder; "" stays "".
func baseName(name string) string {
	if name == "" {
		return ""
	}
	return filepath.Base(name)
}

// tidy trims what people type and fills defaults.
func (t *PhotoTags) tidy() {
	t.Zone = strings.TrimSpace(t.Zone)
	t.View = strings.TrimSpace(t.View)
	t.SessionID = strings.TrimSpace(t.SessionID)
	if t.Consent == "" {
		t.Consent = PhotoConsentClinical
	}
}

// checkPhotoTags validates tags for a photo of clientID against the client's consent and the
// practice's lists. stored holds the photo's tags before this change (zero for an import): a
// zone or view retired since, or a consent since narrowed, does not block editing the note.
func (b *Batch) checkPhotoTags(clientID string, t, stored PhotoTags) error {
	var consent PhotoConsent
	err := b.tx.QueryRowContext(b.ctx, `SELECT photo_consent FROM clients WHERE id = ?`, clientID).Scan(&consent)
	if err != nil {
		return fmt.Errorf("client %s: %w", clientID, mapError(err))
	}
	var c checker
	if !slices.Contains(PhotoKinds, t.Kind) {
		c.add("kind", "Choose whether the photo was taken before, after or at a follow-up.")
	}
	switch {
	case !slices.Contains(PhotoScopes, t.Consent):
		c.add("consent", "A photo's consent scope must be clinical, education or marketing.")
	case t.Consent == stored.Consent:
	case consent == PhotoConsentNone:
		c.add("consent", "The client has not consented to photos: record their photo consent first.")
	case slices.Index(PhotoConsents, t.Consent) > slices.Index(PhotoConsents, consent):
		c.add("consent", "The client's photo consent (%s) does not cover %s use.", consent, t.Consent)
	}
	if t.SessionID != "" {
		var owner string
		err := b.tx.QueryRowContext(b.ctx, `SELECT client_id FROM sessions WHERE id = ?`, t.SessionID).Scan(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			c.add("session", "There is no session %s.", t.SessionID)
		case err != nil:
			return mapError(err)
		case owner != clientID:
			c.add("session", "Session %s is another client's: choose one of this client's sessions.", t.SessionID)
		}
	}
	if t.View != "" && t.View != stored.View {
		n, err := b.count(`SELECT count(*) FROM list_items WHERE kind = ? AND name = ? AND retired = 0`, ListPhotoView, t.View)
		if err != nil {
			return err
		}
		if n == 0 {
			c.add("view", "%q is not one of the practice's photo views.", t.View)
		}
	}
	if t.Zone != "" && t.Zone != stored.Zone {
		n, err := b.count(`SELECT count(*) FROM zones WHERE name = ? AND retired = 0`, t.Zone)
		if err != nil {
			return err
		}
		if n == 0 {
			c.add("zone", "%q is not one of the practice's zones.", t.Zone)
		}
	}
	c.text("note", "Note", t.Note)
	return c.err()
}

func (b *Batch) count(q string, args ...any) (int, error) {
	var n int
	if err := b.tx.QueryRowContext(b.ctx, q, args...).Scan(&n); err != nil {
		return 0, mapError(err)
	}
	return n, nil
}

// UpdatePhoto saves changes to a photo's tags (p.PhotoTags); nothing else of a photo changes.
// It fails with ErrConflict when the photo was changed elsewhere since p was loaded.
func (s *Store) UpdatePhoto(ctx context.Context, p *Photo) error {
	return saveCopy(ctx, s, p, (*Batch).UpdatePhoto)
}

// UpdatePhoto saves changes to a photo's tags in the batch.
func (b *Batch) UpdatePhoto(p *Photo) error {
	stored, err := scanPhoto(b.tx.QueryRowContext(b.ctx, `SELECT `+photoColumns+` FROM photos p WHERE id = ?`, p.ID))
	if err != nil {
		return fmt.Errorf("save photo %s: %w", p.ID, err)
	}
	p.tidy()
	if err := b.checkPhotoTags(stored.ClientID, p.PhotoTags, stored.PhotoTags); err != nil {
		return err
	}
	now := b.store.now()
	res, err := b.exec(`UPDATE photos SET session_id = ?, kind = ?, zone = ?, view = ?, consent_scope = ?, note = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		nullID(p.SessionID), string(p.Kind), p.Zone, p.View, string(p.Consent), p.Note, timeText(now), p.ID, p.Version)
	if err != nil {
		return fmt.Errorf("save photo %s: %w", p.ID, err)
	}
	if err := b.updated(res, "photos", p.ID); err != nil {
		return fmt.Errorf("save photo %s: %w", p.ID, err)
	}
	// The rest of the record is the stored one: only tags are edited here.
	tags, version := p.PhotoTags, p.Version
	*p = stored
	p.PhotoTags, p.UpdatedAt, p.Version = tags, now, version+1
	return b.audit(ActionUpdate, "photo", p.ID, "")
}

// DeletePhoto removes a photo with its bytes and pins. The reason is required and is kept in
// the audit log, with the photo's SHA-256, so that an auditor can tell which photo it was.
func (s *Store) DeletePhoto(ctx context.Context, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := requireName("reason", "reason for deleting the photo", reason); err != nil {
		return err
	}
	err := s.Batch(ctx, func(b *Batch) error {
		var sum string
		err := b.tx.QueryRowContext(b.ctx, `SELECT sha256 FROM photos WHERE id = ?`, id).Scan(&sum)
		if err != nil {
			return fmt.Errorf("delete photo %s: %w", id, mapError(err))
		}
		if _, err := b.exec(`DELETE FROM photos WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete photo %s: %w", id, err)
		}
		return b.audit(ActionDelete, "photo", id, "sha256 "+sum+"; reason: "+reason)
	})
	if err != nil {
		return err
	}
	// secure_delete zeroes the freed pages, but the write-ahead log still holds their earlier
	// copies until a checkpoint: move everything into the file and empty the log now.
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("delete photo %s: clear the log: %w", id, mapError(err))
	}
	return nil
}

// photoColumns are a photo's record, from the table aliased p, in scanPhoto's order.
const photoColumns = `p.id, p.client_id, coalesce(p.session_id, ''), p.kind, p.zone, p.view, p.taken_at, p.note,
	p.consent_scope, p.file_name, p.mime, p.width, p.height, p.byte_size, p.sha256, p.created_at, p.updated_at, p.version`

func (p *Photo) scanTargets() []any {
	return []any{&p.ID, &p.ClientID, &p.SessionID, &p.Kind, &p.Zone, &p.View, timeCol{&p.TakenAt}, &p.Note,
		&p.Consent, &p.FileName, &p.MIME, &p.Width, &p.Height, &p.ByteSize, &p.SHA256, timeCol{&p.CreatedAt},
		timeCol{&p.UpdatedAt}, &p.Version}
}

func scanPhoto(row *sql.Row) (Photo, error) {
	var p Photo
	if err := row.Scan(p.scanTargets()...); err != nil {
		return Photo{}, mapError(err)
	}
	return p, nil
}

// Photo returns a photo's record.
func (s *Store) Photo(ctx context.Context, id string) (Photo, error) {
	p, err := scanPhoto(s.db.QueryRowContext(ctx, `SELECT `+photoColumns+` FROM photos p WHERE id = ?`, id))
	if err != nil {
		return Photo{}, fmt.Errorf("photo %s: %w", id, err)
	}
	return p, nil
}

// PhotoPreview returns a photo's preview: an upright JPEG without metadata, its longest side
// at most photo.PreviewSide pixels, for the viewer and for reports. A photo whose record is
// there but whose stored image is not (lost to a damaged file, or removed by another program)
// gives an error wrapping ErrNotFound that names the photo by its day and client.
func (s *Store) PhotoPreview(ctx context.Context, id string) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT preview FROM photo_renditions WHERE photo_id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, s.missingImage(ctx, id, "preview")
	}
	if err != nil {
		return nil, fmt.Errorf("preview of photo %s: %w", id, mapError(err))
	}
	return b, nil
}

// PhotoOriginal returns the bytes of a photo's file exactly as imported, metadata included:
// pass them through photo.Clean before they leave the practice. A photo whose original is
// missing gives an error wrapping ErrNotFound, as PhotoPreview does.
func (s *Store) PhotoOriginal(ctx context.Context, id string) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT bytes FROM photo_originals WHERE photo_id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, s.missingImage(ctx, id, "original")
	}
	if err != nil {
		return nil, fmt.Errorf("original of photo %s: %w", id, mapError(err))
	}
	return b, nil
}

// missingImage says why a photo's bytes (what: "preview" or "original") were not found: the
// photo is gone altogether, or only its image is, in which case the photo is named as a
// practitioner knows it, "photo taken 2026-03-10 of Anna Berg".
func (s *Store) missingImage(ctx context.Context, id, what string) error {
	var taken time.Time
	var first, last string
	err := s.db.QueryRowContext(ctx, `SELECT p.taken_at, coalesce(c.first_name, ''), coalesce(c.last_name, '')
		FROM photos p LEFT JOIN clients c ON c.id = p.client_id WHERE p.id = ?`, id).Scan(timeCol{&taken}, &first, &last)
	if err != nil {
		return fmt.Errorf("%s of photo %s: %w", what, id, mapError(err))
	}
	who := joinName(first, last)
	if who == "" {
		who = "a client no longer on file"
	}
	return worded{fmt.Sprintf("photo taken %s of %s has no stored image (its %s is missing from the database)",
		DateOf(taken), who, what), ErrNotFound}
}

// PhotoQuery says which of a client's photos to list. Empty fields do not filter.
type PhotoQuery struct {
	ClientID  string
	SessionID string
	Kind      PhotoKind
	View      string
	Zone      string
}

// PhotoThumb is a photo as a gallery shows it.
type PhotoThumb struct {
	Photo
	Thumbnail []byte // upright JPEG, longest side photo.ThumbnailSide, no metadata; nil when ImageMissing
	Pins      int    // how many notes are pinned to it
	// ImageMissing is a photo whose record is there but whose thumbnail and preview are not
	// (lost to a damaged file, or removed by another program): a gallery shows a placeholder for
	// it, so that the record can still be seen, its tags read and the photo deleted. PhotoPreview
	// says so with ErrNotFound, as PhotoOriginal does for a missing original.
	ImageMissing bool
}

// ListPhotos returns a client's photos with their thumbnails, never reading an original or a
// preview. They come in treatment order: session by session, oldest first, each session's photos
// by the time taken; a photo of no session falls in by its own time. A photo whose thumbnail is
// missing is listed all the same, with ImageMissing set: one lost image must not keep a client's
// gallery from opening.
func (s *Store) ListPhotos(ctx context.Context, q PhotoQuery) ([]PhotoThumb, error) {
	where := []string{`p.client_id = ?`}
	args := []any{q.ClientID}
	for _, f := range []struct {
		col string
		v   string
	}{{"p.session_id", q.SessionID}, {"p.kind", string(q.Kind)}, {"p.view", q.View}, {"p.zone", q.Zone}} {
		if f.v != "" {
			where = append(where, f.col+` = ?`)
			args = append(args, f.v)
		}
	}
	// Sorted here rather than by SQLite, whose sorter would copy every thumbnail: twice the time.
	type row struct {
		PhotoThumb
		sessionStart, takenAt string
	}
	rows, err := query(ctx, s, "photos", `SELECT `+photoColumns+`, r.thumbnail, r.photo_id IS NULL,
		(SELECT count(*) FROM photo_pins n WHERE n.photo_id = p.id), coalesce(se.started_at, p.taken_at), p.taken_at
		FROM photos p LEFT JOIN photo_renditions r ON r.photo_id = p.id LEFT JOIN sessions se ON se.id = p.session_id
		WHERE `+strings.Join(where, " AND "), args,
		func(r *sql.Rows, t *row) error {
			return r.Scan(append(t.scanTargets(), &t.Thumbnail, &t.ImageMissing, &t.Pins, &t.sessionStart, &t.takenAt)...)
		})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b row) int { // stored times sort as text
		return cmp.Or(strings.Compare(a.sessionStart, b.sessionStart), strings.Compare(a.SessionID, b.SessionID),
			strings.Compare(a.takenAt, b.takenAt), strings.Compare(a.ID, b.ID))
	})
	out := make([]PhotoThumb, len(rows))
	for i := range rows {
		out[i] = rows[i].PhotoThumb
	}
	return out, nil
}

// PhotoPin is a numbered note pinned to a point of a photo.
type PhotoPin struct {
	ID      string
	PhotoID string
	// N numbers the photo's pins in the order they were added: one more than the highest there.
	// Deleting a pin does not renumber the others, so a note that says "see 2" stays right.
	N    int
	X, Y float64 // relative to the upright photo: 0,0 is its top left corner, 1,1 its bottom right
	Note string
}

// Validate checks a pin's position and note.
func (p *PhotoPin) Validate() error {
	var c checker
	if !(p.X >= 0 && p.X <= 1 && p.Y >= 0 && p.Y <= 1) { // NaN fails too
		c.add("position", "A pin must be placed on the photo.")
	}
	c.text("note", "Pin note", p.Note)
	return c.err()
}

// AddPhotoPin pins a note to a photo, numbering it after the photo's other pins.
func (s *Store) AddPhotoPin(ctx context.Context, pin *PhotoPin) error {
	return saveCopy(ctx, s, pin, (*Batch).AddPhotoPin)
}

// AddPhotoPin adds a pin to the batch.
func (b *Batch) AddPhotoPin(pin *PhotoPin) error {
	pin.Note = strings.TrimSpace(pin.Note)
	if err := pin.Validate(); err != nil {
		return err
	}
	if n, err := b.count(`SELECT count(*) FROM photos WHERE id = ?`, pin.PhotoID); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("pin a note to photo %s: %w", pin.PhotoID, ErrNotFound)
	}
	next, err := b.count(`SELECT coalesce(max(n), 0) + 1 FROM photo_pins WHERE photo_id = ?`, pin.PhotoID)
	if err != nil {
		return err
	}
	pin.ID, pin.N = newID(), next
	if _, err := b.exec(`INSERT INTO photo_pins (id, photo_id, n, x, y, note) VALUES (?, ?, ?, ?, ?, ?)`,
		pin.ID, pin.PhotoID, pin.N, pin.X, pin.Y, pin.Note); err != nil {
		return fmt.Errorf("pin a note to photo %s: %w", pin.PhotoID, err)
	}
	return b.audit(ActionCreate, "photo_pin", pin.ID, fmt.Sprintf("photo %s pin %d", pin.PhotoID, pin.N))
}

// UpdatePhotoPin saves a pin's note and position; its photo and number stay as they were.
func (s *Store) UpdatePhotoPin(ctx context.Context, pin *PhotoPin) error {
	return saveCopy(ctx, s, pin, func(b *Batch, pin *PhotoPin) error {
		pin.Note = strings.TrimSpace(pin.Note)
		if err := pin.Validate(); err != nil {
			return err
		}
		err := b.tx.QueryRowContext(b.ctx, `UPDATE photo_pins SET x = ?, y = ?, note = ? WHERE id = ? RETURNING photo_id, n`,
			pin.X, pin.Y, pin.Note, pin.ID).Scan(&pin.PhotoID, &pin.N)
		if err != nil {
			return fmt.Errorf("save pin %s: %w", pin.ID, mapError(err))
		}
		return b.audit(ActionUpdate, "photo_pin", pin.ID, fmt.Sprintf("photo %s pin %d", pin.PhotoID, pin.N))
	})
}

// DeletePhotoPin removes a pin; the photo's other pins keep their numbers.
func (s *Store) DeletePhotoPin(ctx context.Context, id string) error {
	return s.Batch(ctx, func(b *Batch) error {
		var photoID string
		var n int
		err := b.tx.QueryRowContext(b.ctx, `DELETE FROM photo_pins WHERE id = ? RETURNING photo_id, n`, id).Scan(&photoID, &n)
		if err != nil {
			return fmt.Errorf("delete pin %s: %w", id, mapError(err))
		}
		return b.audit(ActionDelete, "photo_pin", id, fmt.Sprintf("photo %s pin %d", photoID, n))
	})
}

// PhotoPins returns a photo's pins by number.
func (s *Store) PhotoPins(ctx context.Context, photoID string) ([]PhotoPin, error) {
	return query(ctx, s, "pins", `SELECT id, photo_id, n, x, y, note FROM photo_pins WHERE photo_id = ? ORDER BY n`,
		[]any{photoID}, func(r *sql.Rows, p *PhotoPin) error {
			return r.Scan(&p.ID, &p.PhotoID, &p.N, &p.X, &p.Y, &p.Note)
		})
}

// PhotoSuggestion is what an import proposes for a photo from the time it was taken.
type PhotoSuggestion struct {
	Kind         PhotoKind
	SessionID    string    // "" when no session fits
	SessionStart time.Time // the suggested session's start; zero without one
}

// How SuggestPhoto reads times. A session's start is its appointment time: before photos are
// taken on arrival, before cleansing and numbing, so some minutes after it.
const (
	beforeGrace     = 20 * time.Minute
	followUpReach   = 400 * 24 * time.Hour // the 12-month follow-up, with room to spare
	consultationGap = 30 * 24 * time.Hour  // photos at a consultation this long before a first session
)

// SuggestPhoto proposes a kind and a session for a client's photo taken at takenAt:
//
//   - On a day with one of the client's sessions (in the practice's time zone), the session whose
//     start is nearest; "before" when taken earlier than 20 minutes after its start, else "after".
//   - Otherwise, after a session: "follow-up" of the latest session before it, if that was within
//     about 13 months; "follow-up" of no session when it was longer ago.
//   - Otherwise (before any session): "before" the client's next session if it is within 30
//     days, as at a consultation; "before" of no session when there is none.
func (s *Store) SuggestPhoto(ctx context.Context, clientID string, takenAt time.Time) (PhotoSuggestion, error) {
	type start struct {
		id string
		at time.Time
	}
	sessions, err := query(ctx, s, "sessions", `SELECT id, started_at FROM sessions WHERE client_id = ? ORDER BY started_at, id`,
		[]any{clientID}, func(r *sql.Rows, v *start) error { return r.Scan(&v.id, timeCol{&v.at}) })
	if err != nil {
		return PhotoSuggestion{}, err
	}
	suggest := func(kind PhotoKind, se *start) PhotoSuggestion {
		if se == nil {
			return PhotoSuggestion{Kind: kind}
		}
		return PhotoSuggestion{Kind: kind, SessionID: se.id, SessionStart: se.at}
	}
	day := DateOf(takenAt)
	var nearest, prev, next *start
	for i := range sessions {
		se := &sessions[i]
		if DateOf(se.at).Equal(day) && (nearest == nil || absDuration(se.at.Sub(takenAt)) < absDuration(nearest.at.Sub(takenAt))) {
			nearest = se
		}
		if !se.at.After(takenAt) {
			prev = se
		} else if next == nil {
			next = se
		}
	}
	switch {
	case nearest != nil:
		return suggest(kindAt(takenAt, nearest.at), nearest), nil
	case prev != nil && takenAt.Sub(prev.at) <= followUpReach:
		return suggest(PhotoFollowUp, prev), nil
	case prev != nil:
		return suggest(PhotoFollowUp, nil), nil
	case next != nil && next.at.Sub(takenAt) <= consultationGap:
		return suggest(PhotoBefore, next), nil
	}
	return suggest(PhotoBefore, nil), nil
}

// PhotoKindFor is the kind of a photo taken at taken for a session that started at started: before
// until 20 minutes into it, after on its day, follow-up on a later day. Imports filed under a
// session the practitioner chose use it, as SuggestPhoto does for the session it finds.
func PhotoKindFor(taken, started time.Time) PhotoKind { return kindAt(taken, started) }

// kindAt is the kind of a photo taken at taken for a session that started at started.
func kindAt(taken, started time.Time) PhotoKind {
	switch {
	case taken.Before(started.Add(beforeGrace)):
		return PhotoBefore
	case DateOf(taken).Equal(DateOf(started)):
		return PhotoAfter
	}
	return PhotoFollowUp
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// sessionStart returns when one of a client's sessions started.
func (s *Store) sessionStart(ctx context.Context, clientID, sessionID string) (time.Time, error) {
	var at time.Time
	err := s.db.QueryRowContext(ctx, `SELECT started_at FROM sessions WHERE id = ? AND client_id = ?`, sessionID, clientID).
		Scan(timeCol{&at})
	return at, mapError(err)
}

// PhotoStoredFor says for which client a photo read from a file (f) is already stored, by the
// SHA-256 of its bytes in either form (see PhotoFile.OtherSHA256), as ImportPhoto would find it;
// "" when it is not stored. It lets a list of files to import say so before the import.
func (s *Store) PhotoStoredFor(ctx context.Context, f PhotoFile) (clientID string, err error) {
	sum := f.Processed.Info.SHA256
	err = s.db.QueryRowContext(ctx, `SELECT client_id FROM photos WHERE sha256 IN (?, ?) LIMIT 1`,
		sum, cmp.Or(f.OtherSHA256, sum)).Scan(&clientID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("look for the photo among those stored: %w", mapError(err))
	}
	return clientID, nil
}
