package testkit

import (
	"os"
	"runtime"
	"testing"
)

// Symlink makes link point at target, or skips the test where links cannot be made: Windows
// without developer mode refuses them, and Wine 8 makes folder links it cannot follow (its
// reparse points came later). Elsewhere a failure fails the test.
func Symlink(t testing.TB, target, link string) {
	t.Helper()
	if !LinksWork() {
		t.Skip("Wine 8 cannot follow the folder links it makes; this runs on Linux and on Windows")
	}
	if err := os.Symlink(target, link); err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("this Windows account cannot make links (developer mode is off): %v", err)
		}
		t.Fatal(err)
	}
}

// LinksWork tells whether links made with os.Symlink can be followed here, for tests that try a
// link among other cases and leave it out only where it cannot be made.
func LinksWork() bool { return !UnderWine() }

// LocalSocketsWork tells whether local (AF_UNIX) sockets can be made here: Windows has them from
// Windows 10 version 1803 on, Wine 8 has none.
func LocalSocketsWork() bool { return !UnderWine() }

// NeedLocalSockets skips a test of local sockets where there are none (see LocalSocketsWork).
func NeedLocalSockets(t testing.TB) {
	t.Helper()
	if !LocalSocketsWork() {
		t.Skip("Wine 8 has no local (AF_UNIX) sockets; Windows has them from Windows 10 version 1803, and this runs on Linux")
	}
}
