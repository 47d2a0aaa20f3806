package sqlite_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

const (
	crashPhotoChildBody = "crash-photo-importer"
	// crashPhotoEnv names the file holding the full-size photo the children import, processed.
	crashPhotoEnv = "NEEDLELOG_CRASH_PHOTO"
	// crashPhotoKeptKills is how many kills' photos stay in the library: older ones are deleted
	// after their checks, so that a long run's library stays the size of a few dozen photos.
	crashPhotoKeptKills = 4
)

// crashImport is one import a photo child makes, reported as "begin" before it starts and as
// "ack" once ImportPhoto has returned.
type crashImport struct {
	Cycle, Seq int
	ClientID   string
	PhotoID    string `json:",omitempty"` // known from the ack
	SHA        string // the original's
	PreviewSHA string
}

func TestCrashKillPhotos(t *testing.T) {
	if testkit.ChildBody() == crashPhotoChildBody {
		crashPhotoChild(t)
		return
	}
	ctx := context.Background()
	start := time.Now()
	r := newPhotoCrashRun(t, t.TempDir())
	const kills = 50
	for range kills {
		r.killOnce(ctx)
	}
	r.verifyAll(ctx)
	if r.ackedTotal < kills {
		t.Fatalf("only %d imports were acknowledged in %d kills: the child hardly imported anything", r.ackedTotal, kills)
	}
	t.Logf("%d kills of full-size photo imports (%d before the first acknowledgement) in %v: %d acknowledged imports verified, "+
		"%d unacknowledged found whole, %d files collected, %d photos deleted, median recovery open %v",
		kills, r.earlyKills, time.Since(start).Round(time.Millisecond), r.ackedTotal, r.unackedFound, r.collected, r.deleted, median(r.recoveries))
}

// BenchmarkCrashKillPhotos is the long run of the photo crash test: each iteration is one kill
// of a full-size photo import and its checks.
//
//	go test ./store/sqlite/ -run '^$' -bench 'CrashKillPhotos$' -benchtime 1000x -timeout 1h
func BenchmarkCrashKillPhotos(b *testing.B) {
	ctx := context.Background()
	r := newPhotoCrashRun(b, b.TempDir())
	start := time.Now()
	kills := 0
	for b.Loop() {
		r.killOnce(ctx)
		kills++
	}
	elapsed := time.Since(start)
	b.StopTimer()
	r.verifyAll(ctx)
	b.ReportMetric(float64(r.ackedTotal), "acked-imports")
	b.ReportMetric(float64(r.unackedFound), "unacked-found")
	b.ReportMetric(float64(r.collected), "files-collected")
	b.ReportMetric(0, "failures")
	b.ReportMetric(float64(median(r.recoveries).Microseconds())/1000, "recovery-open-ms")
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(kills), "ms/kill")
}

// photoCrashRun is a practice whose photo imports are killed again and again.
type photoCrashRun struct {
	*crashRun
	kept         []crashImport // photos in the file, acknowledged or found whole, not yet deleted
	clients      int           // clients the children made
	ackedTotal   int
	unackedFound int
	collected    int
	deleted      int
}

// crashFullSize is the full-size photo of this test run, made once: a 4000 × 3000 JPEG of 3–4 MB,
// as a phone takes, with its thumbnail and preview.
var crashFullSize = sync.OnceValues(func() (data.PhotoFile, error) {
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, phototest.Gradient(4000, 3000, 16, 24), &jpeg.Options{Quality: 90}); err != nil {
		return data.PhotoFile{}, err
	}
	p, err := photo.Process(jpg.Bytes())
	return data.PhotoFile{Name: "IMG_4000x3000.jpg", Original: jpg.Bytes(), Processed: p}, err
})

func newPhotoCrashRun(tb testing.TB, dir string) *photoCrashRun {
	full, err := crashFullSize()
	if err != nil {
		tb.Fatalf("make the full-size photo: %v", err)
	}
	if n := len(full.Original); n < 3<<20 || n > 4<<20 {
		tb.Fatalf("the full-size photo is %d bytes, not a phone's 3–4 MB", n)
	}
	file := filepath.Join(dir, "full-size.gob")
	f, err := os.Create(file)
	if err != nil {
		tb.Fatal(err)
	}
	if err := errors.Join(gob.NewEncoder(f).Encode(full), f.Close()); err != nil {
		tb.Fatal(err)
	}
	r := &photoCrashRun{crashRun: newCrashRun(tb, dir)}
	r.test, r.body, r.env = "TestCrashKillPhotos", crashPhotoChildBody, []string{crashPhotoEnv + "=" + file}
	r.verify = r.verifyKill
	// An import takes tens of milliseconds, flushing its files: a kill waits for fewer of them.
	r.maxAcks, r.firstAck, r.saveGap = 3, 300*time.Millisecond, 60*time.Millisecond
	return r
}

// verifyKill opens the practice as the app would after the crash and checks its photos: every
// photo in the file has both its files, whole; every acknowledged import is there; after
// collection, no file is left that no photo names.
func (r *photoCrashRun) verifyKill(ctx context.Context, lines []testkit.ChildLine) {
	r.tb.Helper()
	var clientID string
	var begun, acked []crashImport
	for _, l := range lines {
		var imp crashImport
		switch l.Kind {
		case "client":
			testkit.DecodeChild(r.tb, l, &clientID)
		case "begin":
			testkit.DecodeChild(r.tb, l, &imp)
			begun = append(begun, imp)
		case "ack":
			testkit.DecodeChild(r.tb, l, &imp)
			if len(begun) == 0 || begun[len(begun)-1].Seq != imp.Seq {
				r.fatalf("acknowledgement of import %d does not follow its beginning", imp.Seq)
			}
			acked = append(acked, imp)
		}
	}
	if len(acked) == 0 {
		r.earlyKills++
	}
	started := time.Now()
	s, err := sqlite.Open(ctx, r.path, sqlite.Options{Create: r.clients == 0})
	r.recoveries = append(r.recoveries, time.Since(started))
	if err != nil {
		r.fatalf("open the file after the kill: %v", err)
	}
	defer s.Close()
	h, err := s.Check(ctx)
	if err != nil {
		r.fatalf("check the file after the kill: %v", err)
	}
	if len(h.Problems) > 0 || len(h.LostImages) > 0 {
		r.fatalf("the file after the kill fails its check: %q %q", h.Problems, h.LostImages)
	}

	if clientID != "" {
		r.clients++
		r.ackedTotal += len(acked)
		r.kept = append(r.kept, acked...)
		found, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: clientID})
		if err != nil {
			r.fatalf("list the photos after the kill: %v", err)
		}
		for _, p := range found {
			if containsPhoto(acked, p.ID) {
				continue
			}
			// Only the import under way at the kill may have committed without its acknowledgement.
			pending := begun[len(begun)-1]
			if len(begun) == len(acked) || p.SHA256 != pending.SHA || len(found) != len(acked)+1 {
				r.fatalf("photo %s (%s) is in the file but was neither acknowledged nor the import under way at the kill", p.ID, p.FileName)
			}
			pending.PhotoID = p.ID
			r.kept = append(r.kept, pending)
			r.unackedFound++
		}
	} else if len(begun) > 0 {
		r.fatalf("the child began importing before it reported its client")
	}
	if h.Counts["photos"] != int64(len(r.kept)) {
		r.fatalf("%d photos in the file, want the %d acknowledged or found whole and not deleted since", h.Counts["photos"], len(r.kept))
	}
	for _, imp := range r.kept {
		if err := checkImportedPhoto(ctx, s, imp); err != nil {
			r.fatalf("%v", err)
		}
	}

	n, err := s.CollectPhotoFiles(ctx, 0)
	if err != nil {
		r.fatalf("collect unnamed photo files: %v", err)
	}
	r.collected += n
	r.checkOnlyNamedFiles(s.PhotoDir())
	r.deleteOld(ctx, s)
}

func containsPhoto(imps []crashImport, id string) bool {
	for _, imp := range imps {
		if imp.PhotoID == id {
			return true
		}
	}
	return false
}

// checkImportedPhoto reads an import back: its record, and its original and preview files whole.
func checkImportedPhoto(ctx context.Context, s *sqlite.Store, want crashImport) error {
	p, err := s.Photo(ctx, want.PhotoID)
	if err != nil {
		return fmt.Errorf("import %d of kill %d: %w", want.Seq, want.Cycle, err)
	}
	if p.ClientID != want.ClientID || p.SHA256 != want.SHA {
		return fmt.Errorf("photo %s of import %d (kill %d) reads back for client %s, SHA-256 %s; imported for %s, %s",
			p.ID, want.Seq, want.Cycle, p.ClientID, p.SHA256, want.ClientID, want.SHA)
	}
	// Both read the file and check its bytes against its SHA-256.
	orig, err := s.PhotoOriginal(ctx, p.ID)
	if err != nil || photolib.Sum(orig) != want.SHA {
		return fmt.Errorf("photo %s of import %d (kill %d): original: %v", p.ID, want.Seq, want.Cycle, err)
	}
	prev, err := s.PhotoPreview(ctx, p.ID)
	if err != nil || photolib.Sum(prev) != want.PreviewSHA {
		return fmt.Errorf("photo %s of import %d (kill %d): preview: %v", p.ID, want.Seq, want.Cycle, err)
	}
	return nil
}

// checkOnlyNamedFiles fails the run when the photo folder holds any file (temporary ones too)
// but the originals and previews of the photos in the file.
func (r *photoCrashRun) checkOnlyNamedFiles(dir string) {
	r.tb.Helper()
	named := map[string]bool{}
	for _, imp := range r.kept {
		named[imp.SHA], named[imp.PreviewSHA] = true, true
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == dir {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() || d.Name() == photolib.OwnerFile {
			return err
		}
		if !named[d.Name()] {
			return fmt.Errorf("%s is left in the photo folder after collection, and no photo names it", path)
		}
		return nil
	})
	if err != nil {
		r.fatalf("%v", err)
	}
}

// deleteOld deletes the photos of all but the last few kills, checking that their files go with them.
func (r *photoCrashRun) deleteOld(ctx context.Context, s *sqlite.Store) {
	r.tb.Helper()
	var keep []crashImport
	for _, imp := range r.kept {
		if imp.Cycle > r.cycle-crashPhotoKeptKills {
			keep = append(keep, imp)
			continue
		}
		if err := s.DeletePhoto(ctx, imp.PhotoID, "Taken for the crash test."); err != nil {
			r.fatalf("delete photo %s: %v", imp.PhotoID, err)
		}
		for _, sum := range []string{imp.SHA, imp.PreviewSHA} {
			if _, err := os.Stat(photolib.PathIn(s.PhotoDir(), sum)); !errors.Is(err, fs.ErrNotExist) {
				r.fatalf("file %s of deleted photo %s is still in the photo folder (%v)", sum, imp.PhotoID, err)
			}
		}
		r.deleted++
	}
	r.kept = keep
}

// verifyAll checks every photo still kept once more at the end, and the audit log's chain.
func (r *photoCrashRun) verifyAll(ctx context.Context) {
	r.tb.Helper()
	s, err := sqlite.Open(ctx, r.path, sqlite.Options{})
	if err != nil {
		r.fatalf("open the file at the end: %v", err)
	}
	defer s.Close()
	for _, imp := range r.kept {
		if err := checkImportedPhoto(ctx, s, imp); err != nil {
			r.fatalf("%v", err)
		}
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		r.fatalf("verify the audit log: %v", err)
	}
	if !rep.OK() {
		r.fatalf("the audit log does not verify: %q", rep.Breaks)
	}
}

// crashPhotoChild is the child: it imports full-size photos into the practice until it is killed.
func crashPhotoChild(t *testing.T) {
	ctx := context.Background()
	path := os.Getenv(crashPathEnv)
	cycle, err := strconv.Atoi(os.Getenv(crashCycleEnv))
	if path == "" || err != nil {
		t.Fatalf("%s=%q %s=%q", crashPathEnv, path, crashCycleEnv, os.Getenv(crashCycleEnv))
	}
	f, err := os.Open(os.Getenv(crashPhotoEnv))
	if err != nil {
		t.Fatal(err)
	}
	var full data.PhotoFile
	if err := gob.NewDecoder(f).Decode(&full); err != nil {
		t.Fatal(err)
	}
	f.Close()
	base, began := testkit.Now.Add(time.Duration(cycle)*time.Minute), time.Now()
	now := func() time.Time { return base.Add(time.Since(began)) }
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	client := data.Client{FirstName: "Crash", LastName: fmt.Sprintf("Photos %d", cycle), PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &client); err != nil {
		t.Fatal(err)
	}
	testkit.ChildReport(t, "client", client.ID)
	for seq := 0; ; seq++ {
		f := crashVariant(full, fmt.Sprintf("kill %d, import %d", cycle, seq))
		f.Name, f.ModTime = fmt.Sprintf("IMG_%d_%d.jpg", cycle, seq), now()
		imp := crashImport{Cycle: cycle, Seq: seq, ClientID: client.ID, SHA: f.Processed.Info.SHA256,
			PreviewSHA: photolib.Sum(f.Processed.Preview)}
		testkit.ChildReport(t, "begin", imp)
		p, err := s.ImportPhoto(ctx, client.ID, data.PhotoTags{Kind: data.PhotoBefore}, f)
		if err != nil {
			t.Fatalf("import %d: %v", seq, err)
		}
		imp.PhotoID = p.ID
		testkit.ChildReport(t, "ack", imp)
	}
}

// crashVariant is full with a JPEG comment saying note in its original and in its preview: other
// bytes of the same size, so every import writes two new files, without the second or so that
// processing a 12 MP photo takes (the import's writes are what the kills are after).
func crashVariant(full data.PhotoFile, note string) data.PhotoFile {
	f := full
	f.Original = withJPEGComment(full.Original, note)
	f.Processed.Preview = withJPEGComment(full.Processed.Preview, note)
	f.Processed.Info.SHA256 = photolib.Sum(f.Original)
	return f
}

// withJPEGComment inserts a comment segment (COM) after the JPEG's start-of-image marker.
func withJPEGComment(jpg []byte, note string) []byte {
	out := make([]byte, 0, len(jpg)+4+len(note))
	out = append(out, jpg[:2]...)
	out = append(out, 0xFF, 0xFE)
	out = binary.BigEndian.AppendUint16(out, uint16(2+len(note)))
	out = append(out, note...)
	return append(out, jpg[2:]...)
}
