package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// backUpElsewhere backs up the practice at dbPath into dir as the command line does: through a
// store of its own, read-only, while the window has the practice open, on the clock at taken.
func backUpElsewhere(t *testing.T, dbPath, dir string, taken time.Time) ondisk.Backup {
	t.Helper()
	s, err := sqlite.Open(context.Background(), dbPath, sqlite.Options{ReadOnly: true, Now: func() time.Time { return taken }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, _, err := ondisk.BackupTo(context.Background(), s, dir, ondisk.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestABackupIntoAnotherFolderCounts: a backup made by the command line into another folder (a
// nightly script's, to another drive) is the practice's latest backup for the window too.
func TestABackupIntoAnotherFolderCounts(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	newTestClient(t, s)
	setBackupFolder(a, s.Path(), filepath.Join(t.TempDir(), "backups"))
	elsewhere := filepath.Join(t.TempDir(), "nightly")
	taken := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Second)
	b := backUpElsewhere(t, s.Path(), elsewhere, taken)

	m := newMainWindow(a, s)
	st := m.backups.load()
	if st.latest.Path != b.Path {
		t.Fatalf("the latest backup is %q, want the one made into another folder, %q", st.latest.Path, b.Path)
	}
	now := time.Now()
	text, warn := backupSummary(st, now)
	if want := "Backed up " + humanTime(taken, now) + " to " + elsewhere + "."; text != want || warn {
		t.Errorf("the summary says %q (warning %v), want %q", text, warn, want)
	}
	m.showNotices()
	if got := noticesText(m); strings.Contains(got, "No backup") {
		t.Errorf("the notices say %q", got)
	}
}

// TestTheNewestBackupCountsWhereverItIs: an older backup recorded into another folder does not
// hide a newer one in the app's folder, nor the reverse.
func TestTheNewestBackupCountsWhereverItIs(t *testing.T) {
	for _, ownNewer := range []bool{true, false} {
		earlier := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
		later := earlier.Add(time.Hour)
		own, other := later, earlier
		if !ownNewer {
			own, other = earlier, later
		}
		a := test.NewTempApp(t)
		s := sqlitetest.OpenStoreNow(t, func() time.Time { return own })
		newTestClient(t, s)
		dir := filepath.Join(t.TempDir(), "backups")
		setBackupFolder(a, s.Path(), dir)
		m := newMainWindow(a, s)
		mine, err := m.backups.backUp(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// Made last, so that the record names the other folder whichever is newer.
		theirs := backUpElsewhere(t, s.Path(), filepath.Join(t.TempDir(), "nightly"), other)
		want := mine
		if !ownNewer {
			want = theirs
		}
		if st := m.backups.load(); st.latest.Path != want.Path {
			t.Errorf("own backup newer %v: the latest is %q, want %q", ownNewer, st.latest.Path, want.Path)
		}
	}
}
