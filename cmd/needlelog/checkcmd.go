package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"needlelog.app/needlelog/practice/diskcrypt"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// checkAbout is what needlelog check -h says the command does.
const checkAbout = `Checks a database without changing it: its tables, indexes, triggers and views against those
Needlelog made, SQLite's integrity and foreign-key checks, the schema version, the number of
records, and the photo folder beside the database: photos missing from it, and photos still kept
in the database, which opening the practice in Needlelog moves to it. With --photos, also reads
every photo file through and checks its bytes against those imported, naming each photo missing or
changed. Also says whether the drives holding the database and its photos are encrypted
(BitLocker, FileVault, LUKS): a drive that is not, or that cannot be told, is said but is no
failure. Exits 1 when anything is wrong with the records.

On the clinic's server (--db postgres://user@host/database), the server keeps its own tables and
keys whole: check compares its triggers and their functions with those Needlelog made, says the
schema version and the number of records, and names each photo whose files the server lacks, or
with --photos reads every photo file through, as for a file. Exits 1 when anything is wrong. On
either, needlelog verify checks the audit log and every signed record.`

func runCheck(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("check", "--db PATH|URL [--photos]", checkAbout, errOut)
	db := fs.String("db", "", "path of the database file, or the URL of the practice on the clinic's server")
	photos := fs.Bool("photos", false, "also read every photo file and check its bytes (takes a while for many photos)")
	if rest, code, ok := parse(fs, args); !ok {
		return code
	} else if len(rest) > 0 {
		fmt.Fprintf(errOut, "needlelog check: unexpected argument %q (the file is given with --db PATH)\n", rest[0])
		return 2
	} else if !requireDB(fs, *db, errOut) {
		return 2
	}
	o, err := openToRead(ctx, *db)
	if err != nil {
		return fail(errOut, "check", err)
	}
	defer o.Close()
	s, ok := o.(*sqlite.Store)
	if !ok {
		return checkServer(ctx, o, *db, *photos, out, errOut)
	}
	h, err := s.Check(ctx)
	if err != nil {
		return fail(errOut, "check", err)
	}
	fmt.Fprintf(out, "%-18s %s\n", "database:", quote(s.Path()))
	printMoved(ctx, out, s)
	// Said, but not a failure: the exit code speaks of the records, and nightly scripts stay green.
	fmt.Fprintf(out, "%-18s %s\n", "disk encryption:", diskcrypt.Practice(s.Path()).Line())
	upgrade := ""
	if h.SchemaVersion < sqlite.SchemaVersion() {
		upgrade = "; opening the practice in Needlelog upgrades it" // not a problem: any older file is upgraded
	}
	fmt.Fprintf(out, "%-18s %d (this version of Needlelog writes %d%s)\n", "schema version:", h.SchemaVersion, sqlite.SchemaVersion(), upgrade)
	if len(h.SchemaChanges) > 0 {
		// The records may be sound: what follows still says so.
		fmt.Fprintf(out, "%-18s %d change(s) made outside Needlelog; Needlelog will not write to this file "+
			"(restoring a backup leaves them out)\n", "design:", len(h.SchemaChanges))
		for _, c := range h.SchemaChanges {
			fmt.Fprintf(out, "  %s\n", c)
		}
	} else {
		fmt.Fprintf(out, "%-18s as Needlelog made it\n", "design:")
	}
	if len(h.Problems) > 0 {
		fmt.Fprintf(out, "%-18s %d problem(s)\n", "integrity:", len(h.Problems))
		for _, p := range h.Problems {
			fmt.Fprintf(out, "  %s\n", visible(p))
		}
		return 1
	}
	fmt.Fprintf(out, "%-18s ok\n", "integrity:")
	code := 0
	m, err := printPhotoFolder(ctx, out, s, !*photos) // --photos lists the photos below, and more
	if err != nil {
		return fail(errOut, "check", err)
	}
	if m.Photos > 0 || len(h.LostImages) > 0 {
		code = 1
	}
	for _, t := range sqlite.CountedTables() {
		fmt.Fprintf(out, "%-18s %d\n", strings.ReplaceAll(t, "_", " ")+":", h.Counts[t])
	}
	if *photos {
		code = max(code, checkPhotoFiles(ctx, s, m, out, errOut))
	}
	if len(h.SchemaChanges) > 0 {
		return 1
	}
	return code
}

// photoProgressEvery is how often a long photo check says how far it has got.
var photoProgressEvery = time.Second

// checkPhotoFiles reads every photo file of the practice through and names each photo whose
// original or preview is missing or changed; it returns 1 when any is. How far it has got goes
// to errOut, for a check long enough to wonder about. m is what the photo folder lacks, as
// printPhotoFolder said it.
func checkPhotoFiles(ctx context.Context, s opened, m sqlite.MissingPhotos, out, errOut io.Writer) int {
	last := time.Now()
	rep, err := s.Shared().CheckPhotoFiles(ctx, func(done, total int) {
		if now := time.Now(); now.Sub(last) >= photoProgressEvery && done < total {
			last = now
			fmt.Fprintf(errOut, "needlelog check: read the files of %d of %d photos\n", done, total)
		}
	})
	if err != nil {
		return fail(errOut, "check", err)
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintf(out, "%-18s %s, read (%.1f MB): each matches the bytes imported\n", "photo files:", filesForPhotos(rep),
			float64(rep.Bytes)/(1<<20))
		return 0
	}
	what := "a backup of the practice holds them: restore one to get them back"
	if m.DirMissing {
		what = "see above"
	}
	fmt.Fprintf(out, "%-18s %d problem(s) among the %d photo(s) checked; %s\n", "photo files:", len(rep.Problems), rep.Photos, what)
	for _, p := range rep.Problems {
		fmt.Fprintf(out, "  %s\n", visible(p.String()))
	}
	return 1
}

// filesForPhotos says how many files the photos take, and why that is not two a photo: "290 file(s)
// for 286 photo(s) (an original and a preview each; one file is both for 282 small enough to be
// their own preview)".
func filesForPhotos(rep sqlite.PhotoFilesReport) string {
	var why []string
	switch inFolder := rep.Photos - rep.InDatabase; {
	case inFolder > 0 && rep.Shared == inFolder:
		why = append(why, "one file each, small enough to be its own preview")
	case inFolder > 0:
		why = append(why, "an original and a preview each")
	}
	if rep.Shared > 0 && rep.Shared < rep.Photos-rep.InDatabase {
		why = append(why, fmt.Sprintf("one file is both for %d small enough to be their own preview", rep.Shared))
	}
	if rep.InDatabase > 0 {
		why = append(why, fmt.Sprintf("%d still kept in the database", rep.InDatabase))
	}
	text := fmt.Sprintf("%d file(s) for %d photo(s)", rep.Files, rep.Photos)
	if len(why) > 0 {
		text += " (" + strings.Join(why, "; ") + ")"
	}
	return text
}

// checkServer is check for a practice on the clinic's server. The server keeps its own tables,
// keys and constraints whole, so what is checked is what it does not: that its triggers and their
// functions, which keep signed records and the audit log as they are, are those Needlelog made
// (as verify compares them), and that every photo's files are on it. It returns 1 when either is
// not so.
func checkServer(ctx context.Context, s opened, db string, photos bool, out, errOut io.Writer) int {
	pg, ok := s.(*postgres.Store)
	if !ok {
		return fail(errOut, "check", fmt.Errorf("%s is not a practice on the clinic's server", named(s, db)))
	}
	fmt.Fprintf(out, "%-18s %s\n", "database:", named(s, db))
	fmt.Fprintf(out, "%-18s the server's triggers and functions, its photo files and the number of records; the server keeps its "+
		"tables whole itself, and needlelog verify checks the audit log and signed records\n", "checked:")
	fmt.Fprintf(out, "%-18s %d (this version of Needlelog writes %d)\n", "schema version:", postgres.SchemaVersion(), postgres.SchemaVersion())
	code := 0
	changes, err := pg.CheckSchema(ctx)
	if err != nil {
		return fail(errOut, "check", err)
	}
	if len(changes) > 0 {
		fmt.Fprintf(out, "%-18s %d change(s) made outside Needlelog to the server's triggers and functions, which keep signed records "+
			"and the audit log as they are: only the tables' owner or a superuser can have made them; needlelog verify says what the "+
			"records still keep\n",
			"design:", len(changes))
		for _, c := range changes {
			fmt.Fprintf(out, "  %s\n", visible(c))
		}
		code = 1
	} else {
		fmt.Fprintf(out, "%-18s as Needlelog made it (its triggers and functions)\n", "design:")
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		return fail(errOut, "check", err)
	}
	if !photos { // --photos reads every file below, which says the same and more
		lacking, err := serverPhotoFiles(ctx, s, int(counts["photos"]), out)
		if err != nil {
			return fail(errOut, "check", err)
		}
		code = max(code, lacking)
	}
	for _, t := range sqlite.CountedTables() {
		fmt.Fprintf(out, "%-18s %d\n", strings.ReplaceAll(t, "_", " ")+":", counts[t])
	}
	if photos {
		code = max(code, checkPhotoFiles(ctx, s, sqlite.MissingPhotos{}, out, errOut))
	}
	return code
}

// serverPhotoFiles says whether the server holds the original and preview of each of the
// practice's n photos, naming those it lacks; it returns 1 when any is lacking.
func serverPhotoFiles(ctx context.Context, s opened, n int, out io.Writer) (int, error) {
	lost, total, err := s.Shared().LostPhotos(ctx, lostPhotosListed)
	if err != nil {
		return 1, fmt.Errorf("look for the photo files on the server: %w", err)
	}
	if total == 0 {
		fmt.Fprintf(out, "%-18s on the server for each of the %s (--photos also reads them and checks their bytes)\n", "photo files:",
			wording.Count(n, "photo", "photos"))
		return 0, nil
	}
	fmt.Fprintf(out, "%-18s %d of the %s %s files on the server; a backup of the practice holds them: restore one to get them back\n",
		"photo files:", total, wording.Count(n, "photo", "photos"), wording.Plural(total, "lacks", "lack"))
	for _, p := range lost {
		fmt.Fprintf(out, "  %s\n", visible(p.String()))
	}
	if total > len(lost) {
		fmt.Fprintf(out, "  and %d more; `needlelog check --photos` lists them all\n", total-len(lost))
	}
	return 1, nil
}
