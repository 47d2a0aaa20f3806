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

// TransferColumns are the columns a transfer bundle names, by table: each kind of record's (fixed,
// merged, made from others, or its copy's own), their children's, and the tables carried whole or
// kept by each copy alone (nil: every column).
func TransferColumns() map[string][]string {
	out := map[string][]string{}
	for _, e := range transferEntities {
		if e.name == "setting" {
			out["settings"] = nil
			continue
		}
		out[e.table] = e.columns()
		for _, ch := range e.children {
			out[ch.table] = append([]string{"id", ch.of}, ch.columns...)
		}
	}
	for _, t := range transferWholeTables {
		out[t] = nil
	}
	for _, t := range transferLocalTables {
		out[t] = nil
	}
	return out
}
