package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
)

// AmendSession changes a signed session to updated's values, as the practitioner in ctx, for the
// reason given. updated.Version must be the session's current Version (else ErrConflict). The
// amended record is validated and checked for safety like a draft, its blocks need overrides, and
// at least one field must change. A session is not moved to another client by amendment.
//
// Side effects: those sealed at signing keep their place in the record, and their kind, severity,
// onset and DuringSession may be amended; they cannot be removed. Side effects logged after signing
// are follow-ups, not part of the record: add them with AddSideEffect and edit them with
// UpdateSideEffect (AmendSession leaves them as they are, and refuses a new one in updated).
func (s *Store) AmendSession(ctx context.Context, updated data.Session, reason string) (data.Amendment, error) {
	var a data.Amendment
	err := s.batch(ctx, func(b *Batch) error {
		var err error
		a, err = b.AmendSession(updated, reason)
		return err
	})
	if err != nil {
		return data.Amendment{}, err
	}
	return a, nil
}

// AmendSession amends a signed session in the batch; see Store.AmendSession.
func (b *Batch) AmendSession(updated data.Session, reason string) (data.Amendment, error) {
	reason = strings.TrimSpace(reason)
	if err := data.RequireName("reason", "reason for changing the signed record", reason); err != nil {
		return data.Amendment{}, err
	}
	if b.actor == "" {
		return data.Amendment{}, fmt.Errorf("amend session: %w", data.ErrNoActor)
	}
	cur, err := loadSession(b.ctx, b.q(), updated.ID)
	if err != nil {
		return data.Amendment{}, fmt.Errorf("amend session: %w", err)
	}
	b.forget(cur.ID)
	switch {
	case cur.Status != data.StatusSigned:
		return data.Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, data.ErrNotSigned)
	case updated.Version != cur.Version:
		return data.Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, data.ErrConflict)
	case updated.ClientID != "" && updated.ClientID != cur.ClientID:
		return data.Amendment{}, &data.ValidationError{Fields: []data.FieldError{{Field: "client", Message: "A signed session cannot be moved to another client."}}}
	}
	// Amend only a record that is still what was signed: else the amendment would cover up the change.
	if h, err := data.RecordHash(cur); err != nil {
		return data.Amendment{}, err
	} else if h != cur.RecordHash {
		return data.Amendment{}, fmt.Errorf("amend session %s: the stored record no longer matches its hash (run 'needlelog verify')", cur.ID)
	}

	now := b.store.now()
	next := updated
	next.ID, next.ClientID, next.Status, next.SignedAt, next.SignedBy = cur.ID, cur.ClientID, cur.Status, cur.SignedAt, cur.SignedBy
	next.RecordHash, next.CreatedAt, next.UpdatedAt, next.Version = cur.RecordHash, cur.CreatedAt, cur.UpdatedAt, cur.Version
	next.Amendments = cur.Amendments + 1
	next.Tidy()
	b.tidyOverrides(&next, now)
	effects, err := data.AmendedSideEffects(cur.SideEffects, updated.SideEffects)
	if err != nil {
		return data.Amendment{}, err
	}
	next.SideEffects = effects
	if err := next.Validate(now); err != nil {
		return data.Amendment{}, err
	}
	if err := b.checkBlocks(&next); err != nil {
		return data.Amendment{}, err
	}
	cat, err := b.Catalog()
	if err != nil {
		return data.Amendment{}, err
	}
	changes := data.DiffSessions(cur, next, cat.Names())
	if len(changes) == 0 {
		return data.Amendment{}, &data.ValidationError{Fields: []data.FieldError{{Field: "reason", Message: "Nothing was changed, so there is nothing to amend."}}}
	}
	before, err := data.CanonicalRecord(cur)
	if err != nil {
		return data.Amendment{}, err
	}
	hash, err := data.RecordHash(next)
	if err != nil {
		return data.Amendment{}, err
	}
	a := data.Amendment{ID: newID(), SessionID: cur.ID, N: next.Amendments, PractitionerID: b.actor, At: now, Reason: reason,
		Changes: changes, PrevHash: cur.RecordHash, RecordHash: hash}
	if err := b.writeAmendment(cur, &next, a, before, now); err != nil {
		return data.Amendment{}, err
	}
	fields := make([]string, len(changes))
	for i, c := range changes {
		fields[i] = c.Field
	}
	detail := fmt.Sprintf("amendment %d (%s); record %s; reason: %s", a.N, strings.Join(fields, ", "), hash, reason)
	if err := b.audit(data.ActionAmend, "session", cur.ID, detail); err != nil {
		return data.Amendment{}, err
	}
	return a, nil
}

// writeAmendment stores amendment a of the signed session cur, whose record before it is before,
// and the amended session next.
func (b *Batch) writeAmendment(cur data.Session, next *data.Session, a data.Amendment, before []byte, now time.Time) error {
	changesJSON, err := json.Marshal(a.Changes)
	if err != nil {
		return err
	}
	// The amendment goes first: while it is pending (its prev_hash is the session's record_hash) the
	// database lets the session's rows change; the final UPDATE moves the hash on and closes that.
	if _, err := b.exec(`INSERT INTO session_amendments (id, session_id, practitioner_id, at, reason, changes)
		VALUES (?, ?, ?, ?, ?, ?)`, a.ID, a.SessionID, a.PractitionerID, data.TimeText(now), a.Reason, string(changesJSON)); err != nil {
		return fmt.Errorf("amend session %s: %w", cur.ID, err)
	}
	if _, err := b.exec(`INSERT INTO amendment_records (amendment_id, session_id, n, prev_hash, record_hash, record_before)
		VALUES (?, ?, ?, ?, ?, ?)`, a.ID, a.SessionID, a.N, a.PrevHash, a.RecordHash, string(before)); err != nil {
		return fmt.Errorf("amend session %s: %w", cur.ID, err)
	}
	for _, table := range []string{"session_zones", "session_products"} {
		if _, err := b.exec(`DELETE FROM `+table+` WHERE session_id = ?`, cur.ID); err != nil {
			return fmt.Errorf("amend session %s: %w", cur.ID, err)
		}
	}
	if err := b.writeZonesAndProducts(next); err != nil {
		return fmt.Errorf("amend session %s: %w", cur.ID, err)
	}
	for i, e := range next.SideEffects {
		was := cur.SideEffects[i] // next's are stored's, amended in place
		if !e.Sealed || (e.Kind == was.Kind && e.Severity == was.Severity && e.DuringSession == was.DuringSession &&
			e.Onset.Equal(was.Onset)) {
			continue
		}
		if _, err := b.exec(`UPDATE side_effects SET kind = ?, severity = ?, during_session = ?, onset = ?, updated_at = ?
			WHERE id = ? AND session_id = ?`,
			e.Kind, string(e.Severity), boolInt(e.DuringSession), e.Onset.String(), data.TimeText(now), e.ID, cur.ID); err != nil {
			return fmt.Errorf("amend side effect %s: %w", e.Kind, err)
		}
	}
	if err := b.saveOverrides(next, true); err != nil {
		return err
	}
	se := next
	res, err := b.execExplained(se, `UPDATE sessions SET practitioner_id = ?, started_at = ?, series_n = ?,
		series_of = ?, series_interval_days = ?, concerns = ?, modality = ?, anaesthetic_product_id = ?,
		anaesthetic_lot = ?, anaesthetic_minutes = ?, device_id = ?, handpiece_serial = ?, cartridge_id = ?,
		cartridge_lot = ?, cartridge_expiry = ?, pain_score = ?, no_side_effects = ?, aftercare = ?,
		aftercare_sheet = ?, price_cents = ?, next_due = ?, notes = ?, photo_refusal = ?, record_hash = ?,
		updated_at = ?, version = version + 1
		WHERE id = ? AND version = ? AND status = 'signed'`,
		nullID(se.PractitionerID), data.TimeText(se.StartedAt), se.SeriesN, se.SeriesOf, se.IntervalDays,
		jsonList(se.Concerns), se.Modality, nullID(se.Anaesthetic.ProductID), se.Anaesthetic.Lot,
		se.Anaesthetic.Minutes, nullID(se.DeviceID), se.HandpieceSerial, nullID(se.Cartridge.CartridgeID),
		se.Cartridge.Lot, se.Cartridge.Expiry.String(), sql.Null[int](se.PainScore), boolInt(se.NoSideEffects), jsonList(se.Aftercare),
		se.AftercareSheet, sql.Null[int64](se.PriceCents), se.NextDue.String(), se.Notes, se.PhotoRefusal, a.RecordHash, data.TimeText(now), cur.ID, cur.Version)
	if err != nil {
		return fmt.Errorf("amend session %s: %w", cur.ID, err)
	}
	if err := b.updated(res, "sessions", cur.ID); err != nil {
		return fmt.Errorf("amend session %s: %w", cur.ID, err)
	}
	return nil
}

// Amendments returns the amendments made to a session, the first first.
func (s *Store) Amendments(ctx context.Context, sessionID string) ([]data.Amendment, error) {
	return query(ctx, s, "amendments", `SELECT a.id, a.session_id, coalesce(r.n, 0), coalesce(a.practitioner_id, ''), a.at,
		a.reason, a.changes, coalesce(r.prev_hash, ''), coalesce(r.record_hash, '')
		FROM session_amendments a LEFT JOIN amendment_records r ON r.amendment_id = a.id
		WHERE a.session_id = ? ORDER BY r.n, a.at`, []any{sessionID},
		func(r *sql.Rows, a *data.Amendment) error {
			var changes string
			if err := r.Scan(&a.ID, &a.SessionID, &a.N, &a.PractitionerID, timeCol{&a.At}, &a.Reason, &changes,
				&a.PrevHash, &a.RecordHash); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(changes), &a.Changes); err != nil {
				return fmt.Errorf("changes of amendment %s: %w", a.ID, err)
			}
			return nil
		})
}

// OriginalSession returns a signed session as it was signed, before any amendment; see SessionVersion.
func (s *Store) OriginalSession(ctx context.Context, id string) (data.Session, error) {
	return s.SessionVersion(ctx, id, 0)
}

// SessionVersion returns a signed session as it stood after its first n amendments (0: as signed).
// It carries the recorded fields and record hash of that version; its side effects are those
// sealed at signing, with their follow-up fields (resolution, treatment, notes) as they are now.
// n at or beyond the number of amendments gives the session as it is.
func (s *Store) SessionVersion(ctx context.Context, id string, n int) (data.Session, error) {
	cur, err := s.Session(ctx, id)
	if err != nil {
		return data.Session{}, err
	}
	if n >= cur.Amendments || cur.Status != data.StatusSigned {
		return cur, nil
	}
	var before, hash string
	err = s.db.QueryRowContext(ctx, `SELECT record_before, prev_hash FROM amendment_records WHERE session_id = ? AND n = ?`,
		id, max(n, 0)+1).Scan(&before, &hash)
	if err != nil {
		return data.Session{}, fmt.Errorf("session %s before amendment %d: %w", id, n+1, mapError(err))
	}
	old, err := data.DecodeRecord([]byte(before))
	if err != nil {
		return data.Session{}, fmt.Errorf("session %s before amendment %d: %w", id, n+1, err)
	}
	old.RecordHash, old.CreatedAt, old.UpdatedAt, old.Version = hash, cur.CreatedAt, cur.UpdatedAt, cur.Version
	for i := range old.SideEffects {
		e := &old.SideEffects[i]
		if j := slices.IndexFunc(cur.SideEffects, func(c data.SideEffect) bool { return c.ID == e.ID }); j >= 0 {
			c := cur.SideEffects[j]
			e.Resolved, e.Treatment, e.Notes, e.CreatedAt, e.UpdatedAt = c.Resolved, c.Treatment, c.Notes, c.CreatedAt, c.UpdatedAt
		}
	}
	return old, nil
}
