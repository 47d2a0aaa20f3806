//go:build unix

package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
)

// permPractice writes a database with a client and a session at path, and closes it: a closed
// database is one file, its write-ahead log checkpointed into it and removed.
func permPractice(t *testing.T, path string) (data.Client, data.Session) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true, Now: testkit.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	c := testkit.CreateClient(t, s, "Rhea", "Only")
	se := testkit.StoredSession(t, s, c.ID)
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%s after closing: %v", filepath.Base(path+suffix), err)
		}
	}
	return c, se
}

// assertOpenRefusedReadOnly checks that opening path for writing fails with ErrReadOnlyFile, in a
// sentence naming the file, and leaves the file's bytes as they were.
func assertOpenRefusedReadOnly(t *testing.T, path string) {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err == nil {
		s.Close()
		t.Fatal("a database that cannot be written to opened for writing")
	}
	if !errors.Is(err, data.ErrReadOnlyFile) {
		t.Errorf("open for writing: got %q, want data.ErrReadOnlyFile", err)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, data.ErrReadOnlyFile.Error()) {
		t.Errorf("open for writing: %q does not name the file and say it cannot be written to", msg)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("opening the read-only database for writing changed the file")
	}
}

// assertReadsRecords opens path read-only and reads the client and session back.
func assertReadsRecords(t *testing.T, path string, c data.Client, se data.Session) {
	t.Helper()
	ctx := context.Background()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open read-only: %v", err)
	}
	gotClient, err := s.Client(ctx, c.ID)
	if err != nil || gotClient.LastName != c.LastName {
		t.Errorf("client read-only: %+v, %v", gotClient, err)
	}
	gotSession, err := s.Session(ctx, se.ID)
	if err != nil || len(gotSession.Zones) != len(se.Zones) || len(gotSession.Products) != len(se.Products) {
		t.Errorf("session read-only: %+v, %v", gotSession, err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("close read-only: %v", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("reading the database read-only changed the file")
	}
}

func TestReadOnlyDatabaseFile(t *testing.T) {
	t.Parallel()
	testkit.AsUnprivileged(t, "TestReadOnlyDatabaseFile", func(t *testing.T, dir string) {
		path := filepath.Join(dir, "practice.db")
		c, se := permPractice(t, path)
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			f.Close()
			t.Fatalf("user %d can still write a file with mode 0444: this test would show nothing", os.Geteuid())
		}
		assertOpenRefusedReadOnly(t, path)
		assertReadsRecords(t, path, c, se)
	})
}

func TestReadOnlyDatabaseFolder(t *testing.T) {
	t.Parallel()
	testkit.AsUnprivileged(t, "TestReadOnlyDatabaseFolder", func(t *testing.T, dir string) {
		folder := filepath.Join(dir, "practice")
		path := filepath.Join(folder, "practice.db")
		c, se := permPractice(t, path)
		if err := os.Chmod(folder, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(folder, 0o755) }) // so that the folder can be removed
		if err := os.WriteFile(filepath.Join(folder, "probe"), nil, 0o600); err == nil {
			t.Fatalf("user %d can still create a file in a folder with mode 0555: this test would show nothing", os.Geteuid())
		}
		assertOpenRefusedReadOnly(t, path)
		assertReadsRecords(t, path, c, se)
		entries, err := os.ReadDir(folder)
		if err != nil || len(entries) != 1 {
			t.Errorf("the read-only folder holds %v (%v), want only the database", entries, err)
		}
	})
}
