package sqlstore_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/store/sqlstore"
)

// TestTransferSpecsNameEveryColumn holds the transfer's list of what it carries to the schema:
// every table is either a kind of record, a record's children, carried whole, or a copy's own,
// and every column of a record's table is named once, so a column added later cannot be left
// behind by bundles unnoticed.
func TestTransferSpecsNameEveryColumn(t *testing.T) {
	s, _ := sqlitetest.OpenStore(t)
	named := sqlstore.TransferColumns()
	err := s.ReadSnapshot(context.Background(), func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'clients\_fts%' ESCAPE '\'`)
		if err != nil {
			return err
		}
		var tables []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			tables = append(tables, n)
		}
		rows.Close()
		for _, table := range tables {
			want, ok := named[table]
			if !ok {
				t.Errorf("table %s: bundles say nothing of it", table)
				continue
			}
			if want == nil {
				continue
			}
			r, err := tx.Query(`SELECT * FROM ` + table + ` LIMIT 0`)
			if err != nil {
				return err
			}
			cols, _ := r.Columns()
			r.Close()
			for _, c := range cols {
				if n := count(want, c); n != 1 {
					t.Errorf("%s.%s is named %d times by bundles", table, c, n)
				}
			}
			for _, c := range want {
				if !slices.Contains(cols, c) && c != "search_text" {
					t.Errorf("bundles name %s.%s, which the table does not have", table, c)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
