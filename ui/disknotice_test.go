package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice/diskcrypt"
	"needlelog.app/needlelog/store/sqlite"
)

// diskWindow is a quiet main window over p that asks status whether each practice's drive is
// encrypted, as the app's window asks the system.
func diskWindow(a fyne.App, p *openedPractice, status func(string) diskcrypt.Result) *mainWindow {
	o := quietWindow()
	o.diskStatus = status
	return newMainWindowIn(a, a.NewWindow("Needlelog"), p, o)
}

// asked is an answer about drives that counts the folders it was asked about.
type asked struct {
	result  diskcrypt.Result
	folders []string
}

func (a *asked) status(path string) diskcrypt.Result {
	a.folders = append(a.folders, path)
	r := a.result
	r.Path = filepath.Dir(path)
	return r
}

var plainDrive = diskcrypt.Result{State: diskcrypt.NotEncrypted, Volume: "/dev/sda2", Why: "the drive /dev/sda2 has no disk encryption"}

// reopen opens the practice at path again for writing.
func reopen(t *testing.T, path string) *openedPractice {
	t.Helper()
	p, err := openPractice(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open %s again: %v", path, err)
	}
	return p
}

func TestAnUnencryptedDriveIsPointedOutUntilDismissedForThatPractice(t *testing.T) {
	a := test.NewTempApp(t)
	first := openTestPractice(t)
	firstPath := first.store.Path()
	drive := &asked{result: plainDrive}
	m := diskWindow(a, first, drive.status)
	defer func() { m.openedPractice.close() }()

	if len(drive.folders) != 1 || drive.folders[0] != firstPath {
		t.Fatalf("opening the practice asked about %q, want its file", drive.folders)
	}
	got := noticesText(m)
	for _, want := range []string{"not encrypted", "the drive /dev/sda2 has no disk encryption", "lost or stolen", "breach you must report"} {
		if !strings.Contains(got, want) {
			t.Fatalf("the notice %q does not say %q", got, want)
		}
	}
	test.Tap(noticeButton(t, m, "How to turn it on"))
	shoot(t, m.win, "disk-how.png")
	if how := overlayText(m.win); !strings.Contains(how, "LUKS") {
		t.Fatalf("How shows %q, not the steps", how)
	}
	m.win.Canvas().Overlays().Top().Hide()
	m.win.Canvas().Overlays().Remove(m.win.Canvas().Overlays().Top())

	test.Tap(noticeButton(t, m, "Don't show again"))
	if got := noticesText(m); strings.Contains(got, "encrypted") {
		t.Fatalf("the notice stays after Don't show again: %q", got)
	}

	// Another practice on the same drive is a practice of its own: its notice shows.
	m.switchTo(openTestPractice(t))
	if got := noticesText(m); !strings.Contains(got, "not encrypted") {
		t.Fatalf("another practice shows no notice: %q", got)
	}

	// The first practice, opened again: it stays away.
	m.switchTo(reopen(t, firstPath))
	if len(drive.folders) != 3 {
		t.Fatalf("asked %d times over three openings", len(drive.folders))
	}
	if got := noticesText(m); strings.Contains(got, "encrypted") {
		t.Fatalf("the dismissed notice is back on reopening the practice: %q", got)
	}

	// The same practice on another drive: asked again.
	drive.result.Volume = "/dev/sdb1"
	m.switchTo(openTestPractice(t))
	m.switchTo(reopen(t, firstPath))
	if got := noticesText(m); !strings.Contains(got, "not encrypted") {
		t.Fatalf("the practice on another drive shows no notice: %q", got)
	}
}

func TestADriveThatCannotBeToldIsPointedOut(t *testing.T) {
	a := test.NewTempApp(t)
	drive := &asked{result: diskcrypt.Result{Why: "it is on a network file system (nfs4): whether its drive is encrypted is for the computer that serves it to say"}}
	m := diskWindow(a, openTestPractice(t), drive.status)
	defer m.openedPractice.close()
	got := noticesText(m)
	for _, want := range []string{"cannot tell whether", "network file system (nfs4)", "lost or stolen"} {
		if !strings.Contains(got, want) {
			t.Fatalf("the notice %q does not say %q", got, want)
		}
	}
	noticeButton(t, m, "Don't show again")
}

func TestAnEncryptedDriveShowsNothing(t *testing.T) {
	a := test.NewTempApp(t)
	drive := &asked{result: diskcrypt.Result{State: diskcrypt.Encrypted, Mechanism: "LUKS", Volume: "/dev/mapper/luks-1f2e"}}
	m := diskWindow(a, openTestPractice(t), drive.status)
	defer m.openedPractice.close()
	if len(drive.folders) != 1 || m.disk.result.State != diskcrypt.Encrypted {
		t.Fatalf("the drive was asked about %d times (%+v)", len(drive.folders), m.disk)
	}
	if got := noticesText(m); strings.Contains(got, "encrypt") {
		t.Fatalf("an encrypted drive has a notice: %q", got)
	}
}

// A practice open read-only is another window's, or a damaged or moved file: its drive is not
// asked about, and nothing is said.
func TestAReadOnlyPracticeIsNotAskedAbout(t *testing.T) {
	a := test.NewTempApp(t)
	p := openTestPractice(t)
	path := p.store.Path()
	p.close()
	ro, err := openPractice(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	drive := &asked{result: plainDrive}
	m := diskWindow(a, ro, drive.status)
	defer m.openedPractice.close()
	if len(drive.folders) != 0 || strings.Contains(noticesText(m), "encrypted") {
		t.Fatalf("a read-only practice: asked %q, notices %q", drive.folders, noticesText(m))
	}
}

// The notice reads at 1280×800 beside the others a new practice has, and leaves the client list
// most of the window.
func TestTheDiskNoticeLeavesRoomForTheList(t *testing.T) {
	a := test.NewTempApp(t)
	p := openTestPractice(t)
	for i := range 12 {
		c := data.Client{FirstName: fmt.Sprintf("Client %d", i+1), LastName: "Example", Fitzpatrick: 2}
		if err := p.store.CreateClient(context.Background(), &c); err != nil {
			t.Fatal(err)
		}
	}
	drive := &asked{result: diskcrypt.Result{State: diskcrypt.NotEncrypted, Volume: "C:", Why: "BitLocker is off for C:"}}
	m := diskWindow(a, p, drive.status)
	defer m.openedPractice.close()
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.backups.load()
	m.showNotices()
	m.win.Resize(fyne.NewSize(1280, 800))
	size := m.win.Canvas().Size()
	m.win.Resize(size.AddWidthHeight(1, 0)) // lays the wrapped notices out at their height
	m.win.Resize(size)
	shoot(t, m.win, "disk-notice.png")
	if h := m.notices.Size().Height; h > 0.25*size.Height {
		t.Errorf("the notices take %.0f of the window's %.0f points", h, size.Height)
	}
	if h := m.body.Size().Height; h < 0.65*size.Height {
		t.Errorf("the client list has %.0f of the window's %.0f points", h, size.Height)
	}
}

// Settings › Database says what was found of the drive, and brings back a notice dismissed for
// good.
func TestSettingsBringsBackTheDriveNotice(t *testing.T) {
	a := test.NewTempApp(t)
	drive := &asked{result: plainDrive}
	m := diskWindow(a, openTestPractice(t), drive.status)
	defer m.openedPractice.close()
	test.Tap(noticeButton(t, m, "Don't show again"))
	if got := noticesText(m); strings.Contains(got, "encrypted") {
		t.Fatalf("the notice stays after Don't show again: %q", got)
	}

	m.openSettingsAt("Database")
	st := m.settings.open
	defer st.win.Close()
	tab := st.tabs.Selected().Content
	if got := texts(tab); !strings.Contains(got, "The drive holding this practice is not encrypted: the drive /dev/sda2 has no disk encryption.") {
		t.Fatalf("Settings › Database does not say what was found of the drive: %q", got)
	}
	again := findButton(t, tab, "Show the notice again")
	if again.Disabled() {
		t.Fatal("Show the notice again is disabled after the notice was dismissed")
	}
	shoot(t, st.win, "settings-disk.png")
	test.Tap(again)
	if got := noticesText(m); !strings.Contains(got, "not encrypted") {
		t.Fatalf("the notice is not back in the window: %q", got)
	}
	if !again.Disabled() {
		t.Error("Show the notice again stays enabled once the notice is back")
	}
	findButton(t, tab, "How to turn it on")
}
