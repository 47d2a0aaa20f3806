package diskcrypt

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// status looks at the existing folder dir through statx, the mount table and sysfs: all open
// to any user.
func status(dir string) Result {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real // the mount table names folders as they really are
	}
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, dir, 0, unix.STATX_BASIC_STATS, &st); err != nil {
		return Result{Why: "the system did not say where it is (" + err.Error() + ")"}
	}
	info, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return Result{Why: "the system's list of drives could not be read"}
	}
	f := folderOn{major: st.Dev_major, minor: st.Dev_minor,
		fscrypt: st.Attributes_mask&unix.STATX_ATTR_ENCRYPTED != 0 && st.Attributes&unix.STATX_ATTR_ENCRYPTED != 0}
	return linuxSystem{sys: "/sys", mountinfo: string(info)}.status(dir, f, deviceOf)
}

// deviceOf is the device number of the block device file source ("/dev/nvme0n1p2").
func deviceOf(source string) (uint32, uint32, bool) {
	var st unix.Stat_t
	if err := unix.Stat(source, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFBLK {
		return 0, 0, false
	}
	return unix.Major(st.Rdev), unix.Minor(st.Rdev), true
}
