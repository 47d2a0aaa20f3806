package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
)

// TestTransferExportAndImport: the command line takes a practice on the road and brings a change
// back: a bundle of everything makes a new practice file, a change made on both sides prints one
// conflict line, the same bundle again changes nothing, and every refusal exits 1 or 2 with one
// sentence and nothing written.
func TestTransferExportAndImport(t *testing.T) {
	ctx := context.Background()
	clinic := demoFile(t)
	dir := t.TempDir()
	pass := writePassFile(t, "carried on a stick to the clinic\n")
	everything := filepath.Join(dir, "everything.nlbundle")
	code, out, errOut := runCLI(t, "transfer", "export", "--db", clinic, "-o", everything, "--passphrase-file", pass, "--full", "--name", "Clinic PC")
	if code != 0 || !strings.Contains(out, "from Clinic PC: everything") {
		t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
	}
	laptop := filepath.Join(dir, "laptop.db")
	code, out, errOut = runCLI(t, "transfer", "import", "--db", laptop, "--passphrase-file", pass, "--name", "Anna's laptop", everything)
	if code != 0 || !strings.Contains(out, `Made "`+laptop+`" from the bundle from Clinic PC: `) || !strings.Contains(out, "(30 clients, 120 sessions") || strings.Contains(out, "conflict") {
		t.Fatalf("import into a new file: exit %d\n%s%s", code, out, errOut)
	}

	// The same client's phone changed on both sides.
	change := func(db, phone string) string {
		s, err := sqlite.Open(ctx, db, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		list, err := s.ListClients(ctx, data.ClientQuery{Limit: 1})
		if err != nil || len(list) == 0 {
			t.Fatalf("clients: %v", err)
		}
		c, _ := s.Client(ctx, list[0].ID)
		c.Phone = phone
		if err := s.UpdateClient(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	id := change(clinic, "01632 960111")
	change(laptop, "01632 960222")
	week := filepath.Join(dir, "week.nlbundle")
	if code, out, errOut = runCLI(t, "transfer", "export", "--db", laptop, "-o", week, "--passphrase-file", pass); code != 0 {
		t.Fatalf("export the week: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "transfer", "import", "--db", clinic, "--passphrase-file", pass, week)
	wantLine := "conflict\tclient\t" + id + "\tphone\t\"01632 960111\"\t\"01632 960222\"\n"
	if code != 0 || strings.Count(out, "conflict\t") != 1 || !strings.Contains(out, wantLine) || !strings.Contains(out, "1 conflict to settle") {
		t.Fatalf("import the week: exit %d, want the line %q\n%s%s", code, wantLine, out, errOut)
	}
	code, out, _ = runCLI(t, "transfer", "import", "--db", clinic, "--passphrase-file", pass, week)
	if code != 0 || !strings.Contains(out, "applied here before: nothing was changed") {
		t.Errorf("the same bundle again: exit %d\n%s", code, out)
	}

	// Refusals: exit 1 (or 2 for the command line's own mistakes), one sentence, nothing written.
	wrong := writePassFile(t, "not the passphrase it was made with\n")
	cut := filepath.Join(dir, "cut.nlbundle")
	raw, _ := os.ReadFile(week)
	if err := os.WriteFile(cut, raw[:len(raw)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	other := demoFile(t)
	for _, c := range []struct {
		name string
		args []string
		code int
		say  string
	}{
		{"wrong passphrase", []string{"--db", clinic, "--passphrase-file", wrong, week}, 1, "does not open the bundle"},
		{"cut off", []string{"--db", clinic, "--passphrase-file", pass, cut}, 1, "damaged or incomplete"},
		{"another practice", []string{"--db", other, "--passphrase-file", pass, week}, 1, "another practice"},
		{"no bundle", []string{"--db", clinic, "--passphrase-file", pass}, 2, "give one bundle file"},
		{"no passphrase", []string{"--db", clinic, week}, 2, "--passphrase-file"},
		{"missing bundle", []string{"--db", clinic, "--passphrase-file", pass, filepath.Join(dir, "none.nlbundle")}, 1, "there is no bundle"},
	} {
		before := testkit.Names(t, dir)
		code, out, errOut := runCLI(t, append([]string{"transfer", "import"}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.say) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 && c.code == 1 {
			t.Errorf("%s: exit %d, want %d saying %q\n%s%s", c.name, code, c.code, c.say, out, errOut)
		}
		if after := testkit.Names(t, dir); strings.Join(after, ",") != strings.Join(before, ",") {
			t.Errorf("%s: files changed: %v → %v", c.name, before, after)
		}
	}
	if code, _, errOut := runCLI(t, "transfer", "export", "--db", clinic, "-o", filepath.Join(dir, "x.nlbundle"), "--passphrase-file", pass, "--for", "nobody"); code != 2 ||
		!strings.Contains(errOut, "no bundle from a device") {
		t.Errorf("export for an unknown device: exit %d: %s", code, errOut)
	}
}
