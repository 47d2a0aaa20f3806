package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
)

// SafetyInputFor gathers what CheckSafety needs for a session: its client with their history, the
// practice's rules and lists, lots in stock, and the client's other sessions. The session is put in
// as given; an editor replaces it with the form's values before each check.
func (s *Store) SafetyInputFor(ctx context.Context, se data.Session) (data.SafetyInput, error) {
	cat, err := s.Catalog(ctx)
	if err != nil {
		return data.SafetyInput{}, err
	}
	in := cat.SafetyInput(se, data.DateOf(s.now()))
	if se.ClientID != "" {
		if in.Client, err = s.Client(ctx, se.ClientID); err != nil {
			return data.SafetyInput{}, err
		}
		if in.Sessions, err = pastSessions(ctx, s.db, se.ClientID); err != nil {
			return data.SafetyInput{}, err
		}
	}
	return in, nil
}

// scanAll runs a query and hands each row to scan.
func scanAll(ctx context.Context, q querier, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pastSessions lists a client's sessions with the zones each treated, oldest first.
func pastSessions(ctx context.Context, q querier, clientID string) ([]data.PastSession, error) {
	var out []data.PastSession
	err := scanAll(ctx, q, `SELECT s.id, s.started_at, z.zone FROM sessions s JOIN session_zones z ON z.session_id = s.id
		WHERE s.client_id = ? ORDER BY s.started_at, s.id, z.position`, []any{clientID}, func(r *sql.Rows) error {
		var id, zone string
		var at time.Time
		if err := r.Scan(&id, timeCol{&at}, &zone); err != nil {
			return err
		}
		if n := len(out); n == 0 || out[n-1].ID != id {
			out = append(out, data.PastSession{ID: id, StartedAt: at})
		}
		out[len(out)-1].Zones = append(out[len(out)-1].Zones, zone)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sessions of client %s: %w", clientID, err)
	}
	return out, nil
}

// screeningClient reads what screening needs of a client, in one query: their skin type, consent
// and history.
func screeningClient(ctx context.Context, q querier, id string) (data.Client, error) {
	c := data.Client{ID: id}
	found := false
	err := scanAll(ctx, q, `SELECT c.fitzpatrick, c.consent_form, c.consent_version, c.consent_signed, c.archived_at,
		h.id, h.condition, h.since, h.until, h.notes
		FROM clients c LEFT JOIN client_history h ON h.client_id = c.id WHERE c.id = ? ORDER BY h.position`,
		[]any{id}, func(r *sql.Rows) error {
			var hid, condition, notes sql.NullString
			var h data.HistoryEntry
			err := r.Scan(&c.Fitzpatrick, &c.Consent.Form, &c.Consent.Version, dateCol{&c.Consent.Signed}, timeCol{&c.ArchivedAt},
				&hid, &condition, dateCol{&h.Since}, dateCol{&h.Until}, &notes)
			if err == nil && hid.Valid {
				h.ID, h.Condition, h.Notes = hid.String, condition.String, notes.String
				c.History = append(c.History, h)
			}
			found = true
			return err
		})
	switch {
	case err != nil:
		return data.Client{}, fmt.Errorf("client %s: %w", id, err)
	case !found:
		return data.Client{}, fmt.Errorf("client %s: %w", id, data.ErrNotFound)
	}
	return c, nil
}

// SafetyInputFor is Store.SafetyInputFor inside the batch, which sees the batch's own writes. The
// practice's lists are read once per batch.
func (b *Batch) SafetyInputFor(se data.Session) (data.SafetyInput, error) {
	in, err := b.blockInput(se)
	if err == nil && se.ClientID != "" {
		in.Sessions, err = pastSessions(b.ctx, b.q(), se.ClientID)
	}
	return in, err
}

// blockInput is SafetyInputFor without the client's past sessions: enough to find the blocks.
func (b *Batch) blockInput(se data.Session) (data.SafetyInput, error) {
	if b.catalog == nil {
		cat, err := b.Catalog()
		if err != nil {
			return data.SafetyInput{}, err
		}
		b.catalog = &cat
	}
	in := b.catalog.SafetyInput(se, data.DateOf(b.store.now()))
	if se.ClientID != "" {
		var err error
		// A client that does not exist has no history; saving the session then says which reference is wrong.
		if in.Client, err = screeningClient(b.ctx, b.q(), se.ClientID); err != nil && !errors.Is(err, data.ErrNotFound) {
			return data.SafetyInput{}, err
		}
	}
	return in, nil
}

// tidyOverrides trims reasons and fills in who passed each block and when.
func (b *Batch) tidyOverrides(se *data.Session, now time.Time) {
	for i := range se.Overrides {
		o := &se.Overrides[i]
		o.Rule = strings.TrimSpace(o.Rule)
		o.Reason = strings.TrimSpace(o.Reason)
		if o.PractitionerID == "" {
			o.PractitionerID = cmp.Or(b.actor, se.PractitionerID)
		}
		if o.At.IsZero() {
			o.At = now
		}
	}
}

// checkBlocks refuses a session with a block that no override passes, with the warning beside its
// field, and overrides without a reason.
func (b *Batch) checkBlocks(se *data.Session) error {
	if err := data.CheckOverrides(se.Overrides); err != nil {
		return err
	}
	in, err := b.blockInput(*se)
	if err != nil {
		return err
	}
	return data.CheckBlocks(in, se.Overrides)
}

// saveOverrides stores the session's overrides, replacing those stored, and logs each one given
// or withdrawn.
func (b *Batch) saveOverrides(se *data.Session, replace bool) error {
	var stored []data.Override
	if replace {
		var err error
		if stored, err = loadOverrides(b.ctx, b.q(), se.ID); err != nil {
			return err
		}
		if len(stored) == 0 && len(se.Overrides) == 0 {
			return nil
		}
		if _, err := b.exec(`DELETE FROM session_overrides WHERE session_id = ?`, se.ID); err != nil {
			return fmt.Errorf("save overrides: %w", err)
		}
	}
	same := func(a, o data.Override) bool { return a.Rule == o.Rule && a.Reason == o.Reason }
	for _, o := range se.Overrides {
		_, err := b.exec(`INSERT INTO session_overrides (id, session_id, rule, reason, practitioner_id, at)
			VALUES (?, ?, ?, ?, ?, ?)`, newID(), se.ID, o.Rule, o.Reason, nullID(o.PractitionerID), data.TimeText(o.At))
		if err != nil {
			return fmt.Errorf("save override of %s: %w", o.Rule, err)
		}
		if !slices.ContainsFunc(stored, func(s data.Override) bool { return same(s, o) }) {
			if err := b.audit(data.ActionOverride, "session", se.ID, o.Rule+"; reason: "+o.Reason); err != nil {
				return err
			}
		}
	}
	for _, s := range stored {
		if !slices.ContainsFunc(se.Overrides, func(o data.Override) bool { return same(s, o) }) {
			if err := b.audit(data.ActionOverride, "session", se.ID, "withdrawn: "+s.Rule); err != nil {
				return err
			}
		}
	}
	return nil
}

func loadOverrides(ctx context.Context, q querier, sessionID string) ([]data.Override, error) {
	var out []data.Override
	err := scanAll(ctx, q, `SELECT rule, reason, coalesce(practitioner_id, ''), at FROM session_overrides
		WHERE session_id = ? ORDER BY at, rule`, []any{sessionID}, func(r *sql.Rows) error {
		var o data.Override
		err := r.Scan(&o.Rule, &o.Reason, &o.PractitionerID, timeCol{&o.At})
		out = append(out, o)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("overrides of session %s: %w", sessionID, err)
	}
	return out, nil
}
