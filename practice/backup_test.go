package practice_test

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// tempHome points the user's data folders, on every system, into a fresh folder.
func tempHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "share"))
	t.Setenv("LOCALAPPDATA", filepath.Join(home, "local"))
	t.Setenv("HOME", home)
	return home
}

func TestDefaultBackupDir(t *testing.T) {
	tempHome(t)
	db, err := practice.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := practice.DefaultBackupDir()
	if err != nil {
		t.Fatal(err)
	}
	appDir := filepath.Dir(db)
	if filepath.Base(dir) != "Needlelog Backups" || filepath.Dir(dir) != filepath.Dir(appDir) {
		t.Errorf("backups go to %s; want a folder \"Needlelog Backups\" beside %s", dir, appDir)
	}
}

// Every practice but the default one is backed up in a folder of its own, so that two files of
// the same name never share, and so prune, each other's backups.
func TestBackupDirFor(t *testing.T) {
	home := tempHome(t)
	def, _ := practice.DefaultPath()
	base, _ := practice.DefaultBackupDir()
	if dir, err := practice.BackupDirFor(def); err != nil || dir != base {
		t.Errorf("the default practice is backed up in %s (%v), want %s", dir, err, base)
	}
	a, errA := practice.BackupDirFor(filepath.Join(home, "clinic", "needlelog.db"))
	b, errB := practice.BackupDirFor(filepath.Join(home, "van", "needlelog.db"))
	if errA != nil || errB != nil || a == b || filepath.Dir(a) != base || filepath.Dir(b) != base ||
		!strings.HasPrefix(filepath.Base(a), "needlelog ") {
		t.Errorf("two practices named needlelog.db are backed up in %s and %s (%v, %v)", a, b, errA, errB)
	}
	if again, _ := practice.BackupDirFor(filepath.Join(home, "clinic", ".", "needlelog.db")); again != a {
		t.Errorf("the same practice by another spelling of its path is backed up in %s, then %s", a, again)
	}
}

func bkOpenRO(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s: %v", filepath.Base(path), err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func bkCounts(t *testing.T, s *sqlite.Store) map[string]int64 {
	t.Helper()
	c, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	p := testkit.NewExportPractice(t, s)
	dir := filepath.Join(t.TempDir(), "Needlelog Backups")

	b, removed, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if want := filepath.Join(dir, "practice-"+bkShortID(t, s)+"-20260310-143000.db"); b.Path != want || !b.Taken.Equal(testkit.Now) || len(removed) != 0 {
		t.Fatalf("backup %+v, removed %v; want %s taken at %v", b, removed, want, testkit.Now)
	}
	if info, err := os.Stat(b.Path); err != nil || info.Size() != b.Size || b.Size == 0 {
		t.Fatalf("backup file: %v %v, reported size %d", info, err, b.Size)
	}
	if info, err := os.Stat(dir); err != nil || (runtime.GOOS != "windows" && info.Mode().Perm() != 0o700) {
		t.Errorf("backup folder: %v %v, want mode 0700", info, err)
	}
	// The snapshot and the list of the photo files it names (none here).
	if names := testkit.Names(t, dir); !slices.Equal(names, []string{filepath.Base(b.Path), filepath.Base(b.Path) + ".manifest"}) {
		t.Errorf("backup folder holds %v", names)
	}
	want := bkCounts(t, s)

	restored := filepath.Join(t.TempDir(), "restored", "practice.db")
	restoredFrom, err := practice.RestoreFrom(ctx, b.Path, restored, false)
	aside := restoredFrom.KeptAside
	if err != nil || aside != "" {
		t.Fatalf("restore into a new file: %q %v", aside, err)
	}
	r := bkOpenRO(t, restored)
	if got := bkCounts(t, r); !maps.Equal(got, want) {
		t.Errorf("restored counts %v, want %v", got, want)
	}
	// The restored practice is the practice backed up: its backups are its own.
	if got, want := bkShortID(t, r), bkShortID(t, s); got != want {
		t.Errorf("the restored practice's identity %s, the practice's %s", got, want)
	}
	got, err := r.Session(ctx, p.March9.ID)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := s.Session(ctx, p.March9.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, orig) {
		t.Errorf("restored session differs:\n got %+v\nwant %+v", got, orig)
	}
	// The restored file opens for writing, as the app opens it.
	r.Close()
	w, err := sqlite.Open(ctx, restored, sqlite.Options{})
	if err != nil {
		t.Fatalf("open the restored file for writing: %v", err)
	}
	testkit.CreateClient(t, w, "After", "Restore")
	w.Close()
}

func TestBackupFromReadOnlyStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	testkit.NewExportPractice(t, s)
	// The app keeps the file open for writing; the command line opens it read-only beside it.
	ro := bkOpenRO(t, s.Path())
	b, _, err := practice.BackupTo(ctx, ro, t.TempDir(), practice.DefaultRetention)
	if err != nil {
		t.Fatalf("backup from a read-only store: %v", err)
	}
	if got, want := bkCounts(t, bkOpenRO(t, b.Path)), bkCounts(t, s); !maps.Equal(got, want) {
		t.Errorf("backup counts %v, want %v", got, want)
	}
}

func TestBackupNamesInTheSameSecond(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	dir := t.TempDir()
	var paths []string
	for range 3 {
		b, _, err := practice.BackupTo(ctx, s, dir, practice.Retention{Daily: 7})
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Base(b.Path))
	}
	id := bkShortID(t, s)
	if want := []string{"practice-" + id + "-20260310-143000.db", "practice-" + id + "-20260310-143000-2.db", "practice-" + id + "-20260310-143000-3.db"}; !slices.Equal(paths, want) {
		t.Fatalf("three backups in one second named %v, want %v", paths, want)
	}
	// The newest of a day is kept: the last made.
	list, err := practice.Backups(dir, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || filepath.Base(list[0].Path) != "practice-"+id+"-20260310-143000-3.db" {
		t.Errorf("after pruning: %v", list)
	}
}

func TestBackupsListsOnlyThisDatabasesBackups(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, _ := sqlitetest.OpenStore(t)
	db := s.Path()
	id := bkShortID(t, s)
	other, _ := sqlitetest.OpenStore(t)
	otherID := bkShortID(t, other)
	if otherID == id {
		t.Fatalf("two practices have the identity %s", id)
	}
	for _, name := range []string{
		"practice-" + id + "-20260310-143000.db", "practice-" + id + "-20260310-143000-2.db", "practice-" + id + "-20251231-235959.db",
		"practice-" + id + "-20260101-000000-12.db",
		// Its backup, made when its file had another name.
		"clinic-" + id + "-20251230-120000.db",
		// Not backups of practice.db:
		"practice-" + otherID + "-20260310-143000.db", "other-" + otherID + "-20260310-143000.db",
		"other-20260310-143000.db", "practice-old-20260310-143000.db", "practice-" + id + "-20260310-143000.db-journal",
		".practice-" + id + "-20260310-150000.db.123.tmp", "practice-" + id + "-20261310-143000.db", "practice-" + id + "-20260310-143000-1.db",
		"practice-" + id + "-20260310-143000-02.db", "practice-" + id + "-20260310-1430.db", "practice.db", "notes.txt",
		"-" + id + "-20260310-143000.db",
		// Named as a backup from before backups carried the practice's identity, but not a practice:
		// whose it is cannot be told.
		"practice-20260310-143000.db",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "practice-"+id+"-20260311-000000.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, list := range bkBothLists(t, dir, s) {
		var names []string
		for _, b := range list {
			names = append(names, filepath.Base(b.Path))
			if b.Size != 1 || b.Taken.Location() != time.UTC {
				t.Errorf("%s: %+v", filepath.Base(b.Path), b)
			}
		}
		want := []string{"practice-" + id + "-20260310-143000-2.db", "practice-" + id + "-20260310-143000.db", "practice-" + id + "-20260101-000000-12.db",
			"practice-" + id + "-20251231-235959.db", "clinic-" + id + "-20251230-120000.db"}
		if !slices.Equal(names, want) {
			t.Errorf("backups %v, want newest first %v", names, want)
		}
		if !list[2].Taken.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("taken %v", list[2].Taken)
		}
	}

	if list, err := practice.Backups(filepath.Join(dir, "missing"), db); err != nil || len(list) != 0 {
		t.Errorf("a missing folder: %v %v", list, err)
	}
}

// bkShortID is the part of s's identity its backups' names carry.
func bkShortID(t *testing.T, s *sqlite.Store) string {
	t.Helper()
	id, err := s.PracticeID(context.Background())
	if err != nil || len(id) < 8 {
		t.Fatalf("practice identity %q: %v", id, err)
	}
	return id[:8]
}

// bkBothLists lists s's backups in dir both ways: by its identity, and by its file's path.
func bkBothLists(t *testing.T, dir string, s *sqlite.Store) [2][]practice.Backup {
	t.Helper()
	id, err := s.PracticeID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byStore, err := practice.BackupsOf(dir, s.Path(), id)
	if err != nil {
		t.Fatal(err)
	}
	byPath, err := practice.Backups(dir, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	return [2][]practice.Backup{byStore, byPath}
}

// bkPractice makes a practice and returns its path.
func bkPractice(t *testing.T) string {
	t.Helper()
	s, _ := sqlitetest.OpenStore(t)
	return s.Path()
}

// bkWriteBackups makes empty files named as backups of the practice at dbPath taken at the given
// times.
func bkWriteBackups(t *testing.T, dir, dbPath string, times ...time.Time) {
	t.Helper()
	s := bkOpenRO(t, dbPath)
	base := strings.TrimSuffix(filepath.Base(dbPath), ".db") + "-" + bkShortID(t, s)
	for _, at := range times {
		name := base + "-" + at.UTC().Format("20060102-150405") + ".db"
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func bkDays(t *testing.T, dir, dbPath string, layout string) []string {
	t.Helper()
	list, err := practice.Backups(dir, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	var days []string
	for _, b := range list {
		days = append(days, b.Taken.Format(layout))
	}
	return days
}

func TestPruneKeepsDailyAndWeekly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := bkPractice(t)
	// 60 nightly backups from 15 November 2025 to 13 January 2026, across a month's and a year's
	// end, and a second backup on each of the last two evenings.
	first := time.Date(2025, 11, 15, 2, 0, 0, 0, time.UTC)
	var times []time.Time
	for i := range 60 {
		times = append(times, first.AddDate(0, 0, i))
	}
	last := times[59]
	if !last.Equal(time.Date(2026, 1, 13, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("last backup %v", last)
	}
	times = append(times, time.Date(2026, 1, 12, 18, 0, 0, 0, time.UTC), time.Date(2026, 1, 13, 18, 0, 0, 0, time.UTC))
	bkWriteBackups(t, dir, db, times...)

	now := time.Date(2026, 1, 13, 19, 0, 0, 0, time.UTC)
	removed, err := practice.Prune(dir, db, now, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		// The newest of each of the last 7 days: the evening ones where there are two.
		"2026-01-13 18:00", "2026-01-12 18:00", "2026-01-11 02:00", "2026-01-10 02:00", "2026-01-09 02:00",
		"2026-01-08 02:00", "2026-01-07 02:00",
		// The newest of each of the 4 ISO weeks before them: the rest of week 2 of 2026 (5-11
		// January), week 1 (29 December 2025 - 4 January 2026), weeks 52 and 51 of 2025.
		"2026-01-06 02:00", "2026-01-04 02:00", "2025-12-28 02:00", "2025-12-21 02:00",
	}
	if got := bkDays(t, dir, db, "2006-01-02 15:04"); !slices.Equal(got, want) {
		t.Errorf("kept\n%v\nwant\n%v", got, want)
	}
	if len(removed) != 62-11 {
		t.Errorf("removed %d, want %d", len(removed), 62-11)
	}
	for _, p := range removed {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s reported removed: %v", p, err)
		}
	}
	// Pruning again removes nothing more.
	if removed, err := practice.Prune(dir, db, now, practice.DefaultRetention); err != nil || len(removed) != 0 {
		t.Errorf("second prune removed %v, %v", removed, err)
	}
	// Keeping nothing still keeps the newest.
	if _, err := practice.Prune(dir, db, now, practice.Retention{}); err != nil {
		t.Fatal(err)
	}
	if got := bkDays(t, dir, db, "2006-01-02 15:04"); !slices.Equal(got, want[:1]) {
		t.Errorf("with nothing to keep, kept %v", got)
	}
	if _, err := practice.Prune(dir, db, now, practice.Retention{Daily: -1}); err == nil {
		t.Error("a negative retention was accepted")
	}
}

func TestPruneCountsDaysInNowsTimeZone(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	db := bkPractice(t)
	// 23:30 and 00:30 UTC: two days in UTC, one evening in New York.
	times := []time.Time{time.Date(2026, 1, 13, 23, 30, 0, 0, time.UTC), time.Date(2026, 1, 14, 0, 30, 0, 0, time.UTC)}
	for loc, want := range map[*time.Location]int{time.UTC: 2, ny: 1} {
		dir := t.TempDir()
		bkWriteBackups(t, dir, db, times...)
		if _, err := practice.Prune(dir, db, time.Date(2026, 1, 14, 1, 0, 0, 0, loc), practice.Retention{Daily: 2}); err != nil {
			t.Fatal(err)
		}
		if got := bkDays(t, dir, db, time.RFC3339); len(got) != want {
			t.Errorf("in %s kept %v, want %d", loc, got, want)
		}
	}
}

func TestBackupRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := sqlitetest.OpenStore(t)
	testkit.CreateClient(t, s, "Daily", "Client")
	dir := t.TempDir()
	var removedAll []string
	// One backup a day for 20 days, from Tuesday 10 to Sunday 29 March 2026.
	for day := range 20 {
		if day > 0 {
			clk.Advance(24 * time.Hour)
		}
		b, removed, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
		if err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
		if slices.Contains(removed, b.Path) {
			t.Fatalf("day %d: the new backup was removed", day)
		}
		removedAll = append(removedAll, removed...)
	}
	want := []string{"2026-03-29", "2026-03-28", "2026-03-27", "2026-03-26", "2026-03-25", "2026-03-24", "2026-03-23",
		"2026-03-22", "2026-03-15"} // Sundays: the newest of ISO weeks 12 and 11
	if got := bkDays(t, dir, s.Path(), time.DateOnly); !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
	if len(removedAll) != 20-len(want) {
		t.Errorf("removed %d in all: %v", len(removedAll), removedAll)
	}
	// Each backup kept with its manifest, those removed without theirs.
	if names := testkit.Names(t, dir); len(names) != 2*len(want) {
		t.Errorf("the folder holds %v", names)
	}
}

func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	c := testkit.CreateClient(t, s, "Busy", "Day")
	template := testkit.StoredSession(t, s, c.ID)

	var (
		mu       sync.Mutex
		saved    []string
		writeErr error
	)
	stop := make(chan struct{})
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			se := template
			se.Zones = slices.Clone(template.Zones)
			se.Products = slices.Clone(template.Products)
			se.SideEffects = slices.Clone(template.SideEffects)
			se.StartedAt = template.StartedAt.Add(time.Duration(i) * time.Minute)
			if err := s.CreateSession(ctx, &se); err != nil {
				mu.Lock()
				writeErr = err
				mu.Unlock()
				return
			}
			mu.Lock()
			saved = append(saved, se.ID)
			if len(saved) == 5 {
				close(started)
			}
			mu.Unlock()
		}
	}()
	select {
	case <-started:
	case <-done:
		t.Fatalf("the writer stopped: %v", writeErr)
	}
	b, _, err := practice.BackupTo(ctx, s, t.TempDir(), practice.DefaultRetention)
	close(stop)
	<-done
	if err != nil {
		t.Fatalf("backup while writing: %v", err)
	}
	if writeErr != nil {
		t.Fatalf("writer: %v", writeErr)
	}

	bs := bkOpenRO(t, b.Path)
	h, err := bs.Check(ctx)
	if err != nil || len(h.Problems) > 0 {
		t.Fatalf("check of the backup: %v %v", h.Problems, err)
	}
	timeline, err := bs.Timeline(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := len(timeline)
	if n < 5 || n > len(saved) {
		t.Fatalf("the backup holds %d sessions; %d were saved, 5 before it began", n, len(saved))
	}
	// A prefix of the saves, each whole.
	inBackup := map[string]bool{}
	for _, e := range timeline {
		inBackup[e.SessionID] = true
		se, err := bs.Session(ctx, e.SessionID)
		if err != nil {
			t.Fatal(err)
		}
		if len(se.Zones) != len(template.Zones) || len(se.Products) != len(template.Products) || len(se.SideEffects) != len(template.SideEffects) {
			t.Errorf("session %s in the backup is incomplete: %d zones, %d products, %d side effects",
				se.ID, len(se.Zones), len(se.Products), len(se.SideEffects))
		}
	}
	for i, id := range saved {
		if inBackup[id] != (i < n) {
			t.Fatalf("the backup's %d sessions are not the first %d saved: save %d is in it: %v", n, n, i, inBackup[id])
		}
	}
	t.Logf("%d sessions saved, %d of them in the backup", len(saved), n)
}

// bkClosedPractice writes a practice at path with a client named first and closes it.
func bkClosedPractice(t *testing.T, path, first string) map[string]int64 {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true, Now: testkit.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	testkit.CreateClient(t, s, first, "Client")
	c := bkCounts(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return c
}

var asideName = regexp.MustCompile(`^practice\.replaced-\d{8}-\d{6}\.db$`)

func TestRestoreRefusesWithoutForceAndKeepsTheReplacedFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	testkit.NewExportPractice(t, s)
	b, _, err := practice.BackupTo(ctx, s, t.TempDir(), practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	wantRestored := bkCounts(t, s)

	dir := t.TempDir()
	db := filepath.Join(dir, "practice.db")
	wantCurrent := bkClosedPractice(t, db, "Current")
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}

	_, err = practice.RestoreFrom(ctx, b.Path, db, false)
	if !errors.Is(err, data.ErrExists) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over an existing file without force: %v", err)
	}
	if after, _ := os.ReadFile(db); string(after) != string(before) {
		t.Fatal("a refused restore changed the file")
	}
	if names := testkit.Names(t, dir); !slices.Equal(names, []string{"practice.db"}) {
		t.Fatalf("a refused restore left %v", names)
	}

	if err := os.Chmod(db, 0o640); err != nil { // shared with the clinic's group
		t.Fatal(err)
	}
	restoredFrom, err := practice.RestoreFrom(ctx, b.Path, db, true)
	aside := restoredFrom.KeptAside
	if err != nil {
		t.Fatalf("restore with force: %v", err)
	}
	// Windows keeps who may read a file in its folder's access list, not in mode bits.
	if info, err := os.Stat(db); err != nil || (runtime.GOOS != "windows" && info.Mode().Perm() != 0o640) {
		t.Errorf("the restored file's permissions: %v, %v; want those of the file it replaced, -rw-r-----", info.Mode().Perm(), err)
	}
	if filepath.Dir(aside) != dir || !asideName.MatchString(filepath.Base(aside)) {
		t.Fatalf("the replaced file was kept as %q", aside)
	}
	names := testkit.Names(t, dir)
	slices.Sort(names)
	if want := []string{"practice.db", "practice.db.lock", filepath.Base(aside)}; !slices.Equal(names, bkSorted(want)) {
		t.Errorf("the folder holds %v", names)
	}
	if got := bkCounts(t, bkOpenRO(t, db)); !maps.Equal(got, wantRestored) {
		t.Errorf("restored counts %v, want %v", got, wantRestored)
	}
	kept := bkOpenRO(t, aside)
	if got := bkCounts(t, kept); !maps.Equal(got, wantCurrent) {
		t.Errorf("the kept file's counts %v, want %v", got, wantCurrent)
	}
	if h, err := kept.Check(ctx); err != nil || len(h.Problems) > 0 {
		t.Errorf("the kept file's check: %v %v", h.Problems, err)
	}
}

func bkSorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func TestRestoreRefusesBadBackups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := t.TempDir()
	good := filepath.Join(src, "good.db")
	bkClosedPractice(t, good, "Good")

	newer := filepath.Join(src, "newer.db")
	bkClosedPractice(t, newer, "Newer")
	sqlitetest.MarkNewer(t, newer)

	other := filepath.Join(src, "other.db")
	sqlitetest.RawExec(t, other, `CREATE TABLE t(x)`)

	text := filepath.Join(src, "notes.db")
	if err := os.WriteFile(text, []byte(strings.Repeat("not a database\n", 400)), 0o600); err != nil {
		t.Fatal(err)
	}

	damagedFile := filepath.Join(src, "damaged.db")
	bkDamage(t, good, damagedFile)

	for name, tc := range map[string]struct {
		from string
		want error
	}{
		"missing":     {filepath.Join(src, "missing.db"), data.ErrMissing},
		"text":        {text, data.ErrNotDatabase},
		"another app": {other, data.ErrNotDatabase},
		"newer":       {newer, data.ErrNewerSchema},
		"damaged":     {damagedFile, data.ErrDamaged},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "practice.db")
			bkClosedPractice(t, db, "Current")
			before, _ := os.ReadFile(db)
			_, err := practice.RestoreFrom(ctx, tc.from, db, true)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Fatalf("restore from a %s file: %v; want %v", name, err, tc.want)
			}
			if after, _ := os.ReadFile(db); string(after) != string(before) {
				t.Error("the database was changed")
			}
			if names := testkit.Names(t, dir); !slices.Equal(names, []string{"practice.db"}) {
				t.Errorf("the folder holds %v", names)
			}
		})
	}

	t.Run("itself", func(t *testing.T) {
		if _, err := practice.RestoreFrom(ctx, good, good, true); err == nil {
			t.Error("a database was restored over itself")
		}
	})
}

// bkDamage writes a copy of the database at from with one of its table pages overwritten.
func bkDamage(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	if len(b) < 8*page {
		t.Fatalf("%s has only %d bytes", from, len(b))
	}
	// Page 3 onwards hold tables; a page of garbage breaks one of them.
	for i := 2 * page; i < 3*page; i++ {
		b[i] = 0x5a
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreRefusesWhileTheAppHasTheFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "backup.db")
	bkClosedPractice(t, src, "Backup")
	db := filepath.Join(t.TempDir(), "practice.db")
	bkClosedPractice(t, db, "Current")
	before, _ := os.ReadFile(db)

	claim, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()
	if _, err := practice.RestoreFrom(ctx, src, db, true); !errors.Is(err, data.ErrInUse) {
		t.Fatalf("restore while the database is claimed: %v", err)
	}
	if after, _ := os.ReadFile(db); string(after) != string(before) {
		t.Error("the database was changed")
	}
	claim.Release()
	if _, err := practice.RestoreFrom(ctx, src, db, true); err != nil {
		t.Fatalf("restore once released: %v", err)
	}
}

const walChildBody = "wal"

// TestRestoreKeepsTheLogWithTheReplacedFile replaces a database whose last saves are only in its
// write-ahead log, as a crashed app leaves it: they must travel with the file set aside.
func TestRestoreKeepsTheLogWithTheReplacedFile(t *testing.T) {
	ctx := context.Background()
	if testkit.ChildBody() == walChildBody {
		s, err := sqlite.Open(ctx, os.Getenv("NEEDLELOG_WAL_DB"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		testkit.CreateClient(t, s, "Only", "InTheLog")
		testkit.ChildReport(t, "saved", nil)
		time.Sleep(time.Hour) // killed here, its log not checkpointed
	}
	src := filepath.Join(t.TempDir(), "backup.db")
	bkClosedPractice(t, src, "Backup")
	dir := t.TempDir()
	db := filepath.Join(dir, "practice.db")
	want := bkClosedPractice(t, db, "Current")
	want["clients"]++

	cmd := testkit.ChildCommand(t, "", "TestRestoreKeepsTheLogWithTheReplacedFile", walChildBody, "NEEDLELOG_WAL_DB="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	saved := make(chan struct{}, 1)
	go testkit.ReadChildLines(out, func(l testkit.ChildLine) {
		if l.Kind == "saved" {
			saved <- struct{}{}
		}
	})
	select {
	case <-saved:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("the child never saved")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if info, err := os.Stat(db + "-wal"); err != nil || info.Size() == 0 {
		t.Fatalf("the killed child left no write-ahead log: %v %v", info, err)
	}

	restoredFrom, err := practice.RestoreFrom(ctx, src, db, true)
	aside := restoredFrom.KeptAside
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{db + "-wal", db + "-shm"} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is still beside the restored file: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Stat(aside + "-wal"); err != nil {
		t.Errorf("the log did not travel with the kept file: %v", err)
	}
	kept := bkOpenRO(t, aside)
	got := bkCounts(t, kept)
	if got["clients"] != want["clients"] {
		t.Errorf("the kept file has %d clients, want %d (the last only in its log)", got["clients"], want["clients"])
	}
	clients, err := kept.ListClients(ctx, data.ClientQuery{Text: "InTheLog", Limit: 10})
	if err != nil || len(clients) != 1 {
		t.Errorf("the client saved only in the log, in the kept file: %v %v", clients, err)
	}
	if got := bkCounts(t, bkOpenRO(t, db)); got["clients"] != 1 {
		t.Errorf("the restored file has %d clients, want the backup's 1", got["clients"])
	}
}

func TestSetAside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "practice.db")
	bkClosedPractice(t, db, "Damaged")
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.WriteFile(db+suffix, []byte(suffix), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	aside, err := practice.SetAside(db, "damaged")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^practice\.damaged-\d{8}-\d{6}\.db$`).MatchString(filepath.Base(aside)) {
		t.Fatalf("set aside as %s", aside)
	}
	if b, err := os.ReadFile(aside + "-wal"); err != nil || string(b) != "-wal" {
		t.Errorf("the log beside the set-aside file: %q %v", b, err)
	}
	names := testkit.Names(t, dir)
	if want := bkSorted([]string{filepath.Base(aside), filepath.Base(aside) + "-wal"}); !slices.Equal(names, want) {
		t.Errorf("the folder holds %v, want %v", names, want)
	}

	// A second file set aside in the same second gets a name of its own.
	bkClosedPractice(t, db, "Second")
	aside2, err := practice.SetAside(db, "damaged")
	if err != nil {
		t.Fatal(err)
	}
	if aside2 == aside || !strings.HasPrefix(filepath.Base(aside2), "practice.damaged-") {
		t.Errorf("second set aside as %s (first %s)", aside2, aside)
	}
	if _, err := practice.SetAside(db, "damaged"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("set aside a missing file: %v", err)
	}
	bkClosedPractice(t, db, "Third")
	if _, err := practice.SetAside(db, "bad/label"); err == nil {
		t.Error("a label with a slash was accepted")
	}
}

// A backup stopped half way (the app killed, the power cut) leaves a hidden copy as large as the
// practice; the next backup removes it once it is clearly not one under way.
func TestBackupRemovesUnfinishedCopies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	dir := t.TempDir()
	base := strings.TrimSuffix(filepath.Base(s.Path()), ".db")
	old := time.Now().Add(-2 * time.Hour)
	files := map[string]bool{ // name: removed
		"." + base + "-20260101-000000.db.123.tmp":         true,
		"." + base + "-20260101-000000.db.123.tmp-journal": true,
		"." + base + "-20260101-000001.db.456.tmp":         false, // fresh: maybe under way
		".other-20260101-000000.db.789.tmp":                false, // another practice's
	}
	for name, stale := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("half a copy"), 0o600); err != nil {
			t.Fatal(err)
		}
		if stale || strings.HasPrefix(name, ".other") {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention); err != nil {
		t.Fatal(err)
	}
	for name, removed := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := errors.Is(err, fs.ErrNotExist); gone != removed {
			t.Errorf("%s: removed %v, want %v", name, gone, removed)
		}
	}
}

// TestAuditHeadOfABackup: a backup's audit head is the practice's when it was taken, so a change
// made since tells them apart; a file that is not a practice has none and is left as it was.
func TestAuditHeadOfABackup(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	testkit.CreateClient(t, s, "Ann", "Lee")
	b, _, err := practice.BackupTo(ctx, s, t.TempDir(), practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	head, err := s.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := practice.AuditHeadOf(ctx, b.Path); err != nil || got != head || got.Hash == "" {
		t.Fatalf("backup's head: %+v, %v; want the practice's %+v", got, err, head)
	}
	testkit.CreateClient(t, s, "Bea", "Lee")
	if now, err := s.AuditHead(ctx); err != nil || now == head {
		t.Fatalf("the practice's head after a change: %+v, %v", now, err)
	}
	if got, err := practice.AuditHeadOf(ctx, b.Path); err != nil || got != head {
		t.Errorf("backup's head after the practice changed: %+v, %v; want %+v", got, err, head)
	}
	junk := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(junk, []byte("not a practice"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := practice.AuditHeadOf(ctx, junk); !errors.Is(err, data.ErrNotDatabase) {
		t.Errorf("head of a file that is not a practice: %v, want ErrNotDatabase", err)
	}
	if after, err := os.ReadFile(junk); err != nil || string(after) != "not a practice" {
		t.Errorf("the file that is not a practice was changed: %q, %v", after, err)
	}
}
