package practice

import (
	"bytes"

	"golang.org/x/sys/unix"
)

// networkFS describes the network file system dir is on, or "" for a local one.
func networkFS(dir string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return "" // nothing known is nothing to warn about
	}
	name, _, _ := bytes.Cut(st.Fstypename[:], []byte{0})
	return describeNetworkFS(darwinNetworkFS(string(name)))
}
