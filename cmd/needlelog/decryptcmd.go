package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/practice/files"
)

// decryptAbout is what needlelog decrypt -h says the command does.
const decryptAbout = `Decrypts a file exported with a passphrase (an archive, spreadsheets, CSV files or a PDF whose name
ends in .age) into OUT, for whoever received it. Without -o, OUT is IN without its .age, beside it.
OUT is replaced whole once complete; a wrong passphrase, or a file changed or cut short on its way,
writes nothing. The passphrase is read from the first line of the --passphrase-file, never from the
command line, which the shell's history would keep. The same files open with the age tool, where it
is installed: age -d -o OUT FILE.age.`

func runDecrypt(_ context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("decrypt", "--passphrase-file FILE [-o OUT] IN.age", decryptAbout, errOut)
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase the file was encrypted with")
	dst := fs.String("o", "", "where to write the decrypted file (default: IN without .age)")
	positional, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	usageErr := usageError(errOut, "decrypt")
	switch {
	case len(positional) != 1:
		return usageErr("give one encrypted file, such as records.xlsx.age")
	case *passFile == "":
		return usageErr("give the passphrase with --passphrase-file FILE, on the file's first line")
	}
	in := positional[0]
	if *dst == "" {
		if !practice.HasEncryptedSuffix(in) {
			return usageErr("%s does not end in .age: say where to write with -o OUT", quote(in))
		}
		*dst = in[:len(in)-len(practice.EncryptedExportSuffix)]
	}
	if filepath.Clean(*dst) == filepath.Clean(in) || sameFile(*dst, in) {
		return usageErr("-o is the encrypted file itself: choose another name for the decrypted one")
	}
	pass, err := readPassphrase(*passFile)
	if err != nil {
		return usageErr("%s", visible(err.Error()))
	}
	f, err := os.Open(in)
	if err != nil {
		return fail(errOut, "decrypt", fmt.Errorf("cannot open %s: %w", quote(in), err))
	}
	defer f.Close()
	r, err := practice.DecryptExport(f, pass)
	if err != nil {
		return fail(errOut, "decrypt", err)
	}
	// Decrypted into a temporary file renamed once whole: a chunk that fails its check leaves no
	// part of the file behind.
	err = files.WriteFile(*dst, "", func(w io.Writer) error {
		_, err := io.Copy(w, r)
		return err
	})
	if err != nil {
		return fail(errOut, "decrypt", err)
	}
	fmt.Fprintf(out, "wrote %s\n", quote(*dst))
	return 0
}

// sameFile reports whether a and b are one file that is there.
func sameFile(a, b string) bool {
	ai, aerr := os.Stat(a)
	bi, berr := os.Stat(b)
	return aerr == nil && berr == nil && os.SameFile(ai, bi)
}
