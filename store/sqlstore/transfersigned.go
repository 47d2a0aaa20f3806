package sqlstore

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"needlelog.app/needlelog/data"
)

// A signed session travels whole: its record as it stands, its parts, the side effects sealed
// with it, and its amendments in order, each with the record it was made from. It is written as
// the application writes one (unsigned, then signed, then amended one by one), so that every
// trigger that guards signed records holds.

type signedBody struct {
	Session     map[string]any    `json:"session"`
	Zones       []map[string]any  `json:"zones"`
	Products    []map[string]any  `json:"products"`
	Overrides   []map[string]any  `json:"overrides"`
	SideEffects []map[string]any  `json:"side_effects"` // the sealed ones
	Amendments  []signedAmendment `json:"amendments"`
}

type signedAmendment struct {
	Amendment map[string]any `json:"amendment"`
	Record    map[string]any `json:"record"`
}

// signedHash is the hash the session was signed with, before any amendment.
func (sb *signedBody) signedHash() string {
	if len(sb.Amendments) > 0 {
		s, _ := sb.Amendments[0].Record["prev_hash"].(string)
		return s
	}
	s, _ := sb.Session["record_hash"].(string)
	return s
}

// amendmentHashes are the record hashes the amendments made, in order.
func (sb *signedBody) amendmentHashes() []string {
	out := make([]string, len(sb.Amendments))
	for i, a := range sb.Amendments {
		out[i], _ = a.Record["record_hash"].(string)
	}
	return out
}

// rowsAsMaps reads rows as column → value.
func (b *Batch) rowsAsMaps(q string, args ...any) ([]map[string]any, error) {
	rows, err := b.q().QueryContext(b.ctx, q, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, mapError(err)
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			if !derivedColumns["sessions."+c] {
				m[c] = jsonValue(vals[i])
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (b *Batch) readSignedBody(id string) (*signedBody, error) {
	bodies, err := b.readSignedBodies([]string{id})
	if err != nil {
		return nil, err
	}
	sb, ok := bodies[id]
	if !ok {
		return nil, fmt.Errorf("read signed session %s: %w", id, data.ErrNotFound)
	}
	return sb, nil
}

// readSignedBodies reads signed sessions whole, by ID, a few statements for them all.
func (b *Batch) readSignedBodies(ids []string) (map[string]*signedBody, error) {
	out := make(map[string]*signedBody, len(ids))
	in := `IN (` + placeholders(len(ids)) + `)`
	args := anys(ids)
	rows, err := b.rowsAsMaps(`SELECT * FROM sessions WHERE id `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("read signed sessions: %w", err)
	}
	for _, r := range rows {
		id, _ := r["id"].(string)
		out[id] = &signedBody{Session: r}
	}
	for _, part := range []struct {
		query string
		add   func(sb *signedBody, r map[string]any)
	}{
		{`SELECT * FROM session_zones WHERE session_id ` + in + ` ORDER BY session_id, position, id`,
			func(sb *signedBody, r map[string]any) { sb.Zones = append(sb.Zones, r) }},
		{`SELECT * FROM session_products WHERE session_id ` + in + ` ORDER BY session_id, position, id`,
			func(sb *signedBody, r map[string]any) { sb.Products = append(sb.Products, r) }},
		{`SELECT * FROM session_overrides WHERE session_id ` + in + ` ORDER BY session_id, at, id`,
			func(sb *signedBody, r map[string]any) { sb.Overrides = append(sb.Overrides, r) }},
		{`SELECT e.* FROM side_effects e JOIN sealed_side_effects x ON x.side_effect_id = e.id WHERE e.session_id ` + in + ` ORDER BY e.session_id, e.id`,
			func(sb *signedBody, r map[string]any) { sb.SideEffects = append(sb.SideEffects, r) }},
	} {
		rows, err := b.rowsAsMaps(part.query, args...)
		if err != nil {
			return nil, fmt.Errorf("read signed sessions: %w", err)
		}
		for _, r := range rows {
			if sb := out[fmt.Sprint(r["session_id"])]; sb != nil {
				part.add(sb, r)
			}
		}
	}
	recs, err := b.rowsAsMaps(`SELECT * FROM amendment_records WHERE session_id `+in+` ORDER BY session_id, n`, args...)
	if err != nil {
		return nil, fmt.Errorf("read the amendments of signed sessions: %w", err)
	}
	if len(recs) > 0 {
		aids := make([]string, len(recs))
		for i, r := range recs {
			aids[i] = fmt.Sprint(r["amendment_id"])
		}
		ams, err := b.rowsAsMaps(`SELECT * FROM session_amendments WHERE id IN (`+placeholders(len(aids))+`)`, anys(aids)...)
		if err != nil {
			return nil, fmt.Errorf("read the amendments of signed sessions: %w", err)
		}
		byID := make(map[string]map[string]any, len(ams))
		for _, am := range ams {
			byID[fmt.Sprint(am["id"])] = am
		}
		for _, r := range recs {
			am := byID[fmt.Sprint(r["amendment_id"])]
			sb := out[fmt.Sprint(r["session_id"])]
			if am == nil || sb == nil {
				return nil, fmt.Errorf("read the amendments of session %v: amendment %v is missing", r["session_id"], r["amendment_id"])
			}
			sb.Amendments = append(sb.Amendments, signedAmendment{Amendment: am, Record: r})
		}
	}
	return out, nil
}

// insertRow writes one row of table from a bundle's map, refusing columns the table lacks.
func (a *applier) insertRow(table string, m map[string]any, conflictDoNothing bool) error {
	cols, err := a.columns(table)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(m))
	for c := range m {
		if !slices.Contains(cols, c) {
			return a.damaged("a %s row names a column %q that this practice does not have", table, c)
		}
		if derivedColumns[table+"."+c] || (table == "clients" && c == "num") {
			continue
		}
		names = append(names, c)
	}
	slices.Sort(names)
	args := make([]any, len(names))
	for i, c := range names {
		args[i] = a.arg(m[c])
	}
	q := `INSERT INTO ` + table + ` (` + quoteList(names) + `) VALUES (` + placeholders(len(names)) + `)`
	if conflictDoNothing {
		q += ` ON CONFLICT DO NOTHING`
	}
	if _, err := a.b.exec(q, args...); err != nil {
		return fmt.Errorf("write %s: %w", table, err)
	}
	return nil
}

// updateRow sets columns of one row of table.
func (a *applier) updateRow(table, keyCol, key string, m map[string]any) error {
	if len(m) == 0 {
		return nil
	}
	cols, err := a.columns(table)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(m))
	for c := range m {
		if !slices.Contains(cols, c) {
			return a.damaged("a %s row names a column %q that this practice does not have", table, c)
		}
		if c == keyCol || derivedColumns[table+"."+c] || (table == "clients" && c == "num") {
			continue
		}
		names = append(names, c)
	}
	slices.Sort(names)
	set := make([]string, len(names))
	args := make([]any, 0, len(names)+1)
	for i, c := range names {
		set[i] = quoteIdent(c) + ` = ?`
		args = append(args, a.arg(m[c]))
	}
	args = append(args, key)
	if _, err := a.b.exec(`UPDATE `+table+` SET `+strings.Join(set, ", ")+` WHERE `+keyCol+` = ?`, args...); err != nil {
		return fmt.Errorf("write %s: %w", table, err)
	}
	return nil
}

// applySigned brings a signed session that arrived whole into this copy.
func (a *applier) applySigned(id string, sb *signedBody) error {
	if sid, _ := sb.Session["id"].(string); sid != id {
		return a.damaged("signed session %s carries the record of another", id)
	}
	b := a.b
	var status, recordHash string
	err := b.tx.QueryRowContext(b.ctx, `SELECT status, record_hash FROM sessions WHERE id = ?`, id).Scan(&status, &recordHash)
	exists := err == nil
	if err != nil && !isNoRows(err) {
		return fmt.Errorf("read session %s: %w", id, mapError(err))
	}
	if exists && status == "signed" {
		ours, err := b.readSignedBody(id)
		if err != nil {
			return err
		}
		if ours.signedHash() != sb.signedHash() {
			return a.conflict("session", id, clientOf(sb.Session), "signed record", ours.signedHash(), sb.signedHash(), "ours")
		}
		oh, th := ours.amendmentHashes(), sb.amendmentHashes()
		switch {
		case len(th) <= len(oh) && slices.Equal(oh[:len(th)], th):
			return nil // nothing here is new
		case slices.Equal(th[:len(oh)], oh) && len(th) > len(oh):
			return a.amendSigned(id, sb, len(oh), true)
		default:
			// Amended on both sides: this copy's amendments stand; theirs are kept to be seen.
			var theirs []signedAmendment
			for _, am := range sb.Amendments {
				if h, _ := am.Record["record_hash"].(string); !slices.Contains(oh, h) {
					theirs = append(theirs, am)
				}
			}
			return a.conflict("session", id, clientOf(sb.Session), "amendment", amendmentSummary(ours.Amendments), amendmentSummary(theirs), "both")
		}
	}
	if exists {
		// Unsigned here, signed there: the signed record stands; what was changed here since is
		// kept in the conflicts.
		if err := a.unsignedGivesWay(id, sb); err != nil {
			return err
		}
		row := copyRow(sb.Session)
		row["status"], row["record_hash"] = "draft", sb.signedHash()
		if err := a.updateRow("sessions", "id", id, row); err != nil {
			return err
		}
	} else {
		if c, err := a.missingParent(transferEntity{name: "session"}, map[string]any{"client_id": sb.Session["client_id"]}); err != nil {
			return err
		} else if c != "" {
			// Its client was deleted here: the signed session stays on the copy that signed it,
			// and its absence here is seen.
			return a.conflict("session", id, clientOf(sb.Session), "deleted", "its client is not here", "signed there", "ours")
		}
		row := copyRow(sb.Session)
		row["status"], row["record_hash"] = "draft", sb.signedHash()
		if err := a.insertRow("sessions", row, false); err != nil {
			return err
		}
	}
	if !exists {
		a.res.Created++
		a.res.CreatedBy["session"]++
	}
	if err := a.writeParts(id, sb, exists); err != nil {
		return err
	}
	for _, e := range sb.SideEffects {
		if e["session_id"] != id {
			return a.damaged("a side effect of signed session %s names another session", id)
		}
		eid, _ := e["id"].(string)
		var n int
		if err := b.tx.QueryRowContext(b.ctx, `SELECT count(*) FROM side_effects WHERE id = ?`, eid).Scan(&n); err != nil {
			return mapError(err)
		}
		if n == 0 {
			err = a.insertRow("side_effects", e, false)
		} else {
			err = a.updateRow("side_effects", "id", eid, e)
		}
		if err != nil {
			return err
		}
		if _, err := b.exec(`INSERT INTO sealed_side_effects (side_effect_id) VALUES (?) ON CONFLICT DO NOTHING`, eid); err != nil {
			return fmt.Errorf("seal side effect %s: %w", eid, err)
		}
	}
	if _, err := b.exec(`UPDATE sessions SET status = 'signed' WHERE id = ?`, id); err != nil {
		return fmt.Errorf("sign session %s: %w", id, err)
	}
	a.res.Signed++
	return a.amendSigned(id, sb, 0, false)
}

// writeParts writes a signed session's zones, products and overrides as its record holds them,
// in place of those it had (replace).
func (a *applier) writeParts(id string, sb *signedBody, replace bool) error {
	for _, part := range []struct {
		table string
		rows  []map[string]any
	}{{"session_zones", sb.Zones}, {"session_products", sb.Products}, {"session_overrides", sb.Overrides}} {
		if replace {
			if _, err := a.b.exec(`DELETE FROM `+part.table+` WHERE session_id = ?`, id); err != nil {
				return fmt.Errorf("write session %s: %w", id, err)
			}
		}
		for _, r := range part.rows {
			if r["session_id"] != id {
				return a.damaged("a part of signed session %s names another session", id)
			}
			if err := a.insertRow(part.table, r, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// amendSigned applies the session's amendments from the from-th on, one by one. A session signed
// here before (rewrite) is brought to its state after the last as the amendments go in; one just
// written went in as it stands already.
func (a *applier) amendSigned(id string, sb *signedBody, from int, rewrite bool) error {
	for i, am := range sb.Amendments[from:] {
		if am.Amendment["session_id"] != id || am.Record["session_id"] != id {
			return a.damaged("an amendment of session %s names another session", id)
		}
		if err := a.insertRow("session_amendments", am.Amendment, false); err != nil {
			return err
		}
		if err := a.insertRow("amendment_records", am.Record, false); err != nil {
			return err
		}
		if rewrite && i == 0 {
			// Amended there since it came: its parts are rewritten while the amendment is pending.
			if err := a.writeParts(id, sb, true); err != nil {
				return err
			}
			// Sealed side effects an amendment corrected take their corrected kind and severity.
			for _, e := range sb.SideEffects {
				if e["session_id"] != id {
					return a.damaged("a side effect of signed session %s names another session", id)
				}
				eid, _ := e["id"].(string)
				if err := a.updateRow("side_effects", "id", eid, e); err != nil {
					return err
				}
			}
		}
		row := map[string]any{"record_hash": am.Record["record_hash"]}
		if rewrite && from+i == len(sb.Amendments)-1 {
			// The record takes its latest state in the statement that moves its hash, as the
			// triggers ask of an amendment.
			row = copyRow(sb.Session)
			delete(row, "status")
		}
		if err := a.updateRow("sessions", "id", id, row); err != nil {
			return err
		}
		a.res.Amended++
	}
	return nil
}

func copyRow(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func clientOf(m map[string]any) string { s, _ := m["client_id"].(string); return s }

// amendmentSummary says amendments for the conflicts: when, by whom, why, and what changed.
func amendmentSummary(list []signedAmendment) string {
	type one struct {
		At      any             `json:"at"`
		By      any             `json:"by"`
		Reason  any             `json:"reason"`
		Changes json.RawMessage `json:"changes"`
	}
	out := make([]one, 0, len(list))
	for _, am := range list {
		ch, _ := am.Amendment["changes"].(string)
		if !json.Valid([]byte(ch)) {
			ch = `[]`
		}
		out = append(out, one{At: am.Amendment["at"], By: am.Amendment["practitioner_id"], Reason: am.Amendment["reason"], Changes: json.RawMessage(ch)})
	}
	b, _ := json.Marshal(out)
	return string(b)
}
