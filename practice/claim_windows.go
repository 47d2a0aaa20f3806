//go:build windows

package practice

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// lockFile locks the first byte of f without waiting. Windows lets go of it when the process
// ends.
func lockFile(f *os.File) error {
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY,
		0, 1, 0, new(windows.Overlapped))
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return errLocked
	}
	return err
}

// openLockPath opens (creating it with perm when missing) the lock file at name. A link or junction
// there, or anything but a file, is refused: Windows would follow it.
func openLockPath(name string, perm fs.FileMode) (*os.File, error) {
	if info, err := os.Lstat(name); err == nil && !info.Mode().IsRegular() {
		return nil, notLockFile(name)
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, perm)
	if errors.Is(err, fs.ErrPermission) {
		if ro, rerr := os.Open(name); rerr == nil {
			f, err = ro, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, notLockFile(name)
	}
	return f, nil
}

func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
}

func isReadOnlyFS(err error) bool { return errors.Is(err, windows.ERROR_WRITE_PROTECT) }

// userTag names the user in the socket's name: the temporary folder is the user's own on Windows,
// and the account's SID goes into the hash.
func userTag() (shown, hashed string) {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "w", ""
	}
	return "w", tu.User.Sid.String()
}

func socketDirs() []string { return []string{os.TempDir()} }

// realPath is the final path Windows gives the file at dbPath, or its folder when the file does
// not exist yet: symbolic links and junctions followed, the names as the disk spells them. Letter
// case needs no more: the lock file beside it is one file however its name is cased.
func realPath(dbPath string) (string, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return "", err
	}
	if p, err := finalPath(abs); err == nil {
		return p, nil
	}
	if dir, err := finalPath(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs)), nil
	}
	return abs, nil
}

// GetFinalPathNameByHandle's flags: a normalised name, with a drive letter.
const (
	fileNameNormalized = 0x0
	volumeNameDOS      = 0x0
)

// finalPath asks Windows for the final path of a file or folder. The handle opened for it reads
// nothing and, unlike a descriptor on Unix, closing it touches no other handle's locks.
func finalPath(path string) (string, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return "", err
	}
	h, err := windows.CreateFile(p, 0, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return "", err
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n, err := windows.GetFinalPathNameByHandle(h, &buf[0], uint32(len(buf)), fileNameNormalized|volumeNameDOS)
	if err != nil {
		return "", err
	}
	if int(n) > len(buf) {
		return "", windows.ERROR_INSUFFICIENT_BUFFER
	}
	final := windows.UTF16ToString(buf[:n])
	if rest, ok := strings.CutPrefix(final, `\\?\UNC\`); ok {
		return `\\` + rest, nil
	}
	return strings.TrimPrefix(final, `\\?\`), nil
}

// lockedByAnother reports whether another program has the file at path open: Windows refuses to
// remove a file that is open, so removing a database in use fails by itself; this answers false.
func lockedByAnother(path string) bool { return false }
