//go:build unix

package testkit

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

const (
	unprivilegedChildBody = "unprivileged"
	unprivilegedDirEnv    = "NEEDLELOG_UNPRIVILEGED_DIR"
	NobodyID              = 65534 // nobody and nogroup (or nobody) on Linux
)

// AsUnprivileged runs body as a user whom file permissions bind, with a folder of its own to work
// in: in this process when it is not root's, otherwise in a child process running as nobody.
// testName is the calling test's name, which the child runs.
func AsUnprivileged(t *testing.T, testName string, body func(t *testing.T, dir string)) {
	t.Helper()
	if ChildBody() == unprivilegedChildBody {
		ChildReport(t, "user", os.Geteuid())
		body(t, os.Getenv(unprivilegedDirEnv))
		ChildReport(t, ChildDone, nil)
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
	if err := CopyFile(exe, binCopy, 0o755); err != nil {
		t.Fatalf("copy the test binary for nobody: %v", err)
	}
	dir := filepath.Join(top, "work")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, NobodyID, NobodyID); err != nil {
		t.Fatal(err)
	}
	cmd := ChildCommand(t, binCopy, testName, unprivilegedChildBody, unprivilegedDirEnv+"="+dir)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: NobodyID, Gid: NobodyID, NoSetGroups: true}}
	lines := RunChild(t, cmd)
	var uid int
	if len(lines) == 0 || lines[0].Kind != "user" {
		t.Fatalf("the child did not say which user it ran as: %v", lines)
	}
	DecodeChild(t, lines[0], &uid)
	if uid != NobodyID {
		t.Fatalf("the child ran as user %d, not as nobody (%d)", uid, NobodyID)
	}
}

// CopyFile copies a file to a new one with the given mode.
func CopyFile(from, to string, mode fs.FileMode) error {
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
