package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
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
	if code != 0 || !strings.Contains(out, "photos in database: 5, moved to the photo folder when the practice is opened in Needlelog\n") ||
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
	if code != 0 || strings.Contains(out, "photos in database:") || !strings.Contains(out, "photo folder:      \""+dir+"\": as expected\n") {
		t.Fatalf("check after the move: exit %d\n%s%s", code, out, errOut)
	}

	// Copied without its photo folder.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "check", "--db", path)
	want := "photos:            5 photos have no images. The photo folder \"clinic.photos\" is not beside the practice file: copy it " +
		"from where the practice came from into " + filepath.Dir(path) + ", then open the photos again.\n"
	if code != 1 || !strings.Contains(out, "photo folder:      \""+dir+"\": missing\n"+want) {
		t.Fatalf("check of a practice without its photo folder: exit %d\n%s%s", code, out, errOut)
	}
}

// A practice copied without its photo folder: check says to copy the folder back, first, names
// the first photos as --photos does (by client and date) and how many more, and exits 1.
func TestCheckWithoutThePhotoFolderSaysCopyItBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clinic.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := data.Client{FirstName: "Anna", LastName: "Berg", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	const photos = lostPhotosListed + 3
	for i := range photos {
		testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, fmt.Sprintf("IMG_%04d.jpg", i),
			phototest.NoisyJPEG(t, 64, 48, uint32(i+1), 16), testkit.Now.AddDate(0, 0, i))
	}
	dir := s.PhotoDir()
	s.Close()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, "check", "--db", path)
	lines := strings.Split(out, "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "photos:") })
	if code != 1 || i < 0 || lines[i] != fmt.Sprintf("photos:            %d photos have no images. The photo folder \"clinic.photos\" is not "+
		"beside the practice file: copy it from where the practice came from into %s, then open the photos again.", photos, filepath.Dir(path)) {
		t.Fatalf("check without the photo folder: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "restore a backup from before it") || strings.Count(out, " of Anna Berg: its original and preview files are missing") != lostPhotosListed ||
		!strings.Contains(out, "  photo IMG_0000.jpg taken "+data.DateOf(testkit.Now).String()+" of Anna Berg: its original and preview files are missing") ||
		!strings.Contains(out, "\n  and 3 more; `needlelog check --photos` lists them all\n") {
		t.Fatalf("check names the photos without their folder:\n%s", out)
	}
}

// A practice made by the release before the photo library, not yet opened by this one, is no
// problem for check: its older schema is said with what upgrades it, its records are checked and
// counted, its photos still in the database are said, and the file is left as it was.
func TestCheckOfAPracticeNotYetUpgraded(t *testing.T) {
	fixture := filepath.Join("..", "..", "store", "sqlite", "testdata", "previous-release", "clinic.db")
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clinic.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "--db", path}, {"check", "--db", path, "--photos"}} {
		code, out, errOut := runCLI(t, args...)
		for _, want := range []string{
			fmt.Sprintf("schema version:    6 (this version of Needlelog writes %d; opening the practice in Needlelog upgrades it)\n", sqlite.SchemaVersion()),
			"integrity:         ok\n",
			"photos in database: 5, moved to the photo folder when the practice is opened in Needlelog\n",
			"clients:           3\n",
			"photos:            5\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: the report lacks %q:\n%s%s", args[1:], want, out, errOut)
			}
		}
		if code != 0 || strings.Contains(out, "problem") || errOut != "" {
			t.Errorf("%v of a practice of the release before: exit %d\n%s%s", args[1:], code, out, errOut)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(after, b) {
		t.Error("check changed the practice's file")
	}
}
