package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/photolib"
)

// ImportPhoto stores a processed photo for a client: the original bytes unchanged and the preview
// as files in the photo library, then its record and thumbnail in one transaction. The files are
// on the disk before the record naming them commits. When the same bytes are already stored,
// nothing is written and the stored photo is returned with a *DuplicatePhotoError (errors.Is
// ErrDuplicatePhoto).
func (s *Store) ImportPhoto(ctx context.Context, clientID string, tags data.PhotoTags, f data.PhotoFile) (data.Photo, error) {
	// A photo refused, or already stored, is found so before its files are written: only a photo
	// about to be stored leaves files in the library. (A change in between, such as consent
	// withdrawn, refuses it below; its files are then collected as no photo names them.)
	if err := s.checkPhotoFile(f); err != nil {
		return data.Photo{}, err
	}
	var p data.Photo
	err := s.batch(ctx, func(b *Batch) error {
		var err error
		p, err = b.refusePhoto(clientID, tags, f)
		return err
	})
	if err != nil {
		return p, err // a duplicate's is the stored photo
	}
	// Written before the transaction, which would otherwise hold every other write while the
	// files are flushed; the batch finds them there.
	if err := s.putPhotoFiles(f); err != nil {
		return data.Photo{}, err
	}
	err = s.batch(ctx, func(b *Batch) error {
		var err error
		p, err = b.ImportPhoto(clientID, tags, f)
		return err
	})
	if err != nil && !errors.Is(err, data.ErrDuplicatePhoto) {
		return data.Photo{}, err
	}
	return p, err
}

// putPhotoFiles checks f (checkPhotoFile) and writes its original and its preview to the photo
// library.
func (s *Store) putPhotoFiles(f data.PhotoFile) error {
	if err := s.checkPhotoFile(f); err != nil {
		return err
	}
	if err := s.OwnLibrary(true); err != nil {
		return fmt.Errorf("import photo: %w", err)
	}
	if err := s.lib.Put(f.Processed.Info.SHA256, f.Original); err != nil {
		return fmt.Errorf("import photo: %w", err)
	}
	if err := s.lib.Put(photolib.Sum(f.Processed.Preview), f.Processed.Preview); err != nil {
		return fmt.Errorf("import photo: %w", err)
	}
	return nil
}

// checkPhotoFile checks that f was processed from its own bytes and that the store can write.
func (s *Store) checkPhotoFile(f data.PhotoFile) error {
	info := f.Processed.Info
	switch {
	case len(f.Original) == 0:
		return errors.New("import photo: no bytes")
	case info.SHA256 != photolib.Sum(f.Original):
		return errors.New("import photo: the processed photo was made from other bytes than the original given")
	case len(f.Processed.Thumbnail) == 0 || len(f.Processed.Preview) == 0 || info.Width < 1 || info.Height < 1:
		return errors.New("import photo: the photo has not been processed (see photo.Process)")
	}
	if s.readOnly {
		return fmt.Errorf("import photo: %w", data.ErrReadOnlyFile)
	}
	return nil
}

// ImportPhoto adds a processed photo to the batch; see Store.ImportPhoto.
func (b *Batch) ImportPhoto(clientID string, tags data.PhotoTags, f data.PhotoFile) (data.Photo, error) {
	info := f.Processed.Info
	tags.Tidy()
	if existing, err := b.refusePhoto(clientID, tags, f); err != nil {
		return existing, err
	}
	now := b.store.now()
	// Already there when Store.ImportPhoto wrote them: then this only checks and keeps them.
	if err := b.store.putPhotoFiles(f); err != nil {
		return data.Photo{}, err
	}
	p := data.Photo{ID: newID(), ClientID: clientID, PhotoTags: tags, TakenAt: f.TakenAt(), FileName: data.BaseName(f.Name),
		MIME: "image/" + info.Format, Width: info.Width, Height: info.Height, ByteSize: int64(len(f.Original)),
		SHA256: info.SHA256, CreatedAt: now, UpdatedAt: now, Version: 1}
	if p.TakenAt.IsZero() {
		p.TakenAt = now
	}
	_, err := b.exec(`INSERT INTO photos (id, client_id, session_id, kind, zone, view, taken_at, note, consent_scope,
		file_name, mime, width, height, byte_size, sha256, created_at, updated_at, version, preview_sha256)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.ClientID, nullID(p.SessionID), string(p.Kind), p.Zone, p.View, data.TimeText(p.TakenAt), p.Note,
		string(p.Consent), p.FileName, p.MIME, p.Width, p.Height, p.ByteSize, p.SHA256, data.TimeText(now), data.TimeText(now), p.Version,
		photolib.Sum(f.Processed.Preview))
	if err != nil {
		return data.Photo{}, fmt.Errorf("import photo: %w", err)
	}
	if _, err := b.exec(`INSERT INTO photo_thumbnails (photo_id, thumbnail) VALUES (?, ?)`, p.ID, f.Processed.Thumbnail); err != nil {
		return data.Photo{}, fmt.Errorf("import photo: store the thumbnail: %w", err)
	}
	if err := b.audit(data.ActionCreate, "photo", p.ID, "sha256 "+p.SHA256); err != nil {
		return data.Photo{}, err
	}
	return p, nil
}

// refusePhoto says why the photo f cannot be imported for clientID with tags: already stored
// (the stored photo, with a *DuplicatePhotoError) or tags that do not check out.
func (b *Batch) refusePhoto(clientID string, tags data.PhotoTags, f data.PhotoFile) (data.Photo, error) {
	info := f.Processed.Info
	existing, err := scanPhoto(b.tx.QueryRowContext(b.ctx, `SELECT `+photoColumns+` FROM photos p WHERE sha256 IN (?, ?) LIMIT 1`,
		info.SHA256, cmp.Or(f.OtherSHA256, info.SHA256)))
	switch {
	case err == nil:
		return existing, &data.DuplicatePhotoError{Existing: existing, ClientID: clientID}
	case !errors.Is(err, data.ErrNotFound):
		return data.Photo{}, fmt.Errorf("import photo: %w", err)
	}
	tags.Tidy()
	return data.Photo{}, b.checkPhotoTags(clientID, tags, data.PhotoTags{})
}

// checkPhotoTags validates tags for a photo of clientID against the client's consent and the
// practice's lists. stored holds the photo's tags before this change (zero for an import): a
// zone or view retired since, or a consent since narrowed, does not block editing the note.
func (b *Batch) checkPhotoTags(clientID string, t, stored data.PhotoTags) error {
	var consent data.PhotoConsent
	err := b.tx.QueryRowContext(b.ctx, `SELECT photo_consent FROM clients WHERE id = ?`, clientID).Scan(&consent)
	if err != nil {
		return fmt.Errorf("client %s: %w", clientID, mapError(err))
	}
	var c data.Checker
	if !slices.Contains(data.PhotoKinds, t.Kind) {
		c.Add("kind", "Choose whether the photo was taken before, after or at a follow-up.")
	}
	switch {
	case !slices.Contains(data.PhotoScopes, t.Consent):
		c.Add("consent", "A photo's consent scope must be clinical, education or marketing.")
	case t.Consent == stored.Consent:
	case consent == data.PhotoConsentNone:
		c.Add("consent", "The client has not consented to photos: record their photo consent first.")
	case slices.Index(data.PhotoConsents, t.Consent) > slices.Index(data.PhotoConsents, consent):
		c.Add("consent", "The client's photo consent (%s) does not cover %s use.", consent, t.Consent)
	}
	if t.SessionID != "" {
		var owner string
		err := b.tx.QueryRowContext(b.ctx, `SELECT client_id FROM sessions WHERE id = ?`, t.SessionID).Scan(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			c.Add("session", "There is no session %s.", t.SessionID)
		case err != nil:
			return mapError(err)
		case owner != clientID:
			c.Add("session", "Session %s is another client's: choose one of this client's sessions.", t.SessionID)
		}
	}
	if t.View != "" && t.View != stored.View {
		n, err := b.count(`SELECT count(*) FROM list_items WHERE kind = ? AND name = ? AND retired = 0`, data.ListPhotoView, t.View)
		if err != nil {
			return err
		}
		if n == 0 {
			c.Add("view", "%q is not one of the practice's photo views.", t.View)
		}
	}
	if t.Zone != "" && t.Zone != stored.Zone {
		n, err := b.count(`SELECT count(*) FROM zones WHERE name = ? AND retired = 0`, t.Zone)
		if err != nil {
			return err
		}
		if n == 0 {
			c.Add("zone", "%q is not one of the practice's zones.", t.Zone)
		}
	}
	c.Text("note", "Note", t.Note)
	return c.Err()
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
func (s *Store) UpdatePhoto(ctx context.Context, p *data.Photo) error {
	return saveCopy(ctx, s, p, (*Batch).UpdatePhoto)
}

// UpdatePhoto saves changes to a photo's tags in the batch.
func (b *Batch) UpdatePhoto(p *data.Photo) error {
	stored, err := scanPhoto(b.tx.QueryRowContext(b.ctx, `SELECT `+photoColumns+` FROM photos p WHERE id = ?`, p.ID))
	if err != nil {
		return fmt.Errorf("save photo %s: %w", p.ID, err)
	}
	p.Tidy()
	if err := b.checkPhotoTags(stored.ClientID, p.PhotoTags, stored.PhotoTags); err != nil {
		return err
	}
	now := b.store.now()
	res, err := b.exec(`UPDATE photos SET session_id = ?, kind = ?, zone = ?, view = ?, consent_scope = ?, note = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		nullID(p.SessionID), string(p.Kind), p.Zone, p.View, string(p.Consent), p.Note, data.TimeText(now), p.ID, p.Version)
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
	return b.audit(data.ActionUpdate, "photo", p.ID, "")
}

// DeletePhoto removes a photo with its files and pins. The reason is required and is kept in
// the audit log, with the photo's SHA-256, so that an auditor can tell which photo it was.
func (s *Store) DeletePhoto(ctx context.Context, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := data.RequireName("reason", "reason for deleting the photo", reason); err != nil {
		return err
	}
	var files []string
	err := s.batch(ctx, func(b *Batch) error {
		var sum, preview string
		err := b.tx.QueryRowContext(b.ctx, `SELECT sha256, preview_sha256 FROM photos WHERE id = ?`, id).Scan(&sum, &preview)
		if err != nil {
			return fmt.Errorf("delete photo %s: %w", id, mapError(err))
		}
		files = []string{sum, preview}
		if _, err := b.exec(`DELETE FROM photos WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete photo %s: %w", id, err)
		}
		return b.audit(data.ActionDelete, "photo", id, "sha256 "+sum+"; reason: "+reason)
	})
	if err != nil {
		return err
	}
	// secure_delete zeroes the freed pages, but the write-ahead log still holds their earlier
	// copies until a checkpoint: move everything into the file and empty the log now.
	if err := s.checkpoint(ctx); err != nil {
		return fmt.Errorf("delete photo %s: clear the log: %w", id, mapError(err))
	}
	return s.removePhotoFiles(ctx, files)
}

// removePhotoFiles removes from the library the files of photos just deleted that no photo names.
// It looks and removes inside a write transaction: an import or a move of the same bytes writes its
// files again in the transaction that commits its row (Put keeps a file that is there), so it comes
// wholly before (its row is seen, the file kept) or wholly after (the file written anew). The delete
// has committed: a file that cannot be removed now (on Windows, one a viewer holds open) is only
// logged, and left to CollectPhotoFiles.
func (s *Store) removePhotoFiles(ctx context.Context, sums []string) error {
	tx, err := s.eng.BeginWrite(ctx)
	if err != nil {
		log.Printf("needlelog: remove the files of a deleted photo from %s: %v; the sweep of unused photo files removes them later", s.photoPlace(), err)
		return nil
	}
	defer tx.Rollback() //nolint:errcheck // nothing is written
	for _, sum := range sums {
		if sum == "" {
			continue
		}
		named, err := namesPhotoFileIn(ctx, tx, sum)
		if err == nil && named {
			continue
		}
		if err == nil {
			beforePhotoFileRemoved(sum)
			err = removeLibraryFile(s.lib, sum)
		}
		if err != nil {
			log.Printf("needlelog: remove photo file %s from %s: %v; the sweep of unused photo files removes it later", sum, s.photoPlace(), err)
		}
	}
	return nil
}

// removeLibraryFile and beforePhotoFileRemoved let a test make a removal fail or meet a write.
var (
	removeLibraryFile      = PhotoFiles.Remove
	beforePhotoFileRemoved = func(string) {}
)

// namesPhotoFile says whether a photo names the library file sum as its original or preview.
func (s *Store) namesPhotoFile(ctx context.Context, sum string) (bool, error) {
	return namesPhotoFileIn(ctx, s.db, sum)
}

func namesPhotoFileIn(ctx context.Context, q querier, sum string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM photos WHERE sha256 = ?1) +
		(SELECT count(*) FROM photos WHERE preview_sha256 = ?1)`, sum).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for photo file %s: %w", sum, mapError(err))
	}
	return n > 0, nil
}

// PhotoFiles lists, each once and sorted, the photo library's files the practice's photos name
// (originals and previews; EachPhotoFile gives them one by one): what an archive or a move copies
// besides the database.
func (s *Store) PhotoFiles(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	err := s.EachPhotoFile(ctx, func(f PhotoFileRef) error {
		seen[f.Sum] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// OpenPhotoFile opens one of the library's files (as PhotoFiles names them) to read.
func (s *Store) OpenPhotoFile(sum string) (io.ReadCloser, error) { return s.lib.Stream(sum) }

// CollectPhotoFiles removes the library's files that no photo names and that are older than
// grace: those of an import cut short before its record committed, or of a deleted photo whose
// removal was interrupted. It returns how many it removed.
func (s *Store) CollectPhotoFiles(ctx context.Context, grace time.Duration) (int, error) {
	if s.readOnly {
		return 0, nil
	}
	// What a damaged file names cannot be trusted to say which photo files are unused.
	if err := s.eng.Ready(ctx); err != nil {
		return 0, err
	}
	if err := s.OwnLibrary(false); err != nil {
		return 0, fmt.Errorf("collect unused photo files: %w", err)
	}
	// The files' times are the system's, not the store's clock.
	removed, err := s.lib.Collect(time.Now(), grace, func(sum string) (bool, error) {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		return s.namesPhotoFile(ctx, sum)
	})
	return len(removed), err
}

// photoColumns are a photo's record, from the table aliased p, in scanPhoto's order.
const photoColumns = `p.id, p.client_id, coalesce(p.session_id, ''), p.kind, p.zone, p.view, p.taken_at, p.note,
	p.consent_scope, p.file_name, p.mime, p.width, p.height, p.byte_size, p.sha256, p.created_at, p.updated_at, p.version`

func photoTargets(p *data.Photo) []any {
	return []any{&p.ID, &p.ClientID, &p.SessionID, &p.Kind, &p.Zone, &p.View, timeCol{&p.TakenAt}, &p.Note,
		&p.Consent, &p.FileName, &p.MIME, &p.Width, &p.Height, &p.ByteSize, &p.SHA256, timeCol{&p.CreatedAt},
		timeCol{&p.UpdatedAt}, &p.Version}
}

func scanPhoto(row *sql.Row) (data.Photo, error) {
	var p data.Photo
	if err := row.Scan(photoTargets(&p)...); err != nil {
		return data.Photo{}, mapError(err)
	}
	return p, nil
}

// Photo returns a photo's record.
func (s *Store) Photo(ctx context.Context, id string) (data.Photo, error) {
	p, err := scanPhoto(s.db.QueryRowContext(ctx, `SELECT `+photoColumns+` FROM photos p WHERE id = ?`, id))
	if err != nil {
		return data.Photo{}, fmt.Errorf("photo %s: %w", id, err)
	}
	return p, nil
}

// PhotoPreview returns a photo's preview: an upright JPEG without metadata, its longest side
// at most photo.PreviewSide pixels, for the viewer and for reports. A photo whose record is
// there but whose image is not (its file missing from the photo folder or changed, or its bytes
// lost to a damaged database) gives an error wrapping ErrNotFound that names the photo by its
// day and client.
func (s *Store) PhotoPreview(ctx context.Context, id string) ([]byte, error) {
	return s.photoBytes(ctx, id, "preview", `SELECT p.preview_sha256, r.preview
		FROM photos p LEFT JOIN photo_renditions r ON r.photo_id = p.id WHERE p.id = ?`)
}

// PhotoOriginal returns the bytes of a photo's file exactly as imported, metadata included:
// pass them through photo.CleanJPEG before they leave the practice. A photo whose original is
// missing gives an error wrapping ErrNotFound, as PhotoPreview does.
func (s *Store) PhotoOriginal(ctx context.Context, id string) ([]byte, error) {
	return s.photoBytes(ctx, id, "original", `SELECT CASE WHEN `+stillInDatabase+` THEN '' ELSE p.sha256 END, o.bytes
		FROM photos p LEFT JOIN photo_originals o ON o.photo_id = p.id WHERE p.id = ?`)
}

// photoBytes reads one of a photo's images (what) through q, which gives the library file's name
// (” for a photo whose bytes are still in the database) and the bytes held in the database.
func (s *Store) photoBytes(ctx context.Context, id, what, q string) ([]byte, error) {
	var sum string
	var b []byte
	err := s.db.QueryRowContext(ctx, q, id).Scan(&sum, &b)
	if err != nil {
		return nil, fmt.Errorf("%s of photo %s: %w", what, id, mapError(err))
	}
	if sum == "" {
		if b == nil {
			return nil, s.missingImage(ctx, id, "Its "+what+" is missing from the database. Restore a backup of the practice made "+
				"before it was lost, or delete the photo.", nil)
		}
		return b, nil
	}
	b, err = s.lib.Read(sum)
	switch {
	case errors.Is(err, photolib.ErrMissing) && s.onServer():
		return nil, s.missingImage(ctx, id, "Its "+what+" is missing from the clinic's server. "+fileAdvice, err)
	case errors.Is(err, photolib.ErrChanged) && s.onServer():
		return nil, s.missingImage(ctx, id, "Its "+what+" on the clinic's server has been changed since it was imported. "+fileAdvice, err)
	case errors.Is(err, photolib.ErrMissing):
		if s.PhotoFolderMissing() {
			return nil, s.missingImage(ctx, id, MissingPhotos{Dir: s.lib.Dir(), DirMissing: true}.Advice("the photo"), err)
		}
		return nil, s.missingImage(ctx, id, "Its "+what+" file is missing from the photo folder "+s.lib.Dir()+". "+fileAdvice, err)
	case errors.Is(err, photolib.ErrChanged):
		return nil, s.missingImage(ctx, id, "Its "+what+" file in the photo folder has been changed since it was imported. "+fileAdvice, err)
	case err != nil:
		return nil, fmt.Errorf("%s of photo %s: %w", what, id, err)
	}
	return b, nil
}

// missingImage says why a photo's image cannot be given, and what to do (why): the photo is gone
// altogether, or only its image is, in which case the photo is named as a practitioner knows it,
// "photo taken 2026-03-10 of Anna Berg". cause (photolib.ErrMissing or
// ErrChanged, or nil) is kept beside ErrNotFound for errors.Is.
func (s *Store) missingImage(ctx context.Context, id, why string, cause error) error {
	var taken time.Time
	var first, last string
	err := s.db.QueryRowContext(ctx, `SELECT p.taken_at, coalesce(c.first_name, ''), coalesce(c.last_name, '')
		FROM photos p LEFT JOIN clients c ON c.id = p.client_id WHERE p.id = ?`, id).Scan(timeCol{&taken}, &first, &last)
	if err != nil {
		return fmt.Errorf("image of photo %s: %w", id, mapError(err))
	}
	who := data.JoinName(first, last)
	if who == "" {
		who = "a client no longer on file"
	}
	return worded{fmt.Sprintf("photo taken %s of %s has no image here. %s", data.DateOf(taken), who, why),
		errors.Join(data.ErrNotFound, cause)}
}

// ListPhotos returns a client's photos with their thumbnails, never reading an original or a
// preview. They come in treatment order: session by session, oldest first, each session's photos
// by the time taken; a photo of no session falls in by its own time. A photo whose thumbnail is
// missing is listed all the same, with ImageMissing set: one lost image must not keep a client's
// gallery from opening.
func (s *Store) ListPhotos(ctx context.Context, q data.PhotoQuery) ([]data.PhotoThumb, error) {
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
		data.PhotoThumb
		sessionStart, takenAt string
		preview               string
	}
	// A photo not yet moved to the library has its images in the database; one that has, its
	// preview in a file, looked for here (not read: the viewer checks its bytes when it reads it).
	// A lost original alone leaves the photo viewable; the check reports it.
	rows, err := query(ctx, s, "photos", `SELECT `+photoColumns+`, t.thumbnail, p.preview_sha256,
		t.photo_id IS NULL OR (`+stillInDatabase+` AND (
			NOT EXISTS (SELECT 1 FROM photo_originals o WHERE o.photo_id = p.id) OR
			NOT EXISTS (SELECT 1 FROM photo_renditions r WHERE r.photo_id = p.id))),
		(SELECT count(*) FROM photo_pins n WHERE n.photo_id = p.id), coalesce(se.started_at, p.taken_at), p.taken_at
		FROM photos p LEFT JOIN photo_thumbnails t ON t.photo_id = p.id LEFT JOIN sessions se ON se.id = p.session_id
		WHERE `+strings.Join(where, " AND "), args,
		func(r *sql.Rows, t *row) error {
			return r.Scan(append(photoTargets(&t.Photo), &t.Thumbnail, &t.preview, &t.ImageMissing, &t.Pins, &t.sessionStart, &t.takenAt)...)
		})
	if err != nil {
		return nil, err
	}
	for i := range rows {
		t := &rows[i]
		if t.preview != "" && !t.ImageMissing && !s.lib.Has(t.preview) {
			t.ImageMissing = true
		}
		if t.ImageMissing {
			t.Thumbnail = nil
		}
	}
	slices.SortFunc(rows, func(a, b row) int { // stored times sort as text
		return cmp.Or(strings.Compare(a.sessionStart, b.sessionStart), strings.Compare(a.SessionID, b.SessionID),
			strings.Compare(a.takenAt, b.takenAt), strings.Compare(a.ID, b.ID))
	})
	out := make([]data.PhotoThumb, len(rows))
	for i := range rows {
		out[i] = rows[i].PhotoThumb
	}
	return out, nil
}

// AddPhotoPin pins a note to a photo, numbering it after the photo's other pins.
func (s *Store) AddPhotoPin(ctx context.Context, pin *data.PhotoPin) error {
	return saveCopy(ctx, s, pin, (*Batch).AddPhotoPin)
}

// AddPhotoPin adds a pin to the batch.
func (b *Batch) AddPhotoPin(pin *data.PhotoPin) error {
	pin.Note = strings.TrimSpace(pin.Note)
	if err := pin.Validate(); err != nil {
		return err
	}
	if n, err := b.count(`SELECT count(*) FROM photos WHERE id = ?`, pin.PhotoID); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("pin a note to photo %s: %w", pin.PhotoID, data.ErrNotFound)
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
	return b.audit(data.ActionCreate, "photo_pin", pin.ID, fmt.Sprintf("photo %s pin %d", pin.PhotoID, pin.N))
}

// UpdatePhotoPin saves a pin's note and position; its photo and number stay as they were.
func (s *Store) UpdatePhotoPin(ctx context.Context, pin *data.PhotoPin) error {
	return saveCopy(ctx, s, pin, func(b *Batch, pin *data.PhotoPin) error {
		pin.Note = strings.TrimSpace(pin.Note)
		if err := pin.Validate(); err != nil {
			return err
		}
		err := b.tx.QueryRowContext(b.ctx, `UPDATE photo_pins SET x = ?, y = ?, note = ? WHERE id = ? RETURNING photo_id, n`,
			pin.X, pin.Y, pin.Note, pin.ID).Scan(&pin.PhotoID, &pin.N)
		if err != nil {
			return fmt.Errorf("save pin %s: %w", pin.ID, mapError(err))
		}
		return b.audit(data.ActionUpdate, "photo_pin", pin.ID, fmt.Sprintf("photo %s pin %d", pin.PhotoID, pin.N))
	})
}

// DeletePhotoPin removes a pin; the photo's other pins keep their numbers.
func (s *Store) DeletePhotoPin(ctx context.Context, id string) error {
	return s.batch(ctx, func(b *Batch) error {
		var photoID string
		var n int
		err := b.tx.QueryRowContext(b.ctx, `DELETE FROM photo_pins WHERE id = ? RETURNING photo_id, n`, id).Scan(&photoID, &n)
		if err != nil {
			return fmt.Errorf("delete pin %s: %w", id, mapError(err))
		}
		return b.audit(data.ActionDelete, "photo_pin", id, fmt.Sprintf("photo %s pin %d", photoID, n))
	})
}

// PhotoPins returns a photo's pins by number.
func (s *Store) PhotoPins(ctx context.Context, photoID string) ([]data.PhotoPin, error) {
	return query(ctx, s, "pins", `SELECT id, photo_id, n, x, y, note FROM photo_pins WHERE photo_id = ? ORDER BY n`,
		[]any{photoID}, func(r *sql.Rows, p *data.PhotoPin) error {
			return r.Scan(&p.ID, &p.PhotoID, &p.N, &p.X, &p.Y, &p.Note)
		})
}

// SuggestPhoto proposes a kind and a session for a client's photo taken at takenAt:
//
//   - On a day with one of the client's sessions (in the practice's time zone), the session whose
//     start is nearest; "before" when taken earlier than 20 minutes after its start, else "after".
//   - Otherwise, after a session: "follow-up" of the latest session before it, if that was within
//     about 13 months; "follow-up" of no session when it was longer ago.
//   - Otherwise (before any session): "before" the client's next session if it is within 30
//     days, as at a consultation; "before" of no session when there is none.
func (s *Store) SuggestPhoto(ctx context.Context, clientID string, takenAt time.Time) (data.PhotoSuggestion, error) {
	type start struct {
		id string
		at time.Time
	}
	sessions, err := query(ctx, s, "sessions", `SELECT id, started_at FROM sessions WHERE client_id = ? ORDER BY started_at, id`,
		[]any{clientID}, func(r *sql.Rows, v *start) error { return r.Scan(&v.id, timeCol{&v.at}) })
	if err != nil {
		return data.PhotoSuggestion{}, err
	}
	suggest := func(kind data.PhotoKind, se *start) data.PhotoSuggestion {
		if se == nil {
			return data.PhotoSuggestion{Kind: kind}
		}
		return data.PhotoSuggestion{Kind: kind, SessionID: se.id, SessionStart: se.at}
	}
	day := data.DateOf(takenAt)
	var nearest, prev, next *start
	for i := range sessions {
		se := &sessions[i]
		if data.DateOf(se.at).Equal(day) && (nearest == nil || absDuration(se.at.Sub(takenAt)) < absDuration(nearest.at.Sub(takenAt))) {
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
		return suggest(data.PhotoKindFor(takenAt, nearest.at), nearest), nil
	case prev != nil && takenAt.Sub(prev.at) <= data.FollowUpReach:
		return suggest(data.PhotoFollowUp, prev), nil
	case prev != nil:
		return suggest(data.PhotoFollowUp, nil), nil
	case next != nil && next.at.Sub(takenAt) <= data.ConsultationGap:
		return suggest(data.PhotoBefore, next), nil
	}
	return suggest(data.PhotoBefore, nil), nil
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// SessionStart returns when one of a client's sessions started; an error wrapping ErrNotFound
// when the client has no such session.
func (s *Store) SessionStart(ctx context.Context, clientID, sessionID string) (time.Time, error) {
	var at time.Time
	err := s.db.QueryRowContext(ctx, `SELECT started_at FROM sessions WHERE id = ? AND client_id = ?`, sessionID, clientID).
		Scan(timeCol{&at})
	return at, mapError(err)
}

// PhotoStoredFor says for which client a photo read from a file (f) is already stored, by the
// SHA-256 of its bytes in either form (see PhotoFile.OtherSHA256), as ImportPhoto would find it;
// "" when it is not stored. It lets a list of files to import say so before the import.
func (s *Store) PhotoStoredFor(ctx context.Context, f data.PhotoFile) (clientID string, err error) {
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

// worded is an error said in the practitioner's words, keeping its cause for errors.Is.
type worded struct {
	msg   string
	cause error
}

func (e worded) Error() string { return e.msg }
func (e worded) Unwrap() error { return e.cause }
