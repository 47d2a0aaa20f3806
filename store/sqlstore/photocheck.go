package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/photolib"
)

// PhotoFileProblem is one of a photo's images that cannot be given as imported: its file missing
// from the photo folder or its bytes changed (or, for a photo whose bytes are still in the
// database, the bytes there missing or changed).
type PhotoFileProblem struct {
	PhotoID  string
	FileName string // the photo's file name when imported
	TakenAt  time.Time
	Client   string // the client's name; "" for a client no longer on file
	What     string // "original", "preview", or "original and preview" when both have the problem
	Sum      string // the SHA-256 the image is named by ("a, b" for both; "" for bytes in the database)
	Err      error  // wraps photolib.ErrMissing or photolib.ErrChanged
	// OnServer: the files are kept on the clinic's server, not in a photo folder.
	OnServer bool
}

// String names the photo as a practitioner knows it and says what is wrong with it:
// "photo IMG_0412.jpg taken 2026-03-10 of Anna Berg: its original is missing from the photo folder …".
func (p PhotoFileProblem) String() string {
	name, who := p.FileName, p.Client
	if name == "" {
		name = "(no file name)"
	}
	if who == "" {
		who = "a client no longer on file"
	}
	return fmt.Sprintf("photo %s taken %s of %s: its %s %s", name, data.DateOf(p.TakenAt), who, p.What, p.why())
}

func (p PhotoFileProblem) why() string {
	changed := errors.Is(p.Err, photolib.ErrChanged)
	both := strings.Contains(p.What, " and ")
	switch {
	case p.Sum == "" && changed:
		return "in the database no longer matches the bytes imported"
	case p.Sum == "" && both:
		return "are missing from the database"
	case p.Sum == "":
		return "is missing from the database"
	case p.OnServer && changed && both:
		return "on the clinic's server have been changed since they were imported (" + p.Sum + ")"
	case p.OnServer && changed:
		return "on the clinic's server has been changed since it was imported (" + p.Sum + ")"
	case p.OnServer && both:
		return "are missing from the clinic's server (" + p.Sum + ")"
	case p.OnServer:
		return "is missing from the clinic's server (" + p.Sum + ")"
	case changed && both:
		return "files have been changed since they were imported (" + p.Sum + ")"
	case changed:
		return "file has been changed since it was imported (" + p.Sum + ")"
	case both:
		return "files are missing from the photo folder (" + p.Sum + ")"
	default:
		return "file is missing from the photo folder (" + p.Sum + ")"
	}
}

// PhotoFilesReport is what CheckPhotoFiles found.
type PhotoFilesReport struct {
	Photos int // photos checked
	Files  int // files read from the photo folder
	// Shared is photos small enough to be their own preview: one file is both.
	Shared int
	// InDatabase is photos whose bytes are still in the database, not yet moved to the photo folder.
	InDatabase int
	Bytes      int64 // bytes read, files and database alike
	Problems   []PhotoFileProblem
}

// CheckPhotoFiles reads every photo's original and preview through and checks each against the
// SHA-256 it is named by: the library's files, or for a photo not yet moved there, its bytes in
// the database. Files are streamed, one at a time, so memory does not grow with the library.
// progress, when not nil, is called after each photo with the number checked and the total.
func (s *Store) CheckPhotoFiles(ctx context.Context, progress func(done, total int)) (PhotoFilesReport, error) {
	type row struct {
		PhotoFileProblem
		preview string
	}
	preview := "p.preview_sha256"
	if lib, err := s.eng.HasPhotoLibrary(ctx); err != nil {
		return PhotoFilesReport{}, err
	} else if !lib { // a file not yet upgraded (read-only): every photo is in the database
		preview = "''"
	}
	// Only the names are held, a few hundred bytes a photo, never the images.
	rows, err := query(ctx, s, "photo files", `SELECT p.id, p.file_name, p.taken_at,
			trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), p.sha256, `+preview+`
		FROM photos p LEFT JOIN clients c ON c.id = p.client_id ORDER BY p.taken_at, p.id`, nil,
		func(r *sql.Rows, v *row) error {
			v.OnServer = s.onServer()
			return r.Scan(&v.PhotoID, &v.FileName, timeCol{&v.TakenAt}, &v.Client, &v.Sum, &v.preview)
		})
	if err != nil {
		return PhotoFilesReport{}, err
	}
	rep := PhotoFilesReport{Photos: len(rows)}
	for i, r := range rows {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		images := []PhotoFileProblem{r.PhotoFileProblem, r.PhotoFileProblem}
		images[0].What, images[1].What, images[1].Sum = "original", "preview", r.preview
		var found []PhotoFileProblem
		for k, im := range images {
			var n int64
			switch {
			case r.preview == "":
				im.Sum = ""
				rep.InDatabase += k
				n, err = s.verifyStoredImage(ctx, im.PhotoID, im.What, r.Sum)
			case k == 1 && im.Sum == r.Sum: // a small photo whose preview is its original: read once
				err = images[0].Err
				rep.Shared++
			default:
				n, err = s.lib.VerifySize(im.Sum)
				rep.Files++
			}
			rep.Bytes += n
			images[k].Err = err
			if photolib.Lost(err) {
				im.Err = err
				found = append(found, im)
			} else if err != nil {
				return rep, fmt.Errorf("check the %s of photo %s: %w", im.What, im.PhotoID, err)
			}
		}
		rep.Problems = append(rep.Problems, joinProblems(found)...)
		if progress != nil {
			progress(i+1, len(rows))
		}
	}
	return rep, nil
}

// LostPhotos names the photos whose images are gone, as CheckPhotoFiles does but looking for
// their files rather than reading them: the first limit of them, and how many there are in all.
func (s *Store) LostPhotos(ctx context.Context, limit int) ([]PhotoFileProblem, int, error) {
	lost, err := s.lostImages(ctx)
	if err != nil {
		return nil, 0, err
	}
	var out []PhotoFileProblem
	for _, l := range lost[:min(limit, len(lost))] {
		p := PhotoFileProblem{PhotoID: l.id, FileName: l.name, TakenAt: l.taken, Client: l.client, Err: photolib.ErrMissing,
			OnServer: s.onServer()}
		var what, sums []string
		if l.noOriginal {
			what, sums = append(what, "original"), append(sums, l.sum)
		}
		if l.noRendition && (l.preview != l.sum || !l.noOriginal) {
			what, sums = append(what, "preview"), append(sums, l.preview)
		} else if l.noRendition {
			what = append(what, "preview")
		}
		p.What = strings.Join(what, " and ")
		if l.inLibrary() {
			p.Sum = strings.Join(sums, ", ")
		}
		out = append(out, p)
	}
	return out, len(lost), nil
}

// joinProblems says the same problem of a photo's original and preview once.
func joinProblems(found []PhotoFileProblem) []PhotoFileProblem {
	if len(found) != 2 || errors.Is(found[0].Err, photolib.ErrChanged) != errors.Is(found[1].Err, photolib.ErrChanged) {
		return found
	}
	p := found[0]
	p.What = "original and preview"
	if found[1].Sum != p.Sum {
		p.Sum += ", " + found[1].Sum
	}
	return []PhotoFileProblem{p}
}

// verifyStoredImage checks an image of a photo whose bytes are still in the database: the
// original against the photo's SHA-256; the preview, which is named by nothing, only for being
// there. One photo's bytes are held at a time.
func (s *Store) verifyStoredImage(ctx context.Context, id, what, sum string) (int64, error) {
	q := `SELECT bytes FROM photo_originals WHERE photo_id = ?`
	if what == "preview" {
		q = `SELECT preview FROM photo_renditions WHERE photo_id = ?`
	}
	var b []byte
	err := s.db.QueryRowContext(ctx, q, id).Scan(&b)
	switch {
	case errors.Is(err, sql.ErrNoRows) || err == nil && b == nil:
		return 0, photolib.ErrMissing
	case err != nil:
		return 0, mapError(err)
	case what == "original" && photolib.Sum(b) != sum:
		return int64(len(b)), photolib.ErrChanged
	}
	return int64(len(b)), nil
}

// PhotosWithoutImages lists the photos whose images are gone (lostImages), one sentence each.
// Such a photo passes the integrity and foreign key checks: the references point from the images
// to the photo.
func (s *Store) PhotosWithoutImages(ctx context.Context) ([]string, error) {
	found, err := s.lostImages(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, v := range found {
		if v.name == "" {
			v.name = "(no file name)"
		}
		var lost []string
		if v.noOriginal {
			lost = append(lost, "original")
		}
		if v.noRendition {
			lost = append(lost, "preview")
		}
		where := ""
		if v.inLibrary() {
			where = " (missing from " + s.photoPlace() + ")"
		}
		out = append(out, fmt.Sprintf("photo %s taken %s has lost its %s%s", v.name, data.DateOf(v.taken),
			strings.Join(lost, " and its "), where))
	}
	return out, nil
}

// lostImage is a photo whose original or preview is gone.
type lostImage struct {
	id, name, client        string
	sum, preview            string
	taken                   time.Time
	noOriginal, noRendition bool
}

// inLibrary: the photo is kept in the photo library (not in the database), whose files are gone.
func (l lostImage) inLibrary() bool { return l.preview != "" }

// lostImages finds the photos whose images are gone: for a photo kept in the photo library, an
// original or preview file missing from it (looked for, not read: CheckPhotoFiles reads them);
// for one whose bytes are still in the database, a missing original or preview. It looks for two
// files a photo: keep it off the UI goroutine.
func (s *Store) lostImages(ctx context.Context) ([]lostImage, error) {
	lib, err := s.eng.HasPhotoLibrary(ctx)
	if err != nil {
		return nil, err
	}
	preview, inDatabase := "p.preview_sha256", stillInDatabase
	if !lib { // a file of the release before the library: every photo's bytes are in it
		preview, inDatabase = "''", "TRUE"
	}
	rows, err := query(ctx, s, "photos without images", `SELECT p.id, p.file_name,
			trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), p.taken_at, p.sha256, `+preview+`,
			`+inDatabase+` AND NOT EXISTS (SELECT 1 FROM photo_originals o WHERE o.photo_id = p.id),
			`+inDatabase+` AND NOT EXISTS (SELECT 1 FROM photo_renditions r WHERE r.photo_id = p.id)
		FROM photos p LEFT JOIN clients c ON c.id = p.client_id ORDER BY p.taken_at, p.id`, nil,
		func(r *sql.Rows, v *lostImage) error {
			return r.Scan(&v.id, &v.name, &v.client, timeCol{&v.taken}, &v.sum, &v.preview, &v.noOriginal, &v.noRendition)
		})
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, v := range rows {
		if v.inLibrary() {
			v.noOriginal = !s.lib.Has(v.sum)
			v.noRendition = !s.lib.Has(v.preview)
		}
		if v.noOriginal || v.noRendition {
			out = append(out, v)
		}
	}
	return out, nil
}
