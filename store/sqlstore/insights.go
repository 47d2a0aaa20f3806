package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
)

// insightsPage is how many sessions InsightFacts reads at a time: enough that the queries' own
// cost is small, few enough that a page's facts take a few megabytes at most.
const insightsPage = 500

// InsightFacts reads the period's sessions in pages keyed on (started_at, id), each page with its
// zones, products and side effects read by three more queries over the same key range; all in
// one read transaction on a connection of its own, so the pages agree and no save waits.
func (s *Store) InsightFacts(ctx context.Context, q insights.Query, fn func(*insights.Fact) error) error {
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return fmt.Errorf("insights: the period ends (%s) before it starts (%s)", q.To, q.From)
	}
	db, err := s.readerDB()
	if err != nil {
		return fmt.Errorf("insights: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("insights: %w", mapError(err))
	}
	defer tx.Rollback() //nolint:errcheck // read only: nothing to keep

	// The period by stored start times: the practice's days as UTC instants, fixed-width text.
	var where string
	var args []any
	if !q.From.IsZero() {
		where += ` AND s.started_at >= ?`
		args = append(args, data.TimeText(q.From.Start()))
	}
	if !q.To.IsZero() {
		where += ` AND s.started_at < ?`
		args = append(args, data.TimeText(q.To.AddDays(1).Start()))
	}
	if q.PractitionerID != "" {
		where += ` AND s.practitioner_id = ?`
		args = append(args, q.PractitionerID)
	}
	const after = ` AND (s.started_at > ? OR (s.started_at = ? AND s.id > ?))`
	const upTo = ` AND (s.started_at < ? OR (s.started_at = ? AND s.id <= ?))`

	var lastAt, lastID string
	for {
		page := make([]insights.Fact, 0, insightsPage)
		at := make([]string, 0, insightsPage)
		byID := make(map[string]*insights.Fact, insightsPage)
		pageArgs := append(append([]any{}, args...), lastAt, lastAt, lastID, insightsPage)
		err := scanAll(ctx, tx, `SELECT s.id, s.client_id, s.started_at, s.series_n, s.series_of, s.series_interval_days,
			coalesce(pr.name, ''), coalesce(d.model, ''), c.fitzpatrick, s.price_cents,
			coalesce(k.name, ''), s.cartridge_lot, coalesce(a.name, ''), s.anaesthetic_lot,
			(SELECT min(f.started_at) FROM sessions f WHERE f.client_id = s.client_id),
			coalesce((SELECT max(v.started_at) FROM sessions v WHERE v.client_id = s.client_id AND v.started_at < s.started_at), '')
			FROM sessions s JOIN clients c ON c.id = s.client_id
			LEFT JOIN practitioners pr ON pr.id = s.practitioner_id
			LEFT JOIN devices d ON d.id = s.device_id
			LEFT JOIN cartridges k ON k.id = s.cartridge_id
			LEFT JOIN products a ON a.id = s.anaesthetic_product_id
			WHERE 1 = 1`+where+after+` ORDER BY s.started_at, s.id LIMIT ?`, pageArgs, func(r *sql.Rows) error {
			var f insights.Fact
			var started, cartridge, cartridgeLot, anaesthetic, anaestheticLot string
			var price sql.Null[int64]
			if err := r.Scan(&f.SessionID, &f.ClientID, &started, &f.SeriesN, &f.SeriesOf, &f.IntervalDays,
				&f.Practitioner, &f.Device, &f.Fitzpatrick, &price, &cartridge, &cartridgeLot, &anaesthetic,
				&anaestheticLot, timeCol{&f.ClientFirst}, timeCol{&f.Previous}); err != nil {
				return err
			}
			var err error
			if f.Started, err = data.ParseTime(started); err != nil {
				return err
			}
			f.PriceCents = data.Optional[int64]{V: price.V, Valid: price.Valid}
			if cartridgeLot != "" {
				f.Lots = append(f.Lots, insights.LotFact{Lot: cartridgeLot, Item: cartridge})
			}
			if anaestheticLot != "" {
				f.Lots = append(f.Lots, insights.LotFact{Lot: anaestheticLot, Item: anaesthetic})
			}
			page = append(page, f)
			at = append(at, started)
			return nil
		})
		if err != nil {
			return fmt.Errorf("insights: read sessions: %w", mapError(err))
		}
		if len(page) == 0 {
			return nil
		}
		for i := range page {
			byID[page[i].SessionID] = &page[i]
		}
		endAt, endID := at[len(at)-1], page[len(page)-1].SessionID
		rangeArgs := append(append([]any{}, args...), lastAt, lastAt, lastID, endAt, endAt, endID)
		in := ` WHERE 1 = 1` + where + after + upTo
		err = scanAll(ctx, tx, `SELECT z.session_id, z.zone, z.depth_mm FROM session_zones z
			JOIN sessions s ON s.id = z.session_id`+in+` ORDER BY z.session_id, z.position`, rangeArgs,
			func(r *sql.Rows) error {
				var id string
				var z insights.ZoneFact
				if err := r.Scan(&id, &z.Zone, &z.DepthMM); err != nil {
					return err
				}
				if f := byID[id]; f != nil {
					f.Zones = append(f.Zones, z)
				}
				return nil
			})
		if err != nil {
			return fmt.Errorf("insights: read zones: %w", mapError(err))
		}
		err = scanAll(ctx, tx, `SELECT sp.session_id, p.name, sp.lot FROM session_products sp
			JOIN sessions s ON s.id = sp.session_id JOIN products p ON p.id = sp.product_id`+in+
			` ORDER BY sp.session_id, sp.position`, rangeArgs,
			func(r *sql.Rows) error {
				var id, name, lot string
				if err := r.Scan(&id, &name, &lot); err != nil {
					return err
				}
				if f := byID[id]; f != nil {
					f.Products = append(f.Products, insights.ProductFact{Product: name})
					if lot != "" {
						f.Lots = append(f.Lots, insights.LotFact{Lot: lot, Item: name})
					}
				}
				return nil
			})
		if err != nil {
			return fmt.Errorf("insights: read products: %w", mapError(err))
		}
		err = scanAll(ctx, tx, `SELECT e.session_id, e.kind, e.onset, e.resolved FROM side_effects e
			JOIN sessions s ON s.id = e.session_id`+in+` ORDER BY e.session_id, e.onset, e.id`, rangeArgs,
			func(r *sql.Rows) error {
				var id string
				var e insights.SideEffectFact
				if err := r.Scan(&id, &e.Kind, dateCol{&e.Onset}, dateCol{&e.Resolved}); err != nil {
					return err
				}
				if f := byID[id]; f != nil {
					f.SideEffects = append(f.SideEffects, e)
				}
				return nil
			})
		if err != nil {
			return fmt.Errorf("insights: read side effects: %w", mapError(err))
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		if len(page) < insightsPage {
			return nil
		}
		lastAt, lastID = endAt, endID
	}
}
