package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlstore"
)

// A change the server refuses for want of a right is said as one sentence naming who can allow
// it, never in the server's words.
func TestAChangeThePCsRoleMayNotMakeIsSaid(t *testing.T) {
	got := sqlstore.MapError(&pgconn.PgError{Code: "42501", Message: "permission denied for table drafts"})
	if !errors.Is(got, ErrNotPermitted) || got.Error() != ErrNotPermitted.Error() {
		t.Errorf("SQLSTATE 42501 is said as %q, want %q", got, ErrNotPermitted)
	}

	// On the server: the administrator has taken away the right to save drafts.
	ctx := context.Background()
	c := newClinic(t)
	client := testkit.CreateClient(t, c.a, "Draft", "Refused")
	c.exec(t, `REVOKE INSERT, UPDATE ON drafts FROM `+ident(c.o.AppRole))
	err := c.a.SaveDraft(ctx, &data.Draft{ClientID: client.ID, Form: []byte("{}")})
	if !errors.Is(err, ErrNotPermitted) {
		t.Fatalf("saving a draft without the right: %v, want ErrNotPermitted", err)
	}
	if msg := err.Error(); strings.Contains(msg, "permission denied") || strings.Contains(msg, "SQLSTATE") ||
		!strings.Contains(msg, "is not allowed to make that change: the server's administrator decides what each PC may do") {
		t.Errorf("saving a draft without the right is said as %q", msg)
	}
}
