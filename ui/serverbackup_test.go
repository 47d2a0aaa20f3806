package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
)

// followServerBackups makes the window's reading of the backup recorded on the server say when
// it is done: it runs off the UI goroutine, as in the app.
func followServerBackups(t *testing.T, m *mainWindow) <-chan struct{} {
	t.Helper()
	if m.serverBackups == nil {
		t.Fatal("the server practice's window follows no backup record")
	}
	read := make(chan struct{}, 10)
	shown := m.serverBackups.onChange
	m.serverBackups.onChange = func() {
		shown()
		read <- struct{}{}
	}
	return read
}

func awaitRead(t *testing.T, read <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-read:
	case <-time.After(10 * time.Second):
		t.Fatalf("the window did not read %s within 10 s", what)
	}
}

// The status line of a practice on the clinic's server says what is recorded there: no backup
// yet (with a notice, and no Back up now: this PC makes none), then, once another PC's
// needlelog backup lands and the server says a setting changed, when, on which PC and where,
// and the overdue warning once backups stop.
func TestServerStatusLineSaysTheBackupRecordedOnTheServer(t *testing.T) {
	a := test.NewTempApp(t)
	old := liveDelay
	liveDelay = 0
	t.Cleanup(func() { liveDelay = old })
	addr := testkit.Postgres(t)
	here := openServerTestPractice(t, addr)
	relay := newFakeWatcher()
	here.watcher = relay
	there := secondPC(t, addr)
	ctx := context.Background()

	m := newMainWindowWith(a, here, false)
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	read := followServerBackups(t, m)
	now := time.Now()
	m.now = func() time.Time { return now }
	m.serverBackups.start(ctx) // as the app's window does when it shows the practice
	awaitRead(t, read, "the record before any backup")
	const none = "No backup of this practice yet: make one every night with needlelog backup --db … on one PC"
	if m.status.Text != none {
		t.Errorf("before any backup the status line says %q", m.status.Text)
	}
	if shown := texts(m.notices); !strings.Contains(shown, "No backup of this practice yet") || strings.Contains(shown, "Back up now") {
		t.Errorf("before any backup the notices say %q", shown)
	}
	if strings.Contains(m.status.Text, "backed up by") {
		t.Errorf("the status line claims backups: %q", m.status.Text)
	}
	shootStatus(t, m, "server-status-none.png")

	// needlelog backup on the other PC, as the command runs it.
	dir := filepath.Join(t.TempDir(), "Needlelog-backups")
	b, _, err := ondisk.BackupServerEncryptedTo(ctx, there.store.(ondisk.CopyStore), "needlelog", dir, ondisk.DefaultRetention, ondisk.BackupEncryption{})
	if err != nil {
		t.Fatal(err)
	}
	now = b.Taken.Add(5 * time.Minute)
	relay.say(nlstore.Change{Kind: "setting"})
	awaitRead(t, read, "the backup recorded by the other PC")
	host, _ := os.Hostname()
	want := "Backed up " + humanTime(b.Taken, now) + " on " + host + " to " + dir + "."
	if m.status.Text != want || !strings.Contains(want, "today at ") {
		t.Errorf("after the other PC's backup the status line says %q, not %q", m.status.Text, want)
	}
	if shown := texts(m.notices); strings.Contains(shown, "backup") {
		t.Errorf("a recent backup still has a notice: %q", shown)
	}
	shootStatus(t, m, "server-status-backed-up.png")

	// Backups stop: four days later, the window's clock alone brings the warning.
	now = b.Taken.Add(4 * 24 * time.Hour)
	m.tick()
	if !strings.HasPrefix(m.status.Text, "The latest backup was made on ") ||
		!strings.HasSuffix(m.status.Text, " on "+host+" to "+dir+": check needlelog backup on "+host+".") {
		t.Errorf("four days after the latest backup the status line says %q", m.status.Text)
	}
	if shown := texts(m.notices); !strings.Contains(shown, "The latest backup was made") || strings.Contains(shown, "Back up now") {
		t.Errorf("an overdue backup's notices say %q", shown)
	}
	shootStatus(t, m, "server-status-overdue.png")

	// The server is lost while a backup to another folder is recorded: once it is back, the
	// window reads the record again.
	relay.say(nlstore.Change{Lost: true})
	usb := filepath.Join(t.TempDir(), "usb")
	b2, _, err := ondisk.BackupServerEncryptedTo(ctx, there.store.(ondisk.CopyStore), "needlelog", usb, ondisk.DefaultRetention, ondisk.BackupEncryption{})
	if err != nil {
		t.Fatal(err)
	}
	now = b2.Taken.Add(time.Minute)
	relay.say(nlstore.Change{All: true})
	awaitRead(t, read, "the backup recorded while the server was lost")
	if want := "Backed up " + humanTime(b2.Taken, now) + " on " + host + " to " + usb + "."; m.status.Text != want {
		t.Errorf("once the server is back the status line says %q, not %q", m.status.Text, want)
	}

	// Settings › Database says the latest backup too.
	sw := m.settings.show(a, m.store, settingsLinks{tab: "Database"})
	waitForText(t, sw, "Backed up ")
	if text := allText(sw.Content()); !strings.Contains(text, " on "+host+" to "+usb+".") || !strings.Contains(text, "needlelog backup --db ADDRESS") {
		t.Errorf("Settings › Database says:\n%s", text)
	}
	sw.Resize(fyne.NewSize(1000, 680))
	shoot(t, sw, "server-settings-database-backup.png")
}

// waitForText waits for a window's content to say want: Settings reads off the UI goroutine.
func waitForText(t *testing.T, w fyne.Window, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var text string
		fyne.DoAndWait(func() { text = allText(w.Content()) })
		if strings.Contains(text, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window does not say %q:\n%s", want, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shootStatus captures the main window at 1280×800, when NEEDLELOG_SHOT_DIR asks for pictures.
func shootStatus(t *testing.T, m *mainWindow, name string) {
	t.Helper()
	m.win.Resize(fyne.NewSize(1280, 800))
	shoot(t, m.win, name)
}
