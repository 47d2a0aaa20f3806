//go:build !(linux || darwin || freebsd || windows)

package practice

// diskFree cannot tell the free space here; -1 skips the check.
func diskFree(string) (int64, error) { return -1, nil }
