package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// moveAbout is what needlelog move -h says the command does.
const moveAbout = `Moves the practice at PATH, its database and its photo folder, into FOLDER (created if needed),
under the same names: for clinic.db, FOLDER/clinic.db and FOLDER/clinic.photos. The database is
copied by SQLite and checked; every photo file it names is copied and read back against its SHA-256;
only then does the copy take its names. The old files are left where they were, marked as moved:
Needlelog and its commands only read them from then on. Delete them once you have checked the moved
practice. A folder that already holds a practice or photo folder of that
name, a cloud-synced folder, a network drive or a disk without the space is refused before anything
is written, and a move stopped half way (Ctrl+C) removes what it copied. It refuses while Needlelog
has the practice open.`

func runMove(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("move", "--db PATH FOLDER", moveAbout, errOut)
	db := fs.String("db", "", "path of the database file to move")
	rest, code, ok := parseWithDB(fs, args, db, errOut)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		fmt.Fprintln(errOut, "needlelog move: give the FOLDER to move the practice to, once: needlelog move --db PATH FOLDER")
		return 2
	}
	// Claimed for the whole move: no one writes to the practice while it is copied.
	s, release, err := openToWrite(ctx, *db)
	if err != nil {
		return failToWrite(errOut, "move", *db, "move it from its window with File › Move practice…", err)
	}
	defer release()
	plan, err := practice.PlanMove(ctx, s, rest[0])
	if err != nil {
		return fail(errOut, "move", err)
	}
	fmt.Fprintf(out, "Moving %s (%s, %s) to %s\n", quote(plan.From), wording.Size(plan.Bytes()),
		wording.Count(int(plan.PhotoCount), "photo", "photos"), quote(plan.Folder))
	moved, err := practice.Move(ctx, s, plan, nil)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(errOut, "needlelog move: stopped; nothing was moved, and what was copied was removed")
		return 1
	}
	if err != nil {
		return fail(errOut, "move", err)
	}
	// The copy opens for writing, as the app would open it, before the old practice is let go.
	n, claim, err := practice.Open(ctx, moved.DB, sqlite.Options{})
	if errors.Is(err, data.ErrInUse) {
		return fail(errOut, "move", fmt.Errorf("the copy at %s was opened by another Needlelog before this one could check that it opens; the practice at %s is as it was", moved.DB, plan.From))
	}
	if err != nil {
		moved.Discard() //nolint:errcheck // it did not open: nothing half-made is left behind
		return fail(errOut, "move", fmt.Errorf("the copy at %s did not open, and was removed; the practice at %s is as it was: %w", moved.DB, plan.From, err))
	}
	n.Close()
	claim.Release()
	// Only now, the copy checked and in place (and so without it), is the old practice marked as
	// moved, so that nothing is written there any more. The move stands whatever this write does.
	if err := practice.MarkMoved(ctx, s, moved.DB); err != nil {
		slog.Warn("mark the old copy as moved", "path", plan.From, "err", err)
	}
	fmt.Fprintf(out, "Moved to %s, its photos in %s (checked).\n", quote(moved.DB), quote(moved.Photos))
	fmt.Fprintf(out, "The old files are still at %s and %s, marked as moved so that nothing more is written there: "+
		"delete them once you have checked the moved practice.\n",
		quote(plan.From), quote(plan.FromPhotos))
	return 0
}
