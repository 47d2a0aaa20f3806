// Package photolib keeps a practice's photo files: immutable files named by the SHA-256 of their
// bytes, in a folder beside the database ("clinic.db" keeps them in "clinic.photos/ab/cd/<sha256>").
//
// A file is written to a temporary file, flushed, renamed into place and its folder flushed
// before the record naming it is committed, so that a record never names a file that a crash can
// take away. A file is never changed once written; a file no record names (an import cut short,
// a deleted photo whose removal was interrupted) is collected after a grace period.
package photolib

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/internal/rename"
)

// Suffix names a practice's photo folder after its database: "clinic.db" → "clinic.photos".
const Suffix = ".photos"

// Beside is the photo folder of the database at dbPath.
func Beside(dbPath string) string {
	return strings.TrimSuffix(dbPath, filepath.Ext(dbPath)) + Suffix
}

// ErrMissing is a file the library should hold and does not.
var ErrMissing = errors.New("the photo file is missing from the photo folder")

// ErrChanged is a file whose bytes no longer match the SHA-256 it is named by.
var ErrChanged = errors.New("the photo file's bytes no longer match those imported")

// Lost says whether err means a file cannot be had whole: missing (ErrMissing) or changed
// (ErrChanged).
func Lost(err error) bool { return errors.Is(err, ErrMissing) || errors.Is(err, ErrChanged) }

// Library is one photo folder. Its methods are safe for concurrent use.
type Library struct {
	dir string
	// mu orders Put (shared: imports write side by side) against Collect and Remove: a file Put
	// refreshes is never collected by a sweep that looked at it before.
	mu sync.RWMutex
}

// Open returns the library in dir. Nothing is created until the first Put.
func Open(dir string) *Library { return &Library{dir: dir} }

// Dir is the library's folder.
func (l *Library) Dir() string { return l.dir }

// Valid says whether sum is a SHA-256 in lower-case hex, as the library names files.
func Valid(sum string) bool {
	if len(sum) != 2*sha256.Size {
		return false
	}
	for _, c := range sum {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// checkSum is the one rule for a name the library is given. A record restored from a crafted
// backup or edited outside the app may name anything ("../../etc/passwd", "ab", ""): such a name
// names no photo file, so it is said as a missing one, and no path is built from it.
func checkSum(sum string) error {
	if Valid(sum) {
		return nil
	}
	return fmt.Errorf("photo file %q: not a photo file name: %w", sum, ErrMissing)
}

// notAFile is where PathIn points for a name that is not a SHA-256: inside the folder, under a
// name the library never writes, walks or collects.
const notAFile = "not-a-photo-file-name"

// missing says whether err means nothing is at a path: not there, or a file where one of its
// folders should be.
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// Sum is the SHA-256 of b in the library's spelling.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Path is where the file named sum is kept (whether or not it is there).
func (l *Library) Path(sum string) string { return PathIn(l.dir, sum) }

// PathIn is where a content-addressed folder rooted at dir keeps the file named sum. A name that
// is not a SHA-256 gives a path inside dir where no photo file is ever kept.
func PathIn(dir, sum string) string {
	if !Valid(sum) {
		return filepath.Join(dir, notAFile)
	}
	return filepath.Join(dir, sum[:2], sum[2:4], sum)
}

// maxFile is the largest file the library holds: no photo the app imports is larger, so a larger
// file (brought by a crafted backup, say) is not one imported, and Read does not take it whole
// into memory to find that out.
const maxFile = photo.MaxFileBytes

// touch gives an existing file the time of its latest use. A variable so that its failure,
// which Windows gives for a file another program holds open, can be tried anywhere.
var touch = func(path string, t time.Time) error { return os.Chtimes(path, t, t) }

// Put stores b under its SHA-256, which must be sum, and returns once the file and its name are
// on the disk. A file already there is kept only when its bytes match sum (anything else, a
// damaged file, a link, is replaced whole), and its time is refreshed, so that a sweep does not
// collect it before the record naming it commits.
func (l *Library) Put(sum string, b []byte) error {
	if err := checkSum(sum); err != nil {
		return fmt.Errorf("store photo file: %w", err)
	}
	if got := Sum(b); got != sum {
		return fmt.Errorf("store photo file %s: the bytes given have SHA-256 %s", sum, got)
	}
	if len(b) > maxFile {
		return fmt.Errorf("store photo file %s: %d bytes, more than any photo", sum, len(b))
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	path := l.Path(sum)
	if holds(path, sum, int64(len(b))) {
		// A time that cannot be set leaves the grace counted from the file's earlier use; the
		// file is sound, and refusing the import for it would lose the photo instead.
		if err := touch(path, time.Now()); err != nil {
			slog.Warn("refresh the time of a photo file", "path", path, "err", err)
		}
		return nil
	}
	return writeNew(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// PutFrom copies the file named sum from another content-addressed folder (src), checking its
// SHA-256 on the way; a file already here whose bytes match sum is kept. It streams: memory does
// not grow with the file's size.
func PutFrom(dst, src, sum string) error {
	if err := checkSum(sum); err != nil {
		return err
	}
	if holds(PathIn(dst, sum), sum, -1) {
		return nil
	}
	in, _, err := openFile(src, sum)
	if err != nil {
		return err
	}
	defer in.Close()
	return PutReader(dst, sum, in)
}

// holds says whether path is a file of size bytes (any size when size < 0), not a link nor a
// folder, whose bytes match sum: one the library can keep. It streams.
func holds(path, sum string, size int64) bool {
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || size >= 0 && info.Size() != size {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	got, err := hashOf(f)
	return err == nil && got == sum
}

// hashOf is the SHA-256 of what r gives, in the library's spelling.
func hashOf(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// PutReader writes the file named sum into the content-addressed folder dst from r, checking its
// SHA-256 on the way (ErrChanged when it differs, and nothing is written); a file already there
// is replaced whole, never changed in place. It streams: memory does not grow with the file's size.
func PutReader(dst, sum string, r io.Reader) error {
	if err := checkSum(sum); err != nil {
		return fmt.Errorf("store photo file: %w", err)
	}
	return writeNew(PathIn(dst, sum), func(w io.Writer) error {
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(w, h), r); err != nil {
			return err
		}
		if hex.EncodeToString(h.Sum(nil)) != sum {
			return fmt.Errorf("photo file %s: %w", sum, ErrChanged)
		}
		return nil
	})
}

// writeNew writes a file whole or not at all: to a temporary file beside path, flushed, renamed
// into place, and the folder flushed.
func writeNew(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := makeFolders(dir); err != nil {
		return fmt.Errorf("store photo file: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".put-*.tmp")
	if err != nil {
		return fmt.Errorf("store photo file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("store photo file %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("store photo file %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store photo file %s: %w", filepath.Base(path), err)
	}
	// An empty folder where the file belongs (left by hand or by another program) would refuse
	// the rename forever; a folder holding anything is not the library's to remove.
	if info, err := os.Lstat(path); err == nil && info.IsDir() {
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("store photo file %s: a folder is where the file belongs: %w", filepath.Base(path), err)
		}
	}
	if err := rename.Retrying(tmp.Name(), path); err != nil {
		return fmt.Errorf("store photo file %s: %w", filepath.Base(path), err)
	}
	// The two folders above the file and the library itself may be new too: flush each name,
	// up to the folder holding the library.
	d := dir
	for range 4 {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("store photo file %s: %w", filepath.Base(path), err)
		}
		d = filepath.Dir(d)
	}
	return nil
}

// makeFolders makes the two folders (ab/cd) that hold a file. A file or a broken link in a
// folder's place, put there by hand or by another program, would refuse every photo whose name
// starts the same way: it is moved aside, kept under its name with ".not-a-folder" added.
func makeFolders(dir string) error {
	err := os.MkdirAll(dir, 0o700)
	if !errors.Is(err, syscall.ENOTDIR) && !errors.Is(err, fs.ErrExist) { // ErrExist: a broken link
		return err
	}
	for _, d := range []string{filepath.Dir(dir), dir} {
		if info, err := os.Lstat(d); err == nil && !info.IsDir() {
			if err := rename.Retrying(d, d+".not-a-folder"); err != nil {
				return err
			}
		}
	}
	return os.MkdirAll(dir, 0o700)
}

// Read returns the bytes of the file named sum after checking them against it: ErrMissing or
// ErrChanged (wrapped) when they cannot be given.
func (l *Library) Read(sum string) ([]byte, error) {
	f, size, err := openFile(l.dir, sum)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > maxFile {
		return nil, fmt.Errorf("photo file %s: %d bytes, more than any photo: %w", sum, size, ErrChanged)
	}
	var b bytes.Buffer
	b.Grow(int(size) + bytes.MinRead)
	if _, err := b.ReadFrom(io.LimitReader(f, maxFile+1)); err != nil {
		return nil, fmt.Errorf("photo file %s: %w", sum, err)
	}
	if Sum(b.Bytes()) != sum {
		return nil, fmt.Errorf("photo file %s: %w", sum, ErrChanged)
	}
	return b.Bytes(), nil
}

// Open opens the file named sum to read; ErrMissing (wrapped) when it is not there. The caller
// checks the bytes against sum if it needs to.
func (l *Library) Open(sum string) (*os.File, error) {
	f, _, err := openFile(l.dir, sum)
	return f, err
}

// openFile opens the file named sum in the content-addressed folder dir, and says its size:
// ErrMissing (wrapped) when sum is not a photo file's name, or no file is there (nothing, or a
// folder, or a file where a folder should be).
func openFile(dir, sum string) (*os.File, int64, error) {
	if err := checkSum(sum); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(PathIn(dir, sum))
	if missing(err) {
		return nil, 0, fmt.Errorf("photo file %s: %w", sum, ErrMissing)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("photo file %s: %w", sum, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("photo file %s: %w", sum, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("photo file %s: a folder or device is in its place: %w", sum, ErrMissing)
	}
	return f, info.Size(), nil
}

// Has says whether the file named sum is there, without reading it.
func (l *Library) Has(sum string) bool {
	if checkSum(sum) != nil {
		return false
	}
	info, err := os.Stat(l.Path(sum))
	return err == nil && info.Mode().IsRegular()
}

// Verify reads the file named sum through and checks its SHA-256, in constant memory.
func (l *Library) Verify(sum string) error { return VerifyIn(l.dir, sum) }

// VerifySize is Verify that also says how many bytes the file holds.
func (l *Library) VerifySize(sum string) (int64, error) {
	if err := l.Verify(sum); err != nil {
		return 0, err
	}
	info, err := os.Stat(l.Path(sum))
	if err != nil {
		return 0, fmt.Errorf("photo file %s: %w", sum, err)
	}
	return info.Size(), nil
}

// Stream is Open for a caller that only reads: the file as an io.ReadCloser.
func (l *Library) Stream(sum string) (io.ReadCloser, error) {
	f, err := l.Open(sum)
	if err != nil {
		return nil, err // never a nil *os.File in a non-nil interface
	}
	return f, nil
}

// VerifyIn checks the file named sum in the content-addressed folder dir.
func VerifyIn(dir, sum string) error {
	f, _, err := openFile(dir, sum)
	if err != nil {
		return err
	}
	defer f.Close()
	got, err := hashOf(f)
	if err != nil {
		return fmt.Errorf("photo file %s: %w", sum, err)
	}
	if got != sum {
		return fmt.Errorf("photo file %s: %w", sum, ErrChanged)
	}
	return nil
}

// Remove deletes the file named sum; a file already gone is not an error, nor is a name that is
// not a photo file's, nor a folder in the file's place: none holds the photo, and the record
// naming it can still be deleted.
func (l *Library) Remove(sum string) error {
	if checkSum(sum) != nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	path := l.Path(sum)
	if info, err := os.Lstat(path); err == nil && info.IsDir() {
		return nil
	}
	if err := os.Remove(path); err != nil && !missing(err) {
		return fmt.Errorf("remove photo file %s: %w", sum, err)
	}
	return nil
}

// File is one file found in a content-addressed folder.
type File struct {
	Sum     string
	Size    int64
	ModTime time.Time
}

// Walk calls fn for each file in the content-addressed folder dir, in no set order. Temporary
// files and anything not named by a SHA-256 are passed over; a folder that does not exist holds
// nothing.
func Walk(dir string, fn func(File) error) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == dir {
				return fs.SkipAll
			}
			return err
		}
		// Only the library's own files: no folder, link or stray file that happens to have such a name.
		if !d.Type().IsRegular() || !Valid(d.Name()) || path != PathIn(dir, d.Name()) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		return fn(File{Sum: d.Name(), Size: info.Size(), ModTime: info.ModTime()})
	})
	if err != nil {
		return fmt.Errorf("look through %s: %w", dir, err)
	}
	return nil
}

// Collect removes the files that named does not name and that are older than grace, with the
// temporary files of writes cut short; it returns the SHA-256s removed. named is asked again,
// file by file, just before removing, so a record committed during the sweep keeps its file.
func (l *Library) Collect(now time.Time, grace time.Duration, named func(sum string) (bool, error)) ([]string, error) {
	var removed []string
	err := filepath.WalkDir(l.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == l.dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil || now.Sub(info.ModTime()) < grace {
			return nil
		}
		name := d.Name()
		if strings.HasPrefix(name, ".put-") && strings.HasSuffix(name, ".tmp") {
			os.Remove(path)
			return nil
		}
		if !Valid(name) {
			return nil
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if info, err := os.Stat(path); err != nil || now.Sub(info.ModTime()) < grace {
			return nil
		}
		keep, err := named(name)
		if err != nil || keep {
			return err
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed = append(removed, name)
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("collect unused photo files in %s: %w", l.dir, err)
	}
	return removed, nil
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
