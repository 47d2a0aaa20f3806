package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlstore"
	"needlelog.app/needlelog/wording"
)

// A practice written before the photo library keeps each photo's original and preview in the
// database (photo_originals, photo_renditions; photos.preview_sha256 = ''). MovePhotos moves them
// out to the library one photo at a time: both files written, flushed and read back against their
// SHA-256 first, then, in one transaction, the photo names its preview file and its rows in the old
// tables go. A kill at any point leaves each photo either wholly in the database or wholly in the
// library (files of a move cut short before its commit are named by nothing and collected later),
// so moving resumes where it stopped. Once nothing is left to move, the space the bytes took is
// given back to the disk (VACUUM).

// PhotoMove says how far moving the photos has come, for a progress line.
type PhotoMove struct {
	Done, Total int
	// Reclaiming: every photo has moved, and the space their bytes took in the database file is
	// being given back.
	Reclaiming bool
}

// PhotoMoveDue says what moving the photos has still to do.
type PhotoMoveDue struct {
	// ToMove is how many photos still have their bytes in the database.
	ToMove int
	// Reclaim: the file holds so much unused space that it is worth giving back even though no
	// photo was moved out of it now (reclaimLarge): as when a move's reclaim was cut short.
	Reclaim bool
}

// Due reports whether there is anything to do.
func (d PhotoMoveDue) Due() bool { return d.ToMove > 0 || d.Reclaim }

// PhotoMoveResult is what a run of MovePhotos did.
type PhotoMoveResult struct {
	Moved int
	// Kept is photos whose bytes in the database no longer match the SHA-256 recorded at import
	// (a damaged file): they stay where they are, as moving them would pass the damage on.
	Kept int
	// Reclaimed is how many bytes the database file shrank by.
	Reclaimed int64
}

// Reclaiming gives the space back only when it is worth a rewrite of the whole file: a quarter of
// the file and at least reclaimAtLeast bytes once photos were moved out of it, reclaimLarge
// otherwise (space freed by ordinary work is used again by SQLite: not worth a rewrite that holds
// every save). Tests lower reclaimAtLeast.
var (
	reclaimAtLeast int64 = 32 << 20
	reclaimLarge   int64 = 64 << 20
)

// worthReclaiming applies that rule to free unused bytes of a file of size bytes; moved says
// photos were moved out of it.
func worthReclaiming(free, size int64, moved bool) bool {
	least := reclaimLarge
	if moved {
		least = min(least, reclaimAtLeast)
	}
	return free >= least && free >= size/4
}

// movableWhere chooses the photos MovePhotos can move: still in the database, with both rows
// there (a photo whose bytes were lost to a damaged file has nothing to move; Check reports it).
const movableWhere = sqlstore.StillInDatabase + `
	AND EXISTS (SELECT 1 FROM photo_originals o WHERE o.photo_id = p.id)
	AND EXISTS (SELECT 1 FROM photo_renditions r WHERE r.photo_id = p.id)`

// PhotosToMove is how many photos still have their bytes in the database: one count over the
// photos' records, cheap at any size.
func (s *Store) PhotosToMove(ctx context.Context) (int, error) {
	var n int
	where := movableWhere
	if lib, err := s.hasPhotoLibrary(ctx); err != nil {
		return 0, err
	} else if !lib { // a file not yet upgraded (read-only): every photo is in the database
		where = strings.Replace(where, sqlstore.StillInDatabase, "1", 1)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM photos p WHERE `+where).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the photos to move to the photo folder: %w", mapError(err))
	}
	return n, nil
}

// PhotoMoveDue says whether opening the practice has photos to move or space to give back; cheap
// enough to ask on every opening. A read-only practice has nothing due: it cannot be changed.
func (s *Store) PhotoMoveDue(ctx context.Context) (PhotoMoveDue, error) {
	var d PhotoMoveDue
	if s.readOnly {
		return d, nil
	}
	n, err := s.PhotosToMove(ctx)
	if err != nil {
		return d, err
	}
	d.ToMove = n
	free, size, err := s.freeSpace(ctx)
	if err != nil {
		return d, err
	}
	d.Reclaim = worthReclaiming(free, size, false)
	return d, nil
}

// freeSpace is how many bytes of the database file are unused pages, and its size in bytes.
func (s *Store) freeSpace(ctx context.Context) (free, size int64, err error) {
	var pageSize, pages, freePages int64
	err = s.db.QueryRowContext(ctx, `SELECT (SELECT page_size FROM pragma_page_size), (SELECT page_count FROM pragma_page_count),
		(SELECT freelist_count FROM pragma_freelist_count)`).Scan(&pageSize, &pages, &freePages)
	if err != nil {
		return 0, 0, fmt.Errorf("read the database's unused space: %w", mapError(err))
	}
	return freePages * pageSize, pages * pageSize, nil
}

// MovePhotos moves every photo whose bytes are still in the database to the photo library, then
// gives back the space they took (ReclaimIfDue). progress, when not nil, hears how far it has
// come after each photo and before reclaiming. Ending ctx stops it between two photos (or cuts
// the reclaiming short, which leaves the file as it was): what has moved stays moved, and the
// next run goes on. Reclaiming holds every save for as long as it takes: where the practice is
// in use meanwhile, call MovePhotosOnly and ReclaimIfDue when nothing waits to be saved.
func (s *Store) MovePhotos(ctx context.Context, progress func(PhotoMove)) (PhotoMoveResult, error) {
	if progress == nil {
		progress = func(PhotoMove) {}
	}
	res, err := s.MovePhotosOnly(ctx, progress)
	if err != nil {
		return res, err
	}
	res.Reclaimed, err = s.ReclaimIfDue(ctx, res.Moved > 0, func() { progress(PhotoMove{Done: res.Moved, Total: res.Moved, Reclaiming: true}) })
	return res, err
}

// ReclaimIfDue gives back the database file's unused space when worth it (worthReclaiming; moved
// says photos were moved out of the file since it was opened) and returns how many bytes the file
// shrank by. starting, when not nil, is called before the rewrite begins. The rewrite holds every
// save until it ends: call it where nothing waits to be saved.
func (s *Store) ReclaimIfDue(ctx context.Context, moved bool, starting func()) (int64, error) {
	if s.readOnly {
		return 0, nil
	}
	// A reclaim killed after its rewrite, before it cleared up, leaves its folder; the next
	// look clears it whether or not there is space to give back now.
	vacuumMu.Lock()
	os.RemoveAll(s.reclaimDir())
	vacuumMu.Unlock()
	free, size, err := s.freeSpace(ctx)
	if err != nil || !worthReclaiming(free, size, moved) {
		return 0, err
	}
	if starting != nil {
		starting()
	}
	n, err := s.reclaimSpace(ctx)
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("%w: %w", ErrReclaim, err)
	}
	return n, cmpCtx(ctx, err)
}

// MovePhotosOnly is MovePhotos without giving the space back.
func (s *Store) MovePhotosOnly(ctx context.Context, progress func(PhotoMove)) (PhotoMoveResult, error) {
	var res PhotoMoveResult
	if s.readOnly {
		return res, data.ErrReadOnlyMode
	}
	if progress == nil {
		progress = func(PhotoMove) {}
	}
	total, err := s.PhotosToMove(ctx)
	if err != nil {
		return res, err
	}
	progress(PhotoMove{Total: total})
	after := "" // photos are taken in the order of their IDs, through the primary key
	for done := 0; ; {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var id string
		err := s.db.QueryRowContext(ctx, `SELECT p.id FROM photos p WHERE p.id > ? AND `+movableWhere+` ORDER BY p.id LIMIT 1`,
			after).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return res, cmpCtx(ctx, fmt.Errorf("find the next photo to move to the photo folder: %w", mapError(err)))
		}
		after = id
		moved, err := s.movePhoto(ctx, id)
		switch {
		case errors.Is(err, errPhotoBytesChanged):
			slog.Warn("photo kept in the database", "photo", id, "err", err)
			res.Kept++
		case err != nil:
			return res, cmpCtx(ctx, err)
		case moved:
			res.Moved++
		}
		done++
		progress(PhotoMove{Done: min(done, total), Total: max(total, done)})
	}
	return res, nil
}

// ErrReclaim is unused space in the database file that could not be given back yet (after a move
// whose photos all moved): the next run tries again.
var ErrReclaim = errors.New("the room unused in the database file could not be given back yet")

// Sentence says what a run of moving photos and giving back space did, truthfully: "Moved 5 photos
// to the photo folder D and gave back 300 MB of disk space", "Gave back 70 MB of disk space";
// "" when it did nothing worth saying. dir is the photo folder.
func (r PhotoMoveResult) Sentence(dir string) string {
	gave := ""
	if r.Reclaimed >= 1<<20 {
		gave = fmt.Sprintf("gave back %d MB of disk space", r.Reclaimed>>20)
	}
	switch {
	case r.Moved > 0 && gave != "":
		return fmt.Sprintf("Moved %s to the photo folder %s and %s.", wording.Count(r.Moved, "photo", "photos"), dir, gave)
	case r.Moved > 0:
		return fmt.Sprintf("Moved %s to the photo folder %s.", wording.Count(r.Moved, "photo", "photos"), dir)
	case gave != "":
		return "G" + gave[1:] + "."
	}
	return ""
}

// cmpCtx is err, or ctx's own error when ctx ended: SQLite says an interrupted statement in its
// own words.
func cmpCtx(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// errPhotoBytesChanged is a photo whose original in the database no longer has the SHA-256 it was
// imported with.
var errPhotoBytesChanged = errors.New("the photo's bytes in the database no longer match those imported")

// movePhoto moves one photo's original and preview to the library; it reports false when the
// photo had moved or gone meanwhile.
func (s *Store) movePhoto(ctx context.Context, id string) (bool, error) {
	var sum string
	var original, preview []byte
	err := s.db.QueryRowContext(ctx, `SELECT p.sha256, o.bytes, r.preview FROM photos p
		JOIN photo_originals o ON o.photo_id = p.id JOIN photo_renditions r ON r.photo_id = p.id
		WHERE p.id = ? AND `+sqlstore.StillInDatabase, id).Scan(&sum, &original, &preview)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read photo %s to move it: %w", id, mapError(err))
	}
	if photolib.Sum(original) != sum {
		return false, fmt.Errorf("photo %s: %w", id, errPhotoBytesChanged)
	}
	previewSum := photolib.Sum(preview)
	if err := s.OwnLibrary(true); err != nil {
		return false, fmt.Errorf("move photo %s to the photo folder: %w", id, err)
	}
	// Never a row gone before its file is there and holds the bytes.
	for _, f := range []struct {
		sum string
		b   []byte
	}{{sum, original}, {previewSum, preview}} {
		if err := s.putVerified(f.sum, f.b); err != nil {
			return false, fmt.Errorf("move photo %s to the photo folder: %w", id, err)
		}
	}
	moved := false
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE photos SET preview_sha256 = ? WHERE id = ? AND preview_sha256 = ''`, previewSum, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // deleted or moved meanwhile: its files, if unnamed, are collected later
		}
		moved = true
		// Put again, in the transaction: a delete of the same bytes may have removed the files
		// since (it removes only inside one, see removePhotoFiles); Put keeps a file that is there.
		if err := s.lib.Put(sum, original); err != nil {
			return err
		}
		if err := s.lib.Put(previewSum, preview); err != nil {
			return err
		}
		for _, q := range []string{
			// Since migration 0007 every photo has its thumbnail there; this keeps it so whatever.
			`INSERT OR IGNORE INTO photo_thumbnails (photo_id, thumbnail) SELECT photo_id, thumbnail FROM photo_renditions WHERE photo_id = ?`,
			`DELETE FROM photo_originals WHERE photo_id = ?`,
			`DELETE FROM photo_renditions WHERE photo_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("move photo %s to the photo folder: %w", id, mapError(err))
	}
	return moved, nil
}

// putVerified writes b to the library under sum (Put replaces a damaged file already there) and
// reads it back: the database's copy is dropped only for a file known to hold it.
func (s *Store) putVerified(sum string, b []byte) error {
	if err := s.lib.Put(sum, b); err != nil {
		return err
	}
	return s.lib.Verify(sum)
}

// reclaimDir is the folder beside the database where a reclaim keeps SQLite's temporary file.
func (s *Store) reclaimDir() string {
	return strings.TrimSuffix(s.path, filepath.Ext(s.path)) + ".reclaim"
}

// vacuumMu keeps two reclaims in this process from sharing SQLite's temporary folder setting,
// which is the process's, not the connection's.
var vacuumMu sync.Mutex

// reclaimSpace rewrites the database file without its unused pages and returns how many bytes it
// shrank by. The store's connections keep temporary data in memory (temp_store=2), where VACUUM
// would build its copy of the whole database: this runs it on a connection of its own that keeps
// it in a file, in a folder beside the database (the same disk, not the system's temporary
// folder), so memory stays bounded by SQLite's page cache whatever the file's size.
func (s *Store) reclaimSpace(ctx context.Context) (int64, error) {
	if err := s.gate.wait(ctx); err != nil { // a rewrite of the whole file: never of a damaged one
		return 0, err
	}
	vacuumMu.Lock()
	defer vacuumMu.Unlock()
	_, before, err := s.freeSpace(ctx)
	if err != nil {
		return 0, err
	}
	tmp := s.reclaimDir()
	os.RemoveAll(tmp) // left by a reclaim cut short; SQLite's temporary file is unnamed anyway
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return 0, fmt.Errorf("reclaim the photos' space: %w", err)
	}
	defer os.RemoveAll(tmp)
	db, err := sql.Open("sqlite", vacuumDSN(s.path))
	if err != nil {
		return 0, fmt.Errorf("reclaim the photos' space: %w", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("reclaim the photos' space: %w", mapError(err))
	}
	defer conn.Close()
	var temp int
	if err := conn.QueryRowContext(ctx, `SELECT temp_store FROM pragma_temp_store`).Scan(&temp); err != nil || temp != 1 {
		return 0, fmt.Errorf("reclaim the photos' space: temporary data not kept in a file (temp_store=%d): %w", temp, mapError(err))
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store_directory = '`+strings.ReplaceAll(tmp, "'", "''")+`'`); err != nil {
		return 0, fmt.Errorf("reclaim the photos' space: %w", mapError(err))
	}
	defer conn.ExecContext(context.Background(), `PRAGMA temp_store_directory = ''`) //nolint:errcheck // back to the default
	if _, err := conn.ExecContext(ctx, `VACUUM`); err != nil {
		return 0, fmt.Errorf("reclaim the photos' space: %w", mapError(err))
	}
	// The rewritten pages went through the write-ahead log: fold it back and empty it.
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return 0, fmt.Errorf("reclaim the photos' space: %w", mapError(err))
	}
	s.NoteWrite()
	_, after, err := s.freeSpace(ctx)
	return before - after, err
}

// vacuumDSN is the store's own connection string for path, but keeping temporary data in files.
func vacuumDSN(path string) string {
	full := dsn(path, false, false)
	base, query, _ := strings.Cut(full, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return full // checked after opening: temp_store must read 1
	}
	for i, p := range q["_pragma"] {
		if strings.HasPrefix(p, "temp_store(") {
			q["_pragma"][i] = "temp_store(1)"
		}
	}
	return base + "?" + q.Encode()
}

// ReclaimDue says whether ReclaimIfDue would give space back now (moved as there): so that what
// is said of it is true.
func (s *Store) ReclaimDue(ctx context.Context, moved bool) (bool, error) {
	if s.readOnly {
		return false, nil
	}
	free, size, err := s.freeSpace(ctx)
	return err == nil && worthReclaiming(free, size, moved), err
}

// Sentence says how far moving the photos to the photo folder has come, for a progress line.
func (p PhotoMove) Sentence() string {
	if p.Reclaiming {
		return "Reclaiming space: the database file gives back the room the photos took…"
	}
	return "Moving photos to the photo folder… " + wording.OfN(p.Done, p.Total)
}
