package sqlite_test

import (
	"strings"
	"testing"

	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// verify on a SQLite file says what the file guarantees: triggers, which whoever can write the
// file can drop.
func TestVerifySaysWhatTheFileGives(t *testing.T) {
	s, _ := sqlitetest.OpenStore(t)
	rep := mustVerify(t, s)
	for _, part := range []string{
		"Signed sessions are read-only by triggers in the file; whoever can write the file can drop them.",
		"The audit log is append-only by triggers only",
		"the operating system's file permissions",
		"verify recomputes the audit log's hash chain",
	} {
		found := false
		for _, g := range rep.Gives {
			found = found || strings.Contains(g, part)
		}
		if !found {
			t.Errorf("verify gives %q, nothing saying %q", rep.Gives, part)
		}
	}
}
