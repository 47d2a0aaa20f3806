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

// lostPhotosListed is how many photos without images check names; --photos names them all.
const lostPhotosListed = 20

// printPhotoFolder adds to check's report the practice's photo folder: photos whose images are
// missing from it (or from the database) and how to bring them back, naming the first few when
// list is set, and photos still in the database, to be moved to it.
func printPhotoFolder(ctx context.Context, out io.Writer, o opened, list bool) (sqlite.MissingPhotos, error) {
	s := o.Shared()
	m, err := s.MissingPhotos(ctx)
	if err != nil {
		return m, err
	}
	state := "as expected"
	if m.DirMissing {
		state = "missing"
	}
	if m.InLibrary == 0 && m.DirMissing {
		state = "none yet (made when the first photo is kept there)"
	}
	if _, file := o.(*sqlite.Store); file {
		fmt.Fprintf(out, "%-18s %s: %s\n", "photo folder:", quote(m.Dir), state)
	}
	lost, total, err := s.LostPhotos(ctx, lostPhotosListed)
	if err != nil {
		return m, err
	}
	if m.Photos > 0 {
		fmt.Fprintf(out, "%-18s %s\n", "photos:", visible(m.Sentence()))
	}
	if n := total - m.Photos; n > 0 { // bytes lost from the database itself, as damage does
		fmt.Fprintf(out, "%-18s %d photo(s) kept in the database lost their images; restore a backup of the practice from before "+
			"it to get them back\n", "photos:", n)
	}
	if list {
		for _, p := range lost {
			fmt.Fprintf(out, "  %s\n", visible(p.String()))
		}
		if total > len(lost) {
			fmt.Fprintf(out, "  and %d more; `needlelog check --photos` lists them all\n", total-len(lost))
		}
	}
	f, ok := o.(*sqlite.Store)
	if !ok {
		return m, nil // the server's photos are never kept among its records
	}
	n, err := f.PhotosToMove(ctx)
	if err != nil {
		return m, err
	}
	if n > 0 {
		fmt.Fprintf(out, "%-18s %d, moved to the photo folder when the practice is opened in Needlelog\n", "photos in database:", n)
	}
	return m, nil
}
