package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"needlelog.app/needlelog/internal/testkit"
)

// A practice file copied whole to the clinic's server is marked as moved there: the commands that
// write refuse it, naming the server (never a password) and how to connect; check says it moved;
// the command's last lines say what to do next. Moving it again is refused.
func TestMoveFileToServerMarksTheFile(t *testing.T) {
	serverEnv(t)
	_, app, password := initPractice(t)
	file := signedPractice(t)

	code, out, errOut := runCLI(t, "move", "--from", file, "--to", app)
	if code != 0 {
		t.Fatalf("move to the server: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, password) {
		t.Errorf("move printed the server's password:\n%s%s", out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("move says too little:\n%s", out)
	}
	next, kept := lines[len(lines)-2], lines[len(lines)-1]
	if !strings.HasPrefix(next, "Next, connect each PC to the server") || !strings.Contains(next, "Settings › Database › Connect to the clinic's server…") ||
		!strings.Contains(next, "needlelog --db "+app) {
		t.Errorf("the next step is said as %q", next)
	}
	if !strings.HasPrefix(kept, quote(file)+" and its photo folder ") || !strings.Contains(kept, "marked as moved to the server") ||
		!strings.Contains(kept, "delete them once you have checked the practice on the server") {
		t.Errorf("the old file is said as %q", kept)
	}
	if strings.Contains(out, "left as it was") {
		t.Errorf("move says the file was left as it was:\n%s", out)
	}

	// A writer refuses the old file with one sentence naming the server and how to connect.
	csv := filepath.Join(t.TempDir(), "clients.csv")
	if err := os.WriteFile(csv, []byte("First name,Last name\nNadia,Okafor\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := counted(t, file)
	code, out, errOut = runCLI(t, "import", "clients", "--db", file, csv)
	if code != 1 || strings.Count(strings.TrimSpace(errOut), "\n") > 0 ||
		!strings.Contains(errOut, "old copy of a practice that was moved to the clinic's server ("+app+") on ") ||
		!strings.Contains(errOut, "needlelog --db "+app) || !strings.Contains(errOut, "Connect to the clinic's server…") {
		t.Errorf("import into the old file: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(errOut, password) {
		t.Errorf("the refusal names the password: %s", errOut)
	}
	if got := counted(t, file); !equalMaps(got, before) {
		t.Errorf("the refused import changed the old file: %v, was %v", got, before)
	}
	// Copying it again is refused too: it is not the practice any more.
	if code, out, errOut := runCLI(t, "move", "--from", file, "--to", filepath.Join(t.TempDir(), "again.db")); code != 1 ||
		!strings.Contains(errOut, "moved to the clinic's server") {
		t.Errorf("move of the old file again: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = runCLI(t, "check", "--db", file)
	m := regexp.MustCompile(`(?m)^moved:\s+an old copy: the practice was moved to the clinic's server \(` + regexp.QuoteMeta(app) + `\) on .+; work there`).FindString(out)
	if code != 0 || m == "" {
		t.Errorf("check of the old file: exit %d\n%s%s", code, out, errOut)
	}
	// The practice on the server is not marked: it is the practice.
	if code, out, errOut := runCLI(t, "import", "clients", "--db", app, csv); code != 0 {
		t.Errorf("import into the server's practice: exit %d\n%s%s", code, out, errOut)
	}
}

// Copies that are not a move leave their source as it was, and unmarked: the server's practice
// copied to a file (a portable snapshot), and one file copied to another. Neither copy is marked.
func TestCopiesAreNotMarkedAsMoved(t *testing.T) {
	serverEnv(t)
	_, app, _ := initPractice(t)
	if code, out, errOut := runCLI(t, "demo", "--db", app, "--clients", "5", "--sessions", "10"); code != 0 {
		t.Fatalf("demo onto the server: exit %d\n%s%s", code, out, errOut)
	}
	file := demoFile(t)
	dir := t.TempDir()
	snapshot, copied := filepath.Join(dir, "snapshot.db"), filepath.Join(dir, "copied.db")
	csv := filepath.Join(dir, "clients.csv")
	if err := os.WriteFile(csv, []byte("First name,Last name\nPiet,Jansen\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to string }{{app, snapshot}, {file, copied}} {
		code, out, errOut := runCLI(t, "move", "--from", c.from, "--to", c.to)
		if code != 0 || !strings.Contains(out, "is left as it was.") || strings.Contains(out, "marked as moved") || strings.Contains(out, "Next, connect") {
			t.Errorf("move --from %s --to %s: exit %d\n%s%s", c.from, c.to, code, out, errOut)
		}
		for _, db := range []string{c.from, c.to} {
			if code, out, errOut := runCLI(t, "check", "--db", db); code != 0 || strings.Contains(out, "moved:") {
				t.Errorf("check %s after the copy: exit %d\n%s%s", db, code, out, errOut)
			}
			if code, out, errOut := runCLI(t, "import", "clients", "--db", db, csv); code != 0 {
				t.Errorf("import into %s after the copy: exit %d\n%s%s", db, code, out, errOut)
			}
		}
	}
}

// asAdmin runs statements as the test server's superuser on the database of the practice at app.
func asAdmin(t *testing.T, app string, statements ...string) {
	t.Helper()
	u, err := url.Parse(os.Getenv(testkit.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	p, err := url.Parse(app)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = p.Path
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range statements {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
