package data

import (
	"errors"
	"fmt"
	"path/filepath"
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

// PhotoImportOptions are the choices an import of photo files offers, the same in the app and
// the CLI. The zero value is the default.
type PhotoImportOptions struct {
	// KeepLocation keeps the camera's GPS position in the stored original. By default it is taken
	// out (photo.WithoutLocation): for a mobile practitioner it is the client's home. Only the EXIF
	// GPS tags go; the image data and every other tag are kept byte for byte, and the SHA-256
	// recorded is that of the bytes stored.
	KeepLocation bool
	// Process decodes and resizes the image; nil is photo.Process. Tests put a slow one in its place.
	Process func([]byte) (photo.Processed, error)
}

// BaseName is a file's name without its folder; "" stays "".
func BaseName(name string) string {
	if name == "" {
		return ""
	}
	return filepath.Base(name)
}

// Tidy trims what people type and fills defaults.
func (t *PhotoTags) Tidy() {
	t.Zone = strings.TrimSpace(t.Zone)
	t.View = strings.TrimSpace(t.View)
	t.SessionID = strings.TrimSpace(t.SessionID)
	if t.Consent == "" {
		t.Consent = PhotoConsentClinical
	}
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
	var c Checker
	if !(p.X >= 0 && p.X <= 1 && p.Y >= 0 && p.Y <= 1) { // NaN fails too
		c.Add("position", "A pin must be placed on the photo.")
	}
	c.Text("note", "Pin note", p.Note)
	return c.Err()
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
	FollowUpReach   = 400 * 24 * time.Hour // the 12-month follow-up, with room to spare
	ConsultationGap = 30 * 24 * time.Hour  // photos at a consultation this long before a first session
)

// PhotoKindFor is the kind of a photo taken at taken for a session that started at started: before
// until 20 minutes into it, after on its day, follow-up on a later day. Imports filed under a
// session the practitioner chose use it, as SuggestPhoto does for the session it finds.
func PhotoKindFor(taken, started time.Time) PhotoKind {
	switch {
	case taken.Before(started.Add(beforeGrace)):
		return PhotoBefore
	case DateOf(taken).Equal(DateOf(started)):
		return PhotoAfter
	}
	return PhotoFollowUp
}
