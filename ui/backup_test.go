package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// noticesText is what the notices across the top of the main window say.
func noticesText(m *mainWindow) string {
	var b strings.Builder
	walk(m.notices, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + " | ")
		}
	})
	return b.String()
}

func noticeButton(t *testing.T, m *mainWindow, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(m.notices, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button in the notices %q", text, noticesText(m))
	}
	return found
}

// backupWindow is a main window over a new practice whose backups go to a folder of the test's.
func backupWindow(t *testing.T) (*mainWindow, string) {
	t.Helper()
	a := test.NewTempApp(t)
	s := openStore(t)
	dir := filepath.Join(t.TempDir(), "backups")
	setBackupFolder(a, s.Path(), dir)
	m := newMainWindow(a, s)
	m.backups.load()
	m.showNotices()
	return m, dir
}

func TestBackUpNowFromTheNotice(t *testing.T) {
	m, dir := backupWindow(t)
	newTestClient(t, m.store)
	if got := noticesText(m); !strings.Contains(got, "No backup of this practice yet.") {
		t.Fatalf("a practice never backed up is not pointed out: %q", got)
	}
	test.Tap(noticeButton(t, m, "Back up now"))

	list, err := backupsOf(dir, m.store.Path())
	if err != nil || len(list) != 1 {
		t.Fatalf("backups after Back up now: %v, %v", list, err)
	}
	b, err := sqlite.Open(context.Background(), list[0].Path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer b.Close()
	counts, err := b.Counts(context.Background())
	if err != nil || counts["clients"] != 1 {
		t.Fatalf("the backup holds %v clients (%v), want the one saved", counts["clients"], err)
	}
	if got := noticesText(m); got != "" {
		t.Fatalf("notices after a fresh backup: %q", got)
	}
	if !strings.HasPrefix(m.status.Text, "Backed up just now") {
		t.Fatalf("status line %q does not say when the backup was made", m.status.Text)
	}
}

func TestAnOldBackupIsPointedOut(t *testing.T) {
	m, _ := backupWindow(t)
	if _, err := m.backups.backUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.now = func() time.Time { return time.Now().Add(4 * 24 * time.Hour) }
	m.showNotices()
	if got := noticesText(m); !strings.Contains(got, "The latest backup was made ") || !strings.Contains(got, "back up now") {
		t.Fatalf("a four-day-old backup is not pointed out: %q", got)
	}
	noticeButton(t, m, "Back up now")
}

func TestClosingBacksUpWhatChanged(t *testing.T) {
	m, dir := backupWindow(t)
	m.autoBackup = true
	closed := 0
	m.win.SetOnClosed(func() { closed++ })

	m.closeWindow()
	list, _ := backupsOf(dir, m.store.Path())
	if closed != 1 || len(list) != 1 {
		t.Fatalf("closing a practice never backed up: closed %d, %d backups", closed, len(list))
	}

	// Unchanged since: closing again makes no second copy.
	m2 := newMainWindowWith(m.app, &openedPractice{store: m.store}, false)
	m2.autoBackup = true
	m2.backups.load()
	m2.quit()
	if again, _ := backupsOf(dir, m.store.Path()); len(again) != 1 {
		t.Fatalf("closing an unchanged practice made another backup: %d", len(again))
	}
}

// Opening a practice and only reading it needs no backup on close, though SQLite writes its
// files when it opens and closes them; a change does, as do changes an earlier run left unbacked.
func TestOnlyChangesNeedABackup(t *testing.T) {
	test.NewTempApp(t)
	path := practiceFile(t)
	dir := t.TempDir()
	open := func() *backupKeeper {
		t.Helper()
		s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		setBackupFolder(fyne.CurrentApp(), path, dir)
		k := newBackupKeeper(fyne.CurrentApp(), s)
		k.load()
		return k
	}
	k := open()
	if !k.neededOnClose() || !k.due() {
		t.Fatal("a practice never backed up is not due for a backup")
	}
	if _, err := k.backUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if k.neededOnClose() || k.due() {
		t.Fatal("a practice just backed up is due again")
	}
	if _, err := k.store.ListClients(context.Background(), data.ClientQuery{}); err != nil {
		t.Fatal(err)
	}
	k.store.Close()

	// Opened again and only read: nothing to back up.
	k = open()
	if _, err := k.store.ListClients(context.Background(), data.ClientQuery{}); err != nil {
		t.Fatal(err)
	}
	if k.neededOnClose() {
		t.Fatal("a practice opened and only read is backed up on close")
	}
	newTestClient(t, k.store)
	if !k.neededOnClose() {
		t.Fatal("a practice with a new client is not backed up on close")
	}
	k.store.Close()

	// A change the last run left without a backup (it was killed, say) is noticed on opening.
	k = open()
	if !k.neededOnClose() {
		t.Fatal("a change an earlier run left without a backup is not backed up on close")
	}
}

func TestAFailedBackupOnCloseLetsThePractitionerStay(t *testing.T) {
	m, _ := backupWindow(t)
	m.autoBackup = true
	// A file where the backup folder should be: no backup can be made there.
	blocked := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocked, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	setBackupFolder(m.app, m.store.Path(), blocked)
	closed := false
	m.win.SetOnClosed(func() { closed = true })

	m.closeWindow()
	if closed {
		t.Fatal("the window closed although its backup failed, without asking")
	}
	if got := overlayText(m.win); !strings.Contains(got, "The backup could not be made") || !strings.Contains(got, "the backup folder") ||
		!strings.Contains(got, "Settings › Database") {
		t.Fatalf("a failed backup on close says %q", got)
	}
	test.Tap(overlayButton(t, m.win, "Stay"))
	if closed {
		t.Fatal("Stay closed the window")
	}
	// Closing again asks again, and can close without the backup.
	m.closeWindow()
	test.Tap(overlayButton(t, m.win, "Close without a backup"))
	if !closed {
		t.Fatal("Close without a backup left the window open")
	}
	if got := noticesText(m); !strings.Contains(got, "backup") {
		t.Fatalf("the failed backup is not in the notices: %q", got)
	}
}

func TestSettingsShowTheBackupsAndMakeOne(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	dir := filepath.Join(t.TempDir(), "elsewhere")
	setBackupFolder(a, s.Path(), dir)
	w := newSettingsWindow(a, s, settingsLinks{})
	if !strings.Contains(w.backupStatus.Text, "No backup") || !strings.Contains(w.backupDir.Text, dir) {
		t.Fatalf("Settings say %q, %q", w.backupStatus.Text, w.backupDir.Text)
	}
	test.Tap(w.backupNow)
	if list, _ := backupsOf(dir, s.Path()); len(list) != 1 {
		t.Fatalf("%d backups after Back up now in Settings", len(list))
	}
	if !strings.HasPrefix(w.backupStatus.Text, "Backed up just now") {
		t.Fatalf("Settings say %q after a backup", w.backupStatus.Text)
	}

	// Another folder, empty: a backup goes there at once.
	usb := filepath.Join(t.TempDir(), "usb")
	w.useBackupFolder(a, usb)
	if list, _ := backupsOf(usb, s.Path()); len(list) != 1 || !strings.Contains(w.backupDir.Text, usb) ||
		!strings.HasPrefix(w.backupStatus.Text, "Backed up just now") {
		t.Fatalf("after choosing an empty folder: %d backups there, Settings say %q, %q", len(list), w.backupDir.Text, w.backupStatus.Text)
	}
}

func TestHumanTime(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.Local)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 12, 1, 8, 59, 30, 0, time.Local), "just now"},
		{time.Date(2026, 12, 1, 8, 30, 0, 0, time.Local), "today at 08:30"},
		{time.Date(2026, 11, 30, 18, 2, 0, 0, time.Local), "yesterday at 18:02"},
		{time.Date(2026, 11, 3, 17, 45, 0, 0, time.Local), "on 3 Nov 2026 at 17:45"},
	} {
		if got := humanTime(c.t, now); got != c.want {
			t.Errorf("humanTime(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

// The chosen folder is found however the practice's path is spelled: relative on the command
// line, absolute in Settings.
func TestTheBackupFolderFollowsThePracticeNotItsSpelling(t *testing.T) {
	a := test.NewTempApp(t)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	setBackupFolder(a, filepath.Join(wd, "practice.db"), "/media/usb/backups")
	if dir, err := backupFolder(a, "practice.db"); err != nil || dir != "/media/usb/backups" {
		t.Fatalf("the practice named relatively is backed up in %s (%v)", dir, err)
	}
	if dir, _ := backupFolder(a, filepath.Join(wd, "other.db")); dir == "/media/usb/backups" {
		t.Fatal("another practice shares the chosen folder")
	}
}

// A notice that goes away gives its room back to the records at once.
func TestADismissedNoticeGivesItsRoomBack(t *testing.T) {
	test.NewTempApp(t)
	m := newMainWindow(fyne.CurrentApp(), openStore(t))
	m.win.Resize(fyne.NewSize(1280, 800))
	without := m.body.Position().Y
	m.notice = "Restored from the backup made today at 08:30."
	m.showNotices()
	with := m.body.Position().Y
	if with <= without {
		t.Fatalf("the records stay at %v under a notice (%v without)", with, without)
	}
	test.Tap(noticeButton(t, m, "Dismiss"))
	if got := m.body.Position().Y; got != without {
		t.Fatalf("after the notice is dismissed the records start at %v, want %v", got, without)
	}
}

// A backup whose audit log is as long as the practice's but ends differently lacks its changes:
// an older backup was restored and then changed, say.
func TestABackupOfAnotherHistoryIsNoBackup(t *testing.T) {
	a := test.NewTempApp(t)
	ctx := context.Background()
	path := practiceFile(t)
	dir := t.TempDir()
	setBackupFolder(a, path, dir)
	older := filepath.Join(t.TempDir(), "older.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ondisk.Snapshot(ctx, s, older); err != nil {
		t.Fatal(err)
	}
	newTestClient(t, s)
	if _, _, err := ondisk.BackupTo(ctx, s, dir, ondisk.DefaultRetention); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := ondisk.RestoreFrom(ctx, older, path, true); err != nil {
		t.Fatal(err)
	}
	if s, err = sqlite.Open(ctx, path, sqlite.Options{}); err != nil {
		t.Fatal(err)
	}
	newTestClient(t, s) // as many changes as the backup holds, but others
	s.Close()

	if s, err = sqlite.Open(ctx, path, sqlite.Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k := newBackupKeeper(a, s)
	k.load()
	if !k.neededOnClose() {
		t.Fatal("a practice whose changes the latest backup lacks is not backed up on close")
	}
}

// A backup on closing that cannot start (another one holds the folder, a drive that hangs) can
// be skipped, and the window closes at once.
func TestASlowBackupOnCloseCanBeSkipped(t *testing.T) {
	m, dir := backupWindow(t)
	m.autoBackup = true
	closed := make(chan struct{})
	m.win.SetOnClosed(func() { close(closed) })
	// Work off the test's goroutine for once, as in the app: the backup waits for the lock.
	defer func(b func(func())) { background = b }(background)
	finished := make(chan struct{})
	background = func(work func()) { go func() { defer close(finished); work() }() }

	m.backups.mu.Lock() // a backup under way
	m.quit()
	test.Tap(overlayButton(t, m.win, "Skip this backup"))
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("skipping the backup did not close the window")
	}
	m.backups.mu.Unlock()
	<-finished
	if list, _ := backupsOf(dir, m.store.Path()); len(list) != 0 {
		t.Fatalf("the skipped backup was made after all: %d", len(list))
	}
}

// TestAnotherPracticesBackupsAreNotThisOnes: two practices whose files are both practice.db back up
// into one folder. The status line of one does not count the other's backup, and when the one is
// damaged, the other's backup is not offered to restore over it.
func TestAnotherPracticesBackupsAreNotThisOnes(t *testing.T) {
	a := test.NewTempApp(t)
	mine, theirs := practiceFile(t), practiceFile(t)
	dir := filepath.Join(t.TempDir(), "backups")
	setBackupFolder(a, mine, dir)
	setBackupFolder(a, theirs, dir)
	other, err := sqlite.Open(context.Background(), theirs, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ondisk.BackupTo(context.Background(), other, dir, ondisk.DefaultRetention); err != nil {
		t.Fatal(err)
	}
	other.Close()

	s, err := sqlite.Open(context.Background(), mine, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := newMainWindow(a, s)
	if st := m.backups.load(); st.latest.Path != "" {
		t.Errorf("the other practice's backup %s counts as this one's", st.latest.Path)
	}
	m.showNotices()
	if got := noticesText(m); !strings.Contains(got, "No backup of this practice yet.") {
		t.Errorf("the notices say %q", got)
	}
	s.Close()

	damage(t, mine)
	_, err = openPractice(context.Background(), mine, sqlite.Options{})
	if !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("opening a damaged file: %v, want ErrDamaged", err)
	}
	w := test.NewTempWindow(t, nil)
	askHowToOpen(a, w, mine, err, func(*openedPractice) {}, "Quit", func() {})
	if got := overlayText(w); strings.Contains(got, "latest good backup") || !strings.Contains(got, "No backup of this practice was found") {
		t.Errorf("the damaged-file window offers another practice's backup: %q", got)
	}
}
