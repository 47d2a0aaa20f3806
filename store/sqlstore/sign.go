package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"needlelog.app/needlelog/data"
)

// SignedRaise is the text the database's triggers raise on a change to a signed session: an
// engine maps the refusal carrying it to ErrSigned.
const SignedRaise = "signed session is read-only"

// SignSession signs a draft session as the practitioner in ctx (WithActor), who must be one of the
// practice's current practitioners and the one the session records as treating: another is
// refused with a *WrongSignerError saying who must sign. version is the session's Version as loaded: a session changed
// since is refused with ErrConflict, one already signed with ErrSigned.
//
// Signing needs a complete record: the practitioner, the device and (for pens) the cartridge
// with its lot, at least one zone and a depth for each, the client's treatment consent on file
// by the session's day, a before photo or the reason none was taken, the aftercare given, the side
// effects observed or "none observed", a valid record, and a reason for every safety block. What
// is missing is returned as an *IncompleteError.
//
// Signing seals the side effects recorded so far (see SideEffect.Sealed), sets the status, who
// signed and when, and the record hash: the SHA-256 of the record's canonical encoding (see
// RecordHash). From then on the database itself refuses changes to the session, except through
// AmendSession.
func (s *Store) SignSession(ctx context.Context, id string, version int64) error {
	return s.batch(ctx, func(b *Batch) error { return b.SignSession(id, version) })
}

// SignSession signs a session in the batch, as the batch's practitioner; see Store.SignSession.
func (b *Batch) SignSession(id string, version int64) error {
	if b.actor == "" {
		return fmt.Errorf("sign session: %w", data.ErrNoActor)
	}
	var retired bool
	if err := b.q().QueryRowContext(b.ctx, `SELECT retired FROM practitioners WHERE id = ?`, b.actor).Scan(&retired); err != nil {
		return fmt.Errorf("sign session: practitioner %s: %w", b.actor, mapError(err))
	}
	if retired {
		return fmt.Errorf("sign session: practitioner %s is retired: %w", b.actor, data.ErrNoActor)
	}
	se, err := b.recall(id, version)
	if err != nil {
		return fmt.Errorf("sign session: %w", err)
	}
	b.forget(id)
	switch {
	case se.Status == data.StatusSigned:
		return fmt.Errorf("sign session %s: %w", id, data.ErrSigned)
	case se.Version != version:
		return fmt.Errorf("sign session %s: %w", id, data.ErrConflict)
	}
	// The record names who treated; its signature must be theirs.
	if se.PractitionerID != b.actor {
		names := map[string]string{}
		rows, err := b.q().QueryContext(b.ctx, `SELECT id, name FROM practitioners WHERE id IN (?, ?)`, se.PractitionerID, b.actor)
		if err != nil {
			return fmt.Errorf("sign session %s: %w", id, mapError(err))
		}
		for rows.Next() {
			var pid, name string
			if err := rows.Scan(&pid, &name); err != nil {
				rows.Close()
				return fmt.Errorf("sign session %s: %w", id, mapError(err))
			}
			names[pid] = name
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("sign session %s: %w", id, mapError(err))
		}
		if w := (data.SigningCheck{In: data.SafetyInput{Session: se}, SignerID: b.actor, Names: names}).WrongSigner(); w != "" {
			return &data.WrongSignerError{Sentence: w}
		}
	}
	missing, err := b.completeness(se)
	if err != nil {
		return fmt.Errorf("sign session %s: %w", id, err)
	}
	if len(missing) > 0 {
		return &data.IncompleteError{Missing: missing}
	}

	now := b.store.now()
	if len(se.SideEffects) > 0 {
		if _, err := b.exec(`INSERT INTO sealed_side_effects (side_effect_id)
			SELECT id FROM side_effects WHERE session_id = ? ON CONFLICT DO NOTHING`, id); err != nil {
			return fmt.Errorf("sign session %s: %w", id, err)
		}
	}
	for i := range se.SideEffects {
		se.SideEffects[i].Sealed = true
	}
	se.Status, se.SignedAt, se.SignedBy = data.StatusSigned, now, b.actor
	hash, err := data.RecordHash(se)
	if err != nil {
		return err
	}
	res, err := b.exec(`UPDATE sessions SET status = 'signed', signed_at = ?, signed_by = ?, record_hash = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ? AND status = 'draft'`,
		data.TimeText(now), b.actor, hash, data.TimeText(now), id, version)
	if err != nil {
		return fmt.Errorf("sign session %s: %w", id, err)
	}
	if err := b.updated(res, "sessions", id); err != nil {
		return fmt.Errorf("sign session %s: %w", id, err)
	}
	return b.audit(data.ActionSign, "session", id, "record "+hash+"; client "+se.ClientID)
}

// remember keeps a copy of a session just written in the batch, as it was written.
func (b *Batch) remember(se *data.Session) {
	cp := *se
	cp.Concerns, cp.Aftercare = slices.Clone(se.Concerns), slices.Clone(se.Aftercare)
	cp.Zones, cp.Products = slices.Clone(se.Zones), slices.Clone(se.Products)
	cp.SideEffects, cp.Overrides = slices.Clone(se.SideEffects), slices.Clone(se.Overrides)
	b.saved = &cp
}

// forget drops the copy of a session that is about to change.
func (b *Batch) forget(id string) {
	if b.saved != nil && b.saved.ID == id {
		b.saved = nil
	}
}

// recall returns a session as stored: the copy this batch just wrote when it is that version
// (importers and the demo create and sign in one batch, and reading it back would cost as much as
// writing it), and otherwise as read from the database. Both hash the same (TestSignInTheBatchThatSaved).
func (b *Batch) recall(id string, version int64) (data.Session, error) {
	if se := b.saved; se != nil && se.ID == id && se.Version == version && se.Status == data.StatusDraft {
		return *se, nil
	}
	return loadSession(b.ctx, b.q(), id)
}

// completeness lists what a session needs before it can be signed, one sentence each.
func (b *Batch) completeness(se data.Session) ([]string, error) {
	in, err := b.blockInput(se)
	if err != nil {
		return nil, err
	}
	n, err := beforePhotos(b.ctx, b.q(), se.ID)
	if err != nil {
		return nil, err
	}
	return data.SigningCheck{In: in, BeforePhotos: n, Now: b.store.now()}.Missing(), nil
}

// BeforePhotos counts a session's before photos, as signing needs one (or the reason none was taken).
func (s *Store) BeforePhotos(ctx context.Context, sessionID string) (int, error) {
	return beforePhotos(ctx, s.db, sessionID)
}

func beforePhotos(ctx context.Context, q querier, sessionID string) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM photos WHERE session_id = ? AND kind = ?`,
		sessionID, data.PhotoBefore).Scan(&n); err != nil {
		return 0, fmt.Errorf("count before photos: %w", mapError(err))
	}
	return n, nil
}
