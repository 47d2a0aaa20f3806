package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlstore"
)

func TestServerErrorsAreSaidInTheDomainsTerms(t *testing.T) {
	for _, c := range []struct {
		err  error
		want error
	}{
		{&pgconn.PgError{Code: "23505", Message: "duplicate key"}, data.ErrDuplicate},
		{&pgconn.PgError{Code: "23503", Message: "violates foreign key"}, data.ErrBadReference},
		{&pgconn.PgError{Code: "NL001", Message: "signed session is read-only"}, data.ErrSigned},
		{fmt.Errorf("save: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection"}), ErrServerLost},
		{&net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, ErrServerLost},
	} {
		got := sqlstore.MapError(c.err)
		if !errors.Is(got, c.want) {
			t.Errorf("%v is said as %v, want %v", c.err, got, c.want)
		}
		if errors.Is(c.want, ErrServerLost) && strings.Contains(got.Error(), "reset by peer") {
			t.Errorf("a lost connection is said with the driver's words: %v", got)
		}
	}
	gaveUp := fmt.Errorf("read: %w", context.DeadlineExceeded)
	if got := sqlstore.MapError(gaveUp); errors.Is(got, ErrServerLost) {
		t.Errorf("a caller's own deadline is said as %v", got)
	}
	other := &pgconn.PgError{Code: "22P02"}
	if got := sqlstore.MapError(other); got != error(other) {
		t.Errorf("an error of no data kind became %v", got)
	}
}
