//go:build !linux

package practice

// holdFile holds nothing here: on macOS and the BSDs flock and SQLite's POSIX locks on the same
// file conflict, and on Windows the lock file is keyed on the file's final path. The lock file
// beside the database's real path is the claim.
func holdFile(real string) (heldFile, error) { return heldFile{}, nil }

// fileClaimed reports whether a claim holds the file at real itself: none does here.
func fileClaimed(real string) bool { return false }
