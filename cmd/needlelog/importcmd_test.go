package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// importFixture is a practice with two clients, one session each, and the path of its file.
type importFixture struct {
	db             string
	anna, bea      data.Client
	annaS, beaS    data.Session
	sessionStarted time.Time
}

func newImportFixture(t *testing.T) importFixture {
	t.Helper()
	ctx := context.Background()
	f := importFixture{db: filepath.Join(t.TempDir(), "practice.db")}
	s, err := sqlite.Open(ctx, f.db, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Mid-morning yesterday, so that photos an hour either side fall on the same day whenever this runs.
	y, m, d := time.Now().AddDate(0, 0, -1).Date()
	f.sessionStarted = time.Date(y, m, d, 10, 0, 0, 0, time.Local)
	for _, p := range []struct {
		c  *data.Client
		se *data.Session
	}{{&f.anna, &f.annaS}, {&f.bea, &f.beaS}} {
		*p.c = data.Client{FirstName: "Anna", LastName: "Photo", PhotoConsent: data.PhotoConsentClinical}
		if p.c == &f.bea {
			p.c.FirstName = "Bea"
		}
		if err := s.CreateClient(ctx, p.c); err != nil {
			t.Fatal(err)
		}
		*p.se = data.Session{ClientID: p.c.ID, StartedAt: f.sessionStarted, NoSideEffects: true}
		if err := s.CreateSession(ctx, p.se); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// photos reads back a client's photos.
func (f importFixture) photos(t *testing.T, clientID string) []data.PhotoThumb {
	t.Helper()
	s, err := sqlite.Open(context.Background(), f.db, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.ListPhotos(context.Background(), data.PhotoQuery{ClientID: clientID})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// smallJPEG is a 64 × 48 JPEG whose bytes differ with shade.
func smallJPEG(t *testing.T, shade uint8) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			m.SetRGBA(x, y, color.RGBA{shade, uint8(x * 4), uint8(y * 5), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// put writes a file, creating its folder, with its modification time set to at.
func put(t *testing.T, path string, b []byte, at time.Time) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportPhotosFolder(t *testing.T) {
	f := newImportFixture(t)
	dir := filepath.Join(t.TempDir(), "card")
	before, after := f.sessionStarted.Add(-5*time.Minute), f.sessionStarted.Add(70*time.Minute)
	put(t, filepath.Join(dir, "IMG_0001.JPG"), smallJPEG(t, 10), before)
	put(t, filepath.Join(dir, "IMG_0002.JPG"), smallJPEG(t, 20), after)
	put(t, filepath.Join(dir, "IMG_0003.JPG"), smallJPEG(t, 10), after) // a copy of the first
	put(t, filepath.Join(dir, "notes.jpg"), []byte("Remember the serum lot.\n"), after)
	put(t, filepath.Join(dir, ".hidden.jpg"), smallJPEG(t, 30), after)
	put(t, filepath.Join(dir, ".cache", "x.jpg"), smallJPEG(t, 40), after)
	put(t, filepath.Join(dir, "Thumbs.db"), []byte("not a photo"), after)
	put(t, filepath.Join(dir, "b", "IMG_0100.JPG"), smallJPEG(t, 50), f.sessionStarted.AddDate(0, 0, 1))
	emptyDir := filepath.Join(t.TempDir(), "nothing here")
	os.Mkdir(emptyDir, 0o700)

	code, out, errOut := runCLI(t, "import", "photos", "--db", f.db, "--client", f.anna.ID, dir, emptyDir)
	if code != 1 || !strings.Contains(errOut, "1 of 5 files were refused") {
		t.Fatalf("exit %d, stderr %q; want 1 and one refusal\n%s", code, errOut, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	wantPrefixes := []string{
		quote(emptyDir) + ": no files in this folder",
		quote(filepath.Join(dir, "IMG_0001.JPG")) + ": imported as photo ",
		quote(filepath.Join(dir, "IMG_0002.JPG")) + ": imported as photo ",
		quote(filepath.Join(dir, "IMG_0003.JPG")) + ": duplicate of photo ",
		quote(filepath.Join(dir, "b", "IMG_0100.JPG")) + ": imported as photo ",
		quote(filepath.Join(dir, "notes.jpg")) + ": refused: this file is not a JPEG, PNG or WebP photo",
	}
	if len(lines) != len(wantPrefixes) {
		t.Fatalf("printed %d lines, want %d:\n%s", len(lines), len(wantPrefixes), out)
	}
	for i, want := range wantPrefixes {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d is %q, want it to begin %q", i+1, lines[i], want)
		}
	}
	if !strings.HasSuffix(lines[5], ".") || strings.Count(lines[5], ". ") > 0 {
		t.Errorf("refusal %q is not one sentence", lines[5])
	}

	photos := f.photos(t, f.anna.ID)
	if len(photos) != 3 {
		t.Fatalf("stored %d photos, want 3", len(photos))
	}
	first := photos[0]
	if !strings.Contains(lines[1], first.ID) || !strings.Contains(lines[3], "duplicate of photo "+first.ID+";") {
		t.Errorf("lines do not name the stored photo %s:\n%s", first.ID, out)
	}
	// Kinds and sessions come from the files' times: before and after the session, and a follow-up.
	got := map[string]string{}
	for _, p := range photos {
		got[p.FileName] = string(p.Kind) + " " + p.SessionID
	}
	want := map[string]string{"IMG_0001.JPG": "before " + f.annaS.ID, "IMG_0002.JPG": "after " + f.annaS.ID,
		"IMG_0100.JPG": "follow-up " + f.annaS.ID}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s filed as %q, want %q", name, got[name], w)
		}
	}
	if !strings.Contains(lines[1], "before, session of "+f.sessionStarted.Local().Format("2006-01-02 15:04")) {
		t.Errorf("import line %q does not say how the photo was filed", lines[1])
	}

	// Running again stores nothing new and fails nothing but the same file.
	code, out, _ = runCLI(t, "import", "photos", "--db", f.db, "--client", f.anna.ID, dir)
	if code != 1 || strings.Count(out, "duplicate of photo") != 4 || len(f.photos(t, f.anna.ID)) != 3 {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
}

func TestImportPhotosTags(t *testing.T) {
	f := newImportFixture(t)
	dir := t.TempDir()
	a := put(t, filepath.Join(dir, "a.jpg"), smallJPEG(t, 60), f.sessionStarted.AddDate(0, -2, 0))
	b := put(t, filepath.Join(dir, "b.png.jpg"), smallJPEG(t, 70), f.sessionStarted.AddDate(0, -2, 0))
	code, out, errOut := runCLI(t, "import", "photos", a, b, "--db", f.db, "--client", f.anna.ID, "--session", f.annaS.ID,
		"--kind", "after", "--view", "left 90", "--zone", "PERIORAL", "--note", "Under the ring light")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	photos := f.photos(t, f.anna.ID)
	if len(photos) != 2 {
		t.Fatalf("stored %d photos", len(photos))
	}
	for _, p := range photos {
		want := data.PhotoTags{SessionID: f.annaS.ID, Kind: data.PhotoAfter, View: "Left 90° (profile)",
			Zone: "Perioral / upper lip", Consent: data.PhotoConsentClinical, Note: "Under the ring light"}
		if p.PhotoTags != want {
			t.Errorf("%s tagged %+v, want %+v", p.FileName, p.PhotoTags, want)
		}
	}
	if !strings.Contains(out, "after, Left 90° (profile), Perioral / upper lip, session of") {
		t.Errorf("output does not say how the photos were filed:\n%s", out)
	}
}

func TestImportPhotosErrors(t *testing.T) {
	f := newImportFixture(t)
	dir := t.TempDir()
	photo := put(t, filepath.Join(dir, "a.jpg"), smallJPEG(t, 80), time.Now())
	missing := filepath.Join(dir, "missing.db")
	base := []string{"import", "photos", "--db", f.db, "--client", f.anna.ID}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import"}, 2, "Usage: needlelog import photos"},
		{[]string{"import", "videos"}, 2, `cannot import "videos"`},
		{[]string{"import", "photos", "--client", f.anna.ID, photo}, 2, "--db PATH is required"},
		{[]string{"import", "photos", "--db", f.db, photo}, 2, "--client ID is required"},
		{base, 2, "name the photo files or folders"},
		{append(slices.Clone(base), "--kind", "during", photo), 2, `--kind "during" is none of: before, after, follow-up`},
		{append(slices.Clone(base), "--view", "left", photo), 2, "could be Left 45° or Left 90° (profile)"},
		{append(slices.Clone(base), "--zone", "elbow", photo), 2, `--zone "elbow" is none of: Forehead`},
		{append(slices.Clone(base), "--consent", "none", photo), 2, `--consent "none" is none of: clinical, education, marketing`},
		{[]string{"import", "photos", "--db", missing, "--client", f.anna.ID, photo}, 1, "does not exist"},
		{[]string{"import", "photos", "--db", f.db, "--client", "nobody", photo}, 1, "no client with ID nobody"},
		{append(slices.Clone(base), "--session", f.beaS.ID, photo), 1, "is another client's"},
		{append(slices.Clone(base), "--session", "nope", photo), 1, "no session with ID nope"},
	}
	for _, tc := range cases {
		code, out, errOut := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Error("import created the missing database")
	}
	if n := len(f.photos(t, f.anna.ID)); n != 0 {
		t.Errorf("refused commands stored %d photos", n)
	}

	// A file that is not there, named by hand, is refused on its own line.
	code, out, _ := runCLI(t, append(slices.Clone(base), filepath.Join(dir, "gone.jpg"), photo)...)
	if code != 1 || !strings.Contains(out, `gone.jpg": refused: the file does not exist.`) || !strings.Contains(out, `a.jpg": imported`) {
		t.Errorf("missing file among others: exit %d\n%s", code, out)
	}
}

func TestDemoWithPhotos(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	code, out, errOut := runCLI(t, "demo", "--db", path, "--clients", "10", "--sessions", "25", "--photos")
	if code != 0 {
		t.Fatalf("demo --photos: exit %d: %s", code, errOut)
	}
	var photos int
	if i := strings.Index(out, "results, "); i < 0 {
		t.Fatalf("demo said %q", out)
	} else if _, err := fmt.Sscanf(out[i+len("results, "):], "%d photos", &photos); err != nil || photos == 0 {
		t.Fatalf("demo said %q: want some photos", out)
	}
	code, out, _ = runCLI(t, "check", "--db", path)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("photos:            %d\n", photos)) {
		t.Errorf("check after demo --photos: exit %d\n%s", code, out)
	}
}
