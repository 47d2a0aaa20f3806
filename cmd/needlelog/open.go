package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// How the commands open the practice at --db: every command opens it through one of these.

// openToRead opens the practice at db for a command that only reads it. Read-only, so that it
// works while the app has the file open, and never changes the file.
func openToRead(ctx context.Context, db string) (*sqlite.Store, error) {
	s, err := sqlite.Open(ctx, db, sqlite.Options{ReadOnly: true})
	return s, openError(db, err)
}

// openToWrite opens the practice at db for a command that writes to it, claiming it for the
// command's run as the app does: no two write it at once, and a restore cannot set it aside under
// the command. release closes the store, then gives up the claim.
func openToWrite(ctx context.Context, db string) (s *sqlite.Store, release func(), err error) {
	s, claim, err := practice.Open(ctx, db, sqlite.Options{})
	if err != nil {
		return nil, nil, openError(db, err)
	}
	return s, func() {
		s.Close()       //nolint:errcheck // what was written was committed, and said, already
		claim.Release() //nolint:errcheck // the process ends next, which lets go of it anyway
	}, nil
}

// openToExport opens the practice at db for an export, which writes to it too: the audit log
// records every export. Exports are the one kind of writing command decided here to run while the
// app (or another command) has the practice claimed (a nightly archive of a PC left on): unclaimed
// then, as all they write is their one audit entry, which SQLite orders with the holder's writes.
// When the practice is free, the export claims it like any writer, which keeps a restore away.
func openToExport(ctx context.Context, db string) (s *sqlite.Store, release func(), err error) {
	s, release, err = openToWrite(ctx, db)
	// An old copy left by a move is exported too: what is written is only the export's entry.
	if errors.Is(err, data.ErrInUse) || errors.Is(err, practice.ErrMoved) {
		if s, err = sqlite.Open(ctx, db, sqlite.Options{}); err == nil {
			release = func() { s.Close() } //nolint:errcheck // what was written was committed already
		}
	}
	return s, release, openError(db, err)
}

// openError says why the practice at db, as the user gave it, could not be opened, in one sentence
// naming it by its quoted path, rather than the store's "open /abs/path: …". The store's error is
// kept underneath, so that callers still tell its kinds apart (in use, newer schema, damaged…).
func openError(db string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, data.ErrMissing):
		return missingPractice(db)
	}
	return unopened{db, err}
}

// missingPractice is the path given for a practice that does not exist.
type missingPractice string

func (m missingPractice) Error() string { return quote(string(m)) + " does not exist" }
func (m missingPractice) Unwrap() error { return data.ErrMissing }

// unopened is a practice that exists but could not be opened, and the store's reason why.
type unopened struct {
	db  string
	err error
}

func (u unopened) Unwrap() error { return u.err }

func (u unopened) Error() string {
	reason := u.err.Error()
	prefixes := []string{"open " + u.db + ": "}
	if abs, err := filepath.Abs(u.db); err == nil {
		prefixes = append(prefixes, "open "+abs+": ")
	}
	for _, p := range prefixes {
		if r, ok := strings.CutPrefix(reason, p); ok {
			reason = r
			break
		}
	}
	return quote(u.db) + " cannot be opened: " + reason
}

// failToWrite says why a command could not open the practice at db to write to it: when Needlelog
// has it open, in its window or in another command, what to do instead (instead), else the error.
func failToWrite(errOut io.Writer, cmd, db, instead string, err error) int {
	if errors.Is(err, data.ErrInUse) {
		fmt.Fprintf(errOut, "needlelog %s: %s is open in Needlelog on this computer (in its window, or in another command "+
			"writing to it); close it, or %s.\n", cmd, quote(db), instead)
		return 1
	}
	return fail(errOut, cmd, err)
}
