package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	nlstore "needlelog.app/needlelog/store"
)

// WriteFile writes a file whole or not at all: into a temporary file beside path, flushed to the
// disk, then renamed over path. When write fails or is cancelled, or the disk fills, the
// temporary file is removed and whatever path held before is left as it was. It never writes over
// the practice's own files or any SQLite database (CheckTarget); practice is the path of the
// database the export reads, "" when there is none.
func WriteFile(path, practice string, write func(io.Writer) error) error {
	if err := CheckTarget(path, practice); err != nil {
		return err
	}
	p, err := newPart(path, practice)
	if err != nil {
		return err
	}
	if err := write(p); err != nil {
		p.discard()
		return err
	}
	return p.commit()
}

// WriteCSVFolder writes one CSV file per table into the folder dir, all or none: each is written
// under a temporary name and they are given their names only once every table is written, so a
// failed or cancelled export leaves the folder as it was. It adds files and never replaces one:
// when a file it would write is already in the folder, it writes nothing and says which.
// practice is the path of the database the export reads, "" when there is none (see WriteFile).
func WriteCSVFolder(ctx context.Context, dir, practice string, store Source, q nlstore.ExportQuery) (err error) {
	tables := q.Tables
	if len(tables) == 0 {
		tables = nlstore.ExportTables
	}
	for _, t := range tables {
		if err := checkNewFile(filepath.Join(dir, CSVFileName(t)), practice); err != nil {
			return err
		}
	}
	// A folder made here and left empty by a failed export is removed again.
	if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
		defer func() {
			if err != nil {
				os.Remove(dir)
			}
		}()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("make the folder %s: %w", strconv.Quote(dir), fileError{err})
	}
	var parts []*part
	err = WriteCSV(ctx, store, q, func(name string) (io.Writer, error) {
		p, err := newPart(filepath.Join(dir, name), practice)
		if err == nil {
			parts = append(parts, p)
		}
		return p, err
	})
	if err == nil {
		err = ctx.Err()
	}
	for _, p := range parts { // a file that appeared meanwhile is not replaced either
		if err == nil {
			err = checkNewFile(p.path, practice)
		}
	}
	for _, p := range parts {
		if err != nil {
			p.discard()
			continue
		}
		err = p.commit()
	}
	return err
}

// checkNewFile refuses a file that is already there, as well as what CheckTarget refuses.
func checkNewFile(path, practice string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s is already there: choose an empty or new folder, or move the file away; nothing was written",
			strconv.Quote(path))
	}
	return CheckTarget(path, practice)
}

// RefusedTargetError is an export asked to write over a file that an export never replaces.
type RefusedTargetError struct {
	Path string // the file as it was named
	What string // what it is: "the practice's database", "a SQLite database"...
}

func (e *RefusedTargetError) Error() string {
	return fmt.Sprintf("%s is %s, which an export never writes over: choose another file; nothing was written",
		strconv.Quote(e.Path), e.What)
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
			return &RefusedTargetError{Path: path, What: "a file SQLite keeps beside the database " + strconv.Quote(db)}
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

// fileError says a file system error without the path in it, which the message around it gives
// quoted: a path printed as it is can hide characters or break a line.
type fileError struct{ err error }

func (e fileError) Error() string {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(e.err, &pe):
		return pe.Err.Error()
	case errors.As(e.err, &le):
		return le.Err.Error()
	}
	return e.err.Error()
}

func (e fileError) Unwrap() error { return e.err }

// part is a file being written under a temporary name beside its final one.
type part struct {
	*os.File
	path     string
	practice string // the database the export reads, whose files are never replaced
}

func newPart(path, practice string) (*part, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.part")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", strconv.Quote(base), fileError{err})
	}
	return &part{File: f, path: path, practice: practice}, nil
}

func (p *part) discard() {
	p.Close()
	os.Remove(p.Name())
}

// commit flushes the file to the disk and gives it its final name.
func (p *part) commit() error {
	base := filepath.Base(p.path)
	err := p.Sync()
	if cerr := p.Close(); err == nil {
		err = cerr
	}
	// Again: a long export gives the folder time to change.
	if rerr := CheckTarget(p.path, p.practice); rerr != nil {
		os.Remove(p.Name())
		return rerr
	}
	// A file replaced keeps its permissions; a new one is readable by its owner only, as the
	// records in it are a clinic's.
	if info, serr := os.Stat(p.path); err == nil && serr == nil {
		err = os.Chmod(p.Name(), info.Mode().Perm())
	}
	if err == nil {
		err = os.Rename(p.Name(), p.path)
	}
	if err != nil {
		os.Remove(p.Name())
		return fmt.Errorf("write %s: %w", strconv.Quote(base), fileError{err})
	}
	// The rename survives a power cut once the folder's entry is on disk too. Not every system can
	// sync a folder (Windows refuses), and the file is in place whole either way: so it is tried,
	// and a refusal is not a failure.
	if d, err := os.Open(filepath.Dir(p.path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
