package sqlite_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// writeFile writes b to name in dir and returns its path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// photoClient is a client who consented to photos for the given use.
func photoClient(t testing.TB, s *sqlite.Store, first string, consent data.PhotoConsent) data.Client {
	t.Helper()
	c := data.Client{FirstName: first, LastName: "Photo", PhotoConsent: consent}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// sessionAt saves a session for a client that started at the given time.
func sessionAt(t testing.TB, s *sqlite.Store, clientID string, at time.Time) data.Session {
	t.Helper()
	se := data.Session{ClientID: clientID, StartedAt: at, NoSideEffects: true}
	if err := s.CreateSession(context.Background(), &se); err != nil {
		t.Fatal(err)
	}
	return se
}

// photoRows counts the rows of each photo table, reading the file through a connection of its own.
func photoRows(t testing.TB, s *sqlite.Store) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]int{}
	for _, table := range []string{"photos", "photo_originals", "photo_renditions", "photo_thumbnails", "photo_pins"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// libraryFiles reads every file of the store's photo library, by name.
func libraryFiles(t testing.TB, s *sqlite.Store) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := photolib.Walk(s.PhotoDir(), func(f photolib.File) error {
		b, err := os.ReadFile(photolib.PathIn(s.PhotoDir(), f.Sum))
		out[f.Sum] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func requireNoPhotoRows(t *testing.T, s *sqlite.Store) {
	t.Helper()
	for table, n := range photoRows(t, s) {
		if n != 0 {
			t.Errorf("%s has %d rows, want none", table, n)
		}
	}
}

// importFile imports the photo file at path for a client as needlelog import photos does (with
// opts, when given), and says what became of it: the photo stored, or for a duplicate the one
// stored before, with the file's error.
func importFile(ctx context.Context, s *sqlite.Store, clientID string, tags data.PhotoTags, path string,
	opts ...data.PhotoImportOptions) (data.Photo, error) {
	req := practice.ImportRequest{ClientID: clientID, Files: []string{path}, Tags: tags,
		SuggestSession: tags.Kind == "" && tags.SessionID == ""}
	if len(opts) > 0 {
		req.Options = opts[0]
	}
	res, err := practice.ImportPhotos(ctx, s, req, nil)
	if err != nil {
		return data.Photo{}, err
	}
	return res.Files[0].Photo, res.Files[0].Err
}

func TestImportPhotoStoresOriginalAndRenditions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := photoClient(t, s, "Anna", data.PhotoConsentEducation)
	se := sessionAt(t, s, c.ID, testkit.Now.Add(-2*time.Hour))
	orig := phototest.WithEXIF(phototest.NoisyJPEG(t, 2000, 1500, 1, 16), phototest.EXIF{Taken: "2026:03:10 12:31:05", Offset: "+00:00"})
	path := writeFile(t, t.TempDir(), "IMG_0001.JPG", orig)

	tags := data.PhotoTags{SessionID: se.ID, Kind: data.PhotoBefore, Zone: "Cheeks", View: "Left 45°",
		Consent: data.PhotoConsentEducation, Note: "  Scarring on the left cheek."}
	p, err := importFile(ctx, s, c.ID, tags, path)
	if err != nil {
		t.Fatal(err)
	}
	want := data.Photo{ID: p.ID, ClientID: c.ID, PhotoTags: tags, TakenAt: time.Date(2026, 3, 10, 12, 31, 5, 0, time.UTC),
		FileName: "IMG_0001.JPG", MIME: "image/jpeg", Width: 2000, Height: 1500, ByteSize: int64(len(orig)),
		SHA256: p.SHA256, CreatedAt: testkit.Now, UpdatedAt: testkit.Now, Version: 1}
	if len(p.ID) != 36 || len(p.SHA256) != 64 || !p.TakenAt.Equal(want.TakenAt) {
		t.Fatalf("imported %+v", p)
	}
	want.TakenAt = p.TakenAt
	if p != want {
		t.Fatalf("imported\n %+v\nwant\n %+v", p, want)
	}
	got, err := s.Photo(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.TakenAt.Equal(p.TakenAt) || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Fatalf("read back times %v, %v; imported %v, %v", got.TakenAt, got.CreatedAt, p.TakenAt, p.CreatedAt)
	}
	got.TakenAt, got.CreatedAt, got.UpdatedAt = p.TakenAt, p.CreatedAt, p.UpdatedAt
	if got != p {
		t.Fatalf("read back\n %+v\nimported\n %+v", got, p)
	}

	stored, err := s.PhotoOriginal(ctx, p.ID)
	if err != nil || !bytes.Equal(stored, orig) {
		t.Fatalf("original: %d bytes stored, %d imported, err %v", len(stored), len(orig), err)
	}
	preview, err := s.PhotoPreview(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(preview)); err != nil || cfg.Width != photo.PreviewSide || cfg.Height != 1200 {
		t.Fatalf("preview is %dx%d (%v), want %dx1200", cfg.Width, cfg.Height, err, photo.PreviewSide)
	}
	if bytes.Contains(preview, []byte("Exif")) {
		t.Fatal("preview carries EXIF")
	}
	list, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID})
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %d photos, %v", len(list), err)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(list[0].Thumbnail)); err != nil || cfg.Width != photo.ThumbnailSide {
		t.Fatalf("thumbnail is %dx%d (%v)", cfg.Width, cfg.Height, err)
	}
	// The original and the preview are files in the library, the thumbnail a row.
	if rows := photoRows(t, s); rows["photos"] != 1 || rows["photo_thumbnails"] != 1 || rows["photo_originals"] != 0 || rows["photo_renditions"] != 0 {
		t.Fatalf("rows after one import: %v", rows)
	}
	if files := libraryFiles(t, s); len(files) != 2 || !bytes.Equal(files[p.SHA256], orig) || !bytes.Equal(files[photolib.Sum(preview)], preview) {
		t.Fatalf("the library holds %d files after one import, want the original and the preview", len(files))
	}
	tl, err := s.Timeline(ctx, c.ID)
	if err != nil || len(tl) != 1 || tl[0].Photos != 1 {
		t.Fatalf("timeline %+v, %v: want the session with one photo", tl, err)
	}
	log, err := s.AuditLog(ctx, p.ID)
	if err != nil || len(log) != 1 || log[0].Action != data.ActionCreate || log[0].Entity != "photo" ||
		!strings.Contains(log[0].Detail, p.SHA256) {
		t.Fatalf("audit log of the import: %+v, %v", log, err)
	}
}

func TestImportPhotoDuplicate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	anna := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	bea := photoClient(t, s, "Bea", data.PhotoConsentClinical)
	orig := phototest.NoisyJPEG(t, 640, 480, 2, 16)
	dir := t.TempDir()
	first, err := importFile(ctx, s, anna.ID, data.PhotoTags{Kind: data.PhotoBefore}, writeFile(t, dir, "a.jpg", orig))
	if err != nil {
		t.Fatal(err)
	}
	before := photoRows(t, s)
	auditBefore, _ := s.Counts(ctx)

	// The same bytes under another name, as when a card is imported twice.
	again, err := importFile(ctx, s, anna.ID, data.PhotoTags{Kind: data.PhotoAfter, View: "Frontal"}, writeFile(t, dir, "copy of a.jpg", orig))
	var dup *data.DuplicatePhotoError
	if !errors.Is(err, data.ErrDuplicatePhoto) || !errors.As(err, &dup) {
		t.Fatalf("second import: %v, want ErrDuplicatePhoto", err)
	}
	if again.ID != first.ID || dup.Existing.ID != first.ID || again.Kind != data.PhotoBefore {
		t.Fatalf("second import returned %+v (error names %s), want the first photo %s", again, dup.Existing.ID, first.ID)
	}
	if !strings.Contains(err.Error(), "copy of a.jpg") || !strings.Contains(err.Error(), first.ID) {
		t.Errorf("duplicate error %q should name the file and the stored photo", err)
	}
	if after := photoRows(t, s); !equalMaps(before, after) {
		t.Fatalf("a duplicate changed the photo tables: %v, then %v", before, after)
	}
	if auditAfter, _ := s.Counts(ctx); auditAfter["audit_log"] != auditBefore["audit_log"] {
		t.Fatalf("a duplicate was audited: %d entries, then %d", auditBefore["audit_log"], auditAfter["audit_log"])
	}

	// For another client it is still a duplicate, and the message says so.
	_, err = testkit.ImportPhoto(t, s, bea.ID, data.PhotoTags{Kind: data.PhotoBefore}, "b.jpg", orig, time.Time{})
	if !errors.Is(err, data.ErrDuplicatePhoto) || !strings.Contains(err.Error(), "another client") {
		t.Fatalf("same photo for another client: %v", err)
	}
}

func equalMaps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestImportHostileFiles(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	dir := t.TempDir()
	good := phototest.NoisyJPEG(t, 800, 600, 3, 16)
	jpegBomb := append([]byte{}, good...)
	// Patch the frame header (SOF0: FF C0, length, precision, height, width) to claim 65000 × 65000.
	if i := bytes.Index(jpegBomb, []byte{0xFF, 0xC0}); i < 0 {
		t.Fatal("no SOF0 in the test JPEG")
	} else {
		binary.BigEndian.PutUint16(jpegBomb[i+5:], 65000)
		binary.BigEndian.PutUint16(jpegBomb[i+7:], 65000)
	}
	sparse := filepath.Join(dir, "huge.jpg")
	if err := os.WriteFile(sparse, good[:2048], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, 200<<20); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, path string
		kind       error
		says       string
	}{
		{"empty", writeFile(t, dir, "empty.jpg", nil), photo.ErrCorrupt, "empty"},
		{"truncated", writeFile(t, dir, "cut.jpg", good[:len(good)/2]), photo.ErrCorrupt, "damaged or incomplete"},
		{"text renamed", writeFile(t, dir, "notes.jpg", []byte("Shopping: milk, eggs, serum\n")), photo.ErrUnsupported, "not a JPEG"},
		{"PNG bomb", writeFile(t, dir, "bomb.png", phototest.PNGHeader(100000, 100000)), photo.ErrTooLarge, "100000 × 100000"},
		{"JPEG bomb", writeFile(t, dir, "bomb.jpg", jpegBomb), photo.ErrTooLarge, "65000 × 65000"},
		{"200 MB", sparse, photo.ErrTooLarge, "200.0 MB"},
		{"missing", filepath.Join(dir, "gone.jpg"), os.ErrNotExist, "does not exist"},
		{"folder", dir, nil, "folder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			p, err := importFile(ctx, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, tc.path)
			runtime.ReadMemStats(&m1)
			var fe *data.PhotoFileError
			if err == nil || !errors.As(err, &fe) || p.ID != "" {
				t.Fatalf("got %+v, %v; want a *PhotoFileError", p, err)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Errorf("%v is not %v", err, tc.kind)
			}
			msg := err.Error()
			if !strings.Contains(msg, filepath.Base(tc.path)) || !strings.Contains(msg, tc.says) || strings.Contains(msg, "\n") {
				t.Errorf("error %q should name %s and say %q, on one line", msg, filepath.Base(tc.path), tc.says)
			}
			// Nothing near the file's size was read into memory.
			if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > 16<<20 {
				t.Errorf("refusing it allocated %d MB", alloc>>20)
			}
			requireNoPhotoRows(t, s)
		})
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	// The thumbnail is written after the record: make that last write fail.
	sqlitetest.RawExec(t, s.Path(), `CREATE TRIGGER no_room BEFORE INSERT ON photo_thumbnails BEGIN SELECT RAISE(ABORT, 'no room'); END`)
	auditBefore, _ := s.Counts(ctx)
	_, err := testkit.ImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "a.jpg", phototest.NoisyJPEG(t, 320, 240, 4, 16), time.Time{})
	if err == nil || !strings.Contains(err.Error(), "no room") {
		t.Fatalf("import with a failing last write: %v", err)
	}
	requireNoPhotoRows(t, s)
	if after, _ := s.Counts(ctx); after["audit_log"] != auditBefore["audit_log"] {
		t.Fatal("a failed import left an audit entry")
	}
	// Its files were written before the record failed: nothing names them, and once their grace
	// is over they are collected.
	if files := libraryFiles(t, s); len(files) != 2 {
		t.Fatalf("the failed import left %d files, want its original and preview", len(files))
	}
	if n, err := s.CollectPhotoFiles(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("collect within the grace period: %d removed, %v", n, err)
	}
	if n, err := s.CollectPhotoFiles(ctx, 0); err != nil || n != 2 || len(libraryFiles(t, s)) != 0 {
		t.Fatalf("collect after the grace period: %d removed, %v; %d left", n, err, len(libraryFiles(t, s)))
	}
}

func TestImportTakenAt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	dir := t.TempDir()
	mod := time.Date(2025, 11, 2, 16, 45, 0, 0, time.UTC)

	withDate := writeFile(t, dir, "exif.jpg", phototest.WithEXIF(phototest.NoisyJPEG(t, 320, 240, 5, 16), phototest.EXIF{Taken: "2025:10:30 09:12:44", Offset: "-05:00"}))
	plain := writeFile(t, dir, "plain.jpg", phototest.NoisyJPEG(t, 320, 240, 6, 16))
	for _, p := range []string{withDate, plain} {
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		path string
		want time.Time
	}{
		{withDate, time.Date(2025, 10, 30, 14, 12, 44, 0, time.UTC)}, // the camera's time, not the file's
		{plain, mod},
	} {
		p, err := importFile(ctx, s, c.ID, data.PhotoTags{Kind: data.PhotoFollowUp}, tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if !p.TakenAt.Equal(tc.want) {
			t.Errorf("%s: taken at %v, want %v", filepath.Base(tc.path), p.TakenAt, tc.want)
		}
		if got, _ := s.Photo(ctx, p.ID); !got.TakenAt.Equal(tc.want) {
			t.Errorf("%s: stored taken at %v, want %v", filepath.Base(tc.path), got.TakenAt, tc.want)
		}
	}
}

func TestSuggestPhoto(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := sqlitetest.OpenStore(t)
	c := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	day := func(m time.Month, d, h, min int) time.Time { return time.Date(2025, m, d, h, min, 0, 0, time.Local) }
	first := sessionAt(t, s, c.ID, day(3, 3, 10, 0))
	second := sessionAt(t, s, c.ID, day(3, 31, 14, 0))
	late := sessionAt(t, s, c.ID, day(3, 31, 17, 30)) // a second visit that day, for a touch-up
	clk.T = day(12, 31, 12, 0).AddDate(1, 0, 0)

	cases := []struct {
		what    string
		at      time.Time
		kind    data.PhotoKind
		session string
	}{
		{"on arrival", day(3, 3, 9, 55), data.PhotoBefore, first.ID},
		{"after the appointment time, before numbing", day(3, 3, 10, 15), data.PhotoBefore, first.ID},
		{"at the end of the session", day(3, 3, 11, 10), data.PhotoAfter, first.ID},
		{"that evening", day(3, 3, 19, 0), data.PhotoAfter, first.ID},
		{"two weeks later", day(3, 17, 11, 0), data.PhotoFollowUp, first.ID},
		{"nearest of two sessions that day", day(3, 31, 17, 20), data.PhotoBefore, late.ID},
		{"after the first of two that day", day(3, 31, 15, 5), data.PhotoAfter, second.ID},
		{"at a consultation a week before", day(2, 24, 16, 0), data.PhotoBefore, first.ID},
		{"months before any session", day(1, 2, 12, 0).AddDate(-1, 0, 0), data.PhotoBefore, ""},
		{"twelve months after the last", day(3, 30, 12, 0).AddDate(1, 0, 0), data.PhotoFollowUp, late.ID},
		{"years after the last", day(4, 1, 12, 0).AddDate(3, 0, 0), data.PhotoFollowUp, ""},
	}
	for _, tc := range cases {
		got, err := s.SuggestPhoto(ctx, c.ID, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != tc.kind || got.SessionID != tc.session {
			t.Errorf("%s (%v): suggested %s of session %q, want %s of %q", tc.what, tc.at, got.Kind, got.SessionID, tc.kind, tc.session)
		}
	}
	if got, err := s.SuggestPhoto(ctx, photoClient(t, s, "Bea", data.PhotoConsentClinical).ID, day(3, 3, 10, 0)); err != nil ||
		got != (data.PhotoSuggestion{Kind: data.PhotoBefore}) {
		t.Errorf("client without sessions: %+v, %v", got, err)
	}

	// An import without a kind takes the suggestion, session included; with a session, the kind is
	// read against that session.
	dir := t.TempDir()
	after := writeFile(t, dir, "after.jpg", phototest.NoisyJPEG(t, 320, 240, 7, 16))
	os.Chtimes(after, day(3, 31, 15, 10), day(3, 31, 15, 10))
	p, err := importFile(ctx, s, c.ID, data.PhotoTags{}, after)
	if err != nil || p.Kind != data.PhotoAfter || p.SessionID != second.ID {
		t.Fatalf("import without tags: %s of %q (%v), want after of %s", p.Kind, p.SessionID, err, second.ID)
	}
	followUp := writeFile(t, dir, "follow.jpg", phototest.NoisyJPEG(t, 320, 240, 8, 16))
	os.Chtimes(followUp, day(3, 31, 15, 10), day(3, 31, 15, 10))
	p, err = importFile(ctx, s, c.ID, data.PhotoTags{SessionID: first.ID}, followUp)
	if err != nil || p.Kind != data.PhotoFollowUp || p.SessionID != first.ID {
		t.Fatalf("import for the first session: %s of %q (%v), want follow-up of %s", p.Kind, p.SessionID, err, first.ID)
	}
}

func TestImportValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	anna := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	none := photoClient(t, s, "Nora", data.PhotoConsentNone)
	other := sessionAt(t, s, none.ID, testkit.Now.Add(-time.Hour))
	orig := phototest.NoisyJPEG(t, 320, 240, 9, 16)
	cases := []struct {
		what   string
		client string
		tags   data.PhotoTags
		fields []string
	}{
		{"no kind", anna.ID, data.PhotoTags{}, []string{"kind"}},
		{"unknown kind", anna.ID, data.PhotoTags{Kind: "during"}, []string{"kind"}},
		{"unknown view and zone", anna.ID, data.PhotoTags{Kind: data.PhotoBefore, View: "Upside down", Zone: "Elbow"}, []string{"view", "zone"}},
		{"view spelt differently", anna.ID, data.PhotoTags{Kind: data.PhotoBefore, View: "left 45"}, []string{"view"}},
		{"wider than the client's consent", anna.ID, data.PhotoTags{Kind: data.PhotoBefore, Consent: data.PhotoConsentMarketing}, []string{"consent"}},
		{"not a scope", anna.ID, data.PhotoTags{Kind: data.PhotoBefore, Consent: data.PhotoConsentNone}, []string{"consent"}},
		{"client declined photos", none.ID, data.PhotoTags{Kind: data.PhotoBefore}, []string{"consent"}},
		{"another client's session", anna.ID, data.PhotoTags{Kind: data.PhotoBefore, SessionID: other.ID}, []string{"session"}},
		{"a session that does not exist", anna.ID, data.PhotoTags{Kind: data.PhotoBefore, SessionID: "nope"}, []string{"session"}},
		{"overlong note", anna.ID, data.PhotoTags{Kind: data.PhotoBefore, Note: strings.Repeat("x", data.MaxTextLength+1)}, []string{"note"}},
	}
	for _, tc := range cases {
		_, err := testkit.ImportPhoto(t, s, tc.client, tc.tags, "a.jpg", orig, time.Time{})
		if got := testkit.FieldsOf(t, err); !slices.Equal(got, tc.fields) {
			t.Errorf("%s: fields %v (%v), want %v", tc.what, got, err, tc.fields)
		}
	}
	if _, err := testkit.ImportPhoto(t, s, "nobody", data.PhotoTags{Kind: data.PhotoBefore}, "a.jpg", orig, time.Time{}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown client: %v, want ErrNotFound", err)
	}
	requireNoPhotoRows(t, s)

	// Processed bytes that do not belong to the original are a programming error, refused.
	p, _ := photo.Process(orig)
	if _, err := s.ImportPhoto(ctx, anna.ID, data.PhotoTags{Kind: data.PhotoBefore},
		data.PhotoFile{Original: phototest.NoisyJPEG(t, 320, 240, 10, 16), Processed: p}); err == nil {
		t.Error("import with another photo's renditions was accepted")
	}
	requireNoPhotoRows(t, s)
}

// galleryPhotos imports a small set for listing: two sessions with before and after photos in two
// views, and a follow-up of no session.
func galleryPhotos(t *testing.T, s *sqlite.Store) (data.Client, []data.Session, []data.Photo) {
	t.Helper()
	c := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	s1 := sessionAt(t, s, c.ID, testkit.Now.AddDate(0, -2, 0))
	s2 := sessionAt(t, s, c.ID, testkit.Now.AddDate(0, -1, 0))
	var photos []data.Photo
	seed := uint32(100)
	add := func(se data.Session, kind data.PhotoKind, view, zone string, at time.Time) {
		seed++
		p, err := testkit.ImportPhoto(t, s, c.ID, data.PhotoTags{SessionID: se.ID, Kind: kind, View: view, Zone: zone},
			"p.jpg", phototest.NoisyJPEG(t, 320, 240, seed, 16), at)
		if err != nil {
			t.Fatal(err)
		}
		photos = append(photos, p)
	}
	// Imported out of order, as photos from two cards would be.
	add(s2, data.PhotoAfter, "Frontal", "Cheeks", s2.StartedAt.Add(70*time.Minute))
	add(s1, data.PhotoBefore, "Frontal", "Cheeks", s1.StartedAt.Add(-5*time.Minute))
	add(data.Session{}, data.PhotoFollowUp, "Frontal", "", testkit.Now.Add(-24*time.Hour))
	add(s1, data.PhotoBefore, "Left 45°", "Forehead", s1.StartedAt.Add(-3*time.Minute))
	add(s2, data.PhotoBefore, "Frontal", "Cheeks", s2.StartedAt.Add(-2*time.Minute))
	add(s1, data.PhotoAfter, "Frontal", "Cheeks", s1.StartedAt.Add(65*time.Minute))
	return c, []data.Session{s1, s2}, photos
}

func TestUpdatePhoto(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := sqlitetest.OpenStore(t)
	c, sessions, ps := galleryPhotos(t, s)
	mine, theirs := ps[2], ps[2] // two screens holding the same photo
	clk.Advance(time.Minute)

	mine.SessionID, mine.Kind, mine.View, mine.Zone, mine.Note = sessions[1].ID, data.PhotoAfter, "Right 45°", "Chin", "Retaken"
	if err := s.UpdatePhoto(ctx, &mine); err != nil {
		t.Fatal(err)
	}
	if mine.Version != 2 || !mine.UpdatedAt.Equal(clk.T) || mine.FileName != "p.jpg" || mine.ClientID != c.ID {
		t.Fatalf("after update: %+v", mine)
	}
	stored, _ := s.Photo(ctx, mine.ID)
	if stored.PhotoTags != mine.PhotoTags || stored.Version != 2 {
		t.Fatalf("stored %+v, saved %+v", stored, mine)
	}

	theirs.Note = "Stale edit"
	err := s.UpdatePhoto(ctx, &theirs)
	if !errors.Is(err, data.ErrConflict) || theirs.Version != 1 || theirs.Note != "Stale edit" {
		t.Fatalf("stale update: %v (version %d)", err, theirs.Version)
	}
	if again, _ := s.Photo(ctx, mine.ID); again.Note != "Retaken" {
		t.Fatalf("a stale update overwrote the note: %q", again.Note)
	}

	bad := stored
	bad.View, bad.Consent = "Sideways", data.PhotoConsentMarketing
	if f := testkit.FieldsOf(t, s.UpdatePhoto(ctx, &bad)); !slices.Equal(f, []string{"consent", "view"}) {
		t.Errorf("bad tags: fields %v", f)
	}
	missing := stored
	missing.ID = "nope"
	if err := s.UpdatePhoto(ctx, &missing); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("update a missing photo: %v", err)
	}

	// A view retired since the photo was tagged does not stop its note being edited.
	views, _ := s.ListItems(ctx, data.ListPhotoView, false)
	i := slices.IndexFunc(views, func(it data.ListItem) bool { return it.Name == "Right 45°" })
	views[i].Retired = true
	if err := s.SaveListItem(ctx, &views[i]); err != nil {
		t.Fatal(err)
	}
	stored.Note = "Kept under a retired view"
	if err := s.UpdatePhoto(ctx, &stored); err != nil {
		t.Fatalf("note on a photo with a retired view: %v", err)
	}
	log, _ := s.AuditLog(ctx, stored.ID)
	if len(log) != 3 || log[1].Action != data.ActionUpdate {
		t.Errorf("audit log: %+v; want create and two updates", log)
	}
}

func TestDeletePhoto(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c, _, ps := galleryPhotos(t, s)
	p := ps[1]
	if err := s.AddPhotoPin(ctx, &data.PhotoPin{PhotoID: p.ID, X: 0.5, Y: 0.5, Note: "Scar"}); err != nil {
		t.Fatal(err)
	}
	if f := testkit.FieldsOf(t, s.DeletePhoto(ctx, p.ID, "  ")); !slices.Equal(f, []string{"reason"}) {
		t.Fatalf("delete without a reason: fields %v", f)
	}
	before, filesBefore := photoRows(t, s), libraryFiles(t, s)
	if err := s.DeletePhoto(ctx, p.ID, "Wrong client's photo"); err != nil {
		t.Fatal(err)
	}
	after, filesAfter := photoRows(t, s), libraryFiles(t, s)
	if _, ok := filesAfter[p.SHA256]; ok || len(filesBefore)-len(filesAfter) != 2 {
		t.Errorf("the library held %d files and holds %d, the original still there: %v; want its original and preview removed",
			len(filesBefore), len(filesAfter), ok)
	}
	for table, n := range map[string]int{"photos": 1, "photo_thumbnails": 1, "photo_pins": 1} {
		if before[table]-after[table] != n {
			t.Errorf("%s: %d rows, then %d", table, before[table], after[table])
		}
	}
	if _, err := s.Photo(ctx, p.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleted photo reads back: %v", err)
	}
	if _, err := s.PhotoOriginal(ctx, p.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleted photo's original reads back: %v", err)
	}
	log, _ := s.AuditLog(ctx, p.ID)
	if last := log[len(log)-1]; last.Action != data.ActionDelete || !strings.Contains(last.Detail, "Wrong client's photo") ||
		!strings.Contains(last.Detail, p.SHA256) {
		t.Errorf("audit of the deletion: %+v", last)
	}
	if err := s.DeletePhoto(ctx, p.ID, "again"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	// The same file can be imported again once deleted.
	if list, _ := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID}); len(list) != len(ps)-1 {
		t.Errorf("%d photos listed after deleting one of %d", len(list), len(ps))
	}
}

// A photo whose stored image is gone, deleted by another program writing the file or lost to
// damage: the gallery still lists it, with a placeholder; its preview and original say which
// photo lost its image; the record can still be deleted.
func TestPhotoWithMissingImage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c, _, ps := galleryPhotos(t, s)
	noImage, noOriginal := ps[1], ps[4]
	preview, err := s.PhotoPreview(ctx, noImage.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range []string{photolib.Sum(preview), noOriginal.SHA256} {
		if err := os.Remove(photolib.PathIn(s.PhotoDir(), sum)); err != nil {
			t.Fatal(err)
		}
	}

	h, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantProblems := []string{
		fmt.Sprintf("photo %s taken %s has lost its preview (missing from the photo folder %s)", noImage.FileName, data.DateOf(noImage.TakenAt), s.PhotoDir()),
		fmt.Sprintf("photo %s taken %s has lost its original (missing from the photo folder %s)", noOriginal.FileName, data.DateOf(noOriginal.TakenAt), s.PhotoDir()),
	}
	if noOriginal.TakenAt.Before(noImage.TakenAt) {
		wantProblems[0], wantProblems[1] = wantProblems[1], wantProblems[0]
	}
	if len(h.Problems) != 0 || !slices.Equal(h.LostImages, wantProblems) {
		t.Errorf("the check finds problems %q and lost images %q, want no problems and %q", h.Problems, h.LostImages, wantProblems)
	}

	list, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID})
	if err != nil {
		t.Fatalf("list a gallery with a photo missing its image: %v", err)
	}
	if len(list) != len(ps) {
		t.Fatalf("listed %d photos of %d", len(list), len(ps))
	}
	for _, p := range list {
		switch missing := p.ID == noImage.ID; {
		case missing && (!p.ImageMissing || p.Thumbnail != nil):
			t.Errorf("the photo without its image is listed with ImageMissing %v and a %d-byte thumbnail", p.ImageMissing, len(p.Thumbnail))
		case !missing && (p.ImageMissing || len(p.Thumbnail) == 0):
			t.Errorf("photo %s is listed with ImageMissing %v and a %d-byte thumbnail", p.ID, p.ImageMissing, len(p.Thumbnail))
		}
		if p.ID == noImage.ID && (p.View != noImage.View || p.Kind != noImage.Kind) {
			t.Errorf("the photo without its image lost its tags: %+v", p.Photo)
		}
	}

	named := func(p data.Photo) string {
		return fmt.Sprintf("photo taken %s of %s has no image here. Its ", data.DateOf(p.TakenAt), c.Name())
	}
	if _, err := s.PhotoPreview(ctx, noImage.ID); !errors.Is(err, data.ErrNotFound) || !strings.Contains(err.Error(), named(noImage)) {
		t.Errorf("preview of the photo without its image: %v", err)
	}
	if _, err := s.PhotoOriginal(ctx, noOriginal.ID); !errors.Is(err, data.ErrNotFound) || !strings.Contains(err.Error(), named(noOriginal)) {
		t.Errorf("original of the photo without its original: %v", err)
	}
	if b, err := s.PhotoPreview(ctx, noOriginal.ID); err != nil || len(b) == 0 {
		t.Errorf("the preview of the photo that lost only its original: %d bytes, %v", len(b), err)
	}
	if _, err := s.PhotoPreview(ctx, "no-such-photo"); !errors.Is(err, data.ErrNotFound) || !strings.Contains(err.Error(), "no-such-photo") {
		t.Errorf("preview of a photo that does not exist: %v", err)
	}
	if err := s.DeletePhoto(ctx, noImage.ID, "Its image was lost"); err != nil {
		t.Fatalf("delete the photo without its image: %v", err)
	}
	if list, _ := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID}); len(list) != len(ps)-1 {
		t.Errorf("%d photos listed after deleting one of %d", len(list), len(ps))
	}
}

func TestMigrationAddsPhotoVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true, Now: func() time.Time { return testkit.Now }})
	if err != nil {
		t.Fatal(err)
	}
	c := photoClient(t, s, "Anna", data.PhotoConsentClinical)
	p, err := testkit.ImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "a.jpg", phototest.NoisyJPEG(t, 320, 240, 11, 16), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Make the file as the first schema left it.
	sqlitetest.RawExec(t, path, "ALTER TABLE photos DROP COLUMN version")
	sqlite.AsOlderVersion(t, path, 1)

	s, err = sqlite.Open(ctx, path, sqlite.Options{Now: func() time.Time { return testkit.Now }})
	if err != nil {
		t.Fatalf("open a version 1 file: %v", err)
	}
	defer s.Close()
	got, err := s.Photo(ctx, p.ID)
	if err != nil || got.Version != 1 {
		t.Fatalf("photo after the upgrade: version %d, %v", got.Version, err)
	}
	got.Note = "After the upgrade"
	if err := s.UpdatePhoto(ctx, &got); err != nil || got.Version != 2 {
		t.Fatalf("update after the upgrade: version %d, %v", got.Version, err)
	}
}

// noisyJPEG is a w × h JPEG of smooth gradients with noise of ±amp levels, which costs about as
// much to encode, store and decode as a photo of skin: a flat image would flatter every figure.
func noisyJPEG(tb testing.TB, w, h, amp, quality int, seed uint32) []byte {
	tb.Helper()
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed = seed*2654435761 | 1
	noise := func() int { // xorshift32
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		return int(seed%uint32(2*amp+1)) - amp
	}
	clamp := func(v int) uint8 { return uint8(max(0, min(255, v))) }
	for y := range h {
		for x := range w {
			m.Y[y*m.YStride+x] = clamp(90 + 100*x/w + 40*y/h + noise())
		}
	}
	for y := range (h + 1) / 2 {
		for x := range (w + 1) / 2 {
			i := y*m.CStride + x
			m.Cb[i] = clamp(110 + 20*y/h + noise()/3)
			m.Cr[i] = clamp(150 + 20*x/w + noise()/3)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

var photo12MP []byte

// BenchmarkImport12MP is one photo from a phone: a 4032 × 3024 JPEG of 4–5 MB with an EXIF date,
// checked, decoded, turned into a thumbnail and a preview (photo.Process), then stored with both in
// one transaction. Each round imports different bytes (a counter after the JPEG's end marker,
// which decoders ignore), so none is refused as a duplicate. median-ms/op is the median round.
func BenchmarkImport12MP(b *testing.B) {
	if photo12MP == nil {
		photo12MP = phototest.WithEXIF(noisyJPEG(b, 4032, 3024, 12, 92, 1), phototest.EXIF{Taken: "2026:03:10 13:05:00", Offset: "+00:00"})
	}
	benchmarkImport(b, photo12MP)
}

// BenchmarkImport12MPAdobeRGB is the same photo with an Adobe RGB (1998) profile, which the
// preview and thumbnail are converted from, to sRGB: what the conversion costs.
func BenchmarkImport12MPAdobeRGB(b *testing.B) {
	if photo12MP == nil {
		photo12MP = phototest.WithEXIF(noisyJPEG(b, 4032, 3024, 12, 92, 1), phototest.EXIF{Taken: "2026:03:10 13:05:00", Offset: "+00:00"})
	}
	profile, err := os.ReadFile("../../data/photo/testdata/compatibleWithAdobeRGB1998.icc")
	if err != nil {
		b.Fatal(err)
	}
	payload := append([]byte("ICC_PROFILE\x00\x01\x01"), profile...)
	app2 := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE2}, uint16(len(payload)+2))
	benchmarkImport(b, slices.Concat(photo12MP[:2], app2, payload, photo12MP[2:]))
}

func benchmarkImport(b *testing.B, file []byte) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(b)
	c := photoClient(b, s, "Anna", data.PhotoConsentClinical)
	se := sessionAt(b, s, c.ID, testkit.Now.Add(-2*time.Hour))
	tags := data.PhotoTags{SessionID: se.ID, Kind: data.PhotoBefore, View: "Frontal", Zone: "Cheeks"}
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	var times []time.Duration
	n := uint64(0)
	for b.Loop() {
		n++
		orig := binary.BigEndian.AppendUint64(slices.Clip(file), n)
		start := time.Now()
		p, err := photo.Process(orig)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ImportPhoto(ctx, c.ID, tags, data.PhotoFile{Name: "IMG.JPG", Original: orig, Processed: p}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms/op")
	b.ReportMetric(float64(len(file))/1e6, "MB/photo")
}

// gallery500 is a client with 25 sessions of 20 photos each: noisy 256 × 192 thumbnails, whose
// mean size it returns in KB, and a 1600 × 1200 preview and an original of 0.3 MB each.
func gallery500(b *testing.B) (*sqlite.Store, string, float64) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(b)
	c := photoClient(b, s, "Anna", data.PhotoConsentClinical)
	var sessions []data.Session
	for i := range 25 {
		sessions = append(sessions, sessionAt(b, s, c.ID, testkit.Now.AddDate(0, 0, -28*(25-i))))
	}
	views := []string{"Frontal", "Left 45°", "Right 45°", "Left 90° (profile)", "Right 90° (profile)", "Close-up"}
	preview := noisyJPEG(b, 1600, 1200, 12, 85, 2)
	thumbKB := 0.0
	err := s.Batch(ctx, func(batch nlstore.Batch) error {
		for i := range 500 {
			thumb := noisyJPEG(b, 256, 192, 30, 80, uint32(i))
			thumbKB += float64(len(thumb)) / 1024 / 500
			orig := binary.BigEndian.AppendUint64(slices.Clip(preview), uint64(i))
			sum := sha256.Sum256(orig)
			se := sessions[i/20]
			kind := data.PhotoBefore
			if i%20 >= 10 {
				kind = data.PhotoAfter
			}
			f := data.PhotoFile{Name: "IMG.JPG", ModTime: se.StartedAt.Add(time.Duration(i%20) * 5 * time.Minute), Original: orig,
				Processed: photo.Processed{Info: photo.Info{Format: "jpeg", Width: 1600, Height: 1200, Orientation: 1,
					SHA256: hex.EncodeToString(sum[:])}, Thumbnail: thumb, Preview: preview}}
			tags := data.PhotoTags{SessionID: se.ID, Kind: kind, View: views[i%len(views)], Zone: "Cheeks"}
			if _, err := batch.ImportPhoto(c.ID, tags, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, c.ID, thumbKB
}

// BenchmarkGallery500 lists a client's 500 photos with their thumbnails, as the gallery does on
// opening. Thumbnails are noisy 256 × 192 JPEGs (thumb-KB reports their size); every photo also
// has a 1600 × 1200 preview and an original, which the listing must not read.
func BenchmarkGallery500(b *testing.B) {
	ctx := context.Background()
	s, clientID, thumbKB := gallery500(b)
	b.ReportAllocs()
	for b.Loop() {
		list, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: clientID})
		if err != nil || len(list) != 500 {
			b.Fatalf("listed %d photos: %v", len(list), err)
		}
	}
	b.ReportMetric(thumbKB, "thumb-KB")
}
