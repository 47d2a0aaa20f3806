package data

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Health is what a check of the database file found.
type Health struct {
	SchemaVersion int
	Problems      []string         // empty when the file is sound
	Counts        map[string]int64 // rows per table
}

// countedTables are the tables a check reports, in the order it reports them.
var countedTables = []string{"clients", "sessions", "session_zones", "session_products", "side_effects",
	"photos", "practitioners", "devices", "products", "audit_log"}

// CountedTables lists the tables Check counts, in report order.
func CountedTables() []string { return append([]string(nil), countedTables...) }

// Check runs SQLite's integrity and foreign-key checks and counts the records.
func (s *Store) Check(ctx context.Context) (Health, error) {
	var h Health
	if err := s.db.QueryRowContext(ctx, `SELECT user_version FROM pragma_user_version`).Scan(&h.SchemaVersion); err != nil {
		return h, fmt.Errorf("read schema version: %w", mapError(err))
	}
	if h.SchemaVersion < SchemaVersion() {
		h.Problems = append(h.Problems, fmt.Sprintf("schema version %d is older than %d; opening the file for writing upgrades it",
			h.SchemaVersion, SchemaVersion()))
		return h, nil
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return h, fmt.Errorf("integrity check: %w", mapError(err))
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return h, err
		}
		if line != "ok" {
			h.Problems = append(h.Problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return h, fmt.Errorf("integrity check: %w", mapError(err))
	}
	rows, err = s.db.QueryContext(ctx, `SELECT "table", coalesce(rowid, 0), parent FROM pragma_foreign_key_check`)
	if err != nil {
		return h, fmt.Errorf("foreign key check: %w", mapError(err))
	}
	for rows.Next() {
		var table, parent string
		var rowid int64
		if err := rows.Scan(&table, &rowid, &parent); err != nil {
			rows.Close()
			return h, err
		}
		h.Problems = append(h.Problems, fmt.Sprintf("%s row %d refers to a missing %s row", table, rowid, parent))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return h, err
	}
	h.Counts, err = s.Counts(ctx)
	return h, err
}

// Counts returns the number of rows in each of CountedTables.
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	counts := make(map[string]int64, len(countedTables))
	for _, t := range countedTables {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, mapError(err))
		}
		counts[t] = n
	}
	return counts, nil
}

// DefaultPath is where the practice's database lives when no other is chosen: the user's local
// data folder (never a roaming profile, which syncs and corrupts SQLite files).
func DefaultPath() (string, error) {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = os.Getenv("LOCALAPPDATA")
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, "Library", "Application Support")
	default:
		dir = os.Getenv("XDG_DATA_HOME")
		if dir == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			dir = filepath.Join(home, ".local", "share")
		}
	}
	if dir == "" {
		return "", fmt.Errorf("no user data folder is known for this account")
	}
	return filepath.Join(dir, "Needlelog", "needlelog.db"), nil
}
