package sqlite

import (
	"context"
	"fmt"
	"strings"

	sqlite3 "modernc.org/sqlite/lib"
	"needlelog.app/needlelog/data"
)

// CheckBackupFile opens a backup read-only, refusing files that are not Needlelog's or are newer
// than this version, runs SQLite's integrity check on it, and returns its schema version.
func CheckBackupFile(ctx context.Context, path string) (int, error) {
	c, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var version int
	if err := c.db.QueryRowContext(ctx, `SELECT user_version FROM pragma_user_version`).Scan(&version); err != nil {
		return 0, fmt.Errorf("read schema version: %w", mapError(err))
	}
	// Check is not used here: it reports an older schema as a problem, and an older backup is
	// fine to restore.
	rows, err := c.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return 0, fmt.Errorf("integrity check: %w", damaged(ctx, err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return 0, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("integrity check: %w", damaged(ctx, err))
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], fmt.Sprintf("and %d more", len(problems)-5))
		}
		return 0, fmt.Errorf("%w: %s", data.ErrDamaged, strings.Join(problems, "; "))
	}
	return version, nil
}

// damaged maps the errors SQLite gives when reading a damaged file to ErrDamaged.
func damaged(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if code := sqliteCode(err); code == sqlite3.SQLITE_CORRUPT || code == sqlite3.SQLITE_NOTADB {
		return fmt.Errorf("%w: %v", data.ErrDamaged, err)
	}
	return mapError(err)
}
