package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
)

// While the check of a file opened with CheckLater runs, the file is read as usual and a write
// waits; it goes through once the check has passed. Not parallel: it holds the check through
// checkHook, which every store shares.
func TestAWriteWaitsForTheCheck(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := Open(ctx, path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	checkHook = func() { <-release }
	defer func() { checkHook = nil }()
	s, err = Open(ctx, path, Options{CheckLater: true})
	if err != nil {
		close(release)
		t.Fatal(err)
	}
	defer s.Close()

	wrote := make(chan error, 1)
	go func() { wrote <- s.SetSetting(ctx, data.SettingClinicName, "Berg Skin") }()
	if _, err := s.ListClients(ctx, data.ClientQuery{}); err != nil {
		t.Errorf("list the clients while the check runs: %v", err)
	}
	select {
	case err := <-wrote:
		t.Fatalf("a write went through before the check (%v)", err)
	case <-time.After(300 * time.Millisecond): // a write that did not wait returns within milliseconds
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := s.Checked(short); err == nil {
		t.Error("the check says it has finished while it is held")
	}
	close(release)
	if err := <-wrote; err != nil {
		t.Fatalf("the write that waited: %v", err)
	}
	if got, _ := s.Setting(ctx, data.SettingClinicName); got != "Berg Skin" {
		t.Errorf("read back %q", got)
	}
}
