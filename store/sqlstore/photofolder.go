package sqlstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/wording"
)

// Where a photo's bytes are, for a photo aliased p: its preview_sha256 is set once its files are in
// the photo folder, and ” while its bytes are still in the database's old tables.
const (
	inPhotoFolder   = `p.preview_sha256 <> ''`
	stillInDatabase = `p.preview_sha256 = ''`
)

// StillInDatabase and InPhotoFolder are those conditions, for an engine's own queries.
const (
	StillInDatabase = stillInDatabase
	InPhotoFolder   = inPhotoFolder
)

// MissingPhotos is what a practice's photo folder lacks: as when the database was copied without
// the folder beside it.
type MissingPhotos struct {
	// Photos is how many photos kept in the photo library have lost their original or preview file,
	// of InLibrary kept there.
	Photos, InLibrary int
	// Dir is the folder the files are looked for in ("clinic.photos" beside "clinic.db").
	Dir string
	// DirMissing: the folder itself is not there.
	DirMissing bool
}

// PhotoFolderMissing says whether the practice's photo folder is not there at all (as when the
// database was copied without it): one look at the folder, cheap enough to ask again and again.
func (s *Store) PhotoFolderMissing() bool {
	if s.onServer() {
		return false // no folder: every PC reads the files from the server
	}
	info, err := os.Stat(s.lib.Dir())
	return err != nil || !info.IsDir()
}

// Sentence says which photos are missing, where their folder was looked for, and how to bring
// them back; "" when none is.
func (m MissingPhotos) Sentence() string {
	if m.Photos == 0 {
		return ""
	}
	if m.DirMissing {
		return wording.Count(m.Photos, "photo has", "photos have") + " no images. " + m.Advice("the photos")
	}
	return fmt.Sprintf("%d of the %s kept in the photo folder %s %s missing from it. To bring them back, copy the folder %q "+
		"from where this practice came from into %s (files already there are the same and can be kept), or restore a backup of the practice.",
		m.Photos, wording.Count(m.InLibrary, "photo", "photos"), m.Dir, wording.Plural(m.Photos, "is", "are"),
		filepath.Base(m.Dir), filepath.Dir(m.Dir))
}

// Advice says how to bring back the images of photos (what: "the photo", "the photos") whose photo
// folder is not there at all: copy it back, as its files are not lost. It is the one wording for
// this, in the banner, the photo viewer and needlelog check alike.
func (m MissingPhotos) Advice(what string) string {
	return fmt.Sprintf("The photo folder %q is not beside the practice file: copy it from where the practice came from into %s, "+
		"then open %s again.", filepath.Base(m.Dir), filepath.Dir(m.Dir), what)
}

// fileAdvice says how to bring back one photo's image file missing or changed in a photo folder
// that is there.
const fileAdvice = "A backup of the practice holds it: restore one to get it back; `needlelog check --photos` lists every photo affected."

// OwnLibrary makes sure the photo folder, once it exists or when create, is this practice's
// (photolib.Claim): a folder that belongs to another practice (clinic.db's clinic.photos seen by
// clinic.sqlite) is refused, never written to nor swept. Read-only, nothing is written and the
// files read are checked against their SHA-256 anyway.
func (s *Store) OwnLibrary(create bool) error {
	if s.readOnly || s.onServer() { // the server's files are the practice's own database's
		return nil
	}
	// Once known, the folder stays this practice's while it is open. Imports side by side would
	// otherwise each read and mark the folder, and on Windows a read of the mark while another
	// import removes its temporary link to it fails with a sharing violation.
	s.claimMu.Lock()
	defer s.claimMu.Unlock()
	if s.claimed {
		return nil
	}
	if info, err := os.Stat(s.lib.Dir()); !create && (err != nil || !info.IsDir()) {
		return nil // no folder yet; or one that cannot be read, which reading a photo says
	}
	if err := photolib.Claim(s.lib.Dir(), s.practiceID); err != nil {
		return err
	}
	s.claimed = true
	return nil
}

// MissingPhotos counts the photos whose files are missing from the photo folder, as Check finds
// them. It looks for two files a photo (about 20,000 for 10,000 photos): keep it off the UI
// goroutine and out of the way of opening.
func (s *Store) MissingPhotos(ctx context.Context) (MissingPhotos, error) {
	if s.onServer() {
		// No folder to have been left behind: a photo whose bytes are gone from the server is
		// damage, which needlelog check --photos and the viewer say.
		return MissingPhotos{}, nil
	}
	m := MissingPhotos{Dir: s.lib.Dir(), DirMissing: s.PhotoFolderMissing()}
	if lib, err := s.eng.HasPhotoLibrary(ctx); err != nil || !lib {
		return m, err // a file not yet upgraded keeps none in the folder
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM photos p WHERE `+inPhotoFolder).Scan(&m.InLibrary); err != nil {
		return m, fmt.Errorf("count the photos in the photo folder: %w", mapError(err))
	}
	lost, err := s.lostImages(ctx)
	if err != nil {
		return m, err
	}
	for _, l := range lost {
		if l.inLibrary() {
			m.Photos++
		}
	}
	return m, nil
}
