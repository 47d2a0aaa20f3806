//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package practice

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive flock on f without waiting. The system lets go of it when the
// process ends, and it is independent of the POSIX locks SQLite takes on the database itself.
func lockFile(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return errLocked
		}
		return err
	}
}

// openLockPath opens (creating it with perm when missing) the lock file at name without following a
// link there: a link, or anything but a regular file, is refused. O_NONBLOCK keeps a FIFO put there
// from stalling the open before it is refused. Its mode is widened to perm only through the
// descriptor, and only when this account owns the file and it has no other name (a hard link to
// another file of the user's).
func openLockPath(name string, perm fs.FileMode) (*os.File, error) {
	const flags = unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NONBLOCK
	fd, err := openNoEINTR(name, unix.O_RDWR|unix.O_CREAT|flags, uint32(perm))
	if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
		// Another account's lock file that this one may only read: a read-only descriptor locks too.
		if ro, rerr := openNoEINTR(name, unix.O_RDONLY|flags, 0); rerr == nil {
			fd, err = ro, nil
		}
	}
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENXIO) || errors.Is(err, unix.EISDIR) {
		return nil, notLockFile(name) // a link (O_NOFOLLOW), a socket or a folder
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, notLockFile(name)
	}
	// The umask narrows what open sets, and a lock file made before its database (or by an older
	// version) may be narrower than it: widen it where it is this account's own.
	mode := fs.FileMode(st.Mode & 0o777)
	if mode|perm != mode && int(st.Uid) == os.Getuid() && st.Nlink == 1 {
		unix.Fchmod(fd, uint32(mode|perm)) //nolint:errcheck // a lock file that refuses still locks
	}
	return os.NewFile(uintptr(fd), name), nil
}

func openNoEINTR(name string, flags int, perm uint32) (int, error) {
	for {
		fd, err := unix.Open(name, flags, perm)
		if !errors.Is(err, unix.EINTR) {
			return fd, err
		}
	}
}

func unlockFile(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }

func isReadOnlyFS(err error) bool { return errors.Is(err, unix.EROFS) }

// userTag names the user in the socket's name.
func userTag() (shown, hashed string) {
	uid := strconv.Itoa(os.Getuid())
	return uid, uid
}

func socketDirs() []string {
	var dirs []string
	if d := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(d) {
		dirs = append(dirs, d)
	}
	return append(dirs, os.TempDir(), "/tmp")
}

// realPath is the path the file system resolves dbPath to: made absolute and cleaned as Open does
// (so that it names the file the store opens), then every symbolic link in it followed, the file's
// own included when it exists.
func realPath(dbPath string) (string, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	// The file may not exist yet: its folder, then.
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs)), nil
	}
	return abs, nil
}

// lockedByAnother reports whether another process holds a POSIX lock on any part of the file at
// path, as SQLite does on a database's shared memory file while it has the database open; true
// when it cannot tell. This process must have no lock of its own on the file to keep: closing the
// descriptor opened here would drop them.
func lockedByAnother(path string) bool {
	fd, err := openNoEINTR(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return true
	}
	defer unix.Close(fd)
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := unix.FcntlFlock(uintptr(fd), unix.F_GETLK, &lk); err != nil {
		return true
	}
	return lk.Type != unix.F_UNLCK
}
