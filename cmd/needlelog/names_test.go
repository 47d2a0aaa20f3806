package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// hostileNames are file names made to mislead a reader of the output: a new line forging a line
// of its own, bidirectional overrides and isolates, zero-width characters, a byte-order mark,
// terminal escapes, carriage returns and bytes that are not UTF-8.
func hostileNames() []string {
	return []string{
		"IMG_0002.JPG: imported as photo 0193a5b2: before, no session\nIMG_0001.JPG",
		"Ann\u202egpj.exe",
		"left\u202a\u202b\u202c\u202dright.jpg",
		"iso\u2066\u2067\u2068late\u2069.jpg",
		"zero\u200bwidth\u200c\u200d\u2060.jpg",
		"\ufeffbom.jpg",
		"tab\tand\rreturn.jpg",
		"\x1b[2K\x1b[1Aescape.jpg",
		"bad\xffutf8.jpg",
		`quote" and \backslash.jpg`,
	}
}

// checkVisible fails when out holds a character a reader cannot see, but for the new lines
// that end its lines.
func checkVisible(t *testing.T, out string) {
	t.Helper()
	for i, r := range out {
		if r == '\n' {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (r == utf8.RuneError && !strings.HasPrefix(out[i:], "\uFFFD")) {
			t.Errorf("the output holds %U at byte %d:\n%q", r, i, out)
		}
	}
}

func TestQuoteShowsEveryHiddenCharacter(t *testing.T) {
	for _, name := range hostileNames() {
		q := quote(name)
		checkVisible(t, q)
		if strings.Count(q, "\n") > 0 || !strings.HasPrefix(q, `"`) || !strings.HasSuffix(q, `"`) {
			t.Errorf("quote(%q) = %s", name, q)
		}
	}
}

func TestImportPhotosQuotesFileNames(t *testing.T) {
	f := newImportFixture(t)
	dir := t.TempDir()
	names := hostileNames()
	var paths []string
	for i, name := range names {
		paths = append(paths, put(t, filepath.Join(dir, name), smallJPEG(t, uint8(100+10*i)), f.sessionStarted))
	}
	code, out, errOut := runCLI(t, "import", "photos", "--db", f.db, "--client", f.anna.ID, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	checkVisible(t, out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(names) {
		t.Fatalf("%d files printed %d lines:\n%s", len(names), len(lines), out)
	}
	for _, p := range paths {
		if !strings.Contains(out, "\n"+quote(p)+": imported as photo ") && !strings.HasPrefix(out, quote(p)+": imported as photo ") {
			t.Errorf("no line begins with %s:\n%s", quote(p), out)
		}
	}
	if n := len(f.photos(t, f.anna.ID)); n != len(names) {
		t.Errorf("stored %d photos, want %d", n, len(names))
	}
}

func TestExportAndImportClientsQuoteFileNames(t *testing.T) {
	db := demoFile(t)
	dir := t.TempDir()
	_, clients, _ := runCLI(t, "clients", "--db", db)
	clientID, _, _ := strings.Cut(clients, "\t")
	for i, name := range hostileNames() {
		out := filepath.Join(dir, name+".pdf")
		code, stdout, errOut := runCLI(t, "export", "client", "--db", db, "-o", out, clientID)
		if code != 0 || stdout != "wrote "+quote(out)+"\n" {
			t.Errorf("export to %q: exit %d, stdout %q, stderr %q", out, code, stdout, errOut)
		}
		checkVisible(t, stdout+errOut)

		csv := filepath.Join(dir, name+".csv")
		row := "First name,Last name,Date of birth\nQuinn,Hidden" + string(rune('A'+i)) + ",\nBad,Date,1990-13-45\n"
		if err := os.WriteFile(csv, []byte(row), 0o600); err != nil {
			t.Fatal(err)
		}
		code, stdout, errOut = runCLI(t, "import", "clients", "--db", db, csv)
		base := quote(filepath.Base(csv))
		if code != 1 || !strings.HasPrefix(stdout, base+": read ") || !strings.Contains(stdout, "\n"+base+": line 3: ") {
			t.Errorf("import from %q: exit %d, stdout %q, stderr %q", csv, code, stdout, errOut)
		}
		checkVisible(t, stdout+errOut)
	}
}

// A file refused before any row is read says so, and not that an import stopped part way.
func TestImportClientsRefusedFileSaysSo(t *testing.T) {
	db := demoFile(t)
	dir := t.TempDir()
	jpeg := filepath.Join(dir, "clients.csv")
	if err := os.WriteFile(jpeg, smallJPEG(t, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o600)
	utf16 := filepath.Join(dir, "unicode.csv")
	os.WriteFile(utf16, []byte("\xff\xfeF\x00i\x00r\x00s\x00t\x00\n\x00"), 0o600)
	noNames := filepath.Join(dir, "no names.csv")
	os.WriteFile(noNames, []byte("Colour,Size\nred,4\n"), 0o600)
	folder := filepath.Join(dir, "a folder.csv")
	os.Mkdir(folder, 0o700)
	for path, why := range map[string]string{
		jpeg:                           "not UTF-8",
		empty:                          "the file is empty",
		utf16:                          "no clients in it",
		noNames:                        "name",
		folder:                         "it cannot be read (is a directory)",
		filepath.Join(dir, "gone.csv"): "it does not exist",
	} {
		code, out, errOut := runCLI(t, "import", "clients", "--db", db, path)
		all := out + errOut
		if code != 1 || strings.Contains(all, "before it stopped") || strings.Contains(all, "0 imported") ||
			!strings.Contains(errOut, "needlelog import clients: "+quote(path)+" was refused and nothing was imported: ") ||
			!strings.Contains(errOut, why) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("import clients %s: exit %d, stdout %q, stderr %q; want it refused, saying %q", path, code, out, errOut, why)
		}
	}
	if code, out, _ := runCLI(t, "check", "--db", db); code != 0 || !strings.Contains(out, "clients:           30") {
		t.Errorf("refused files changed the practice:\n%s", out)
	}
}

// Errors that carry a path as it was given show its hidden characters too, on one line.
func TestErrorsShowHiddenCharacters(t *testing.T) {
	dir := t.TempDir()
	for _, name := range hostileNames() {
		missing := filepath.Join(dir, name+".db")
		for _, args := range [][]string{
			{"check", "--db", missing},
			{"export", "archive", "--db", missing, "-o", filepath.Join(dir, name+".zip")},
			{"backup", "--db", missing, "--to", dir},
			{"restore", "--from", missing, "--db", filepath.Join(dir, "restored.db")},
		} {
			code, out, errOut := runCLI(t, args...)
			if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want one line", args, code, out, errOut)
			}
			checkVisible(t, errOut)
		}
	}
}

// A client's name is listed with its hidden characters shown, on its own line.
func TestClientsListShowsHiddenCharacters(t *testing.T) {
	f := newImportFixture(t)
	s, err := sqlite.Open(context.Background(), f.db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for range hostileNames() {
		c := data.Client{FirstName: "Placeholder", LastName: "Hostile"}
		if err := s.CreateClient(context.Background(), &c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	s.Close()
	// Names over several lines are refused at entry now; a practice from before may still hold them.
	db, err := sql.Open("sqlite", "file:"+f.db)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range hostileNames() {
		if _, err := db.Exec(`UPDATE clients SET first_name = ? WHERE id = ?`, name, ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, out, errOut := runCLI(t, "clients", "--db", f.db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.Count(line, "\t") != 1 { // ID, a tab, the name
			t.Errorf("line %q is not ID<tab>name", line)
		}
	}
	checkVisible(t, strings.ReplaceAll(out, "\t", " "))
	if n := strings.Count(out, "\n"); n != 2+len(hostileNames()) {
		t.Errorf("%d lines for %d clients:\n%s", n, 2+len(hostileNames()), out)
	}
}
