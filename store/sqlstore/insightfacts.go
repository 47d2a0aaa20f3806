package sqlstore

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
)

// The separators of a row of insight_facts (SQLite's migration 0009 writes them).
const (
	factField = 0x1f // between a session's fields
	factItem  = 0x1e // between a list's items
	factPart  = 0x1d // between an item's parts
)

// factFields is how many fields a row of insight_facts holds: series n, of, interval, device,
// price, cartridge, cartridge lot, anaesthetic, anaesthetic lot, concerns, zones, products, side
// effects, the client's Fitzpatrick type, the client's first session, the client's session before
// this one, the latest result.
const factFields = 17

// hasFactTable reports whether the practice keeps its sessions' figures in insight_facts: SQLite
// files since schema 9. PostgreSQL, and an older file opened to read, read the records themselves.
func (r *factReader) hasFactTable(s *Store) (bool, error) {
	if s.PostgreSQL() {
		return false, nil
	}
	var n int
	err := r.tx.QueryRowContext(r.ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'insight_facts'`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read the practice's tables: %w", mapError(err))
	}
	return n == 1, nil
}

// fromTable reads the period's sessions from insight_facts, the lists already read to name what
// they hold.
func (r *factReader) fromTable(where string, args []any) error {
	r.byID = map[string]int{}
	var session, client, started, practitioner, fact sql.RawBytes
	return scanAll(r.ctx, r.tx, `SELECT session_id, client_id, started_at, practitioner_id, fact FROM insight_facts WHERE `+
		where+` ORDER BY started_at, session_id`, args, func(rows *sql.Rows) error {
		if err := rows.Scan(&session, &client, &started, &practitioner, &fact); err != nil {
			return err
		}
		f := insights.Fact{SessionID: string(session), ClientID: r.bytesName(client),
			Practitioner: r.lists["practitioners"][string(practitioner)]}
		var err error
		if f.Started, err = data.ParseTime(string(started)); err == nil {
			err = r.decode(&f, fact)
		}
		if err != nil {
			return fmt.Errorf("session %s: %w", f.SessionID, err)
		}
		r.byID[f.SessionID] = len(r.facts)
		r.facts = append(r.facts, f)
		return nil
	})
}

// errDamagedFact is a row of insight_facts that does not read as the migration writes it.
var errDamagedFact = errors.New("the figures kept for it are damaged")

// decode fills f from a row's fact field, naming what it holds from the lists.
func (r *factReader) decode(f *insights.Fact, fact []byte) error {
	fields := bytes.Split(fact, []byte{factField})
	if len(fields) != factFields {
		return errDamagedFact
	}
	ints := make([]int, 3)
	for i := range ints {
		n, err := strconv.Atoi(string(fields[i]))
		if err != nil {
			return errDamagedFact
		}
		ints[i] = n
	}
	f.SeriesN, f.SeriesOf, f.IntervalDays = ints[0], ints[1], ints[2]
	f.Device = r.lists["devices"][string(fields[3])]
	if len(fields[4]) > 0 {
		cents, err := strconv.ParseInt(string(fields[4]), 10, 64)
		if err != nil {
			return errDamagedFact
		}
		f.PriceCents = data.Optional[int64]{V: cents, Valid: true}
	}
	if lot := bytes.TrimSpace(fields[6]); len(lot) > 0 {
		f.Lots = append(f.Lots, insights.LotFact{Lot: r.bytesName(lot), Item: r.lists["cartridges"][string(fields[5])]})
	}
	if lot := bytes.TrimSpace(fields[8]); len(lot) > 0 {
		f.Lots = append(f.Lots, insights.LotFact{Lot: r.bytesName(lot), Item: r.lists["products"][string(fields[7])]})
	}
	if c := fields[9]; len(c) > 0 && string(c) != "[]" {
		if err := json.Unmarshal(c, &f.Concerns); err != nil {
			return errDamagedFact
		}
		for i, name := range f.Concerns {
			f.Concerns[i] = r.name(name)
		}
	}
	zones, ok1 := items(fields[10], 2)
	products, ok2 := items(fields[11], 2)
	effects, ok3 := items(fields[12], 3)
	if !ok1 || !ok2 || !ok3 {
		return errDamagedFact
	}
	for _, item := range zones {
		depth, err := strconv.ParseFloat(string(item[1]), 64)
		if err != nil {
			return errDamagedFact
		}
		f.Zones = append(f.Zones, insights.ZoneFact{Zone: r.bytesName(item[0]), DepthMM: depth})
	}
	for _, item := range products {
		name := r.lists["products"][string(item[0])]
		f.Products = append(f.Products, insights.ProductFact{Product: name})
		if lot := bytes.TrimSpace(item[1]); len(lot) > 0 {
			f.Lots = append(f.Lots, insights.LotFact{Lot: r.bytesName(lot), Item: name})
		}
	}
	for _, item := range effects {
		var onset, resolved data.Date
		if err := (dateCol{&onset}).Scan(item[1]); err != nil {
			return errDamagedFact
		}
		if err := (dateCol{&resolved}).Scan(item[2]); err != nil {
			return errDamagedFact
		}
		kind := r.bytesName(item[0])
		f.SideEffects = append(f.SideEffects, insights.SideEffectFact{Kind: kind, Onset: onset, Resolved: resolved,
			Expected: r.expected[kind]})
	}
	fitz, err := strconv.Atoi(string(fields[13]))
	if err != nil {
		return errDamagedFact
	}
	f.Fitzpatrick = fitz
	if f.ClientFirst, err = data.ParseTime(string(fields[14])); err != nil {
		return errDamagedFact
	}
	if len(fields[15]) > 0 {
		if f.Previous, err = data.ParseTime(string(fields[15])); err != nil {
			return errDamagedFact
		}
	}
	f.Result = data.GAIS(r.bytesName(fields[16]))
	return nil
}

// items splits a list field into its items of n parts each; false when an item has another count.
func items(field []byte, n int) ([][][]byte, bool) {
	if len(field) == 0 {
		return nil, true
	}
	var out [][][]byte
	for _, item := range bytes.Split(field, []byte{factItem}) {
		parts := bytes.Split(item, []byte{factPart})
		if len(parts) != n {
			return nil, false
		}
		out = append(out, parts)
	}
	return out, true
}
