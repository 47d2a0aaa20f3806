package sqlite_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

const (
	moveChildBody = "photo-mover"
	moveDBEnv     = "NEEDLELOG_MOVE_DB"
	moveSeedEnv   = "NEEDLELOG_MOVE_SEED" // replays a run's kill points
	// moveReclaimAtLeast is the unused space worth giving back in the test's small practice.
	moveReclaimAtLeast = 64 << 10
)

// A mover killed at random points, again and again, loses no photo: after each kill every photo
// reads back with the bytes it was imported with, from the database or from its files, and the
// next run goes on where the last stopped, down to giving the space back.
func TestMovePhotosKilledAtRandomPointsLosesNothing(t *testing.T) {
	if testkit.ChildBody() == moveChildBody {
		moveChild(t)
		return
	}
	sqlite.SetReclaimAtLeast(t, moveReclaimAtLeast) // as the child does
	seed := rand.Uint64()
	if v := os.Getenv(moveSeedEnv); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (replay with %s=%d)", seed, moveSeedEnv, seed)
	rnd := rand.New(rand.NewPCG(seed, 1))
	path := filepath.Join(t.TempDir(), "clinic.db")
	const photos = 24
	want := oldLayoutPractice(t, path, photos, 1200)
	// 8 MB that giving the space back copies, so that it takes long enough to be killed in (the
	// photos take more: the space is worth giving back).
	sqlitetest.RawExec(t, path, `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 32)
		INSERT INTO photo_pins (id, photo_id, n, x, y, note)
		SELECT hex(randomblob(16)), (SELECT min(id) FROM photos), i, 0.5, 0.5, hex(randomblob(128 << 10)) FROM c`)
	ctx := context.Background()
	before := fileSize(t, path)
	kills, inReclaim := 0, 0
	for run := 0; run < 40 && inReclaim < 3; run++ {
		killed, reclaiming := killMover(t, path, rnd)
		if !killed {
			break // it ran to its end before the kill: all moved and reclaimed
		}
		kills++
		if reclaiming {
			inReclaim++
		}
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			t.Fatalf("open after kill %d: %v", kills, err)
		}
		requirePhotoBytes(t, s, want)
		left, err := s.PhotosToMove(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rows := photoRows(t, s)
		// Each photo is wholly in one place: its two rows in the old tables, or neither.
		if rows["photo_originals"] != left || rows["photo_renditions"] != left || rows["photo_thumbnails"] != photos {
			t.Fatalf("after kill %d: %d to move, rows %v", kills, left, rows)
		}
		due, err := s.PhotoMoveDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if !due.Due() {
			break // killed as it ended, with all done
		}
	}
	testkit.RunChild(t, testkit.ChildCommand(t, "", t.Name(), moveChildBody, moveDBEnv+"="+path))
	s := openPractice(t, path)
	requirePhotoBytes(t, s, want)
	if due, err := s.PhotoMoveDue(ctx); err != nil || due.Due() {
		t.Fatalf("after the last run: %+v, %v", due, err)
	}
	if rows := photoRows(t, s); rows["photo_originals"]+rows["photo_renditions"] != 0 {
		t.Fatalf("rows left: %v", rows)
	}
	if after := fileSize(t, path); after > before*2/3 {
		t.Fatalf("the database file is %d bytes after, %d before: the space was not given back", after, before)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "clinic.reclaim")); !os.IsNotExist(err) {
		t.Fatalf("a killed reclaim's temporary folder is left: %v", err)
	}
	if kills < photos/4 || inReclaim == 0 {
		t.Fatalf("only %d runs were killed under way, %d while giving the space back", kills, inReclaim)
	}
	t.Logf("%d kills, %d of them while giving the space back", kills, inReclaim)
}

// killMover starts a mover on path and kills it at a random point: after a random number of its
// progress reports (the first says how many photos are left; at most three photos are moved before
// the kill), and a random moment more. It reports whether the kill found it under way, and whether
// it had begun to give the space back.
func killMover(t *testing.T, path string, rnd *rand.Rand) (killed, reclaiming bool) {
	t.Helper()
	cmd := testkit.ChildCommand(t, "", t.Name(), moveChildBody, moveDBEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan testkit.ChildLine, 64)
	go func() {
		testkit.ReadChildLines(out, func(l testkit.ChildLine) { lines <- l }) //nolint:errcheck // a kill cuts it short
		close(lines)
	}()
	reports, waitFor := 0, 1
	for l := range lines {
		if l.Kind == testkit.ChildDone {
			break
		}
		var p sqlite.PhotoMove
		testkit.DecodeChild(t, l, &p)
		if reports == 0 {
			waitFor = 1 + rnd.IntN(min(p.Total, 3)+2) // the last: into the reclaiming once none is left
		}
		reports++
		reclaiming = p.Reclaiming
		if reports >= waitFor {
			break
		}
	}
	pause := 4000 // µs: within a photo's move, or between two
	if reclaiming {
		pause = 1000 // within the rewrite of the file
	}
	time.Sleep(time.Duration(rnd.IntN(pause)) * time.Microsecond)
	cmd.Process.Kill() //nolint:errcheck // it may have ended by itself
	done := false
	for l := range lines {
		done = done || l.Kind == testkit.ChildDone
	}
	err = cmd.Wait()
	return !done && err != nil, reclaiming
}

// moveChild moves the photos of the practice it is given, reporting each step.
func moveChild(t *testing.T) {
	sqlite.SetReclaimAtLeast(t, moveReclaimAtLeast)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, os.Getenv(moveDBEnv), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.MovePhotos(ctx, func(p sqlite.PhotoMove) { testkit.ChildReport(t, "progress", p) })
	if err != nil {
		t.Fatal(err)
	}
	testkit.ChildReport(t, testkit.ChildDone, nil)
}
