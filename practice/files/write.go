package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"needlelog.app/needlelog/internal/rename"
	"needlelog.app/needlelog/wording"
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

// WriteFolder writes the files named into the folder dir, all or none: write makes each through
// create, under a temporary name, and they are given their names only once write has returned
// without error, so a failed or cancelled export leaves the folder as it was. It adds files and never
// replaces one: when a file it would write is already in the folder, it writes nothing and says
// which. practice is the path of the database the export reads, "" when there is none (see WriteFile).
func WriteFolder(ctx context.Context, dir, practice string, names []string,
	write func(create func(name string) (io.Writer, error)) error) (err error) {
	for _, name := range names {
		if err := checkNewFile(filepath.Join(dir, name), practice); err != nil {
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
		return fmt.Errorf("make the folder %s: %w", wording.Quoted(dir), fileError{err})
	}
	var parts []*part
	err = write(func(name string) (io.Writer, error) {
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
			wording.Quoted(path))
	}
	return CheckTarget(path, practice)
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

// missingFolderError says that the folder a file was to be written in is not there.
type missingFolderError struct{ base, dir string }

func (e missingFolderError) Error() string {
	return fmt.Sprintf("write %s: the folder %s does not exist; choose a folder that does", wording.Quoted(e.base), wording.Quoted(e.dir))
}

func (e missingFolderError) Is(target error) bool { return target == fs.ErrNotExist }

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
		if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
			return nil, missingFolderError{base: base, dir: filepath.Clean(dir)}
		}
		return nil, fmt.Errorf("write %s: %w", wording.Quoted(base), fileError{err})
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
		err = rename.Retrying(p.Name(), p.path)
	}
	if err != nil {
		os.Remove(p.Name())
		return fmt.Errorf("write %s: %w", wording.Quoted(base), fileError{err})
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
