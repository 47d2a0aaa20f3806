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
has the practice open.

With --from SRC --to DST, copies the whole practice at SRC into DST instead, each a database file or
the URL of a practice on the clinic's server (postgres://user@host/database): a file's practice to
the server as the practice grows, the server's to a file as a portable copy, or one file to another.
Every record is copied as it is (its ID, version and signature, the audit log with its hashes and
signatures, the settings and signing keys), and every photo file. DST must hold no records: a new
file is made, and a server's database must be empty (as server init leaves it). The copy is written
in one transaction, compared table by table with SRC before it is kept, and then verified: its audit
log must end at the same hash as SRC's. Anything short of that keeps nothing (a new file is
removed). A file copied to the server is then marked as moved there, as a moved practice's old files
are: connect each PC to the server, and delete the file once you have checked the practice there.
Any other SRC is left as it was.`

func runMove(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("move", "--db PATH FOLDER | --from SRC --to DST", moveAbout, errOut)
	db := fs.String("db", "", "path of the database file to move")
	from := fs.String("from", "", "the practice to copy: a database file or the clinic's server's URL")
	to := fs.String("to", "", "where to copy it: a new database file, or an empty practice on the clinic's server")
	rest, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if *from != "" || *to != "" {
		switch {
		case *db != "" || len(rest) > 0:
			fmt.Fprintln(errOut, "needlelog move: give either --db PATH FOLDER, or --from SRC --to DST, not both")
			return 2
		case *from == "" || *to == "":
			fmt.Fprintln(errOut, "needlelog move: --from SRC and --to DST go together")
			return 2
		}
		return runCopy(ctx, *from, *to, out, errOut)
	}
	if !requireDB(fs, *db, errOut) {
		return 2
	}
	if refuseServer(errOut, "move --db", *db, "copy the server's practice with needlelog move --from URL --to PATH") {
		return 2
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
	f, err := fileOf(s, "move --db", "")
	if err != nil {
		return fail(errOut, "move", err)
	}
	plan, err := practice.PlanMove(ctx, f, rest[0])
	if err != nil {
		return fail(errOut, "move", err)
	}
	fmt.Fprintf(out, "Moving %s (%s, %s) to %s\n", quote(plan.From), wording.Size(plan.Bytes()),
		wording.Count(int(plan.PhotoCount), "photo", "photos"), quote(plan.Folder))
	moved, err := practice.Move(ctx, f, plan, nil)
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
	if err := practice.MarkMoved(ctx, f, moved.DB); err != nil {
		slog.Warn("mark the old copy as moved", "path", plan.From, "err", err)
	}
	fmt.Fprintf(out, "Moved to %s, its photos in %s (checked).\n", quote(moved.DB), quote(moved.Photos))
	fmt.Fprintf(out, "The old files are still at %s and %s, marked as moved so that nothing more is written there: "+
		"delete them once you have checked the moved practice.\n",
		quote(plan.From), quote(plan.FromPhotos))
	return 0
}
