package wording_test

import (
	"testing"

	"needlelog.app/needlelog/wording"
)

func TestQuoted(t *testing.T) {
	for in, want := range map[string]string{
		`C:\users\Public\Documents\Clínica São José\clinic.db`: `"C:\users\Public\Documents\Clínica São José\clinic.db"`,
		"/home/ana/Needlelog/clinic.db":                        `"/home/ana/Needlelog/clinic.db"`,
		"two\nlines.db":                                        `"two\nlines.db"`,
		`say "hi".pdf`:                                         `"say \"hi\".pdf"`,
		"bell\a.pdf":                                           `"bell\a.pdf"`,
		"no-break\u00a0space.pdf":                              `"no-break\u00a0space.pdf"`,
		"":                                                     `""`,
		"bad\xffutf8.jpg":                                      `"bad\xffutf8.jpg"`,
		"Ann\u202egpj.exe":                                     `"Ann\u202egpj.exe"`,
		"zero\u200bwidth.jpg":                                  `"zero\u200bwidth.jpg"`,
	} {
		if got := wording.Quoted(in); got != want {
			t.Errorf("Quoted(%q) = %s, want %s", in, got, want)
		}
	}
}
