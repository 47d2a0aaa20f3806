package sqlstore

import (
	"encoding/json"
	"fmt"
	"slices"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/transfer"
)

// Chain takes in a line of the audit chains: this device's own must be the one it holds; another
// device's is added where this copy's copy of it ends, and must follow it link by link.
func (a *applier) Chain(l *transfer.ChainLine) error {
	b := a.b
	if l.Device == a.st.device {
		if l.Entry == nil {
			return nil
		}
		var hash string
		err := b.tx.QueryRowContext(b.ctx, `SELECT hash FROM audit_log WHERE seq = ?`, l.Entry.Seq).Scan(&hash)
		if err != nil && !isNoRows(err) {
			return fmt.Errorf("read the audit log: %w", mapError(err))
		}
		if hash != l.Entry.Hash {
			return fmt.Errorf("the bundle's copy of this computer's own audit log differs from it at entry %d: one of them was altered; nothing was changed", l.Entry.Seq)
		}
		return nil
	}
	if k := l.Key; k != nil {
		var public string
		var retired int64
		err := b.tx.QueryRowContext(b.ctx, `SELECT public_key, retired_seq FROM peer_keys WHERE device_id = ? AND id = ?`, l.Device, k.ID).Scan(&public, &retired)
		switch {
		case isNoRows(err):
			_, err = b.exec(`INSERT INTO peer_keys (device_id, id, practitioner_id, public_key, created_seq, retired_seq) VALUES (?, ?, ?, ?, ?, ?)`,
				l.Device, k.ID, k.PractitionerID, k.Public, k.CreatedSeq, k.RetiredSeq)
			if err != nil {
				return fmt.Errorf("keep a signing key of device %s: %w", l.Device, err)
			}
		case err != nil:
			return fmt.Errorf("read the signing keys of device %s: %w", l.Device, mapError(err))
		case public != k.Public:
			return fmt.Errorf("the bundle gives device %s's signing key %s another public half than this copy holds: one of them was altered; nothing was changed", l.Device, k.ID)
		case retired == 0 && k.RetiredSeq != 0:
			if _, err := b.exec(`UPDATE peer_keys SET retired_seq = ? WHERE device_id = ? AND id = ?`, k.RetiredSeq, l.Device, k.ID); err != nil {
				return fmt.Errorf("keep a signing key of device %s: %w", l.Device, err)
			}
		}
		return nil
	}
	e := l.Entry
	head, ok := a.chainHeads[l.Device]
	if !ok {
		err := b.tx.QueryRowContext(b.ctx, `SELECT seq, hash FROM peer_audit_log WHERE device_id = ? ORDER BY seq DESC LIMIT 1`, l.Device).Scan(&head.Seq, &head.Hash)
		if err != nil && !isNoRows(err) {
			return fmt.Errorf("read the audit chain of device %s: %w", l.Device, mapError(err))
		}
		if head.Seq == 0 {
			head.Hash = data.GenesisHash
		}
	}
	if e.Seq <= head.Seq {
		var hash string
		if err := b.tx.QueryRowContext(b.ctx, `SELECT hash FROM peer_audit_log WHERE device_id = ? AND seq = ?`, l.Device, e.Seq).Scan(&hash); err != nil {
			return fmt.Errorf("read the audit chain of device %s: %w", l.Device, mapError(err))
		}
		if hash != e.Hash {
			return fmt.Errorf("the bundle's copy of device %s's audit chain differs at entry %d from the one this copy holds: one of them was altered; nothing was changed", cmpOr(a.nameOf(l.Device), l.Device), e.Seq)
		}
		return nil
	}
	if e.Seq != head.Seq+1 || e.PrevHash != head.Hash {
		return fmt.Errorf("the bundle's copy of device %s's audit chain does not follow on from entry %d, the last this copy holds: entries are missing or were altered; nothing was changed", cmpOr(a.nameOf(l.Device), l.Device), head.Seq)
	}
	_, err := b.exec(`INSERT INTO peer_audit_log (device_id, seq, at, practitioner_id, action, entity, entity_id, detail, prev_hash, hash, key_id, signature)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.Device, e.Seq, e.At, e.PractitionerID, e.Action, e.Entity, e.EntityID, e.Detail,
		e.PrevHash, e.Hash, e.KeyID, e.Signature)
	if err != nil {
		return fmt.Errorf("keep the audit chain of device %s: %w", l.Device, err)
	}
	a.chainHeads[l.Device] = data.AuditMark{Seq: e.Seq, Hash: e.Hash}
	a.st.knows.Chains[l.Device] = max(a.st.knows.Chains[l.Device], e.Seq)
	a.res.Lines++
	return nil
}

func (a *applier) nameOf(device string) string {
	if a.h != nil && device == a.h.Device {
		return a.h.DeviceName
	}
	return ""
}

// finish records the import: the conflicts, the entry in this device's audit chain naming the
// bundle and the sender's head, and what the sender held, for the next bundle made for it.
func (a *applier) finish() error {
	b := a.b
	var n int
	if err := b.tx.QueryRowContext(b.ctx, `SELECT count(*) FROM audit_log WHERE action = ? AND entity = 'bundle' AND entity_id = ?`,
		data.ActionImport, a.res.Sum).Scan(&n); err != nil {
		return fmt.Errorf("read the audit log: %w", mapError(err))
	}
	if n > 0 {
		return errAlreadyApplied
	}
	if want := a.h.Head; want.Seq > 0 {
		if held, ok := a.chainHeads[a.h.Device]; !ok || held.Seq < want.Seq {
			var hash string
			err := b.tx.QueryRowContext(b.ctx, `SELECT hash FROM peer_audit_log WHERE device_id = ? AND seq = ?`, a.h.Device, want.Seq).Scan(&hash)
			if err != nil || hash != want.Hash {
				return a.damaged("it names entry %d of its device's audit chain, which it does not carry", want.Seq)
			}
		} else if held.Seq == want.Seq && held.Hash != want.Hash {
			return a.damaged("its device's audit chain does not end where its header says")
		}
	}
	now := data.TimeText(b.store.now())
	for i := range a.conflicts {
		c := &a.conflicts[i]
		c.Bundle, c.FoundAt = a.res.Sum, now
		res, err := b.exec(`INSERT INTO transfer_conflicts (id, entity, entity_id, client_id, field, ours, theirs, kept, device_id, device_name, bundle, found_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			c.ID, c.Entity, c.EntityID, c.ClientID, c.Field, c.Ours, c.Theirs, c.Kept, c.Device, c.DeviceName, c.Bundle, c.FoundAt)
		if err != nil {
			return fmt.Errorf("keep a conflict: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 1 {
			a.res.Conflicts = append(a.res.Conflicts, *c)
		}
	}
	detail := fmt.Sprintf("from %s; name %s; head %d %s; records %d; conflicts %d", a.h.Device, a.h.DeviceName, a.h.Head.Seq, a.h.Head.Hash,
		a.res.Records, len(a.res.Conflicts))
	if err := b.audit(data.ActionImport, "bundle", a.res.Sum, detail); err != nil {
		return err
	}
	knows, _ := json.Marshal(a.theirs)
	if _, err := b.exec(`INSERT INTO transfer_peers (device_id, name, knows, last_bundle, last_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, knows = excluded.knows, last_bundle = excluded.last_bundle, last_at = excluded.last_at`,
		a.h.Device, a.h.DeviceName, string(knows), a.res.Sum, now); err != nil {
		return fmt.Errorf("note the other copy: %w", err)
	}
	a.st.knows.merge(a.theirs)
	return a.st.save()
}

// unsignedGivesWay keeps, as conflicts, what this copy changed in a session it holds unsigned
// that the other copy signed without having seen those changes.
func (a *applier) unsignedGivesWay(id string, sb *signedBody) error {
	e, _ := transferEntityNamed("session")
	rc, err := a.st.clockOf("session", id)
	if err != nil {
		return err
	}
	var ours *recordValues
	if err := a.b.scanRecords(e, "id = ?", []any{id}, func(rv *recordValues) error { ours = rv; return nil }); err != nil || ours == nil {
		return err
	}
	theirs := map[string]any{}
	for _, f := range e.fields {
		theirs[f] = sb.Session[f]
	}
	for _, ch := range e.children {
		rows := map[string][]map[string]any{"zones": sb.Zones, "products": sb.Products, "overrides": sb.Overrides}[ch.field]
		list := make([]map[string]any, 0, len(rows))
		for _, r := range rows {
			m := map[string]any{}
			for _, c := range ch.columns {
				m[c] = r[c]
			}
			list = append(list, m)
		}
		theirs[ch.field] = list
	}
	names := make([]string, 0, len(ours.fields))
	for f := range ours.fields {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		fc, ok := rc.fields[f]
		if !ok || a.theirs.Clocks.Knows(transfer.Clock(fc[1])) || digestOf(ours.fields[f]) == digestOf(theirs[f]) {
			continue
		}
		if err := a.conflict("session", id, clientOf(sb.Session), f, ours.fields[f], theirs[f], "theirs"); err != nil {
			return err
		}
	}
	return nil
}
