package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// fyneAppDetail reads one value of FyneApp.toml's [Details] as the file itself writes it,
// without the code under test.
func fyneAppDetail(t *testing.T, key string) string {
	t.Helper()
	b, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*` + key + `\s*=\s*"?([^"\n]*?)"?\s*$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("FyneApp.toml has no %s", key)
	}
	return string(m[1])
}

// The version a clinic reads out to support is the one fyne package stamps on the installers.
func TestVersionPrintsFyneAppValues(t *testing.T) {
	want := fyneAppDetail(t, "Name") + " " + fyneAppDetail(t, "Version") + " (build " + fyneAppDetail(t, "Build") + ")\n"
	for _, arg := range []string{"--version", "version", "-version"} {
		// In a process of its own, without a display, as a script or support call would run it.
		code, out, errOut := runProcess(t, []string{"DISPLAY=", "WAYLAND_DISPLAY="}, arg)
		if code != 0 || out != want || errOut != "" {
			t.Errorf("needlelog %s: exit %d, out %q, err %q; want %q", arg, code, out, errOut, want)
		}
	}
}

func TestVersionTakesNoOtherArguments(t *testing.T) {
	code, out, errOut := runCLI(t, "version", "extra")
	if code != 2 || out != "" || !strings.Contains(errOut, "takes no arguments") {
		t.Errorf("needlelog version extra: exit %d, out %q, err %q; want a usage error", code, out, errOut)
	}
}
