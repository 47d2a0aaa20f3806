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
