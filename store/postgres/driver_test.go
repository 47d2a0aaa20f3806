package postgres

import (
	"database/sql/driver"
	"testing"
)

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT * FROM t WHERE a = ? AND b = ?`, `SELECT * FROM t WHERE a = $1 AND b = $2`},
		{`VALUES (?, ?), (?, ?)`, `VALUES ($1, $2), ($3, $4)`},
		{`WHERE a = ?2 OR b = ?1`, `WHERE a = $2 OR b = $1`},
		{`WHERE a = '?' AND b = ?`, `WHERE a = '?' AND b = $1`},
		{`WHERE a = 'it''s ?' AND b = ?`, `WHERE a = 'it''s ?' AND b = $1`},
		{`SELECT "odd?name" FROM t WHERE x = ?`, `SELECT "odd?name" FROM t WHERE x = $1`},
		{"SELECT ? -- why? because\nFROM t WHERE y = ?", "SELECT $1 -- why? because\nFROM t WHERE y = $2"},
		{`SELECT /* a ? here */ ? FROM t`, `SELECT /* a ? here */ $1 FROM t`},
		{`SELECT 'unterminated ?`, `SELECT 'unterminated ?`},
		{`SELECT ? /* unterminated ?`, `SELECT $1 /* unterminated ?`},
		{"SELECT ? -- last line ?", "SELECT $1 -- last line ?"},
		{`SELECT a - ? FROM t`, `SELECT a - $1 FROM t`},
		{`SELECT a / ? FROM t`, `SELECT a / $1 FROM t`},
		{`SELECT '' || ?`, `SELECT '' || $1`},
	} {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBoolsAreSentAsIntegers(t *testing.T) {
	c := &rebindConn{}
	for in, want := range map[bool]int64{true: 1, false: 0} {
		nv := &driver.NamedValue{Ordinal: 1, Value: in}
		if err := c.CheckNamedValue(nv); err != nil {
			t.Fatal(err)
		}
		if nv.Value != want {
			t.Errorf("%v is sent as %v (%T), want %d", in, nv.Value, nv.Value, want)
		}
	}
}
