package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/xuri/excelize/v2"

	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
)

// The passphrases of the tests: one that encrypts, one that does not open what it encrypted.
const (
	exportPass = "yellow kettle harbour march"
	otherPass  = "seven quiet lanterns bloom"
)

// fastScrypt makes each passphrase cost a millisecond rather than a second, for the test.
func fastScrypt(t *testing.T) {
	old := practice.BackupKeyWorkFactor
	practice.BackupKeyWorkFactor = 10
	t.Cleanup(func() { practice.BackupKeyWorkFactor = old })
}

// workbookRows reads every sheet of a workbook, with the reader the sheets tests use.
func workbookRows(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, sheet := range f.GetSheetList() {
		if out[sheet], err = f.GetRows(sheet); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Every kind of export, encrypted, decrypts with its passphrase to what the same export writes
// unencrypted, and with another passphrase to nothing; only the .age files are left.
func TestExportEncryptedWithAPassphraseFile(t *testing.T) {
	fastScrypt(t)
	db := demoFile(t)
	_, clients, _ := runCLI(t, "clients", "--db", db)
	clientID, clientName, _ := strings.Cut(strings.Split(clients, "\n")[0], "\t")
	_, sessions, _ := runCLI(t, "sessions", "--db", db, "--client", clientID)
	sessionID, _, _ := strings.Cut(sessions, "\t")
	pass := writePassFile(t, exportPass+"\n")
	plainDir, encDir := t.TempDir(), t.TempDir()

	kinds := []struct {
		kind, arg, name string
	}{
		{"session", sessionID, "session.pdf"},
		{"client", clientID, "history.pdf"},
		{"aftercare", sessionID, "aftercare.pdf"},
		{"recall", "NO-SUCH-LOT", "recall.pdf"},
		{"sheets", "", "records.xlsx"},
		{"sheets", "", "records.zip"},
		{"archive", "", "archive.zip"},
	}
	var want []string
	for _, k := range kinds {
		plain, enc := filepath.Join(plainDir, k.name), filepath.Join(encDir, k.name)
		args := []string{"export", k.kind, "--db", db, "-o", plain}
		if k.arg != "" {
			args = append(args, k.arg)
		}
		if code, _, errOut := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		args[5] = enc
		args = append(args, "--passphrase-file", pass)
		code, out, errOut := runCLI(t, args...)
		if code != 0 || out != "wrote "+quote(enc+".age")+", encrypted with the passphrase\n" {
			t.Fatalf("%v: exit %d: %s%s", args, code, out, errOut)
		}
		want = append(want, k.name+".age")

		if _, err := os.Stat(enc); err == nil {
			t.Errorf("%s: an unencrypted file was written beside the encrypted one", k.name)
		}
		encBytes, _ := os.ReadFile(enc + ".age")
		if !bytes.HasPrefix(encBytes, []byte("age-encryption.org/v1\n-> scrypt ")) {
			t.Fatalf("%s.age is not an age file encrypted with a passphrase: %.40q", k.name, encBytes)
		}
		if _, err := testkit.AgeOpen(enc+".age", otherPass); err == nil {
			t.Errorf("%s.age opens with another passphrase", k.name)
		}
		got, err := testkit.AgeOpen(enc+".age", exportPass)
		if err != nil {
			t.Fatalf("%s.age does not open with its passphrase: %v", k.name, err)
		}
		wantBytes, _ := os.ReadFile(plain)
		dec := filepath.Join(t.TempDir(), k.name)
		if err := os.WriteFile(dec, got, 0o600); err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(k.name) {
		case ".pdf":
			if text := sameDayText(pdfText(t, dec)); text != sameDayText(pdfText(t, plain)) || !strings.Contains(text, clientName) && k.kind != "recall" {
				t.Errorf("%s: the decrypted PDF reads otherwise than the unencrypted one:\n%s", k.name, text)
			}
		case ".xlsx":
			g, w := workbookRows(t, got), workbookRows(t, wantBytes)
			if len(w) < 5 || len(g) != len(w) {
				t.Fatalf("%s: the decrypted workbook has sheets %v, the unencrypted one %v", k.name, len(g), len(w))
			}
			for sheet, rows := range w {
				if !slices.EqualFunc(g[sheet], rows, slices.Equal) {
					t.Errorf("%s: sheet %s differs once decrypted", k.name, sheet)
				}
			}
		case ".zip":
			g, w := testkit.ZipFiles(t, got), testkit.ZipFiles(t, wantBytes)
			gn, wn := mapsKeys(g), mapsKeys(w)
			if !slices.Equal(gn, wn) {
				t.Fatalf("%s: the decrypted zip holds %v, the unencrypted one %v", k.name, gn, wn)
			}
			csvs := 0
			for name, b := range w {
				if strings.HasSuffix(name, ".csv") {
					csvs++
					if !bytes.Equal(g[name], b) {
						t.Errorf("%s: %s differs once decrypted", k.name, name)
					}
				}
			}
			if csvs < 5 {
				t.Errorf("%s: %d CSV files", k.name, csvs)
			}
			if m, ok := g["manifest.json"]; ok { // the archive: each file is as its manifest says
				checkManifest(t, m, g)
			}
		}
	}
	if names := testkit.Names(t, encDir); !slices.Equal(names, sortedCopy(want)) {
		t.Errorf("beside the encrypted exports lie %v; want only %v", names, want)
	}

	// A record that is not there fails, encrypted too, and leaves nothing.
	code, _, errOut := runCLI(t, "export", "client", "--db", db, "-o", filepath.Join(encDir, "missing.pdf"),
		"--passphrase-file", pass, "no-such-id")
	if code != 1 || !strings.Contains(errOut, "no-such-id") {
		t.Errorf("a missing client, encrypted: exit %d: %s", code, errOut)
	}
	// So does an export stopped before it is through.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, stderr bytes.Buffer
	if code := run(ctx, []string{"export", "archive", "--db", db, "-o", filepath.Join(encDir, "stopped.zip"), "--passphrase-file", pass},
		&out, &stderr); code == 0 {
		t.Errorf("a cancelled archive: exit 0: %s", out.String())
	}
	if names := testkit.Names(t, encDir); !slices.Equal(names, sortedCopy(want)) {
		t.Errorf("after failed exports lie %v; want only %v", names, want)
	}
}

// sameDayText is a PDF's text without what changes from one export to the next: the audit log's
// head (each export is logged) and the minute it was printed.
func sameDayText(text string) string {
	text = regexp.MustCompile(`Audit log head: [0-9a-f]+ \(entry \d+\)`).ReplaceAllString(text, "")
	return regexp.MustCompile(`\d+ \w+ \d{4}, \d\d:\d\d`).ReplaceAllString(text, "(when)")
}

// checkManifest checks that every file the archive's manifest lists has the SHA-256 it gives.
func checkManifest(t *testing.T, manifest []byte, entries map[string][]byte) {
	t.Helper()
	var m struct {
		Files []struct {
			Path   string `json:"path"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil || len(m.Files) == 0 {
		t.Fatalf("the manifest reads %d files (%v): %.200s", len(m.Files), err, manifest)
	}
	for _, f := range m.Files {
		sum := sha256.Sum256(entries[f.Path])
		if hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s is not as the manifest says", f.Path)
		}
	}
}

func mapsKeys(m map[string][]byte) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// While an export is written encrypted, no byte of it is anywhere in plain form: not beside the
// file, not in a temporary file; and one that fails leaves nothing.
func TestEncryptedExportWritesNoPlainCopy(t *testing.T) {
	fastScrypt(t)
	dir := t.TempDir()
	marker := bytes.Repeat([]byte("Ann Wal, born 1990-05-17, rosacea. "), 8<<10) // 280 KB: several age chunks
	o := exportOptions{out: filepath.Join(dir, "records.csv.age"), passphrase: exportPass}
	seen := 0
	stop := errors.New("the disk is full")
	err := writeExport(o, "", func(w io.Writer) error {
		if _, err := w.Write(marker); err != nil {
			return err
		}
		for _, name := range testkit.Names(t, dir) {
			b, _ := os.ReadFile(filepath.Join(dir, name))
			seen += len(b)
			if bytes.Contains(b, marker[:64]) {
				t.Errorf("%s holds the export in plain form while it is written", name)
			}
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("writeExport: %v", err)
	}
	if seen < 128<<10 {
		t.Errorf("only %d bytes were on the disk mid-export: the export was held in memory, not streamed", seen)
	}
	if names := testkit.Names(t, dir); len(names) != 0 {
		t.Errorf("a failed encrypted export left %v", names)
	}
	// Whole, it decrypts to what was written.
	if err := writeExport(o, "", func(w io.Writer) error { _, err := w.Write(marker); return err }); err != nil {
		t.Fatal(err)
	}
	if got, err := testkit.AgeOpen(o.out, exportPass); err != nil || !bytes.Equal(got, marker) {
		t.Fatalf("the export decrypts to %d bytes (%v), want %d", len(got), err, len(marker))
	}
}

// A passphrase too weak, a passphrase file empty or missing, a name that says .age without one,
// CSV files into a folder: refused in one sentence, exit 2, nothing written.
func TestEncryptedExportRefusals(t *testing.T) {
	fastScrypt(t)
	db := demoFile(t)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		says string
	}{
		{"short", []string{"archive", "-o", "a.zip", "--passphrase-file", writePassFile(t, "kettle\n")}, "The passphrase has 6 characters; it needs at least 12"},
		{"one letter", []string{"archive", "-o", "a.zip", "--passphrase-file", writePassFile(t, "aaaaaaaaaaaaaaaa\n")}, "one character repeated"},
		{"spaces", []string{"archive", "-o", "a.zip", "--passphrase-file", writePassFile(t, "              \n")}, "Enter a passphrase."},
		{"empty file", []string{"archive", "-o", "a.zip", "--passphrase-file", writePassFile(t, "")}, "is empty"},
		{"empty line", []string{"archive", "-o", "a.zip", "--passphrase-file", writePassFile(t, "\nyellow kettle harbour march\n")}, "first line"},
		{"missing file", []string{"archive", "-o", "a.zip", "--passphrase-file", filepath.Join(dir, "nowhere.txt")}, "does not exist"},
		{"age without passphrase", []string{"archive", "-o", "a.zip.age"}, "ends in .age"},
		{"AGE without passphrase", []string{"sheets", "-o", "r.xlsx.AGE"}, "ends in .age"},
		{"csv folder", []string{"sheets", "-o", "csv", "--passphrase-file", writePassFile(t, exportPass)}, "an encrypted export is one file"},
		{"csv file", []string{"sheets", "-o", "r.csv.age", "--passphrase-file", writePassFile(t, exportPass)}, "CSV files go into a folder or a .zip file"},
	} {
		args := append([]string{"export", c.args[0], "--db", db}, c.args[1:]...)
		for i := range args {
			if args[i] == "-o" {
				args[i+1] = filepath.Join(dir, args[i+1])
			}
		}
		code, out, errOut := runCLI(t, args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.says) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and one line saying %q", c.name, code, out, errOut, c.says)
		}
	}
	if names := testkit.Names(t, dir); len(names) != 0 {
		t.Errorf("refused exports wrote %v", names)
	}
	// A name ending in .age is kept as it is, in any letter case; the format is read before it.
	for _, name := range []string{"r.xlsx.age", "r.zip.AGE"} {
		out := filepath.Join(dir, name)
		if code, _, errOut := runCLI(t, "export", "sheets", "--db", db, "-o", out, "--passphrase-file", writePassFile(t, exportPass)); code != 0 {
			t.Fatalf("-o %s: exit %d: %s", name, code, errOut)
		}
		if b, err := testkit.AgeOpen(out, exportPass); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The .age name is guarded as any export's: never the practice's own files, never a database.
func TestEncryptedExportNeverWritesOverThePractice(t *testing.T) {
	fastScrypt(t)
	pass := writePassFile(t, exportPass)
	// A practice whose own file ends in .age, and another database so named.
	db := filepath.Join(t.TempDir(), "records.age")
	if code, _, errOut := runCLI(t, "demo", "--db", db, "--clients", "2"); code != 0 {
		t.Fatal(errOut)
	}
	other := filepath.Join(t.TempDir(), "old.zip.age")
	if code, _, errOut := runCLI(t, "demo", "--db", other, "--clients", "1"); code != 0 {
		t.Fatal(errOut)
	}
	before, _ := os.ReadFile(db)
	otherBytes, _ := os.ReadFile(other)
	links := ownFileTargets(t, db, ".zip.age")
	targets := []string{
		strings.TrimSuffix(db, ".age"), // gains .age: the practice
		db,                             // ends in .age already: the practice
		strings.TrimSuffix(other, ".age"),
		links[len(links)-2], links[len(links)-1], // a link and a hard link to it, named .zip.age
	}
	for _, target := range targets {
		code, out, errOut := runCLI(t, "export", "archive", "--db", db, "-o", target, "--passphrase-file", pass)
		if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "never writes over") {
			t.Errorf("-o %s: exit %d, stdout %q, stderr %q; want one sentence refusing it", target, code, out, errOut)
		}
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("the practice was written over")
	}
	if after, _ := os.ReadFile(other); !bytes.Equal(otherBytes, after) {
		t.Error("another database was written over")
	}
	if code, out, errOut := runCLI(t, "check", "--db", db); code != 0 || !strings.Contains(out, "clients:           2") {
		t.Fatalf("the practice after the refusals: exit %d\n%s%s", code, out, errOut)
	}
}

// needlelog decrypt opens an encrypted export whole, or writes nothing.
func TestDecryptCommand(t *testing.T) {
	fastScrypt(t)
	db := demoFile(t)
	dir := t.TempDir()
	pass := writePassFile(t, exportPass+"\r\n") // written on Windows
	enc := filepath.Join(dir, "records.xlsx.age")
	if code, _, errOut := runCLI(t, "export", "sheets", "--db", db, "-o", enc, "--passphrase-file", pass); code != 0 {
		t.Fatal(errOut)
	}
	plain := filepath.Join(t.TempDir(), "records.xlsx")
	if code, _, errOut := runCLI(t, "export", "sheets", "--db", db, "-o", plain); code != 0 {
		t.Fatal(errOut)
	}
	wantRows := func(path string) {
		t.Helper()
		got, _ := os.ReadFile(path)
		want, _ := os.ReadFile(plain)
		g, w := workbookRows(t, got), workbookRows(t, want)
		for sheet, rows := range w {
			if !slices.EqualFunc(g[sheet], rows, slices.Equal) {
				t.Errorf("%s: sheet %s differs from the unencrypted export", path, sheet)
			}
		}
	}

	// Beside it, without .age.
	code, out, errOut := runCLI(t, "decrypt", "--passphrase-file", pass, enc)
	if want := filepath.Join(dir, "records.xlsx"); code != 0 || out != "wrote "+quote(want)+"\n" {
		t.Fatalf("decrypt: exit %d: %s%s", code, out, errOut)
	}
	wantRows(filepath.Join(dir, "records.xlsx"))
	// Where -o says.
	named := filepath.Join(dir, "from the clinic.xlsx")
	if code, _, errOut := runCLI(t, "decrypt", enc, "-o", named, "--passphrase-file", pass); code != 0 {
		t.Fatalf("decrypt -o: exit %d: %s", code, errOut)
	}
	wantRows(named)
	listing := testkit.Names(t, dir)

	// Refused, each in one sentence, and nothing written.
	encBytes, _ := os.ReadFile(enc)
	changed := slices.Clone(encBytes)
	changed[len(changed)-100] ^= 1
	damaged := filepath.Join(t.TempDir(), "changed.xlsx.age")
	os.WriteFile(damaged, changed, 0o600)
	short := filepath.Join(t.TempDir(), "short.xlsx.age")
	os.WriteFile(short, encBytes[:len(encBytes)-300], 0o600)
	notAge := filepath.Join(t.TempDir(), "plain.xlsx.age")
	os.WriteFile(notAge, []byte("PK\x03\x04 a workbook"), 0o600)
	toKey := filepath.Join(t.TempDir(), "backup.db.age")
	id, _ := age.GenerateX25519Identity()
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, id.Recipient())
	w.Write([]byte("SQLite format 3\x00"))
	w.Close()
	os.WriteFile(toKey, buf.Bytes(), 0o600)
	out1 := filepath.Join(dir, "out.xlsx")
	for _, c := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"wrong passphrase", []string{"--passphrase-file", writePassFile(t, otherPass), "-o", out1, enc}, 1, "That passphrase does not open this file."},
		{"changed", []string{"--passphrase-file", pass, "-o", out1, damaged}, 1, "damaged or cut short"},
		{"cut short", []string{"--passphrase-file", pass, "-o", out1, short}, 1, "damaged or cut short"},
		{"not encrypted", []string{"--passphrase-file", pass, "-o", out1, notAge}, 1, "not an encrypted export"},
		{"a backup", []string{"--passphrase-file", pass, "-o", out1, toKey}, 1, "encrypted to a key"},
		{"missing", []string{"--passphrase-file", pass, "-o", out1, filepath.Join(dir, "nowhere.age")}, 1, "cannot open"},
		{"no passphrase file", []string{"-o", out1, enc}, 2, "--passphrase-file"},
		{"empty passphrase file", []string{"--passphrase-file", writePassFile(t, ""), "-o", out1, enc}, 2, "is empty"},
		{"no file", []string{"--passphrase-file", pass}, 2, "give one encrypted file"},
		{"no .age, no -o", []string{"--passphrase-file", pass, plain}, 2, "does not end in .age"},
		{"onto itself", []string{"--passphrase-file", pass, "-o", enc, enc}, 2, "the encrypted file itself"},
		{"onto a database", []string{"--passphrase-file", pass, "-o", db, enc}, 1, "never writes over"},
	} {
		code, out, errOut := runCLI(t, append([]string{"decrypt"}, c.args...)...)
		if code != c.code || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.says) ||
			strings.Contains(errOut, "scrypt") || strings.Contains(errOut, "identity") || strings.Contains(errOut, "header") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d and one line saying %q", c.name, code, out, errOut, c.code, c.says)
		}
	}
	if names := testkit.Names(t, dir); !slices.Equal(names, listing) {
		t.Errorf("refused decrypts left %v; before them %v", names, listing)
	}
	if b, _ := os.ReadFile(enc); !bytes.Equal(b, encBytes) {
		t.Error("the encrypted file was changed")
	}
}
