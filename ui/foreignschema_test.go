package ui

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// A practice whose file another program gave a trigger is not opened for writing: the window names
// the change, opens the practice read-only on request, and restores a backup, which leaves the
// trigger out and says so.
func TestAFileChangedOutsideNeedlelogIsNamedAndRestored(t *testing.T) {
	a := test.NewTempApp(t)
	path := practiceFile(t)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TRIGGER keep_tidy AFTER INSERT ON clients BEGIN UPDATE clients SET allergies = '[]' WHERE id = new.id; END`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	const said = `an extra trigger "keep_tidy" on table "clients" that Needlelog did not make`
	// The backup is made after the change, so it holds the trigger too.
	dir := filepath.Join(t.TempDir(), "backups")
	setBackupFolder(a, path, dir)
	ro, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ondisk.BackupTo(context.Background(), ro, dir, ondisk.DefaultRetention); err != nil {
		t.Fatalf("back up the practice read-only: %v", err)
	}
	ro.Close()
	before, _ := os.ReadFile(path)

	_, err = openPractice(context.Background(), path, sqlite.Options{})
	if !errors.Is(err, data.ErrForeignSchema) {
		t.Fatalf("opening a file with a foreign trigger: %v, want ErrForeignSchema", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, before) {
		t.Fatal("opening the file changed it")
	}
	w := test.NewTempWindow(t, nil)
	opened := &openedPractice{}
	askHowToOpen(a, w, path, err, func(p *openedPractice) { opened = p }, "Quit", func() {})
	got := overlayText(w)
	for _, want := range []string{"changed outside Needlelog", said, "has moved nothing", "latest good backup"} {
		if !strings.Contains(got, want) {
			t.Fatalf("the window does not say %q: %q", want, got)
		}
	}
	if strings.Contains(strings.ToLower(got), "sqlite") || strings.Contains(got, "damage") {
		t.Fatalf("the window speaks of SQLite or of damage: %q", got)
	}

	test.Tap(overlayButton(t, w, "Open read-only"))
	if opened.store == nil || !opened.store.ReadOnly() || !strings.Contains(opened.readOnlyWhy, "changed outside Needlelog") {
		t.Fatalf("Open read-only gave %+v", opened)
	}
	if n := clientCount(t, opened.store); n != 1 {
		t.Fatalf("read-only, the practice shows %d clients, want 1", n)
	}
	opened.store.Close()
	opened = &openedPractice{}

	askHowToOpen(a, w, path, err, func(p *openedPractice) { opened = p }, "Quit", func() {})
	test.Tap(overlayButton(t, w, "Restore that backup…"))
	test.Tap(overlayButton(t, w, "Restore"))
	if opened.store == nil || opened.store.ReadOnly() {
		t.Fatalf("no practice opened for writing after the restore; the window says %q", overlayText(w))
	}
	defer opened.store.Close()
	defer opened.claim.Release()
	if !strings.Contains(opened.notice, "kept as") || !strings.Contains(opened.notice, "left out "+said) {
		t.Fatalf("the restore is not explained: %q", opened.notice)
	}
	if h, err := fileOf(opened.store).Check(context.Background()); err != nil || len(h.SchemaChanges) > 0 {
		t.Fatalf("the restored practice: %q %v", h.SchemaChanges, err)
	}
}
