package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// An old copy left by a move is read as any practice (check, export, verify) but written by no
// command: see practice.MovedError.

// movedSentence says, in one sentence, that the practice a command was given is an old copy and
// where the practice went; "" when err is not about such a copy.
func movedSentence(err error) string {
	var moved *practice.MovedError
	if !errors.As(err, &moved) {
		return ""
	}
	if moved.ToServer() {
		return fmt.Sprintf("this file is an old copy of a practice that was moved to the clinic's server (%s) on %s, so Needlelog neither "+
			"writes to it nor backs it up; work on the server: needlelog --db %s, or in the app %s", moved.To, wording.DateTime(moved.At),
			moved.To, practice.ConnectToServer)
	}
	return fmt.Sprintf("this file is an old copy of a practice that was moved to %s on %s, so Needlelog neither writes to it nor backs it up; "+
		"work in the moved practice", quote(moved.To), wording.DateTime(moved.At))
}

// printMoved adds check's line about an old copy left by a move, when the practice in s is one.
func printMoved(ctx context.Context, out io.Writer, s *sqlite.Store) {
	moved, err := practice.MovedTo(ctx, s)
	switch {
	case err != nil || moved == nil:
	case moved.ToServer():
		fmt.Fprintf(out, "%-18s an old copy: the practice was moved to the clinic's server (%s) on %s; work there "+
			"(needlelog --db %s, or in the app %s)\n", "moved:", moved.To, wording.DateTime(moved.At), moved.To, practice.ConnectToServer)
	default:
		fmt.Fprintf(out, "%-18s an old copy: the practice was moved to %s on %s; work there\n", "moved:",
			quote(moved.To), wording.DateTime(moved.At))
	}
}
