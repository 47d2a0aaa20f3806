package data

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrWrongPassphrase is a passphrase that does not match, or a practitioner who cannot sign
	// in at all (unknown or retired): the two are not told apart.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrNoPassphrase is a sign-in by a practitioner who has not set a passphrase yet.
	ErrNoPassphrase = errors.New("practitioner has no passphrase yet")
	// ErrFirstPassphraseNeedsAdmin is a first passphrase (or the first after a reset) set for a
	// practitioner while others have passphrases, by anyone but another admin who has one.
	ErrFirstPassphraseNeedsAdmin = errors.New("once the practice uses passphrases, an admin must confirm a practitioner's first one")
	// ErrResetNotAllowed is a reset asked by someone other than another practitioner with the admin role.
	ErrResetNotAllowed = errors.New("only another practitioner with the admin role can reset a passphrase")
)

// ErrNotSignedIn is a write attributed to a practitioner who has a signing key that is not
// unlocked: their entries must be signed, so they sign in (again) first.
var ErrNotSignedIn = errors.New("the practitioner is not signed in: their changes are signed with a key only their passphrase unlocks; sign in again")

// DamagedRecordError is a record one of whose stored lists cannot be read. It names the record
// and the field, never the stored value.
type DamagedRecordError struct{ Kind, ID, Field string }

func (e *DamagedRecordError) Error() string {
	return e.What() + "; restore a backup or run needlelog check"
}

func (e *DamagedRecordError) What() string {
	return fmt.Sprintf("%s %s has a damaged %s list", e.Kind, e.ID, e.Field)
}

// Is makes errors.Is(err, ErrDamaged) hold.
func (e *DamagedRecordError) Is(target error) bool { return target == ErrDamaged }

// ErrForeignSchema is a Needlelog file whose tables, indexes, triggers or views are not the ones
// Needlelog's migrations made for its schema version: something else added, changed or removed
// them. A trigger acts on every write, so such a file is never opened for writing; it still opens
// read-only (triggers do not fire on reads), so that its records can be read and exported.
var ErrForeignSchema = errors.New("the database file's design was changed outside Needlelog")

// SchemaError is ErrForeignSchema with what differs, a clause each, as schemaDifferences says it.
type SchemaError struct{ Differences []string }

func (e *SchemaError) Error() string {
	shown := e.Differences
	if len(shown) > DamageShown {
		shown = append(shown[:DamageShown:DamageShown], fmt.Sprintf("and %d more", len(e.Differences)-DamageShown))
	}
	return ErrForeignSchema.Error() + ": " + strings.Join(shown, "; ")
}

// Is makes errors.Is(err, ErrForeignSchema) hold.
func (e *SchemaError) Is(target error) bool { return target == ErrForeignSchema }

// DamageShown is how many of the problems a quick check finds an error lists: the first few
// say what is wrong; the rest are for the read-only Check.
const DamageShown = 3

// ErrBusy is a write that waited its bounded time for another program's writes to the practice
// (an import on the command line, another window) and gave up.
var ErrBusy = errors.New("the practice is busy with another program's changes (an import, or another window); try again in a moment")
