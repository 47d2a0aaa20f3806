package sqlstore

import (
	"context"
	"fmt"
)

// countedTable is a table a check counts, and the schema version (the same on either engine)
// whose migration made it.
type countedTable struct {
	name  string
	since int
}

// countedTables are the tables a check reports, in the order it reports them, on either engine.
var countedTables = []countedTable{{"clients", 1}, {"sessions", 1}, {"session_zones", 1}, {"session_products", 1},
	{"side_effects", 1}, {"photos", 1}, {"practitioners", 1}, {"devices", 1}, {"products", 1}, {"audit_log", 1},
	{"outcome_assessments", 8}}

// CountedTables lists the tables Counts counts, in report order.
func CountedTables() []string {
	names := make([]string, len(countedTables))
	for i, t := range countedTables {
		names[i] = t.name
	}
	return names
}

// CountRows gives the number of rows in each of CountedTables, read through q (a snapshot's
// transaction, or the database) of a database at schema version. A table that version is older
// than counts none: an older file, which check reads as it is, holds no such records (opening it
// in Needlelog makes the table).
func CountRows(ctx context.Context, q Querier, version int) (map[string]int64, error) {
	counts := make(map[string]int64, len(countedTables))
	for _, t := range countedTables {
		var n int64
		if version >= t.since {
			if err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&n); err != nil {
				return nil, fmt.Errorf("count %s: %w", t.name, mapError(err))
			}
		}
		counts[t.name] = n
	}
	return counts, nil
}
