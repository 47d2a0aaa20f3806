package practice

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// networkFS describes the network file system dir is on, or "" for a local one.
func networkFS(dir string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return "" // nothing known is nothing to warn about
	}
	magic := int64(uint32(st.Type)) // f_type is 32 bits wide, signed on some architectures
	var typ string
	if magic == unix.FUSE_SUPER_MAGIC {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real
		}
		if b, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
			typ = mountType(string(b), dir)
		}
	}
	return describeNetworkFS(linuxNetworkFS(magic, typ))
}
