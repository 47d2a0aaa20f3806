package postgres

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"needlelog.app/needlelog/store/sqlstore"
)

// The ways a connection ends when the server is stopped under it, as database/sql and pgx give
// them, are said as the server lost, never in their own words: an answer cut short (pgx's
// "unexpected EOF"), and a connection database/sql found dead inside a transaction, which it
// cannot retry ("driver: bad connection").
func TestConnectionsTheServerEndedAreSaidAsTheServerLost(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("wait for the lock: %w", io.ErrUnexpectedEOF),
		fmt.Errorf("read key: %w", driver.ErrBadConn),
		driver.ErrBadConn,
	} {
		got := sqlstore.MapError(err)
		if !errors.Is(got, ErrServerLost) {
			t.Errorf("%q is said as %q, want ErrServerLost", err, got)
		}
		for _, w := range []string{"EOF", "driver", "bad connection"} {
			if strings.Contains(got.Error(), w) {
				t.Errorf("%q is said with the driver's words: %q", err, got)
			}
		}
	}
}
