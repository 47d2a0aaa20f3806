package main

import (
	"context"
	"fmt"
	"io"

	"needlelog.app/needlelog/store/sqlite"
)

// The commands leave a practice's photos where they are: moving those still in the database to
// the photo folder is the app's, which does it in the background when it opens the practice,
// showing its progress. check says how many are left, and what the photo folder lacks.

// printPhotoFolder adds to check's report the practice's photo folder: photos missing from it and
// how to bring them back, and photos still in the database, to be moved to it.
func printPhotoFolder(ctx context.Context, out io.Writer, s *sqlite.Store) error {
	m, err := s.MissingPhotos(ctx)
	if err != nil {
		return err
	}
	state := "as expected"
	if m.DirMissing {
		state = "missing"
	}
	if m.InLibrary == 0 && m.DirMissing {
		state = "none yet (made when the first photo is kept there)"
	}
	fmt.Fprintf(out, "%-18s %s: %s\n", "photo folder:", quote(m.Dir), state)
	if m.Photos > 0 {
		fmt.Fprintf(out, "  %s\n", visible(m.Sentence()))
	}
	n, err := s.PhotosToMove(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(out, "%-18s %d photo(s) still kept in the database; opening the practice in Needlelog moves them to the photo folder\n",
			"photos to move:", n)
	}
	return nil
}
