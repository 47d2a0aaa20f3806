package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestVerifyDemo(t *testing.T) {
	path := demoFile(t)
	code, out, errOut := runCLI(t, "verify", "--db", path)
	if code != 0 || !strings.HasPrefix(out, "OK: ") || errOut != "" {
		t.Fatalf("verify a demo practice: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []*regexp.Regexp{regexp.MustCompile(`audit entries: +[1-9]\d*,`),
		regexp.MustCompile(`signed sessions: +\d+,`), regexp.MustCompile(`last entry's hash: +[0-9a-f]{64}\n`)} {
		if !want.MatchString(out) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestVerifyExitsOneOnEachBreak(t *testing.T) {
	for name, tc := range map[string]struct {
		stmts []string
		want  string
	}{
		"edited":    {[]string{`UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 7`}, "Audit entry 7 "},
		"deleted":   {[]string{`DELETE FROM audit_log WHERE seq = 7`}, "Audit entry 7 is missing"},
		"reordered": {[]string{`UPDATE audit_log SET seq = -1 WHERE seq = 7`, `UPDATE audit_log SET seq = 7 WHERE seq = 8`, `UPDATE audit_log SET seq = 8 WHERE seq = -1`}, "Audit entry 8 "},
	} {
		t.Run(name, func(t *testing.T) {
			path := demoFile(t)
			sqlitetest.Tamper(t, path, tc.stmts...)
			code, out, errOut := runCLI(t, "verify", "--db", path)
			if code != 1 || !strings.Contains(out, tc.want) || !strings.Contains(out, "break(s) found") {
				t.Fatalf("verify after the log was %s: exit %d\n%s%s", name, code, out, errOut)
			}
		})
	}
}

func TestVerifyUsage(t *testing.T) {
	if code, _, errOut := runCLI(t, "verify"); code != 2 || !strings.Contains(errOut, "--db PATH is required") {
		t.Errorf("verify without --db: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "verify", "--db", "x.db", "extra"); code != 2 || !strings.Contains(errOut, `unexpected argument "extra"`) {
		t.Errorf("verify with an extra argument: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "verify", "--nope"); code != 2 || errOut == "" {
		t.Errorf("verify with an unknown flag: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "verify", "-h"); code != 0 || !strings.Contains(errOut, "Usage: needlelog verify --db PATH") {
		t.Errorf("verify -h: exit %d, %q", code, errOut)
	}
	missing := filepath.Join(t.TempDir(), "missing.db")
	if code, _, errOut := runCLI(t, "verify", "--db", missing); code != 1 || !strings.Contains(errOut, "does not exist") {
		t.Errorf("verify a missing file: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("verify created the database file it was asked to check")
	}
}

// copyFile copies a closed practice file, as a backup of it.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Entries cut off the end of the log: the chain stays whole, but an earlier backup and the head
// printed on an earlier session record both show it.
func TestVerifyAgainstABackupAndThePrintedHead(t *testing.T) {
	db := demoFile(t)
	_, clients, _ := runCLI(t, "clients", "--db", db)
	clientID, _, _ := strings.Cut(strings.Split(clients, "\n")[0], "\t")
	_, sessions, _ := runCLI(t, "sessions", "--db", db, "--client", clientID)
	sessionID, _, _ := strings.Cut(sessions, "\t")
	pdf := filepath.Join(t.TempDir(), "session.pdf")
	export := func() {
		t.Helper()
		if code, out, errOut := runCLI(t, "export", "session", "--db", db, "-o", pdf, sessionID); code != 0 {
			t.Fatalf("export session: exit %d: %s%s", code, out, errOut)
		}
	}
	// Each export is an entry of the log: the head printed is the entry of the export before it,
	// and the 14 entries cut below are exports, whose absence nothing else in the file shows.
	export()
	export()
	m := regexp.MustCompile(`Audit log head: ([0-9a-f]{64}) \(entry (\d+)\)`).FindStringSubmatch(pdfText(t, pdf))
	if m == nil {
		t.Fatal("the session record does not print the audit log's head")
	}
	head, entry := m[1], m[2]
	n, _ := strconv.Atoi(entry)
	for range 12 {
		export()
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	copyFile(t, db, backup)

	code, out, errOut := runCLI(t, "verify", "--db", db, "--against", backup, "--head", head)
	if code != 0 || !strings.Contains(out, "OK: ") || !strings.Contains(out, "Head "+head[:12]+"… is entry "+entry) ||
		!regexp.MustCompile(`The log extends the backup of .* \(`+regexp.QuoteMeta(quote(backup))+`, `+strconv.Itoa(n+13)+` entries\): 0 entries added since`).MatchString(out) {
		t.Fatalf("verify against an untouched log: exit %d\n%s%s", code, out, errOut)
	}
	// Without a passphrase in the demo, verify says what the practice's log cannot show.
	if !strings.Contains(out, "No practitioner has a passphrase, so none of the") {
		t.Errorf("verify does not say the demo's log is unsigned:\n%s", out)
	}

	sqlitetest.Tamper(t, db, fmt.Sprintf(`DELETE FROM audit_log WHERE seq >= %d`, n))
	if code, out, _ := runCLI(t, "verify", "--db", db); code != 0 {
		t.Fatalf("a log cut short is whole as a chain; verify alone said exit %d\n%s", code, out)
	}
	code, out, errOut = runCLI(t, "verify", "--db", db, "--against", backup)
	if code != 1 || !strings.Contains(out, "The audit log has lost or changed entries since the backup of ") ||
		!strings.Contains(out, fmt.Sprintf(": entry %d is gone, and 13 more of its %d entries are gone or changed.", n, n+13)) {
		t.Fatalf("verify --against after cutting 14 entries: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "verify", "--db", db, "--head", head)
	if code != 1 || !strings.Contains(out, "No entry of the audit log has the hash "+head) {
		t.Fatalf("verify --head after cutting 14 entries: exit %d\n%s%s", code, out, errOut)
	}
}

func TestVerifyRefusesWhatIsNotAHead(t *testing.T) {
	db := demoFile(t)
	for _, h := range []string{"abc", strings.Repeat("g", 64), "Audit log head"} {
		if code, _, errOut := runCLI(t, "verify", "--db", db, "--head", h); code != 2 || !strings.Contains(errOut, "is not an audit log hash") {
			t.Errorf("--head %q: exit %d, %q", h, code, errOut)
		}
	}
	notPractice := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notPractice, []byte("not a practice"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "verify", "--db", db, "--against", notPractice); code != 1 || !strings.Contains(errOut, "--against "+quote(notPractice)) ||
		strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("--against a file that is not a practice: exit %d, %q", code, errOut)
	}
}

// Verify prints the fingerprint of each signing key, says the signatures match the keys the file
// holds (no more), and finds a key replaced in the file by the entry that made it.
func TestVerifyPrintsAndChecksTheSigningKeys(t *testing.T) {
	db := demoFile(t)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.Practitioners(ctx, false)
	if err != nil || len(ps) == 0 {
		t.Fatalf("practitioners: %v", err)
	}
	if err := s.SetPassphrase(data.WithActor(ctx, ps[0].ID), ps[0].ID, "", "correct horse"); err != nil {
		t.Fatal(err)
	}
	keys, err := s.SigningKeys(ctx)
	s.Close()
	if err != nil || len(keys) != 1 {
		t.Fatalf("signing keys: %+v, %v", keys, err)
	}
	code, out, errOut := runCLI(t, "verify", "--db", db)
	for _, want := range []string{"signing key:       " + keys[0].Fingerprint + " (SHA-256) " + ps[0].Name,
		"each matching its practitioner's signing key as the practice holds it",
		"The signatures are checked against the keys the practice holds", "shows keys replaced"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("verify: exit %d, output lacks %q\n%s%s", code, want, out, errOut)
		}
	}
	if strings.Contains(out, "each matching its practitioner's signature\n") {
		t.Errorf("verify claims more than it checks:\n%s", out)
	}
	sqlitetest.Tamper(t, db, `UPDATE practitioner_keys SET public_key = '`+strings.Repeat("ab", 32)+`'`)
	code, out, _ = runCLI(t, "verify", "--db", db)
	if code != 1 || !strings.Contains(out, "the key was replaced in the file") {
		t.Errorf("verify after the key was replaced: exit %d\n%s", code, out)
	}
}
