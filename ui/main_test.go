package ui

import (
	"os"
	"testing"

	nlstore "needlelog.app/needlelog/store"
)

func TestMain(m *testing.M) {
	// Database work runs in place: each test then sees the app's state change in order, as a
	// practitioner would, without waiting.
	background = func(work func()) { work() }
	liveWatcher = func(practiceStore) nlstore.Watcher { return nil }
	// Default folders (the backup folder above all) point into a throwaway data folder, never
	// into the account's own.
	home, err := os.MkdirTemp("", "needlelog-ui-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_DATA_HOME", home)
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}
