package sqlite_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

const reclaimChildBody = "reclaimer"

// reclaimLiveMB is what the practice holds, that VACUUM copies: 120 MB, or NEEDLELOG_RECLAIM_MB
// to measure a larger practice (NEEDLELOG_RECLAIM_MB=500 go test ./store/sqlite/ -run ReclaimSpaceMemory -v).
func reclaimLiveMB(t *testing.T) int {
	if v := os.Getenv("NEEDLELOG_RECLAIM_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("NEEDLELOG_RECLAIM_MB=%q", v)
		}
		return n
	}
	return 120
}

// Giving the space back copies the whole database: the copy is built in a file beside it, not in
// memory, so the memory it takes does not grow with the practice. Measured in a process of its own
// by the kernel's peak of its resident memory (VmHWM) before and after.
func TestReclaimSpaceMemoryDoesNotGrowWithThePractice(t *testing.T) {
	if testkit.ChildBody() == reclaimChildBody {
		reclaimChild(t)
		return
	}
	live := reclaimLiveMB(t)
	path := filepath.Join(t.TempDir(), "clinic.db")
	oldLayoutPractice(t, path, 1, 200)
	// Live pages VACUUM must copy: notes of pins, 256 KB each.
	sqlitetest.RawExec(t, path, `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < `+
		strconv.Itoa(live*4)+`)
		INSERT INTO photo_pins (id, photo_id, n, x, y, note)
		SELECT hex(randomblob(16)), (SELECT id FROM photos), i, 0.5, 0.5, hex(randomblob(128 << 10)) FROM c`)
	lines := testkit.RunChild(t, testkit.ChildCommand(t, "", t.Name(), reclaimChildBody, moveDBEnv+"="+path))
	var peak struct {
		BeforeKB, AfterKB int64
		Took              time.Duration
	}
	testkit.DecodeChild(t, lines[0], &peak)
	grew := (peak.AfterKB - peak.BeforeKB) >> 10
	t.Logf("reclaiming a %d MB practice (%v): peak resident memory %d MB before, %d MB after (grew %d MB)",
		live, peak.Took.Round(time.Millisecond), peak.BeforeKB>>10, peak.AfterKB>>10, grew)
	if grew > int64(live)/4 {
		t.Fatalf("reclaiming a %d MB practice took %d MB more memory: the copy is built in memory", live, grew)
	}
}

func reclaimChild(t *testing.T) {
	s := openPractice(t, os.Getenv(moveDBEnv))
	if _, err := s.PhotosToMove(t.Context()); err != nil { // the store's connection is open and used
		t.Fatal(err)
	}
	before, start := peakRSS(t), time.Now()
	s.ReclaimSpace(t)
	testkit.ChildReport(t, "peak", struct {
		BeforeKB, AfterKB int64
		Took              time.Duration
	}{before, peakRSS(t), time.Since(start)})
	testkit.ChildReport(t, testkit.ChildDone, nil)
}

// peakRSS is this process's peak resident memory so far, in KB.
func peakRSS(t *testing.T) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
