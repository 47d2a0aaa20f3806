package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tamperFile changes a database behind Needlelog's back, as anyone with a SQLite tool could: with
// the protective triggers lifted for the change and put back after it.
func tamperFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%RAISE(ABORT%'`)
	if err != nil {
		t.Fatal(err)
	}
	var drops, creates []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		drops, creates = append(drops, `DROP TRIGGER "`+name+`"`), append(creates, def)
	}
	rows.Close()
	for _, q := range append(append(drops, stmts...), creates...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

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
			tamperFile(t, path, tc.stmts...)
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
