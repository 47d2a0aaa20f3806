package practice_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"needlelog.app/needlelog/practice"
)

// The default practice lives in the account's own local data folder: on Windows
// %LOCALAPPDATA%, never the roaming profile that a domain copies between PCs (a SQLite file
// copied while open is damaged); elsewhere the system's place for an application's data.
func TestDefaultPathPerSystem(t *testing.T) {
	p, err := practice.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = os.Getenv("LOCALAPPDATA")
		if dir == "" || dir == os.Getenv("APPDATA") {
			t.Fatalf("LOCALAPPDATA is %q, APPDATA %q", dir, os.Getenv("APPDATA"))
		}
	case "darwin":
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, "Library", "Application Support")
	default:
		if dir = os.Getenv("XDG_DATA_HOME"); dir == "" {
			home, _ := os.UserHomeDir()
			dir = filepath.Join(home, ".local", "share")
		}
	}
	if want := filepath.Join(dir, "Needlelog", "needlelog.db"); p != want {
		t.Errorf("the default practice is %s, want %s", p, want)
	}
	if runtime.GOOS == "windows" && !filepath.IsAbs(p) {
		t.Errorf("the default practice's path %s is not absolute", p)
	}
}
