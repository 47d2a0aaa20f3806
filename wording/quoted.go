package wording

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quoted puts a file's name or path in double quotes for a sentence, as the practitioner would
// type it: Windows paths keep their single backslashes. A name holding a double quote or a
// character that is not plainly visible (a line break, a control character, a direction override,
// a zero-width character, invalid UTF-8) is written as Go would quote it, escapes and all, so that
// the sentence stays one line and says exactly what is there.
func Quoted(name string) string {
	if !utf8.ValidString(name) || strings.ContainsRune(name, '"') || strings.ContainsFunc(name, func(r rune) bool {
		return !unicode.IsPrint(r) && r != ' '
	}) {
		return strconv.Quote(name)
	}
	return `"` + name + `"`
}
