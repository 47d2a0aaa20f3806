package sqlite

import (
	"context"
	"database/sql"
)

// PhotoFileSums lists, each once and in order, the SHA-256s of the files the photo library must
// hold for this database: the original and the preview of every photo whose bytes have left the
// database. A move or a copy of the practice takes exactly these files with it.
func (s *Store) PhotoFileSums(ctx context.Context) ([]string, error) {
	return query(ctx, s, "photo files", `SELECT sha256 FROM photos WHERE preview_sha256 <> ''
		UNION SELECT preview_sha256 FROM photos WHERE preview_sha256 <> '' ORDER BY 1`, nil,
		func(r *sql.Rows, sum *string) error { return r.Scan(sum) })
}
