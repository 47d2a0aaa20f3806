package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// previousRelease copies the practice written by the release before the photo library (its five
// photos kept in the database) to the test's folder as clinic.db, upgraded as opening it does,
// and returns its path.
func previousRelease(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "store", "sqlite", "testdata", "previous-release", "clinic.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clinic.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckSaysWhatThePhotoFolderLacksAndWhatIsLeftToMove(t *testing.T) {
	path := previousRelease(t)
	dir := photolib.Beside(path)
	code, out, errOut := runCLI(t, "check", "--db", path)
	if code != 0 || !strings.Contains(out, "photos to move:    5 photo(s) still kept in the database; opening the practice in Needlelog moves them to the photo folder\n") ||
		!strings.Contains(out, "photo folder:      \""+dir+"\": none yet") {
		t.Fatalf("check of a practice whose photos are still in the database: exit %d\n%s%s", code, out, errOut)
	}

	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MovePhotos(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, out, errOut = runCLI(t, "check", "--db", path)
	if code != 0 || strings.Contains(out, "photos to move:") || !strings.Contains(out, "photo folder:      \""+dir+"\": as expected\n") {
		t.Fatalf("check after the move: exit %d\n%s%s", code, out, errOut)
	}

	// Copied without its photo folder.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "check", "--db", path)
	want := "  5 photos have no images: the photo folder " + dir + " is missing (it belongs beside the database). To bring them back, " +
		"copy the folder \"clinic.photos\" from where this practice came from into " + filepath.Dir(path) + ", or restore a backup of the practice.\n"
	if !strings.Contains(out, "photo folder:      \""+dir+"\": missing\n"+want) {
		t.Fatalf("check of a practice without its photo folder: exit %d\n%s%s", code, out, errOut)
	}
}
