package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlstore"
)

// serverPhotos keeps the practice's photo files on the clinic's server, in the table photo_files,
// content-addressed as a photo folder is (sqlstore.PhotoFiles): every PC reads every photo, and no
// folder has to be shared. A file is committed before the photo naming it (ImportPhoto puts it
// first), read back checked against its SHA-256, never changed, and collected once no photo names
// it and it is older than the grace period.
//
// Files are collected under the write lock, which an import holds from putting its files the
// second time (inside its transaction) until its photo commits: a sweep never removes a file
// between the import finding it there and the photo naming it.
type serverPhotos struct {
	pool *pgxpool.Pool
	now  func() time.Time // the files' times: the PC's clock, as a folder's are
}

var _ sqlstore.PhotoFiles = (*serverPhotos)(nil)

// photoFileTimeout bounds each request about a photo file, whose methods take no context: a
// server gone away is said, not waited on for ever. A 60 MB file crosses a slow network in it.
const photoFileTimeout = 2 * time.Minute

// fileError is photolib.ErrMissing or ErrChanged said of the clinic's server rather than of a folder.
type fileError struct {
	sentence string
	kind     error
}

func (e fileError) Error() string        { return e.sentence }
func (e fileError) Is(target error) bool { return target == e.kind }

var (
	errFileMissing = fileError{"the photo file is missing from the clinic's server", photolib.ErrMissing}
	errFileChanged = fileError{"the photo file's bytes on the clinic's server no longer match those imported", photolib.ErrChanged}
)

func photoFileContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), photoFileTimeout)
}

// Dir: the files are in no folder.
func (p *serverPhotos) Dir() string { return "" }

// Put keeps b as the file named sum, committed before it returns. A file already kept whose
// bytes match sum is left as it is; one whose bytes do not (changed on the server) is replaced
// whole.
func (p *serverPhotos) Put(sum string, b []byte) error {
	switch {
	case !photolib.Valid(sum):
		return fmt.Errorf("store photo file %q: not a photo file name", sum)
	case photolib.Sum(b) != sum:
		return fmt.Errorf("store photo file %s: the bytes given have SHA-256 %s", sum, photolib.Sum(b))
	case len(b) > photo.MaxFileBytes:
		return fmt.Errorf("store photo file %s: %d bytes, more than any photo", sum, len(b))
	}
	ctx, cancel := photoFileContext()
	defer cancel()
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		// The server hashes what it holds: the bytes do not cross the network again.
		var sound bool
		err := tx.QueryRow(ctx, `SELECT encode(sha256(bytes), 'hex') = sha256 FROM photo_files WHERE sha256 = $1`, sum).Scan(&sound)
		switch {
		case err == nil && sound:
			return nil
		case err == nil:
			if _, err := tx.Exec(ctx, `DELETE FROM photo_files WHERE sha256 = $1`, sum); err != nil {
				return err
			}
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		// Another PC importing the same bytes at once may have put them first: the same file.
		_, err = tx.Exec(ctx, `INSERT INTO photo_files (sha256, bytes, size, added_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (sha256) DO NOTHING`, sum, b, len(b), data.TimeText(p.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("store photo file %s on the clinic's server: %w", sum, sqlstore.MapError(err))
	}
	return nil
}

// Read returns the file named sum, checked against it: errFileMissing or errFileChanged (wrapped)
// when it cannot be given as imported.
func (p *serverPhotos) Read(sum string) ([]byte, error) {
	b, err := p.read(sum)
	if err != nil {
		return nil, err
	}
	if photolib.Sum(b) != sum {
		return nil, fmt.Errorf("photo file %s: %w", sum, errFileChanged)
	}
	return b, nil
}

func (p *serverPhotos) read(sum string) ([]byte, error) {
	if !photolib.Valid(sum) {
		return nil, fmt.Errorf("photo file %q: not a photo file name: %w", sum, errFileMissing)
	}
	ctx, cancel := photoFileContext()
	defer cancel()
	var b []byte
	err := p.pool.QueryRow(ctx, `SELECT bytes FROM photo_files WHERE sha256 = $1`, sum).Scan(&b)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("photo file %s: %w", sum, errFileMissing)
	case err != nil:
		return nil, fmt.Errorf("photo file %s: %w", sum, sqlstore.MapError(err))
	}
	return b, nil
}

// Stream gives the file named sum to read, as it is on the server: the caller checks it if it
// needs to. It is read whole first (a photo is at most photo.MaxFileBytes), so a server lost
// midway fails here, not in the middle of an export.
func (p *serverPhotos) Stream(sum string) (io.ReadCloser, error) {
	b, err := p.read(sum)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// Has reports whether the file named sum is kept. A server that cannot be asked says no: the
// photo is then shown as without its image, and reading it says why.
func (p *serverPhotos) Has(sum string) bool {
	if !photolib.Valid(sum) {
		return false
	}
	ctx, cancel := photoFileContext()
	defer cancel()
	var has bool
	err := p.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM photo_files WHERE sha256 = $1)`, sum).Scan(&has)
	return err == nil && has
}

// VerifySize checks the file named sum against its SHA-256 on the server, which reads it through,
// and says how many bytes it holds.
func (p *serverPhotos) VerifySize(sum string) (int64, error) {
	if !photolib.Valid(sum) {
		return 0, fmt.Errorf("photo file %q: not a photo file name: %w", sum, errFileMissing)
	}
	ctx, cancel := photoFileContext()
	defer cancel()
	var got string
	var size int64
	err := p.pool.QueryRow(ctx, `SELECT encode(sha256(bytes), 'hex'), octet_length(bytes) FROM photo_files WHERE sha256 = $1`, sum).
		Scan(&got, &size)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, fmt.Errorf("photo file %s: %w", sum, errFileMissing)
	case err != nil:
		return 0, fmt.Errorf("photo file %s: %w", sum, sqlstore.MapError(err))
	case got != sum:
		return size, fmt.Errorf("photo file %s: %w", sum, errFileChanged)
	}
	return size, nil
}

// Remove deletes the file named sum; one already gone, or a name that is no photo file's, is not
// an error. It takes no lock: its caller (a photo's deletion) holds the write lock already.
func (p *serverPhotos) Remove(sum string) error {
	if !photolib.Valid(sum) {
		return nil
	}
	ctx, cancel := photoFileContext()
	defer cancel()
	if _, err := p.pool.Exec(ctx, `DELETE FROM photo_files WHERE sha256 = $1`, sum); err != nil {
		return fmt.Errorf("remove photo file %s from the clinic's server: %w", sum, sqlstore.MapError(err))
	}
	return nil
}

// Collect removes the files older than grace that no photo names, asking named again for each
// under the write lock (see serverPhotos), and returns those removed.
func (p *serverPhotos) Collect(now time.Time, grace time.Duration, named func(sum string) (bool, error)) ([]string, error) {
	ctx, cancel := photoFileContext()
	defer cancel()
	cutoff := data.TimeText(now.Add(-grace))
	// Two anti-joins rather than one with OR, which would scan the photos once per file.
	rows, err := p.pool.Query(ctx, `SELECT f.sha256 FROM photo_files f WHERE f.added_at < $1
		AND NOT EXISTS (SELECT 1 FROM photos o WHERE o.sha256 = f.sha256)
		AND NOT EXISTS (SELECT 1 FROM photos r WHERE r.preview_sha256 = f.sha256)`, cutoff)
	if err != nil {
		return nil, fmt.Errorf("collect unused photo files on the clinic's server: %w", sqlstore.MapError(err))
	}
	candidates, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("collect unused photo files on the clinic's server: %w", sqlstore.MapError(err))
	}
	var removed []string
	for _, sum := range candidates {
		gone, err := p.collect(sum, cutoff, named)
		if err != nil {
			return removed, fmt.Errorf("collect unused photo files on the clinic's server: %w", sqlstore.MapError(err))
		}
		if gone {
			removed = append(removed, sum)
		}
	}
	return removed, nil
}

// collect removes the file named sum if it is older than cutoff and named says no photo names it,
// asked under the write lock; each in a transaction and a time of its own, however many there are.
func (p *serverPhotos) collect(sum, cutoff string, named func(sum string) (bool, error)) (gone bool, err error) {
	ctx, cancel := photoFileContext()
	defer cancel()
	err = pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
			return err
		}
		keep, err := named(sum)
		if err != nil || keep {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM photo_files WHERE sha256 = $1 AND added_at < $2`, sum, cutoff)
		gone = err == nil && tag.RowsAffected() > 0
		return err
	})
	return gone, err
}
