package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
)

// How the commands open the practice at --db: every command opens it through one of these. --db is
// a database file, or the URL of a practice on the clinic's server (practice.IsServer).

// opened is a practice a command opened: a file's (*sqlite.Store) or the clinic's server's
// (*postgres.Store). Commands that need what only a file has ask for *sqlite.Store.
type opened interface {
	practice.CopyStore
}

// openToRead opens the practice at db for a command that only reads it. A file is opened
// read-only, so that it works while the app has the file open, and never changes the file.
func openToRead(ctx context.Context, db string) (opened, error) {
	if practice.IsServer(db) {
		return openServer(ctx, db, func(o postgres.Options) (opened, func(), error) {
			s, err := postgres.Open(ctx, db, o)
			if err != nil {
				return nil, nil, err
			}
			return s, func() { s.Close() }, nil //nolint:errcheck // read only
		})
	}
	s, err := sqlite.Open(ctx, db, sqlite.Options{ReadOnly: true})
	if err != nil {
		return nil, openError(db, err)
	}
	return s, nil
}

// openToWrite opens the practice at db for a command that writes to it, claiming it for the
// command's run as the app does: no two write it at once, and a restore cannot set it aside under
// the command (on the clinic's server, the claim is this PC's). release closes the store, then
// gives up the claim.
func openToWrite(ctx context.Context, db string) (s opened, release func(), err error) {
	if practice.IsServer(db) {
		var release func()
		s, err := openServer(ctx, db, func(o postgres.Options) (opened, func(), error) {
			s, claim, err := practice.OpenServer(ctx, db, o)
			if err != nil {
				return nil, nil, err
			}
			release = func() {
				s.Close()       //nolint:errcheck // what was written was committed, and said, already
				claim.Release() //nolint:errcheck // the process ends next, which lets go of it anyway
			}
			return s, release, nil
		})
		if err != nil {
			return nil, nil, err
		}
		return s, release, nil
	}
	f, claim, err := practice.Open(ctx, db, sqlite.Options{})
	if err != nil {
		return nil, nil, openError(db, err)
	}
	return f, func() {
		f.Close()       //nolint:errcheck // what was written was committed, and said, already
		claim.Release() //nolint:errcheck // the process ends next, which lets go of it anyway
	}, nil
}

// openToExport opens the practice at db for an export, which writes to it too: the audit log
// records every export. Exports are the one kind of writing command decided here to run while the
// app (or another command) has the practice claimed (a nightly archive of a PC left on): unclaimed
// then, as all they write is their one audit entry, which SQLite orders with the holder's writes.
// When the practice is free, the export claims it like any writer, which keeps a restore away. On
// the clinic's server, where PCs write at once, an export never needs the claim.
func openToExport(ctx context.Context, db string) (s opened, release func(), err error) {
	if practice.IsServer(db) {
		var release func()
		s, err := openServer(ctx, db, func(o postgres.Options) (opened, func(), error) {
			s, err := postgres.Open(ctx, db, o)
			if err != nil {
				return nil, nil, err
			}
			release = func() { s.Close() } //nolint:errcheck // what was written was committed already
			return s, release, nil
		})
		return s, release, err
	}
	s, release, err = openToWrite(ctx, db)
	// An old copy left by a move is exported too: what is written is only the export's entry.
	if errors.Is(err, data.ErrInUse) || errors.Is(err, practice.ErrMoved) {
		var f *sqlite.Store
		if f, err = sqlite.Open(ctx, db, sqlite.Options{}); err == nil {
			s, release = f, func() { f.Close() } //nolint:errcheck // what was written was committed already
		}
	}
	if err != nil {
		return nil, nil, openError(db, err)
	}
	return s, release, nil
}

// shown is db as output names it: a file by its quoted path, a server by its URL without a password.
func shown(db string) string {
	if practice.IsServer(db) {
		return postgres.Redacted(db)
	}
	return quote(db)
}

// named is the practice at db as output names it: a file by its quoted path, a practice on the
// clinic's server by its URL, which never holds a password (refused before opening).
func named(s opened, db string) string {
	if f, ok := s.(*sqlite.Store); ok {
		return quote(f.Path())
	}
	return postgres.Redacted(db)
}

// fileOf is the file of the practice in s, or a sentence saying that cmd works on files only.
func fileOf(s opened, cmd, instead string) (*sqlite.Store, error) {
	if f, ok := s.(*sqlite.Store); ok {
		return f, nil
	}
	return nil, onlyFiles{cmd, instead}
}

// onlyFiles is a command, or a form of one, that works on a practice's file only, given a server's URL.
type onlyFiles struct{ cmd, instead string }

func (o onlyFiles) Error() string {
	return fmt.Sprintf("%s works on a practice's file, not on the clinic's server: %s", o.cmd, o.instead)
}

// refuseServer refuses, with a sentence and exit code 2, a server URL given to a command (or a
// form of one) that only works on a file: true when it did.
func refuseServer(errOut io.Writer, cmd, db, instead string) bool {
	if !practice.IsServer(db) {
		return false
	}
	fmt.Fprintf(errOut, "needlelog %s: %s\n", cmd, onlyFiles{cmd, instead}.Error())
	return true
}

// errPasswordInURL is a server URL with a password in it: never taken from a command line.
var errPasswordInURL = errors.New("a password is never given in the URL, where other users and the shell's history would see it: " +
	"put it in the variable " + postgres.PasswordEnv + " or in the password file (.pgpass in your home folder, " +
	"or the file PGPASSFILE names), or leave it out to be asked for it")

// hasPassword says whether the server URL db carries a password.
func hasPassword(db string) bool {
	u, err := url.Parse(db)
	if err != nil {
		return false
	}
	_, ok := u.User.Password()
	return ok || u.Query().Has("password")
}

// stdinIsTerminal says whether a person is there to be asked for a password; tests set it.
var stdinIsTerminal = func() bool { return term.IsTerminal(int(os.Stdin.Fd())) }

// readPassword asks for the server's password on the terminal, without echo; tests set it.
var readPassword = func(prompt string) (string, error) {
	fmt.Fprint(os.Stderr, prompt)
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	return string(b), err
}

// openServer opens the practice on the clinic's server at db through open, refusing a URL with a
// password in it, and asking for the password on the terminal when the server wants one that
// neither NEEDLELOG_DB_PASSWORD nor the password file gave.
func openServer(ctx context.Context, db string, open func(postgres.Options) (opened, func(), error)) (opened, error) {
	if hasPassword(db) {
		return nil, errPasswordInURL
	}
	s, _, err := open(postgres.Options{})
	if errors.Is(err, postgres.ErrLoginRefused) && os.Getenv(postgres.PasswordEnv) == "" && stdinIsTerminal() {
		var pass string
		user := "the user"
		if u, perr := url.Parse(db); perr == nil && u.User != nil {
			user = fmt.Sprintf("%q", u.User.Username())
		}
		if pass, err = readPassword(fmt.Sprintf("Password of %s on the clinic's server: ", user)); err != nil {
			return nil, fmt.Errorf("read the password: %w", err)
		}
		s, _, err = open(postgres.Options{Password: pass})
	}
	if err != nil {
		return nil, err
	}
	return s, nil
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
			"writing to it); close it, or %s.\n", cmd, shown(db), instead)
		return 1
	}
	return fail(errOut, cmd, err)
}
