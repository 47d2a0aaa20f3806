package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"needlelog.app/needlelog/data"
)

// LotRecall returns every use of a lot in any client's session: as the session's needle
// cartridge, its topical anaesthetic or one of its products, archived clients included. The lot
// is matched whole, ignoring surrounding spaces and the case of ASCII letters (lot numbers are
// printed codes; "c-9931 " finds "C-9931"). Rows come in session order, oldest first.
func (s *Store) LotRecall(ctx context.Context, lot string) ([]data.RecallRow, error) {
	lot = strings.TrimSpace(lot)
	if err := data.RequireName("lot", "lot number", lot); err != nil {
		return nil, err
	}
	// trim() in SQL too: product lots are stored as typed. A full scan of sessions is fine for a
	// recall, which is rare, and keeps the match independent of how each lot was saved.
	// The quoted set holds a real space, tab, newline and carriage return; lower() on both sides
	// rather than SQLite's NOCASE collation, which PostgreSQL lacks (SQLite's lower() folds ASCII
	// letters only, as NOCASE does).
	const match = "lower(trim(%s, ' \t\n\r')) = lower(?)"
	const common = `c.id, c.first_name, c.last_name, c.phone, c.email, c.archived_at <> '', s.id, s.started_at,
		s.status, coalesce(s.practitioner_id, ''), coalesce(pr.name, '')`
	q := `SELECT ` + common + `, 'cartridge', coalesce(k.name, ''), '', s.cartridge_lot, s.cartridge_expiry, c.sort_key
		FROM sessions s JOIN clients c ON c.id = s.client_id
		LEFT JOIN practitioners pr ON pr.id = s.practitioner_id LEFT JOIN cartridges k ON k.id = s.cartridge_id
		WHERE ` + fmt.Sprintf(match, "s.cartridge_lot") + `
	UNION ALL
	SELECT ` + common + `, 'anaesthetic', coalesce(p.name, ''), '', s.anaesthetic_lot, '', c.sort_key
		FROM sessions s JOIN clients c ON c.id = s.client_id
		LEFT JOIN practitioners pr ON pr.id = s.practitioner_id LEFT JOIN products p ON p.id = s.anaesthetic_product_id
		WHERE ` + fmt.Sprintf(match, "s.anaesthetic_lot") + `
	UNION ALL
	SELECT ` + common + `, 'product', p.name, sp.phase, sp.lot, sp.expiry, c.sort_key
		FROM session_products sp JOIN sessions s ON s.id = sp.session_id JOIN clients c ON c.id = s.client_id
		LEFT JOIN practitioners pr ON pr.id = s.practitioner_id JOIN products p ON p.id = sp.product_id
		WHERE ` + fmt.Sprintf(match, "sp.lot") + `
	ORDER BY 8, 17, 7, 12` // session time, client, session, use
	return query(ctx, s, "sessions with lot "+lot, q, []any{lot, lot, lot},
		func(r *sql.Rows, v *data.RecallRow) error {
			var first, last, sortKey string
			err := r.Scan(&v.ClientID, &first, &last, &v.Phone, &v.Email, &v.ClientArchived, &v.SessionID,
				timeCol{&v.StartedAt}, &v.SessionStatus, &v.PractitionerID, &v.Practitioner, &v.Use, &v.Item, &v.Phase,
				&v.Lot, dateCol{&v.Expiry}, &sortKey)
			v.ClientName = data.JoinName(first, last)
			return err
		})
}
