// Package files knows which files make a practice on disk, so that nothing written by an export
// or a copy lands on one of them, and writes such files whole or not at all. It imports nothing of
// Needlelog's, so report can use it too.
package files

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"needlelog.app/needlelog/wording"
)

// RefusedTargetError is an export asked to write over a file that an export never replaces.
type RefusedTargetError struct {
	Path string // the file as it was named
	What string // what it is: "the practice's database", "a SQLite database"...
}

func (e *RefusedTargetError) Error() string {
	return fmt.Sprintf("%s is %s, which an export never writes over: choose another file; nothing was written",
		wording.Quoted(e.Path), e.What)
}

// sqliteHeader begins every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// practiceFiles are the files of a practice: its database and those SQLite and Needlelog keep
// beside it. Written over, any of them loses records: the latest changes live in the -wal until
// SQLite copies them into the database.
var practiceFiles = []struct{ suffix, what string }{
	{"", "the practice's database"},
	{"-wal", "the practice's write-ahead log (its latest changes)"},
	{"-shm", "the practice's shared-memory index"},
	{"-journal", "the practice's rollback journal"},
	{".lock", "the practice's lock file"},
}

// CheckTarget returns a *RefusedTargetError when an export must not write path: when it is the
// practice's database (practice, the path it was opened with; "" for none) or one of the files
// beside it (-wal, -shm, -journal, .lock); any SQLite database at all (a file that begins with
// SQLite's header); or a -wal, -shm, -journal or .lock file beside one. Files are compared by
// identity (os.SameFile), so that a symbolic link, ".." or a hard link cannot disguise them; a
// file not there yet by its folder's identity and its name, so that "p.db-wal" is refused before
// SQLite makes it.
func CheckTarget(path, practice string) error {
	target, terr := os.Stat(path)
	dir, derr := os.Stat(filepath.Dir(path))
	name := filepath.Base(path)
	var dbs []string // the practice as named, and as its links resolve
	if practice != "" {
		dbs = append(dbs, practice)
		if real, err := filepath.EvalSymlinks(practice); err == nil && real != practice {
			dbs = append(dbs, real)
		}
	}
	var own []os.FileInfo // the practice's database, never opened here (see isSQLite)
	for _, db := range dbs {
		if info, err := os.Stat(db); err == nil {
			own = append(own, info)
		}
		for _, f := range practiceFiles {
			p := db + f.suffix
			same := false
			if info, err := os.Stat(p); err == nil && terr == nil {
				same = os.SameFile(target, info)
			}
			if info, err := os.Stat(filepath.Dir(p)); !same && err == nil && derr == nil && strings.EqualFold(name, filepath.Base(p)) {
				same = os.SameFile(dir, info)
			}
			if same {
				return &RefusedTargetError{Path: path, What: f.what}
			}
		}
	}
	if terr == nil && isSQLite(path, target, own) {
		return &RefusedTargetError{Path: path, What: "a SQLite database (a practice, a backup or another program's)"}
	}
	for _, f := range practiceFiles[1:] {
		if len(path) <= len(f.suffix) || !strings.EqualFold(path[len(path)-len(f.suffix):], f.suffix) {
			continue
		}
		if db := path[:len(path)-len(f.suffix)]; isSQLite(db, nil, own) {
			return &RefusedTargetError{Path: path, What: "a file SQLite keeps beside the database " + wording.Quoted(db)}
		}
	}
	return nil
}

// isSQLite reports whether the file at path (info when already known) is a SQLite database. The
// practice's own database (own) is one without being opened: closing a descriptor of the live
// database would drop SQLite's locks on it (Linux, macOS).
func isSQLite(path string, info os.FileInfo, own []os.FileInfo) bool {
	if info == nil {
		var err error
		if info, err = os.Stat(path); err != nil {
			return false
		}
	}
	for _, o := range own {
		if os.SameFile(info, o) {
			return true
		}
	}
	if !info.Mode().IsRegular() { // a pipe would never answer
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	return err == nil && bytes.Equal(head, []byte(sqliteHeader))
}
