package report

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/practice/files"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// exifJPEG is a w×h JPEG stored sideways with an EXIF block saying so (orientation 6: turn
// 90° clockwise to view) and a GPS block, as a phone writes them. seed varies its pixels, so
// that each photo has its own bytes.
func exifJPEG(t testing.TB, w, h int, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x) + seed, uint8(y), seed * 3, 255})
		}
	}
	return phototest.WithEXIF(phototest.JPEG(t, img, 80), phototest.EXIF{BigEndian: true, Orientation: 6, GPS: &phototest.GPS{LatRef: "N"}})
}

// addPhoto imports a sideways photo with EXIF for a client.
func addPhoto(t testing.TB, s *sqlite.Store, clientID, sessionID string, kind data.PhotoKind, view string, seed uint8) data.Photo {
	t.Helper()
	orig := exifJPEG(t, 64, 48, seed)
	if !bytes.Contains(orig, []byte("Exif\x00\x00")) {
		t.Fatal("the test photo has no EXIF")
	}
	return testkit.MustImportPhoto(t, s, clientID, data.PhotoTags{SessionID: sessionID, Kind: kind, View: view}, "IMG_0001.JPG", orig, expNow.Add(-time.Hour))
}

// openedArchive is an archive read back: its files' bytes by path, and its manifest.
type openedArchive struct {
	files    map[string][]byte
	order    []string
	manifest ArchiveManifest
}

func readArchive(t testing.TB, b []byte) openedArchive {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the archive is not a zip: %v", err)
	}
	a := openedArchive{files: map[string][]byte{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		if _, dup := a.files[f.Name]; dup {
			t.Errorf("%s is in the archive twice", f.Name)
		}
		a.files[f.Name] = body
		a.order = append(a.order, f.Name)
	}
	if err := json.Unmarshal(a.files[ArchiveManifestPath], &a.manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	return a
}

// verifyManifest checks that the manifest lists every other file of the archive, each with its
// size and SHA-256.
func verifyManifest(t testing.TB, a openedArchive) {
	t.Helper()
	listed := map[string]bool{}
	for _, f := range a.manifest.Files {
		body, ok := a.files[f.Path]
		if !ok {
			t.Errorf("the manifest lists %s, which is not in the archive", f.Path)
			continue
		}
		listed[f.Path] = true
		sum := sha256.Sum256(body)
		if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(body)) {
			t.Errorf("%s: manifest says %d bytes %s, the file is %d bytes %x", f.Path, f.Size, f.SHA256, len(body), sum)
		}
	}
	for _, name := range a.order {
		if name != ArchiveManifestPath && !listed[name] {
			t.Errorf("%s is not in the manifest", name)
		}
	}
}

func TestWriteArchive(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 6)
	s := p.store
	before := addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoBefore, "Frontal", 1)
	addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoAfter, "Frontal", 2)
	addPhoto(t, s, p.formula.ID, "", data.PhotoBefore, "Left 45°", 3)
	// Two clients of the same name each get their own folder.
	twin := data.Client{FirstName: "Ana", LastName: "Núñez", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(context.Background(), &twin); err != nil {
		t.Fatal(err)
	}
	addPhoto(t, s, twin.ID, "", data.PhotoBefore, "Frontal", 4)
	counts, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	var calls [][2]int
	var buf bytes.Buffer
	err = WriteArchive(context.Background(), &buf, ondisk.ArchivableOf(s), func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	a := readArchive(t, buf.Bytes())
	verifyManifest(t, a)

	// Progress counts every file up to its total.
	if len(calls) == 0 || calls[len(calls)-1][0] != calls[len(calls)-1][1] {
		t.Errorf("progress ended at %v", calls[len(calls)-1:])
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] < calls[i-1][0] || calls[i][1] != calls[0][1] {
			t.Errorf("progress went %v then %v", calls[i-1], calls[i])
		}
	}
	if calls[0][1] != len(a.order) {
		t.Errorf("progress total %d, the archive has %d files", calls[0][1], len(a.order))
	}

	// The snapshot opens, passes its checks and holds everything; its photo folder beside it.
	dbPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(dbPath, a.files[ArchiveDatabasePath], 0o600); err != nil {
		t.Fatal(err)
	}
	for name, body := range a.files {
		if rest, ok := strings.CutPrefix(name, ArchivePhotoFolder); ok {
			path := filepath.Join(photolib.Beside(dbPath), filepath.FromSlash(rest))
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, body, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	snap, err := sqlite.Open(context.Background(), dbPath, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the archived database does not open: %v", err)
	}
	defer snap.Close()
	h, err := snap.Check(context.Background())
	if err != nil || len(h.Problems) > 0 {
		t.Fatalf("the archived database fails its check: %v %v", h.Problems, err)
	}
	for k, v := range counts {
		if h.Counts[k] != v || a.manifest.Counts[k] != v {
			t.Errorf("%s: %d in the store, %d in the archived database, %d in the manifest", k, v, h.Counts[k], a.manifest.Counts[k])
		}
	}

	// Every photo's original as imported, byte for byte, with its preview, in the photo folder.
	for _, ph := range storePhotos(t, p) {
		orig, err := snap.PhotoOriginal(context.Background(), ph.ID)
		if err != nil || photolib.Sum(orig) != ph.SHA256 {
			t.Errorf("photo %s's original from the archive: %v", ph.ID, err)
		}
		if _, err := snap.PhotoPreview(context.Background(), ph.ID); err != nil {
			t.Errorf("photo %s's preview from the archive: %v", ph.ID, err)
		}
	}

	// A CSV per table, as WriteCSV writes them.
	for _, table := range sqlite.ExportTables {
		name := "tables/" + CSVFileName(table)
		if n := len(readCSV(t, name, a.files[name])) - 1; n != p.counts[table]+boolInt(table == sqlite.ExportClients) {
			t.Errorf("%s has %d rows", name, n)
		}
	}

	// Every photo: named readably, upright, with no EXIF.
	var photos []ArchiveManifestFile
	for _, f := range a.manifest.Files {
		if f.Kind == "photo" {
			photos = append(photos, f)
		}
	}
	if len(photos) != int(counts["photos"]) {
		t.Fatalf("%d photos in the archive, %d in the store", len(photos), counts["photos"])
	}
	want := "photos/Ana Núñez " + shortID(p.ana.ID) + "/2026-05-20 before Frontal " + shortID(before.ID) + ".jpg"
	if _, ok := a.files[want]; !ok {
		t.Errorf("no %s among %v", want, a.order)
	}
	for _, f := range photos {
		body := a.files[f.Path]
		if bytes.Contains(body, []byte("Exif\x00\x00")) || bytes.Contains(body, []byte("Exif")) {
			t.Errorf("%s carries EXIF", f.Path)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s is not a JPEG: %v", f.Path, err)
			continue
		}
		if cfg.Width != 48 || cfg.Height != 64 {
			t.Errorf("%s is %dx%d, want the upright 48x64", f.Path, cfg.Width, cfg.Height)
		}
		if f.PhotoID == "" || f.ClientID == "" || !strings.HasSuffix(f.Path, shortID(f.PhotoID)+".jpg") {
			t.Errorf("photo entry %+v", f)
		}
	}
	twinFolder := "photos/Ana Núñez " + shortID(twin.ID) + "/"
	if !slices.ContainsFunc(a.order, func(n string) bool { return strings.HasPrefix(n, twinFolder) }) {
		t.Errorf("no folder %s for the second Ana Núñez", twinFolder)
	}

	// A history PDF per client.
	var histories int
	for _, f := range a.manifest.Files {
		if f.Kind == "history" {
			histories++
			if !bytes.HasPrefix(a.files[f.Path], []byte("%PDF-")) {
				t.Errorf("%s is not a PDF", f.Path)
			}
		}
	}
	if histories != int(counts["clients"]) {
		t.Errorf("%d histories for %d clients", histories, counts["clients"])
	}
	if _, ok := a.files["histories/=1+1 Aardvark.pdf"]; !ok {
		t.Errorf("no history for the client =1+1 Aardvark among %v", a.order)
	}

	readme := string(a.files[ArchiveReadmePath])
	if made := "Made " + wording.DateTimeZone(a.manifest.Created) + "."; !strings.Contains(readme, made) {
		t.Errorf("README.txt does not say %q", made)
	}
	for _, s := range []string{"manifest.json", "database/needlelog.db", "tables/", "photos/", "histories/", "SHA-256", "no EXIF"} {
		if !strings.Contains(readme, s) {
			t.Errorf("README.txt does not mention %q", s)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The archive reads one snapshot: what is saved while it is written is in none of its files.
func TestWriteArchiveIsOneSnapshot(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 6)
	addPhoto(t, p.store, p.ana.ID, p.session.ID, data.PhotoBefore, "Frontal", 1)
	var once sync.Once
	var buf bytes.Buffer
	err := WriteArchive(context.Background(), &buf, ondisk.ArchivableOf(p.store), func(done, total int) {
		if done == 2 { // the README and the database are written; the rest is to come
			once.Do(func() {
				mustClient := data.Client{FirstName: "Late", LastName: "Comer", PhotoConsent: data.PhotoConsentClinical}
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				defer cancel()
				if err := p.store.CreateClient(ctx, &mustClient); err != nil {
					t.Errorf("a save during the archive: %v", err)
				}
				addPhoto(t, p.store, mustClient.ID, "", data.PhotoBefore, "Frontal", 9)
			})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	a := readArchive(t, buf.Bytes())
	verifyManifest(t, a)
	for _, name := range a.order {
		if strings.Contains(name, "Late Comer") {
			t.Errorf("%s was saved after the archive began, yet it is in it", name)
		}
	}
	if bytes.Contains(a.files["tables/clients.csv"], []byte("Comer")) {
		t.Error("clients.csv holds a client saved after the archive began")
	}
}

func TestWriteArchiveCancelled(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 6)
	for i := range 6 {
		addPhoto(t, p.store, p.ana.ID, "", data.PhotoFollowUp, "Frontal", uint8(10+i))
	}
	for _, at := range []int{0, 1, 3, 8} {
		ctx, cancel := context.WithCancel(context.Background())
		if at == 0 {
			cancel()
		}
		err := WriteArchive(ctx, io.Discard, ondisk.ArchivableOf(p.store), func(done, total int) {
			if done >= at {
				cancel()
			}
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled after %d files: %v", at, err)
		}
	}
	// Nothing is left beside the database: the snapshot is removed.
	entries, _ := os.ReadDir(filepath.Dir(p.store.Path()))
	for _, e := range entries {
		if strings.Contains(e.Name(), "archive") || strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a cancelled archive left %s", e.Name())
		}
	}
}

// A failing writer (a full disk) stops the archive with its error.
func TestWriteArchiveWriteError(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 6)
	addPhoto(t, p.store, p.ana.ID, "", data.PhotoBefore, "Frontal", 1)
	full := errors.New("disk full")
	err := WriteArchive(context.Background(), &failAfter{n: 20000, err: full}, ondisk.ArchivableOf(p.store), nil)
	if !errors.Is(err, full) {
		t.Fatalf("got %v, want the writer's error", err)
	}
}

type failAfter struct {
	n   int
	err error
}

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

func TestArchiveName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Ana Núñez":                            "Ana Núñez",
		"a/b\\c:d*e?f":                         "a_b_c_d_e_f",
		"  spaced\tout  ":                      "spaced out",
		"dots...":                              "dots",
		"":                                     "Unnamed",
		"CON":                                  "_CON",
		"nul.txt":                              "_nul.txt",
		"Ελένη":                                "Ελένη",
		"line\nbreak":                          "line break",
		"ctrl\x01char":                         "ctrlchar",
		"Ann\u202egpj.exe Bidi":                "Anngpj.exe Bidi",
		"Jose\u0301":                           "Jos\u00e9",
		"a\u200bb\u200cc\u200dd\u2060e\ufefff": "abcdef",
		"\u2066iso\u2069 \u202aembed\u202c \u200eLRM\u200f": "iso embed LRM",
		"\u202e":                 "Unnamed",
		"<script>":               "_script_",
		strings.Repeat("é", 100): strings.Repeat("é", 60),
	} {
		if got := FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := shortID("0193a5b2-7c1d-7e2f-8a9b-1c2d3e4f5a6b"); got != "3e4f5a6b" {
		t.Errorf("shortID = %q", got)
	}
}

// BenchmarkWriteArchiveDemo archives the demo practice (200 clients, 1,000 sessions, 30
// clients with photos): go test ./report/ -run '^$' -bench WriteArchiveDemo -benchtime 1x
func BenchmarkWriteArchiveDemo(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "practice.db"), sqlite.Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	res, err := demo.Generate(ctx, s, demo.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for b.Loop() {
		w := &countingWriter{}
		if err := WriteArchive(ctx, w, ondisk.ArchivableOf(s), nil); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
	b.ReportMetric(float64(res.Photos), "photos")
	b.ReportMetric(float64(res.Clients), "clients")
}

// A photo whose images were lost from the practice file does not stop the archive: one that kept
// its preview is given as it, noted; one that kept nothing is listed under missing; the client's
// history shows it as missing.
func TestWriteArchiveWithLostImages(t *testing.T) {
	t.Parallel()
	p := newExpPractice(t, 0)
	s := p.store
	kept := addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoBefore, "Frontal", 1)
	noOriginal := addPhoto(t, s, p.ana.ID, p.session.ID, data.PhotoAfter, "Frontal", 2)
	lost := addPhoto(t, s, p.ana.ID, "", data.PhotoBefore, "Left 45°", 3)
	lostPreview, err := s.PhotoPreview(context.Background(), lost.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range []string{noOriginal.SHA256, lost.SHA256, photolib.Sum(lostPreview)} {
		if err := os.Remove(photolib.PathIn(s.PhotoDir(), sum)); err != nil {
			t.Fatal(err)
		}
	}

	var buf bytes.Buffer
	if err := WriteArchive(context.Background(), &buf, ondisk.ArchivableOf(s), nil); err != nil {
		t.Fatalf("archive with lost images: %v", err)
	}
	a := readArchive(t, buf.Bytes())
	verifyManifest(t, a)
	notes := map[string]string{}
	for _, f := range a.manifest.Files {
		if f.Kind == "photo" {
			notes[f.PhotoID] = f.Note
		}
	}
	if n, ok := notes[kept.ID]; !ok || n != "" {
		t.Errorf("the whole photo: in the archive %v, note %q", ok, n)
	}
	if n := notes[noOriginal.ID]; !strings.Contains(n, "original is missing") || !strings.Contains(n, "preview") {
		t.Errorf("the photo that lost its original is noted %q", n)
	}
	if _, ok := notes[lost.ID]; ok {
		t.Error("the photo that lost every image has a file")
	}
	var missingPhotos []ArchiveManifestFile
	missingFiles := map[string]bool{}
	for _, m := range a.manifest.Missing {
		if m.Kind == "photo file" {
			missingFiles[m.Note] = true
		} else {
			missingPhotos = append(missingPhotos, m)
		}
	}
	if len(missingPhotos) != 1 || missingPhotos[0].PhotoID != lost.ID || missingPhotos[0].Path != "" ||
		!strings.Contains(missingPhotos[0].Note, ArchiveDatabasePath) {
		t.Errorf("missing photos in the manifest: %+v", a.manifest.Missing)
	}
	// The photo folder's files that were removed are listed by name.
	for _, sum := range []string{noOriginal.SHA256, lost.SHA256, photolib.Sum(lostPreview)} {
		if !missingFiles["photo file "+sum+" is missing from the practice's photo folder"] {
			t.Errorf("the missing photo file %s is not listed: %v", sum, missingFiles)
		}
	}
	if len(missingFiles) != 3 {
		t.Errorf("%d photo files listed missing, want 3: %v", len(missingFiles), missingFiles)
	}
	var history string
	for name, body := range a.files {
		if strings.HasPrefix(name, archiveHistories) {
			if text := pdfText(t, body); strings.Contains(text, p.ana.Name()) {
				history = text
			}
		}
	}
	if history == "" {
		t.Fatalf("no history of %s in the archive", p.ana.Name())
	}
	// The two photos that kept their previews are compared; the lost one is shown as missing.
	requireText(t, "history with a lost photo", history, "Frontal", "Left 45°", imageMissing)
}

// hostileClientNames are client names that make bad file names: one name with its accents
// composed (NFC) and decomposed (NFD), in capitals, a right-to-left override that makes
// "gpj.exe" read as "exe.jpg", and zero-width and isolate characters.
func hostileClientNames() [][2]string {
	return [][2]string{
		{"Jos\u00e9", "N\u00fa\u00f1ez"},
		{"Jose\u0301", "Nu\u0301n\u0303ez"},
		{"JOS\u00c9", "N\u00da\u00d1EZ"},
		{"Ann\u202egpj.exe", "Bidi"},
		{"Zero\u200bWidth\u200d", "\ufeffName\u2060"},
		{"\u2066Iso\u2069", "\u200fLate\u200e"},
	}
}

func TestWriteArchiveNamesAreSafeAndUnique(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newExpPractice(t, 0)
	s := p.store
	for i, n := range hostileClientNames() {
		c := data.Client{FirstName: n[0], LastName: n[1], PhotoConsent: data.PhotoConsentClinical}
		if err := s.CreateClient(ctx, &c); err != nil {
			t.Fatalf("client %q: %v", n, err)
		}
		addPhoto(t, s, c.ID, "", data.PhotoBefore, "Frontal", uint8(40+i))
	}
	path := filepath.Join(t.TempDir(), "archive.zip")
	if err := files.WriteFile(path, s.Path(), func(w io.Writer) error { return WriteArchive(ctx, w, ondisk.ArchivableOf(s), nil) }); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	seen := map[string]string{}
	histories := 0
	for _, f := range zr.File {
		for _, r := range f.Name {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Errorf("%q holds %U", f.Name, r)
			}
		}
		if !norm.NFC.IsNormalString(f.Name) {
			t.Errorf("%q is not in composed form (NFC)", f.Name)
		}
		// As a case-insensitive file system that ignores the form of accents sees it (macOS):
		// each file and folder once.
		key := cases.Fold().String(norm.NFD.String(f.Name))
		if other, ok := seen[key]; ok {
			t.Errorf("%q and %q are the same file on macOS and Windows", f.Name, other)
		}
		seen[key] = f.Name
		if strings.HasPrefix(f.Name, archiveHistories) {
			histories++
		}
	}
	if want := 3 + len(hostileClientNames()); histories != want {
		t.Errorf("%d histories, want one per client (%d)", histories, want)
	}
	folders := map[string]bool{}
	for _, f := range zr.File {
		if rest, ok := strings.CutPrefix(f.Name, archivePhotos); ok {
			folder, _, _ := strings.Cut(rest, "/")
			folders[cases.Fold().String(folder)] = true
		}
	}
	if len(folders) != len(hostileClientNames()) {
		t.Errorf("the photos are in %d folders, want one per client (%d): %v", len(folders), len(hostileClientNames()), folders)
	}
	for _, want := range []string{archiveHistories + "Anngpj.exe Bidi.pdf", archiveHistories + "ZeroWidth Name.pdf", archiveHistories + "Iso Late.pdf"} {
		if _, ok := seen[cases.Fold().String(norm.NFD.String(want))]; !ok {
			t.Errorf("no %q in the archive: %v", want, seen)
		}
	}
}

// storePhotos lists every photo of the practice's clients.
func storePhotos(t *testing.T, p *expPractice) []data.Photo {
	t.Helper()
	var out []data.Photo
	var clients []data.ClientSummary
	for _, archived := range []bool{false, true} {
		list, err := p.store.ListClients(context.Background(), data.ClientQuery{Archived: archived})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, list...)
	}
	for _, c := range clients {
		list, err := p.store.ListPhotos(context.Background(), data.PhotoQuery{ClientID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, ph := range list {
			out = append(out, ph.Photo)
		}
	}
	if len(out) == 0 {
		t.Fatal("the practice has no photos: the archive's photo folder would be tried on nothing")
	}
	return out
}
