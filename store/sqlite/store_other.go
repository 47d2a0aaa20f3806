//go:build !unix

package sqlite

import (
	"io/fs"
	"os"
)

// Windows decides access by the folder's and file's access lists, which no mode bit shows: the
// folder is tried by making (and removing) an empty file in it; the file's read-only attribute
// is its mode's write bit. Nothing opens the database file itself, which would disturb SQLite's
// locks on it.

func folderWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".needlelog-write-check-*")
	if err != nil {
		return &fs.PathError{Op: "access", Path: dir, Err: err}
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

func fileWritable(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return &fs.PathError{Op: "access", Path: path, Err: err}
	}
	if info.Mode().Perm()&0o200 == 0 {
		return &fs.PathError{Op: "access", Path: path, Err: os.ErrPermission}
	}
	return nil
}

func fileReadable(path string) error {
	if _, err := os.Stat(path); err != nil {
		return &fs.PathError{Op: "access", Path: path, Err: err}
	}
	return nil
}

// readOnlyMount reports whether err comes from a file system mounted read-only. Windows reports
// write-protected media as a folder that cannot be written to, which readOnlyFolder words.
func readOnlyMount(error) bool { return false }
