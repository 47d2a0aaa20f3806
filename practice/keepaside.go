package practice

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// asideName is where setAside puts the database abs under label:
// "<name>.<label>-YYYYMMDD-HHMMSS<extension>" (UTC; ".db" for a file without one; -2, -3, ...
// when taken), so that the file kept aside still opens as a practice, with a photo folder of its
// own (photolib.Beside) apart from the one of the file that takes its place.
func asideName(abs, label string) string {
	ext := filepath.Ext(abs)
	stem := strings.TrimSuffix(abs, ext)
	if ext == "" {
		ext = ".db"
	}
	base := stem + "." + label + "-" + time.Now().UTC().Format(backupStamp)
	aside := base + ext
	for n := 2; asideTaken(aside); n++ {
		aside = base + "-" + strconv.Itoa(n) + ext
	}
	return aside
}

// asideSaid is the name asideName gives, as said before it is taken: "clinic.replaced-DATE-TIME.db".
func asideSaid(abs, label string) string {
	ext := filepath.Ext(abs)
	if ext == "" {
		return filepath.Base(abs) + "." + label + "-DATE-TIME.db"
	}
	return strings.TrimSuffix(filepath.Base(abs), ext) + "." + label + "-DATE-TIME" + ext
}

func asideTaken(aside string) bool {
	for _, p := range append([]string{aside, photolib.Beside(aside)}, aside+"-wal", aside+"-journal") {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

// setAsideForRestore sets aside the database at dst, when it exists, as "<name>.replaced-<time>.db"
// with its photos in a folder of its own (keepPhotosAside): the restored practice sweeps the old
// folder of what it does not name. Else it sets aside the write-ahead log a file removed by hand
// left behind. undo puts everything back.
func setAsideForRestore(ctx context.Context, dst string, exists bool) (string, func() error, error) {
	if !exists {
		_, undo, err := setAside(dst, "orphaned")
		return "", undo, err
	}
	name := asideName(dst, "replaced")
	if err := keepPhotosAside(ctx, dst, name); err != nil {
		return "", nil, fmt.Errorf("keep the photos of the file it replaces: %w", err)
	}
	aside, undoFile, err := setAsideAs(dst, name)
	if err != nil {
		os.RemoveAll(photolib.Beside(name))
		return "", nil, err
	}
	undo := func() error {
		if err := undoFile(); err != nil {
			return err // the file kept aside keeps its photos
		}
		return os.RemoveAll(photolib.Beside(name))
	}
	return aside, undo, nil
}

// keepPhotosAside gives the database at dbPath, about to be set aside as aside, its photos in its
// own photo folder (photolib.Beside(aside)), marked as its practice's: each photo file it names
// is hard-linked there (no space taken), or copied when the disk cannot link (the free space
// checked first). The file that takes dbPath's place sweeps the old folder of what it does not
// name; the practice kept aside must still open with every photo. A database that cannot say
// which files it names (damaged) keeps them all. On failure nothing is left.
func keepPhotosAside(ctx context.Context, dbPath, aside string) (err error) {
	from, to := photolib.Beside(dbPath), photolib.Beside(aside)
	sums, id, err := photosNamedBy(ctx, dbPath)
	if err != nil {
		sums = nil
		if err := photolib.Walk(from, func(f photolib.File) error { sums = append(sums, f.Sum); return nil }); err != nil {
			return err
		}
		if id, err = photolib.Owner(from); err != nil {
			return err
		}
	}
	defer func() {
		if err != nil {
			os.RemoveAll(to)
		}
	}()
	var copies []string
	var need int64
	synced := map[string]bool{}
	for _, sum := range sums {
		src, dst := photolib.PathIn(from, sum), photolib.PathIn(to, sum)
		info, err := os.Stat(src)
		if errors.Is(err, fs.ErrNotExist) {
			continue // missing already: said as missing there as here
		}
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		if err := os.Link(src, dst); err != nil {
			copies, need = append(copies, sum), need+info.Size()
			continue
		}
		synced[filepath.Dir(dst)] = true
	}
	if len(copies) > 0 {
		if free, err := diskFree(filepath.Dir(to)); err == nil && free < need+moveMargin(need) {
			return fmt.Errorf("%w: keeping the photos of the replaced practice takes about %d MB and %s has %d MB free; free some space there",
				data.ErrNoSpace, (need+moveMargin(need))>>20, filepath.Dir(to), free>>20)
		}
	}
	for _, sum := range copies {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := photolib.PutFrom(to, from, sum); err != nil {
			return err
		}
	}
	for dir := range synced {
		if err := syncDir(dir); err != nil {
			return err
		}
	}
	if _, err := os.Stat(to); errors.Is(err, fs.ErrNotExist) {
		return nil // no photo files: no folder
	}
	return photolib.Mark(to, id)
}

// photosNamedBy lists the photo files the database at path names, and its practice's identity.
func photosNamedBy(ctx context.Context, path string) ([]string, string, error) {
	_, hadLog := os.Lstat(path + "-wal")
	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return nil, "", err
	}
	defer func() {
		s.Close()
		// Reading a file in WAL mode makes an empty log beside it: not the file's to keep.
		if info, err := os.Lstat(path + "-wal"); hadLog != nil && err == nil && info.Size() == 0 {
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
		}
	}()
	sums, err := s.PhotoFiles(ctx)
	if err != nil {
		return nil, "", err
	}
	id, err := s.PracticeID(ctx)
	return sums, id, err
}

// markRestored marks the photo folder of the practice just restored at dbPath as its own (the
// restored file's identity, which may be another practice's than the one it replaced); a
// practice with none leaves the folder unmarked, to be adopted when it first opens.
func markRestored(dbPath, id string) error {
	dir := photolib.Beside(dbPath)
	if id == "" {
		if err := os.Remove(filepath.Join(dir, photolib.OwnerFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return photolib.Mark(dir, id)
}
