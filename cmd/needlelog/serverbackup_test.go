package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/postgres"
)

// A backup of a practice on the clinic's server is recorded on the server once it is checked:
// another PC, with a store of its own, reads when it was made, on which PC, into which folder
// and which file; before the first backup there is no record.
func TestServerBackupIsRecordedOnTheServer(t *testing.T) {
	serverEnv(t)
	_, app, _ := initPractice(t)
	if code, out, errOut := runCLI(t, "demo", "--db", app, "--clients", "3", "--sessions", "4", "--photos", "1"); code != 0 {
		t.Fatalf("demo onto the server: exit %d\n%s%s", code, out, errOut)
	}
	ctx := context.Background()
	other, err := postgres.Open(ctx, app, postgres.Options{}) // another PC's store
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, ok, err := practice.LatestServerBackup(ctx, other); ok || err != nil {
		t.Fatalf("a backup is recorded before any was made (%v)", err)
	}

	backups := filepath.Join(t.TempDir(), "backups")
	before := time.Now().UTC().Truncate(time.Second)
	code, out, errOut := runCLI(t, "backup", "--db", app, "--to", backups)
	if code != 0 {
		t.Fatalf("backup of the server: exit %d\n%s%s", code, out, errOut)
	}
	m := regexp.MustCompile(`to "([^"]+\.db)"`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("backup does not name its file:\n%s", out)
	}
	b, ok, err := practice.LatestServerBackup(ctx, other)
	if !ok || err != nil {
		t.Fatalf("the backup is not recorded on the server (%v)", err)
	}
	host, _ := os.Hostname()
	abs, _ := filepath.Abs(backups)
	if b.Host != host || b.Folder != abs || b.File != filepath.Base(m[1]) || b.Encrypted {
		t.Errorf("the server records %+v; the backup was %s on %s", b, m[1], host)
	}
	if b.Taken.Before(before) || b.Taken.After(time.Now()) {
		t.Errorf("the server records the backup as taken at %s, not between %s and now", b.Taken, before)
	}
	if _, err := os.Stat(filepath.Join(b.Folder, b.File)); err != nil {
		t.Errorf("the recorded backup is not there: %v", err)
	}

	// A second backup, to another folder, replaces the record; the practice still verifies
	// (the record is written as the application writes any setting).
	elsewhere := filepath.Join(t.TempDir(), "usb")
	if code, out, errOut := runCLI(t, "backup", "--db", app, "--to", elsewhere); code != 0 {
		t.Fatalf("second backup of the server: exit %d\n%s%s", code, out, errOut)
	}
	b2, ok, err := practice.LatestServerBackup(ctx, other)
	if !ok || err != nil || b2.Folder != filepath.Clean(elsewhere) || !strings.HasSuffix(b2.File, ".db") || b2.Taken.Before(b.Taken) {
		t.Errorf("after a backup to %s the server records %+v (%v)", elsewhere, b2, err)
	}
	verified(t, app)
}
