//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package data

import (
	"errors"
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

// realPath is the path the file system resolves dbPath to: every symbolic link in it followed,
// the file's own included when it exists, and ".." taken after the link before it, as the system
// does. (filepath.Abs would take "link/.." away before the link is followed.)
func realPath(dbPath string) (string, error) {
	p := dbPath
	if !filepath.IsAbs(p) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		p = wd + string(filepath.Separator) + p
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real, nil
	}
	// The file may not exist yet: its folder, then.
	dir, base := filepath.Split(p)
	if base == "" || base == "." || base == ".." {
		return filepath.Clean(p), nil
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(real, base), nil
	}
	return filepath.Clean(p), nil
}
