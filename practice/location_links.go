//go:build !windows

package practice

import "path/filepath"

// realLocation is where the existing folder dir really is, every symbolic link in it followed.
func realLocation(dir string) (string, error) { return filepath.EvalSymlinks(dir) }
