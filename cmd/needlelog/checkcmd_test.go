package main

import (
	"regexp"
	"strings"
	"testing"
)

// check on a practice on the clinic's server gives a verdict as on a file: what it covers, the
// server's triggers and functions as Needlelog made them, every photo's files on the server, and
// exit 0; a trigger dropped, or a photo's file gone, is named and exits 1.
func TestCheckOnAServerPractice(t *testing.T) {
	serverEnv(t)
	_, app, _ := initPractice(t)
	if code, out, errOut := runCLI(t, "demo", "--db", app, "--clients", "6", "--sessions", "12", "--photos", "3"); code != 0 {
		t.Fatalf("demo onto the server: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, "check", "--db", app)
	for _, want := range []string{
		`(?m)^checked:\s+the server's triggers and functions, its photo files and the number of records; the server keeps its tables whole itself, and needlelog verify checks`,
		`(?m)^design:\s+as Needlelog made it \(its triggers and functions\)$`,
		`(?m)^photo files:\s+on the server for each of the \d+ photos`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("check on the server does not say %s:\n%s", want, out)
		}
	}
	if code != 0 {
		t.Errorf("check on a sound server practice: exit %d\n%s%s", code, out, errOut)
	}

	// A photo's file gone from the server (as a superuser could remove it, triggers aside).
	asAdmin(t, app, `SET session_replication_role = replica`,
		`DELETE FROM photo_files WHERE sha256 = (SELECT sha256 FROM photos ORDER BY id LIMIT 1)`)
	code, out, errOut = runCLI(t, "check", "--db", app)
	if code != 1 || !regexp.MustCompile(`(?m)^photo files:\s+1 of the \d+ photos lacks files on the server`).MatchString(out) ||
		!strings.Contains(out, "  photo ") {
		t.Errorf("check on a server lacking a photo's file: exit %d\n%s%s", code, out, errOut)
	}

	// A trigger dropped by an administrator.
	asAdmin(t, app, `DROP TRIGGER audit_log_append_only ON audit_log`)
	code, out, errOut = runCLI(t, "check", "--db", app)
	if code != 1 || !regexp.MustCompile(`(?m)^design:\s+1 change\(s\) made outside Needlelog`).MatchString(out) ||
		!strings.Contains(out, "  The server's trigger audit_log_append_only on audit_log, which keeps the audit log append-only, has been removed") {
		t.Errorf("check on a server with a trigger dropped: exit %d\n%s%s", code, out, errOut)
	}
}

// check -h is wrapped as written: no line of a paragraph is broken into a stub by the help's
// 100 columns, as "(BitLocker, FileVault, LUKS): a" once was.
func TestCheckHelpIsWrappedWhole(t *testing.T) {
	for _, args := range [][]string{{"check"}, {"demo"}, {"decrypt"}, {"import", "clients"}, {"import", "photos"}} {
		_, _, help := runCLI(t, append(args, "-h")...)
		about, _, _ := strings.Cut(help, "\nFlags:")
		for _, para := range strings.Split(about, "\n\n")[1:] { // the usage line first
			lines := strings.Split(strings.TrimSpace(para), "\n")
			for _, line := range lines[:len(lines)-1] {
				if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "-") {
					continue // a list's items
				}
				if w := columns(line); w < 80 || w > helpWidth {
					t.Errorf("%s -h has a line of %d columns within a paragraph: %q", strings.Join(args, " "), w, line)
				}
			}
		}
	}
}
