package main

import (
	"strings"
	"testing"
)

// TestImportClientsRefusesAQuoteThatTakesInRows: a quote opened on line 11 and closed on line 13
// would store the rows between inside one client's notes; the file is refused, naming both lines,
// and nothing is imported. A file that imports says how many rows it read, and the counts add up.
func TestImportClientsRefusesAQuoteThatTakesInRows(t *testing.T) {
	db := newPractice(t)
	code, out, errOut := runCLI(t, "import", "clients", "--db", db, clientFixture("swallowed-rows.csv"))
	if code != 1 || strings.Contains(out, "imported") ||
		!strings.Contains(errOut, "line 11: a quote opens a value there that runs on to line 13, where it closes, and takes in line 12") ||
		strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
	if got := checkCounts(t, db)["clients"]; got != "0" {
		t.Errorf("the practice has %s clients after a refused file", got)
	}
	code, out, errOut = runCLI(t, "import", "clients", "--db", db, clientFixture("multiline-address-commas.csv"))
	if code != 0 || !strings.Contains(out, "2 rows read: 2 imported, 0 already in the practice, 0 not imported\n") {
		t.Errorf("a multi-line address: exit %d, out %q, err %q", code, out, errOut)
	}
}
