//go:build unix

package testkit

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PgCluster is a PostgreSQL server of one test's own, made by scripts/pg-cluster, which the test
// may stop and start again (a server switched off, or crashing, under a practice in use). It
// keeps its address across restarts. It is removed when the test ends.
type PgCluster struct {
	// URL is the server's superuser's, as testkit.Postgres's server is.
	URL    string
	dir    string
	port   string
	owner  string
	bindir string
}

// StartPgCluster makes and starts a cluster for the test. Unlike the tests' shared cluster, it
// keeps every commit it acknowledged through a crash of the server (synchronous_commit on): a
// test of what survives a stop may count on it. Durability against the computer's own crash
// (fsync) stays off, as in every test cluster.
func StartPgCluster(t testing.TB) *PgCluster {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("find scripts/pg-cluster")
	}
	script := filepath.Join(filepath.Dir(self), "..", "..", "scripts", "pg-cluster")
	// The server's user (not root) must be able to enter the cluster's folder: t.TempDir's is closed.
	top, err := os.MkdirTemp("", "nl-pgc-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(top, "c")
	t.Cleanup(func() {
		if out, err := exec.Command(script, "stop", dir).CombinedOutput(); err != nil {
			t.Errorf("stop the test's PostgreSQL cluster: %v\n%s", err, out)
		}
		os.RemoveAll(top)
	})
	var stderr bytes.Buffer
	cmd := exec.Command(script, "start", dir)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("start a PostgreSQL cluster: %v\n%s", err, stderr.String())
	}
	c := &PgCluster{URL: strings.TrimSpace(string(out)), dir: dir, bindir: pgBindir()}
	u, err := url.Parse(c.URL)
	if err != nil {
		t.Fatalf("pg-cluster printed %q: %v", c.URL, err)
	}
	c.port = u.Port()
	st, err := os.Stat(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	owner, err := user.LookupId(strconv.Itoa(int(st.Sys().(*syscall.Stat_t).Uid)))
	if err != nil {
		t.Fatal(err)
	}
	c.owner = owner.Username
	if err := postgresAdmin(c.URL, "ALTER SYSTEM SET synchronous_commit = on"); err != nil {
		t.Fatalf("make the cluster keep what it acknowledged: %v", err)
	}
	if err := postgresAdmin(c.URL, "SELECT pg_reload_conf()"); err != nil {
		t.Fatal(err)
	}
	// The server reads its settings again a moment after being asked: connections made before
	// then would not keep what they were told was saved.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		on, err := synchronousCommit(c.URL)
		if err != nil {
			t.Fatal(err)
		}
		if on {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatal("the test's cluster does not take synchronous_commit = on")
		}
	}
}

func synchronousCommit(server string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return false, err
	}
	defer conn.Close(ctx)
	var v string
	err = conn.QueryRow(ctx, "SHOW synchronous_commit").Scan(&v)
	return v == "on", err
}

// Database makes a new, empty database on the cluster and returns its URL.
func (c *PgCluster) Database(t testing.TB) string {
	t.Helper()
	name := postgresDBName(t.Name())
	if err := postgresAdmin(c.URL, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("make the database %s: %v", name, err)
	}
	u, _ := url.Parse(c.URL)
	u.Path, u.RawPath = "/"+name, ""
	return u.String()
}

// Stop stops the server with pg_ctl's mode: "immediate" (as a crash or a power cut of the server
// leaves it: nothing finished, the next start recovers) or "fast" (the server ends every session
// and shuts down cleanly, as when it is switched off properly).
func (c *PgCluster) Stop(t testing.TB, mode string) {
	t.Helper()
	c.pgctl(t, "stop", "-m", mode)
}

// Start starts the stopped server again, on the same address.
func (c *PgCluster) Start(t testing.TB) {
	t.Helper()
	c.pgctl(t, "start", "-l", filepath.Join(c.dir, "server.log"), "-o", "-p "+c.port, "-t", "60")
}

func (c *PgCluster) pgctl(t testing.TB, args ...string) {
	t.Helper()
	cmd := c.command(append(args, "-w", "-s")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		t.Fatalf("pg_ctl %s: %v\n%s\nserver log:\n%s", strings.Join(args, " "), err, out, log)
	}
}

// command is pg_ctl on the cluster, run as the user the server runs as (never root), from /,
// which that user may enter.
func (c *PgCluster) command(args ...string) *exec.Cmd {
	args = append([]string{filepath.Join(c.bindir, "pg_ctl"), "-D", filepath.Join(c.dir, "data")}, args...)
	var cmd *exec.Cmd
	if me, err := user.Current(); err == nil && me.Username == c.owner {
		cmd = exec.Command(args[0], args[1:]...)
	} else {
		cmd = exec.Command("runuser", slices.Concat([]string{"-u", c.owner, "--"}, args)...)
	}
	cmd.Dir = "/"
	return cmd
}

// pgBindir is where the newest installed PostgreSQL's server programs are, as scripts/pg-cluster
// finds them.
func pgBindir() string {
	if dir := os.Getenv("PG_BINDIR"); dir != "" {
		return dir
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		return versionCompare(filepath.Base(filepath.Dir(a)), filepath.Base(filepath.Dir(b)))
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
			return dirs[i]
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p)
	}
	return "/usr/lib/postgresql/15/bin"
}

// versionCompare orders PostgreSQL's major versions ("9.6" < "15").
func versionCompare(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x = atoiOr0(pa[i])
		}
		if i < len(pb) {
			y = atoiOr0(pb[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

func atoiOr0(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}
