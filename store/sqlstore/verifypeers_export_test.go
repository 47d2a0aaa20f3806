package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// carriedTables are the tables whose rows another device's bundle brings of its records.
var carriedTables = []string{"practitioners", "clients", "client_history", "sessions", "session_zones", "session_products",
	"side_effects", "session_overrides", "sealed_side_effects", "session_amendments", "amendment_records"}

// CarryRecords writes into s what a bundle from another device brings: every row of from's
// records as copy.go writes them (a signed session in unsigned, then signed, its amendments one
// by one), and from's audit chain and signing keys as the chain of device. s must hold none of
// from's records, and the same lists (made from one practice).
func (s *Store) CarryRecords(ctx context.Context, from *Store, device string) error {
	res := CopyResult{Rows: map[string]int64{}}
	c := &copier{from: from, to: s, say: func(string, ...any) {}, res: &res,
		columns: map[string][]string{}, digests: map[string][]byte{}}
	return from.ReadSnapshot(ctx, func(rtx *sql.Tx) error {
		c.rtx = rtx
		if err := c.readSource(ctx); err != nil {
			return err
		}
		return s.InTx(ctx, func(wtx *sql.Tx) error {
			c.wtx = wtx
			for _, t := range copyTables {
				if !slices.Contains(carriedTables, t.name) {
					continue
				}
				if err := c.copyTable(ctx, t); err != nil {
					return err
				}
				var err error
				switch t.name {
				case "clients":
					err = c.continueClientNumbers(ctx)
				case "sealed_side_effects":
					err = c.signSessions(ctx)
				case "amendment_records":
					err = c.restoreLatest(ctx)
				}
				if err != nil {
					return err
				}
			}
			return carryChain(ctx, rtx, wtx, device)
		})
	})
}

// carryChain writes the audit chain and signing keys read through rtx as the chain of device.
func carryChain(ctx context.Context, rtx, wtx *sql.Tx, device string) error {
	rows, err := rtx.QueryContext(ctx, `SELECT a.seq, a.at, a.practitioner_id, a.action, a.entity, a.entity_id, a.detail,
		a.prev_hash, a.hash, coalesce(s.key_id, ''), coalesce(s.signature, '')
		FROM audit_log a LEFT JOIN audit_signatures s ON s.seq = a.seq ORDER BY a.seq`)
	if err != nil {
		return err
	}
	var entries [][]any
	for rows.Next() {
		var seq int64
		var at, practitioner, action, entity, id, detail, prev, hash, key, sig string
		if err := rows.Scan(&seq, &at, &practitioner, &action, &entity, &id, &detail, &prev, &hash, &key, &sig); err != nil {
			rows.Close()
			return err
		}
		entries = append(entries, []any{device, seq, at, practitioner, action, entity, id, detail, prev, hash, key, sig})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range entries {
		if _, err := wtx.ExecContext(ctx, `INSERT INTO peer_audit_log (device_id, seq, at, practitioner_id, action, entity, entity_id,
			detail, prev_hash, hash, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e...); err != nil {
			return fmt.Errorf("write peer_audit_log: %w", err)
		}
	}
	keys, err := rtx.QueryContext(ctx, `SELECT id, practitioner_id, public_key, created_seq, retired_seq FROM practitioner_keys`)
	if err != nil {
		return err
	}
	var ks [][]any
	for keys.Next() {
		var id, practitioner, public string
		var created, retired int64
		if err := keys.Scan(&id, &practitioner, &public, &created, &retired); err != nil {
			keys.Close()
			return err
		}
		ks = append(ks, []any{device, id, practitioner, public, created, retired})
	}
	keys.Close()
	for _, k := range ks {
		if _, err := wtx.ExecContext(ctx, `INSERT INTO peer_keys (device_id, id, practitioner_id, public_key, created_seq, retired_seq)
			VALUES (?, ?, ?, ?, ?, ?)`, k...); err != nil {
			return fmt.Errorf("write peer_keys: %w", err)
		}
	}
	return keys.Err()
}

// LogImport appends to the store's own audit chain the entry an applied bundle makes.
func (s *Store) LogImport(ctx context.Context, bundle, detail string) error {
	return s.batch(ctx, func(b *Batch) error { return b.audit("import", "bundle", bundle, detail) })
}
