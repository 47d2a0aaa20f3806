//go:build unix

package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
)

func TestClaimInAReadOnlyFolder(t *testing.T) {
	asUnprivileged(t, "TestClaimInAReadOnlyFolder", func(t *testing.T, dir string) {
		ro := filepath.Join(dir, "readonly")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(ro, 0o700)
		if _, err := data.ClaimDatabase(filepath.Join(ro, "practice.db")); !errors.Is(err, data.ErrReadOnlyFile) {
			t.Fatalf("claim in a read-only folder: %v", err)
		}
	})
}
