package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes a file whole or not at all: into a temporary file beside path, flushed to the
// disk, then renamed over path. When write fails or is cancelled, or the disk fills, the
// temporary file is removed and whatever path held before is left as it was.
func WriteFile(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.part")
	if err != nil {
		return fmt.Errorf("write %s: %w", base, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", base, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", base, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", base, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", base, err)
	}
	// The rename is durable once the folder's entry is on disk too; not every system can sync a folder.
	if d, err := os.Open(dir); err == nil {
		if serr := d.Sync(); serr != nil && !errors.Is(serr, os.ErrInvalid) {
			d.Close()
			return fmt.Errorf("write %s: %w", base, serr)
		}
		d.Close()
	}
	return nil
}
