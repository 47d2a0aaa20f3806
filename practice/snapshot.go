package practice

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"needlelog.app/needlelog/store/sqlite"
)

// Snapshot writes a consistent copy of the whole database to path, photos included, while the
// practice goes on working. The copy is made by SQLite (VACUUM INTO, never a copy of the live
// file, whose locks a plain open and close would drop), into a temporary file beside path; it is
// flushed to the disk, checked with SQLite's integrity and foreign-key checks, and only then
// renamed over path. On any failure, cancellation included, path is left as it was and the
// temporary file is removed.
//
// The copy is compact (free pages dropped) and in rollback-journal mode, a single file that any
// SQLite tool opens.
func Snapshot(ctx context.Context, s *sqlite.Store, path string) (err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	if abs == s.Path() || abs == s.Path()+"-wal" || abs == s.Path()+"-shm" || abs == s.Path()+"-journal" {
		return fmt.Errorf("snapshot to %s: that is the database itself", abs)
	}
	dir := filepath.Dir(abs)
	// VACUUM INTO needs a file that does not exist or is empty: an empty temporary file reserves a
	// name no one else takes.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(abs)+".*.tmp")
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", abs, err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer func() {
		if err != nil {
			os.Remove(tmpName)
			os.Remove(tmpName + "-journal")
		}
	}()
	if err := s.VacuumInto(ctx, tmpName); err != nil {
		return fmt.Errorf("snapshot to %s: %w", abs, err)
	}
	if err := syncFile(tmpName); err != nil {
		return fmt.Errorf("snapshot to %s: %w", abs, err)
	}
	if err := checkCopy(ctx, tmpName); err != nil {
		return fmt.Errorf("snapshot to %s: %w", abs, err)
	}
	if err := os.Rename(tmpName, abs); err != nil {
		return fmt.Errorf("snapshot to %s: %w", abs, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("snapshot to %s: %w", abs, err)
	}
	return nil
}

// checkCopy opens the copy read-only and runs the integrity and foreign-key checks on it.
func checkCopy(ctx context.Context, path string) error {
	c, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("the copy does not open: %w", err)
	}
	defer c.Close()
	h, err := c.Check(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("check the copy: %w", err)
	}
	if len(h.Problems) > 0 {
		return fmt.Errorf("the copy failed its check: %s", strings.Join(h.Problems, "; "))
	}
	return nil
}

// syncFile flushes a file's content to the disk. It is opened for writing because Windows
// flushes only through a handle that may write.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable. Windows cannot open a folder to flush it, and makes
// renames durable itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
