package practice

import (
	"path/filepath"

	"golang.org/x/sys/windows"
)

// networkFS describes the network drive dir is on, or "" for a local one. UNC paths are
// recognised from the path itself (uncShare); this finds mapped drive letters.
func networkFS(dir string) string {
	vol := filepath.VolumeName(dir)
	if len(vol) != 2 || vol[1] != ':' {
		return ""
	}
	root, err := windows.UTF16PtrFromString(vol + `\`)
	if err != nil {
		return ""
	}
	if windows.GetDriveType(root) == windows.DRIVE_REMOTE {
		return "the network drive " + vol
	}
	return ""
}

// realLocation is where the existing folder dir really is, as the system resolves it: through
// symbolic links and junctions (which filepath.EvalSymlinks leaves alone since Go 1.23), to a
// drive letter or a network share ("\\?\UNC\server\share\…").
func realLocation(dir string) (string, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return "", err
	}
	// Opened for nothing but its name; a folder opens only with backup semantics.
	h, err := windows.CreateFile(p, 0, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return "", err
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n, err := windows.GetFinalPathNameByHandle(h, &buf[0], uint32(len(buf)), 0)
	if err != nil {
		return "", err
	}
	return windows.UTF16ToString(buf[:n]), nil
}
