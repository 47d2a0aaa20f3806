//go:build linux || darwin || freebsd

package practice

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// diskFree is the number of bytes free to this user on the disk holding dir.
func diskFree(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("free space of %s: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
