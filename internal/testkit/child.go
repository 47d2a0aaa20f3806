package testkit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Some tests need a process of their own: one to kill in the middle of a save, one whose file size
// is limited, one that runs as another user. They re-run the test binary, running only their own
// top-level test, with ChildEnv naming the body the child runs instead of the parent's.
const ChildEnv = "NEEDLELOG_TEST_CHILD"

// ChildLinePrefix starts every line a child reports to its parent, so the parent reads its
// reports apart from whatever else the test binary prints.
const ChildLinePrefix = "NEEDLELOG-CHILD "

// ChildDone is the report a child body makes when it has run to its end: a test binary that
// matched no test would pass too, having run nothing.
const ChildDone = "done"

// ChildBody is the body this process was started to run, "" in an ordinary test run.
func ChildBody() string { return os.Getenv(ChildEnv) }

// ChildCommand returns a command that re-runs the test binary at exe (this one when exe is ""),
// running only the top-level test testName with the child body named body. env is added to the
// child's environment.
func ChildCommand(t testing.TB, exe, testName, body string, env ...string) *exec.Cmd {
	t.Helper()
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			t.Fatalf("find the test binary: %v", err)
		}
	}
	// -test.v=false: the parent reads the child's stdout, which must hold only reports and the
	// final PASS or FAIL.
	cmd := exec.Command(exe, "-test.run=^"+testName+"$", "-test.count=1", "-test.v=false", "-test.timeout=5m")
	cmd.Env = append(append(os.Environ(), ChildEnv+"="+body), env...)
	return cmd
}

// ChildReport writes one report line to stdout in a single write: a write of a whole line is
// either all in the pipe or, if the child is killed first, not at all (up to the pipe's atomic
// size; a longer line cut short does not parse and counts as not made).
func ChildReport(t testing.TB, kind string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("report %s: %v", kind, err)
	}
	line := ChildLinePrefix + kind + " " + string(b) + "\n"
	if _, err := os.Stdout.WriteString(line); err != nil {
		t.Fatalf("report %s: %v", kind, err)
	}
}

// ChildLine is one report read back from a child.
type ChildLine struct {
	Kind string
	JSON []byte
}

// ReadChildLines reads r to its end and returns the child's reports, in order, and everything else
// it printed, for failure messages; onLine, when not nil, sees each report as it comes. A last
// line without its newline was cut short by a kill and is dropped.
func ReadChildLines(r io.Reader, onLine func(ChildLine)) (lines []ChildLine, other string, err error) {
	var rest strings.Builder
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			if kind, body, ok := parseChildLine(line); ok {
				lines = append(lines, ChildLine{Kind: kind, JSON: body})
				if onLine != nil {
					onLine(lines[len(lines)-1])
				}
			} else {
				rest.Write(line)
			}
		} else if len(line) > 0 && !bytes.HasPrefix(line, []byte(ChildLinePrefix)) {
			rest.Write(line)
		}
		if err == io.EOF {
			return lines, rest.String(), nil
		}
		if err != nil {
			return lines, rest.String(), err
		}
	}
}

func parseChildLine(line []byte) (kind string, body []byte, ok bool) {
	rest, ok := bytes.CutPrefix(bytes.TrimRight(line, "\r\n"), []byte(ChildLinePrefix))
	if !ok {
		return "", nil, false
	}
	k, body, ok := bytes.Cut(rest, []byte(" "))
	if !ok || !json.Valid(body) {
		return "", nil, false
	}
	return string(k), body, true
}

// DecodeChild decodes a report's JSON into v, failing the test when it does not fit.
func DecodeChild(t testing.TB, l ChildLine, v any) {
	t.Helper()
	if err := json.Unmarshal(l.JSON, v); err != nil {
		t.Fatalf("child's %s report %s: %v", l.Kind, l.JSON, err)
	}
}

// RunChild runs a child to its end and returns its reports; the test fails, showing what the child
// printed, when it fails or never reports that its body ran to the end.
func RunChild(t testing.TB, cmd *exec.Cmd) []ChildLine {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	lines, other, readErr := ReadChildLines(out, nil)
	waitErr := cmd.Wait()
	if readErr != nil {
		t.Fatalf("read child's output: %v", readErr)
	}
	done := len(lines) > 0 && lines[len(lines)-1].Kind == ChildDone
	if waitErr != nil || !done {
		t.Fatalf("child %v: %v (ran to its end: %v)\nstdout:\n%s\nstderr:\n%s", cmd.Args, waitErr, done, other, stderr.String())
	}
	return lines[:len(lines)-1]
}
