//go:build unix

package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
)

const (
	diskFullChildBody = "disk-full-saver"
	diskFullPathEnv   = "NEEDLELOG_DISKFULL_DB"
	diskFullClientEnv = "NEEDLELOG_DISKFULL_CLIENT"
	// diskFullHeadroom is how far past the database's size the child's files may grow: room for
	// a few saves, whose photos are about 100 KB each with their renditions.
	diskFullHeadroom = 512 << 10
)

// diskFullFailure is the save that failed, as the child reports it.
type diskFullFailure struct {
	Save     crashSave
	Stage    string // "session" or "photo": which of the save's two transactions failed
	DiskFull bool   // errors.Is(err, data.ErrDiskFull)
	Message  string
	// ReadBack is "" when the child could still read its last saved session through the same
	// store after the failure, or why not.
	ReadBack string
	Close    string // the store's Close error, for the log
}

func TestDiskFullKeepsSavedRecords(t *testing.T) {
	if testkit.ChildBody() == diskFullChildBody {
		diskFullChild(t)
		return
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true, Now: testkit.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	client := photoClient(t, s, "Dana", data.PhotoConsentClinical)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	lines := testkit.RunChild(t, testkit.ChildCommand(t, "", "TestDiskFullKeepsSavedRecords", diskFullChildBody,
		diskFullPathEnv+"="+path, diskFullClientEnv+"="+client.ID))
	var sessions, photos []crashSave
	var failure *diskFullFailure
	for _, l := range lines {
		switch l.Kind {
		case "session", "photo":
			var save crashSave
			testkit.DecodeChild(t, l, &save)
			if l.Kind == "session" {
				sessions = append(sessions, save)
			} else {
				photos = append(photos, save)
			}
		case "failed":
			failure = new(diskFullFailure)
			testkit.DecodeChild(t, l, failure)
		}
	}
	if failure == nil {
		t.Fatalf("no save failed: %d sessions and %d photos fitted under the size limit", len(sessions), len(photos))
	}
	if len(photos) == 0 {
		t.Fatalf("the first save already failed (%s): the limit left no room to show that saved records are kept", failure.Message)
	}
	t.Logf("%d sessions and %d photos saved; the %s of save %d failed: %s (after it, reading: %q; close: %q)",
		len(sessions), len(photos), failure.Stage, failure.Save.Seq, failure.Message, failure.ReadBack, failure.Close)

	// What the practitioner sees: an error that says the disk is full, one the app can recognise.
	if !failure.DiskFull {
		t.Errorf("the failed save's error is not data.ErrDiskFull: %q", failure.Message)
	}
	if !strings.Contains(strings.ToLower(failure.Message), "disk is full") {
		t.Errorf("the failed save's error does not say the disk is full: %q", failure.Message)
	}
	if failure.ReadBack != "" {
		t.Errorf("after the failed save the store could not read the last saved session: %s", failure.ReadBack)
	}

	// What the file holds, opened again with no limit.
	s, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open the file after the full disk: %v", err)
	}
	defer s.Close()
	h, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Problems) > 0 {
		t.Fatalf("the file fails its check after the full disk: %q", h.Problems)
	}
	for _, save := range sessions {
		if err := checkSavedSession(ctx, s, save); err != nil {
			t.Errorf("saved before the disk was full: %v", err)
		}
	}
	for _, save := range photos {
		if err := checkSavedPhoto(ctx, s, save.PhotoID, save); err != nil {
			t.Errorf("saved before the disk was full: %v", err)
		}
	}
	// The failed transaction left nothing: not its session (found by its notes), not its photo.
	timeline, err := s.Timeline(ctx, client.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range timeline {
		se, err := s.Session(ctx, e.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		if failure.Stage == "session" && se.Notes == failure.Save.Notes {
			t.Errorf("the session whose save failed is in the file: %+v", se)
		}
	}
	thumbs, err := s.ListPhotos(ctx, data.PhotoQuery{ClientID: client.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range thumbs {
		if p.SHA256 == failure.Save.PhotoSHA {
			t.Errorf("the photo whose save failed is in the file: %+v", p.Photo)
		}
	}
	want := map[string]int64{"sessions": int64(len(sessions)), "photos": int64(len(photos)),
		"session_zones": crashZones * int64(len(sessions)), "session_products": crashProducts * int64(len(sessions)),
		"side_effects": int64(len(sessions))}
	for table, n := range want {
		if h.Counts[table] != n {
			t.Errorf("%d rows in %s after the full disk, want %d", h.Counts[table], table, n)
		}
	}
}

// diskFullChild saves sessions with photos under a file size limit until a save fails, and
// reports each save and the failure.
func diskFullChild(t *testing.T) {
	ctx := context.Background()
	// Past the limit the kernel sends SIGXFSZ, which by default ends the process; ignored, the
	// write fails with EFBIG instead, which SQLite sees as an I/O error.
	signal.Ignore(syscall.SIGXFSZ)
	path, clientID := os.Getenv(diskFullPathEnv), os.Getenv(diskFullClientEnv)
	s, err := sqlite.Open(ctx, path, sqlite.Options{Now: testkit.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	template := testkit.StoredSession(t, s, clientID)
	zones, err := s.Zones(ctx, false)
	if err != nil || len(zones) < crashZones {
		t.Fatalf("zones %v: %v", zones, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	setLimit(&lim.Cur, info.Size()+diskFullHeadroom)
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatalf("limit the file size: %v", err)
	}

	fail := func(save crashSave, stage string, err error, last *crashSave) {
		f := diskFullFailure{Save: save, Stage: stage, DiskFull: errors.Is(err, data.ErrDiskFull), Message: err.Error()}
		if last != nil {
			if err := checkSavedSession(ctx, s, *last); err != nil {
				f.ReadBack = err.Error()
			}
		}
		if err := s.Close(); err != nil {
			f.Close = err.Error()
		}
		testkit.ChildReport(t, "failed", f)
	}
	var last *crashSave
	for seq := 0; seq < 200; seq++ {
		save := crashSaveFor(template, zones, 0, seq, s.Now())
		jpg := crashJPEG(t, uint64(seq), 256, true)
		processed, err := photo.Process(jpg)
		if err != nil {
			t.Fatal(err)
		}
		save.PhotoSHA = processed.Info.SHA256
		se := save.session(template)
		if err := s.CreateSession(ctx, &se); err != nil {
			fail(save, "session", err, last)
			break
		}
		save.SessionID = se.ID
		last = &save
		testkit.ChildReport(t, "session", save)
		p, err := s.ImportPhoto(ctx, clientID, data.PhotoTags{SessionID: se.ID, Kind: data.PhotoBefore},
			data.PhotoFile{Name: fmt.Sprintf("save-%d.jpg", seq), ModTime: save.StartedAt, Original: jpg, Processed: processed})
		if err != nil {
			fail(save, "photo", err, last)
			break
		}
		save.PhotoID = p.ID
		testkit.ChildReport(t, "photo", save)
	}
	testkit.ChildReport(t, testkit.ChildDone, nil)
}

// setLimit sets a resource limit, whose type is uint64 on most systems and int64 on some.
func setLimit[T ~int64 | ~uint64](p *T, v int64) { *p = T(v) }
