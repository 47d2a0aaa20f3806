package ui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// saveAs fills in the Save as form that exportFile shows with name and saves, and returns the
// name the form offered first.
func saveAs(t *testing.T, w fyne.Window, name string) string {
	t.Helper()
	field, ok := w.Canvas().Focused().(*nlwidget.TextField)
	if !ok {
		t.Fatalf("the Save as form has no file name field in focus: %q", overlayText(w))
	}
	offered := field.Text
	if name != "" {
		field.SetText(name)
		field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	return offered
}

func clearOverlays(w fyne.Window) {
	for _, o := range w.Canvas().Overlays().List() {
		w.Canvas().Overlays().Remove(o)
	}
}

func TestExportNeverReplacesThePracticeOrADatabase(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	if err := s.CreateClient(ctx, &data.Client{FirstName: "Ann", LastName: "Wal"}); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	dir := filepath.Dir(s.Path())
	a.Preferences().SetString(prefLastFolder, dir)
	practice, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	wal, err := os.Stat(s.Path() + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// Names an export may be given for the practice's own file, and another practice named as a PDF.
	if err := os.Symlink(s.Path(), filepath.Join(dir, "history.pdf")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(s.Path(), filepath.Join(dir, "hard link.pdf")); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "old practice.pdf")
	otherBytes := append([]byte("SQLite format 3\x00"), make([]byte, 4080)...)
	if err := os.WriteFile(other, otherBytes, 0o600); err != nil {
		t.Fatal(err)
	}

	wrote := false
	work := func(_ context.Context, out io.Writer, _ func(int, int)) error {
		wrote = true
		_, err := out.Write([]byte("%PDF-1.7"))
		return err
	}
	for _, name := range []string{"history.pdf", "hard link", "old practice.pdf"} {
		exportFile(a, w, s, "export the history", "Ann history.pdf", []string{".pdf"}, work)
		saveAs(t, w, name)
		says := strings.Join(strings.Fields(overlayText(w)), " ")
		if !strings.Contains(says, "which an export never replaces") || !strings.Contains(says, "choose another name or folder") {
			t.Errorf("saving as %q: the app says %q", name, says)
		}
		clearOverlays(w)
	}
	// And straight to the practice's -wal, as a file chosen before a folder changed would be.
	runExport(w, s.Path(), "export the history", s.Path()+"-wal", work)
	if says := strings.Join(strings.Fields(overlayText(w)), " "); !strings.Contains(says, "write-ahead log") {
		t.Errorf("writing the -wal: the app says %q", says)
	}
	clearOverlays(w)

	if wrote {
		t.Error("an export was made for a file it may not replace")
	}
	if after, err := os.Stat(s.Path()); err != nil || !os.SameFile(practice, after) {
		t.Fatalf("the practice was replaced (%v)", err)
	}
	if after, err := os.Stat(s.Path() + "-wal"); err != nil || !os.SameFile(wal, after) {
		t.Fatalf("the practice's -wal was replaced (%v)", err)
	}
	if b, _ := os.ReadFile(other); !bytes.Equal(b, otherBytes) {
		t.Error("another practice was written over")
	}
	if got, err := s.ListClients(ctx, data.ClientQuery{Limit: 5}); err != nil || len(got) != 1 {
		t.Fatalf("the practice reads %d clients (%v)", len(got), err)
	}

	// Any other name is saved.
	exportFile(a, w, s, "export the history", "Ann history.pdf", []string{".pdf"}, work)
	saveAs(t, w, "Ann history")
	if b, err := os.ReadFile(filepath.Join(dir, "Ann history.pdf")); err != nil || string(b) != "%PDF-1.7" {
		t.Fatalf("a new file was not written: %q (%v)", b, err)
	}
	clearOverlays(w)
}

// The file name offered is safe, whatever the client's name holds.
func TestExportOffersSafeFileNames(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	for name, want := range map[[2]string]string{
		{"Ann\u202egpj.exe", "Bidi"}:            "Anngpj.exe Bidi history.pdf",
		{"Jose\u0301", "Nu\u0301n\u0303ez"}:     "Jos\u00e9 N\u00fa\u00f1ez history.pdf",
		{"Zero\u200bWidth\u200d", "\ufeffName"}: "ZeroWidth Name history.pdf",
		{"\u2066Iso\u2069", "\u200fLate"}:       "Iso Late history.pdf",
	} {
		c := data.Client{FirstName: name[0], LastName: name[1]}
		exportHistoryPDF(a, w, s, c)
		if got := saveAs(t, w, ""); got != want {
			t.Errorf("for %q the app offers %q, want %q", name, got, want)
		}
		clearOverlays(w)
	}
	// A photo's own file name, saved as a copy.
	exportFile(a, w, s, "save the photo", "IMG\u202e1000gpj.exe (copy).jpg", []string{".jpg"}, nil)
	if got := saveAs(t, w, ""); got != "IMG1000gpj.exe (copy).jpg" {
		t.Errorf("for a photo the app offers %q", got)
	}
	clearOverlays(w)
}
