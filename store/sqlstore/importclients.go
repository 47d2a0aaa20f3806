package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
)

// clientImportBatch is how many clients are saved per transaction: commits (each an fsync) stay
// rare, a cancelled import stops within a moment, and the write lock is held for some tens of
// milliseconds at a time.
const clientImportBatch = 250

// yieldAfter is how long an import leaves the write lock free after holding it for held: long
// enough for another program's write, waiting in SQLite's busy handler (which looks again every
// 100 ms at most), to find it free within a few tries; a quarter of the import's pace.
func yieldAfter(held time.Duration) time.Duration {
	return min(max(held/4, 5*time.Millisecond), 100*time.Millisecond)
}

// ImportClients imports clients from CSV rows with a mapping (see ReadClientCSV and
// GuessClientMapping). Rows are read, checked and saved in transactions of a few hundred; a row
// that fails is reported in Failed with its line and the reason, and the others are imported.
//
// Values are read as follows:
//   - dates of birth as YYYY-MM-DD, or day first as DD/MM/YYYY, DD.MM.YYYY or DD-MM-YYYY, with a
//     four-digit year; a time after the date ("1990-04-02 00:00") is ignored. When the file's
//     dates can only be month first (05/17/1990), nothing is imported and the error says so,
//     rather than read 05/06/1990 as the 5th of June when it meant the 6th of May.
//   - a full name as "First Last" (the last word is the last name) or "Last, First".
//   - Fitzpatrick types as I to VI or 1 to 6; allergies and concerns as lists separated by
//     commas, semicolons or new lines.
//   - a value that starts with ' followed by = + - @ (as Needlelog's own CSV exports write them,
//     to keep spreadsheets from running them) loses the '.
//
// A row is the same client as one already in the practice, and is skipped, when the names are
// the same (ignoring case and accents) and:
//   - both have a date of birth, and it is the same; or otherwise
//   - the row's email is theirs (ignoring case), or its phone number is theirs (digits only), or
//     the row holds no date of birth, email or phone at all: it would add no one new.
//
// Rows earlier in the same file count too, so importing a file twice adds no one twice. Two
// people of the same name with different dates of birth are two clients.
//
// Each batch leaves the write lock free for a moment after it, so that another program's writes
// to the practice are not kept waiting by a long import. When ctx is cancelled, or a batch cannot
// be saved, the batches already saved are kept and the result says how far the import came
// (StoppedAt), with ctx's error or one saying so.
func (s *Store) ImportClients(ctx context.Context, rows []data.CSVRow, m data.ClientMapping) (data.ClientImportResult, error) {
	var res data.ClientImportResult
	if err := m.Validate(); err != nil {
		return res, err
	}
	if err := data.CheckDayFirst(rows, m); err != nil {
		return res, err
	}
	known, err := s.clientIdentities(ctx)
	if err != nil {
		return res, err
	}
	now := s.now()
	var batch []pendingClient
	res.Started = true
	flush := func(last bool) error {
		if len(batch) == 0 {
			return nil
		}
		var failed, dups []data.LineError
		began := time.Now()
		err := s.batch(ctx, func(b *Batch) error {
			var err error
			failed, dups, err = b.addClients(batch)
			return err
		})
		if err != nil {
			return err
		}
		res.Imported += len(batch) - len(failed) - len(dups)
		res.Skipped += len(dups)
		res.Duplicates = append(res.Duplicates, dups...)
		res.Failed = append(res.Failed, failed...)
		batch = batch[:0]
		if !last {
			// Leave the write lock free for a moment: another program may be waiting to save.
			t := time.NewTimer(yieldAfter(time.Since(began)))
			defer t.Stop()
			select {
			case <-ctx.Done():
			case <-t.C:
			}
		}
		return nil
	}
	// stop ends an import before the end of the file, saying from which line on nothing was done.
	stop := func(line int, err error) (data.ClientImportResult, error) {
		if len(batch) > 0 {
			line = batch[0].line
		}
		res.StoppedAt = line
		sortLineErrors(&res)
		if ctx.Err() != nil {
			return res, ctx.Err() // a cancelled import: the cancellation, not the statement it interrupted
		}
		return res, fmt.Errorf("the import stopped at line %d (the rows before it are done, that one and the rest are "+
			"not imported): %w", line, err)
	}
	for _, row := range rows {
		if err := ctx.Err(); err != nil {
			return stop(row.Line, err)
		}
		c, blank, msg := data.ClientFromRow(row.Fields, m)
		if !blank {
			res.Read++
		}
		switch {
		case blank:
			res.Blank++
			continue
		case msg != "":
			res.Failed = append(res.Failed, data.LineError{Line: row.Line, Message: msg})
			continue
		}
		c.Tidy()
		if err := c.Validate(now); err != nil {
			res.Failed = append(res.Failed, data.LineError{Line: row.Line, Message: err.Error()})
			continue
		}
		id := data.IdentityOf(c.FirstName, c.LastName, c.DateOfBirth.String(), c.Email, c.Phone)
		if match, ok := known.Find(id); ok {
			res.Skipped++
			res.Duplicates = append(res.Duplicates, data.LineError{Line: row.Line, Message: "already a client: " + match.Describe()})
			continue
		}
		known.Add(id)
		batch = append(batch, pendingClient{row.Line, c, id})
		if len(batch) == clientImportBatch {
			if err := flush(false); err != nil {
				return stop(row.Line, err)
			}
		}
	}
	if err := flush(true); err != nil {
		return stop(0, err)
	}
	sortLineErrors(&res)
	return res, nil
}

// pendingClient is a row of an import waiting for its batch to be saved.
type pendingClient struct {
	line   int
	client data.Client
	id     data.ClientIdentity
}

// addClients adds a batch of an import's clients, but those already there: the rows that failed
// and those found to be duplicates.
func (b *Batch) addClients(batch []pendingClient) (failed, dups []data.LineError, err error) {
	// Another writer (a second import, the app) may have added some of these clients since
	// the identities were read: they are looked for again in the transaction that adds them,
	// which holds the write lock from its start, so no one can add them in between.
	names := make([]string, len(batch))
	for i := range batch {
		names[i] = batch[i].id.Name
	}
	there, err := b.clientsNamed(names)
	if err != nil {
		return nil, nil, err
	}
	for i := range batch {
		if match, found := there.Find(batch[i].id); found {
			dups = append(dups, data.LineError{Line: batch[i].line, Message: "already a client: " + match.Describe()})
			continue
		}
		err := b.CreateClient(&batch[i].client)
		var ve *data.ValidationError
		if errors.As(err, &ve) { // validated already; the clock may have moved on
			failed = append(failed, data.LineError{Line: batch[i].line, Message: ve.Error()})
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", batch[i].line, err)
		}
	}
	return failed, dups, nil
}

// sortLineErrors puts the rows not imported, and those found already there, in the file's order.
func sortLineErrors(res *data.ClientImportResult) {
	byLine := func(a, b data.LineError) int { return a.Line - b.Line }
	slices.SortStableFunc(res.Failed, byLine)
	slices.SortStableFunc(res.Duplicates, byLine)
}

// ImportClientsCSV reads a CSV file of clients and imports it with the guessed mapping: the
// command line's import, where there is no one to correct the mapping.
func (s *Store) ImportClientsCSV(ctx context.Context, r io.Reader) (data.ClientImportResult, data.ClientMapping, error) {
	f, err := data.ReadClientCSV(r)
	if err != nil {
		return data.ClientImportResult{}, nil, err
	}
	m := data.GuessClientMapping(f.Header)
	if err := m.Validate(); err != nil {
		return data.ClientImportResult{}, m, fmt.Errorf("%w; the columns are: %s", err, strings.Join(f.Header, ", "))
	}
	res, err := s.ImportClients(ctx, f.Rows, m)
	return res, m, err
}

// clientsNamed reads, within the batch's transaction, the identities of the clients (archived ones
// too) whose folded names are among names.
func (b *Batch) clientsNamed(names []string) (data.ClientIndex, error) {
	ix := data.ClientIndex{}
	args := make([]any, 0, len(names))
	for _, n := range slices.Compact(slices.Sorted(slices.Values(names))) {
		args = append(args, n)
	}
	if len(args) == 0 {
		return ix, nil
	}
	rows, err := b.tx.QueryContext(b.ctx, `SELECT first_name, last_name, date_of_birth, email, phone FROM clients
		WHERE sort_key IN (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("look for clients already in the practice: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var first, last, dob, email, phone string
		if err := rows.Scan(&first, &last, &dob, &email, &phone); err != nil {
			return nil, fmt.Errorf("look for clients already in the practice: %w", mapError(err))
		}
		ix.Add(data.IdentityOf(first, last, dob, email, phone))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look for clients already in the practice: %w", mapError(err))
	}
	return ix, nil
}

// clientIdentities reads every client's identity, archived clients too.
func (s *Store) clientIdentities(ctx context.Context) (data.ClientIndex, error) {
	ix := data.ClientIndex{}
	type row struct{ first, last, dob, email, phone string }
	rows, err := query(ctx, s, "clients", `SELECT first_name, last_name, date_of_birth, email, phone FROM clients`, nil,
		func(r *sql.Rows, v *row) error { return r.Scan(&v.first, &v.last, &v.dob, &v.email, &v.phone) })
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		ix.Add(data.IdentityOf(r.first, r.last, r.dob, r.email, r.phone))
	}
	return ix, nil
}
