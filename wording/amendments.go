package wording

import (
	"fmt"
	"strings"

	"needlelog.app/needlelog/data"
)

// AmendmentLines says one amendment of a signed session, as the session editor and the printed
// records list it: when, by whom and why, then each field it changed, old → new.
//
//	Amendment 1, 10 Mar 2026, 14:30 by Dr Lee: depth typed wrong
//	Cheeks: depth (mm): 2.5 → 1.5
func AmendmentLines(a data.Amendment, who string) []string {
	lines := []string{fmt.Sprintf("Amendment %d, %s by %s: %s", a.N, DateTime(a.At), who, a.Reason)}
	for _, c := range a.Changes {
		lines = append(lines, c.Label+": "+orDash(c.Old)+" → "+orDash(c.New))
	}
	return lines
}

// AmendedAfterSigning says how often a signed record was changed since: "amended once after signing".
func AmendedAfterSigning(n int) string {
	return Plural(n, "amended once after signing", "amended %d times after signing")
}

// orDash shows an empty value as a dash, so that a field set or cleared reads as such.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
