// Package locale makes a POSIX locale such as C.UTF-8 readable to Fyne before Fyne reads it.
//
// Fyne's lang package reads the locale in its package initialisation, before main runs, and
// logs "Error parsing user locale C" to standard error when LC_ALL, LC_MESSAGES or LANG is
// C.UTF-8 (cron, Docker, CI): go-locale strips the codeset and hands "C" to a BCP 47 parser. A
// command that succeeds must write nothing there, so this package, imported by the main
// package, says "en" through LANGUAGE, which go-locale consults for every locale but plain C
// and POSIX (those it already reads as English, silently). It runs first because Go initialises
// ready packages in import-path order ("early.…" before "fyne.io/…"), which is why it is a
// module of its own. Child processes inherit LANGUAGE=en only in this case, where their
// messages are English anyway.
package locale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	if posixWithCodeset(effective()) {
		os.Setenv("LANGUAGE", "en")
	}
}

// effective is the locale that names the messages' language: the first of LC_ALL, LC_MESSAGES
// and LANG that is set.
func effective() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// posixWithCodeset reports a C or POSIX locale with a codeset or modifier ("C.UTF-8", "POSIX@x").
func posixWithCodeset(l string) bool {
	base, _, _ := strings.Cut(l, "@")
	base, _, _ = strings.Cut(base, ".")
	return (base == "C" || base == "POSIX") && base != l
}
