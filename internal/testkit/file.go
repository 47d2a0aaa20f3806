package testkit

import (
	"os"
	"testing"
)

// FlipByte inverts the bits of the byte at offset in a file (from its end when offset < 0), as a
// failing disk or a bad copy would.
func FlipByte(tb testing.TB, path string, offset int64) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if offset < 0 {
		offset += int64(len(b))
	}
	if offset < 0 || offset >= int64(len(b)) {
		tb.Fatalf("flip byte %d of %s: the file has %d", offset, path, len(b))
	}
	b[offset] ^= 0xFF
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// Names lists the names in a folder, in name order, for tests that check what a command left
// there.
func Names(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
