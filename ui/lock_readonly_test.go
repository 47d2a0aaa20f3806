package ui

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// lockedReadOnlyPractice is a practice on disk where Anna has a passphrase and Zoë is a client,
// opened read-only, as a second window opens it, in a main window that starts locked.
func lockedReadOnlyPractice(t *testing.T) (fyne.App, *mainWindow, *sqlite.Store, string) {
	t.Helper()
	a := test.NewTempApp(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	newTestClient(t, s)
	anna := data.Practitioner{Name: "Anna Smith", Role: data.RoleAdmin}
	if err := s.SavePractitioner(ctx, &anna); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassphrase(ctx, anna.ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	m := newMainWindowWith(a, &openedPractice{store: ro, readOnlyWhy: "Another Needlelog window has this practice open for writing."}, false)
	if !m.lock.locked() {
		t.Fatal("a practice with a passphrase did not open locked")
	}
	return a, m, ro, path
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// In a window that opened the practice read-only, the passphrase is checked without writing:
// the practitioner signs in and reads the records, and the file is as it was.
func TestReadOnlyWindowSignsInWithoutWriting(t *testing.T) {
	_, m, ro, path := lockedReadOnlyPractice(t)
	ctx := context.Background()
	head, err := ro.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum := fileSum(t, path)

	shows := func() string { return texts(m.win.Canvas().Content()) }
	test.Tap(lockButtonIn(t, m.win.Canvas().Content(), "Anna Smith"))
	enter(m.lock.screen.pass, "correct hose")
	if !m.lock.locked() || !strings.Contains(shows(), "That passphrase is not right for Anna Smith.") {
		t.Fatalf("a wrong passphrase in a read-only window: locked %v, %s", m.lock.locked(), shows())
	}
	enter(m.lock.screen.pass, "correct horse")
	if m.lock.locked() {
		t.Fatalf("the right passphrase did not sign in to a read-only window: %s", shows())
	}
	if got := m.lock.signedIn().Name; got != "Anna Smith" {
		t.Errorf("signed in as %q", got)
	}
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	var names []string
	walk(m.list.content(), func(o fyne.CanvasObject) { names = append(names, texts(o)) })
	if !slices.ContainsFunc(names, func(s string) bool { return strings.Contains(s, "Ångström") }) {
		t.Errorf("the client list does not show the practice's client: %s", shows())
	}
	if after, err := ro.AuditHead(ctx); err != nil || after != head {
		t.Errorf("signing in to a read-only window moved the audit log: %+v, now %+v (%v)", head, after, err)
	}
	if fileSum(t, path) != sum {
		t.Error("signing in to a read-only window changed the practice's file")
	}
}

// The lock hides the menu, and with it File › Quit: the lock screen still lets the practitioner
// leave, with Ctrl+Q in its passphrase field and with a Quit button.
func TestLockedWindowCanBeClosed(t *testing.T) {
	for _, how := range []string{"Ctrl+Q", "Quit"} {
		t.Run(how, func(t *testing.T) {
			a, m, _, _ := lockedReadOnlyPractice(t)
			test.Tap(lockButtonIn(t, m.win.Canvas().Content(), "Anna Smith"))
			capture(t, m.win, "locked read-only")
			if how == "Ctrl+Q" {
				focused, ok := m.win.Canvas().Focused().(fyne.Shortcutable)
				if !ok {
					t.Fatal("nothing on the lock screen has the keyboard")
				}
				focused.TypedShortcut(scQuit) // as the driver hands it over with no menu to take it
			} else {
				test.Tap(lockButtonIn(t, m.win.Canvas().Content(), "Quit"))
			}
			if slices.Contains(a.Driver().AllWindows(), m.win) {
				t.Fatalf("%s on the lock screen left the window open: %s", how, texts(m.win.Canvas().Content()))
			}
		})
	}
}
