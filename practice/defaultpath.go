package practice

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultPath is where the practice's database lives when no other is chosen: the user's local
// data folder (never a roaming profile, which syncs and corrupts SQLite files).
func DefaultPath() (string, error) {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = os.Getenv("LOCALAPPDATA")
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, "Library", "Application Support")
	default:
		dir = os.Getenv("XDG_DATA_HOME")
		if dir == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			dir = filepath.Join(home, ".local", "share")
		}
	}
	if dir == "" {
		return "", fmt.Errorf("no user data folder is known for this account")
	}
	return filepath.Join(dir, "Needlelog", "needlelog.db"), nil
}
