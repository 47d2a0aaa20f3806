package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
)

// PhotoFileRef is one file of the photo library that a photo names.
type PhotoFileRef struct {
	Sum   string // the file's SHA-256, its name in the library
	Photo string // the photo, as a practitioner would know it: "IMG_0001.jpg of Anna Smith taken 2026-03-10"
	What  string // "original" or "preview"
}

// EachPhotoFile calls fn with each library file the practice's photos name: each photo's original,
// then its preview, oldest photo first. A photo whose bytes are still in the database names none,
// and so does every photo of a file made before the library (schema 7). It reads row by row in
// one transaction on a connection of its own, so memory does not grow with the practice; fn
// runs while that transaction is open. An error from fn stops it and is returned as it is.
func (s *Store) EachPhotoFile(ctx context.Context, fn func(PhotoFileRef) error) error {
	db, err := s.eng.StreamDB()
	if err != nil {
		return fmt.Errorf("list photo files: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("list photo files: %w", mapError(err))
	}
	defer tx.Rollback()          //nolint:errcheck // read only
	hasLibrary := s.d.PostgreSQL // PostgreSQL's schema starts with the library
	if !hasLibrary {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM pragma_table_info('photos') WHERE name = 'preview_sha256'`).Scan(&hasLibrary); err != nil {
			return fmt.Errorf("list photo files: %w", mapError(err))
		}
	}
	if !hasLibrary {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.sha256, p.preview_sha256, p.file_name, p.taken_at,
			coalesce(trim(c.first_name || ' ' || c.last_name), '')
		FROM photos p LEFT JOIN clients c ON c.id = p.client_id
		WHERE `+inPhotoFolder+` ORDER BY p.taken_at, p.id`)
	if err != nil {
		return fmt.Errorf("list photo files: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var sum, preview, name, client string
		var taken time.Time
		if err := rows.Scan(&sum, &preview, &name, timeCol{&taken}, &client); err != nil {
			return fmt.Errorf("list photo files: %w", mapError(err))
		}
		photo := photoSaid(name, client, taken)
		if err := fn(PhotoFileRef{Sum: sum, Photo: photo, What: "original"}); err != nil {
			return err
		}
		if err := fn(PhotoFileRef{Sum: preview, Photo: photo, What: "preview"}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list photo files: %w", mapError(err))
	}
	return ctx.Err()
}

// photoSaid names a photo the way a practitioner finds it: its file name, whose it is and when
// it was taken.
func photoSaid(name, client string, taken time.Time) string {
	if name == "" {
		name = "(no file name)"
	}
	var b strings.Builder
	b.WriteString(name)
	if client != "" {
		b.WriteString(" of " + client)
	}
	b.WriteString(" taken " + data.DateOf(taken).String())
	return b.String()
}
