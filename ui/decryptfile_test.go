package ui

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/internal/testkit"
	ondisk "needlelog.app/needlelog/practice"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// encryptedExportFixture writes an encrypted export of a few megabytes (several chunks) into a
// new folder as archive.zip.age, encrypted with testExportPass, and returns its path and the
// plain bytes.
func encryptedExportFixture(t *testing.T) (string, []byte) {
	t.Helper()
	old := ondisk.BackupKeyWorkFactor
	ondisk.BackupKeyWorkFactor = 10
	t.Cleanup(func() { ondisk.BackupKeyWorkFactor = old })
	plain := make([]byte, 3*decryptChunk+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range plain {
		plain[i] = byte(rng.IntN(256))
	}
	copy(plain, "PK\x03\x04 Ann Wal, rosacea, 1.5 mm")
	path := filepath.Join(t.TempDir(), "archive.zip.age")
	var enc bytes.Buffer
	if err := ondisk.EncryptExport(&enc, testExportPass, func(w io.Writer) error { _, err := w.Write(plain); return err }); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, enc.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, plain
}

// decryptParts finds the decrypt dialog's passphrase and file name fields.
func decryptParts(t *testing.T, w fyne.Window) (pass, name *nlwidget.TextField) {
	t.Helper()
	var fields []*nlwidget.TextField
	walkOverlay(w, func(o fyne.CanvasObject) {
		if f, ok := o.(*nlwidget.TextField); ok {
			fields = append(fields, f)
		}
	})
	if len(fields) != 2 || !fields[0].Password {
		t.Fatalf("the decrypt dialog has %d fields: %q", len(fields), overlayText(w))
	}
	return fields[0], fields[1]
}

func decryptWindow(t *testing.T) fyne.Window {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	return w
}

// File › Open an encrypted file… is offered with a practice open, and asks for the file.
func TestFileMenuOpensAnEncryptedFile(t *testing.T) {
	a := test.NewTempApp(t)
	m := newMainWindow(a, openStore(t))
	it := menuItemLabelled(t, m.win, "Open an encrypted file…")
	if it.Disabled {
		t.Fatal("the item is disabled")
	}
	it.Action()
	if m.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no file dialog shows")
	}
}

// An encrypted export is decrypted, beside it and without .age unless another name is typed, to
// the very bytes that were encrypted; the Saved dialog offers to open it and its folder.
func TestDecryptFileGivesTheSameBytes(t *testing.T) {
	in, plain := encryptedExportFixture(t)
	dir := filepath.Dir(in)
	w := decryptWindow(t)
	askDecrypt(w, "", in)
	pass, name := decryptParts(t, w)
	if name.Text != "archive.zip" || w.Canvas().Focused() != pass {
		t.Fatalf("the dialog offers %q, passphrase focused %v", name.Text, w.Canvas().Focused() == pass)
	}
	says := strings.Join(strings.Fields(overlayText(w)), " ")
	if !strings.Contains(says, `"archive.zip.age" is encrypted`) || !strings.Contains(strings.ReplaceAll(says, " ", ""), dir) {
		t.Errorf("the dialog says %q", says)
	}
	pass.SetText(testExportPass)
	shot(t, w, "open an encrypted file") // NEEDLELOG_SHOTS=/tmp/dir to look at it
	pass.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	out := filepath.Join(dir, "archive.zip")
	says = strings.Join(strings.Fields(overlayText(w)), "")
	if !strings.Contains(says, strings.ReplaceAll("Saved as "+out, " ", "")) {
		t.Fatalf("after decrypting the app says %q", says)
	}
	shot(t, w, "open an encrypted file, saved")
	overlayButton(t, w, "Open")
	overlayButton(t, w, "Show in folder")
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("the decrypted file differs (%d bytes of %d): %v", len(got), len(plain), err)
	}
	if names := testkit.Names(t, dir); !slices.Equal(names, []string{"archive.zip", "archive.zip.age"}) {
		t.Fatalf("the folder holds %v", names)
	}

	// Again: the file there is replaced only when the practitioner says so.
	os.WriteFile(out, []byte("older"), 0o600)
	clearOverlays(w)
	askDecrypt(w, "", in)
	pass, _ = decryptParts(t, w)
	pass.SetText(testExportPass)
	test.Tap(overlayButton(t, w, "Decrypt"))
	if says := overlayText(w); !strings.Contains(says, "Replace archive.zip?") {
		t.Fatalf("decrypting over a file says %q", says)
	}
	test.Tap(overlayButton(t, w, "Replace"))
	if got, _ := os.ReadFile(out); !bytes.Equal(got, plain) {
		t.Fatal("the file was not replaced by the decrypted one")
	}
}

// A wrong passphrase is said in the dialog, which stays to try again, and a file changed on its
// way is said in a sentence: neither writes anything.
func TestDecryptFileWrongPassphraseOrChangedFileWritesNothing(t *testing.T) {
	in, plain := encryptedExportFixture(t)
	dir := filepath.Dir(in)
	w := decryptWindow(t)
	askDecrypt(w, "", in)
	pass, _ := decryptParts(t, w)
	pass.SetText("seven quiet lanterns bloom")
	test.Tap(overlayButton(t, w, "Decrypt"))
	says := strings.Join(strings.Fields(overlayText(w)), " ")
	if !strings.Contains(says, ondisk.ErrExportWrongPassphrase.Error()) || !strings.Contains(says, "Open an encrypted file") {
		t.Errorf("a wrong passphrase says %q", says)
	}
	if pass.Text != "" || w.Canvas().Focused() != pass {
		t.Errorf("after a wrong passphrase the field holds %q, focused %v", pass.Text, w.Canvas().Focused() == pass)
	}
	shot(t, w, "open an encrypted file, wrong passphrase")
	pass.TypedRune('s')
	if says := overlayText(w); strings.Contains(says, "does not open") {
		t.Errorf("typing again leaves the message: %q", says)
	}
	if names := testkit.Names(t, dir); !slices.Equal(names, []string{"archive.zip.age"}) {
		t.Fatalf("a wrong passphrase wrote %v", names)
	}
	test.Tap(overlayButton(t, w, "Cancel"))
	clearOverlays(w)

	// Hostile files: one byte changed in the last chunk (the first chunks decrypt, then the file
	// fails), the file cut short, a file that is not encrypted at all.
	good, _ := os.ReadFile(in)
	changed := bytes.Clone(good)
	changed[len(changed)-100] ^= 1
	for _, c := range []struct {
		what  string
		bytes []byte
		says  error
	}{
		{"changed", changed, ondisk.ErrDamagedExport},
		{"cut short", good[:len(good)-decryptChunk], ondisk.ErrDamagedExport},
		{"not encrypted", plain[:5000], ondisk.ErrNotEncrypted},
	} {
		clearOverlays(w)
		os.WriteFile(in, c.bytes, 0o600)
		askDecrypt(w, "", in)
		pass, _ = decryptParts(t, w)
		pass.SetText(testExportPass)
		test.Tap(overlayButton(t, w, "Decrypt"))
		says = strings.Join(strings.Fields(overlayText(w)), " ")
		if !strings.Contains(says, c.says.Error()) || strings.Contains(says, "Saved") {
			t.Errorf("a file %s says %q", c.what, says)
		}
		if names := testkit.Names(t, dir); !slices.Equal(names, []string{"archive.zip.age"}) {
			t.Fatalf("a file %s wrote %v", c.what, names)
		}
	}
}

// The practice's own database is never written over, whatever name is typed.
func TestDecryptFileNeverReplacesThePractice(t *testing.T) {
	in, _ := encryptedExportFixture(t)
	s := openStore(t)
	w := decryptWindow(t)
	before, _ := os.ReadFile(s.Path())
	// Received into the practice's folder, decrypted under the practice's name.
	moved := filepath.Join(filepath.Dir(s.Path()), filepath.Base(in))
	if err := os.Rename(in, moved); err != nil {
		t.Fatal(err)
	}
	askDecrypt(w, s.Path(), moved)
	pass, name := decryptParts(t, w)
	pass.SetText(testExportPass)
	name.SetText(filepath.Base(s.Path()))
	test.Tap(overlayButton(t, w, "Decrypt"))
	if says := strings.Join(strings.Fields(overlayText(w)), " "); !strings.Contains(says, "which Needlelog never replaces") {
		t.Errorf("decrypting over the practice says %q", says)
	}
	if after, _ := os.ReadFile(s.Path()); !bytes.Equal(before, after) {
		t.Fatal("the practice's file changed")
	}
}

// Cancelled while it decrypts, nothing is left; cancelled before, nothing is begun.
func TestDecryptFileCancelledLeavesNothing(t *testing.T) {
	in, _ := encryptedExportFixture(t)
	dir := filepath.Dir(in)
	w := decryptWindow(t)
	askDecrypt(w, "", in)
	test.Tap(overlayButton(t, w, "Cancel"))
	if w.Canvas().Overlays().Top() != nil {
		t.Fatalf("the dialog stays after Cancel: %q", overlayText(w))
	}

	askDecrypt(w, "", in)
	pass, _ := decryptParts(t, w)
	pass.SetText(testExportPass)
	chunks := 0
	afterDecryptChunk = func() {
		if chunks++; chunks == 2 {
			if !strings.Contains(overlayText(w), "Decrypting") {
				t.Errorf("while decrypting the app says %q", overlayText(w))
			}
			test.Tap(overlayButton(t, w, "Cancel"))
		}
	}
	t.Cleanup(func() { afterDecryptChunk = nil })
	test.Tap(overlayButton(t, w, "Decrypt"))
	if says := overlayText(w); !strings.Contains(says, "Nothing was written") || chunks != 2 {
		t.Errorf("cancelled after %d chunks, the app says %q", chunks, says)
	}
	if names := testkit.Names(t, dir); !slices.Equal(names, []string{"archive.zip.age"}) {
		t.Fatalf("a cancelled decryption left %v", names)
	}
}

// Decrypting an export into a file, as File › Open an encrypted file… does it (without the
// passphrase's scrypt, paid once per file): MB/s is its speed on a big archive.
func BenchmarkCopyDecrypted(b *testing.B) {
	old := ondisk.BackupKeyWorkFactor
	ondisk.BackupKeyWorkFactor = 10
	b.Cleanup(func() { ondisk.BackupKeyWorkFactor = old })
	plain := bytes.Repeat([]byte("Ann Wal, rosacea, 1.5 mm. "), (64<<20)/26)
	var enc bytes.Buffer
	if err := ondisk.EncryptExport(&enc, testExportPass, func(w io.Writer) error { _, err := w.Write(plain); return err }); err != nil {
		b.Fatal(err)
	}
	out, err := os.Create(filepath.Join(b.TempDir(), "archive.zip"))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		r, err := ondisk.DecryptExport(bytes.NewReader(enc.Bytes()), testExportPass)
		if err != nil {
			b.Fatal(err)
		}
		out.Seek(0, 0)
		if err := copyDecrypted(b.Context(), out, r, func() {}); err != nil {
			b.Fatal(err)
		}
	}
}
