package ui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

const testExportPass = "yellow kettle harbour march"

// saveAsParts finds the Save as form's file name field, encryption check and passphrase fields.
func saveAsParts(t *testing.T, w fyne.Window) (name *nlwidget.TextField, check *nlwidget.PickCheck, pass, again *nlwidget.TextField) {
	t.Helper()
	var fields []*nlwidget.TextField
	var all func(o fyne.CanvasObject) // hidden ones too: the passphrase's rows are hidden while off
	all = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *nlwidget.TextField:
			fields = append(fields, o)
		case *nlwidget.PickCheck:
			check = o
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				all(c)
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				all(c)
			}
		}
	}
	all(w.Canvas().Overlays().Top())
	if len(fields) != 3 || check == nil || check.Text != "Encrypt with a passphrase" {
		t.Fatalf("the Save as form has %d fields and check %v: %q", len(fields), check, overlayText(w))
	}
	return fields[0], check, fields[1], fields[2]
}

// Turned on in the Save as form, encryption writes the archive as an .age file that its
// passphrase opens to the same archive as the unencrypted one; a passphrase too weak or typed
// differently twice is said in the form, which stays with what was typed, and writes nothing.
func TestExportEncryptedFromTheSaveAsForm(t *testing.T) {
	old := ondisk.BackupKeyWorkFactor
	ondisk.BackupKeyWorkFactor = 10
	t.Cleanup(func() { ondisk.BackupKeyWorkFactor = old })
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	for _, c := range []data.Client{{FirstName: "Ann", LastName: "Wal"}, {FirstName: "Zoë", LastName: "Ångström"}} {
		if err := s.CreateClient(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	dir := t.TempDir()
	a.Preferences().SetString(prefLastFolder, dir)

	// Unencrypted first, to compare.
	exportArchive(a, w, s)
	if offered := saveAs(t, w, "plain"); offered != "needlelog archive.zip" {
		t.Fatalf("the form offers %q", offered)
	}
	clearOverlays(w)

	exportArchive(a, w, s)
	name, check, pass, again := saveAsParts(t, w)
	if pass.Visible() || again.Visible() {
		t.Fatal("the passphrase fields show before encryption is chosen")
	}
	shot(t, w, "save as")
	if says := strings.Join(strings.Fields(overlayText(w)), " "); !strings.Contains(says, archivePlainNote) {
		t.Errorf("the archive's form, not encrypted, does not say what it holds: %q", says)
	}
	test.Tap(check)
	shot(t, w, "save as encrypted")
	if says := strings.Join(strings.Fields(overlayText(w)), " "); strings.Contains(says, archivePlainNote) {
		t.Errorf("encrypted, the archive's form still says to encrypt it: %q", says)
	}
	// The passphrase's notes read alike: one size of text.
	var sizes []fyne.ThemeSizeName
	walkOverlay(w, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && (l.Text == ondisk.BackupPassphraseRule || l.Text == exportReceiverNote) {
			sizes = append(sizes, l.SizeName)
		}
	})
	if len(sizes) != 2 || sizes[0] != sizes[1] {
		t.Errorf("the passphrase's rule and the note for the receiver are in sizes %q", sizes)
	}
	if !pass.Visible() || !again.Visible() || name.Text != "needlelog archive.zip.age" {
		t.Fatalf("encryption on: passphrase fields shown %v, name %q", pass.Visible(), name.Text)
	}
	says := strings.Join(strings.Fields(overlayText(w)), " ")
	for _, want := range []string{"opens it in Needlelog with File › Open an encrypted file…", "another way than the file", "At least 12 characters"} {
		if !strings.Contains(says, want) {
			t.Errorf("the form does not say %q: %q", want, says)
		}
	}
	test.Tap(check)
	if pass.Visible() || name.Text != "needlelog archive.zip" {
		t.Fatalf("encryption off again: passphrase fields shown %v, name %q", pass.Visible(), name.Text)
	}
	test.Tap(check)

	// Refused, in a sentence, with the form kept; Save stays where it is, message or not.
	saveAt := func() fyne.Position {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(overlayButton(t, w, "Save"))
	}
	at := saveAt()
	for _, c := range []struct{ pass, again, says string }{
		{"kettle", "kettle", "it needs at least 12"},
		{testExportPass, testExportPass + "!", "The two passphrases differ"},
	} {
		pass.SetText(c.pass)
		again.SetText(c.again)
		test.Tap(overlayButton(t, w, "Save"))
		if says := strings.Join(strings.Fields(overlayText(w)), " "); !strings.Contains(says, c.says) || !strings.Contains(says, "Save as") {
			t.Errorf("passphrase %q, again %q: the app says %q; want the form saying %q", c.pass, c.again, says, c.says)
		}
		if name.Text != "needlelog archive.zip.age" || !check.Checked {
			t.Errorf("the form lost what was typed: %q, %v", name.Text, check.Checked)
		}
		if moved := saveAt(); moved != at {
			t.Errorf("passphrase %q, again %q: Save moved from %v to %v", c.pass, c.again, at, moved)
		}
	}
	if names := testkit.Names(t, dir); !slices.Equal(names, []string{"plain.zip"}) {
		t.Fatalf("refused exports wrote %v", names)
	}
	// Which of two passphrases that differ was mistyped cannot be told: both are typed again.
	if pass.Text != "" || again.Text != "" || w.Canvas().Focused() != pass {
		t.Errorf("after passphrases that differ they hold %q and %q, the first focused %v; want both empty, the first focused",
			pass.Text, again.Text, w.Canvas().Focused() == pass)
	}
	shot(t, w, "save as encrypted, passphrases differ") // NEEDLELOG_SHOTS=/tmp/dir to look at them
	pass.TypedRune('y')
	if says := overlayText(w); strings.Contains(says, "differ") {
		t.Errorf("typing again leaves the message: %q", says)
	}
	if moved := saveAt(); moved != at {
		t.Errorf("the message gone, Save moved from %v to %v", at, moved)
	}
	pass.SetText(testExportPass)
	again.SetText(testExportPass)
	again.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // saves

	enc := filepath.Join(dir, "needlelog archive.zip.age")
	shot(t, w, "saved encrypted")
	if says := strings.Join(strings.Fields(overlayText(w)), ""); !strings.Contains(says, strings.ReplaceAll("Saved as "+enc+", encrypted.", " ", "")) {
		t.Fatalf("after saving the app says %q", says)
	}
	walkOverlay(w, func(o fyne.CanvasObject) { // what is shown
		if b, ok := o.(*widget.Button); ok && b.Text == "Open" {
			t.Error("the encrypted file is offered to open in a viewer, which cannot read it")
		}
	})
	clearOverlays(w)
	if names := testkit.Names(t, dir); !slices.Equal(names, []string{"needlelog archive.zip.age", "plain.zip"}) {
		t.Fatalf("the folder holds %v", names)
	}
	if _, err := testkit.AgeOpen(enc, "seven quiet lanterns bloom"); err == nil {
		t.Error("another passphrase opens the export")
	}
	got, err := testkit.AgeOpen(enc, testExportPass)
	if err != nil {
		t.Fatalf("the export does not open with its passphrase: %v", err)
	}
	plainBytes, _ := os.ReadFile(filepath.Join(dir, "plain.zip"))
	g, p := testkit.ZipFiles(t, got), testkit.ZipFiles(t, plainBytes)
	var gn, pn []string
	for n := range g {
		gn = append(gn, n)
	}
	for n := range p {
		pn = append(pn, n)
	}
	slices.Sort(gn)
	slices.Sort(pn)
	if !slices.Equal(gn, pn) || len(pn) < 5 {
		t.Fatalf("the decrypted archive holds %v, the unencrypted one %v", gn, pn)
	}
	for n, b := range p {
		if strings.HasSuffix(n, ".csv") && !bytes.Equal(g[n], b) {
			t.Errorf("%s differs once decrypted", n)
		}
	}
	if !bytes.Contains(g["tables/clients.csv"], []byte("Ångström")) {
		t.Error("the decrypted archive lacks the clients")
	}
}

// An encrypted export cancelled or failed leaves nothing beside it, plain or encrypted.
func TestEncryptedExportCancelledLeavesNothing(t *testing.T) {
	old := ondisk.BackupKeyWorkFactor
	ondisk.BackupKeyWorkFactor = 10
	t.Cleanup(func() { ondisk.BackupKeyWorkFactor = old })
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	dir := t.TempDir()
	plain := bytes.Repeat([]byte("Ann Wal, rosacea, 1.5 mm. "), 10<<10)
	work := encryptedWork(func(_ context.Context, out io.Writer, progress func(int, int)) error {
		progress(1, 2)
		if _, err := out.Write(plain); err != nil {
			return err
		}
		for _, n := range testkit.Names(t, dir) {
			if b, _ := os.ReadFile(filepath.Join(dir, n)); bytes.Contains(b, plain[:100]) {
				t.Errorf("%s holds the export unencrypted while it is written", n)
			}
		}
		test.Tap(overlayButton(t, w, "Cancel"))
		return nil
	}, testExportPass)
	runExport(w, "", "export the archive", filepath.Join(dir, "archive.zip.age"), work)
	if msg := overlayText(w); !strings.Contains(msg, "Nothing was written") {
		t.Errorf("a cancelled export says %q", msg)
	}
	if names := testkit.Names(t, dir); len(names) != 0 {
		t.Errorf("a cancelled encrypted export left %v", names)
	}
}

// The name saved under: the export's extension, then .age when encrypted; never .age plain.
func TestExportName(t *testing.T) {
	for _, c := range []struct {
		name      string
		encrypted bool
		want      string
	}{
		{"history", false, "history.pdf"},
		{"history", true, "history.pdf.age"},
		{"history.pdf", true, "history.pdf.age"},
		{"history.pdf.AGE", true, "history.pdf.age"},
		{"history.pdf.age", false, "history.pdf"},
		{" history.age ", true, "history.pdf.age"},
		{".age", true, ""},
		{"", true, ""},
	} {
		got := exportName(c.name, []string{".pdf"}, c.encrypted)
		if got != c.want {
			t.Errorf("exportName(%q, %v) = %q, want %q", c.name, c.encrypted, got, c.want)
		}
	}
}

// Encrypted, the name saved under is guarded as any export's: a link or another name for the
// practice's own file ending in .age is refused in a sentence, and nothing is written.
func TestEncryptedExportNeverReplacesThePractice(t *testing.T) {
	old := ondisk.BackupKeyWorkFactor
	ondisk.BackupKeyWorkFactor = 10
	t.Cleanup(func() { ondisk.BackupKeyWorkFactor = old })
	a := test.NewTempApp(t)
	s := openStore(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	dir := filepath.Dir(s.Path())
	a.Preferences().SetString(prefLastFolder, dir)
	if err := os.Symlink(s.Path(), filepath.Join(dir, "history.pdf.age")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(s.Path(), filepath.Join(dir, "hard.pdf.age")); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path())
	wrote := false
	work := func(_ context.Context, out io.Writer, _ func(int, int)) error {
		wrote = true
		_, err := out.Write([]byte("%PDF-1.7"))
		return err
	}
	for _, typed := range []string{"history", "hard.pdf.age"} {
		exportFile(a, w, s, "export the history", "Ann history.pdf", []string{".pdf"}, work)
		name, check, pass, again := saveAsParts(t, w)
		if says := strings.Join(strings.Fields(overlayText(w)), " "); strings.Contains(says, archivePlainNote) {
			t.Errorf("a PDF's form speaks of the archive: %q", says)
		}
		test.Tap(check)
		name.SetText(typed)
		pass.SetText(testExportPass)
		again.SetText(testExportPass)
		test.Tap(overlayButton(t, w, "Save"))
		says := strings.Join(strings.Fields(overlayText(w)), " ")
		if !strings.Contains(says, "which an export never replaces") {
			t.Errorf("saving encrypted as %q: the app says %q", typed, says)
		}
		clearOverlays(w)
	}
	if after, _ := os.ReadFile(s.Path()); wrote || !bytes.Equal(before, after) {
		t.Fatalf("an export was made (%v) or the practice changed", wrote)
	}
}
