package main

import (
	"fmt"
	"io"

	"needlelog.app/needlelog"
)

// isVersionArg tells whether the command line asks for the version, which is answered without a
// display or a database.
func isVersionArg(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "version", "-version", "--version":
		return true
	}
	return false
}

// printVersion prints the name, version and build FyneApp.toml gives, as the installers carry them.
func printVersion(args []string, out, errOut io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintf(errOut, "needlelog %s: takes no arguments, but was given %q\n", args[0], args[1])
		return 2
	}
	fmt.Fprintln(out, needlelog.CurrentRelease())
	return 0
}
