package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// pdfText reads a PDF back with a real reader.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

func TestExportCommands(t *testing.T) {
	db := demoFile(t)
	_, clients, _ := runCLI(t, "clients", "--db", db)
	clientID, clientName, _ := strings.Cut(strings.Split(clients, "\n")[0], "\t")
	_, sessions, _ := runCLI(t, "sessions", "--db", db, "--client", clientID)
	sessionID, _, _ := strings.Cut(sessions, "\t")
	dir := t.TempDir()

	for _, tc := range []struct {
		kind, arg, want string
	}{
		{"session", sessionID, "Session record"},
		{"client", clientID, clientName},
		{"aftercare", sessionID, "Aftercare"},
	} {
		out := filepath.Join(dir, tc.kind+".pdf")
		code, stdout, errOut := runCLI(t, "export", tc.kind, "--db", db, "-o", out, tc.arg)
		if code != 0 || stdout != "wrote "+quote(out)+"\n" {
			t.Fatalf("export %s: exit %d: %s%s", tc.kind, code, stdout, errOut)
		}
		if text := pdfText(t, out); !strings.Contains(text, tc.want) || !strings.Contains(text, clientName) {
			t.Errorf("export %s: the PDF lacks %q or %q", tc.kind, tc.want, clientName)
		}
	}

	// Each export is in the audit log.
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	logged, err := st.AuditLog(context.Background(), clientID)
	st.Close()
	if err != nil || !slices.ContainsFunc(logged, func(e data.AuditEntry) bool { return e.Action == data.ActionExport }) {
		t.Fatalf("the client history export is not in the audit log (%v)", err)
	}

	// CSV per table into a folder, each file whole.
	csvDir := filepath.Join(dir, "csv")
	if code, _, errOut := runCLI(t, "export", "sheets", "--db", db, "--format", "csv", "-o", csvDir); code != 0 {
		t.Fatalf("export sheets csv: exit %d: %s", code, errOut)
	}
	entries, _ := os.ReadDir(csvDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "clients.csv,products_applied.csv,results.csv,sessions.csv,side_effects.csv,zones.csv" {
		t.Fatalf("the CSV folder holds %v", names)
	}
	b, _ := os.ReadFile(filepath.Join(csvDir, "clients.csv"))
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil || len(rows) != 31 {
		t.Fatalf("clients.csv: %d rows (%v)", len(rows), err)
	}

	// The format follows -o: a workbook, a zip of CSV files; the archive and a recall write too.
	for _, args := range [][]string{
		{"sheets", "-o", filepath.Join(dir, "records.xlsx")},
		{"sheets", "-o", filepath.Join(dir, "records.zip")},
		{"recall", "-o", filepath.Join(dir, "recall.pdf"), "NO-SUCH-LOT"},
		{"archive", "-o", filepath.Join(dir, "archive.zip")},
	} {
		full := append([]string{"export", args[0], "--db", db}, args[1:]...)
		if code, _, errOut := runCLI(t, full...); code != 0 {
			t.Fatalf("%v: exit %d: %s", full, code, errOut)
		}
	}
	for name, magic := range map[string]string{"records.xlsx": "PK", "records.zip": "PK", "recall.pdf": "%PDF", "archive.zip": "PK"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.HasPrefix(b, []byte(magic)) {
			t.Errorf("%s does not start with %q (%v)", name, magic, err)
		}
	}
	if text := pdfText(t, filepath.Join(dir, "recall.pdf")); !strings.Contains(text, "NO-SUCH-LOT") {
		t.Error("the recall report does not name its lot")
	}
	for _, name := range []string{"records.xlsx", "records.zip", "recall.pdf", "archive.zip"} {
		os.Remove(filepath.Join(dir, name))
	}

	// A practitioner who is not there, a record that is not there: exit 1, nothing written.
	missing := filepath.Join(dir, "missing.pdf")
	code, _, errOut := runCLI(t, "export", "client", "--db", db, "-o", missing, "no-such-id")
	if code != 1 || !strings.Contains(errOut, "no-such-id") {
		t.Errorf("a missing client: exit %d: %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "export", "sheets", "--db", db, "--practitioner", "Nobody", "-o", filepath.Join(dir, "x.xlsx"))
	if code != 1 || !strings.Contains(errOut, "no practitioner is called") {
		t.Errorf("an unknown practitioner: exit %d: %s", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("failed exports left files behind: %d entries", len(entries))
	}

	// Usage errors: exit 2.
	for _, args := range [][]string{
		{"export"},
		{"export", "everything", "--db", db, "-o", "x"},
		{"export", "session", "--db", db, sessionID},
		{"export", "session", "--db", db, "-o", "x.pdf"},
		{"export", "sheets", "--db", db, "--from", "yesterday", "-o", "x.xlsx"},
		{"export", "sheets", "--db", db, "--from", "2026-02-01", "--to", "2026-01-01", "-o", "x.xlsx"},
		{"export", "sheets", "--db", db, "--format", "xlsx", "-o", "x.zip"},
		{"export", "sheets", "--db", db, "-o", "x.csv"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestImportClientsCommand(t *testing.T) {
	db := demoFile(t)
	path := filepath.Join(t.TempDir(), "clients.csv")
	text := "First name,Last name,Date of birth,Email\n" +
		"Zoë,Ångström,1990-05-17,zoe@example.com\n" +
		"Bad,Date,1990-13-45,\n" +
		"Анна,Иванова,1985-02-01,\n"
	if err := os.WriteFile(path, []byte("\ufeff"+text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "import", "clients", "--db", db, path)
	if code != 1 || !strings.Contains(out, "line 3:") || !strings.Contains(out, "2 imported, 0 already in the practice, 1 not imported") {
		t.Fatalf("import clients: exit %d:\n%s%s", code, out, errOut)
	}
	if _, clients, _ := runCLI(t, "clients", "--db", db, "Ångström"); !strings.Contains(clients, "Zoë Ångström") {
		t.Fatalf("the imported client is not listed: %q", clients)
	}
	// Again: no one added twice.
	code, out, _ = runCLI(t, "import", "clients", "--db", db, path)
	if code != 1 || !strings.Contains(out, "0 imported, 2 already in the practice") {
		t.Fatalf("a second import: exit %d:\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "import", "clients", "--db", db); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
