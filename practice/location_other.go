//go:build !linux && !darwin && !windows

package practice

// networkFS finds no network file systems where no way to tell them is known.
func networkFS(string) string { return "" }
