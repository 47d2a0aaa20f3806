package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
)

func TestExportIsWholeOrNothing(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	dir := t.TempDir()
	clear := func() {
		for _, o := range w.Canvas().Overlays().List() {
			w.Canvas().Overlays().Remove(o)
		}
	}

	ok := filepath.Join(dir, "history.pdf")
	runExport(w, "", "export the history", ok, func(_ context.Context, out io.Writer, progress func(int, int)) error {
		progress(1, 2)
		_, err := out.Write([]byte("%PDF-1.7 whole"))
		return err
	})
	if b, err := os.ReadFile(ok); err != nil || string(b) != "%PDF-1.7 whole" {
		t.Fatalf("the export wrote %q (%v)", b, err)
	}
	if msg := overlayText(w); !strings.Contains(msg, "Saved as "+ok) {
		t.Fatalf("success says %q", msg)
	}
	clear()

	// A failed or cancelled export leaves nothing, and the file it was to replace as it was.
	for _, tc := range []struct {
		err  error
		says string
	}{
		{errors.New("disk full"), "Could not export the history"},
		{context.Canceled, "Nothing was written"},
	} {
		path := filepath.Join(dir, "last month.pdf")
		if err := os.WriteFile(path, []byte("last month's"), 0o644); err != nil {
			t.Fatal(err)
		}
		runExport(w, "", "export the history", path, func(_ context.Context, out io.Writer, _ func(int, int)) error {
			out.Write([]byte("half a PDF"))
			return tc.err
		})
		if b, _ := os.ReadFile(path); string(b) != "last month's" {
			t.Errorf("after %v the file it was to replace holds %q", tc.err, b)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 2 {
			t.Errorf("after %v the folder holds %d files", tc.err, len(entries))
		}
		if msg := overlayText(w); !strings.Contains(msg, tc.says) {
			t.Errorf("after %v the app says %q", tc.err, msg)
		}
		clear()
	}

	// Work that did not notice Cancel is not taken for a finished export.
	late := filepath.Join(dir, "late.pdf")
	runExport(w, "", "export the history", late, func(ctx context.Context, out io.Writer, _ func(int, int)) error {
		stop := overlayButton(t, w, "Cancel")
		test.Tap(stop) // pressed while the PDF is being written
		_, err := out.Write([]byte("%PDF whole but unwanted"))
		return err
	})
	if _, err := os.Stat(late); !os.IsNotExist(err) {
		t.Error("an export cancelled during the work was kept")
	}
	if msg := overlayText(w); !strings.Contains(msg, "Nothing was written") {
		t.Errorf("a late cancel says %q", msg)
	}
	clear()

	// The save form adds the extension and asks before replacing a file.
	if got := withExtension("history", []string{".pdf"}); got != "history.pdf" {
		t.Errorf("withExtension gives %q", got)
	}
	if got := withExtension("history.PDF", []string{".pdf"}); got != "history.PDF" {
		t.Errorf("withExtension gives %q", got)
	}
}

func TestClientCSVMappingAndImport(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	csvText := "\ufeffVorname;Nachname;Geburtsdatum;Mobile;Bemerkung\n" +
		"Zoë;Ångström;17.05.1990;0170 1234567;likes mornings\n" +
		"Анна;Иванова;1985-02-30;;\n" + // no such day: refused with its line
		"Ελένη;Παπαδοπούλου;02/03/1979;;\n"
	f, err := data.ReadClientCSV(strings.NewReader(csvText))
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	m := newClientMapping(w, s, "clients.csv", f, func() { done++ })
	m.show()
	// The guessed mapping: German headers understood, the remark column a note.
	want := []string{"First name", "Last name", "Date of birth", "Phone", "Notes"}
	for i, p := range m.picks {
		if p.Selected != want[i] {
			t.Errorf("column %q mapped to %q, want %q", f.Header[i], p.Selected, want[i])
		}
	}
	// A mapping without any name is refused before importing.
	m.picks[0].SetSelected(data.FieldIgnore.Label())
	m.picks[1].SetSelected(data.FieldIgnore.Label())
	if !m.importB.Disabled() || !m.problem.Visible() {
		t.Fatal("a mapping without names can be imported")
	}
	m.picks[0].SetSelected("First name")
	m.picks[1].SetSelected("Last name")
	if m.importB.Disabled() {
		t.Fatalf("a good mapping cannot be imported: %s", m.problem.Text)
	}
	test.Tap(m.importB)
	waitFor(t, "the import", func() bool { return done == 1 })
	summary := overlayText(w)
	if !strings.Contains(summary, "2 clients imported") || !strings.Contains(summary, "line 3:") {
		t.Fatalf("the summary reads %q", summary)
	}
	page, err := s.ListClients(context.Background(), data.ClientQuery{Text: "Ångström", Limit: 5})
	if err != nil || len(page) != 1 || page[0].Phone != "0170 1234567" {
		t.Fatalf("imported: %+v (%v)", page, err)
	}

	// The same file again adds no one.
	m = newClientMapping(w, s, "clients.csv", f, func() { done++ })
	m.show()
	test.Tap(m.importB)
	waitFor(t, "the second import", func() bool { return done == 2 })
	if summary := overlayText(w); !strings.Contains(summary, "0 clients imported") || !strings.Contains(summary, "2 rows of clients already in the practice") {
		t.Fatalf("a second import reads %q", summary)
	}
}

func TestSheetsFilterAndUnsavedSessionExport(t *testing.T) {
	ps := []data.Practitioner{{ID: "p1", Name: "Dr. Amara Okafor"}}
	q, err := sheetsQuery("2026-01-01", " 2026-6-30 ", 1, ps)
	if err != nil || q.From.String() != "2026-01-01" || q.To.String() != "2026-06-30" || q.PractitionerID != "p1" {
		t.Fatalf("filters read as %+v (%v)", q, err)
	}
	for _, bad := range [][2]string{{"2026-13-01", ""}, {"", "soon"}, {"2026-06-30", "2026-01-01"}} {
		if _, err := sheetsQuery(bad[0], bad[1], 0, ps); err == nil {
			t.Errorf("from %q to %q was accepted", bad[0], bad[1])
		}
	}

	// A session with changes not yet saved is not exported: the paper must match the record.
	s := openStore(t)
	e, w := openEditor(t, s, newTestClient(t, s), "", nil)
	wrote := false
	e.export(func(fyne.App, fyne.Window, practiceStore, data.Client, string, string) { wrote = true })
	if wrote || !strings.Contains(overlayText(w), "Save the session first") {
		t.Fatalf("an unsaved session was exported (%v), the app says %q", wrote, overlayText(w))
	}
}

func TestLotRecallScreen(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	c := newTestClient(t, s)
	carts, err := s.Cartridges(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	se := data.Session{ClientID: c.ID, StartedAt: s.Now().Add(-240 * time.Hour), NoSideEffects: true,
		Cartridge: data.CartridgeUse{CartridgeID: carts[0].ID, Lot: "C-9931"}}
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	var opened string
	r := showLotRecall(fyne.CurrentApp(), w, s, func(id string) { opened = id })
	test.Type(r.lot, "c-9931 ")
	r.lot.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(r.rows) != 1 || r.rows[0].ClientID != c.ID || r.saveBtn.Disabled() ||
		!strings.Contains(r.status.Text, "used in 1 session for 1 client") {
		t.Fatalf("recall of C-9931: %d rows, says %q", len(r.rows), r.status.Text)
	}
	r.list.Select(0)
	if opened != c.ID {
		t.Fatal("choosing a row does not open the client")
	}
	r.lot.SetText("NONE-1")
	r.lot.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(r.rows) != 0 || !r.saveBtn.Disabled() || !strings.Contains(r.status.Text, "No session used lot NONE-1") {
		t.Fatalf("an unused lot: %d rows, says %q", len(r.rows), r.status.Text)
	}
}
