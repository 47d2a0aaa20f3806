package ui

import (
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// Database work runs in place, and drafts are saved only when a test says so: each test then
	// sees the app's state change in order, as a practitioner would, without waiting.
	background = func(work func()) { work() }
	draftDelay = time.Hour
	os.Exit(m.Run())
}
