package main

import (
	"bytes"
	"strings"
	"testing"
)

// helpArgs are the ways to ask for help: the general help, every command's -h, and each kind's
// of the commands that have kinds.
func helpArgs() [][]string {
	all := [][]string{{"help"}}
	for _, c := range commands {
		all = append(all, []string{c.name, "-h"})
	}
	for _, k := range exportKinds {
		all = append(all, []string{"export", k.name, "-h"})
	}
	return append(all, []string{"import", "photos", "-h"}, []string{"import", "clients", "-h"})
}

// TestHelpFitsA100ColumnTerminal: no line of any help, flag lines included, is wider than 100
// columns, so that none wraps in a Windows console or a terminal of usual width.
func TestHelpFitsA100ColumnTerminal(t *testing.T) {
	for _, args := range helpArgs() {
		code, out, errOut := runCLI(t, args...)
		if code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		for _, line := range strings.Split(out+errOut, "\n") {
			if strings.Contains(line, "default database:") {
				continue // the user's own path, which may be of any length
			}
			if w := columns(line); w > 100 {
				t.Errorf("%v: a line of %d columns:\n%s", args, w, line)
			}
		}
	}
}

// TestHelpCommandIsTheCommandsHelp: "help COMMAND" says what "COMMAND -h" does, on standard
// output, with exit code 0.
func TestHelpCommandIsTheCommandsHelp(t *testing.T) {
	for _, args := range helpArgs()[1:] {
		_, _, want := runCLI(t, args...)
		help := append([]string{"help"}, args[:len(args)-1]...)
		code, out, errOut := runCLI(t, help...)
		if code != 0 || out != want || errOut != "" {
			t.Errorf("%v: exit %d, %q on standard error; it says\n%s\nwant\n%s", help, code, errOut, out, want)
		}
	}
	if code, _, errOut := runCLI(t, "help", "bakup"); code != 2 || !strings.Contains(errOut, `no command "bakup"`) {
		t.Errorf("help of an unknown command: exit %d, %q", code, errOut)
	}
}

// TestHelpNamesTheConsoleProgram: on Windows the console program is needlelog-cli.exe
// (Needlelog.exe is the window's), and the help's usage lines name it; elsewhere needlelog.
func TestHelpNamesTheConsoleProgram(t *testing.T) {
	for goos, want := range map[string]string{"windows": "needlelog-cli", "linux": "needlelog", "darwin": "needlelog"} {
		var b bytes.Buffer
		usageFor(&b, goos, "practice.db")
		text := b.String()
		for _, line := range []string{"  " + want + " [--db PATH] ", "  " + want + " COMMAND [flags] ", "  " + want + " --version ",
			"Run '" + want + " COMMAND -h'"} {
			if !strings.Contains(text, line) {
				t.Errorf("%s: the help lacks %q:\n%s", goos, line, text)
			}
		}
		if goos != "windows" && strings.Contains(text, "needlelog-cli") {
			t.Errorf("%s: the help names needlelog-cli:\n%s", goos, text)
		}
	}
}

// TestDecryptHelpNamesItsInput: decrypt's help calls the encrypted file IN, as its usage line does
// (FILE there is the passphrase file).
func TestDecryptHelpNamesItsInput(t *testing.T) {
	_, _, help := runCLI(t, "decrypt", "-h")
	if !strings.Contains(help, "[-o OUT] IN.age") || !strings.Contains(strings.Join(strings.Fields(help), " "), "Without -o, OUT is IN without its .age") {
		t.Errorf("decrypt -h says:\n%s", help)
	}
}

// TestBackupHelpIsInParagraphs: backup's help is in short paragraphs, not one block.
func TestBackupHelpIsInParagraphs(t *testing.T) {
	_, _, help := runCLI(t, "backup", "-h")
	about, _, _ := strings.Cut(help, "\nFlags:")
	for i, p := range strings.Split(about, "\n\n") {
		if n := strings.Count(strings.TrimSpace(p), "\n") + 1; n > 8 {
			t.Errorf("paragraph %d of backup -h is %d lines:\n%s", i+1, n, p)
		}
	}
}
