package practice_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// TestTheLatestBackupIsRecordedBesideThePractice: each backup records its folder beside the
// practice, the latest one winning; a record of another practice, or one that is not a record,
// counts as none.
func TestTheLatestBackupIsRecordedBesideThePractice(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	id, err := s.PracticeID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if dir, list, err := practice.RecordedBackups(s.Path(), id); dir != "" || len(list) != 0 || err != nil {
		t.Fatalf("a practice never backed up has a record: %q, %v, %v", dir, list, err)
	}
	for _, name := range []string{"first", "second"} {
		dir := filepath.Join(t.TempDir(), name)
		b, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
		if err != nil {
			t.Fatal(err)
		}
		got, list, err := practice.RecordedBackups(s.Path(), id)
		if err != nil || got != dir || len(list) != 1 || list[0].Path != b.Path {
			t.Errorf("after a backup into %s, the record leads to %q, %v, %v", dir, got, list, err)
		}
	}
	if _, list, _ := practice.RecordedBackups(s.Path(), "0123456789abcdef"); len(list) != 0 {
		t.Errorf("another practice's record counts: %v", list)
	}
	if err := os.WriteFile(s.Path()+practice.BackupRecordSuffix, []byte("{not a record"), 0o600); err != nil {
		t.Fatal(err)
	}
	if dir, list, err := practice.RecordedBackups(s.Path(), id); dir != "" || len(list) != 0 || err != nil {
		t.Errorf("a damaged record counts: %q, %v, %v", dir, list, err)
	}
}

// TestABackupFolderThatIsAFileIsSaidSo: a backup into a file, or into a folder under a file, says
// which file, in a sentence, with the file system's error underneath.
func TestABackupFolderThatIsAFileIsSaidSo(t *testing.T) {
	s, _ := sqlitetest.OpenStore(t)
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{file, filepath.Join(file, "backups")} {
		_, _, err := practice.BackupTo(context.Background(), s, dir, practice.DefaultRetention)
		var pe *fs.PathError
		if err == nil || !strings.HasSuffix(err.Error(), " is a file, not a folder: choose a folder for the backups") ||
			!strings.Contains(err.Error(), "notes.txt") || !errors.As(err, &pe) {
			t.Errorf("a backup into %s: %v", dir, err)
		}
	}
}

// A moved practice keeps the record of its latest backup, so its window still counts the
// backups made into another folder.
func TestAMovedPracticeKeepsItsBackupRecord(t *testing.T) {
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	id, err := s.PracticeID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "E drive backups")
	b, _, err := practice.BackupTo(ctx, s, dir, practice.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := practice.PlanMove(ctx, s, filepath.Join(t.TempDir(), "New PC"))
	if err != nil {
		t.Fatal(err)
	}
	moved, err := practice.Move(ctx, s, plan, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, list, err := practice.RecordedBackups(moved.DB, id)
	if err != nil || got != dir || len(list) != 1 || list[0].Path != b.Path {
		t.Fatalf("the moved practice's record leads to %q, %v, %v; want the backup in %s", got, list, err, dir)
	}
}
