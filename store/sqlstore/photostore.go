package sqlstore

import (
	"io"
	"time"
)

// PhotoStore is where a practice's photo files are kept, each named by its SHA-256 (photolib's
// content addressing): a folder beside a SQLite file, or the clinic's server.
type PhotoStore interface {
	// Put keeps b as the file named sum (its SHA-256), made durable before it returns; a file
	// already kept is left as it is.
	Put(sum string, b []byte) error
	// Read returns the file named sum, checked against its name where the store can.
	Read(sum string) ([]byte, error)
	// Has reports whether the file named sum is kept.
	Has(sum string) bool
}

// PhotoFiles is everything the store does with its photo files: *photolib.Library (a folder
// beside a SQLite file) and store/postgres's table on the clinic's server. Missing and changed
// files are said with photolib.ErrMissing and photolib.ErrChanged (wrapped) by both.
type PhotoFiles interface {
	PhotoStore
	// Stream opens the file named sum to read, for exports; the caller checks its bytes if it
	// needs to.
	Stream(sum string) (io.ReadCloser, error)
	// VerifySize reads the file named sum through, checks it against its name and says how many
	// bytes it holds.
	VerifySize(sum string) (int64, error)
	// Remove deletes the file named sum; one already gone is not an error.
	Remove(sum string) error
	// Collect removes the files older than grace that named says no photo names (asked just
	// before each removal), and returns those removed.
	Collect(now time.Time, grace time.Duration, named func(sum string) (bool, error)) ([]string, error)
	// Dir is the folder the files are kept in; "" when they are kept on the clinic's server,
	// where no folder is to be looked at, copied or claimed.
	Dir() string
}

// PhotoStore is where this practice's photo files are kept: what copies a practice to another
// store reads them from and writes them to.
func (s *Store) PhotoStore() PhotoStore { return s.lib }

// onServer says whether the photo files are kept on the clinic's server rather than in a folder.
func (s *Store) onServer() bool { return s.lib != nil && s.lib.Dir() == "" }

// photoPlace is where the photo files are, as a sentence says it: "the photo folder X" or
// "the clinic's server".
func (s *Store) photoPlace() string {
	if s.onServer() {
		return "the clinic's server"
	}
	return "the photo folder " + s.lib.Dir()
}
