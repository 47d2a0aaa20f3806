package practice_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
)

func TestClaimIsExclusive(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "practice.db")
	c, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := practice.ClaimDatabase(db); !errors.Is(err, data.ErrInUse) {
		t.Fatalf("a second claim: %v", err)
	}
	// Another spelling of the same path is the same file.
	rel, err := filepath.Rel(mustGetwd(t), db)
	if err == nil {
		if _, err := practice.ClaimDatabase(rel); !errors.Is(err, data.ErrInUse) {
			t.Errorf("a second claim by a relative path: %v", err)
		}
	}
	// Another database is free.
	other, err := practice.ClaimDatabase(filepath.Join(filepath.Dir(db), "other.db"))
	if err != nil {
		t.Fatalf("claim another database: %v", err)
	}
	other.Release()

	if err := c.Release(); err != nil {
		t.Fatal(err)
	}
	if err := c.Release(); err != nil {
		t.Errorf("a second release: %v", err)
	}
	if _, err := os.Stat(db + ".lock"); err != nil {
		t.Errorf("the lock file after release: %v", err)
	}
	c2, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	c2.Release()
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

func TestKnock(t *testing.T) {
	t.Parallel()
	testkit.NeedLocalSockets(t)
	db := filepath.Join(t.TempDir(), "practice.db")
	if err := practice.Knock(db); err == nil {
		t.Fatal("a knock with no one listening succeeded")
	}
	c, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	knocked := make(chan struct{}, 4)
	if err := c.OnKnock(func() { knocked <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	if err := c.OnKnock(func() {}); err == nil {
		t.Error("a second listener was started")
	}
	for i := range 2 {
		if err := practice.Knock(db); err != nil {
			t.Fatalf("knock %d: %v", i+1, err)
		}
		select {
		case <-knocked:
		case <-time.After(10 * time.Second):
			t.Fatalf("knock %d never reached the holder", i+1)
		}
	}
	// Another database's holder does not hear it.
	if err := practice.Knock(filepath.Join(filepath.Dir(db), "other.db")); err == nil {
		t.Error("a knock at another database was answered")
	}
	if err := c.Release(); err != nil {
		t.Fatal(err)
	}
	if err := practice.Knock(db); err == nil {
		t.Error("a knock after release was answered")
	}
	if err := c.OnKnock(func() {}); err == nil {
		t.Error("listening after release was allowed")
	}
}

const claimChildBody = "claim"

// TestClaimAcrossProcesses holds a claim in a child process: the parent cannot claim the file
// while the child holds it, its knock reaches the child, and once the child is killed the claim is
// free and the socket it left behind is no obstacle.
func TestClaimAcrossProcesses(t *testing.T) {
	if testkit.ChildBody() == claimChildBody {
		c, err := practice.ClaimDatabase(os.Getenv("NEEDLELOG_CLAIM_DB"))
		if err != nil {
			t.Fatal(err)
		}
		if testkit.LocalSocketsWork() {
			if err := c.OnKnock(func() { testkit.ChildReport(t, "knocked", nil) }); err != nil {
				t.Fatal(err)
			}
		}
		testkit.ChildReport(t, "claimed", nil)
		time.Sleep(time.Hour) // killed here, never releasing
	}
	db := filepath.Join(t.TempDir(), "practice.db")
	cmd := testkit.ChildCommand(t, "", "TestClaimAcrossProcesses", claimChildBody, "NEEDLELOG_CLAIM_DB="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	reports := make(chan string, 4)
	go testkit.ReadChildLines(out, func(l testkit.ChildLine) { reports <- l.Kind })
	expect := func(kind string) {
		t.Helper()
		select {
		case got := <-reports:
			if got != kind {
				t.Fatalf("the child reported %q, want %q", got, kind)
			}
		case <-time.After(time.Minute):
			t.Fatalf("the child never reported %q", kind)
		}
	}
	expect("claimed")

	if _, err := practice.ClaimDatabase(db); !errors.Is(err, data.ErrInUse) {
		t.Fatalf("claim while another process holds it: %v", err)
	}
	// Where there are no local sockets (Wine) the claim alone is tried.
	sockets := testkit.LocalSocketsWork()
	if sockets {
		if err := practice.Knock(db); err != nil {
			t.Fatalf("knock at the child: %v", err)
		}
		expect("knocked")
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if err := practice.Knock(db); err == nil {
		t.Error("a killed process answered a knock")
	}
	c, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatalf("claim after the holder was killed: %v", err)
	}
	defer c.Release()
	if !sockets {
		return
	}
	knocked := make(chan struct{}, 1)
	if err := c.OnKnock(func() { knocked <- struct{}{} }); err != nil {
		t.Fatalf("listen where a killed holder left its socket: %v", err)
	}
	if err := practice.Knock(db); err != nil {
		t.Fatalf("knock at the new holder: %v", err)
	}
	select {
	case <-knocked:
	case <-time.After(10 * time.Second):
		t.Fatal("the knock never reached the new holder")
	}
}
