//go:build linux

package practice

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// heldFiles are the descriptors of database files that claims in this process have locked: one
// per file, opened by the first claim of it and never closed. Closing any descriptor of a file
// drops every POSIX lock the process holds on it, and SQLite's locks are POSIX locks: were a claim
// to close its descriptor while a store of the same file is open (a read-only window trying to
// open for writing, say), another process could write under that store.
var heldFiles = struct {
	sync.Mutex
	byID  map[fileID]*dbHandle
	spare []*os.File // opened but not needed after all; kept open too, and from the finalizer
}{byID: map[fileID]*dbHandle{}}

type fileID struct{ dev, ino uint64 }

type dbHandle struct {
	f       *os.File
	claimed bool // by a claim in this process, which flock alone would not refuse
}

// holdFile takes an exclusive flock on the database file at real itself, so that a claim made
// through another name of the same file (a hard link) is refused. On Linux flock is independent of
// the POSIX locks SQLite takes. A file that does not exist yet, or that this account may not read,
// holds nothing: the lock file alone guards it.
func holdFile(real string) (heldFile, error) {
	heldFiles.Lock()
	defer heldFiles.Unlock()
	h, err := dbHandleFor(real)
	if h == nil || err != nil {
		return heldFile{}, err
	}
	if h.claimed {
		return heldFile{}, errLocked
	}
	if err := lockFile(h.f); err != nil {
		return heldFile{}, err
	}
	h.claimed = true
	return heldFile{unlock: func() error {
		heldFiles.Lock()
		defer heldFiles.Unlock()
		h.claimed = false
		if err := unix.Flock(int(h.f.Fd()), unix.LOCK_UN); err != nil {
			return fmt.Errorf("unlock %s: %w", h.f.Name(), err)
		}
		return nil
	}}, nil
}

// dbHandleFor returns the descriptor of the file at real, opening it when this process has none
// yet; nil when there is no file to hold. heldFiles must be locked.
func dbHandleFor(real string) (*dbHandle, error) {
	var st unix.Stat_t
	if err := unix.Stat(real, &st); err != nil {
		return nil, nil // not there yet, or not ours to look at: SQLite will say
	}
	if h := heldFiles.byID[fileID{uint64(st.Dev), st.Ino}]; h != nil {
		return h, nil
	}
	f, err := os.Open(real) // read-only: flock needs no more, and the file is never written through it
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		heldFiles.spare = append(heldFiles.spare, f) // never closed (see heldFiles)
		return nil, err
	}
	id := fileID{uint64(st.Dev), st.Ino}
	if h := heldFiles.byID[id]; h != nil {
		// Replaced under its name since the Stat above, by a file held already.
		heldFiles.spare = append(heldFiles.spare, f)
		return h, nil
	}
	h := &dbHandle{f: f}
	heldFiles.byID[id] = h
	return h, nil
}

// fileClaimed reports whether a claim, in this process or another, holds the file at real itself
// (see holdFile): a hard link of a claimed database is claimed too. It answers true when it cannot
// tell. Another process's flock is tried through a descriptor of our own, read-only, closed at
// once: this process has no SQLite connection to a file it asks about, or closing that descriptor
// would drop its locks (see heldFiles).
func fileClaimed(real string) bool {
	var st unix.Stat_t
	if err := unix.Stat(real, &st); err != nil {
		return errors.Is(err, unix.EACCES) // gone, or not a file: no claim holds it
	}
	heldFiles.Lock()
	h := heldFiles.byID[fileID{uint64(st.Dev), st.Ino}]
	heldFiles.Unlock()
	if h != nil {
		return h.claimed
	}
	fd, err := unix.Open(real, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return true
	}
	defer unix.Close(fd)
	err = unix.Flock(fd, unix.LOCK_SH|unix.LOCK_NB)
	return err != nil
}
