package postgres

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
)

// openPC opens the practice at dbURL as one PC of the clinic does.
func openPC(t *testing.T, dbURL string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dbURL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// photoClientOn is a client who consented to clinical photos.
func photoClientOn(t *testing.T, s *Store, first string) data.Client {
	t.Helper()
	c := data.Client{FirstName: first, LastName: "Berg", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

var followUp = data.PhotoTags{Kind: data.PhotoFollowUp, Consent: data.PhotoConsentClinical}

// serverFiles lists the SHA-256s photo_files holds, sorted.
func serverFiles(t *testing.T, dbURL string) []string {
	t.Helper()
	rows, err := adminConn(t, dbURL).Query(context.Background(), `SELECT sha256 FROM photo_files ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	sums, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// A photo imported on one PC is seen whole on another: its thumbnail in the gallery, its preview
// in the viewer and its original through the export path, with no folder anywhere.
func TestPhotoImportedOnOnePCIsSeenOnAnother(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	desk, room := openPC(t, dbURL), openPC(t, dbURL)
	c := photoClientOn(t, desk, "Anna")
	jpg := phototest.NoisyJPEG(t, 2400, 1600, 7, 30) // larger than a preview: original and preview differ
	f := testkit.PhotoFile(t, "IMG_0412.jpg", jpg, testkit.Now)
	p, err := desk.ImportPhoto(ctx, c.ID, followUp, f)
	if err != nil {
		t.Fatal(err)
	}

	thumbs, err := room.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(thumbs) != 1 || thumbs[0].ID != p.ID || thumbs[0].ImageMissing || !bytes.Equal(thumbs[0].Thumbnail, f.Processed.Thumbnail) {
		t.Fatalf("the other PC's gallery: %+v, want the photo with its thumbnail", thumbs)
	}
	preview, err := room.PhotoPreview(ctx, p.ID)
	if err != nil || !bytes.Equal(preview, f.Processed.Preview) {
		t.Fatalf("the other PC's preview: %d bytes, %v; want the %d imported", len(preview), err, len(f.Processed.Preview))
	}
	if orig, err := room.PhotoOriginal(ctx, p.ID); err != nil || !bytes.Equal(orig, jpg) {
		t.Fatalf("the other PC's original: %d bytes, %v; want the %d imported", len(orig), err, len(jpg))
	}
	sums, err := room.PhotoFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{p.SHA256, photolib.Sum(f.Processed.Preview)}; !slices.Equal(sums, sortedCopy(want)) {
		t.Fatalf("the other PC's photo files: %q, want %q", sums, want)
	}
	r, err := room.OpenPhotoFile(p.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	exported, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(exported, jpg) {
		t.Fatalf("the other PC's export of the original: %d bytes, %v; want the %d imported", len(exported), err, len(jpg))
	}
	if got := serverFiles(t, dbURL); !slices.Equal(got, sums) {
		t.Errorf("the server holds %q, want the photo's two files %q", got, sums)
	}

	// No folder to miss, claim or be told to copy.
	if room.PhotoDir() != "" || room.PhotoFolderMissing() {
		t.Errorf("the server's practice has a photo folder %q (missing: %v)", room.PhotoDir(), room.PhotoFolderMissing())
	}
	if m, err := room.MissingPhotos(ctx); err != nil || m.Sentence() != "" {
		t.Errorf("missing photos on the server: %+v %q, %v; want none", m, m.Sentence(), err)
	}
	if err := room.OwnLibrary(true); err != nil {
		t.Errorf("claiming the photo folder of a server's practice: %v", err)
	}
	rep, err := room.CheckPhotoFiles(ctx, nil)
	if err != nil || len(rep.Problems) != 0 || rep.Files != 2 || rep.Bytes != int64(len(jpg)+len(f.Processed.Preview)) {
		t.Errorf("the photo check: %+v, %v; want two sound files of %d bytes", rep, err, len(jpg)+len(f.Processed.Preview))
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// Bytes changed on the server (by its administrator, outside the app) are found by the photo check
// and by the viewer, and said as changed on the clinic's server; bytes gone, as missing from it.
func TestPhotoBytesChangedOnTheServerAreFound(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	s := openPC(t, dbURL)
	c := photoClientOn(t, s, "Anna")
	jpg := phototest.NoisyJPEG(t, 2400, 1600, 8, 30)
	f := testkit.PhotoFile(t, "IMG_0412.jpg", jpg, testkit.Now)
	p, err := s.ImportPhoto(ctx, c.ID, followUp, f)
	if err != nil {
		t.Fatal(err)
	}
	other := testkit.MustImportPhoto(t, s, c.ID, followUp, "IMG_0413.jpg", phototest.NoisyJPEG(t, 2400, 1600, 9, 30), testkit.Now)
	// One byte of the original flipped, its size kept; the other photo's preview removed.
	adminExec(t, dbURL, `UPDATE photo_files SET bytes = set_byte(bytes, 1000, get_byte(bytes, 1000) # 255) WHERE sha256 = $1`, p.SHA256)
	var otherPreview string
	if err := adminConn(t, dbURL).QueryRow(ctx, `SELECT preview_sha256 FROM photos WHERE id = $1`, other.ID).Scan(&otherPreview); err != nil {
		t.Fatal(err)
	}
	adminExec(t, dbURL, `DELETE FROM photo_files WHERE sha256 = $1`, otherPreview)

	rep, err := s.CheckPhotoFiles(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 2 {
		t.Fatalf("the photo check found %d problems, want 2: %v", len(rep.Problems), rep.Problems)
	}
	changed, missing := rep.Problems[0], rep.Problems[1]
	if changed.PhotoID != p.ID {
		changed, missing = missing, changed
	}
	if !errors.Is(changed.Err, photolib.ErrChanged) || changed.What != "original" ||
		!strings.Contains(changed.String(), "its original on the clinic's server has been changed since it was imported ("+p.SHA256+")") {
		t.Errorf("the changed original is said %q (%v)", changed.String(), changed.Err)
	}
	if !errors.Is(missing.Err, photolib.ErrMissing) || missing.PhotoID != other.ID ||
		!strings.Contains(missing.String(), "its preview is missing from the clinic's server ("+otherPreview+")") {
		t.Errorf("the missing preview is said %q (%v)", missing.String(), missing.Err)
	}
	for _, p := range rep.Problems {
		if strings.Contains(p.String(), "folder") {
			t.Errorf("a server's photo is said to be in a folder: %q", p.String())
		}
	}

	_, err = s.PhotoOriginal(ctx, p.ID)
	if !errors.Is(err, photolib.ErrChanged) || !errors.Is(err, data.ErrNotFound) ||
		!strings.Contains(err.Error(), "Its original on the clinic's server has been changed since it was imported.") {
		t.Errorf("reading the changed original: %v", err)
	}
	_, err = s.PhotoPreview(ctx, other.ID)
	if !errors.Is(err, photolib.ErrMissing) || !strings.Contains(err.Error(), "Its preview is missing from the clinic's server.") {
		t.Errorf("reading the missing preview: %v", err)
	}
	thumbs, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range thumbs {
		if th.ImageMissing != (th.ID == other.ID) {
			t.Errorf("photo %s shown without its image: %v", th.ID, th.ImageMissing)
		}
	}
	lost, err := s.PhotosWithoutImages(ctx)
	if err != nil || len(lost) != 1 || !strings.Contains(lost[0], "has lost its preview (missing from the clinic's server)") {
		t.Errorf("photos without images: %q, %v", lost, err)
	}

	// Importing the photo again puts its bytes back whole.
	if _, err := s.PhotoStore().Read(p.SHA256); !errors.Is(err, photolib.ErrChanged) ||
		!strings.Contains(err.Error(), "on the clinic's server no longer match") {
		t.Fatalf("reading the changed file: %v", err)
	}
	if err := s.PhotoStore().Put(p.SHA256, jpg); err != nil {
		t.Fatal(err)
	}
	if orig, err := s.PhotoOriginal(ctx, p.ID); err != nil || !bytes.Equal(orig, jpg) {
		t.Errorf("the original put back: %d bytes, %v", len(orig), err)
	}
}

// backdate makes every photo file on the server as old as if added long ago.
func backdate(t *testing.T, dbURL string, age time.Duration) {
	t.Helper()
	adminExec(t, dbURL, `UPDATE photo_files SET added_at = $1`, data.TimeText(time.Now().Add(-age)))
}

// A photo whose deletion committed but whose bytes stayed (the PC went away before removing
// them) has its bytes collected after the grace period, and not before; the photos still on file
// keep theirs.
func TestDeletedPhotoBytesAreCollectedAfterTheGrace(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	desk, room := openPC(t, dbURL), openPC(t, dbURL)
	c := photoClientOn(t, desk, "Anna")
	kept := testkit.MustImportPhoto(t, desk, c.ID, followUp, "IMG_1.jpg", phototest.NoisyJPEG(t, 96, 64, 1, 40), testkit.Now)
	gone := testkit.MustImportPhoto(t, desk, c.ID, followUp, "IMG_2.jpg", phototest.NoisyJPEG(t, 96, 64, 2, 40), testkit.Now)

	// Deleted through the app: its bytes go at once.
	deleted := testkit.MustImportPhoto(t, desk, c.ID, followUp, "IMG_3.jpg", phototest.NoisyJPEG(t, 96, 64, 3, 40), testkit.Now)
	if err := room.DeletePhoto(ctx, deleted.ID, "Wrong client"); err != nil {
		t.Fatal(err)
	}
	if desk.PhotoStore().Has(deleted.SHA256) {
		t.Errorf("the deleted photo's bytes stayed on the server")
	}

	// Deleted, but its bytes left behind.
	adminExec(t, dbURL, `DELETE FROM photos WHERE id = $1`, gone.ID)
	named, err := room.PhotoFiles(ctx) // the original and preview of the photo on file
	if err != nil {
		t.Fatal(err)
	}
	left := len(serverFiles(t, dbURL)) - len(named)
	if left < 1 {
		t.Fatalf("the server holds no file of the photo deleted: %d files, %d named", left+len(named), len(named))
	}
	if n, err := room.CollectPhotoFiles(ctx, 24*time.Hour); err != nil || n != 0 {
		t.Fatalf("collected %d files within the grace (%v), want none", n, err)
	}
	if !desk.PhotoStore().Has(gone.SHA256) {
		t.Fatal("the bytes of the photo deleted went before the grace was over")
	}
	backdate(t, dbURL, 23*time.Hour)
	if n, err := room.CollectPhotoFiles(ctx, 24*time.Hour); err != nil || n != 0 {
		t.Fatalf("collected %d files an hour before the grace was over (%v), want none", n, err)
	}
	backdate(t, dbURL, 25*time.Hour)
	if n, err := room.CollectPhotoFiles(ctx, 24*time.Hour); err != nil || n != left {
		t.Fatalf("collected %d files after the grace (%v), want the deleted photo's %d", n, err, left)
	}
	if desk.PhotoStore().Has(gone.SHA256) {
		t.Error("the deleted photo's bytes are still on the server after the grace")
	}
	if got := serverFiles(t, dbURL); !slices.Equal(got, named) {
		t.Errorf("the server holds %q, want the photo on file's %q", got, named)
	}
	if b, err := desk.PhotoOriginal(ctx, kept.ID); err != nil || photolib.Sum(b) != kept.SHA256 {
		t.Errorf("the photo on file after the sweep: %v", err)
	}
}

// An import whose photo cannot be saved (here the server refuses the row) leaves no half photo:
// no photo is listed, and its bytes, already on the server, are an orphan that the sweep
// collects after the grace. The same photo imported again later is whole.
func TestAnImportWhoseRowFailsLeavesNoHalfPhoto(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	s := openPC(t, dbURL)
	c := photoClientOn(t, s, "Anna")
	adminExec(t, dbURL, `CREATE FUNCTION refuse_photo() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
		CREATE TRIGGER refuse_photo BEFORE INSERT ON photos FOR EACH ROW EXECUTE FUNCTION refuse_photo()`)
	jpg := phototest.NoisyJPEG(t, 2400, 1600, 4, 30)
	f := testkit.PhotoFile(t, "IMG_0412.jpg", jpg, testkit.Now)
	if _, err := s.ImportPhoto(ctx, c.ID, followUp, f); err == nil {
		t.Fatal("the import was saved though its row was refused")
	}
	if thumbs, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: c.ID}); err != nil || len(thumbs) != 0 {
		t.Fatalf("after the refused import the client has %d photos (%v), want none", len(thumbs), err)
	}
	orphans := sortedCopy([]string{f.Processed.Info.SHA256, photolib.Sum(f.Processed.Preview)})
	if got := serverFiles(t, dbURL); !slices.Equal(got, orphans) {
		t.Fatalf("the server holds %q, want the refused photo's bytes %q, written before its row", got, orphans)
	}
	if n, err := s.CollectPhotoFiles(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("collected %d orphans within the grace (%v), want none", n, err)
	}
	backdate(t, dbURL, 2*time.Hour)
	if n, err := s.CollectPhotoFiles(ctx, time.Hour); err != nil || n != 2 {
		t.Fatalf("collected %d orphans after the grace (%v), want 2", n, err)
	}
	if got := serverFiles(t, dbURL); len(got) != 0 {
		t.Fatalf("the server holds %q after the sweep, want nothing", got)
	}

	adminExec(t, dbURL, `DROP TRIGGER refuse_photo ON photos`)
	p, err := s.ImportPhoto(ctx, c.ID, followUp, f)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := s.PhotoOriginal(ctx, p.ID); err != nil || !bytes.Equal(b, jpg) {
		t.Errorf("the photo imported again: %d bytes, %v", len(b), err)
	}
}

// A 12 MP photo as a phone takes it (3–4 MB) goes to the server from one PC and comes back
// byte for byte on another.
func TestA12MPPhotoRoundTrips(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	desk, room := openPC(t, dbURL), openPC(t, dbURL)
	res, err := demo.Generate(ctx, desk, demo.Options{Clients: 5, Sessions: 10, Seed: 3, Photos: 1, FullSize: true})
	if err != nil || res.Photos != 1 {
		t.Fatalf("demo with one full-size photo: %+v, %v", res, err)
	}
	var id, sum string
	if err := adminConn(t, dbURL).QueryRow(ctx, `SELECT id, sha256 FROM photos`).Scan(&id, &sum); err != nil {
		t.Fatal(err)
	}
	b, err := room.PhotoOriginal(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if photolib.Sum(b) != sum || len(b) < 3<<20 {
		t.Fatalf("the other PC read %d bytes (SHA-256 %s), want the 3–4 MB imported (%s)", len(b), photolib.Sum(b), sum)
	}
	p, err := photo.Process(b)
	if err != nil || p.Info.Width != 4000 || p.Info.Height != 3000 {
		t.Fatalf("the original read back: %v %+v, want 4000 × 3000", err, p.Info)
	}
	r, err := room.OpenPhotoFile(sum)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if exported, err := io.ReadAll(r); err != nil || !bytes.Equal(exported, b) {
		t.Errorf("the export path gave %d bytes, %v", len(exported), err)
	}
	if rep, err := room.CheckPhotoFiles(ctx, nil); err != nil || len(rep.Problems) != 0 || rep.Bytes < int64(len(b)) {
		t.Errorf("the photo check: %+v, %v", rep, err)
	}
}

// The application role adds photo files, reads them and removes unused ones, and may not change
// one: a photo file on the server is what was imported, whatever a PC sends.
func TestTheAppRoleMayNotChangeAPhotoFile(t *testing.T) {
	ctx := context.Background()
	adminURL, o := initFixture(t)
	res := initServerOK(t, adminURL, o)
	s, err := Open(ctx, res.AppURL, Options{Password: res.AppPassword})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := photoClientOn(t, s, "Anna")
	p := testkit.MustImportPhoto(t, s, c.ID, followUp, "IMG_1.jpg", phototest.NoisyJPEG(t, 96, 64, 1, 40), testkit.Now)
	if b, err := s.PhotoOriginal(ctx, p.ID); err != nil || photolib.Sum(b) != p.SHA256 {
		t.Fatalf("the application role reading its photo: %v", err)
	}
	app, err := connectAs(t, res.AppURL, res.AppPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE photo_files SET bytes = '\x00'::bytea, size = 1`,
		`UPDATE photo_files SET added_at = ''`,
		`TRUNCATE photo_files`,
	} {
		if _, err := app.Exec(ctx, sql); sqlState(err) != "42501" {
			t.Errorf("the application role: %s: %v, want SQLSTATE 42501", sql, err)
		}
	}
	if _, err := app.Exec(ctx, `INSERT INTO photo_files (sha256, bytes, size, added_at) VALUES ('../../x', '\x00', 1, '')`); sqlState(err) != "23514" {
		t.Errorf("a photo file named by no SHA-256: %v, want refused by its CHECK (23514)", err)
	}
	if err := s.DeletePhoto(ctx, p.ID, "Wrong client"); err != nil {
		t.Fatal(err)
	}
	if s.PhotoStore().Has(p.SHA256) {
		t.Error("the application role did not remove the deleted photo's bytes")
	}
}

// A sweep on one PC while another imports never leaves a photo without its bytes. Bytes swept
// between the import putting them and its photo's transaction are put again inside it; and a
// sweep that finds bytes unnamed waits for the write lock, which an import holds until its photo
// commits, and asks again before removing them.
func TestASweepDuringAnImportKeepsThePhotoWhole(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.Postgres(t)
	desk, room := openPC(t, dbURL), openPC(t, dbURL)
	c := photoClientOn(t, desk, "Anna")

	// Swept between the put and the transaction (no grace at all: every file just put counts).
	f := testkit.PhotoFile(t, "IMG_1.jpg", phototest.NoisyJPEG(t, 2400, 1600, 11, 30), testkit.Now)
	if err := desk.PhotoStore().Put(f.Processed.Info.SHA256, f.Original); err != nil {
		t.Fatal(err)
	}
	if n, err := room.CollectPhotoFiles(ctx, 0); err != nil || n != 1 {
		t.Fatalf("the sweep removed %d files (%v), want the one put", n, err)
	}
	p, err := desk.ImportPhoto(ctx, c.ID, followUp, f)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := room.PhotoOriginal(ctx, p.ID); err != nil || photolib.Sum(b) != p.SHA256 {
		t.Fatalf("the photo whose bytes were swept before its transaction: %v", err)
	}

	// Found unnamed while a photo naming it is being saved (here by the administrator, holding
	// the write lock as a save does).
	g := testkit.PhotoFile(t, "IMG_2.jpg", phototest.NoisyJPEG(t, 96, 64, 12, 40), testkit.Now)
	sum := g.Processed.Info.SHA256
	if err := desk.PhotoStore().Put(sum, g.Original); err != nil {
		t.Fatal(err)
	}
	admin := adminConn(t, dbURL)
	tx, err := admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
		t.Fatal(err)
	}
	type result struct {
		n   int
		err error
	}
	sweep := make(chan result, 1)
	go func() {
		n, err := room.CollectPhotoFiles(ctx, 0)
		sweep <- result{n, err}
	}()
	select {
	case r := <-sweep:
		t.Fatalf("the sweep ended (%d removed, %v) while a save held the write lock", r.n, r.err)
	case <-time.After(500 * time.Millisecond):
	}
	if !desk.PhotoStore().Has(sum) {
		t.Fatal("the sweep removed the bytes while a save held the write lock")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO photos (id, client_id, kind, taken_at, mime, width, height, byte_size, sha256,
		created_at, updated_at, preview_sha256) VALUES ('p2', $1, 'follow-up', 't', 'image/jpeg', 96, 64, $2, $3, 't', 't', $3)`,
		c.ID, len(g.Original), sum); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if r := <-sweep; r.err != nil || r.n != 0 {
		t.Fatalf("the sweep removed %d files (%v), want none: the photo committed names them", r.n, r.err)
	}
	if b, err := room.PhotoOriginal(ctx, "p2"); err != nil || photolib.Sum(b) != sum {
		t.Errorf("the photo saved during the sweep: %v", err)
	}
}

// BenchmarkServerPhoto12MP is a 12 MP photo (about 4 MB) imported on one PC and its original,
// preview and export read on another: what a PC on the clinic's server waits for.
func BenchmarkServerPhoto12MP(b *testing.B) {
	ctx := context.Background()
	dbURL := testkit.Postgres(b)
	desk, err := Open(ctx, dbURL, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer desk.Close()
	room, err := Open(ctx, dbURL, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer room.Close()
	c := data.Client{FirstName: "Anna", LastName: "Berg", PhotoConsent: data.PhotoConsentClinical}
	if err := desk.CreateClient(ctx, &c); err != nil {
		b.Fatal(err)
	}
	jpg := phototest.JPEG(b, phototest.Gradient(4000, 3000, 1, 40), 90)
	f := testkit.PhotoFile(b, "IMG.jpg", jpg, testkit.Now)
	var p data.Photo
	b.Run("Import", func(b *testing.B) {
		b.SetBytes(int64(len(jpg)))
		for i := 0; b.Loop(); i++ {
			if i > 0 { // the same bytes again are refused: the photo goes first
				b.StopTimer()
				if err := desk.DeletePhoto(ctx, p.ID, "again"); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			if p, err = desk.ImportPhoto(ctx, c.ID, followUp, f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Original", func(b *testing.B) {
		b.SetBytes(int64(len(jpg)))
		for b.Loop() {
			if _, err := room.PhotoOriginal(ctx, p.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Preview", func(b *testing.B) {
		for b.Loop() {
			if _, err := room.PhotoPreview(ctx, p.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
