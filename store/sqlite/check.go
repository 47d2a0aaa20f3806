package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlstore"
)

// CountedTables lists the tables Check counts, in report order.
func CountedTables() []string { return sqlstore.CountedTables() }

// Check compares the file's schema with Needlelog's, runs SQLite's integrity and foreign-key
// checks and counts the records. It only reads, so no trigger in the file runs.
func (s *Store) Check(ctx context.Context) (data.Health, error) {
	var h data.Health
	if short := s.cutShortNow(ctx); short != "" {
		// What SQLite's checks would say of the missing pages says nothing of the cause.
		return h, fmt.Errorf("%w: %s", data.ErrDamaged, short)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT user_version FROM pragma_user_version`).Scan(&h.SchemaVersion); err != nil {
		return h, fmt.Errorf("read schema version: %w", mapError(err))
	}
	if h.SchemaVersion <= SchemaVersion() {
		changes, err := schemaDifferences(ctx, s.db, h.SchemaVersion)
		switch {
		case errors.Is(mapError(err), data.ErrDamaged):
			h.Problems = append(h.Problems, fmt.Sprintf("the tables could not all be compared with Needlelog's: %v", data.ErrDamaged))
		case err != nil:
			return h, fmt.Errorf("compare the schema with Needlelog's: %w", mapError(err))
		}
		h.SchemaChanges = changes
	}
	// An older schema is no problem: opening the practice in Needlelog upgrades it. Its records
	// are checked as any file's.
	// A damaged file can fail a check outright instead of letting it list what it found: that
	// is one more problem to report, not a failure of the check.
	for _, c := range []struct {
		what  string
		find  func(context.Context) ([]string, error)
		found *[]string
	}{
		{"integrity check", s.integrityProblems, &h.Problems},
		{"foreign key check", s.danglingReferences, &h.Problems},
		{"list check", s.damagedLists, &h.Problems},
		{"photo check", s.PhotosWithoutImages, &h.LostImages},
	} {
		found, err := c.find(ctx)
		if errors.Is(err, data.ErrDamaged) {
			h.Problems = append(h.Problems, fmt.Sprintf("the %s could not finish: %v", c.what, data.ErrDamaged))
			continue
		} else if err != nil {
			return h, fmt.Errorf("%s: %w", c.what, err)
		}
		*c.found = append(*c.found, found...)
	}
	counts, err := s.Counts(ctx)
	if errors.Is(err, data.ErrDamaged) {
		h.Problems = append(h.Problems, fmt.Sprintf("the records could not all be counted: %v", data.ErrDamaged))
		return h, nil
	}
	h.Counts = counts
	return h, err
}

// cutShortNow says how the store's file is cut short, or "": as opening it says it (cutShort),
// or, when a write-ahead log beside the file hides the header's page count, by a size that is
// not a whole number of pages, which SQLite never leaves.
func (s *Store) cutShortNow(ctx context.Context) string {
	if s.path == "" {
		return ""
	}
	if short := cutShort(ctx, s.path); short != "" {
		return short
	}
	var pageSize int64
	if err := s.db.QueryRowContext(ctx, `SELECT page_size FROM pragma_page_size`).Scan(&pageSize); err != nil || pageSize <= 0 {
		return ""
	}
	info, err := os.Stat(s.path) // the size only: no descriptor is opened
	if err != nil || info.Size()%pageSize == 0 {
		return ""
	}
	return fmt.Sprintf("the file is cut short: it ends within a page (it holds %d KB, not a whole number of its %d-byte pages); "+
		"it may have been copied while in use, or the disk filled", info.Size()/1024, pageSize)
}

// integrityProblems is what SQLite's integrity check finds; none when the file is sound.
func (s *Store) integrityProblems(ctx context.Context) ([]string, error) {
	lines, err := query(ctx, s, "integrity check", `PRAGMA integrity_check`, nil,
		func(r *sql.Rows, v *string) error { return r.Scan(v) })
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(lines, func(l string) bool { return l == "ok" }), nil
}

// Counts returns the number of rows in each of CountedTables. A file of an older schema, opened
// read-only and so not upgraded, counts none of the records it cannot hold yet.
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	var version int
	if err := s.db.QueryRowContext(ctx, `SELECT user_version FROM pragma_user_version`).Scan(&version); err != nil {
		return nil, fmt.Errorf("read schema version: %w", mapError(err))
	}
	return sqlstore.CountRows(ctx, s.db, version)
}

// danglingReferences lists the rows that refer to a row that is not there.
func (s *Store) danglingReferences(ctx context.Context) ([]string, error) {
	return query(ctx, s, "foreign key problems", `SELECT "table", coalesce(rowid, 0), parent FROM pragma_foreign_key_check`, nil,
		func(r *sql.Rows, v *string) error {
			var table, parent string
			var rowid int64
			if err := r.Scan(&table, &rowid, &parent); err != nil {
				return err
			}
			*v = fmt.Sprintf("%s row %d refers to a missing %s row", table, rowid, parent)
			return nil
		})
}

// storedLists are the columns that hold a list as a JSON array of texts, by table, with the
// record's kind.
var storedLists = []struct{ table, kind, column string }{
	{"clients", "client", "concerns"}, {"clients", "client", "allergies"},
	{"sessions", "session", "concerns"}, {"sessions", "session", "aftercare"},
}

// damagedLists lists the records one of whose stored lists is not a JSON array of texts, which
// nothing in Needlelog can read.
func (s *Store) damagedLists(ctx context.Context) ([]string, error) {
	var out []string
	for _, l := range storedLists {
		c := l.column
		found, err := query(ctx, s, "damaged lists", `SELECT id FROM `+l.table+` WHERE `+c+` IS NOT NULL AND
			CASE WHEN json_valid(`+c+`) AND json_type(`+c+`) = 'array'
				THEN EXISTS (SELECT 1 FROM json_each(`+c+`) WHERE type <> 'text') ELSE 1 END ORDER BY id`, nil,
			func(r *sql.Rows, v *string) error {
				var id string
				if err := r.Scan(&id); err != nil {
					return err
				}
				*v = (&data.DamagedRecordError{Kind: l.kind, ID: id, Field: c}).What() + "; restore a backup from before it"
				return nil
			})
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// hasPhotoLibrary says whether the file's photos can be kept in the photo library: false for a
// file of a schema before it (6 and earlier), not yet upgraded, whose photos are all in the database.
func (s *Store) hasPhotoLibrary(ctx context.Context) (bool, error) {
	var lib bool
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM pragma_table_info('photos') WHERE name = 'preview_sha256'`).Scan(&lib); err != nil {
		return false, fmt.Errorf("read the photos' columns: %w", mapError(err))
	}
	return lib, nil
}

// query runs a list query on the store and scans each row with scan.
func query[T any](ctx context.Context, s *Store, what, q string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	return sqlstore.QueryOn(ctx, s.db, what, q, args, scan)
}
