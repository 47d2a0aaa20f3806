//go:build windows

package data

import (
	"errors"
	"os"

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
