package sqlite

import (
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
		removeLibraryFile = remove
	}
	tb.Cleanup(func() { beforePhotoFileRemoved, removeLibraryFile = oldBefore, oldRemove })
}
