package practice_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

const claimHardLinkTest = "TestClaimHoldsTheFileThroughAHardLink"

// TestClaimHoldsTheFileThroughAHardLink: a hard link is the same file under a name of its own; a
// claim through one refuses a claim through the other, in another process and in this one.
func TestClaimHoldsTheFileThroughAHardLink(t *testing.T) {
	if testkit.ChildBody() == claimNamesChildBody {
		claimInChild(t, "", "")
	}
	_, g, _ := practiceFiles(t)
	h := filepath.Join(filepath.Dir(filepath.Dir(g)), "h.db")
	if err := os.Link(g, h); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{g, h}, {h, g}} {
		c, err := practice.ClaimDatabase(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		if c2, err := practice.ClaimDatabase(pair[1]); !errors.Is(err, data.ErrInUse) {
			if err == nil {
				c2.Release()
			}
			t.Errorf("claimed %s, then %s: %v", filepath.Base(pair[0]), filepath.Base(pair[1]), err)
		}
		if err := c.Release(); err != nil {
			t.Fatal(err)
		}
	}
	// Released, both names are free again.
	for _, p := range []string{g, h} {
		c, err := practice.ClaimDatabase(p)
		if err != nil {
			t.Fatalf("claim %s after release: %v", p, err)
		}
		c.Release()
	}
	claimInChild(t, claimHardLinkTest, h)
	if c, err := practice.ClaimDatabase(g); !errors.Is(err, data.ErrInUse) {
		if err == nil {
			c.Release()
		}
		t.Errorf("another process claimed h.db; a claim of g.db: %v", err)
	}
}

const lockHolderChildBody = "lock-holder"

// sqliteSharedLockHolder is the process holding a POSIX lock on the bytes of the database at path
// where SQLite takes its shared lock (the 510 bytes two past the 1 GiB mark), as another process
// sees it; 0 when none does.
func sqliteSharedLockHolder(t *testing.T, testName, path string) int {
	t.Helper()
	cmd := testkit.ChildCommand(t, "", testName, lockHolderChildBody, "NEEDLELOG_CLAIM_DB="+path)
	var pid int
	for _, l := range testkit.RunChild(t, cmd) {
		if l.Kind == "holder" {
			testkit.DecodeChild(t, l, &pid)
		}
	}
	return pid
}

const claimKeepsLocksTest = "TestARefusedClaimKeepsSQLitesLocks"

// TestARefusedClaimKeepsSQLitesLocks: a claim refused because another process holds the file
// through a hard link has looked at the file itself. Closing a descriptor of a file drops every
// POSIX lock the process holds on it, SQLite's too, so the locks of a store this process has open
// on the file (a read-only window asking to write, say) must outlive the refusal.
func TestARefusedClaimKeepsSQLitesLocks(t *testing.T) {
	switch testkit.ChildBody() {
	case claimNamesChildBody:
		claimInChild(t, "", "")
	case lockHolderChildBody:
		f, err := os.Open(os.Getenv("NEEDLELOG_CLAIM_DB"))
		if err != nil {
			t.Fatal(err)
		}
		lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 1<<30 + 2, Len: 510}
		if err := unix.FcntlFlock(f.Fd(), unix.F_GETLK, &lk); err != nil {
			t.Fatal(err)
		}
		pid := 0
		if lk.Type != unix.F_UNLCK {
			pid = int(lk.Pid)
		}
		testkit.ChildReport(t, "holder", pid)
		testkit.ChildReport(t, testkit.ChildDone, nil)
		return
	}
	_, g, _ := practiceFiles(t)
	h := filepath.Join(filepath.Dir(filepath.Dir(g)), "h.db")
	if err := os.Link(g, h); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), g, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Counts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := sqliteSharedLockHolder(t, claimKeepsLocksTest, g); got != os.Getpid() {
		t.Fatalf("with a store open, the shared lock is held by %d, not this process (%d)", got, os.Getpid())
	}
	claimInChild(t, claimKeepsLocksTest, h)
	for range 3 {
		if c, err := practice.ClaimDatabase(g); !errors.Is(err, data.ErrInUse) {
			if err == nil {
				c.Release()
			}
			t.Fatalf("a claim while another process holds the hard link: %v", err)
		}
	}
	if got := sqliteSharedLockHolder(t, claimKeepsLocksTest, g); got != os.Getpid() {
		t.Errorf("after refused claims, the store's shared lock is held by %d, not this process (%d): the claim dropped it", got, os.Getpid())
	}
}
