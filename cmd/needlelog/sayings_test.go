package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// Every command that opens a practice names a missing one by its quoted path, in one sentence,
// not with the store's "open /path: database file does not exist".
func TestAMissingPracticeIsNamedInOneSentence(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "x y.db")
	photo := put(t, filepath.Join(dir, "a.jpg"), smallJPEG(t, 80), time.Now())
	want := quote(missing) + " does not exist (check the path; 'needlelog demo --db PATH' creates a demo practice)\n"
	for _, args := range [][]string{
		{"verify", "--db", missing},
		{"check", "--db", missing},
		{"clients", "--db", missing},
		{"backup", "--db", missing, "--to", filepath.Join(dir, "backups")},
		{"import", "photos", "--db", missing, "--client", "c1", photo},
		{"import", "clients", "--db", missing, clientFixture("multiline-address-commas.csv")},
		{"export", "archive", "--db", missing, "-o", filepath.Join(dir, "out.zip")},
	} {
		cmd := args[0]
		if cmd == "import" || cmd == "export" {
			cmd += " " + args[1]
		}
		code, _, errOut := runCLI(t, args...)
		if code != 1 || errOut != "needlelog "+cmd+": "+want {
			t.Errorf("%v: exit %d, stderr %q; want %q", args, code, errOut, "needlelog "+cmd+": "+want)
		}
	}
}

// Counts agree with their nouns: one row is "1 row".
func TestImportClientsCountsOneRow(t *testing.T) {
	db := newPractice(t)
	csv := filepath.Join(t.TempDir(), "one.csv")
	if err := os.WriteFile(csv, []byte("First name;Last name\nZoë;Ångström\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "import", "clients", "--db", db, csv)
	if code != 0 || !strings.Contains(out, "1 row read: 1 imported, 0 already in the practice, 0 not imported\n") {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
}

// A refusal's reason, after "refused:", goes on in lower case.
func TestImportPhotosRefusalReadsAsOneSentence(t *testing.T) {
	db := newPractice(t)
	s, err := sqlite.Open(context.Background(), db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := data.Client{FirstName: "Zoë", LastName: "Ångström"} // no photo consent
	err = s.CreateClient(context.Background(), &c)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	photo := put(t, filepath.Join(t.TempDir(), "a.jpg"), smallJPEG(t, 80), time.Now())
	code, out, _ := runCLI(t, "import", "photos", "--db", db, "--client", c.ID, photo)
	if code != 1 || !strings.Contains(out, quote(photo)+": refused: the client has not consented to photos") {
		t.Errorf("exit %d, out %q", code, out)
	}
	if got := afterColon("PNG files only"); got != "PNG files only" {
		t.Errorf("an acronym starting a reason became %q", got)
	}
}

// The help says all that import does.
func TestHelpSaysImportTakesClientsToo(t *testing.T) {
	_, out, _ := runCLI(t, "help")
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "import ") {
			if !strings.Contains(line, "clients") || !strings.Contains(line, "photos") {
				t.Errorf("help on import: %q", line)
			}
			return
		}
	}
	t.Errorf("help lists no import:\n%s", out)
}

// A practice that exists but cannot be opened is named by its quoted path in one sentence too,
// without the store's "open /path: " before the reason.
func TestAnUnopenablePracticeIsNamedInOneSentence(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes y.db")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 300)), 0o600); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder.db")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	newer := sqlitetest.NewerSchema(t)
	for _, tc := range []struct{ args []string }{
		{[]string{"check", "--db", notDB}}, {[]string{"clients", "--db", notDB}},
		{[]string{"backup", "--db", notDB, "--to", filepath.Join(dir, "backups")}},
		{[]string{"check", "--db", newer}}, {[]string{"verify", "--db", newer}},
		{[]string{"clients", "--db", folder}},
	} {
		db := tc.args[2]
		reason := map[string]string{
			notDB:  "file is not a Needlelog database (it is not a SQLite database); the file was left untouched",
			newer:  "database was written by a newer version of Needlelog",
			folder: "it is a folder, not a database file",
		}[db]
		want := "needlelog " + tc.args[0] + ": " + quote(db) + " cannot be opened: " + reason
		code, _, errOut := runCLI(t, tc.args...)
		if code != 1 || !strings.HasPrefix(errOut, want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want it to start %q, on one line", tc.args, code, errOut, want)
		}
	}
}
