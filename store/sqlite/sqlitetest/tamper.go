package sqlitetest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/store/sqlite"
)

// RawExec changes a database file behind the store's back, as another program or a damaged copy
// would.
func RawExec(tb testing.TB, path string, stmts ...string) {
	tb.Helper()
	db := OpenRaw(tb, path)
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
}

// Tamper is RawExec past the practice's own guards: the triggers that refuse changes to signed
// records and the audit log are dropped first and made again after, as someone editing the file
// by hand would do.
func Tamper(tb testing.TB, path string, stmts ...string) {
	tb.Helper()
	db := OpenRaw(tb, path)
	defer db.Close()
	rows, err := db.Query(`SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%RAISE(ABORT%'`)
	if err != nil {
		tb.Fatal(err)
	}
	var drops, creates []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			tb.Fatal(err)
		}
		drops, creates = append(drops, `DROP TRIGGER "`+name+`"`), append(creates, def)
	}
	rows.Close()
	for _, q := range append(append(drops, stmts...), creates...) {
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
}

// OpenRaw opens a practice file with database/sql alone, past the store and its checks; close it.
func OpenRaw(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

// NewerVersion is a schema version above the one this build knows: a file written by a later
// Needlelog.
func NewerVersion() int { return sqlite.SchemaVersion() + 1 }

// MarkNewer marks the practice file at path as written by a later version of the app.
func MarkNewer(tb testing.TB, path string) {
	tb.Helper()
	RawExec(tb, path, fmt.Sprintf("PRAGMA user_version = %d", NewerVersion()))
}

// NewerSchema creates a practice file in the test's temporary folder, marked as written by a
// later version of the app, and returns its path.
func NewerSchema(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "newer.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		tb.Fatalf("open new database: %v", err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	MarkNewer(tb, path)
	return path
}
