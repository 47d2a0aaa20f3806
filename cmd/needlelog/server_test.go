package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
)

// The commands on a practice on the clinic's server, run for real against a PostgreSQL server
// (testkit.PostgresEnv), as its application role where the practice is set up by server init.

// serverEnv gives the test a home of its own (where this PC's claim on a server practice is
// kept, and no password file), and no password.
func serverEnv(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv(postgres.PasswordEnv, "")
	t.Setenv("PGPASSWORD", "")
	t.Setenv("PGPASSFILE", "")
}

// initPractice runs server init for a practice database of its own, dropped with its roles when
// the test ends, and returns the init's output, the URL each PC connects with and the
// application role's password (also put in NEEDLELOG_DB_PASSWORD).
func initPractice(t *testing.T) (out, appURL, password string) {
	t.Helper()
	admin := os.Getenv(testkit.PostgresEnv)
	if admin == "" {
		t.Fatalf("this test needs a PostgreSQL server: set %s (scripts/pg-cluster start DIR prints one)", testkit.PostgresEnv)
	}
	name := serverPractice(t, admin)
	code, out, errOut := runCLI(t, "server", "init", "--db", admin, "--database", name, "--address", testServerAddress(t, admin))
	if code != 0 {
		t.Fatalf("server init: exit %d\n%s%s", code, out, errOut)
	}
	m := regexp.MustCompile(`(?m)^Each PC connects with: (\S+)$`).FindStringSubmatch(out)
	p := regexp.MustCompile(`(?m)made now and shown only this once: (\S+)$`).FindStringSubmatch(out)
	if m == nil || p == nil {
		t.Fatalf("server init does not say the URL and the password:\n%s", out)
	}
	t.Setenv(postgres.PasswordEnv, p[1])
	return out, m[1], p[1]
}

// serverPractice is a name for a practice database on the server at admin, dropped with its
// roles when the test ends.
func serverPractice(t *testing.T, admin string) string {
	t.Helper()
	random := make([]byte, 5)
	rand.Read(random)
	name := "nl_cli_" + hex.EncodeToString(random)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop the practice %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		for _, q := range []string{"DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "DROP ROLE IF EXISTS " + name + "_app",
			"DROP ROLE IF EXISTS " + name + "_owner"} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	return name
}

// testServerAddress is the test server's address, HOST:PORT, as the tests (the clinic's PCs)
// reach it.
func testServerAddress(t *testing.T, admin string) string {
	t.Helper()
	u, err := url.Parse(admin)
	if err != nil || u.Host == "" {
		t.Fatalf("%s does not name the test server's host: %v", testkit.PostgresEnv, err)
	}
	return u.Host
}

// counted is what check says of a practice's records: each counted table's number.
func counted(t *testing.T, db string) map[string]string {
	t.Helper()
	code, out, errOut := runCLI(t, "check", "--db", db)
	if code != 0 {
		t.Fatalf("check %s: exit %d\n%s%s", db, code, out, errOut)
	}
	got := map[string]string{}
	for _, table := range sqlite.CountedTables() {
		label := strings.ReplaceAll(table, "_", " ") + ":"
		m := regexp.MustCompile(`(?m)^` + label + `\s+(\d+)$`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("check %s does not count %s:\n%s", db, table, out)
		}
		got[table] = m[1]
	}
	return got
}

// verified runs verify on db, which must pass, and returns the audit log's last hash and the
// number of signed entries it says.
func verified(t *testing.T, db string) (head, signed string) {
	t.Helper()
	code, out, errOut := runCLI(t, "verify", "--db", db)
	if code != 0 || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("verify %s: exit %d\n%s%s", db, code, out, errOut)
	}
	h := regexp.MustCompile(`(?m)^last entry's hash:\s+([0-9a-f]{64})$`).FindStringSubmatch(out)
	s := regexp.MustCompile(`(?m)^signed entries:\s+(\d+),`).FindStringSubmatch(out)
	if h == nil || s == nil {
		t.Fatalf("verify %s does not say the head and the signed entries:\n%s", db, out)
	}
	return h[1], s[1]
}

// signedPractice makes a demo practice file with photos, then, as a practitioner with a
// passphrase (so that the audit entries are signed), a session signed and amended.
func signedPractice(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clinic.db")
	if code, _, errOut := runCLI(t, "demo", "--db", path, "--clients", "12", "--sessions", "40", "--photos", "6"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ps, err := s.Practitioners(ctx, false)
	if err != nil || len(ps) == 0 {
		t.Fatalf("practitioners: %v %v", ps, err)
	}
	const pass = "correct horse battery staple"
	if err := s.SetPassphrase(ctx, ps[0].ID, "", pass); err != nil {
		t.Fatal(err)
	}
	if err := s.SignIn(ctx, ps[0].ID, pass); err != nil {
		t.Fatal(err)
	}
	s.SetActor(ps[0].ID)
	if err := s.SetSettingBytes(ctx, data.SettingClinicLogo, logoBytes); err != nil {
		t.Fatal(err)
	}
	testkit.CreateClient(t, s, "Zoë", "Ångström") // an entry signed with the practitioner's key
	// A session the demo signed, amended again by the practitioner.
	clients, err := s.ListClients(ctx, data.ClientQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		timeline, err := s.Timeline(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range timeline {
			if e.Status != data.StatusSigned {
				continue
			}
			se, err := s.Session(ctx, e.SessionID)
			if err != nil {
				t.Fatal(err)
			}
			se.Notes = "Amended after a call: the client reported mild redness."
			if _, err := s.AmendSession(ctx, se, "the client called the next day"); err != nil {
				t.Fatal(err)
			}
			return path
		}
	}
	t.Fatal("the demo signed no session")
	return ""
}

// A whole practice moves from a file to the clinic's server and back: every count the same,
// verify passing on each with the same audit log head and signed entries, the photos whole; the
// server, written as its application role, then numbers new clients after the copied ones.
func TestMoveFileToServerAndBack(t *testing.T) {
	serverEnv(t)
	file := signedPractice(t)
	_, app, password := initPractice(t)
	head, signed := verified(t, file)
	if signed == "0" {
		t.Fatal("the practice has no signed audit entries to copy")
	}
	before := counted(t, file)

	code, out, errOut := runCLI(t, "move", "--from", file, "--to", app)
	if code != 0 {
		t.Fatalf("move to the server: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"copied sessions:", "copied audit log:", "compared every table", "verify passes on the copy", quote(file) + " and its photo folder"} {
		if !strings.Contains(out, want) {
			t.Errorf("move to the server does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+errOut, password) {
		t.Errorf("move printed the server's password:\n%s%s", out, errOut)
	}
	if h, s := verified(t, app); h != head || s != signed {
		t.Errorf("on the server verify says head %s and %s signed entries; the file %s and %s", h, s, head, signed)
	}
	if got := counted(t, app); !equalMaps(got, before) {
		t.Errorf("the server counts %v, the file %v", got, before)
	}
	if code, out, errOut := runCLI(t, "check", "--db", app, "--photos"); code != 0 || !strings.Contains(out, "each matches the bytes imported") {
		t.Errorf("check --photos on the server: exit %d\n%s%s", code, out, errOut)
	}

	back := filepath.Join(t.TempDir(), "back", "clinic.db")
	if code, out, errOut := runCLI(t, "move", "--from", app, "--to", back); code != 0 {
		t.Fatalf("move from the server: exit %d\n%s%s", code, out, errOut)
	}
	if h, s := verified(t, back); h != head || s != signed {
		t.Errorf("back in a file verify says head %s and %s signed entries; the original %s and %s", h, s, head, signed)
	}
	if got := counted(t, back); !equalMaps(got, before) {
		t.Errorf("the file copied back counts %v, the original %v", got, before)
	}
	if code, out, errOut := runCLI(t, "check", "--db", back, "--photos"); code != 0 || !strings.Contains(out, "each matches the bytes imported") {
		t.Errorf("check --photos on the file copied back: exit %d\n%s%s", code, out, errOut)
	}

	// Settings keep their kind: text as text, the logo as bytes; the practice keeps its identity.
	for _, db := range []string{file, back} {
		kinds := settingKinds(t, db)
		if kinds[data.SettingClinicLogo] != "blob" || kinds["practice.id"] != "text" {
			t.Errorf("the settings of %s are kept as %v", db, kinds)
		}
	}
	if a, b := practiceID(t, file), practiceID(t, back); a == "" || a != b {
		t.Errorf("the practice's identity was %q, and is %q copied back", a, b)
	}

	// New clients on the server follow the copied ones, as its application role adds them.
	csv := filepath.Join(t.TempDir(), "clients.csv")
	if err := os.WriteFile(csv, []byte("First name,Last name,Email\nNadia,Okafor,nadia@example.com\nPiet,Jansen,piet@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, "import", "clients", "--db", app, csv); code != 0 {
		t.Fatalf("import clients into the server: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "clients", "--db", app, "Okafor"); code != 0 || !strings.Contains(out, "Nadia Okafor") {
		t.Errorf("the imported client is not found on the server: exit %d\n%s", code, out)
	}
	verified(t, app)
}

// A copy goes only into an empty practice: into the server or a file holding records it is
// refused with one sentence, and the target is left as it was.
func TestMoveRefusesATargetThatHoldsRecords(t *testing.T) {
	serverEnv(t)
	_, app, _ := initPractice(t)
	file := demoFile(t)
	if code, out, errOut := runCLI(t, "move", "--from", file, "--to", app); code != 0 {
		t.Fatalf("move to the server: exit %d\n%s%s", code, out, errOut)
	}
	head, _ := verified(t, app)
	counts := counted(t, app)
	other := signedPractice(t)
	otherHead, _ := verified(t, other)
	otherCounts := counted(t, other)

	code, out, errOut := runCLI(t, "move", "--from", other, "--to", app)
	if code != 1 || !strings.Contains(errOut, "already holds records") || !strings.Contains(errOut, "nothing was changed") ||
		strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Errorf("move onto a server practice that holds records: exit %d\n%s%s", code, out, errOut)
	}
	if h, _ := verified(t, app); h != head {
		t.Errorf("the refused copy changed the server's audit log: head %s, was %s", h, head)
	}
	if got := counted(t, app); !equalMaps(got, counts) {
		t.Errorf("the refused copy changed the server: %v, was %v", got, counts)
	}

	code, out, errOut = runCLI(t, "move", "--from", app, "--to", other)
	if code != 1 || !strings.Contains(errOut, "already holds records") {
		t.Errorf("move onto a file that holds records: exit %d\n%s%s", code, out, errOut)
	}
	if h, _ := verified(t, other); h != otherHead {
		t.Errorf("the refused copy changed the file's audit log: head %s, was %s", h, otherHead)
	}
	if got := counted(t, other); !equalMaps(got, otherCounts) {
		t.Errorf("the refused copy changed the file: %v, was %v", got, otherCounts)
	}
	if code, _, errOut := runCLI(t, "move", "--from", file); code != 2 || !strings.Contains(errOut, "go together") {
		t.Errorf("move --from alone: exit %d: %s", code, errOut)
	}
}

// A password is never taken from a URL on the command line: every command refuses such a URL
// with one sentence saying where the password goes, and never repeats it.
func TestServerURLWithAPasswordIsRefused(t *testing.T) {
	serverEnv(t)
	const secret = "Tr0ub4dor-and-3"
	url := "postgres://needlelog_app:" + secret + "@127.0.0.1:5432/needlelog"
	query := "postgres://needlelog_app@127.0.0.1:5432/needlelog?password=" + secret
	file := filepath.Join(t.TempDir(), "clinic.db")
	for _, args := range [][]string{
		{"verify", "--db", url},
		{"check", "--db", query},
		{"clients", "--db", url},
		{"backup", "--db", url, "--to", t.TempDir()},
		{"export", "sheets", "--db", url, "-o", filepath.Join(t.TempDir(), "s.xlsx")},
		{"move", "--from", file, "--to", url},
		{"demo", "--db", query},
		{"server", "init", "--db", url},
	} {
		code, out, errOut := runCLI(t, args...)
		if code != 2 || !strings.Contains(errOut, postgres.PasswordEnv) || !strings.Contains(errOut, ".pgpass") ||
			strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%s with a password in the URL: exit %d\n%s%s", args[0], code, out, errOut)
		}
		if strings.Contains(out+errOut, secret) {
			t.Errorf("%s repeated the password:\n%s%s", args[0], out, errOut)
		}
	}
}

// Without a password from the variable or the password file, the command asks for it when a
// person is at the terminal, and then works.
func TestServerPasswordIsAskedFor(t *testing.T) {
	serverEnv(t)
	_, app, password := initPractice(t)
	t.Setenv(postgres.PasswordEnv, "")
	asked := 0
	defer func(terminal func() bool, read func(string) (string, error)) {
		stdinIsTerminal, readPassword = terminal, read
	}(stdinIsTerminal, readPassword)
	stdinIsTerminal = func() bool { return true }
	readPassword = func(prompt string) (string, error) {
		asked++
		if !strings.Contains(prompt, "Password of") {
			t.Errorf("the prompt: %q", prompt)
		}
		return password, nil
	}
	if code, out, errOut := runCLI(t, "verify", "--db", app); code != 0 || asked != 1 {
		t.Errorf("verify without a password: asked %d times, exit %d\n%s%s", asked, code, out, errOut)
	}
	stdinIsTerminal = func() bool { return false }
	code, out, errOut := runCLI(t, "verify", "--db", app)
	if code != 1 || !strings.Contains(errOut, "asks for the password") || asked != 1 {
		t.Errorf("verify without a password or a terminal: asked %d times, exit %d\n%s%s", asked, code, out, errOut)
	}
}

// server init sets up the practice and says so, with the URL and the password each PC needs; run
// again it changes nothing and says that, showing no password.
func TestServerInitTwice(t *testing.T) {
	serverEnv(t)
	out, app, password := initPractice(t)
	for _, want := range []string{"made the role", "made the database", "made the practice's schema, version", "set the rights of",
		"Each PC connects with: " + app, "shown only this once: " + password, ":" + password} {
		if !strings.Contains(out, want) {
			t.Errorf("server init does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(app, password) || strings.Contains(app, "passfile") {
		t.Errorf("the URL each PC connects with holds a password or the administrator's password file: %s", app)
	}
	name := strings.TrimPrefix(regexp.MustCompile(`/[a-z0-9_]+(\?|$)`).FindString(app), "/")
	name = strings.TrimSuffix(name, "?")
	t.Setenv(postgres.PasswordEnv, "") // the administrator's comes from the password file
	admin := os.Getenv(testkit.PostgresEnv)
	code, again, errOut := runCLI(t, "server", "init", "--db", admin, "--database", name, "--address", testServerAddress(t, admin))
	if code != 0 || !strings.Contains(again, "already set up: nothing was changed") || strings.Contains(again, "made the") ||
		strings.Contains(again, password) || !strings.Contains(again, "Each PC connects with: "+app) {
		t.Errorf("server init again: exit %d\n%s%s", code, again, errOut)
	}
	t.Setenv(postgres.PasswordEnv, password)
	// The application role opens the practice server init set up.
	if code, out, errOut := runCLI(t, "verify", "--db", app); code != 0 || !strings.Contains(out, "audit entries:     0") {
		t.Errorf("verify as the application role: exit %d\n%s%s", code, out, errOut)
	}
	code, help, _ := runCLI(t, "help", "server")
	if code != 0 || !strings.Contains(help, "server init --db ADMIN_URL") || !strings.Contains(help, "application role") {
		t.Errorf("help server: exit %d\n%s", code, help)
	}
}

// The commands work on a practice on the clinic's server: demo fills an empty one, check,
// verify, the exports and backup read it; the backup is a file restored and verified as any;
// the commands for a file only refuse the server's URL with a sentence.
func TestCommandsOnAServerPractice(t *testing.T) {
	serverEnv(t)
	_, app, _ := initPractice(t)
	code, out, errOut := runCLI(t, "demo", "--db", app, "--clients", "8", "--sessions", "20", "--photos", "3")
	if code != 0 || !strings.Contains(out, "8 clients, 20 sessions") {
		t.Fatalf("demo onto the server: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "demo", "--db", app); code != 1 || !strings.Contains(errOut, "already holds records") {
		t.Errorf("demo onto a server practice that holds records: exit %d: %s", code, errOut)
	}
	code, out, _ = runCLI(t, "clients", "--db", app)
	clientID, _, _ := strings.Cut(out, "\t")
	if code != 0 || clientID == "" {
		t.Fatalf("clients on the server: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "history.pdf")
	if code, out, errOut := runCLI(t, "export", "client", "--db", app, "-o", pdf, clientID); code != 0 {
		t.Fatalf("export client: exit %d\n%s%s", code, out, errOut)
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil || !strings.Contains(string(text), "Session") {
		t.Errorf("the client PDF reads %q (%v)", text, err)
	}
	if code, out, errOut := runCLI(t, "export", "sheets", "--db", app, "-o", filepath.Join(dir, "records.xlsx")); code != 0 {
		t.Errorf("export sheets: exit %d\n%s%s", code, out, errOut)
	}
	zip := filepath.Join(dir, "archive.zip")
	if code, out, errOut := runCLI(t, "export", "archive", "--db", app, "-o", zip); code != 0 {
		t.Fatalf("export archive: exit %d\n%s%s", code, out, errOut)
	}
	b, err := os.ReadFile(zip)
	if err != nil {
		t.Fatal(err)
	}
	files := testkit.ZipFiles(t, b)
	if _, ok := files["database/needlelog.db"]; !ok {
		t.Errorf("the archive holds no database: %d files", len(files))
	}

	img := put(t, filepath.Join(dir, "card", "IMG_0001.JPG"), smallJPEG(t, 40), time.Now().Add(-time.Hour))
	code, out, errOut = runCLI(t, "import", "photos", "--db", app, "--client", clientID, img)
	if code != 0 || !strings.Contains(out, ": imported as photo ") {
		t.Errorf("import photos into the server: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "check", "--db", app, "--photos"); code != 0 || !strings.Contains(out, "4 photo(s)") {
		t.Errorf("check --photos on the server: exit %d\n%s%s", code, out, errOut)
	}

	head, _ := verified(t, app) // after the exports and the import, which the audit log records
	counts := counted(t, app)
	backups := filepath.Join(t.TempDir(), "backups")
	code, out, errOut = runCLI(t, "backup", "--db", app, "--to", backups)
	if code != 0 || !strings.Contains(out, "Backed up postgres://") {
		t.Fatalf("backup of the server: exit %d\n%s%s", code, out, errOut)
	}
	m := regexp.MustCompile(`to "([^"]+\.db)"`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("backup does not name its file:\n%s", out)
	}
	entries, _ := os.ReadDir(backups)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("the backup left %s in its folder", e.Name())
		}
	}
	restored := filepath.Join(t.TempDir(), "restored.db")
	if code, out, errOut := runCLI(t, "restore", "--from", m[1], "--db", restored); code != 0 {
		t.Fatalf("restore of the server's backup: exit %d\n%s%s", code, out, errOut)
	}
	if h, _ := verified(t, restored); h != head {
		t.Errorf("the restored backup's head is %s, the server's %s", h, head)
	}
	if got := counted(t, restored); !equalMaps(got, counts) {
		t.Errorf("the restored backup counts %v, the server %v", got, counts)
	}
	if code, out, errOut := runCLI(t, "check", "--db", restored, "--photos"); code != 0 {
		t.Errorf("check --photos of the restored backup: exit %d\n%s%s", code, out, errOut)
	}

	// Encrypted, nothing plain is written into the backup folder, and the backup restores. The
	// first backup's record on the server is one more audit entry, which this one holds.
	head, _ = verified(t, app)
	pass := filepath.Join(t.TempDir(), "pass.txt")
	if err := os.WriteFile(pass, []byte("a long backup passphrase\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sealed := filepath.Join(t.TempDir(), "sealed")
	code, out, errOut = runCLI(t, "backup", "--db", app, "--to", sealed, "--passphrase-file", pass)
	if code != 0 {
		t.Fatalf("encrypted backup of the server: exit %d\n%s%s", code, out, errOut)
	}
	var age string
	filepath.WalkDir(sealed, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			t.Error(err)
		case strings.HasSuffix(path, ".db.age"):
			age = path
		case strings.HasPrefix(d.Name(), ".") || strings.HasSuffix(path, ".db") || strings.Contains(d.Name(), ".photos"):
			t.Errorf("the encrypted backup left %s in its folder", path)
		}
		return nil
	})
	unsealed := filepath.Join(t.TempDir(), "unsealed.db")
	if code, out, errOut := runCLI(t, "restore", "--from", age, "--db", unsealed, "--passphrase-file", pass); code != 0 {
		t.Fatalf("restore of the server's encrypted backup: exit %d\n%s%s", code, out, errOut)
	}
	if h, _ := verified(t, unsealed); h != head {
		t.Errorf("the restored encrypted backup's head is %s, the server's %s", h, head)
	}

	for _, args := range [][]string{
		{"restore", "--from", m[1], "--db", app},
		{"move", "--db", app, t.TempDir()},
	} {
		code, out, errOut := runCLI(t, args...)
		if code != 2 || !strings.Contains(errOut, "not on the clinic's server") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%s --db URL: exit %d\n%s%s", args[0], code, out, errOut)
		}
	}
}

// A copy that cannot be finished keeps nothing: a photo file missing from the practice to copy
// stops it after many rows were written, and the server's practice is left empty, a new file
// not made at all.
func TestMoveCutShortKeepsNothing(t *testing.T) {
	serverEnv(t)
	_, app, _ := initPractice(t)
	file := signedPractice(t)
	var lost string
	err := filepath.WalkDir(photolib.Beside(file), func(path string, d fs.DirEntry, err error) error {
		if err == nil && lost == "" && d.Type().IsRegular() && d.Name() != photolib.OwnerFile {
			lost = path
		}
		return err
	})
	if err != nil || lost == "" {
		t.Fatalf("no photo file to lose (%v)", err)
	}
	if err := os.Remove(lost); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "move", "--from", file, "--to", app)
	if code != 1 || !strings.Contains(errOut, "cannot be read from the practice to copy") || !strings.Contains(errOut, "check --photos") ||
		strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Errorf("move of a practice missing a photo file: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "copied sessions:") {
		t.Errorf("the copy stopped before it wrote the sessions, so this shows nothing:\n%s", out)
	}
	if code, out, errOut := runCLI(t, "verify", "--db", app); code != 0 || !strings.Contains(out, "audit entries:     0") {
		t.Errorf("the server after the copy stopped: exit %d\n%s%s", code, out, errOut)
	}
	for table, n := range counted(t, app) {
		if n != "0" && table != "devices" && table != "products" { // the new practice's default lists
			t.Errorf("the server kept %s %s of the copy that stopped", n, table)
		}
	}

	target := filepath.Join(t.TempDir(), "new", "clinic.db")
	if code, out, errOut := runCLI(t, "move", "--from", file, "--to", target); code != 1 {
		t.Errorf("move to a file of a practice missing a photo file: exit %d\n%s%s", code, out, errOut)
	}
	for _, p := range []string{target, target + "-wal", photolib.Beside(target)} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the copy that stopped left %s (%v)", p, err)
		}
	}
}

// logoBytes stand for a clinic's logo: bytes that are not text.
var logoBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")

// settingKinds is each setting's SQLite storage class in the practice file at path.
func settingKinds(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT key, typeof(value) FROM settings`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	kinds := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		kinds[k] = v
	}
	return kinds
}

// practiceID is the identity of the practice in the file at path.
func practiceID(t *testing.T, path string) string {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, err := s.PracticeID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}
