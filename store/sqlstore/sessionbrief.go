package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
)

// briefChunk is how many IDs one query asks for: well under SQLite's and PostgreSQL's limits on
// parameters, and a figure may count a year's sessions.
const briefChunk = 500

// SessionBriefs reads the sessions of ids for a list, oldest first (then by ID); IDs of no
// session are left out, and an ID named twice is read once.
func (s *Store) SessionBriefs(ctx context.Context, ids []string) ([]store.SessionBrief, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	kinds := `coalesce((SELECT json_group_array(kind) FROM (SELECT kind FROM side_effects e
		WHERE e.session_id = s.id ORDER BY onset, id)), '[]')`
	if s.d.PostgreSQL {
		kinds = `coalesce((SELECT json_agg(kind ORDER BY onset, id)::text FROM side_effects e WHERE e.session_id = s.id), '[]')`
	}
	var out []store.SessionBrief
	for len(ids) > 0 {
		chunk := ids[:min(briefChunk, len(ids))]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		q := `SELECT s.id, s.client_id, c.first_name, c.last_name, s.started_at, coalesce(pr.name, ''),
			coalesce(dv.model, ''), ` + s.d.zonesJSON() + `,
			coalesce((SELECT max(depth_mm) FROM session_zones z WHERE z.session_id = s.id), 0), ` + kinds + `
			FROM sessions s JOIN clients c ON c.id = s.client_id
			LEFT JOIN practitioners pr ON pr.id = s.practitioner_id LEFT JOIN devices dv ON dv.id = s.device_id
			WHERE s.id IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)`
		rows, err := query(ctx, s, "sessions by ID", q, args, func(r *sql.Rows, b *store.SessionBrief) error {
			var first, last string
			err := r.Scan(&b.SessionID, &b.ClientID, &first, &last, timeCol{&b.StartedAt}, &b.Practitioner, &b.Device,
				listCol{&b.Zones, "zones"}, &b.DeepestMM, listCol{&b.SideEffects, "side effects"})
			b.ClientName = data.JoinName(first, last)
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	slices.SortFunc(out, func(a, b store.SessionBrief) int {
		if c := a.StartedAt.Compare(b.StartedAt); c != 0 {
			return c
		}
		return strings.Compare(a.SessionID, b.SessionID)
	})
	return out, nil
}
