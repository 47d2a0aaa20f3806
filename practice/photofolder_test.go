package practice_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"needlelog.app/needlelog/practice"
)

func TestPhotoFolderLists(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, p := range []string{"DCIM/100CANON/IMG_0002.JPG", "DCIM/100CANON/IMG_0001.JPG", "a.png", ".hidden.jpg",
		".thumbs/x.jpg", "DCIM/Thumbs.db", "desktop.ini"} {
		path := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, _, cut, err := practice.PhotoFolder(dir, 0)
	want := []string{filepath.Join(dir, "DCIM/100CANON/IMG_0001.JPG"), filepath.Join(dir, "DCIM/100CANON/IMG_0002.JPG"),
		filepath.Join(dir, "a.png")}
	if err != nil || cut || !slices.Equal(files, want) {
		t.Fatalf("PhotoFolder = %v, %v, %v; want %v", files, cut, err, want)
	}
	if files, _, cut, _ := practice.PhotoFolder(dir, 2); len(files) != 2 || !cut {
		t.Fatalf("with a limit of 2: %v, cut %v", files, cut)
	}
	if _, _, _, err := practice.PhotoFolder(filepath.Join(dir, "missing"), 0); err == nil {
		t.Fatal("a missing folder was listed")
	}
}
