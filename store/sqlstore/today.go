package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"needlelog.app/needlelog/data"
)

// Today reads the day's work. practitionerID, the one signed in ("" when none), has their own
// unsigned sessions listed first. limit caps each list (TodayLimit when 0 or less).
func (s *Store) Today(ctx context.Context, practitionerID string, limit int) (data.TodayList, error) {
	if limit <= 0 {
		limit = data.TodayLimit
	}
	today := data.DateOf(s.now())
	weekEnd := today.AddDays(6)
	t := data.TodayList{Today: today, WeekEnd: weekEnd}
	var err error

	due, dueArgs := `next_due >= ? AND next_due <= ?`, []any{today.String(), weekEnd.String()}
	overdue, overdueArgs := `next_due < ?`, []any{today.String()}
	if t.Due, err = s.dueClients(ctx, due, dueArgs, `next_due, sort_key, id`, limit); err != nil {
		return t, fmt.Errorf("read who is due this week: %w", err)
	}
	if t.Overdue, err = s.dueClients(ctx, overdue, overdueArgs, `next_due DESC, sort_key, id`, limit); err != nil {
		return t, fmt.Errorf("read who is overdue: %w", err)
	}

	counts := []struct {
		n     *int
		query string
		args  []any
	}{
		{&t.DueCount, `SELECT count(*) FROM clients WHERE ` + currentDue + ` AND ` + due, dueArgs},
		{&t.OverdueCount, `SELECT count(*) FROM clients WHERE ` + currentDue + ` AND ` + overdue, overdueArgs},
		{&t.UnsignedCount, `SELECT count(*) FROM sessions WHERE status = 'draft'`, nil},
		{&t.SideEffectCount, `SELECT count(*) FROM side_effects WHERE resolved = ''`, nil},
		{&t.DraftCount, `SELECT count(*) FROM drafts`, nil},
	}
	for _, c := range counts {
		if err := s.db.QueryRowContext(ctx, c.query, c.args...).Scan(c.n); err != nil {
			return t, fmt.Errorf("count the day's work: %w", mapError(err))
		}
	}

	// The signed-in practitioner's own first, then everyone else's: two reads through the
	// partial indexes of unsigned sessions, rather than a sort of them all.
	if practitionerID != "" {
		if t.Unsigned, err = s.unsignedSessions(ctx, `s.practitioner_id = ?`, practitionerID, limit); err != nil {
			return t, err
		}
	}
	if n := limit - len(t.Unsigned); n > 0 {
		rest, err := s.unsignedSessions(ctx, `s.practitioner_id IS DISTINCT FROM ?`, practitionerID, n)
		if err != nil {
			return t, err
		}
		t.Unsigned = append(t.Unsigned, rest...)
	}

	t.SideEffects, err = query(ctx, s, "side effects awaiting follow-up", `SELECT e.id, e.session_id, s.client_id,
		c.first_name, c.last_name, e.kind, e.severity, e.onset
		FROM side_effects e JOIN sessions s ON s.id = e.session_id JOIN clients c ON c.id = s.client_id
		WHERE e.resolved = ''
		ORDER BY e.onset DESC, e.id DESC LIMIT ?`, []any{limit},
		func(r *sql.Rows, v *data.OpenSideEffect) error {
			var first, last string
			err := r.Scan(&v.ID, &v.SessionID, &v.ClientID, &first, &last, &v.Kind, &v.Severity, dateCol{&v.Onset})
			v.ClientName = data.JoinName(first, last)
			return err
		})
	if err != nil {
		return t, err
	}

	t.Drafts, err = query(ctx, s, "open session forms", `SELECT d.id, d.client_id, c.first_name, c.last_name,
		coalesce(d.session_id, ''), d.updated_at
		FROM drafts d JOIN clients c ON c.id = d.client_id
		ORDER BY d.updated_at DESC, d.id LIMIT ?`, []any{limit},
		func(r *sql.Rows, v *data.OpenDraft) error {
			var first, last string
			err := r.Scan(&v.DraftID, &v.ClientID, &first, &last, &v.SessionID, timeCol{&v.UpdatedAt})
			v.ClientName = data.JoinName(first, last)
			return err
		})
	return t, err
}

// unsignedSessions lists sessions not signed yet whose practitioner matches cond, the newest first.
func (s *Store) unsignedSessions(ctx context.Context, cond, practitionerID string, limit int) ([]data.LooseSession, error) {
	return query(ctx, s, "unsigned sessions", `SELECT s.id, s.client_id, c.first_name, c.last_name,
		s.started_at, coalesce(s.practitioner_id, ''), coalesce(p.name, '')
		FROM sessions s JOIN clients c ON c.id = s.client_id LEFT JOIN practitioners p ON p.id = s.practitioner_id
		WHERE s.status = 'draft' AND `+cond+`
		ORDER BY s.started_at DESC, s.id DESC LIMIT ?`, []any{practitionerID, limit},
		func(r *sql.Rows, v *data.LooseSession) error {
			var first, last string
			err := r.Scan(&v.SessionID, &v.ClientID, &first, &last, timeCol{&v.StartedAt}, &v.PractitionerID, &v.PractitionerName)
			v.ClientName = data.JoinName(first, last)
			return err
		})
}

// currentDue are the clients who are current and have a next due date: those Today lists.
const currentDue = `archived_at = '' AND next_due <> ''`

// dueClients lists current clients with a due date matching cond, through the clients_due index.
func (s *Store) dueClients(ctx context.Context, cond string, args []any, order string, limit int) ([]data.ClientSummary, error) {
	return query(ctx, s, "clients due", `SELECT `+clientSummaryColumns+` FROM clients WHERE `+currentDue+` AND `+cond+
		` ORDER BY `+order+` LIMIT ?`, append(slices.Clone(args), limit), scanClientSummary)
}

// SetupProgress reads which of a new practice's first steps are done. A new practice starts with
// generic devices and products, so those steps are done once the practice saved one of its own
// (the audit log says so); it is meant for a practice still setting up, whose log is short.
func (s *Store) SetupProgress(ctx context.Context) (data.SetupProgress, error) {
	var p data.SetupProgress
	err := s.db.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM settings WHERE key = ? AND trim(`+s.d.settingText()+`) <> ''),
		EXISTS (SELECT 1 FROM practitioners WHERE retired = 0),
		EXISTS (SELECT 1 FROM practitioners WHERE retired = 0 AND passphrase_hash <> ''),
		EXISTS (SELECT 1 FROM audit_log WHERE entity = 'device'),
		EXISTS (SELECT 1 FROM audit_log WHERE entity IN ('product', 'product_lot'))`, data.SettingClinicName).
		Scan(&p.Clinic, &p.Practitioner, &p.Passphrase, &p.Device, &p.Product)
	if err != nil {
		return p, fmt.Errorf("read the practice's setup: %w", mapError(err))
	}
	return p, nil
}

// CountClients counts the clients a ClientQuery lists, over all its pages.
func (s *Store) CountClients(ctx context.Context, q data.ClientQuery) (int, error) {
	where, args, ok := s.clientWhere(q)
	if !ok {
		return 0, nil
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM clients WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count clients: %w", mapError(err))
	}
	return n, nil
}
