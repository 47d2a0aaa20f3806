package practice_test

import (
	"context"
	"testing"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/postgres"
)

// What the server holds under the backup record's setting counts only when it is a whole record
// of this practice: another practice's (copied in with its settings), one without its folder or
// time, or words that are no record at all are as if there were none, never a backup.
func TestServerBackupRecordOfAnotherPracticeIsNone(t *testing.T) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, testkit.Postgres(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, err := s.PracticeID(ctx)
	if err != nil || id == "" {
		t.Fatalf("the practice's identity: %q (%v)", id, err)
	}
	for _, value := range []string{
		`{"practice":"another-practice","taken":"2026-12-01T02:00:00Z","folder":"D:\\Needlelog-backups","file":"n.db","host":"FRONTDESK"}`,
		`{"practice":"` + id + `","taken":"2026-12-01T02:00:00Z","folder":"","file":"n.db","host":"FRONTDESK"}`,
		`{"practice":"` + id + `","folder":"D:\\Needlelog-backups","file":"n.db","host":"FRONTDESK"}`,
		`backed up`,
	} {
		if err := s.SetSetting(ctx, practice.SettingServerBackup, value); err != nil {
			t.Fatal(err)
		}
		if b, ok, err := practice.LatestServerBackup(ctx, s); ok || err != nil {
			t.Errorf("%s reads as a backup: %+v (%v)", value, b, err)
		}
	}
	whole := `{"practice":"` + id + `","taken":"2026-12-01T02:00:00Z","folder":"D:\\Needlelog-backups","file":"n.db","host":"FRONTDESK"}`
	if err := s.SetSetting(ctx, practice.SettingServerBackup, whole); err != nil {
		t.Fatal(err)
	}
	b, ok, err := practice.LatestServerBackup(ctx, s)
	if !ok || err != nil || b.Host != "FRONTDESK" || b.Folder != `D:\Needlelog-backups` || b.File != "n.db" || b.Taken.Format("2006-01-02 15:04") != "2026-12-01 02:00" {
		t.Errorf("a whole record reads as %+v, %v (%v)", b, ok, err)
	}
}
