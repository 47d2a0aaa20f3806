package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// runCopy is "needlelog move --from SRC --to DST": the whole practice at from copied into to,
// each a file or a practice on the clinic's server (practice.Copy).
func runCopy(ctx context.Context, from, to string, out, errOut io.Writer) int {
	if sameStore(from, to) {
		fmt.Fprintln(errOut, "needlelog move: --from and --to name the same practice")
		return 2
	}
	for _, db := range []string{from, to} {
		if practice.IsServer(db) && hasPassword(db) {
			return fail(errOut, "move", errPasswordInURL)
		}
	}
	// The source is held as any writer holds it, so that nothing is written to it while it is
	// copied (a server's other PCs may write: the copy reads one snapshot of it).
	var src opened
	var err error
	if practice.IsServer(from) {
		src, err = openToRead(ctx, from)
		if err == nil {
			defer src.Close()
		}
	} else {
		var release func()
		src, release, err = openToWrite(ctx, from)
		if err == nil {
			defer release()
		}
	}
	if err != nil {
		return failToWrite(errOut, "move", from, "wait until it is closed. Nothing was copied", err)
	}
	dst, done, err := openTarget(ctx, to)
	if err != nil {
		return failToWrite(errOut, "move", to, "wait until it is closed. Nothing was copied", err)
	}
	fmt.Fprintf(out, "Copying %s to %s\n", named(src, from), named(dst, to))
	res, err := practice.Copy(ctx, src, dst, practice.CopyOptions{Progress: func(s string) { fmt.Fprintf(out, "  %s\n", visible(s)) }})
	kept := done(err == nil)
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(errOut, "needlelog move: stopped; nothing was copied")
		return 1
	case errors.Is(err, practice.ErrNotEmpty):
		return fail(errOut, "move", fmt.Errorf("%s: %w", named(dst, to), err))
	case err != nil && !kept:
		return fail(errOut, "move", fmt.Errorf("%w; nothing was kept of the copy", err))
	case err != nil:
		return fail(errOut, "move", err)
	}
	fmt.Fprintf(out, "Copied to %s: %s, %s, %s, %s; verify passes on the copy, its audit log ending where the original's does (%s).\n",
		named(dst, to), wording.Count(int(res.Rows["clients"]), "client", "clients"), wording.Count(int(res.Rows["sessions"]), "session", "sessions"),
		wording.Count(int(res.Rows["photos"]), "photo", "photos"), wording.Count(res.AuditEntries, "audit entry", "audit entries"), headShort(res.Head))
	f, fromFile := src.(*sqlite.Store)
	if !fromFile || !practice.IsServer(to) {
		// A snapshot of the server, or a file copied to another: the practice is still where it was.
		fmt.Fprintf(out, "%s is left as it was.\n", named(src, from))
		return 0
	}
	return markMovedToServer(ctx, f, to, out, errOut)
}

// markMovedToServer marks the practice file f, copied whole to the clinic's server at to and the
// copy checked, as moved there: the practice now lives on the server, and a file still written to
// would split its records. It then says what to do next.
func markMovedToServer(ctx context.Context, f *sqlite.Store, to string, out, errOut io.Writer) int {
	server := postgres.Redacted(to)
	if err := practice.MarkMoved(ctx, f, server); err != nil {
		fmt.Fprintf(errOut, "needlelog move: the practice on the server is whole and checked, but %s could not be marked as moved there (%s): "+
			"open it no more, so that nothing is written to it, and delete it once you have checked the practice on the server\n",
			quote(f.Path()), visible(sentence(err)))
		return 1
	}
	fmt.Fprintf(out, "Next, connect each PC to the server: in Needlelog, %s with the address %s, or start it with needlelog --db %s.\n",
		practice.ConnectToServer, server, server)
	kept, them := quote(f.Path())+" is", "it"
	if info, err := os.Stat(photolib.Beside(f.Path())); err == nil && info.IsDir() {
		kept, them = quote(f.Path())+" and its photo folder "+quote(photolib.Beside(f.Path()))+" are", "them"
	}
	fmt.Fprintf(out, "%s kept, marked as moved to the server so that nothing more is written there: "+
		"delete %s once you have checked the practice on the server.\n", kept, them)
	return 0
}

func headShort(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	if h == "" {
		return "an empty log"
	}
	return h
}

// sameStore says whether a and b name one practice: the same file, or the same server database.
func sameStore(a, b string) bool {
	if practice.IsServer(a) || practice.IsServer(b) {
		return practice.IsServer(a) && practice.IsServer(b) && postgres.Redacted(a) == postgres.Redacted(b)
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// openTarget opens the practice a copy goes into: on the clinic's server, or a file, made when
// missing. done(kept) closes it; a file it made is removed, its photo folder with it, unless kept,
// and done says whether anything of the copy remains.
func openTarget(ctx context.Context, db string) (opened, func(kept bool) bool, error) {
	if practice.IsServer(db) {
		s, release, err := openToWrite(ctx, db)
		if err != nil {
			return nil, nil, err
		}
		return s, func(bool) bool { release(); return true }, nil
	}
	_, statErr := os.Stat(db)
	made := errors.Is(statErr, fs.ErrNotExist)
	photos := photolib.Beside(db)
	_, photoErr := os.Stat(photos)
	photosMade := errors.Is(photoErr, fs.ErrNotExist)
	s, claim, err := practice.Open(ctx, db, sqlite.Options{Create: made})
	if err != nil {
		return nil, nil, openError(db, err)
	}
	return s, func(kept bool) bool {
		s.Close()       //nolint:errcheck // a copy kept was committed and checked already
		claim.Release() //nolint:errcheck // the process ends next
		if kept || !made {
			return true
		}
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(db + suffix) //nolint:errcheck // what is not there was never made
		}
		if photosMade {
			os.RemoveAll(photos) //nolint:errcheck // made by this copy, for it alone
		}
		return false
	}, nil
}
