package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/practice"
)

// TestBackupIsRecordedForTheApp: a backup made by the command line into a folder of its own,
// while the app holds the practice, is recorded where the app finds it (practice.RecordedBackups,
// which the window's backup status reads), and the database itself is not written to.
func TestBackupIsRecordedForTheApp(t *testing.T) {
	path := demoFile(t)
	ctx := context.Background()
	s := openAsTheApp(t, path)
	id, err := s.PracticeID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := practiceBytes(t, path)
	dir := filepath.Join(t.TempDir(), "nightly")
	code, out, errOut := runCLI(t, "backup", "--db", path, "--to", dir)
	if code != 0 || !backedUp.MatchString(out) {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	made := backedUp.FindStringSubmatch(out)[1]
	recDir, list, err := practice.RecordedBackups(path, id)
	if err != nil || len(list) != 1 || list[0].Path != made || recDir != dir {
		t.Fatalf("recorded: %q, %v, %v; want %s in %s", recDir, list, err, made, dir)
	}
	if !bytes.Equal(practiceBytes(t, path), before) {
		t.Error("the backup wrote to the practice the app holds")
	}
	// Of another practice, the record is none.
	if _, list, err := practice.RecordedBackups(path, "another"); err != nil || len(list) != 0 {
		t.Errorf("another practice's record gives %v, %v", list, err)
	}
}

// practiceBytes is what the database file and its write-ahead log hold.
func practiceBytes(t *testing.T, path string) []byte {
	t.Helper()
	db, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(path + "-wal") // none is as good as empty
	return append(db, wal...)
}
