package store

import (
	"errors"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/photolib"
)

// ImageLost says whether err means that a photo's image cannot be had: its record names no image
// any more (data.ErrNotFound), its file is missing from the photo folder or its bytes no longer
// match those imported (photolib.ErrMissing, ErrChanged). Such a photo is shown as missing, and
// whatever is being made of the practice (a document, an archive, a backup) goes on without it:
// one lost image never costs the rest of the record.
func ImageLost(err error) bool {
	return errors.Is(err, data.ErrNotFound) || photolib.Lost(err)
}
