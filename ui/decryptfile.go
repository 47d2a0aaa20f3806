package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/practice/files"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// Opening an encrypted export (File › Open an encrypted file…): whoever receives one, in another
// practice or on another computer, decrypts it here with its passphrase, as `needlelog decrypt`
// does on the command line. Nothing but the file and the passphrase is needed: no practice's own
// records are read.

// openEncryptedFile asks for a .age file, then for its passphrase and where to save it decrypted.
// practice is the open practice's database, which is never written over ("" for none).
func openEncryptedFile(a fyne.App, win fyne.Window, practice string) {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(win, "open the file", err)
			return
		}
		if r == nil {
			return // cancelled
		}
		in := r.URI().Path()
		r.Close()
		a.Preferences().SetString(prefLastFolder, filepath.Dir(in))
		askDecrypt(win, practice, in)
	}, win)
	fd.SetTitleText("Open an encrypted file (.age)")
	fd.SetView(dialog.ListView) // whole names: "records.xlsx.age" says what it holds
	fd.SetFilter(storage.NewExtensionFileFilter([]string{ondisk.EncryptedExportSuffix}))
	dir := a.Preferences().StringWithFallback(prefLastFolder, defaultFolder())
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		fd.SetLocation(l)
	}
	size := win.Canvas().Size()
	fd.Resize(fyne.NewSize(min(900, size.Width-40), min(640, size.Height-40)))
	fd.Show()
}

// decryptChunk is how much is decrypted between two looks at Cancel and the progress bar.
const decryptChunk = 1 << 20

// afterDecryptChunk, when set, runs after each chunk is written: tests press Cancel from it.
var afterDecryptChunk func()

// askDecrypt asks for the passphrase of the encrypted file in and where to save it decrypted
// (beside it, without .age, unless the practitioner chooses otherwise), then decrypts it off the
// UI goroutine behind a progress bar with Cancel. The decrypted file appears whole or not at all:
// a wrong passphrase is said, to try again, and a file changed on its way writes nothing.
func askDecrypt(win fyne.Window, practice, in string) *passphraseDialog {
	base := filepath.Base(in)
	dir := filepath.Dir(in)
	name := nlwidget.NewTextField()
	if ondisk.HasEncryptedSuffix(base) {
		name.SetText(base[:len(base)-len(ondisk.EncryptedExportSuffix)])
	}
	p := newPassphraseDialog(win, "Open an encrypted file", "Decrypt",
		[]string{wording.Quoted(base) + " is encrypted. Enter the passphrase it was sent with: the decrypted file " +
			"is saved under the name and in the folder below."},
		[]string{"Passphrase"}, "")
	p.add(boldLabel("Save as"), name, boldLabel("Folder"), folderRow(win, &dir))
	name.OnChanged = p.typed
	name.OnSubmitted = func(string) { p.tapped() }
	p.submit = func(v []string) {
		pass := v[0]
		if pass == "" {
			p.fail("Enter the passphrase.", 0)
			return
		}
		out := strings.TrimSpace(name.Text)
		if out == "" || strings.ContainsAny(out, `/\`) {
			p.fail("Type a name to save the decrypted file as, without folders in it.", -1)
			win.Canvas().Focus(name)
			return
		}
		path := filepath.Join(dir, out)
		if filepath.Clean(path) == filepath.Clean(in) || sameFile(path, in) {
			p.fail("That is the encrypted file itself: choose another name for the decrypted one.", -1)
			win.Canvas().Focus(name)
			return
		}
		if err := files.CheckTarget(path, practice); err != nil {
			var rt *files.RefusedTargetError
			if errors.As(err, &rt) {
				p.fail(wording.Quoted(out)+" is "+rt.What+", which Needlelog never replaces: choose another name or folder.", -1)
			} else {
				p.fail(errorSentence("save the decrypted file there", err), -1)
			}
			return
		}
		decrypt := func() { decryptTo(p, win, practice, in, path, pass) }
		if _, err := os.Stat(path); err == nil {
			confirm(win, "Replace "+out+"?", "A file of that name is already in the folder. It is replaced only once "+
				"the decrypted one is complete.", "Replace", decrypt)
			return
		}
		decrypt()
	}
	p.show()
	return p
}

// decryptTo checks pass against the file in (scrypt, about a second, off the UI goroutine) while
// p says so, then writes the decrypted file to path behind a progress bar.
func decryptTo(p *passphraseDialog, win fyne.Window, practice, in, path, pass string) {
	type opened struct {
		f    *os.File
		read *countingReader // the encrypted bytes read so far, for the progress bar
		r    io.Reader
		size int64
	}
	p.busy("Checking the passphrase…")
	async(func() (*opened, error) {
		f, err := os.Open(in)
		if err != nil {
			return nil, err
		}
		o := &opened{f: f, read: &countingReader{r: f}}
		if info, err := f.Stat(); err == nil {
			o.size = info.Size()
		}
		if o.r, err = ondisk.DecryptExport(o.read, pass); err != nil {
			f.Close()
			return nil, err
		}
		return o, nil
	}, func(o *opened, err error) {
		switch {
		case p.done: // cancelled meanwhile
			if o != nil {
				o.f.Close()
			}
		case errors.Is(err, ondisk.ErrExportWrongPassphrase):
			p.fail(err.Error(), 0)
		case errors.Is(err, ondisk.ErrNotEncrypted), errors.Is(err, ondisk.ErrEncryptedToKey), errors.Is(err, ondisk.ErrDamagedExport):
			p.fail(err.Error(), -1)
		case err != nil:
			p.fail(errorSentence("open the encrypted file", err), -1)
		default:
			p.finish()
			writeWithProgress(win, practice, "Decrypting", "Decrypting cancelled", "decrypt the file", path,
				func(ctx context.Context, w io.Writer, progress func(done, total int)) error {
					defer o.f.Close()
					return copyDecrypted(ctx, w, o.r, func() { progress(int(o.read.n), int(o.size)) })
				})
		}
	})
}

// copyDecrypted copies r to w a chunk at a time until ctx ends, calling step after each chunk. A
// file changed on its way fails in a sentence of its own.
func copyDecrypted(ctx context.Context, w io.Writer, r io.Reader, step func()) error {
	buf := make([]byte, decryptChunk)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := fill(r, buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		step()
		if afterDecryptChunk != nil {
			afterDecryptChunk()
		}
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, ondisk.ErrDamagedExport):
			return wordedError(err.Error())
		case err != nil:
			return err
		}
	}
}

// fill reads into buf until it is full or r fails, with r's own error (io.ReadFull would say a
// file cut short as its plain end would be).
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// sameFile reports whether a and b are one file that is there.
func sameFile(a, b string) bool {
	ai, aerr := os.Stat(a)
	bi, berr := os.Stat(b)
	return aerr == nil && berr == nil && os.SameFile(ai, bi)
}
