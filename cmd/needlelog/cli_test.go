package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// runCLI runs the command line in-process and returns its exit code, standard output and standard error.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// demoFile writes a small demo practice and returns its path.
func demoFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.db")
	code, out, errOut := runCLI(t, "demo", "--db", path, "--clients", "30", "--sessions", "120")
	if code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "30 clients, 120 sessions") {
		t.Fatalf("demo said %q", out)
	}
	return path
}

func TestDemoThenCheck(t *testing.T) {
	path := demoFile(t)
	code, out, errOut := runCLI(t, "check", "--db", path)
	if code != 0 {
		t.Fatalf("check: exit %d: %s%s", code, out, errOut)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, _ := strings.Cut(line, ":")
		got[k] = strings.TrimSpace(v)
	}
	for k, want := range map[string]string{"integrity": "ok", "design": "as Needlelog made it", "clients": "30", "sessions": "120",
		"schema version": fmt.Sprintf("%d (this version of Needlelog writes %[1]d)", sqlite.SchemaVersion())} {
		if got[k] != want {
			t.Errorf("check says %s: %q, want %q\n%s", k, got[k], want, out)
		}
	}
}

func TestDemoRefusesAnExistingFile(t *testing.T) {
	path := demoFile(t)
	before, _ := os.ReadFile(path)
	code, _, errOut := runCLI(t, "demo", "--db", path)
	if code == 0 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("demo over an existing file: exit %d, %q", code, errOut)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("demo changed an existing file")
	}
}

func TestClientsAndSessions(t *testing.T) {
	path := demoFile(t)
	code, out, errOut := runCLI(t, "clients", "--db", path)
	if code != 0 {
		t.Fatalf("clients: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 30 {
		t.Fatalf("clients listed %d lines, want 30:\n%s", len(lines), out)
	}
	id, name, ok := strings.Cut(lines[0], "\t")
	if !ok || len(id) != 36 || name == "" {
		t.Fatalf("client line %q is not ID<tab>name", lines[0])
	}

	// Searching by the first word of a name finds that client, flags given after the text too.
	first := strings.Fields(name)[0]
	code, out, _ = runCLI(t, "clients", first, "--db", path)
	if code != 0 || !strings.Contains(out, id+"\t"+name+"\n") {
		t.Fatalf("search %q: exit %d:\n%s", first, code, out)
	}
	if code, out, _ = runCLI(t, "clients", "--db", path, "zzzznobody"); code != 0 || out != "" {
		t.Fatalf("search for nobody: exit %d, %q", code, out)
	}

	code, out, errOut = runCLI(t, "sessions", "--db", path, "--client", id)
	if code != 0 {
		t.Fatalf("sessions: exit %d: %s", code, errOut)
	}
	sessions := strings.Split(strings.TrimSpace(out), "\n")
	var prev string
	for _, l := range sessions {
		f := strings.Split(l, "\t")
		if len(f) != 3 || len(f[0]) != 36 || len(f[1]) != len("2006-01-02 15:04") || f[2] == "" {
			t.Fatalf("session line %q is not ID<tab>date<tab>zones", l)
		}
		if prev != "" && f[1] > prev {
			t.Fatalf("sessions not newest first: %s after %s", f[1], prev)
		}
		prev = f[1]
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte(strings.Repeat("shopping list\n", 200)), 0o600)
	newer := filepath.Join(dir, "newer.db")
	if code, _, errOut := runCLI(t, "demo", "--db", newer, "--clients", "2"); code != 0 {
		t.Fatal(errOut)
	}
	sqlitetest.MarkNewer(t, newer)
	demo := demoFile(t)

	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", "--db", missing}, 1, "does not exist"},
		{[]string{"clients", "--db", missing}, 1, "does not exist"},
		{[]string{"check", "--db", notDB}, 1, "not a Needlelog database"},
		{[]string{"check", "--db", newer}, 1, "newer version of Needlelog"},
		{[]string{"check", "--db", dir}, 1, "folder"},
		{[]string{"check"}, 2, "--db PATH is required"},
		{[]string{"sessions", "--db", demo}, 2, "--client ID is required"},
		{[]string{"sessions", "--db", demo, "--client", "nope"}, 1, "no client with ID nope"},
		{[]string{"check", "--db", demo, "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"demo", "--db", filepath.Join(dir, "x.db"), "--clients", "0"}, 2, "--clients must be 1 or more"},
		{[]string{"demo", "--db", filepath.Join(dir, "x.db"), "--photo-size", "8k"}, 2, "--photo-size is drawn or 12mp"},
		{[]string{"demo", "--db", filepath.Join(dir, "x.db"), "--photos=many"}, 2, "give a number of photos"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
	}
	for _, tc := range cases {
		code, out, errOut := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
		if lines := strings.Count(strings.TrimSpace(errOut), "\n"); tc.code == 1 && lines > 0 {
			t.Errorf("%v: error is %d lines, want one sentence:\n%s", tc.args, lines+1, errOut)
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatal("a command created the missing database")
	}
	if b, _ := os.ReadFile(notDB); !strings.HasPrefix(string(b), "shopping list") {
		t.Fatal("a command changed a file that is not a database")
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runCLI(t, "help")
	for _, c := range commands {
		if !strings.Contains(out, c.name) {
			t.Errorf("help lacks %s", c.name)
		}
	}
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	for _, c := range commands {
		code, _, errOut := runCLI(t, c.name, "-h")
		onPractice := c.name != "decrypt" // decrypt reads a file received, not a practice
		if code != 0 || !strings.Contains(errOut, "Usage: needlelog "+c.name) || onPractice && !strings.Contains(errOut, "-db") {
			t.Errorf("%s -h: exit %d:\n%s", c.name, code, errOut)
		}
	}
}

func TestCheckRefusesAStrayArgument(t *testing.T) {
	code, _, errOut := runCLI(t, "check", "--db", "practice.db", "practice.db")
	if code != 2 || !strings.Contains(errOut, `unexpected argument "practice.db"`) {
		t.Fatalf("check with a stray argument: exit %d, %q", code, errOut)
	}
}

func TestTheAppWithoutADisplaySaysSo(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("Windows and macOS always have a display for a desktop app")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	code, _, errOut := runCLI(t, "--db", filepath.Join(t.TempDir(), "practice.db"))
	if code != 1 || !strings.Contains(errOut, "no display") || strings.Contains(errOut, "panic") {
		t.Fatalf("the app without a display: exit %d, %q", code, errOut)
	}
}

// "--photos N" makes N photos, however the number is given.
func TestDemoMakesTheNumberOfPhotosAsked(t *testing.T) {
	t.Parallel()
	for _, photos := range [][]string{{"--photos", "4"}, {"--photos=4"}} {
		path := filepath.Join(t.TempDir(), "demo.db")
		args := append([]string{"demo", "--db", path, "--clients", "20", "--sessions", "60"}, photos...)
		code, out, errOut := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, " 4 photos") {
			t.Errorf("%v: exit %d, %q, %q; want 4 photos", photos, code, out, errOut)
		}
	}
}
