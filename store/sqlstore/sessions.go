package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
)

// CreateSession validates and saves a new session with its zones, products, side effects and
// overrides, all in one transaction. The safety checks run again against the stored records: a
// block without an Override giving a reason is refused with a ValidationError beside its field.
// A session is saved as a draft; SignSession signs it.
func (s *Store) CreateSession(ctx context.Context, se *data.Session) error {
	return saveCopy(ctx, s, se, (*Batch).CreateSession)
}

// UpdateSession validates and saves changes to a draft session, replacing its zones, products,
// side effects and overrides with se's, and refusing unpassed blocks as CreateSession does. A signed
// session is refused with ErrSigned (AmendSession changes it); one changed elsewhere since se was
// loaded, with ErrConflict. The status is not changed here.
func (s *Store) UpdateSession(ctx context.Context, se *data.Session) error {
	return saveCopy(ctx, s, se, (*Batch).UpdateSession)
}

// SaveSession saves se as CreateSession does when it has no ID, else as UpdateSession does, and
// removes the draft it was edited in (draftID; "" for none) in the same transaction: the draft is
// gone exactly when the session is saved, and stays when the save fails. A failed save leaves se
// as it was.
func (s *Store) SaveSession(ctx context.Context, se *data.Session, draftID string) error {
	return saveCopy(ctx, s, se, func(b *Batch, se *data.Session) error {
		write := b.UpdateSession
		if se.ID == "" {
			write = b.CreateSession
		}
		if err := write(se); err != nil {
			return err
		}
		return b.DeleteDraft(draftID)
	})
}

// CreateSession adds a new session to the batch.
func (b *Batch) CreateSession(se *data.Session) error {
	now := b.store.now()
	se.Tidy()
	if se.Status == data.StatusSigned {
		return &data.ValidationError{Fields: []data.FieldError{{Field: "status", Message: "Save the session as a draft first, then sign it."}}}
	}
	b.tidyOverrides(se, now)
	if err := se.Validate(now); err != nil {
		return err
	}
	if se.ID == "" {
		se.ID = newID()
	}
	if err := b.checkBlocks(se); err != nil { // checked again on save, against the stored history
		return err
	}
	se.CreatedAt, se.UpdatedAt, se.Version = now, now, 1
	_, err := b.execExplained(se, `INSERT INTO sessions (id, client_id, practitioner_id, started_at, series_n, series_of,
		series_interval_days, concerns, modality, anaesthetic_product_id, anaesthetic_lot, anaesthetic_minutes,
		device_id, handpiece_serial, cartridge_id, cartridge_lot, cartridge_expiry, pain_score, no_side_effects,
		aftercare, aftercare_sheet, price_cents, next_due, notes, photo_refusal, status, signed_at, signed_by,
		record_hash, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		se.ID, se.ClientID, nullID(se.PractitionerID), data.TimeText(se.StartedAt), se.SeriesN, se.SeriesOf,
		se.IntervalDays, jsonList(se.Concerns), se.Modality, nullID(se.Anaesthetic.ProductID), se.Anaesthetic.Lot,
		se.Anaesthetic.Minutes, nullID(se.DeviceID), se.HandpieceSerial, nullID(se.Cartridge.CartridgeID),
		se.Cartridge.Lot, se.Cartridge.Expiry.String(), sql.Null[int](se.PainScore), boolInt(se.NoSideEffects), jsonList(se.Aftercare),
		se.AftercareSheet, sql.Null[int64](se.PriceCents), se.NextDue.String(), se.Notes, se.PhotoRefusal, string(se.Status),
		data.TimeText(se.SignedAt), nullID(se.SignedBy), se.RecordHash, data.TimeText(now), data.TimeText(now), se.Version)
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	if err := b.writeSessionRows(se, now); err != nil {
		return err
	}
	if err := b.audit(data.ActionCreate, "session", se.ID, ""); err != nil {
		return err
	}
	if err := b.saveOverrides(se, false); err != nil {
		return err
	}
	b.remember(se)
	return nil
}

// UpdateSession saves changes to a draft session in the batch.
func (b *Batch) UpdateSession(se *data.Session) error {
	now := b.store.now()
	se.Tidy()
	b.tidyOverrides(se, now)
	if err := se.Validate(now); err != nil {
		return err
	}
	res, err := b.execExplained(se, `UPDATE sessions SET client_id = ?, practitioner_id = ?, started_at = ?, series_n = ?,
		series_of = ?, series_interval_days = ?, concerns = ?, modality = ?, anaesthetic_product_id = ?,
		anaesthetic_lot = ?, anaesthetic_minutes = ?, device_id = ?, handpiece_serial = ?, cartridge_id = ?,
		cartridge_lot = ?, cartridge_expiry = ?, pain_score = ?, no_side_effects = ?, aftercare = ?,
		aftercare_sheet = ?, price_cents = ?, next_due = ?, notes = ?, photo_refusal = ?, updated_at = ?,
		version = version + 1
		WHERE id = ? AND version = ? AND status = 'draft'`,
		se.ClientID, nullID(se.PractitionerID), data.TimeText(se.StartedAt), se.SeriesN, se.SeriesOf, se.IntervalDays,
		jsonList(se.Concerns), se.Modality, nullID(se.Anaesthetic.ProductID), se.Anaesthetic.Lot,
		se.Anaesthetic.Minutes, nullID(se.DeviceID), se.HandpieceSerial, nullID(se.Cartridge.CartridgeID),
		se.Cartridge.Lot, se.Cartridge.Expiry.String(), sql.Null[int](se.PainScore), boolInt(se.NoSideEffects), jsonList(se.Aftercare),
		se.AftercareSheet, sql.Null[int64](se.PriceCents), se.NextDue.String(), se.Notes, se.PhotoRefusal, data.TimeText(now), se.ID, se.Version)
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	if err := b.updated(res, "sessions", se.ID); err != nil {
		if errors.Is(err, data.ErrConflict) {
			var status string
			if b.tx.QueryRowContext(b.ctx, `SELECT status FROM sessions WHERE id = ?`, se.ID).Scan(&status) == nil &&
				status == string(data.StatusSigned) {
				err = data.ErrSigned
			}
		}
		return fmt.Errorf("save session: %w", err)
	}
	if err := b.checkBlocks(se); err != nil { // after the update, which tells a signed session apart
		return err
	}
	se.UpdatedAt = now
	se.Version++
	for _, table := range []string{"session_zones", "session_products"} {
		if _, err := b.exec(`DELETE FROM `+table+` WHERE session_id = ?`, se.ID); err != nil {
			return fmt.Errorf("save session: %w", err)
		}
	}
	// Side effects logged at follow-ups are kept by ID; those no longer listed are removed.
	keep := make([]any, 0, len(se.SideEffects)+1)
	keep = append(keep, se.ID)
	for _, e := range se.SideEffects {
		if e.ID != "" {
			keep = append(keep, e.ID)
		}
	}
	q := `DELETE FROM side_effects WHERE session_id = ?`
	if len(keep) > 1 { // "NOT IN ()" is SQLite's alone: PostgreSQL refuses an empty list
		q += ` AND id NOT IN (` + placeholders(len(keep)-1) + `)`
	}
	if _, err := b.tx.ExecContext(b.ctx, q, keep...); err != nil {
		return fmt.Errorf("save session: %w", mapError(err))
	}
	if err := b.writeSessionRows(se, now); err != nil {
		return err
	}
	if err := b.audit(data.ActionUpdate, "session", se.ID, ""); err != nil {
		return err
	}
	if err := b.saveOverrides(se, true); err != nil {
		return err
	}
	b.remember(se)
	return nil
}

// execExplained runs a statement writing se's references; a foreign-key failure comes back
// saying which reference was wrong. The statement runs in a savepoint that explain goes back to
// first: a failed statement leaves a PostgreSQL transaction refusing every other one until then.
func (b *Batch) execExplained(se *data.Session, query string, args ...any) (sql.Result, error) {
	if _, err := b.exec(`SAVEPOINT session_refs`); err != nil {
		return nil, err
	}
	res, err := b.exec(query, args...)
	if err != nil {
		if _, rerr := b.exec(`ROLLBACK TO session_refs`); rerr != nil {
			return nil, err
		}
		err = b.explain(err, se)
	}
	if _, rerr := b.exec(`RELEASE session_refs`); rerr != nil && err == nil {
		return nil, rerr
	}
	return res, err
}

// explain turns a foreign-key failure into which reference was wrong.
func (b *Batch) explain(err error, se *data.Session) error {
	if !errors.Is(err, data.ErrBadReference) {
		return err
	}
	refs := []struct{ table, id, what string }{
		{"clients", se.ClientID, "client"},
		{"practitioners", se.PractitionerID, "practitioner"},
		{"devices", se.DeviceID, "device"},
		{"cartridges", se.Cartridge.CartridgeID, "cartridge"},
		{"products", se.Anaesthetic.ProductID, "anaesthetic"},
	}
	for _, p := range se.Products {
		refs = append(refs, struct{ table, id, what string }{"products", p.ProductID, "product"})
	}
	for _, r := range refs {
		if r.id == "" {
			continue
		}
		var n int
		if b.tx.QueryRowContext(b.ctx, `SELECT count(*) FROM `+r.table+` WHERE id = ?`, r.id).Scan(&n) == nil && n == 0 {
			return fmt.Errorf("the %s %s does not exist: %w", r.what, r.id, data.ErrBadReference)
		}
	}
	return err
}

func (b *Batch) writeSessionRows(se *data.Session, now time.Time) error {
	if err := b.writeZonesAndProducts(se); err != nil {
		return err
	}
	for i := range se.SideEffects {
		e := &se.SideEffects[i]
		e.SessionID = se.ID
		if err := b.upsertSideEffect(e, now); err != nil {
			return err
		}
	}
	return nil
}

// writeZonesAndProducts inserts a session's zone rows in one statement and its product rows in
// another: the triggers guarding signed sessions give each statement a statement journal, which
// one statement per table keeps to two.
func (b *Batch) writeZonesAndProducts(se *data.Session) error {
	if n := len(se.Zones); n > 0 {
		args := make([]any, 0, 9*n)
		for i, z := range se.Zones {
			args = append(args, newID(), se.ID, i, z.Zone, z.DepthMM, z.Speed, z.Passes, z.Pattern, z.Endpoint)
		}
		if _, err := b.execExplained(se, `INSERT INTO session_zones (id, session_id, position, zone, depth_mm, speed, passes, pattern,
			endpoint) VALUES `+rowsOf(9, n), args...); err != nil {
			return fmt.Errorf("save zones: %w", err)
		}
	}
	if n := len(se.Products); n > 0 {
		args := make([]any, 0, 8*n)
		for i, p := range se.Products {
			args = append(args, newID(), se.ID, i, p.ProductID, p.Lot, p.Expiry.String(), string(p.Phase), p.Amount)
		}
		if _, err := b.execExplained(se, `INSERT INTO session_products (id, session_id, position, product_id, lot, expiry, phase,
			amount) VALUES `+rowsOf(8, n), args...); err != nil {
			return fmt.Errorf("save products: %w", err)
		}
	}
	return nil
}

// rowsOf returns "(?, ?), (?, ?)" for n rows of k values.
func rowsOf(k, n int) string {
	row := "(" + placeholders(k) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

func (b *Batch) upsertSideEffect(e *data.SideEffect, now time.Time) error {
	// A new side effect is a plain insert: the upsert would bring in the update trigger that guards
	// signed sessions, and with it a statement journal.
	upsert := `
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, severity = excluded.severity,
		during_session = excluded.during_session, onset = excluded.onset, resolved = excluded.resolved,
		treatment = excluded.treatment, notes = excluded.notes, updated_at = excluded.updated_at
		WHERE side_effects.session_id = excluded.session_id`
	if e.ID == "" {
		e.ID = newID()
		e.CreatedAt = now
		upsert = ""
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now
	}
	e.UpdatedAt = now
	_, err := b.exec(`INSERT INTO side_effects (id, session_id, kind, severity, during_session, onset, resolved,
		treatment, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+upsert,
		e.ID, e.SessionID, e.Kind, string(e.Severity), boolInt(e.DuringSession), e.Onset.String(), e.Resolved.String(),
		e.Treatment, e.Notes, data.TimeText(e.CreatedAt), data.TimeText(e.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save side effect %s: %w", e.Kind, err)
	}
	return nil
}

// AddSideEffect logs a side effect against a session, at the session or at a later follow-up.
// Side effects may be logged on signed sessions too: follow-ups come after signing.
func (s *Store) AddSideEffect(ctx context.Context, e *data.SideEffect) error {
	return saveCopy(ctx, s, e, func(b *Batch, e *data.SideEffect) error { return b.saveSideEffect(e, data.ActionCreate) })
}

// UpdateSideEffect saves changes to a logged side effect, such as the day it resolved.
func (s *Store) UpdateSideEffect(ctx context.Context, e *data.SideEffect) error {
	if e.ID == "" {
		return fmt.Errorf("update side effect: %w", data.ErrNotFound)
	}
	return saveCopy(ctx, s, e, func(b *Batch, e *data.SideEffect) error { return b.saveSideEffect(e, data.ActionUpdate) })
}

func (b *Batch) saveSideEffect(e *data.SideEffect, action string) error {
	var started string
	err := b.tx.QueryRowContext(b.ctx, `SELECT started_at FROM sessions WHERE id = ?`, e.SessionID).Scan(&started)
	if err != nil {
		return fmt.Errorf("session %s: %w", e.SessionID, mapError(err))
	}
	at, err := data.ParseTime(started)
	if err != nil {
		return err
	}
	e.Kind = strings.TrimSpace(e.Kind)
	if e.DuringSession && e.Onset.IsZero() {
		e.Onset = data.DateOf(at)
	}
	if err := data.ValidateSideEffect(*e, data.DateOf(at), b.store.now()); err != nil {
		return err
	}
	if action == data.ActionUpdate {
		var n int
		if err := b.tx.QueryRowContext(b.ctx, `SELECT count(*) FROM side_effects WHERE id = ? AND session_id = ?`,
			e.ID, e.SessionID).Scan(&n); err != nil || n == 0 {
			return fmt.Errorf("side effect %s: %w", e.ID, data.ErrNotFound)
		}
	}
	b.forget(e.SessionID)
	if err := b.upsertSideEffect(e, b.store.now()); err != nil {
		return err
	}
	// A draft open in an editor must not overwrite this side effect with its older list: moving the
	// version on makes that save a conflict instead. Signed sessions are not edited that way.
	if _, err := b.exec(`UPDATE sessions SET no_side_effects = 0, version = version + 1 WHERE id = ? AND status = 'draft'`,
		e.SessionID); err != nil {
		return err
	}
	return b.audit(action, "side_effect", e.ID, "session "+e.SessionID)
}

const sessionColumns = `id, client_id, coalesce(practitioner_id, ''), started_at, series_n, series_of,
	series_interval_days, concerns, modality, coalesce(anaesthetic_product_id, ''), anaesthetic_lot,
	anaesthetic_minutes, coalesce(device_id, ''), handpiece_serial, coalesce(cartridge_id, ''), cartridge_lot,
	cartridge_expiry, pain_score, no_side_effects, aftercare, aftercare_sheet, price_cents, next_due, notes,
	photo_refusal, status, signed_at, coalesce(signed_by, ''), record_hash, created_at, updated_at, version,
	(SELECT count(*) FROM session_amendments a WHERE a.session_id = sessions.id)`

// sessionTargets are where a row of sessionColumns is read into.
func sessionTargets(se *data.Session) []any {
	return []any{&se.ID, &se.ClientID, &se.PractitionerID, timeCol{&se.StartedAt}, &se.SeriesN, &se.SeriesOf,
		&se.IntervalDays, listCol{&se.Concerns, "concerns"}, &se.Modality, &se.Anaesthetic.ProductID, &se.Anaesthetic.Lot,
		&se.Anaesthetic.Minutes, &se.DeviceID, &se.HandpieceSerial, &se.Cartridge.CartridgeID, &se.Cartridge.Lot,
		dateCol{&se.Cartridge.Expiry}, (*sql.Null[int])(&se.PainScore), &se.NoSideEffects, listCol{&se.Aftercare, "aftercare"}, &se.AftercareSheet,
		(*sql.Null[int64])(&se.PriceCents), dateCol{&se.NextDue}, &se.Notes, &se.PhotoRefusal, &se.Status, timeCol{&se.SignedAt}, &se.SignedBy,
		&se.RecordHash, timeCol{&se.CreatedAt}, timeCol{&se.UpdatedAt}, &se.Version, &se.Amendments}
}

// Session returns the session with the given ID, with its zones, products, side effects and
// overrides. A signed session reads as it stands after its amendments; OriginalSession reads it
// as it was signed.
func (s *Store) Session(ctx context.Context, id string) (data.Session, error) {
	return loadSession(ctx, s.db, id)
}

func loadSession(ctx context.Context, q querier, id string) (data.Session, error) {
	var se data.Session
	err := q.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id).Scan(sessionTargets(&se)...)
	if d := damagedRecord(err, "session", id); d != nil {
		return data.Session{}, d
	} else if err != nil {
		return data.Session{}, fmt.Errorf("session %s: %w", id, mapError(err))
	}
	if err := loadSessionRows(ctx, q, &se); err != nil {
		return data.Session{}, fmt.Errorf("session %s: %w", id, err)
	}
	return se, nil
}

func loadSessionRows(ctx context.Context, q querier, se *data.Session) error {
	rows, err := q.QueryContext(ctx, `SELECT zone, depth_mm, speed, passes, pattern, endpoint
		FROM session_zones WHERE session_id = ? ORDER BY position`, se.ID)
	if err != nil {
		return mapError(err)
	}
	for rows.Next() {
		var z data.ZoneTreatment
		if err := rows.Scan(&z.Zone, &z.DepthMM, &z.Speed, &z.Passes, &z.Pattern, &z.Endpoint); err != nil {
			rows.Close()
			return err
		}
		se.Zones = append(se.Zones, z)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.QueryContext(ctx, `SELECT product_id, lot, expiry, phase, amount
		FROM session_products WHERE session_id = ? ORDER BY position`, se.ID)
	if err != nil {
		return mapError(err)
	}
	for rows.Next() {
		var p data.ProductUse
		if err := rows.Scan(&p.ProductID, &p.Lot, dateCol{&p.Expiry}, &p.Phase, &p.Amount); err != nil {
			rows.Close()
			return err
		}
		se.Products = append(se.Products, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if se.SideEffects, err = sideEffects(ctx, q, se.ID); err != nil {
		return err
	}
	se.Overrides, err = loadOverrides(ctx, q, se.ID)
	return err
}

// sealedColumn reads whether a row of side_effects is sealed (part of its signed session's record).
const sealedColumn = `EXISTS (SELECT 1 FROM sealed_side_effects x WHERE x.side_effect_id = side_effects.id)`

// SideEffects returns the side effects logged against a session, in order of onset.
func (s *Store) SideEffects(ctx context.Context, sessionID string) ([]data.SideEffect, error) {
	return sideEffects(ctx, s.db, sessionID)
}

func sideEffects(ctx context.Context, q querier, sessionID string) ([]data.SideEffect, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, session_id, kind, severity, during_session, onset, resolved,
		treatment, notes, `+sealedColumn+`, created_at, updated_at FROM side_effects WHERE session_id = ? ORDER BY onset, created_at`, sessionID)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []data.SideEffect
	for rows.Next() {
		var e data.SideEffect
		if err := rows.Scan(&e.ID, &e.SessionID, &e.Kind, &e.Severity, &e.DuringSession, dateCol{&e.Onset}, dateCol{&e.Resolved},
			&e.Treatment, &e.Notes, &e.Sealed, timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt}); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Timeline returns a client's sessions, newest first, as the client page lists them.
func (s *Store) Timeline(ctx context.Context, clientID string) ([]data.TimelineEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.id, s.started_at, s.series_n, s.series_of, s.status,
		`+s.d.zonesJSON()+`,
		coalesce((SELECT max(depth_mm) FROM session_zones z WHERE z.session_id = s.id), 0),
		(SELECT count(*) FROM side_effects e WHERE e.session_id = s.id),
		(SELECT count(*) FROM photos p WHERE p.session_id = s.id)
		FROM sessions s WHERE s.client_id = ? ORDER BY s.started_at DESC, s.id DESC`, clientID)
	if err != nil {
		return nil, fmt.Errorf("timeline of client %s: %w", clientID, mapError(err))
	}
	defer rows.Close()
	var out []data.TimelineEntry
	for rows.Next() {
		var t data.TimelineEntry
		if err := rows.Scan(&t.SessionID, timeCol{&t.StartedAt}, &t.SeriesN, &t.SeriesOf, &t.Status,
			listCol{&t.Zones, "zones"}, &t.DeepestMM, &t.SideEffects, &t.Photos); err != nil {
			if d := damagedRecord(err, "session", t.SessionID); d != nil {
				return nil, d
			}
			return nil, fmt.Errorf("timeline of client %s: %w", clientID, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// nullID stores an unset reference as NULL, which a foreign key accepts.
func nullID(id string) any {
	if id == "" {
		return nil
	}
	return id
}
