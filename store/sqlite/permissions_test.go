//go:build unix

package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

const (
	unprivilegedChildBody = "unprivileged"
	unprivilegedDirEnv    = "NEEDLELOG_UNPRIVILEGED_DIR"
	nobodyID              = 65534 // nobody and nogroup (or nobody) on Linux
)

// asUnprivileged runs body as a user whom file permissions bind, with a folder of its own to work
// in: in this process when it is not root's, otherwise in a child process running as nobody.
// testName is the calling test's name, which the child runs.
func asUnprivileged(t *testing.T, testName string, body func(t *testing.T, dir string)) {
	t.Helper()
	if childBody() == unprivilegedChildBody {
		childReport(t, "user", os.Geteuid())
		body(t, os.Getenv(unprivilegedDirEnv))
		childReport(t, childDone, nil)
		return
	}
	if os.Geteuid() != 0 {
		body(t, t.TempDir())
		return
	}
	// t.TempDir() sits in a folder only root may enter: nobody gets a folder of its own in one
	// anyone may enter, with a copy of the test binary it may run.
	top, err := os.MkdirTemp("", "needlelog-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	binCopy := filepath.Join(top, filepath.Base(exe))
	if err := copyFile(exe, binCopy, 0o755); err != nil {
		t.Fatalf("copy the test binary for nobody: %v", err)
	}
	dir := filepath.Join(top, "work")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, nobodyID, nobodyID); err != nil {
		t.Fatal(err)
	}
	cmd := childCommand(t, binCopy, testName, unprivilegedChildBody, unprivilegedDirEnv+"="+dir)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID, NoSetGroups: true}}
	lines := runChild(t, cmd)
	var uid int
	if len(lines) == 0 || lines[0].Kind != "user" {
		t.Fatalf("the child did not say which user it ran as: %v", lines)
	}
	decodeChild(t, lines[0], &uid)
	if uid != nobodyID {
		t.Fatalf("the child ran as user %d, not as nobody (%d)", uid, nobodyID)
	}
}

func copyFile(from, to string, mode fs.FileMode) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// permPractice writes a database with a client and a session at path, and closes it: a closed
// database is one file, its write-ahead log checkpointed into it and removed.
func permPractice(t *testing.T, path string) (data.Client, data.Session) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true, Now: (&clock{t: testNow}).now})
	if err != nil {
		t.Fatal(err)
	}
	c := mustCreateClient(t, s, "Rhea", "Only")
	se := storedSession(t, s, c.ID)
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
	asUnprivileged(t, "TestReadOnlyDatabaseFile", func(t *testing.T, dir string) {
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
	asUnprivileged(t, "TestReadOnlyDatabaseFolder", func(t *testing.T, dir string) {
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
