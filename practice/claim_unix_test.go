//go:build unix

package practice_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

func TestClaimInAReadOnlyFolder(t *testing.T) {
	t.Parallel()
	testkit.AsUnprivileged(t, "TestClaimInAReadOnlyFolder", func(t *testing.T, dir string) {
		ro := filepath.Join(dir, "readonly")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(ro, 0o700)
		if _, err := practice.ClaimDatabase(filepath.Join(ro, "practice.db")); !errors.Is(err, data.ErrReadOnlyFile) {
			t.Fatalf("claim in a read-only folder: %v", err)
		}
	})
}

const claimNamesChildBody = "claim-names"

// claimInChild starts a child process that claims the database at db and holds the claim until
// the test ends; testName is the calling test, whose body must call claimInChild first.
func claimInChild(t *testing.T, testName, db string) {
	t.Helper()
	if testkit.ChildBody() == claimNamesChildBody {
		c, err := practice.ClaimDatabase(os.Getenv("NEEDLELOG_CLAIM_DB"))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.OnKnock(func() { testkit.ChildReport(t, "knocked", nil) }); err != nil {
			t.Fatal(err)
		}
		testkit.ChildReport(t, "claimed", nil)
		time.Sleep(time.Hour) // killed here
	}
	cmd := testkit.ChildCommand(t, "", testName, claimNamesChildBody, "NEEDLELOG_CLAIM_DB="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	claimed := make(chan struct{})
	go testkit.ReadChildLines(out, func(l testkit.ChildLine) {
		if l.Kind == "claimed" {
			close(claimed)
		}
	})
	select {
	case <-claimed:
	case <-time.After(time.Minute):
		t.Fatal("the child never claimed the database")
	}
}

// practiceFiles makes, in a fresh folder top, the file top/real/g.db with other names for it:
// symbolic links to it and to its folder, "..", and a relative link through the linked folder.
func practiceFiles(t *testing.T) (top, g string, names []string) {
	t.Helper()
	top = t.TempDir()
	real := filepath.Join(top, "real")
	for _, d := range []string{real, filepath.Join(real, "sub"), filepath.Join(top, "elsewhere")} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	g = filepath.Join(real, "g.db")
	s, err := sqlite.Open(context.Background(), g, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	links := map[string]string{
		filepath.Join(top, "link.db"):              g,
		filepath.Join(top, "folder"):               real,
		filepath.Join(top, "elsewhere", "link.db"): filepath.Join("..", "folder", "g.db"),
	}
	for link, target := range links {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	names = []string{
		g,
		filepath.Join(top, "link.db"),
		filepath.Join(top, "folder", "g.db"),
		filepath.Join(real, "sub") + "/../g.db",
		filepath.Join(top, "elsewhere", "link.db"), // a relative link through a linked folder
		filepath.Join(top, "elsewhere") + "/../folder/sub/../g.db",
	}
	return top, g, names
}

const claimNamesTest = "TestClaimHoldsTheFileWhateverNamesIt"

// TestClaimHoldsTheFileWhateverNamesIt: a claim made through any name of a file (a symbolic link
// to it or to its folder, "..") refuses a claim through every other name, in
// another process and in this one; restore refuses to replace it by any name, and a knock through
// any name reaches the holder.
func TestClaimHoldsTheFileWhateverNamesIt(t *testing.T) {
	if testkit.ChildBody() == claimNamesChildBody {
		claimInChild(t, claimNamesTest, "")
	}
	_, _, names := practiceFiles(t)
	for i, held := range names {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			c, err := practice.ClaimDatabase(held)
			if err != nil {
				t.Fatalf("claim %s: %v", held, err)
			}
			for _, other := range names {
				if c2, err := practice.ClaimDatabase(other); !errors.Is(err, data.ErrInUse) {
					if err == nil {
						c2.Release()
					}
					t.Errorf("claimed %s, then a second claim of %s: %v", held, other, err)
				}
			}
			if err := c.Release(); err != nil {
				t.Fatal(err)
			}
		})
	}
	// Another process holds it through the link, as the app does when opened on link.db.
	backup := filepath.Join(t.TempDir(), "b.db")
	if s, err := sqlite.Open(context.Background(), backup, sqlite.Options{Create: true}); err != nil {
		t.Fatal(err)
	} else {
		s.Close()
	}
	claimInChild(t, claimNamesTest, names[1])
	for _, other := range names {
		if _, err := practice.RestoreFrom(context.Background(), backup, other, true); !errors.Is(err, data.ErrInUse) {
			t.Errorf("restore over %s while another process has %s: %v", other, names[1], err)
		}
	}
	if aside, _ := filepath.Glob(strings.TrimSuffix(names[0], filepath.Ext(names[0])) + ".replaced-*"); len(aside) > 0 {
		t.Errorf("a refused restore set the live file aside: %v", aside)
	}
	for _, other := range names {
		if c, err := practice.ClaimDatabase(other); !errors.Is(err, data.ErrInUse) {
			if err == nil {
				c.Release()
			}
			t.Errorf("another process claimed %s; a claim of %s: %v", names[1], other, err)
		}
		if err := practice.Knock(other); err != nil {
			t.Errorf("knock at %s: %v", other, err)
		}
	}
}

const nobodyClaimChildBody = "claim-as-nobody"

// claimResult is what a child reports of its claim.
type claimResult struct {
	Held  bool
	InUse bool
	Err   string
}

// claimAsNobody starts a child process running as nobody that claims the database at db with the
// test binary copy bin, and returns what came of it; a child that holds the claim keeps it until
// the returned stop is called.
func claimAsNobody(t *testing.T, testName, bin, db string) (claimResult, func()) {
	t.Helper()
	cmd := testkit.ChildCommand(t, bin, testName, nobodyClaimChildBody, "NEEDLELOG_CLAIM_DB="+db)
	cmd.Dir = filepath.Dir(db)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: testkit.NobodyID, Gid: testkit.NobodyID, NoSetGroups: true}}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	t.Cleanup(stop)
	got := make(chan claimResult, 1)
	go testkit.ReadChildLines(out, func(l testkit.ChildLine) {
		if l.Kind == "claim" {
			var r claimResult
			testkit.DecodeChild(t, l, &r)
			got <- r
		}
	})
	select {
	case r := <-got:
		return r, stop
	case <-time.After(time.Minute):
		stop()
		t.Fatalf("the child never said how its claim went\n%s", stderr.String())
	}
	return claimResult{}, stop
}

// TestClaimSharedBetweenAccounts: two accounts of one computer share a practice (a clinic's PC).
// Whoever may write the practice may take its claim, and the claim of either refuses the other's:
// the lock file has the practice's permissions, and an account that may only read the lock file
// (as it may only read a practice kept 0644) still locks it.
func TestClaimSharedBetweenAccounts(t *testing.T) {
	if testkit.ChildBody() == nobodyClaimChildBody {
		c, err := practice.ClaimDatabase(os.Getenv("NEEDLELOG_CLAIM_DB"))
		r := claimResult{Held: err == nil, InUse: errors.Is(err, data.ErrInUse)}
		if err != nil {
			r.Err = err.Error()
		}
		testkit.ChildReport(t, "claim", r)
		if c != nil {
			time.Sleep(time.Hour) // killed here
		}
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("two accounts are needed: run as root, which starts the second as nobody")
	}
	// A folder both may write, as a shared practice folder is, holding a copy of the test binary
	// nobody may run.
	top, err := os.MkdirTemp("", "needlelog-shared-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	if err := os.Chmod(top, 0o777); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(top, "test.bin")
	if err := testkit.CopyFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	practiceFile := func(name string, perm os.FileMode) string {
		db := filepath.Join(top, name)
		s, err := sqlite.Open(context.Background(), db, sqlite.Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if err := os.Chmod(db, perm); err != nil {
			t.Fatal(err)
		}
		return db
	}
	const test = "TestClaimSharedBetweenAccounts"

	// A practice both may write.
	shared := practiceFile("shared.db", 0o666)
	c, err := practice.ClaimDatabase(shared)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(shared + ".lock"); err != nil || info.Mode().Perm() != 0o666 {
		t.Errorf("the lock file of a practice kept 0666: %v %v", info.Mode(), err)
	}
	if r, _ := claimAsNobody(t, test, bin, shared); r.Held || !r.InUse {
		t.Errorf("the other account's claim while this one holds it: %+v, want in use", r)
	}
	c.Release()
	r, stop := claimAsNobody(t, test, bin, shared)
	if !r.Held {
		t.Fatalf("the other account could not claim the shared practice: %+v", r)
	}
	if c, err := practice.ClaimDatabase(shared); !errors.Is(err, data.ErrInUse) {
		if err == nil {
			c.Release()
		}
		t.Errorf("a claim while the other account holds it: %v", err)
	}
	stop()

	// A lock file the other account may only read: its read-only descriptor locks all the same.
	readable := practiceFile("readable.db", 0o644)
	c, err = practice.ClaimDatabase(readable)
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	if info, err := os.Stat(readable + ".lock"); err != nil || info.Mode().Perm() != 0o644 {
		t.Fatalf("the lock file of a practice kept 0644: %v %v", info.Mode(), err)
	}
	r, stop = claimAsNobody(t, test, bin, readable)
	defer stop()
	if !r.Held {
		t.Fatalf("the other account's claim through a lock file it may only read: %+v", r)
	}
	if c, err := practice.ClaimDatabase(readable); !errors.Is(err, data.ErrInUse) {
		if err == nil {
			c.Release()
		}
		t.Errorf("a claim while the other account holds it read-only: %v", err)
	}
}
