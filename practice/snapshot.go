package practice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"needlelog.app/needlelog/internal/rename"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// Snapshot writes a consistent copy of the whole database to path while the practice goes on
// working: its records, and the photos whose bytes are still in it (the files of the photo library
// it names are not copied: a backup copies them beside it, see BackupTo). The copy is made by SQLite (VACUUM INTO, never a copy of the live
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
	tmp, err := writeSnapshot(ctx, s, abs, filepath.Dir(abs), false)
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", abs, err)
	}
	if err := placeSnapshot(tmp, abs); err != nil {
		return fmt.Errorf("snapshot to %s: %w", abs, err)
	}
	return nil
}

// writeSnapshot writes a checked copy of the database into a new temporary file in the folder dir
// (beside path, or elsewhere for one to be encrypted), named after path, and returns its name; on
// failure nothing is left. With older, a copy of an older schema is taken (see checkCopy).
func writeSnapshot(ctx context.Context, s *sqlite.Store, path, dir string, older bool) (string, error) {
	if path == s.Path() || path == s.Path()+"-wal" || path == s.Path()+"-shm" || path == s.Path()+"-journal" {
		return "", errors.New("that is the database itself")
	}
	// VACUUM INTO needs a file that does not exist or is empty: an empty temporary file reserves a
	// name no one else takes.
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	f.Close()
	if err := s.VacuumInto(ctx, tmp); err != nil {
		removeSnapshotTemp(tmp)
		return "", err
	}
	if err := syncFile(tmp); err != nil {
		removeSnapshotTemp(tmp)
		return "", err
	}
	if err := checkCopy(ctx, tmp, older); err != nil {
		removeSnapshotTemp(tmp)
		return "", err
	}
	return tmp, nil
}

// writePlainSnapshot writes the checked snapshot of an encrypted backup to be made at path into a
// temporary file on the practice's own disk (beside the database; the system's temporary folder
// when that folder cannot be written, a practice on read-only media), never in the backup folder.
func writePlainSnapshot(ctx context.Context, s *sqlite.Store, path string) (string, error) {
	tmp, err := writeSnapshot(ctx, s, path, filepath.Dir(s.Path()), true)
	if errors.Is(err, fs.ErrPermission) {
		tmp, err = writeSnapshot(ctx, s, path, os.TempDir(), true)
	}
	return tmp, err
}

// placeSnapshot renames the checked copy tmp to path and makes the new name durable; on failure
// tmp is removed.
func placeSnapshot(tmp, path string) error {
	if err := rename.Retrying(tmp, path); err != nil {
		removeSnapshotTemp(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

func removeSnapshotTemp(tmp string) {
	os.Remove(tmp)
	os.Remove(tmp + "-journal")
}

// writeWhole writes a new file at path whole or not at all: into a temporary file beside it,
// flushed, then renamed into place and the folder flushed.
func writeWhole(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := rename.Retrying(f.Name(), path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// checkCopy opens the copy read-only and runs the integrity and foreign-key checks on it. A copy
// of an older schema fails, unless older: a backup of a practice not yet opened by this version
// is then checked for its integrity only (Check compares nothing more of an older schema), and
// restoring it upgrades it and checks it whole (copyForRestore).
func checkCopy(ctx context.Context, path string, older bool) error {
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
	if older && h.SchemaVersion < sqlite.SchemaVersion() {
		if _, err := sqlite.CheckBackupFile(ctx, path); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("the copy failed its check: %w", err)
		}
		return nil
	}
	if h.SchemaVersion < sqlite.SchemaVersion() { // only a copy of a practice not yet upgraded may be older
		return fmt.Errorf("the copy failed its check: its schema version %d is older than %d", h.SchemaVersion, sqlite.SchemaVersion())
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

// syncDir makes a rename in dir durable.
func syncDir(dir string) error { return photolib.SyncDir(dir) }
