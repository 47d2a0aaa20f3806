package data_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
)

// rawExec changes a database file behind the store's back, as another program or a damaged
// copy would.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestOpenNewFileAppliesSchemaAndDefaults(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	h, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.SchemaVersion != data.SchemaVersion() || len(h.Problems) > 0 {
		t.Fatalf("new file: version %d (want %d), problems %v", h.SchemaVersion, data.SchemaVersion(), h.Problems)
	}
	zones, err := s.Zones(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(zones) != len(data.DefaultZones) || zones[0].Name != "Forehead" {
		t.Fatalf("zones: got %d starting %q, want %d starting Forehead", len(zones), zones[0].Name, len(data.DefaultZones))
	}
	for _, kind := range data.ListKinds {
		items, err := s.ListItems(ctx, kind, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != len(data.DefaultListItems[kind]) {
			t.Errorf("list %s: got %d entries, want %d", kind, len(items), len(data.DefaultListItems[kind]))
		}
	}
	rules, _ := s.Rules(ctx, false)
	devices, _ := s.Devices(ctx, false)
	if len(rules) != len(data.DefaultRules) || len(devices) != len(data.DefaultDevices) {
		t.Fatalf("got %d rules and %d devices", len(rules), len(devices))
	}
}

func TestReopenKeepsRecordsAndDoesNotSeedTwice(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := data.Open(ctx, path, data.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := mustCreateClient(t, s, "Zoë", "Ångström")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = data.Open(ctx, path, data.Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.Client(ctx, c.ID)
	if err != nil || got.Name() != "Zoë Ångström" {
		t.Fatalf("after reopen: %q, %v", got.Name(), err)
	}
	zones, _ := s.Zones(ctx, true)
	if len(zones) != len(data.DefaultZones) {
		t.Fatalf("after reopen: %d zones, want %d", len(zones), len(data.DefaultZones))
	}
}

func TestOpenMissingFileIsReportedNotCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "typo.db")
	for _, opts := range []data.Options{{}, {ReadOnly: true}} {
		_, err := data.Open(context.Background(), path, opts)
		if !errors.Is(err, data.ErrMissing) {
			t.Fatalf("open missing file with %+v: got %v, want ErrMissing", opts, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("opening a missing file created it")
		}
	}
}

// assertRefusedUntouched opens path and checks it is refused with want and left byte for byte as it was.
func assertRefusedUntouched(t *testing.T, path string, opts data.Options, want error) {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := data.Open(context.Background(), path, opts)
	if err == nil {
		s.Close()
		t.Fatalf("open %s succeeded, want %v", filepath.Base(path), want)
	}
	if !errors.Is(err, want) {
		t.Fatalf("open %s: got %v, want %v", filepath.Base(path), err, want)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatalf("refused file %s was modified", filepath.Base(path))
	}
	for _, suffix := range []string{"-wal", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Fatalf("refusing %s left a %s file", filepath.Base(path), suffix)
		}
	}
}

func TestOpenRefusesNewerSchemaWithoutTouchingIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "future.db")
	s, err := data.Open(context.Background(), path, data.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A later Needlelog has moved the file on, and left it in rollback-journal mode.
	rawExec(t, path, "PRAGMA journal_mode = DELETE", "PRAGMA user_version = 99")
	for _, opts := range []data.Options{{}, {Create: true}, {ReadOnly: true}} {
		assertRefusedUntouched(t, path, opts, data.ErrNewerSchema)
	}
}

func TestOpenRefusesFilesThatAreNotNeedlelogDatabases(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(text, bytes.Repeat([]byte("this is not a database\n"), 300), 0o600); err != nil {
		t.Fatal(err)
	}
	assertRefusedUntouched(t, text, data.Options{}, data.ErrNotDatabase)
	assertRefusedUntouched(t, text, data.Options{Create: true}, data.ErrNotDatabase)

	other := filepath.Join(dir, "other.db")
	rawExec(t, other, "CREATE TABLE songs (title TEXT)", "INSERT INTO songs VALUES ('x')")
	assertRefusedUntouched(t, other, data.Options{}, data.ErrNotDatabase)

	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	assertRefusedUntouched(t, empty, data.Options{}, data.ErrNotDatabase)
	// An empty file made on purpose (a save dialog creates one) becomes a new practice.
	s, err := data.Open(context.Background(), empty, data.Options{Create: true})
	if err != nil {
		t.Fatalf("create into an empty file: %v", err)
	}
	s.Close()
}

func TestReadOnlyOpenRefusesWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := data.Open(ctx, path, data.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	mustCreateClient(t, s, "Anna", "Smith")
	s.Close()
	ro, err := data.Open(ctx, path, data.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if list, err := ro.ListClients(ctx, data.ClientQuery{}); err != nil || len(list) != 1 {
		t.Fatalf("read-only list: %v, %v", list, err)
	}
	c := data.Client{LastName: "Jones"}
	if err := ro.CreateClient(ctx, &c); !errors.Is(err, data.ErrReadOnlyMode) {
		t.Fatalf("write through a read-only store: got %v, want ErrReadOnlyMode", err)
	}
}

func TestOpenAppliesDurableSettingsOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	// Several writes and reads in parallel make the pool open what connections it will.
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			c := data.Client{FirstName: "Parallel", LastName: string(rune('A' + i))}
			errs <- s.CreateClient(ctx, &c)
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatalf("parallel create: %v", err)
		}
	}
	h, err := s.Check(ctx)
	if err != nil || len(h.Problems) > 0 || h.Counts["clients"] != 8 {
		t.Fatalf("after parallel writes: %+v, %v", h, err)
	}
	// The file is in WAL mode on disk: another connection sees it in the header.
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode on disk: %q, %v", mode, err)
	}
}

func TestCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := data.Open(ctx, path, data.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := mustCreateClient(t, s, "Anna", "Smith")
	se := storedSession(t, s, c.ID)
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A tool that ignored foreign keys removed the client under the session.
	rawExec(t, path, "PRAGMA foreign_keys = OFF", "DELETE FROM clients")
	ro, err := data.Open(ctx, path, data.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	h, err := ro.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Problems) == 0 {
		t.Fatal("check found no problem with a session whose client is gone")
	}
}
