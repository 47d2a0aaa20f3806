package sqlstore

import (
	"database/sql"
	"testing"

	"needlelog.app/needlelog/store/photolib"
)

// SetPhotoFileRemoval makes the removal of a deleted photo's files call before first, then remove
// with remove (nil: as the store does), until the test ends.
func SetPhotoFileRemoval(tb testing.TB, before func(sum string), remove func(l *photolib.Library, sum string) error) {
	oldBefore, oldRemove := beforePhotoFileRemoved, removeLibraryFile
	if before != nil {
		beforePhotoFileRemoved = before
	}
	if remove != nil {
		removeLibraryFile = func(l PhotoFiles, sum string) error { return remove(l.(*photolib.Library), sum) }
	}
	tb.Cleanup(func() { beforePhotoFileRemoved, removeLibraryFile = oldBefore, oldRemove })
}

// Audit appends an audit entry, as every write does.
func (b *Batch) Audit(action, entity, id, detail string) error {
	return b.audit(action, entity, id, detail)
}

// Exec runs a statement in the batch, its error mapped as the batch's own writes' are.
func (b *Batch) Exec(query string, args ...any) (sql.Result, error) { return b.exec(query, args...) }
