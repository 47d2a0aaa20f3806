package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets a test run this binary as the needlelog command itself: with NEEDLELOG_RUN_CLI
// set, the arguments after "--" are the command line. The package initialisation that runs
// before main (Fyne's reading of the locale among it) is then the real program's.
func TestMain(m *testing.M) {
	if os.Getenv("NEEDLELOG_RUN_CLI") == "1" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		os.Exit(run(context.Background(), args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runProcess runs the command line in a process of its own with the given locale settings and
// nothing else of the caller's locale.
func runProcess(t *testing.T, locale []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--"}, args...)...)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "NEEDLELOG_RUN_CLI=1")
	cmd.Env = append(cmd.Env, locale...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// A cron job mails whatever a command writes to standard error; under the C locales cron and
// Docker give, a command that succeeds writes nothing there (Fyne's locale complaint included).
func TestSuccessfulCommandsAreQuietUnderPOSIXLocales(t *testing.T) {
	db := demoFile(t)
	dir := t.TempDir()
	for i, locale := range [][]string{{"LANG=C"}, {"LANG=C.UTF-8"}, {"LC_ALL=C.UTF-8"}, {"LANG=POSIX"}, {"LANG=en_GB.UTF-8", "LC_MESSAGES=C.utf8"}} {
		for _, args := range [][]string{
			{"check", "--db", db},
			{"clients", "--db", db},
			{"export", "sheets", "--db", db, "--format", "csv", "-o", filepath.Join(dir, strings.Repeat("x", i+1))},
		} {
			code, out, errOut := runProcess(t, locale, args...)
			if code != 0 || errOut != "" {
				t.Errorf("%s needlelog %s: exit %d, standard error %q", strings.Join(locale, " "), strings.Join(args, " "), code, errOut)
			}
			if out == "" && args[0] != "export" {
				t.Errorf("%s needlelog %s printed nothing", strings.Join(locale, " "), args[0])
			}
		}
	}
}
