//go:build unix

package sqlite

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/unix"
)

func folderWritable(dir string) error { return access(dir, unix.W_OK|unix.X_OK) }

func fileWritable(path string) error { return access(path, unix.W_OK) }

func fileReadable(path string) error { return access(path, unix.R_OK) }

func access(path string, mode uint32) error {
	if err := unix.Access(path, mode); err != nil {
		return &fs.PathError{Op: "access", Path: path, Err: err}
	}
	return nil
}

// readOnlyMount reports whether err comes from a file system mounted read-only.
func readOnlyMount(err error) bool { return errors.Is(err, unix.EROFS) }
