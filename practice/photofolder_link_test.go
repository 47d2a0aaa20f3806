//go:build unix

package practice_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"needlelog.app/needlelog/practice"
)

// Links in an imported folder are listed with the reason, never followed; so is a named pipe.
func TestPhotoFolderListsLinks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	elsewhere := t.TempDir()
	for _, p := range []string{filepath.Join(dir, "DCIM", "IMG_0001.JPG"), filepath.Join(elsewhere, "IMG_9999.JPG"),
		filepath.Join(elsewhere, "sub", "IMG_8888.JPG")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "DCIM", "IMG_0002.JPG")
	dirLink := filepath.Join(dir, "More")
	broken := filepath.Join(dir, "gone.jpg")
	hiddenLink := filepath.Join(dir, ".hidden.jpg")
	for l, target := range map[string]string{link: filepath.Join(elsewhere, "IMG_9999.JPG"),
		dirLink: filepath.Join(elsewhere, "sub"), broken: filepath.Join(elsewhere, "none.jpg"),
		hiddenLink: filepath.Join(elsewhere, "IMG_9999.JPG")} {
		if err := os.Symlink(target, l); err != nil {
			t.Fatal(err)
		}
	}
	fifo := filepath.Join(dir, "pipe.jpg")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}

	files, skipped, cut, err := practice.PhotoFolder(dir, 0)
	if err != nil || cut {
		t.Fatal(err, cut)
	}
	if want := []string{filepath.Join(dir, "DCIM", "IMG_0001.JPG")}; !slices.Equal(files, want) {
		t.Errorf("files = %v, want %v", files, want)
	}
	want := []practice.SkippedFile{
		{link, "a link to another file; import the file itself"},
		{broken, "a link to a file that is not there"},
		{dirLink, "a link to another folder; import the folder itself"},
		{fifo, "not an ordinary file, so it cannot be a photo"},
	}
	slices.SortFunc(want, func(a, b practice.SkippedFile) int { return strings.Compare(a.Path, b.Path) })
	if !slices.Equal(skipped, want) {
		t.Errorf("skipped =\n %v\nwant\n %v", skipped, want)
	}
}
