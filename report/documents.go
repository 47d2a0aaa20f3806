package report

import (
	"context"
	"errors"
	"fmt"
	"io"

	"needlelog.app/needlelog/data"
)

// The documents as the app and the command line make them: read what they need from the store,
// then write the PDF. Each returns ctx's error when cancelled, even once the PDF was written,
// so that a cancelled export is never taken for a finished one.

// SessionPDF writes a session's record.
func SessionPDF(ctx context.Context, store Source, sessionID string, w io.Writer) error {
	r, err := LoadSession(ctx, store, sessionID)
	if err != nil {
		return err
	}
	return logged(ctx, store, "session", sessionID, WriteSessionRecord(w, r))
}

// HistoryPDF writes a client's history.
func HistoryPDF(ctx context.Context, store Source, clientID string, w io.Writer) error {
	h, err := LoadClientHistory(ctx, store, clientID)
	if err != nil {
		return err
	}
	return logged(ctx, store, "client", clientID, WriteClientHistory(w, h))
}

// AftercarePDF writes the aftercare sheet of a session.
func AftercarePDF(ctx context.Context, store Source, sessionID string, w io.Writer) error {
	a, err := LoadAftercare(ctx, store, sessionID)
	if err != nil {
		return err
	}
	return logged(ctx, store, "aftercare", sessionID, WriteAftercare(w, a))
}

// RecallPDF writes the recall report of a lot, read at the time of writing.
func RecallPDF(ctx context.Context, store Source, lot string, w io.Writer) error {
	rows, err := store.LotRecall(ctx, lot)
	if err != nil {
		return err
	}
	return logged(ctx, store, "recall", lot, WriteRecall(w, lot, rows))
}

func done(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	return ctx.Err()
}

// logged ends an export: cancelled or failed, it is not one; done, it goes into the audit log
// (a practice opened read-only is read without being written to, so there it is not logged).
func logged(ctx context.Context, store Source, what, id string, err error) error {
	if err = done(ctx, err); err != nil {
		return err
	}
	if err := store.LogExport(ctx, what, id); err != nil && !errors.Is(err, data.ErrReadOnlyMode) {
		return fmt.Errorf("log the export: %w", err)
	}
	return nil
}

// LoggedExport is logged for exports made by other writers (spreadsheets, archives).
func LoggedExport(ctx context.Context, store Source, what, id string, err error) error {
	return logged(ctx, store, what, id, err)
}
