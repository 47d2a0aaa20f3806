package main

import (
	"context"
	"fmt"
	"io"

	"needlelog.app/needlelog/data"
)

func runVerify(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("verify", "--db PATH",
		"Checks that the records can be trusted, without changing the file: that the audit log's hash chain\n"+
			"is whole (no entry changed, removed or moved), that every signed session and every amendment still\n"+
			"matches the hash it was signed with and is in the log, and that the database's protections of\n"+
			"signed records are in place. Prints OK with the counts, or each break found, and exits 1 on any.", errOut)
	db := fs.String("db", "", "path of the database file")
	rest, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if !requireDB(fs, *db, errOut) || len(rest) > 0 {
		if len(rest) > 0 {
			fmt.Fprintf(errOut, "needlelog verify: unexpected argument %q\n", rest[0])
		}
		return 2
	}
	s, err := data.Open(ctx, *db, data.Options{ReadOnly: true})
	if err != nil {
		return fail(errOut, "verify", err)
	}
	defer s.Close()
	rep, err := s.Verify(ctx)
	if err != nil {
		return fail(errOut, "verify", err)
	}
	if !rep.OK() {
		fmt.Fprintf(out, "%s: %d break(s) found; the records cannot be trusted as they are:\n", quote(s.Path()), len(rep.Breaks))
		for _, b := range rep.Breaks {
			fmt.Fprintf(out, "  %s\n", b)
		}
		return 1
	}
	fmt.Fprintf(out, "OK: %s\n", quote(s.Path()))
	fmt.Fprintf(out, "%-18s %d, each chained to the one before\n", "audit entries:", rep.AuditEntries)
	fmt.Fprintf(out, "%-18s %d, each matching its record hash\n", "signed sessions:", rep.SignedSessions)
	fmt.Fprintf(out, "%-18s %d, each matching its hashes\n", "amendments:", rep.Amendments)
	if rep.Head != "" {
		// Kept elsewhere, this shows later whether entries were cut off the end of the log.
		fmt.Fprintf(out, "%-18s %s\n", "last entry's hash:", rep.Head)
	}
	return 0
}
