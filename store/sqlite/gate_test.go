package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// A damaged file opened without waiting for the check opens, but every write waits for the check
// and is refused, saying the file is damaged and naming it; the file is left byte for byte as it was.
func TestCheckLaterNeverWritesADamagedFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "damaged.db")
	clients := closedPractice(t, path)
	damageTable(t, path, "clients")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path, sqlite.Options{CheckLater: true})
	if err != nil {
		t.Fatalf("open a closed file without waiting for its check: %v", err)
	}
	writes := map[string]func() error{
		"setting": func() error { return s.SetSetting(ctx, data.SettingClinicName, "Changed") },
		"batch": func() error {
			return s.Batch(ctx, func(b store.Batch) error { return b.CreateClient(&data.Client{FirstName: "New", LastName: "Client"}) })
		},
		"delete": func() error { return s.DeleteClient(ctx, clients[0].ID, "asked to be forgotten") },
	}
	for name, write := range writes {
		err := write()
		if !errors.Is(err, data.ErrDamaged) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s write to the damaged file: %v, want ErrDamaged naming the file", name, err)
		}
	}
	if err := s.Checked(ctx); !errors.Is(err, data.ErrDamaged) {
		t.Errorf("the check's verdict: %v, want ErrDamaged", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the damaged file was modified")
	}
}

// A file left open (its log still beside it: the app was killed) is checked before opening even
// when the check may wait: closing the store would copy the log into it.
func TestCheckLaterChecksFirstAFileLeftOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "damaged.db")
	closedPractice(t, path)
	damageTable(t, path, "clients")
	// A log with something in it (here not even a valid one: SQLite must look at it to know).
	if err := os.WriteFile(path+"-wal", bytes.Repeat([]byte{0x37}, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Open(context.Background(), path, sqlite.Options{CheckLater: true}); !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("open a damaged file left open: %v, want ErrDamaged", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the damaged file was modified")
	}
}

// The empty log (and its -shm) that a command which only read the file leaves beside it holds no
// record: the file still opens without waiting for its check, and a damaged one is still never
// written to. (Were it checked first, the next start after a nightly check or backup would read
// the whole file before showing the practice.)
func TestCheckLaterOpensAFileOnlyReadSince(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "read.db")
	closedPractice(t, path)
	r, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Setting(ctx, data.SettingClinicName); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() != 0 {
		t.Fatalf("a read-only open leaves an empty log beside the file: %v", err)
	}
	damageTable(t, path, "clients")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path, sqlite.Options{CheckLater: true})
	if err != nil {
		t.Fatalf("open a file only read since its clean close, without waiting for its check: %v", err)
	}
	if err := s.SetSetting(ctx, data.SettingClinicName, "Changed"); !errors.Is(err, data.ErrDamaged) {
		t.Errorf("a write to the damaged file: %v, want ErrDamaged", err)
	}
	s.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the damaged file was modified")
	}
}

// A sound file opened without waiting passes its check, and the first write goes through.
func TestCheckLaterSoundFileIsWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	closedPractice(t, path)
	s, err := sqlite.Open(ctx, path, sqlite.Options{CheckLater: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetSetting(ctx, data.SettingClinicName, "Berg Skin"); err != nil {
		t.Fatalf("first write: %v", err)
	}
	if err := s.Checked(ctx); err != nil {
		t.Errorf("the check's verdict on a sound file: %v", err)
	}
	if got, err := s.Setting(ctx, data.SettingClinicName); got != "Berg Skin" || err != nil {
		t.Errorf("read back %q, %v", got, err)
	}
}
