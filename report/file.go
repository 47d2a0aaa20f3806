package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"needlelog.app/needlelog/data"
)

// WriteFile writes a file whole or not at all: into a temporary file beside path, flushed to the
// disk, then renamed over path. When write fails or is cancelled, or the disk fills, the
// temporary file is removed and whatever path held before is left as it was.
func WriteFile(path string, write func(io.Writer) error) error {
	p, err := newPart(path)
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
// failed or cancelled export leaves the folder as it was.
func WriteCSVFolder(ctx context.Context, dir string, store *data.Store, q data.ExportQuery) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("make the folder %s: %w", dir, err)
	}
	var parts []*part
	err := WriteCSV(ctx, store, q, func(name string) (io.Writer, error) {
		p, err := newPart(filepath.Join(dir, name))
		if err == nil {
			parts = append(parts, p)
		}
		return p, err
	})
	if err == nil {
		err = ctx.Err()
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

// part is a file being written under a temporary name beside its final one.
type part struct {
	*os.File
	path string
}

func newPart(path string) (*part, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.part")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", base, err)
	}
	return &part{File: f, path: path}, nil
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
		return fmt.Errorf("write %s: %w", base, err)
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
