package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"needlelog.app/needlelog/data"
)

// SaveDraft stores a draft, giving it an ID when it has none. Drafts are scratch copies, not
// records, so they are not audited.
func (s *Store) SaveDraft(ctx context.Context, d *data.Draft) error {
	if d.ID == "" {
		d.ID = newID()
	}
	d.UpdatedAt = s.now()
	return s.batch(ctx, func(b *Batch) error {
		_, err := b.exec(`INSERT INTO drafts (id, client_id, session_id, form, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET form = excluded.form, session_id = excluded.session_id,
			updated_at = excluded.updated_at`,
			d.ID, d.ClientID, nullID(d.SessionID), string(d.Form), data.TimeText(d.UpdatedAt))
		if err != nil {
			return fmt.Errorf("save draft: %w", err)
		}
		return nil
	})
}

// Drafts returns a client's drafts, the most recent first.
func (s *Store) Drafts(ctx context.Context, clientID string) ([]data.Draft, error) {
	return query(ctx, s, "drafts", `SELECT id, client_id, coalesce(session_id, ''), form, updated_at FROM drafts
		WHERE client_id = ? ORDER BY updated_at DESC`, []any{clientID},
		func(r *sql.Rows, d *data.Draft) error {
			var form string
			err := r.Scan(&d.ID, &d.ClientID, &d.SessionID, &form, timeCol{&d.UpdatedAt})
			d.Form = []byte(form)
			return err
		})
}

// DeleteDraft removes a draft the practitioner discards. A draft whose session is saved is removed
// by SaveSession, in the save's own transaction.
func (s *Store) DeleteDraft(ctx context.Context, id string) error {
	return s.batch(ctx, func(b *Batch) error { return b.DeleteDraft(id) })
}

// DeleteDraft removes a draft in the batch, so that it goes exactly when the batch's writes are
// kept; "" removes none.
func (b *Batch) DeleteDraft(id string) error {
	if id == "" {
		return nil
	}
	if _, err := b.exec(`DELETE FROM drafts WHERE id = ?`, id); err != nil {
		return fmt.Errorf("remove draft: %w", err)
	}
	return nil
}
