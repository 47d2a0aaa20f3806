package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// Changes made to a practice's file with a SQLite tool, as a program, a support script or someone
// meaning harm could make them. Each is tried on a closed practice of five clients.
const (
	// Empties every new client's allergies: an import from another system loses them unseen.
	erasingTrigger = `CREATE TRIGGER keep_tidy AFTER INSERT ON clients BEGIN
		UPDATE clients SET allergies = '[]' WHERE id = new.id; END`
	// Each save of a client saves it twice more, and so on: 2^1000 saves on a connection with
	// recursive triggers on (Needlelog's are off).
	recursiveTrigger = `CREATE TRIGGER touch AFTER UPDATE ON clients BEGIN
		UPDATE clients SET notes = notes WHERE id = new.id; UPDATE clients SET notes = notes WHERE id = new.id; END`
	// Every save writes an audit entry, which counts an endless recursive row set: the save never ends.
	endlessTrigger = `CREATE TRIGGER audit_count AFTER INSERT ON audit_log BEGIN
		SELECT (SELECT count(*) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n)); END`
	// The audit log's protection, kept by name, doing nothing.
	dropAuditProtection   = `DROP TRIGGER audit_log_no_update`
	idleAuditProtection   = `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT 1; END`
	extraView             = `CREATE VIEW everyone AS SELECT first_name, last_name, allergies FROM clients`
	extraIndex            = `CREATE INDEX clients_email ON clients (email)`
	droppedIndex          = `DROP INDEX clients_due`
	extraTable            = `CREATE TABLE notes_elsewhere (id INTEGER PRIMARY KEY, body TEXT UNIQUE)`
	changedTable          = `ALTER TABLE clients ADD COLUMN shoe_size INTEGER`
	extraTriggerSaid      = `an extra trigger "keep_tidy" on table "clients" that Needlelog did not make`
	recursiveTriggerSaid  = `an extra trigger "touch" on table "clients" that Needlelog did not make`
	endlessTriggerSaid    = `an extra trigger "audit_count" on table "audit_log" that Needlelog did not make`
	idleAuditTriggerSaid  = `trigger "audit_log_no_update" differs from Needlelog's`
	extraViewSaid         = `a view "everyone" that Needlelog did not make`
	extraIndexSaid        = `an extra index "clients_email" on table "clients" that Needlelog did not make`
	droppedIndexSaid      = `index "clients_due" is missing`
	extraTableSaid        = `a table "notes_elsewhere" that Needlelog did not make`
	changedTableSaid      = `table "clients" differs from Needlelog's`
	foreignPracticeClient = "Anna"
)

// foreignPractice is a closed practice at a new path changed by stmts, in rollback-journal mode, so
// that a write (a conversion to WAL included) would show in its bytes.
func foreignPractice(t *testing.T, stmts ...string) (string, []data.Client) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "practice.db")
	clients := closedPractice(t, path)
	sqlitetest.RawExec(t, path, append([]string{"PRAGMA journal_mode = DELETE"}, stmts...)...)
	return path, clients
}

// within runs fn, failing the test rather than hanging when it takes longer than d.
func within(t *testing.T, d time.Duration, what string, fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(d):
		t.Fatalf("%s did not finish in %v", what, d)
	}
}

// Every change to the schema is found by Check and Verify, refused for writing with a sentence
// naming it, and leaves the file as it was; read-only, the records can still be read.
func TestForeignSchemaIsFoundAndNeverWritten(t *testing.T) {
	for name, tc := range map[string]struct {
		stmts []string
		said  []string
	}{
		"trigger erasing allergies": {[]string{erasingTrigger}, []string{extraTriggerSaid}},
		"recursive trigger":         {[]string{recursiveTrigger}, []string{recursiveTriggerSaid}},
		"endless trigger":           {[]string{endlessTrigger}, []string{endlessTriggerSaid}},
		"idle audit protection":     {[]string{dropAuditProtection, idleAuditProtection}, []string{idleAuditTriggerSaid}},
		"view and index":            {[]string{extraView, extraIndex}, []string{extraIndexSaid, extraViewSaid}},
		"dropped index":             {[]string{droppedIndex}, []string{droppedIndexSaid}},
		"table":                     {[]string{extraTable}, []string{extraTableSaid}},
		"changed table":             {[]string{changedTable}, []string{changedTableSaid}},
	} {
		t.Run(name, func(t *testing.T) {
			path, clients := foreignPractice(t, tc.stmts...)
			within(t, time.Minute, "open, check and verify", func() error {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
				if err != nil {
					return fmt.Errorf("open read-only: %w", err)
				}
				defer ro.Close()
				h, err := ro.Check(ctx)
				if err != nil || len(h.Problems) > 0 || !sameItems(h.SchemaChanges, tc.said) {
					return fmt.Errorf("check: schema changes %q (want %q), problems %q, %v", h.SchemaChanges, tc.said, h.Problems, err)
				}
				if c, err := ro.Client(ctx, clients[0].ID); err != nil || c.FirstName != foreignPracticeClient {
					return fmt.Errorf("read a client read-only: %+v, %v", c, err)
				}
				rep, err := ro.Verify(ctx)
				if err != nil {
					return fmt.Errorf("verify: %w", err)
				}
				for _, said := range tc.said {
					if !slices.ContainsFunc(rep.Breaks, func(b string) bool { return strings.Contains(b, said) }) {
						return fmt.Errorf("verify breaks %q lack %q", rep.Breaks, said)
					}
				}
				return nil
			})
			assertRefusedUntouched(t, path, sqlite.Options{}, data.ErrForeignSchema)
			_, err := sqlite.Open(context.Background(), path, sqlite.Options{})
			var se *data.SchemaError
			if !errors.As(err, &se) || !sameItems(se.Differences, tc.said) {
				t.Fatalf("open for writing: %v, want the differences %q", err, tc.said)
			}
			if msg := err.Error(); !strings.Contains(msg, data.ErrForeignSchema.Error()+": ") || !strings.Contains(msg, tc.said[0]) ||
				strings.Contains(msg, "\n") || strings.Contains(strings.ToLower(msg), "sqlite") {
				t.Errorf("the refusal is not one sentence naming what differs: %q", msg)
			}
		})
	}
}

func sameItems(got, want []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want)))
}

// A client imported from another system keeps the allergies the file listed: a file whose trigger
// would empty them is never opened for writing.
func TestImportNeverRunsAForeignTrigger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path, _ := foreignPractice(t, erasingTrigger)
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err == nil {
		defer s.Close()
		_, _, ierr := s.ImportClientsCSV(ctx, strings.NewReader("Surname;Given name;Allergies\nLee;Ann;Latex\n"))
		list, _ := s.ListClients(ctx, data.ClientQuery{Text: "Ann Lee"})
		var got []string
		if len(list) == 1 {
			c, _ := s.Client(ctx, list[0].ID)
			got = c.Allergies
		}
		t.Fatalf("a file with a trigger Needlelog did not make opened for writing; an imported client's allergies "+
			"of [Latex] came back as %q (import: %v)", got, ierr)
	}
	if !errors.Is(err, data.ErrForeignSchema) || !strings.Contains(err.Error(), extraTriggerSaid) {
		t.Fatalf("open for writing: %v", err)
	}
}

// The same file, with the trigger's effect shown: the allergies the CSV names are lost when it runs.
// (The trigger itself works: the test above passes because it never runs, not because it is broken.)
func TestForeignTriggerWouldEraseAllergies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	sqlitetest.RawExec(t, s.Path(), erasingTrigger)
	if _, _, err := s.ImportClientsCSV(ctx, strings.NewReader("Surname;Given name;Allergies\nLee;Ann;Latex\n")); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListClients(ctx, data.ClientQuery{Text: "Ann Lee"})
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %v", list, err)
	}
	if c, err := s.Client(ctx, list[0].ID); err != nil || len(c.Allergies) != 0 {
		t.Fatalf("the trigger left the allergies %q (%v): it does not do what the test above guards against", c.Allergies, err)
	}
}

// A trigger that never ends never makes opening spin: the refusal comes before anything is
// written, and a save is never reached.
func TestRecursiveTriggerNeverSpins(t *testing.T) {
	path, clients := foreignPractice(t, recursiveTrigger, endlessTrigger)
	within(t, time.Minute, "open a file with a recursive trigger", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err == nil {
			defer s.Close()
			c, _ := s.Client(ctx, clients[0].ID)
			c.Notes = "Prefers mornings."
			start := time.Now()
			uerr := s.UpdateClient(ctx, &c)
			return fmt.Errorf("opened for writing; saving a client then took %v and ended with %v", time.Since(start).Round(time.Second), uerr)
		}
		if !errors.Is(err, data.ErrForeignSchema) {
			return fmt.Errorf("open for writing: %w", err)
		}
		return nil
	})
}

// Needlelog's own definitions written with other spacing, case and quotes are Needlelog's: only a
// change of meaning counts.
func TestSchemaComparisonIsByDefinition(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	same := "CREATE\n\tTRIGGER IF NOT EXISTS \"Audit_Log_No_Update\" /* as before */ before update ON [audit_log]\n" +
		"begin select RAISE ( abort , 'the audit log is append-only' ) ; -- kept\nEND"
	other := "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'The audit log is append-only'); END"
	for _, tc := range []struct {
		def  string
		said []string
	}{{same, nil}, {other, []string{idleAuditTriggerSaid}}} {
		path, _ := foreignPractice(t, dropAuditProtection, tc.def)
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		if len(tc.said) == 0 && err != nil {
			t.Fatalf("open a file with %q: %v", tc.def, err)
		}
		if len(tc.said) > 0 {
			if !errors.Is(err, data.ErrForeignSchema) {
				t.Fatalf("open a file with %q: %v", tc.def, err)
			}
			if s, err = sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true}); err != nil {
				t.Fatal(err)
			}
		}
		h, err := s.Check(ctx)
		s.Close()
		if err != nil || !sameItems(h.SchemaChanges, tc.said) {
			t.Errorf("check of a file with %q: %q, %v; want %q", tc.def, h.SchemaChanges, err, tc.said)
		}
	}
}

// A do-nothing trigger named as one of Needlelog's and put in a file of an older version would be
// kept by the upgrade (CREATE TRIGGER IF NOT EXISTS): the file is refused before it.
func TestOlderFileWithATriggerOfALaterVersion(t *testing.T) {
	t.Parallel()
	path, _ := foreignPractice(t)
	sqlite.AsOlderVersion(t, path, 2)
	sqlitetest.RawExec(t, path, idleAuditProtection)
	assertRefusedUntouched(t, path, sqlite.Options{}, data.ErrForeignSchema)
	_, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if want := `an extra trigger "audit_log_no_update" on table "audit_log" that Needlelog did not make`; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("open for writing: %v, want %q", err, want)
	}
	// Without it, the same file upgrades.
	sqlitetest.RawExec(t, path, dropAuditProtection)
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open the older file: %v", err)
	}
	s.Close()
	rawExecFails(t, path, `UPDATE audit_log SET detail = 'x' WHERE seq = 1`)
}

// A restore leaves out what Needlelog did not make and puts back what it made, saying so; the
// backup itself is not changed.
func TestRestoreLeavesForeignObjectsOut(t *testing.T) {
	ctx := context.Background()
	backup, _ := foreignPractice(t, erasingTrigger, recursiveTrigger, endlessTrigger, dropAuditProtection, idleAuditProtection,
		extraView, extraIndex, droppedIndex, extraTable)
	before, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "practice.db")
	closedPractice(t, dst)
	r, err := practice.RestoreFrom(ctx, backup, dst, true)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	for _, want := range []string{"left out " + extraTriggerSaid, "left out " + recursiveTriggerSaid, "left out " + endlessTriggerSaid,
		"left out " + extraViewSaid,
		"left out " + extraIndexSaid, "left out " + extraTableSaid, `made index "clients_due" again, which was missing`,
		`put trigger "audit_log_no_update" back as Needlelog made it`} {
		if !slices.Contains(r.SchemaRepairs, want) {
			t.Errorf("the restore does not say %q: %q", want, r.SchemaRepairs)
		}
	}
	if len(r.SchemaRepairs) != 8 || r.KeptAside == "" {
		t.Errorf("restored: %+v", r)
	}
	if after, err := os.ReadFile(backup); err != nil || !bytes.Equal(before, after) {
		t.Errorf("the backup was changed (%v)", err)
	}
	within(t, time.Minute, "work in the restored practice", func() error {
		s, err := sqlite.Open(ctx, dst, sqlite.Options{})
		if err != nil {
			return fmt.Errorf("open the restored practice: %w", err)
		}
		defer s.Close()
		if h, err := s.Check(ctx); err != nil || len(h.Problems)+len(h.SchemaChanges) > 0 {
			return fmt.Errorf("check: %q %q %v", h.Problems, h.SchemaChanges, err)
		}
		c := data.Client{FirstName: "Ann", LastName: "Lee", Allergies: []string{"Latex"}}
		if err := s.CreateClient(ctx, &c); err != nil {
			return err
		}
		c.Notes = "Prefers mornings."
		if err := s.UpdateClient(ctx, &c); err != nil {
			return err
		}
		if got, err := s.Client(ctx, c.ID); err != nil || !slices.Equal(got.Allergies, []string{"Latex"}) {
			return fmt.Errorf("allergies after saving: %q, %v", got.Allergies, err)
		}
		return nil
	})
	rawExecFails(t, dst, `UPDATE audit_log SET detail = 'x' WHERE seq = 1`)
}

// A backup whose Needlelog tables were changed cannot be put right by dropping and remaking
// triggers: it is refused, and nothing is changed.
func TestRestoreRefusesAChangedTable(t *testing.T) {
	t.Parallel()
	backup, _ := foreignPractice(t, changedTable, extraIndex)
	dst := filepath.Join(t.TempDir(), "practice.db")
	closedPractice(t, dst)
	before, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	_, err = practice.RestoreFrom(context.Background(), backup, dst, true)
	if !errors.Is(err, data.ErrForeignSchema) || !strings.Contains(err.Error(), changedTableSaid) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("restore a backup with a changed table: %v", err)
	}
	if after, err := os.ReadFile(dst); err != nil || !bytes.Equal(before, after) {
		t.Errorf("the practice was changed (%v)", err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), ".*restore*")); len(left) > 0 {
		t.Errorf("the refused restore left its copy: %q", left)
	}
}

// A file that ends before its last page is said to be cut short, for writing and read-only, both
// when it ends at a page's end and within a page.
func TestOpenSaysAFileIsCutShort(t *testing.T) {
	t.Parallel()
	for name, cut := range map[string]int{"last page": 4096, "half a page": 2048} {
		t.Run(name, func(t *testing.T) {
			path, _ := foreignPractice(t)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b[:len(b)-cut], 0o600); err != nil {
				t.Fatal(err)
			}
			for _, opts := range []sqlite.Options{{}, {ReadOnly: true}} {
				_, err := sqlite.Open(context.Background(), path, opts)
				if !errors.Is(err, data.ErrDamaged) || !strings.Contains(err.Error(), "the file is cut short: it ends before its last page") {
					t.Errorf("open with %+v: %v", opts, err)
				}
			}
			assertRefusedUntouched(t, path, sqlite.Options{}, data.ErrDamaged)
		})
	}
}

// Objects given a name SQLite keeps for its own tables, written straight into sqlite_schema as
// writable_schema allows, which SQLite itself would refuse to make.
func stealthObject(kind, name, table, text string) []string {
	return []string{`PRAGMA writable_schema = ON`,
		fmt.Sprintf(`INSERT INTO sqlite_schema VALUES ('%s', '%s', '%s', 0, '%s')`, kind, name, table, strings.ReplaceAll(text, `'`, `''`)),
		`PRAGMA writable_schema = OFF`}
}

const (
	stealthTrigger = `CREATE TRIGGER sqlite_stat_evil AFTER INSERT ON clients BEGIN
		UPDATE clients SET allergies = '[]', notes = 'tampered' WHERE id = new.id; END`
	stealthEndless = `CREATE TRIGGER sqlite_stat1 AFTER INSERT ON audit_log BEGIN
		SELECT (SELECT count(*) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n)); END`
	stealthTriggerSaid = `an extra trigger "sqlite_stat_evil" on table "clients" that Needlelog did not make`
	stealthEndlessSaid = `an extra trigger "sqlite_stat1" on table "audit_log" that Needlelog did not make`
	stealthTableSaid   = `a table "sqlite_sequence" that Needlelog did not make`
)

// A trigger or table named as SQLite's bookkeeping tables are is compared like any other object:
// only SQLite's own tables, of their own definitions, are left out.
func TestObjectsNamedAsSQLitesOwnAreCompared(t *testing.T) {
	for name, tc := range map[string]struct {
		stmts []string
		said  string
	}{
		"trigger erasing allergies": {stealthObject("trigger", "sqlite_stat_evil", "clients", stealthTrigger), stealthTriggerSaid},
		"endless trigger":           {stealthObject("trigger", "sqlite_stat1", "audit_log", stealthEndless), stealthEndlessSaid},
		"table of another shape": {stealthObject("table", "sqlite_sequence", "sqlite_sequence", `CREATE TABLE sqlite_sequence(name, seq, extra)`),
			stealthTableSaid},
	} {
		t.Run(name, func(t *testing.T) {
			path, _ := foreignPractice(t, tc.stmts...)
			within(t, time.Minute, "check and verify", func() error {
				ctx := context.Background()
				ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
				if err != nil {
					return fmt.Errorf("open read-only: %w", err)
				}
				defer ro.Close()
				if h, err := ro.Check(ctx); err != nil || !slices.Contains(h.SchemaChanges, tc.said) {
					return fmt.Errorf("check: schema changes %q, want %q (%v)", h.SchemaChanges, tc.said, err)
				}
				rep, err := ro.Verify(ctx)
				if err != nil || !slices.ContainsFunc(rep.Breaks, func(b string) bool { return strings.Contains(b, tc.said) }) {
					return fmt.Errorf("verify breaks %q lack %q (%v)", rep.Breaks, tc.said, err)
				}
				return nil
			})
			assertRefusedUntouched(t, path, sqlite.Options{}, data.ErrForeignSchema)
		})
	}
}

// A restore leaves out a trigger named as SQLite's own tables are, and new clients keep their allergies.
func TestRestoreLeavesOutAStealthTrigger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	backup, _ := foreignPractice(t, stealthObject("trigger", "sqlite_stat_evil", "clients", stealthTrigger)...)
	dst := filepath.Join(t.TempDir(), "practice.db")
	closedPractice(t, dst)
	r, err := practice.RestoreFrom(ctx, backup, dst, true)
	if err != nil || !slices.Contains(r.SchemaRepairs, "left out "+stealthTriggerSaid) {
		t.Fatalf("restore: %+v, %v", r, err)
	}
	s, err := sqlite.Open(ctx, dst, sqlite.Options{})
	if err != nil {
		t.Fatalf("open the restored practice: %v", err)
	}
	defer s.Close()
	c := data.Client{FirstName: "Ann", LastName: "Lee", Allergies: []string{"Latex"}}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Client(ctx, c.ID); err != nil || !slices.Equal(got.Allergies, []string{"Latex"}) || got.Notes != "" {
		t.Fatalf("a new client after the restore: %+v, %v", got, err)
	}
}

// SQLite's own statistics tables, made by ANALYZE, are not a change to the design.
func TestAnalyzeIsNoSchemaChange(t *testing.T) {
	t.Parallel()
	path, _ := foreignPractice(t, `ANALYZE`, `PRAGMA optimize`)
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open after ANALYZE: %v", err)
	}
	defer s.Close()
	if h, err := s.Check(context.Background()); err != nil || len(h.SchemaChanges)+len(h.Problems) > 0 {
		t.Fatalf("check after ANALYZE: %+v, %v", h, err)
	}
}
