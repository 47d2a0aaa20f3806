package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrNotSigned reports an amendment of a session that is still a draft, which is edited instead.
var ErrNotSigned = errors.New("session is not signed: edit the draft instead")

// Amendment is a change made to a signed session: who made it, when, why, and each field's old and
// new value. The record as it stood before stays readable (Store.SessionVersion).
type Amendment struct {
	ID             string
	SessionID      string
	N              int // 1 for a session's first amendment
	PractitionerID string
	At             time.Time
	Reason         string
	Changes        []FieldChange
	PrevHash       string // the record hash before
	RecordHash     string // the record hash after
}

// FieldChange is one field an amendment changed, with its values as people read them (names,
// not IDs; local times).
type FieldChange struct {
	Field string `json:"field"` // as in ValidationError: "zones[1].depth_mm"
	Label string `json:"label"` // "Cheeks: depth (mm)"
	Old   string `json:"old"`
	New   string `json:"new"`
}

// AmendSession changes a signed session to updated's values, as the practitioner in ctx, for the
// reason given. updated.Version must be the session's current Version (else ErrConflict). The
// amended record is validated and checked for safety like a draft, its blocks need overrides, and
// at least one field must change. A session is not moved to another client by amendment.
//
// Side effects: those sealed at signing keep their place in the record, and their kind, severity,
// onset and DuringSession may be amended; they cannot be removed. Side effects logged after signing
// are follow-ups, not part of the record: add them with AddSideEffect and edit them with
// UpdateSideEffect (AmendSession leaves them as they are, and refuses a new one in updated).
func (s *Store) AmendSession(ctx context.Context, updated Session, reason string) (Amendment, error) {
	var a Amendment
	err := s.Batch(ctx, func(b *Batch) error {
		var err error
		a, err = b.AmendSession(updated, reason)
		return err
	})
	if err != nil {
		return Amendment{}, err
	}
	return a, nil
}

// AmendSession amends a signed session in the batch; see Store.AmendSession.
func (b *Batch) AmendSession(updated Session, reason string) (Amendment, error) {
	reason = strings.TrimSpace(reason)
	if err := requireName("reason", "reason for changing the signed record", reason); err != nil {
		return Amendment{}, err
	}
	if b.actor == "" {
		return Amendment{}, fmt.Errorf("amend session: %w", ErrNoActor)
	}
	cur, err := loadSession(b.ctx, b.q(), updated.ID)
	if err != nil {
		return Amendment{}, fmt.Errorf("amend session: %w", err)
	}
	b.forget(cur.ID)
	switch {
	case cur.Status != StatusSigned:
		return Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, ErrNotSigned)
	case updated.Version != cur.Version:
		return Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, ErrConflict)
	case updated.ClientID != "" && updated.ClientID != cur.ClientID:
		return Amendment{}, &ValidationError{Fields: []FieldError{{"client",
			"A signed session cannot be moved to another client."}}}
	}
	// Amend only a record that is still what was signed: else the amendment would cover up the change.
	if h, err := RecordHash(cur); err != nil {
		return Amendment{}, err
	} else if h != cur.RecordHash {
		return Amendment{}, fmt.Errorf("amend session %s: the stored record no longer matches its hash (run 'needlelog verify')", cur.ID)
	}

	now := b.store.now()
	next := updated
	next.ID, next.ClientID, next.Status, next.SignedAt, next.SignedBy = cur.ID, cur.ClientID, cur.Status, cur.SignedAt, cur.SignedBy
	next.RecordHash, next.CreatedAt, next.UpdatedAt, next.Version = cur.RecordHash, cur.CreatedAt, cur.UpdatedAt, cur.Version
	next.Amendments = cur.Amendments + 1
	next.tidy()
	b.tidyOverrides(&next, now)
	effects, err := amendedSideEffects(cur.SideEffects, updated.SideEffects)
	if err != nil {
		return Amendment{}, err
	}
	next.SideEffects = effects
	if err := next.Validate(now); err != nil {
		return Amendment{}, err
	}
	if err := b.checkBlocks(&next); err != nil {
		return Amendment{}, err
	}
	names, err := b.refNames()
	if err != nil {
		return Amendment{}, err
	}
	changes := diffSessions(cur, next, names)
	if len(changes) == 0 {
		return Amendment{}, &ValidationError{Fields: []FieldError{{"reason", "Nothing was changed, so there is nothing to amend."}}}
	}
	before, err := canonicalRecord(cur)
	if err != nil {
		return Amendment{}, err
	}
	hash, err := RecordHash(next)
	if err != nil {
		return Amendment{}, err
	}
	a := Amendment{ID: newID(), SessionID: cur.ID, N: next.Amendments, PractitionerID: b.actor, At: now, Reason: reason,
		Changes: changes, PrevHash: cur.RecordHash, RecordHash: hash}
	changesJSON, err := json.Marshal(changes)
	if err != nil {
		return Amendment{}, err
	}
	// The amendment goes first: while it is pending (its prev_hash is the session's record_hash) the
	// database lets the session's rows change; the final UPDATE moves the hash on and closes that.
	if _, err := b.exec(`INSERT INTO session_amendments (id, session_id, practitioner_id, at, reason, changes)
		VALUES (?, ?, ?, ?, ?, ?)`, a.ID, a.SessionID, a.PractitionerID, timeText(now), reason, string(changesJSON)); err != nil {
		return Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, err)
	}
	if _, err := b.exec(`INSERT INTO amendment_records (amendment_id, session_id, n, prev_hash, record_hash, record_before)
		VALUES (?, ?, ?, ?, ?, ?)`, a.ID, a.SessionID, a.N, a.PrevHash, a.RecordHash, string(before)); err != nil {
		return Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, err)
	}
	for _, table := range []string{"session_zones", "session_products"} {
		if _, err := b.exec(`DELETE FROM `+table+` WHERE session_id = ?`, cur.ID); err != nil {
			return Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, err)
		}
	}
	if err := b.writeZonesAndProducts(&next); err != nil {
		return Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, err)
	}
	for i, e := range next.SideEffects {
		was := cur.SideEffects[i] // next's are stored's, amended in place
		if !e.Sealed || (e.Kind == was.Kind && e.Severity == was.Severity && e.DuringSession == was.DuringSession &&
			e.Onset.Equal(was.Onset)) {
			continue
		}
		if _, err := b.exec(`UPDATE side_effects SET kind = ?, severity = ?, during_session = ?, onset = ?, updated_at = ?
			WHERE id = ? AND session_id = ?`,
			e.Kind, string(e.Severity), boolInt(e.DuringSession), e.Onset, timeText(now), e.ID, cur.ID); err != nil {
			return Amendment{}, fmt.Errorf("amend side effect %s: %w", e.Kind, err)
		}
	}
	if err := b.saveOverrides(&next, true); err != nil {
		return Amendment{}, err
	}
	se := &next
	res, err := b.exec(`UPDATE sessions SET practitioner_id = ?, started_at = ?, series_n = ?,
		series_of = ?, series_interval_days = ?, concerns = ?, modality = ?, anaesthetic_product_id = ?,
		anaesthetic_lot = ?, anaesthetic_minutes = ?, device_id = ?, handpiece_serial = ?, cartridge_id = ?,
		cartridge_lot = ?, cartridge_expiry = ?, pain_score = ?, no_side_effects = ?, aftercare = ?,
		aftercare_sheet = ?, price_cents = ?, next_due = ?, notes = ?, photo_refusal = ?, record_hash = ?,
		updated_at = ?, version = version + 1
		WHERE id = ? AND version = ? AND status = 'signed'`,
		nullID(se.PractitionerID), timeText(se.StartedAt), se.SeriesN, se.SeriesOf, se.IntervalDays,
		jsonList(se.Concerns), se.Modality, nullID(se.Anaesthetic.ProductID), se.Anaesthetic.Lot,
		se.Anaesthetic.Minutes, nullID(se.DeviceID), se.HandpieceSerial, nullID(se.Cartridge.CartridgeID),
		se.Cartridge.Lot, se.Cartridge.Expiry, se.PainScore, boolInt(se.NoSideEffects), jsonList(se.Aftercare),
		se.AftercareSheet, se.PriceCents, se.NextDue, se.Notes, se.PhotoRefusal, hash, timeText(now), cur.ID, cur.Version)
	if err != nil {
		return Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, b.explain(err, se))
	}
	if err := b.updated(res, "sessions", cur.ID); err != nil {
		return Amendment{}, fmt.Errorf("amend session %s: %w", cur.ID, err)
	}
	fields := make([]string, len(changes))
	for i, c := range changes {
		fields[i] = c.Field
	}
	detail := fmt.Sprintf("amendment %d (%s); record %s; reason: %s", a.N, strings.Join(fields, ", "), hash, reason)
	if err := b.audit(ActionAmend, "session", cur.ID, detail); err != nil {
		return Amendment{}, err
	}
	return a, nil
}

// amendedSideEffects takes the observed fields of the sealed side effects from updated, by ID, and
// keeps the rest of each side effect, and the follow-ups, as stored.
func amendedSideEffects(stored, updated []SideEffect) ([]SideEffect, error) {
	var c checker
	for i, e := range updated {
		if e.ID == "" {
			c.add(fmt.Sprintf("side_effects[%d].kind", i),
				"Log a side effect noticed after signing as a follow-up, not in an amendment.")
		}
	}
	out := slices.Clone(stored)
	for i := range out {
		e := &out[i]
		if !e.Sealed {
			continue
		}
		j := slices.IndexFunc(updated, func(u SideEffect) bool { return u.ID == e.ID })
		if j < 0 {
			c.add("side_effects", "%s was recorded before signing and cannot be removed; amend its details instead.", e.Kind)
			continue
		}
		u := updated[j]
		e.Kind, e.Severity, e.DuringSession, e.Onset = strings.TrimSpace(u.Kind), u.Severity, u.DuringSession, u.Onset
	}
	return out, c.err()
}

// refNames maps the IDs a session refers to (practitioners, devices, cartridges, products) to names.
func (b *Batch) refNames() (map[string]string, error) {
	names := map[string]string{}
	err := scanAll(b.ctx, b.q(), `SELECT id, name FROM practitioners UNION ALL SELECT id, model FROM devices
		UNION ALL SELECT id, name FROM cartridges UNION ALL SELECT id, name FROM products`, nil,
		func(r *sql.Rows) error {
			var id, name string
			err := r.Scan(&id, &name)
			names[id] = name
			return err
		})
	return names, err
}

// field is one recorded value of a session, as people read it.
type field struct{ key, label, value string }

// sessionFields lists a session's recorded values in editor order, for comparing two versions.
func sessionFields(se Session, names map[string]string) []field {
	ref := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	num := func(n int) string { return strconv.Itoa(n) }
	var out []field
	add := func(key, label, value string) { out = append(out, field{key, label, value}) }
	started := ""
	if !se.StartedAt.IsZero() {
		started = se.StartedAt.Local().Format("2006-01-02 15:04")
	}
	add("started_at", "Date and time", started)
	add("practitioner", "Practitioner", ref(se.PractitionerID))
	add("series_n", "Session number", num(se.SeriesN))
	add("series_of", "Sessions planned", num(se.SeriesOf))
	add("interval_days", "Interval (days)", num(se.IntervalDays))
	add("concerns", "Concerns treated", strings.Join(se.Concerns, ", "))
	add("modality", "Combined modality", se.Modality)
	add("anaesthetic_product", "Anaesthetic", ref(se.Anaesthetic.ProductID))
	add("anaesthetic_lot", "Anaesthetic lot", se.Anaesthetic.Lot)
	add("anaesthetic_minutes", "Anaesthetic minutes", num(se.Anaesthetic.Minutes))
	add("device", "Device", ref(se.DeviceID))
	add("handpiece_serial", "Handpiece serial", se.HandpieceSerial)
	add("cartridge", "Cartridge", ref(se.Cartridge.CartridgeID))
	add("cartridge_lot", "Cartridge lot", se.Cartridge.Lot)
	add("cartridge_expiry", "Cartridge expiry", se.Cartridge.Expiry.String())
	for i, z := range se.Zones {
		f, l := fmt.Sprintf("zones[%d]", i), zoneLabel(z.Zone, i)
		add(f+".zone", fmt.Sprintf("Zone row %d", i+1), z.Zone)
		add(f+".depth_mm", l+": depth (mm)", decimal(z.DepthMM))
		add(f+".speed", l+": speed", decimal(z.Speed))
		add(f+".passes", l+": passes", num(z.Passes))
		add(f+".pattern", l+": pattern", z.Pattern)
		add(f+".endpoint", l+": endpoint", z.Endpoint)
	}
	for i, p := range se.Products {
		f, l := fmt.Sprintf("products[%d]", i), fmt.Sprintf("Product row %d", i+1)
		add(f+".product", l, ref(p.ProductID))
		add(f+".lot", l+": lot", p.Lot)
		add(f+".expiry", l+": expiry", p.Expiry.String())
		add(f+".phase", l+": phase", string(p.Phase))
		add(f+".amount", l+": amount", p.Amount)
	}
	for i, e := range se.SideEffects {
		if !e.Sealed {
			continue
		}
		f, l := fmt.Sprintf("side_effects[%d]", i), fmt.Sprintf("Side effect %d", i+1)
		add(f+".kind", l, e.Kind)
		add(f+".severity", l+": severity", string(e.Severity))
		add(f+".during_session", l+": during the session", yesNo(e.DuringSession))
		add(f+".onset", l+": started on", e.Onset.String())
	}
	add("no_side_effects", "No side effects observed", yesNo(se.NoSideEffects))
	pain := ""
	if se.PainScore.Valid {
		pain = num(se.PainScore.V)
	}
	add("pain_score", "Pain score", pain)
	add("aftercare", "Aftercare given", strings.Join(se.Aftercare, "; "))
	add("aftercare_sheet", "Aftercare sheet version", se.AftercareSheet)
	price := ""
	if se.PriceCents.Valid {
		price = fmt.Sprintf("%d.%02d", se.PriceCents.V/100, se.PriceCents.V%100)
	}
	add("price", "Price", price)
	add("next_due", "Next session due", se.NextDue.String())
	add("notes", "Notes", se.Notes)
	add("photo_refusal", "Why no before photo was taken", se.PhotoRefusal)
	for i, o := range se.Overrides {
		add(fmt.Sprintf("overrides[%d].reason", i), "Reason to go ahead despite "+o.Rule, o.Reason)
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// diffSessions lists the fields whose values differ between two versions of a record. Rows are
// compared by position; overrides by the warning they pass.
func diffSessions(old, next Session, names map[string]string) []FieldChange {
	a, b := sessionFields(old, names), sessionFields(next, names)
	// Overrides are keyed by their label (the rule), not their position.
	key := func(f field) string {
		if strings.HasPrefix(f.key, "overrides[") {
			return "override:" + f.label
		}
		return f.key
	}
	oldByKey := map[string]field{}
	for _, f := range a {
		oldByKey[key(f)] = f
	}
	var out []FieldChange
	seen := map[string]bool{}
	for _, f := range b {
		k := key(f)
		seen[k] = true
		if o, ok := oldByKey[k]; !ok || o.value != f.value {
			out = append(out, FieldChange{Field: f.key, Label: f.label, Old: o.value, New: f.value})
		}
	}
	for _, f := range a {
		if k := key(f); !seen[k] && f.value != "" {
			out = append(out, FieldChange{Field: f.key, Label: f.label, Old: f.value})
		}
	}
	return out
}

// Amendments returns the amendments made to a session, the first first.
func (s *Store) Amendments(ctx context.Context, sessionID string) ([]Amendment, error) {
	return query(ctx, s, "amendments", `SELECT a.id, a.session_id, coalesce(r.n, 0), coalesce(a.practitioner_id, ''), a.at,
		a.reason, a.changes, coalesce(r.prev_hash, ''), coalesce(r.record_hash, '')
		FROM session_amendments a LEFT JOIN amendment_records r ON r.amendment_id = a.id
		WHERE a.session_id = ? ORDER BY r.n, a.at`, []any{sessionID},
		func(r *sql.Rows, a *Amendment) error {
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
func (s *Store) OriginalSession(ctx context.Context, id string) (Session, error) {
	return s.SessionVersion(ctx, id, 0)
}

// SessionVersion returns a signed session as it stood after its first n amendments (0: as signed).
// It carries the recorded fields and record hash of that version; its side effects are those
// sealed at signing, with their follow-up fields (resolution, treatment, notes) as they are now.
// n at or beyond the number of amendments gives the session as it is.
func (s *Store) SessionVersion(ctx context.Context, id string, n int) (Session, error) {
	cur, err := s.Session(ctx, id)
	if err != nil {
		return Session{}, err
	}
	if n >= cur.Amendments || cur.Status != StatusSigned {
		return cur, nil
	}
	var before, hash string
	err = s.db.QueryRowContext(ctx, `SELECT record_before, prev_hash FROM amendment_records WHERE session_id = ? AND n = ?`,
		id, max(n, 0)+1).Scan(&before, &hash)
	if err != nil {
		return Session{}, fmt.Errorf("session %s before amendment %d: %w", id, n+1, mapError(err))
	}
	old, err := decodeRecord([]byte(before))
	if err != nil {
		return Session{}, fmt.Errorf("session %s before amendment %d: %w", id, n+1, err)
	}
	old.RecordHash, old.CreatedAt, old.UpdatedAt, old.Version = hash, cur.CreatedAt, cur.UpdatedAt, cur.Version
	for i := range old.SideEffects {
		e := &old.SideEffects[i]
		if j := slices.IndexFunc(cur.SideEffects, func(c SideEffect) bool { return c.ID == e.ID }); j >= 0 {
			c := cur.SideEffects[j]
			e.Resolved, e.Treatment, e.Notes, e.CreatedAt, e.UpdatedAt = c.Resolved, c.Treatment, c.Notes, c.CreatedAt, c.UpdatedAt
		}
	}
	return old, nil
}
