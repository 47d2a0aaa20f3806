// Package data is Needlelog's domain core: the records' types and errors, their validation, the
// safety rules, series and next-due rules, amendment diffs, the signature's canon, the photo
// rules and date parsing.
//
// It imports no database and no Fyne: a store (package store, its SQLite engine in store/sqlite)
// keeps these records, and the desktop UI, the command line and the report encoders reach them
// through the store's interfaces; none of them speaks SQL.
package data

import (
	"context"
	"errors"
)

// Errors that callers can test for with errors.Is. Driver errors are mapped to these at the boundary.
var (
	ErrNotFound     = errors.New("record not found")
	ErrConflict     = errors.New("record was changed elsewhere since it was loaded")
	ErrDuplicate    = errors.New("a record with the same name or number already exists")
	ErrBadReference = errors.New("record refers to another that does not exist")
	ErrSigned       = errors.New("session is signed and can no longer be edited")
	ErrMissing      = errors.New("database file does not exist")
	ErrNotDatabase  = errors.New("file is not a Needlelog database")
	ErrNewerSchema  = errors.New("database was written by a newer version of Needlelog")
	ErrReadOnlyMode = errors.New("database is open read-only")
	ErrReadOnlyFile = errors.New("the database file or its folder cannot be written to")
	ErrDiskFull     = errors.New("the disk is full")
	ErrDamaged      = errors.New("the database file is damaged")
	ErrInUse        = errors.New("the database is open in another Needlelog window")
	ErrNoSpace      = errors.New("not enough free space")
	ErrExists       = errors.New("a file is already there")
)

type actorKey struct{}

// WithActor returns a context that attributes the writes made with it to a practitioner in the audit log.
func WithActor(ctx context.Context, practitionerID string) context.Context {
	return context.WithValue(ctx, actorKey{}, practitionerID)
}

func ActorFrom(ctx context.Context) string {
	id, _ := ctx.Value(actorKey{}).(string)
	return id
}
