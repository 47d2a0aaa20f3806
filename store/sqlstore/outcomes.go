package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"needlelog.app/needlelog/data"
)

// SaveOutcome validates and saves an assessment of a session's result: created when it has no
// ID, else updated with its version checked (data.ErrConflict when changed elsewhere).
func (s *Store) SaveOutcome(ctx context.Context, o *data.Outcome) error {
	return saveCopy(ctx, s, o, (*Batch).SaveOutcome)
}

// SaveOutcome is Store.SaveOutcome with the batch's writes.
func (b *Batch) SaveOutcome(o *data.Outcome) error {
	now := b.store.now()
	o.Notes = strings.TrimSpace(o.Notes)
	if o.PractitionerID == "" {
		o.PractitionerID = b.actor
	}
	// The session must be the client's: read its start to check the assessment's time against.
	var clientID, started string
	var start = o.AssessedAt
	if o.SessionID != "" {
		err := b.tx.QueryRowContext(b.ctx, `SELECT client_id, started_at FROM sessions WHERE id = ?`, o.SessionID).Scan(&clientID, &started)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && clientID != o.ClientID):
			return &data.ValidationError{Fields: []data.FieldError{{Field: "session", Message: "The session the result follows is not one of the client's."}}}
		case err != nil:
			return fmt.Errorf("session %s: %w", o.SessionID, mapError(err))
		}
		if start, err = data.ParseTime(started); err != nil {
			return err
		}
	}
	if err := data.ValidateOutcome(*o, start, now); err != nil {
		return err
	}
	args := []any{data.TimeText(o.AssessedAt), nullID(o.PractitionerID), string(o.GAIS), sql.Null[int](o.Satisfaction),
		sql.Null[int](o.ScarBaseline), sql.Null[int](o.ScarNow), boolInt(o.FromPhotos), o.Notes}
	if o.ID == "" {
		o.ID = newID()
		o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
		_, err := b.exec(`INSERT INTO outcome_assessments (assessed_at, practitioner_id, gais, satisfaction, scar_baseline,
			scar_now, from_photos, notes, id, client_id, session_id, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(args, o.ID, o.ClientID, o.SessionID, data.TimeText(now), data.TimeText(now), o.Version)...)
		if err != nil {
			return fmt.Errorf("save the result of session %s: %w", o.SessionID, err)
		}
		return b.audit(data.ActionCreate, "outcome", o.ID, "session "+o.SessionID+"; "+o.GAIS.Words())
	}
	// The client and the session an assessment follows stay as they were made.
	res, err := b.exec(`UPDATE outcome_assessments SET assessed_at = ?, practitioner_id = ?, gais = ?, satisfaction = ?,
		scar_baseline = ?, scar_now = ?, from_photos = ?, notes = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ? AND client_id = ? AND session_id = ?`,
		append(args, data.TimeText(now), o.ID, o.Version, o.ClientID, o.SessionID)...)
	if err != nil {
		return fmt.Errorf("save the result of session %s: %w", o.SessionID, err)
	}
	if err := b.updated(res, "outcome_assessments", o.ID); err != nil {
		return fmt.Errorf("save the result of session %s: %w", o.SessionID, err)
	}
	o.UpdatedAt = now
	o.Version++
	return b.audit(data.ActionUpdate, "outcome", o.ID, "session "+o.SessionID+"; "+o.GAIS.Words())
}

// Outcomes is a client's assessments, oldest first.
func (s *Store) Outcomes(ctx context.Context, clientID string) ([]data.Outcome, error) {
	return query(ctx, s, "results", `SELECT id, client_id, session_id, assessed_at, coalesce(practitioner_id, ''), gais,
		satisfaction, scar_baseline, scar_now, from_photos, notes, created_at, updated_at, version
		FROM outcome_assessments WHERE client_id = ? ORDER BY assessed_at, id`, []any{clientID},
		func(r *sql.Rows, o *data.Outcome) error {
			var fromPhotos int
			err := r.Scan(&o.ID, &o.ClientID, &o.SessionID, timeCol{&o.AssessedAt}, &o.PractitionerID, &o.GAIS,
				(*sql.Null[int])(&o.Satisfaction), (*sql.Null[int])(&o.ScarBaseline), (*sql.Null[int])(&o.ScarNow),
				&fromPhotos, &o.Notes, timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt}, &o.Version)
			o.FromPhotos = fromPhotos != 0
			return err
		})
}

// DeleteOutcome removes an assessment, with the reason kept in the audit log.
func (s *Store) DeleteOutcome(ctx context.Context, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := data.RequireName("reason", "reason for deleting the result", reason); err != nil {
		return err
	}
	return s.batch(ctx, func(b *Batch) error {
		var sessionID string
		err := b.tx.QueryRowContext(b.ctx, `DELETE FROM outcome_assessments WHERE id = ? RETURNING session_id`, id).Scan(&sessionID)
		if err != nil {
			return fmt.Errorf("delete result %s: %w", id, mapError(err))
		}
		return b.audit(data.ActionDelete, "outcome", id, "session "+sessionID+"; reason: "+reason)
	})
}
