package sqlstore

import (
	"context"
	"fmt"
)

// countedTables are the tables a check reports, in the order it reports them, on either engine.
var countedTables = []string{"clients", "sessions", "session_zones", "session_products", "side_effects",
	"photos", "practitioners", "devices", "products", "audit_log"}

// CountedTables lists the tables Counts counts, in report order.
func CountedTables() []string { return append([]string(nil), countedTables...) }

// CountRows gives the number of rows in each of CountedTables, read through q (a snapshot's
// transaction, or the database).
func CountRows(ctx context.Context, q Querier) (map[string]int64, error) {
	counts := make(map[string]int64, len(countedTables))
	for _, t := range countedTables {
		var n int64
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, mapError(err))
		}
		counts[t] = n
	}
	return counts, nil
}
