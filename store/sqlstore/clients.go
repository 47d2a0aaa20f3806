package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"

	"needlelog.app/needlelog/data"
)

// saveCopy runs one batch write on a copy of v, and hands the saved copy back only once it is
// committed, so a failed save leaves the caller's record (its version in particular) as it was.
func saveCopy[T any](ctx context.Context, s *Store, v *T, write func(*Batch, *T) error) error {
	cp := *v
	if err := s.batch(ctx, func(b *Batch) error { return write(b, &cp) }); err != nil {
		return err
	}
	*v = cp
	return nil
}

// CreateClient validates and saves a new client, giving it an ID when it has none.
func (s *Store) CreateClient(ctx context.Context, c *data.Client) error {
	return saveCopy(ctx, s, c, (*Batch).CreateClient)
}

// UpdateClient validates and saves changes to a client. It fails with ErrConflict when the
// client was changed elsewhere since c was loaded.
func (s *Store) UpdateClient(ctx context.Context, c *data.Client) error {
	return saveCopy(ctx, s, c, (*Batch).UpdateClient)
}

// CreateClient adds a new client to the batch.
func (b *Batch) CreateClient(c *data.Client) error {
	now := b.store.now()
	c.Tidy()
	if err := c.Validate(now); err != nil {
		return err
	}
	if c.ID == "" {
		c.ID = newID()
	}
	c.CreatedAt, c.UpdatedAt, c.Version = now, now, 1
	_, err := b.exec(`INSERT INTO clients (id, first_name, last_name, sort_key, date_of_birth, phone, phone_digits,
		email, fitzpatrick, concerns, medications, allergies, medical_notes, consent_form, consent_version,
		consent_signed, photo_consent, notes, archived_at, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.FirstName, c.LastName, sortKey(c.FirstName, c.LastName), c.DateOfBirth.String(), c.Phone, data.DigitsOf(c.Phone),
		c.Email, c.Fitzpatrick, jsonList(c.Concerns), c.Medications, jsonList(c.Allergies), c.MedicalNotes,
		c.Consent.Form, c.Consent.Version, c.Consent.Signed.String(), string(c.PhotoConsent), c.Notes, data.TimeText(c.ArchivedAt),
		data.TimeText(now), data.TimeText(now), c.Version)
	if err != nil {
		return fmt.Errorf("save client %s: %w", c.Name(), err)
	}
	if err := b.writeHistory(c); err != nil {
		return err
	}
	return b.audit(data.ActionCreate, "client", c.ID, "")
}

// UpdateClient saves changes to a client in the batch.
func (b *Batch) UpdateClient(c *data.Client) error {
	now := b.store.now()
	c.Tidy()
	if err := c.Validate(now); err != nil {
		return err
	}
	res, err := b.exec(`UPDATE clients SET first_name = ?, last_name = ?, sort_key = ?, date_of_birth = ?, phone = ?,
		phone_digits = ?, email = ?, fitzpatrick = ?, concerns = ?, medications = ?, allergies = ?, medical_notes = ?,
		consent_form = ?, consent_version = ?, consent_signed = ?, photo_consent = ?, notes = ?, archived_at = ?,
		updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		c.FirstName, c.LastName, sortKey(c.FirstName, c.LastName), c.DateOfBirth.String(), c.Phone, data.DigitsOf(c.Phone),
		c.Email, c.Fitzpatrick, jsonList(c.Concerns), c.Medications, jsonList(c.Allergies), c.MedicalNotes,
		c.Consent.Form, c.Consent.Version, c.Consent.Signed.String(), string(c.PhotoConsent), c.Notes, data.TimeText(c.ArchivedAt),
		data.TimeText(now), c.ID, c.Version)
	if err != nil {
		return fmt.Errorf("save client %s: %w", c.Name(), err)
	}
	if err := b.updated(res, "clients", c.ID); err != nil {
		return fmt.Errorf("save client %s: %w", c.Name(), err)
	}
	c.UpdatedAt = now
	c.Version++
	if _, err := b.exec(`DELETE FROM client_history WHERE client_id = ?`, c.ID); err != nil {
		return err
	}
	if err := b.writeHistory(c); err != nil {
		return err
	}
	return b.audit(data.ActionUpdate, "client", c.ID, "")
}

func (b *Batch) writeHistory(c *data.Client) error {
	for i := range c.History {
		h := &c.History[i]
		if h.ID == "" {
			h.ID = newID()
		}
		_, err := b.exec(`INSERT INTO client_history (id, client_id, position, condition, since, until, notes)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, h.ID, c.ID, i, h.Condition, h.Since.String(), h.Until.String(), h.Notes)
		if err != nil {
			return fmt.Errorf("save medical history of %s: %w", c.Name(), err)
		}
	}
	return nil
}

// sortKey orders clients by last name then first, ignoring case and accents ("Ängel" sorts with "Angel").
func sortKey(first, last string) string {
	return data.ClientNameKey(first, last)
}

const clientColumns = `id, first_name, last_name, date_of_birth, phone, email, fitzpatrick, concerns, medications,
	allergies, medical_notes, consent_form, consent_version, consent_signed, photo_consent, notes, archived_at,
	created_at, updated_at, version`

// Client returns the client with the given ID, with their medical history.
func (s *Store) Client(ctx context.Context, id string) (data.Client, error) {
	var c data.Client
	err := s.db.QueryRowContext(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, id).Scan(
		&c.ID, &c.FirstName, &c.LastName, dateCol{&c.DateOfBirth}, &c.Phone, &c.Email, &c.Fitzpatrick, listCol{&c.Concerns, "concerns"},
		&c.Medications, listCol{&c.Allergies, "allergies"}, &c.MedicalNotes, &c.Consent.Form, &c.Consent.Version,
		dateCol{&c.Consent.Signed}, &c.PhotoConsent, &c.Notes, timeCol{&c.ArchivedAt}, timeCol{&c.CreatedAt},
		timeCol{&c.UpdatedAt}, &c.Version)
	if d := damagedRecord(err, "client", id); d != nil {
		return data.Client{}, d
	} else if err != nil {
		return data.Client{}, fmt.Errorf("client %s: %w", id, mapError(err))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, condition, since, until, notes FROM client_history
		WHERE client_id = ? ORDER BY position`, id)
	if err != nil {
		return data.Client{}, fmt.Errorf("medical history of client %s: %w", id, mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var h data.HistoryEntry
		if err := rows.Scan(&h.ID, &h.Condition, dateCol{&h.Since}, dateCol{&h.Until}, &h.Notes); err != nil {
			return data.Client{}, err
		}
		c.History = append(c.History, h)
	}
	return c, rows.Err()
}

// ListClients returns a page of clients. Pages follow on from the last row of the previous one
// (keyset paging), so any page of a long list costs the same.
// clientSummaryColumns are the columns of clients that scanClientSummary reads, in its order.
const clientSummaryColumns = `id, first_name, last_name, date_of_birth, phone, email, archived_at <> '', sort_key,
	last_session, next_due`

func scanClientSummary(r *sql.Rows, c *data.ClientSummary) error {
	return r.Scan(&c.ID, &c.FirstName, &c.LastName, dateCol{&c.DateOfBirth}, &c.Phone, &c.Email, &c.Archived,
		&c.SortKey, timeCol{&c.LastSession}, dateCol{&c.NextDue})
}

func (s *Store) ListClients(ctx context.Context, q data.ClientQuery) ([]data.ClientSummary, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	cond, args, ok := s.clientWhere(q)
	if !ok {
		return nil, nil // only punctuation: nothing can match
	}
	where := []string{cond}
	var order string
	switch q.Filter {
	case data.AllClients:
		order = `sort_key, id`
		if q.After != nil {
			where = append(where, `(sort_key, id) > (?, ?)`)
			args = append(args, q.After.SortKey, q.After.ID)
		}
	case data.DueClients:
		order = `next_due, sort_key, id`
		if q.After != nil {
			where = append(where, `(next_due, sort_key, id) > (?, ?, ?)`)
			args = append(args, q.After.NextDue.String(), q.After.SortKey, q.After.ID)
		}
	case data.RecentClients:
		order = `last_session DESC, id DESC`
		if q.After != nil {
			where = append(where, `(last_session, id) < (?, ?)`)
			args = append(args, data.TimeText(q.After.LastSession), q.After.ID)
		}
	default:
		return nil, fmt.Errorf("unknown client filter %d", q.Filter)
	}
	query := `SELECT ` + clientSummaryColumns + ` FROM clients WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ?`
	args = append(args, q.Limit)

	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list clients: %w", mapError(err))
	}
	defer rows.Close()
	var out []data.ClientSummary
	for rows.Next() {
		var c data.ClientSummary
		if err := scanClientSummary(rows, &c); err != nil {
			return nil, fmt.Errorf("list clients: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// clientWhere is the condition that picks a ClientQuery's clients, for its pages and its count;
// ok is false when the text can match no one.
func (s *Store) clientWhere(q data.ClientQuery) (cond string, args []any, ok bool) {
	today := data.DateOf(s.now())
	var where []string
	if q.Archived {
		where = append(where, `archived_at <> ''`)
	} else {
		where = append(where, `archived_at = ''`)
	}
	if match, words, digits := searchTerms(q.Text); match != "" || digits != "" {
		var or []string
		if match != "" {
			cond, margs := s.d.clientMatch(match, words)
			or = append(or, cond)
			args = append(args, margs...)
		}
		if digits != "" {
			or = append(or, `phone_digits LIKE ?`)
			args = append(args, "%"+digits+"%")
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	} else if strings.TrimSpace(q.Text) != "" {
		return "", nil, false
	}
	switch q.Filter {
	case data.DueClients:
		if q.DueBy.IsZero() {
			q.DueBy = today
		}
		where = append(where, `next_due <> '' AND next_due <= ?`)
		args = append(args, q.DueBy.String())
	case data.RecentClients:
		if q.Since.IsZero() {
			q.Since = today.AddDays(-30)
		}
		where = append(where, `last_session <> '' AND last_session >= ?`)
		args = append(args, data.TimeText(q.Since.Start()))
	}
	return strings.Join(where, " AND "), args, true
}

// searchTerms turns what a person typed into an FTS5 query that matches each word by its
// beginning, and, when the text looks like part of a phone number, its digits.
func searchTerms(text string) (match string, words []string, digits string) {
	var terms []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '*' || r == '(' || r == ')' || r == ':' || r == '^'
	}) {
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		terms = append(terms, `"`+w+`"*`)
		words = append(words, w)
	}
	match = strings.Join(terms, " ")
	if d := data.DigitsOf(text); len(d) >= 3 && strings.Trim(text, "+0123456789 ()-./") == "" {
		digits = d
	}
	return match, words, digits
}
