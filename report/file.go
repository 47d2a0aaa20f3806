package report

import (
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
	// A file replaced keeps its permissions; a new one is readable by its owner only, as the
	// records in it are a clinic's.
	if info, err := os.Stat(path); err == nil {
		if err := os.Chmod(tmp.Name(), info.Mode().Perm()); err != nil {
			return fmt.Errorf("write %s: %w", base, err)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", base, err)
	}
	// The rename survives a power cut once the folder's entry is on disk too. Not every system can
	// sync a folder (Windows refuses), and the file is in place whole either way: so it is tried,
	// and a refusal is not a failure.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
