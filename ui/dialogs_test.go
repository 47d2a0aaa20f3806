package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
)

func TestErrorSentenceNeverShowsProgramText(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("update client 42: %w", data.ErrConflict), "Could not save the client: it was changed elsewhere"},
		{fmt.Errorf("client 42: %w", data.ErrNotFound), "Could not save the client: the record no longer exists"},
		{fmt.Errorf("update client 42: %w: sqlite: disk full (13)", data.ErrDiskFull), "Could not save the client: the disk is full. Nothing already saved is lost and what you typed is still here"},
		{fmt.Errorf("open /x/42.db: %w: sqlite: attempt to write a readonly database (8)", data.ErrReadOnlyFile), "Could not save the client: this computer does not let Needlelog write"},
		{fmt.Errorf("client 42: %w", data.ErrReadOnlyMode), "Could not save the client: the practice is open read-only in this window"},
		{fmt.Errorf("open 42: %w", data.ErrDamaged), "Could not save the client: the database file is damaged"},
		{errors.New("sql: database is closed"), "Could not save the client. Try again; if it keeps happening, restart Needlelog."},
	} {
		got := errorSentence("save the client", tc.err)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%v reads %q, want it to start %q", tc.err, got, tc.want)
		}
		if strings.Contains(got, "sql:") || strings.Contains(got, "42") {
			t.Errorf("%q shows the program's own text", got)
		}
	}
}
