package ui

import (
	"context"
	"sync"
	"testing"
)

// The app's main is told the window closes for good only after the close-time backup, as the
// window closes: it then watches that the app really stops.
func TestClosingTellsTheAppAfterTheBackup(t *testing.T) {
	m, dir := backupWindow(t)
	m.autoBackup = true
	var order []string
	m.closingHook = func() {
		list, _ := backupsOf(dir, m.store.Path())
		order = append(order, "closing with "+map[bool]string{true: "a backup", false: "no backup"}[len(list) == 1])
	}
	m.win.SetOnClosed(func() { order = append(order, "closed") })

	m.closeWindow()
	if len(order) != 2 || order[0] != "closing with a backup" || order[1] != "closed" {
		t.Fatalf("closing went %q, want the hook after the backup, then the window closed", order)
	}
}

// The practice is closed once, however many callers stop the app at once (Fyne, the app's main,
// and its watch for an app that does not stop); each returns once it is closed.
func TestStoppingClosesThePracticeOnce(t *testing.T) {
	m, _ := backupWindow(t)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.stopped()
			if _, err := m.store.Setting(context.Background(), "clinic.name"); err == nil {
				t.Error("stopped returned before the practice was closed")
			}
		}()
	}
	wg.Wait()
}
