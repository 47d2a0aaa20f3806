//go:build unix

package practice_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/practice"
)

// TestReadPhotoFileRefusesWhatIsNotAPhotoFile: a folder, a named pipe (which would block a read
// for ever), a missing file and a file over the size limit are refused from the file system alone.
func TestReadPhotoFileRefusesWhatIsNotAPhotoFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "huge.jpg")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, photo.MaxFileBytes+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	cases := map[string]string{
		dir:                            "it is a folder, not a photo",
		filepath.Join(dir, "gone.jpg"): "the file does not exist",
		big:                            "more than the",
	}
	pipe := filepath.Join(dir, "pipe.jpg")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	cases[pipe] = "it is not an ordinary file"
	for path, want := range cases {
		_, err := practice.ReadPhotoFileContext(context.Background(), path, data.PhotoImportOptions{})
		var pe *data.PhotoFileError
		if !errors.As(err, &pe) || pe.Path != path || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want a PhotoFileError saying %q", filepath.Base(path), err, want)
		}
	}
	_, err := practice.ReadPhotoFileContext(context.Background(), big, data.PhotoImportOptions{})
	if !errors.Is(err, photo.ErrTooLarge) {
		t.Errorf("a file over the limit: %v is not photo.ErrTooLarge", err)
	}
	_, err = practice.ReadPhotoFileContext(context.Background(), filepath.Join(dir, "gone.jpg"), data.PhotoImportOptions{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v is not fs.ErrNotExist", err)
	}
}
