package practice_test

import (
	"context"
	"errors"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/postgres"
)

func TestIsServer(t *testing.T) {
	for db, want := range map[string]bool{
		"postgres://app@clinic-server/needlelog":                   true,
		"postgresql://app@10.0.0.5:5432/needlelog?sslmode=require": true,
		"POSTGRES://app@clinic-server/needlelog":                   true,
		"clinic.db":                                                false,
		`C:\Users\Praxis\postgres.db`:                              false,
		"postgres.db":                                              false,
		"./postgres://x":                                           false,
		"":                                                         false,
	} {
		if got := practice.IsServer(db); got != want {
			t.Errorf("IsServer(%q) = %v, want %v", db, got, want)
		}
	}
}

// TestOpenServerClaimsPerPC: a second writer on the same PC is refused (ErrInUse) while the
// first holds the practice on the server; another PC (another account's data folder) opens it
// alongside; once the first lets go, this PC opens it again.
func TestOpenServerClaimsPerPC(t *testing.T) {
	ctx := context.Background()
	url := testkit.Postgres(t)
	pcA, pcB := t.TempDir(), t.TempDir()

	onPC(t, pcA)
	s1, c1, err := practice.OpenServer(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := practice.OpenServer(ctx, url, postgres.Options{}); !errors.Is(err, data.ErrInUse) {
		t.Fatalf("a second writer on the same PC: %v, want ErrInUse", err)
	}

	onPC(t, pcB)
	s2, c2, err := practice.OpenServer(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatalf("another PC could not open the practice while the first has it: %v", err)
	}
	s2.Close()
	c2.Release()

	onPC(t, pcA)
	s1.Close()
	c1.Release()
	s3, c3, err := practice.OpenServer(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatalf("after the first let go: %v", err)
	}
	s3.Close()
	c3.Release()
}

// TestOpenServerUnreachableLeavesNoClaim: a server that cannot be reached is said as such, and
// the PC's claim is let go, so the next try is not refused as in use.
func TestOpenServerUnreachableLeavesNoClaim(t *testing.T) {
	ctx := context.Background()
	onPC(t, t.TempDir())
	url := "postgres://nobody@127.0.0.1:1/needlelog?connect_timeout=2&sslmode=disable"
	for range 2 {
		if _, _, err := practice.OpenServer(ctx, url, postgres.Options{Password: "x"}); !errors.Is(err, postgres.ErrUnreachable) {
			t.Fatalf("OpenServer of a closed port: %v, want ErrUnreachable", err)
		}
	}
}

// onPC makes dir the account's data folder, as another PC's would be: where DefaultPath, and so
// a PC's claim on a server practice, goes on each system.
func onPC(t *testing.T, dir string) {
	t.Setenv("XDG_DATA_HOME", dir)
	t.Setenv("LOCALAPPDATA", dir)
	t.Setenv("HOME", dir)
}
