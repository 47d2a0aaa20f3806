//go:build linux

package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/test"
	"golang.org/x/sys/unix"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// envFullDisk names the database the child run of TestAFullDiskKeepsTheSessionForm works on.
const envFullDisk = "NEEDLELOG_UI_FULL_DISK_DB"

// TestAFullDiskKeepsTheSessionForm saves a session from the editor on a disk that has no room
// left. A file-size limit stands in for the full disk; it applies to a whole process, so the
// editor runs in a child process of this test binary.
func TestAFullDiskKeepsTheSessionForm(t *testing.T) {
	if path := os.Getenv(envFullDisk); path != "" {
		fullDiskChild(t, path)
		return
	}
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, s)
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestAFullDiskKeepsTheSessionForm$", "-test.v")
	cmd.Env = append(os.Environ(), envFullDisk+"="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the editor on a full disk: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "the form kept what was typed") {
		t.Fatalf("the child did not get as far as checking the form:\n%s", out)
	}

	s, err = sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("the practice does not open after the full disk: %v", err)
	}
	defer s.Close()
	h, err := s.Check(context.Background())
	if err != nil || len(h.Problems) > 0 {
		t.Fatalf("check after the full disk: %v %v", h.Problems, err)
	}
	if _, err := s.Client(context.Background(), c.ID); err != nil {
		t.Fatalf("the client saved before the full disk: %v", err)
	}
	if tl, _ := s.Timeline(context.Background(), c.ID); len(tl) != 0 {
		t.Fatalf("the session that met the full disk was partly saved: %+v", tl)
	}
}

func fullDiskChild(t *testing.T, path string) {
	test.NewTempApp(t)
	// Over the limit, a write fails with EFBIG instead of the process being killed.
	signal.Ignore(syscall.SIGXFSZ)
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.ListClients(context.Background(), data.ClientQuery{})
	if err != nil || len(list) != 1 {
		t.Fatalf("clients: %v %v", list, err)
	}
	c, err := s.Client(context.Background(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	e, w := openEditor(t, s, c, "", nil)
	e.toggleZone("Cheeks")
	e.zones[0].depth.SetText("1.5")
	e.device.SetText("Dermapen 4")
	e.cartridge.SetText("16-pin")
	test.Type(e.cartridgeLot, "C-7781")
	e.noSideEffects.SetChecked(true)

	if _, err := e.form().check(e.base, &e.ed.catalog, s.Now()); err != nil {
		t.Fatalf("the form is not ready to save: %v", err)
	}
	// No file may grow past one byte from here on: the disk is full.
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: 1, Max: unix.RLIM_INFINITY}); err != nil {
		t.Fatal(err)
	}
	e.save()
	waitFor(t, "the save to end", func() bool { return !e.saveBtn.Disabled() })
	if got := overlayText(w); !strings.Contains(got, "the disk is full") || !strings.Contains(got, "what you typed is still here") {
		t.Fatalf("a save on a full disk says %q (status %q)", got, e.status.Text)
	}
	if e.zones[0].depth.Text != "1.5" || e.cartridgeLot.Text != "C-7781" || !e.changed() {
		t.Fatal("the form lost what was typed")
	}
	fmt.Println("the form kept what was typed")
}
