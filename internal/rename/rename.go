// Package rename gives a finished file its name. On Windows another program (an antivirus, the
// search indexer, a reader of the file being replaced) often holds a new file or its target open
// for a moment, and a rename meanwhile fails with "access denied" or "used by another process";
// Windows programs try again. Elsewhere a failed rename has a lasting cause, and trying again
// only delays the same answer by two seconds.
package rename

import (
	"os"
	"time"
)

// backoff are the pauses between tries: about two seconds in all.
var backoff = []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond,
	400 * time.Millisecond, 600 * time.Millisecond, 650 * time.Millisecond}

// Retrying renames from to to (replacing to, as os.Rename does), trying again for about two
// seconds when the first try fails. The error is the last try's.
func Retrying(from, to string) error { return With(os.Rename, from, to) }

// With is Retrying with do in place of os.Rename, for callers that let a test make renames fail.
func With(do func(from, to string) error, from, to string) error {
	err := do(from, to)
	for _, pause := range backoff {
		if err == nil {
			return nil
		}
		time.Sleep(pause)
		err = do(from, to)
	}
	return err
}
