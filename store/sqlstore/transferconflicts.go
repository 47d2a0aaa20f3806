package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"needlelog.app/needlelog/data"
)

// Conflicts are the values that lost a merge, newest first: those still to settle (open), or all.
func (s *Store) Conflicts(ctx context.Context, open bool) ([]Conflict, error) {
	q := `SELECT id, entity, entity_id, client_id, field, ours, theirs, kept, device_id, device_name, bundle, found_at,
		resolved_at, resolved_by, resolution FROM transfer_conflicts`
	if open {
		q += ` WHERE resolved_at = ''`
	}
	q += ` ORDER BY found_at DESC, entity, entity_id, field`
	return query(ctx, s, "the conflicts", q, nil, func(r *sql.Rows, c *Conflict) error {
		return r.Scan(&c.ID, &c.Entity, &c.EntityID, &c.ClientID, &c.Field, &c.Ours, &c.Theirs, &c.Kept, &c.Device, &c.DeviceName,
			&c.Bundle, &c.FoundAt, &c.ResolvedAt, &c.ResolvedBy, &c.Resolution)
	})
}

// Resolutions of a conflict.
const (
	KeepOurs   = "ours"   // this copy's value stands
	KeepTheirs = "theirs" // the other copy's value stands
	Seen       = "seen"   // nothing to choose (both were kept): seen and settled
)

// ErrConflictSettled is a conflict settled already.
var ErrConflictSettled = errors.New("this conflict was settled already")

// ResolveConflict settles a conflict: the value picked is written to the record (an audited
// change, which travels with the next bundle), and the conflict is marked settled by the actor.
func (s *Store) ResolveConflict(ctx context.Context, id, pick string) error {
	if !slices.Contains([]string{KeepOurs, KeepTheirs, Seen}, pick) {
		return fmt.Errorf("settle a conflict: %q is not a choice", pick)
	}
	return s.batch(ctx, func(b *Batch) error {
		var c Conflict
		err := b.tx.QueryRowContext(b.ctx, `SELECT entity, entity_id, field, ours, theirs, kept, resolved_at FROM transfer_conflicts WHERE id = ?`, id).
			Scan(&c.Entity, &c.EntityID, &c.Field, &c.Ours, &c.Theirs, &c.Kept, &c.ResolvedAt)
		if err != nil {
			return fmt.Errorf("settle a conflict: %w", mapError(err))
		}
		if c.ResolvedAt != "" {
			return ErrConflictSettled
		}
		if pick != Seen && pick != c.Kept && (c.Kept == KeepOurs || c.Kept == KeepTheirs) {
			value := c.Theirs
			if pick == KeepOurs {
				value = c.Ours
			}
			if err := b.setFieldFromConflict(c, value); err != nil {
				return err
			}
		}
		if _, err := b.exec(`UPDATE transfer_conflicts SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?`,
			data.TimeText(b.store.now()), b.actor, pick, id); err != nil {
			return fmt.Errorf("settle a conflict: %w", err)
		}
		return nil
	})
}

// setFieldFromConflict writes a conflict's value (JSON) to its record's field, as a change made here.
func (b *Batch) setFieldFromConflict(c Conflict, value string) error {
	if c.Entity == "setting" {
		v, err := decodeValue([]byte(value))
		s, ok := v.(string)
		if err != nil || !ok {
			return fmt.Errorf("settle a conflict: the setting's value does not read")
		}
		return b.SetSetting(c.Field, s)
	}
	e, ok := transferEntityNamed(c.Entity)
	if !ok {
		return fmt.Errorf("settle a conflict: nothing to write for %s", c.Entity)
	}
	a := &applier{b: b, cols: map[string][]string{}}
	v, err := a.fieldValue(e, c.Field, []byte(value))
	if err != nil {
		return fmt.Errorf("settle a conflict: %w", err)
	}
	var ours *recordValues
	if err := b.scanRecords(e, "id = ?", []any{c.EntityID}, func(rv *recordValues) error { ours = rv; return nil }); err != nil {
		return err
	}
	if ours == nil {
		return fmt.Errorf("settle a conflict: the %s is no longer here: %w", e.name, data.ErrNotFound)
	}
	if ours.signed {
		return fmt.Errorf("settle a conflict: %w: amend the session instead", data.ErrSigned)
	}
	row := map[string]any{}
	if ci := slices.IndexFunc(e.children, func(ch transferChildren) bool { return ch.field == c.Field }); ci >= 0 {
		if err := b.writeChildren(e.children[ci], c.EntityID, v.([]map[string]any)); err != nil {
			return err
		}
	} else {
		row[c.Field] = v
	}
	a.derive(e, row, ours)
	if slices.Contains(e.local, "updated_at") {
		row["updated_at"] = data.TimeText(b.store.now())
	}
	if err := a.updateRow(e.table, "id", c.EntityID, row); err != nil {
		return err
	}
	if slices.Contains(e.local, "version") {
		if _, err := b.exec(`UPDATE `+e.table+` SET version = version + 1 WHERE id = ?`, c.EntityID); err != nil {
			return err
		}
	}
	return b.audit(data.ActionUpdate, c.Entity, c.EntityID, "conflict settled: "+c.Field)
}
