//go:build unix

package testkit

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// A test's own cluster stops, by a crash or cleanly, and starts again at the same address, keeping
// its databases and every commit it acknowledged.
func TestPgClusterStopsAndStartsAtTheSameAddress(t *testing.T) {
	ctx := context.Background()
	c := StartPgCluster(t)
	db := c.Database(t)
	exec := func(statement string) error {
		conn, err := pgx.Connect(ctx, db)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, statement)
		return err
	}
	if err := exec("CREATE TABLE kept (n int)"); err != nil {
		t.Fatal(err)
	}
	for n, mode := range []string{"immediate", "fast"} {
		if err := exec("INSERT INTO kept VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		c.Stop(t, mode)
		if err := exec("SELECT 1"); err == nil {
			t.Fatalf("the cluster answers after stop -m %s", mode)
		}
		c.Start(t)
		conn, err := pgx.Connect(ctx, db)
		if err != nil {
			t.Fatalf("after stop -m %s and start: %v", mode, err)
		}
		var rows int
		err = conn.QueryRow(ctx, "SELECT count(*) FROM kept").Scan(&rows)
		conn.Close(ctx)
		if err != nil || rows != n+1 {
			t.Fatalf("after stop -m %s and start the table holds %d rows (%v), want %d", mode, rows, err, n+1)
		}
	}
}
