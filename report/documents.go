package report

import (
	"context"
	"io"

	"needlelog.app/needlelog/data"
)

// The documents as the app and the command line make them: read what they need from the store,
// then write the PDF. Each returns ctx's error when cancelled, even once the PDF was written,
// so that a cancelled export is never taken for a finished one.

// SessionPDF writes a session's record.
func SessionPDF(ctx context.Context, store *data.Store, sessionID string, w io.Writer) error {
	r, err := LoadSession(ctx, store, sessionID)
	if err != nil {
		return err
	}
	return done(ctx, WriteSessionRecord(w, r))
}

// HistoryPDF writes a client's history.
func HistoryPDF(ctx context.Context, store *data.Store, clientID string, w io.Writer) error {
	h, err := LoadClientHistory(ctx, store, clientID)
	if err != nil {
		return err
	}
	return done(ctx, WriteClientHistory(w, h))
}

// AftercarePDF writes the aftercare sheet of a session.
func AftercarePDF(ctx context.Context, store *data.Store, sessionID string, w io.Writer) error {
	a, err := LoadAftercare(ctx, store, sessionID)
	if err != nil {
		return err
	}
	return done(ctx, WriteAftercare(w, a))
}

// RecallPDF writes the recall report of a lot, read at the time of writing.
func RecallPDF(ctx context.Context, store *data.Store, lot string, w io.Writer) error {
	rows, err := store.LotRecall(ctx, lot)
	if err != nil {
		return err
	}
	return done(ctx, WriteRecall(w, lot, rows))
}

func done(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	return ctx.Err()
}
