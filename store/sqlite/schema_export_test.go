package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
)

// AsOlderVersion makes the Needlelog file at path what a Needlelog of an older schema version left:
// it drops the tables, indexes and triggers the later migrations made, which must be all that
// differs from that version's schema, and sets the version. Tests of upgrades start from it.
func AsOlderVersion(t testing.TB, path string, version int) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// Columns later versions added to a table of this one are dropped first, the rest of the
	// differences being whole objects.
	for _, c := range addedColumns {
		if c.version <= version {
			continue
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, c.table, c.column).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			if _, err := db.Exec(`ALTER TABLE ` + c.table + ` DROP COLUMN ` + c.column); err != nil {
				t.Fatalf("drop %s.%s: %v", c.table, c.column, err)
			}
		}
	}
	diffs, err := compareSchema(ctx, db, version)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, kind := range []string{"trigger", "view", "index", "virtual table", "table"} {
		for _, d := range diffs {
			if !d.extra() {
				t.Fatalf("the file differs from version %d in more than what later versions add: %s", version, d)
			}
			if dropKind(d.got) == kind {
				if _, err := dropObject(ctx, tx, d.got); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if _, err := tx.Exec("PRAGMA user_version = " + strconv.Itoa(version)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// addedColumns are the columns migrations added to tables an earlier version made.
var addedColumns = []struct {
	version       int
	table, column string
}{
	{2, "photos", "version"},
	{7, "photos", "preview_sha256"},
}
