package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
)

// InsightFacts reads the period's sessions with one query, then the lists' names, the clients'
// Fitzpatrick types, every client's session times (from the sessions_client index alone) and the
// zones, products and side effects each in one plain pass over its table, joining them here by
// session ID. Measured on a 100,000-session practice, a pass over a whole table reads its pages
// once, in order, where a lookup per session reads them again and again: a year's insights took
// seconds that way. All in one read transaction on a connection of its own, so the reads agree
// and no save waits. What is held is one compact Fact per session of the period, names shared.
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

	r := factReader{ctx: ctx, tx: tx, names: map[string]string{}}
	// The period by stored start times: the practice's days as UTC instants, fixed-width text
	// that sorts as the instants do.
	where, args := "1 = 1", []any{}
	if !q.From.IsZero() {
		where += ` AND started_at >= ?`
		args = append(args, data.TimeText(q.From.Start()))
	}
	if !q.To.IsZero() {
		where += ` AND started_at < ?`
		args = append(args, data.TimeText(q.To.AddDays(1).Start()))
	}
	if q.PractitionerID != "" {
		where += ` AND practitioner_id = ?`
		args = append(args, q.PractitionerID)
	}
	table, err := r.hasFactTable(s)
	if err != nil {
		return fmt.Errorf("insights: %w", err)
	}
	if table {
		// One row a session, in the order they started: the lists first, to name what it holds.
		err := r.readLists()
		if err == nil {
			err = r.fromTable(where, args)
		}
		switch {
		case errors.Is(err, errDamagedFact):
			// Derived rows are no record: the records themselves give the same figures.
			slog.Warn("insights: the figures kept are damaged; reading the records", "err", err)
			r = factReader{ctx: ctx, tx: tx, names: map[string]string{}}
		case err != nil:
			return fmt.Errorf("insights: read the sessions' figures: %w", err)
		case len(r.facts) == 0:
			return nil
		default:
			return r.give(fn)
		}
	}
	if err := r.sessions(where, args); err != nil {
		return fmt.Errorf("insights: read sessions: %w", err)
	}
	if len(r.facts) == 0 {
		return nil
	}
	// A pass over a whole child table ships every row here; for a period holding a small share
	// of the practice, the rows of its sessions alone are fewer to read (a month of a
	// 100,000-session practice: 0.06 s in SQLite against seconds of rows through the driver).
	var all int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sessions`).Scan(&all); err != nil {
		return fmt.Errorf("insights: count sessions: %w", mapError(err))
	}
	if len(r.facts)*4 < all {
		r.only, r.onlyArgs = ` WHERE session_id IN (SELECT id FROM sessions WHERE `+where+`)`, args
		r.onlyClients = ` IN (SELECT client_id FROM sessions WHERE ` + where + `)`
	}
	for _, step := range []struct {
		what string
		read func() error
	}{
		{"the lists", r.readLists}, {"names", r.nameRefs}, {"clients", r.clients}, {"clients' sessions", r.history},
		{"zones", r.zones}, {"products", r.products}, {"side effects", r.sideEffects}, {"results", r.results},
	} {
		if err := step.read(); err != nil {
			return fmt.Errorf("insights: read %s: %w", step.what, err)
		}
	}
	return r.give(fn)
}

// give calls fn with each fact read.
func (r *factReader) give(fn func(*insights.Fact) error) error {
	for i := range r.facts {
		if err := fn(&r.facts[i]); err != nil {
			return err
		}
	}
	return nil
}

// factReader gathers the facts of one InsightFacts call.
type factReader struct {
	ctx      context.Context
	tx       *sql.Tx
	only     string // the condition choosing the period's rows of a child table, "" for all
	onlyArgs []any
	// onlyClients follows a client's ID to choose the period's clients (with onlyArgs), "" for all.
	onlyClients string
	facts       []insights.Fact
	byID        map[string]int               // session → index in facts
	ids         []sessionRefs                // beside facts: the list entries each names
	names       map[string]string            // every name read, kept once
	lists       map[string]map[string]string // table → ID → name
	expected    map[string]bool              // the kinds of side effect filed as expected
}

// sessionRefs are a session's references to the lists, resolved to names once the lists are read.
type sessionRefs struct {
	practitioner, device, cartridge, anaesthetic string
	cartridgeLot, anaestheticLot                 string
}

// name keeps one copy of each name: a year's sessions name the same few zones and products.
func (r *factReader) name(s string) string {
	if n, ok := r.names[s]; ok {
		return n
	}
	r.names[s] = s
	return s
}

func (r *factReader) sessions(where string, args []any) error {
	r.byID = map[string]int{}
	return scanAll(r.ctx, r.tx, `SELECT id, client_id, started_at, series_n, series_of, series_interval_days,
		coalesce(practitioner_id, ''), coalesce(device_id, ''), price_cents, coalesce(cartridge_id, ''), cartridge_lot,
		coalesce(anaesthetic_product_id, ''), anaesthetic_lot, concerns
		FROM sessions WHERE `+where+` ORDER BY started_at, id`, args, func(rows *sql.Rows) error {
		var f insights.Fact
		var refs sessionRefs
		var price sql.Null[int64]
		if err := rows.Scan(&f.SessionID, &f.ClientID, timeCol{&f.Started}, &f.SeriesN, &f.SeriesOf, &f.IntervalDays,
			&refs.practitioner, &refs.device, &price, &refs.cartridge, &refs.cartridgeLot, &refs.anaesthetic,
			&refs.anaestheticLot, listCol{&f.Concerns, "concerns"}); err != nil {
			return err
		}
		for i, c := range f.Concerns {
			f.Concerns[i] = r.name(c)
		}
		f.ClientID = r.name(f.ClientID) // a client's sessions share it
		f.PriceCents = data.Optional[int64]{V: price.V, Valid: price.Valid}
		r.byID[f.SessionID] = len(r.facts)
		r.facts = append(r.facts, f)
		r.ids = append(r.ids, refs)
		return nil
	})
}

// readLists reads the names of practitioners, devices, cartridges and products, and the kinds of
// side effect the practice's list files as expected.
func (r *factReader) readLists() error {
	r.lists = map[string]map[string]string{}
	for table, col := range map[string]string{"practitioners": "name", "devices": "model", "cartridges": "name", "products": "name"} {
		m := map[string]string{}
		err := scanAll(r.ctx, r.tx, `SELECT id, `+col+` FROM `+table, nil, func(rows *sql.Rows) error {
			var id, name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			m[id] = r.name(name)
			return nil
		})
		if err != nil {
			return err
		}
		r.lists[table] = m
	}
	// The kinds the practice's list files as expected, by name, as a session records its kind.
	r.expected = map[string]bool{}
	return scanAll(r.ctx, r.tx, `SELECT name FROM list_items WHERE kind = ? AND category = ?`,
		[]any{string(data.ListSideEffect), data.CategoryExpected}, func(rows *sql.Rows) error {
			var name string
			if err := rows.Scan(&name); err != nil {
				return err
			}
			r.expected[name] = true
			return nil
		})
}

// nameRefs names each session's practitioner, device and lots, once the lists are read.
func (r *factReader) nameRefs() error {
	for i := range r.facts {
		f, refs := &r.facts[i], r.ids[i]
		f.Practitioner = r.lists["practitioners"][refs.practitioner]
		f.Device = r.lists["devices"][refs.device]
		if lot := strings.TrimSpace(refs.cartridgeLot); lot != "" {
			f.Lots = append(f.Lots, insights.LotFact{Lot: r.name(lot), Item: r.lists["cartridges"][refs.cartridge]})
		}
		if lot := strings.TrimSpace(refs.anaestheticLot); lot != "" {
			f.Lots = append(f.Lots, insights.LotFact{Lot: r.name(lot), Item: r.lists["products"][refs.anaesthetic]})
		}
	}
	r.ids = nil
	return nil
}

func (r *factReader) clients() error {
	fitz := map[string]int{}
	for i := range r.facts {
		fitz[r.facts[i].ClientID] = 0
	}
	query, args := `SELECT id, fitzpatrick FROM clients`, []any(nil)
	if r.onlyClients != "" {
		query, args = query+` WHERE id`+r.onlyClients, r.onlyArgs
	}
	err := scanAll(r.ctx, r.tx, query, args, func(rows *sql.Rows) error {
		var id string
		var t int
		if err := rows.Scan(&id, &t); err != nil {
			return err
		}
		if _, ok := fitz[id]; ok {
			fitz[id] = t
		}
		return nil
	})
	for i := range r.facts {
		r.facts[i].Fitzpatrick = fitz[r.facts[i].ClientID]
	}
	return err
}

// history finds each session's client's first session ever and the session before it, from the
// start times of all the period's clients' sessions (any practitioner's, any time).
func (r *factReader) history() error {
	starts := map[string][]string{}
	for i := range r.facts {
		starts[r.facts[i].ClientID] = nil
	}
	var client sql.RawBytes
	var at string
	query, args := `SELECT client_id, started_at FROM sessions`, []any(nil)
	if r.onlyClients != "" {
		query, args = query+` WHERE client_id`+r.onlyClients, r.onlyArgs
	}
	err := scanAll(r.ctx, r.tx, query, args, func(rows *sql.Rows) error {
		if err := rows.Scan(&client, &at); err != nil {
			return err
		}
		if list, ok := starts[string(client)]; ok {
			starts[string(client)] = append(list, at)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, list := range starts {
		slices.Sort(list)
	}
	for i := range r.facts {
		f := &r.facts[i]
		list := starts[f.ClientID]
		at := data.TimeText(f.Started)
		if f.ClientFirst, err = data.ParseTime(list[0]); err != nil {
			return err
		}
		if j, _ := slices.BinarySearch(list, at); j > 0 {
			if f.Previous, err = data.ParseTime(list[j-1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// each reads every row of a table's query, the session's ID first, and calls add for the rows of
// the period's sessions. Text is read as raw bytes: a name is copied only the first time it is
// seen (bytesName), and IDs only to look them up, so hundreds of thousands of rows make little
// garbage.
func (r *factReader) each(query string, dest []any, add func(f *insights.Fact)) error {
	var id sql.RawBytes
	dest = append([]any{&id}, dest...)
	return scanAll(r.ctx, r.tx, query+r.only, r.onlyArgs, func(rows *sql.Rows) error {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if i, ok := r.byID[string(id)]; ok {
			add(&r.facts[i])
		}
		return nil
	})
}

// bytesName is name for text read as raw bytes.
func (r *factReader) bytesName(b []byte) string {
	if n, ok := r.names[string(b)]; ok {
		return n
	}
	return r.name(string(b))
}

func (r *factReader) zones() error {
	var zone sql.RawBytes
	var depth float64
	return r.each(`SELECT session_id, zone, depth_mm FROM session_zones`, []any{&zone, &depth},
		func(f *insights.Fact) {
			f.Zones = append(f.Zones, insights.ZoneFact{Zone: r.bytesName(zone), DepthMM: depth})
		})
}

func (r *factReader) products() error {
	var product, lot sql.RawBytes
	return r.each(`SELECT session_id, product_id, lot FROM session_products`, []any{&product, &lot},
		func(f *insights.Fact) {
			name := r.lists["products"][string(product)]
			f.Products = append(f.Products, insights.ProductFact{Product: name})
			if lot := bytes.TrimSpace(lot); len(lot) > 0 {
				f.Lots = append(f.Lots, insights.LotFact{Lot: r.bytesName(lot), Item: name})
			}
		})
}

func (r *factReader) sideEffects() error {
	var kind sql.RawBytes
	var onset, resolved data.Date
	return r.each(`SELECT session_id, kind, onset, resolved FROM side_effects`,
		[]any{&kind, dateCol{&onset}, dateCol{&resolved}},
		func(f *insights.Fact) {
			name := r.bytesName(kind)
			f.SideEffects = append(f.SideEffects, insights.SideEffectFact{Kind: name, Onset: onset, Resolved: resolved,
				Expected: r.expected[name]})
		})
}

// results notes each session's latest result. Times are stored as fixed-width text that sorts
// as the instants do, and an assessment's ID (a UUIDv7) as it was made, so the greatest of the two
// together is the latest.
func (r *factReader) results() error {
	var gais, at, id sql.RawBytes
	latest := map[*insights.Fact]string{}
	return r.each(`SELECT session_id, gais, assessed_at, id FROM outcome_assessments`, []any{&gais, &at, &id},
		func(f *insights.Fact) {
			key := string(at) + " " + string(id)
			if prev, ok := latest[f]; !ok || key > prev {
				latest[f] = key
				f.Result = data.GAIS(r.bytesName(gais))
			}
		})
}
