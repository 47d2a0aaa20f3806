package ui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// practiceFile makes a practice file with one client and closes it.
func practiceFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	newTestClient(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestASecondWindowIsOfferedTheFirstOrReadOnly(t *testing.T) {
	a := test.NewTempApp(t)
	path := practiceFile(t)
	first, err := openPractice(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.store.Close()
	defer first.claim.Release()
	knocked := make(chan struct{}, 1)
	first.claim.OnKnock(func() { knocked <- struct{}{} })

	_, err = openPractice(context.Background(), path, sqlite.Options{})
	if !errors.Is(err, data.ErrInUse) {
		t.Fatalf("a second open for writing: %v, want ErrInUse", err)
	}
	w := test.NewTempWindow(t, nil)
	opened := &openedPractice{}
	cancelled := 0
	askHowToOpen(a, w, path, err, func(p *openedPractice) { opened = p }, "Quit", func() { cancelled++ })
	if got := overlayText(w); !strings.Contains(got, "already open") {
		t.Fatalf("the second window says %q", got)
	}
	test.Tap(overlayButton(t, w, "Show that window"))
	select {
	case <-knocked:
	case <-time.After(10 * time.Second):
		t.Fatal("the first window was not asked to come forward")
	}
	if cancelled != 1 {
		t.Fatalf("after bringing the first window forward the second did not leave (%d)", cancelled)
	}

	askHowToOpen(a, w, path, err, func(p *openedPractice) { opened = p }, "Quit", func() { cancelled++ })
	test.Tap(overlayButton(t, w, "Open read-only here"))
	if opened.store == nil || !opened.store.ReadOnly() || opened.claim != nil {
		t.Fatalf("Open read-only gave %+v", opened)
	}
	m := newMainWindowWith(a, opened, false)
	if got := noticesText(m); !strings.Contains(got, "Open read-only") || !strings.Contains(got, "Another Needlelog window has this practice open") {
		t.Fatalf("a read-only window does not say so, and why: %q", got)
	}
	if got := noticesText(m); strings.Contains(got, "Back up now") {
		t.Fatalf("a read-only window offers to back up: %q", got)
	}

	// Once the first window has closed, the second can take the practice over for writing.
	first.store.Close()
	first.claim.Release()
	test.Tap(noticeButton(t, m, "Open for writing"))
	if m.store.ReadOnly() || m.claim == nil {
		t.Fatalf("Open for writing left the window read-only (claim %v)", m.claim)
	}
	t.Cleanup(m.stopped)
	if got := noticesText(m); strings.Contains(got, "Open read-only") {
		t.Fatalf("the window still says it is read-only: %q", got)
	}
}

// damage overwrites the middle of the file's middle pages, where the records are, with noise: a
// single page could be one SQLite keeps free, which no check reads.
func damage(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	pages := len(b) / page
	if pages < 6 {
		t.Fatalf("%s is too small to damage its data pages (%d bytes)", path, len(b))
	}
	for p := pages / 3; p < 2*pages/3; p++ {
		for i := p*page + 8; i < p*page+page/2; i++ {
			b[i] = byte(i*31 + 7)
		}
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestADamagedFileIsRestoredFromTheLatestBackup(t *testing.T) {
	a := test.NewTempApp(t)
	path := practiceFile(t)
	dir := filepath.Join(t.TempDir(), "backups")
	setBackupFolder(a, path, dir)
	// Yesterday's backup, then today's; only the newest of a day is kept.
	yesterday := func() time.Time { return time.Now().Add(-24 * time.Hour) }
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: yesterday})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ondisk.BackupTo(context.Background(), s, dir, ondisk.DefaultRetention); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = sqlite.Open(context.Background(), path, sqlite.Options{}); err != nil {
		t.Fatal(err)
	}
	// Today's is itself damaged: it is refused, and yesterday's offered.
	bad, _, err := ondisk.BackupTo(context.Background(), s, dir, ondisk.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	damage(t, bad.Path)
	s.Close()
	damage(t, path)
	damaged, _ := os.ReadFile(path)

	_, err = openPractice(context.Background(), path, sqlite.Options{})
	if !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("opening a damaged file: %v, want ErrDamaged", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, damaged) {
		t.Fatal("opening the damaged file changed it")
	}
	w := test.NewTempWindow(t, nil)
	opened := &openedPractice{}
	askHowToOpen(a, w, path, err, func(p *openedPractice) { opened = p }, "Quit", func() {})
	got := overlayText(w)
	for _, want := range []string{"damaged", "has moved nothing", "latest good backup"} {
		if !strings.Contains(got, want) {
			t.Fatalf("the damaged-file window does not say %q: %q", want, got)
		}
	}
	if !strings.Contains(got, "made just now") {
		t.Fatalf("the newest backup, %s, is not offered first: %q", bad.Path, got)
	}
	test.Tap(overlayButton(t, w, "Restore that backup…"))
	test.Tap(overlayButton(t, w, "Restore"))
	// The test window is narrow: its labels wrap inside words, so spaces are left out.
	if got := strings.ReplaceAll(overlayText(w), " ", ""); !strings.Contains(got, "cannotberestored:itisdamagedtoo") || opened.store != nil {
		t.Fatalf("restoring a damaged backup says %q", got)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, damaged) {
		t.Fatal("restoring a damaged backup changed the practice file")
	}
	test.Tap(overlayButton(t, w, "OK"))
	if got := overlayText(w); !strings.Contains(got, "latest good backup was made yesterday") {
		t.Fatalf("after the damaged backup the window offers %q", got)
	}
	test.Tap(overlayButton(t, w, "Restore that backup…"))
	test.Tap(overlayButton(t, w, "Restore"))
	if opened.store == nil {
		t.Fatalf("no practice opened after the restore; the window says %q", overlayText(w))
	}
	defer opened.store.Close()
	defer opened.claim.Release()
	if n := clientCount(t, opened.store); n != 1 {
		t.Fatalf("the restored practice holds %d clients, want 1", n)
	}
	if !strings.Contains(opened.notice, "Restored from the backup made") || !strings.Contains(opened.notice, "kept as") {
		t.Fatalf("the restore is not explained: %q", opened.notice)
	}
	aside := opened.notice[strings.Index(opened.notice, "kept as ")+len("kept as "):]
	aside = strings.TrimSuffix(aside, ".")
	if kept, err := os.ReadFile(aside); err != nil || !bytes.Equal(kept, damaged) {
		t.Fatalf("the damaged file was not kept aside as it was (%s): %v", aside, err)
	}
}

func TestAMissingFileIsNotCreatedUnasked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "typo.db")
	if _, err := openPractice(context.Background(), path, sqlite.Options{}); !errors.Is(err, data.ErrMissing) {
		t.Fatalf("opening a missing file: %v, want ErrMissing", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 0 {
		t.Fatalf("opening a missing file left %d files behind", len(entries))
	}
}

// Start opens a sound practice in the main window; a practice it cannot open is said in the
// window that was waiting for it, and the caller hears of the failure for its exit code.
func TestStart(t *testing.T) {
	a := test.NewTempApp(t)
	path := practiceFile(t)
	var failed []error
	start(context.Background(), a, path, Options{}, func(err error) { failed = append(failed, err) }, quietWindow())
	var titles []string
	for _, w := range a.Driver().AllWindows() {
		titles = append(titles, w.Title())
	}
	if len(failed) != 0 || !slices.ContainsFunc(titles, func(s string) bool { return strings.Contains(s, "practice.db") }) {
		t.Fatalf("a sound practice: failures %v, windows %q", failed, titles)
	}
	// The app stopping closes the practice and gives up its claim.
	t.Cleanup(func() { a.Lifecycle().(interface{ OnStopped() func() }).OnStopped()() })

	// A second start on the same file: the first has it.
	start(context.Background(), a, path, Options{}, func(err error) { failed = append(failed, err) }, quietWindow())
	if len(failed) != 1 || !errors.Is(failed[0], data.ErrInUse) {
		t.Fatalf("a second start: failures %v", failed)
	}
	var said string
	for _, w := range a.Driver().AllWindows() {
		if w.Title() == "Needlelog" && w.Canvas().Overlays().Top() != nil {
			said = overlayText(w)
		}
	}
	if !strings.Contains(said, "already open") || !strings.Contains(said, "Open read-only here") {
		t.Fatalf("the second start says %q", said)
	}
}

// A file that is not a practice, and one from a newer Needlelog, are said in a sentence and left
// as they were.
func TestStartOnAFileItCannotUse(t *testing.T) {
	a := test.NewTempApp(t)
	newer := practiceFile(t)
	sqlitetest.MarkNewer(t, newer)
	notDB := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(notDB, []byte("Client list, typed in a hurry\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{notDB: "is not a Needlelog database", newer: "written by a newer version of Needlelog"} {
		before, _ := os.ReadFile(path)
		var failed error
		start(context.Background(), a, path, Options{}, func(err error) { failed = err }, quietWindow())
		var said string
		for _, w := range a.Driver().AllWindows() {
			if w.Canvas().Overlays().Top() != nil {
				said = strings.ReplaceAll(overlayText(w), "\n", " ")
				w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
			}
		}
		if failed == nil || !strings.Contains(said, want) {
			t.Errorf("%s: failed with %v, the window says %q", filepath.Base(path), failed, said)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Errorf("%s was changed by trying to open it", filepath.Base(path))
		}
	}
}

// A practice open read-only offers nothing that changes it: no one types a session that cannot
// be saved.
func TestAReadOnlyWindowOffersOnlyWhatReads(t *testing.T) {
	a := test.NewTempApp(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "practice.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, s)
	se := data.Session{ClientID: c.ID, StartedAt: s.Now().Add(-time.Hour), NoSideEffects: true}
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })

	m := newMainWindowWith(a, &openedPractice{store: ro, readOnlyWhy: "Another Needlelog window has this practice open for writing."}, false)
	if err := m.page.update(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	walk(m.page.content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Visible() && slices.Contains([]string{"New session", "Edit profile", "Log side effect"}, b.Text) {
			t.Errorf("the read-only client page offers %q", b.Text)
		}
	})
	for _, menu := range m.win.MainMenu().Items {
		for _, it := range menu.Items {
			changes := slices.Contains([]string{"New client…", "Edit profile…", "Archive client…", "Delete client…", "New session",
				"Import clients from CSV…", "My passphrase…", "Move practice…"}, it.Label)
			if changes && !it.Disabled || !changes && it.Disabled && it.Label != "Open recent" { // none yet
				t.Errorf("menu item %q: disabled %v in a read-only window", it.Label, it.Disabled)
			}
		}
	}

	e, _ := openEditor(t, ro, c, se.ID, nil)
	if e.saveBtn.Visible() || e.signBtn.Visible() || !strings.Contains(e.status.Text, "read-only") {
		t.Fatalf("the read-only session: Save shown %v, Sign shown %v, status %q", e.saveBtn.Visible(), e.signBtn.Visible(), e.status.Text)
	}
}

func TestAMissingPracticeFileCanBeCreatedWhereItWasAskedFor(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "new.db")
	_, err := openPractice(context.Background(), path, sqlite.Options{})
	if !errors.Is(err, data.ErrMissing) {
		t.Fatalf("opening a path with no file: %v, want ErrMissing", err)
	}
	w := test.NewTempWindow(t, nil)
	opened := &openedPractice{}
	quit := 0
	askHowToOpen(a, w, path, err, func(p *openedPractice) { opened = p }, "Quit", func() { quit++ })
	overlayButton(t, w, "Quit") // still offered beside it
	test.Tap(overlayButton(t, w, "Create a new practice here"))
	if opened.store == nil || opened.store.ReadOnly() || opened.claim == nil {
		t.Fatalf("Create a new practice here gave %+v", opened)
	}
	opened.close()
	if quit != 0 {
		t.Fatalf("creating the practice also quit (%d)", quit)
	}
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("the new practice does not open as an existing one: %v", err)
	}
	s.Close()
}
