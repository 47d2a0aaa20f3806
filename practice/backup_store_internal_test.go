package practice

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// storePractice is a practice with photos small photos.
func storePractice(t *testing.T, photos int) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "practice.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := data.Client{FirstName: "Nora", LastName: "Lens", PhotoConsent: data.PhotoConsentClinical}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	for i := range photos {
		jpg := phototest.NoisyJPEG(t, 64, 48, uint32(i+1), 40)
		testkit.MustImportPhoto(t, s, c.ID, data.PhotoTags{Kind: data.PhotoBefore}, "IMG_"+strconv.Itoa(i)+".jpg", jpg, testkit.Now)
	}
	return s
}

// storeTimes is the modification time of everything under dir, by path.
func storeTimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	times := map[string]time.Time{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		times[path] = info.ModTime()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return times
}

// An unchanged second backup writes nothing in the photo store, whatever the number of photos:
// no file copied, touched or replaced, no folder flushed. A first backup flushes each folder that
// gained a name once, not once for each file.
func TestUnchangedBackupWritesNothingInThePhotoStore(t *testing.T) {
	old := BackupKeyWorkFactor
	BackupKeyWorkFactor = 10
	defer func() { BackupKeyWorkFactor = old }()
	var mu sync.Mutex
	syncs := map[string]int{}
	defer func(old func(string) error) { storeSync = old }(storeSync)
	storeSync = func(dir string) error {
		mu.Lock()
		syncs[dir]++
		mu.Unlock()
		return syncDir(dir)
	}
	const photos = 12
	ctx := context.Background()
	s := storePractice(t, photos)
	var err error
	for _, encrypted := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "backups")
		var enc BackupEncryption
		if encrypted {
			if enc, err = SetUpBackupKey(dir, "yellow kettle harbour march"); err != nil {
				t.Fatal(err)
			}
		}
		clear(syncs)
		first, _, err := BackupEncryptedTo(ctx, s, dir, DefaultRetention, enc)
		if err != nil {
			t.Fatal(err)
		}
		if first.Photos.Copied < photos || first.Photos.Missing != 0 {
			t.Fatalf("encrypted %v: the first backup copied %d files (%d missing)", encrypted, first.Photos.Copied, first.Photos.Missing)
		}
		for d, n := range syncs {
			if n != 1 {
				t.Errorf("encrypted %v: the first backup flushed %s %d times", encrypted, d, n)
			}
		}
		// Every file and folder of the store an hour old, so that a touch or a rewrite shows.
		store := backupPhotoDir(dir)
		then := time.Now().Add(-time.Hour).Truncate(time.Second)
		for path := range storeTimes(t, store) {
			if err := os.Chtimes(path, then, then); err != nil {
				t.Fatal(err)
			}
		}
		before := storeTimes(t, store)
		clear(syncs)
		second, _, err := BackupEncryptedTo(ctx, s, dir, DefaultRetention, enc)
		if err != nil {
			t.Fatal(err)
		}
		if second.Photos.Copied != 0 || len(syncs) != 0 {
			t.Errorf("encrypted %v: the unchanged second backup copied %d files and flushed %d folders", encrypted, second.Photos.Copied, len(syncs))
		}
		after := storeTimes(t, store)
		changed := 0
		for path, at := range after {
			if !at.Equal(before[path]) {
				changed++
			}
		}
		if changed > 0 || len(after) != len(before) {
			t.Errorf("encrypted %v: the unchanged second backup wrote to %d of the store's %d files and folders (now %d)", encrypted, changed, len(before), len(after))
		}
	}
}

// The size a backup expects of an encrypted photo file is the size age makes of it.
func TestEncryptedSizeIsAgesOwn(t *testing.T) {
	old := BackupKeyWorkFactor
	BackupKeyWorkFactor = 10
	defer func() { BackupKeyWorkFactor = old }()
	enc, err := SetUpBackupKey(t.TempDir(), "yellow kettle harbour march")
	if err != nil {
		t.Fatal(err)
	}
	st, err := newPhotoStore(t.TempDir(), t.TempDir(), enc)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int64{0, 1, 65535, 65536, 65537, 3 * 65536, 200001} {
		var b bytes.Buffer
		if err := encryptTo(&b, io.LimitReader(strings.NewReader(strings.Repeat("x", int(n))), n), enc); err != nil {
			t.Fatal(err)
		}
		if got := encryptedSize(st.header, n); got != int64(b.Len()) {
			t.Errorf("%d plain bytes: expected %d encrypted, age wrote %d", n, got, b.Len())
		}
	}
}

// A file the backups keep that rots at its own size is found when its slice of the store is
// next read through, at most a day after the last reading, and copied again from the practice.
func TestBackupReadsTheStoreThroughASliceAtATime(t *testing.T) {
	ctx := context.Background()
	s := storePractice(t, 2)
	dir := filepath.Join(t.TempDir(), "backups")
	if _, _, err := BackupTo(ctx, s, dir, DefaultRetention); err != nil {
		t.Fatal(err)
	}
	store := backupPhotoDir(dir)
	var sum string
	if err := s.EachPhotoFile(ctx, func(f sqlite.PhotoFileRef) error { sum = f.Sum; return nil }); err != nil {
		t.Fatal(err)
	}
	path := photolib.PathIn(store, sum)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	slice := strings.IndexByte(hexDigits, sum[0])
	now := time.Now()
	for _, step := range []struct {
		name        string
		age, others time.Duration // since the rotten file's slice, and the others, were last read
		copied      int
	}{
		{"read an hour ago", time.Hour, 2 * time.Hour, 0},
		{"another slice due before it", 25 * time.Hour, 26 * time.Hour, 0},
		{"due", 25 * time.Hour, 2 * time.Hour, 1},
	} {
		var times [16]time.Time
		for i := range times {
			times[i] = now.Add(-step.others)
		}
		times[slice] = now.Add(-step.age)
		if err := writeScrubTimes(store, times); err != nil {
			t.Fatal(err)
		}
		got, _, err := BackupTo(ctx, s, dir, DefaultRetention)
		if err != nil {
			t.Fatal(err)
		}
		if got.Photos.Copied != step.copied {
			t.Errorf("%s: the backup copied %d files, want %d", step.name, got.Photos.Copied, step.copied)
		}
	}
	if err := photolib.VerifyIn(store, sum); err != nil {
		t.Errorf("the store's file: %v", err)
	}
	if times := scrubTimes(store); now.Sub(times[slice]) > time.Minute {
		t.Errorf("the slice read was last read at %v", times[slice])
	}
}
