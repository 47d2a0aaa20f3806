package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

func TestOpenNewFileAppliesSchemaAndDefaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	h, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.SchemaVersion != sqlite.SchemaVersion() || len(h.Problems) > 0 {
		t.Fatalf("new file: version %d (want %d), problems %v", h.SchemaVersion, sqlite.SchemaVersion(), h.Problems)
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
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := testkit.CreateClient(t, s, "Zoë", "Ångström")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, path, sqlite.Options{})
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
	t.Parallel()
	path := filepath.Join(t.TempDir(), "typo.db")
	for _, opts := range []sqlite.Options{{}, {ReadOnly: true}} {
		_, err := sqlite.Open(context.Background(), path, opts)
		if !errors.Is(err, data.ErrMissing) {
			t.Fatalf("open missing file with %+v: got %v, want ErrMissing", opts, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("opening a missing file created it")
		}
	}
}

// assertRefusedUntouched opens path and checks it is refused with want and left byte for byte as it was.
func assertRefusedUntouched(t *testing.T, path string, opts sqlite.Options, want error) {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), path, opts)
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
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Fatalf("refusing %s left a %s file", filepath.Base(path), suffix)
		}
	}
}

func TestOpenRefusesNewerSchemaWithoutTouchingIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "future.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A later Needlelog has moved the file on, and left it in rollback-journal mode.
	sqlitetest.RawExec(t, path, "PRAGMA journal_mode = DELETE", "PRAGMA user_version = 99")
	for _, opts := range []sqlite.Options{{}, {Create: true}, {ReadOnly: true}} {
		assertRefusedUntouched(t, path, opts, data.ErrNewerSchema)
	}
}

func TestOpenRefusesFilesThatAreNotNeedlelogDatabases(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(text, bytes.Repeat([]byte("this is not a database\n"), 300), 0o600); err != nil {
		t.Fatal(err)
	}
	assertRefusedUntouched(t, text, sqlite.Options{}, data.ErrNotDatabase)
	assertRefusedUntouched(t, text, sqlite.Options{Create: true}, data.ErrNotDatabase)

	other := filepath.Join(dir, "other.db")
	sqlitetest.RawExec(t, other, "CREATE TABLE songs (title TEXT)", "INSERT INTO songs VALUES ('x')")
	assertRefusedUntouched(t, other, sqlite.Options{}, data.ErrNotDatabase)

	// Another program's database in WAL mode: looking at it must not leave a -wal or -shm beside it.
	otherWAL := filepath.Join(dir, "other-wal.db")
	sqlitetest.RawExec(t, otherWAL, "PRAGMA journal_mode = WAL", "CREATE TABLE songs (title TEXT)", "INSERT INTO songs VALUES ('x')")
	assertRefusedUntouched(t, otherWAL, sqlite.Options{}, data.ErrNotDatabase)
	assertRefusedUntouched(t, otherWAL, sqlite.Options{ReadOnly: true}, data.ErrNotDatabase)

	// A photo given a database's name.
	png := filepath.Join(dir, "photo.db")
	if err := os.WriteFile(png, append(phototest.PNGHeader(640, 480), make([]byte, 4096)...), 0o600); err != nil {
		t.Fatal(err)
	}
	assertRefusedUntouched(t, png, sqlite.Options{}, data.ErrNotDatabase)
	assertRefusedUntouched(t, png, sqlite.Options{ReadOnly: true}, data.ErrNotDatabase)

	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	assertRefusedUntouched(t, empty, sqlite.Options{}, data.ErrNotDatabase)
	assertRefusedUntouched(t, empty, sqlite.Options{ReadOnly: true}, data.ErrNotDatabase)
	// An empty file made on purpose (a save dialog creates one) becomes a new practice.
	s, err := sqlite.Open(context.Background(), empty, sqlite.Options{Create: true})
	if err != nil {
		t.Fatalf("create into an empty file: %v", err)
	}
	s.Close()
}

func TestReadOnlyOpenRefusesWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	testkit.CreateClient(t, s, "Anna", "Smith")
	s.Close()
	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
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
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
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
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c := testkit.CreateClient(t, s, "Anna", "Smith")
	se := testkit.StoredSession(t, s, c.ID)
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A tool that ignored foreign keys removed the client under the session.
	sqlitetest.RawExec(t, path, "PRAGMA foreign_keys = OFF", "DELETE FROM clients")
	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
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

// closedPractice writes a practice with a few clients at path and closes it, leaving one file.
func closedPractice(t *testing.T, path string) []data.Client {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	var clients []data.Client
	for _, name := range []string{"Anna", "Bea", "Cleo", "Dora", "Eve"} {
		clients = append(clients, testkit.CreateClient(t, s, name, "Berg"))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return clients
}

// damageTable flips the bytes of the cell pointer array of a table's root page, as a failing disk
// or a half-copied file would leave them: the file's header and schema stay readable.
func damageTable(t testing.TB, path, table string) {
	t.Helper()
	sqlitetest.DamageTable(t, path, table)
}

func TestOpenRefusesDamagedFileAndReadOnlyShowsTheDamage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "damaged.db")
	clients := closedPractice(t, path)
	damageTable(t, path, "clients")

	for _, opts := range []sqlite.Options{{}, {Create: true}} {
		assertRefusedUntouched(t, path, opts, data.ErrDamaged)
	}
	_, err := sqlite.Open(ctx, path, sqlite.Options{})
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "page") {
		t.Errorf("the refusal does not name the file and the damage: %q", msg)
	}

	// Read-only, the damaged file opens, so that what can be read can be exported.
	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open the damaged file read-only: %v", err)
	}
	defer ro.Close()
	h, err := ro.Check(ctx)
	if err != nil {
		t.Fatalf("check the damaged file: %v", err)
	}
	if len(h.Problems) == 0 {
		t.Error("check found nothing wrong with the damaged file")
	}
	// Reading the damaged table says the file is damaged, in the package's words.
	_, err = ro.Client(ctx, clients[0].ID)
	if !errors.Is(err, data.ErrDamaged) {
		t.Errorf("read a client from the damaged table: %v, want ErrDamaged", err)
	}
}

// TestOpenRefusesDamagedFileLeftOpen: a damaged file whose write-ahead log is still there (the
// app was killed) is refused too, and its log is left as it was for a restore to carry along.
func TestOpenRefusesDamagedFileLeftOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "damaged.db")
	closedPractice(t, path)
	damageTable(t, path, "clients")
	if err := os.WriteFile(path+"-wal", nil, 0o600); err != nil { // an empty log, as after a checkpoint
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.Open(context.Background(), path, sqlite.Options{})
	if !errors.Is(err, data.ErrDamaged) {
		t.Fatalf("open a damaged file with its log: %v, want ErrDamaged", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the damaged file was modified")
	}
	if info, err := os.Stat(path + "-wal"); err != nil || info.Size() != 0 {
		t.Errorf("the log: %v, %v", info, err)
	}
}

func TestOpenLeavesASoundFileUnwrittenUntilItIsOpened(t *testing.T) {
	t.Parallel()
	// The quick check reads; a sound file then opens for writing as before.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	clients := closedPractice(t, path)
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if c, err := s.Client(ctx, clients[4].ID); err != nil || c.FirstName != "Eve" {
		t.Fatalf("client after reopening: %+v, %v", c, err)
	}
}

// A Needlelog file whose tables do not fit its schema version is refused before anything is
// written, WAL conversion included: here in rollback-journal mode, as backups are, so that a
// conversion would show in the bytes.
func TestOpenRefusesTablesThatDoNotFitTheVersion(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		// A table of the current version is gone.
		"missing table": {"DROP TABLE photo_pins"},
		// The version says 1, but the file has what version 2 adds: the upgrade would fail on it.
		"older version over newer tables": {"PRAGMA user_version = 1"},
	}
	for name, stmts := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.db")
			clients := closedPractice(t, path)
			sqlitetest.RawExec(t, path, append([]string{"PRAGMA journal_mode = DELETE"}, stmts...)...)
			assertRefusedUntouched(t, path, sqlite.Options{}, data.ErrForeignSchema)
			ro, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
			if err != nil {
				t.Fatalf("open read-only: %v", err)
			}
			defer ro.Close()
			if c, err := ro.Client(context.Background(), clients[0].ID); err != nil || c.FirstName != "Anna" {
				t.Errorf("read a client: %+v, %v", c, err)
			}
		})
	}
}

// BenchmarkOpen opens a busy practice's file, 20,000 clients, 100,000 sessions and 30 clients'
// photos, as the app does on start: for writing, with the quick check and the schema comparison
// before it; read-only, which skips both; and the quick check alone, on a connection of its own.
// The file is in the system's cache after the first open, as on a second start of the day.
//
//	go test ./data/ -run '^$' -bench '^BenchmarkOpen$' -benchtime 20x
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "practice.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Generate(ctx, s, demo.Options{Clients: 20_000, Sessions: 100_000, Seed: 7, PhotoClients: 30}); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	mb := float64(info.Size()) / (1 << 20)
	for _, opts := range []struct {
		name string
		sqlite.Options
	}{{"write", sqlite.Options{}}, {"write, checked while shown", sqlite.Options{CheckLater: true}},
		{"read-only", sqlite.Options{ReadOnly: true}}} {
		b.Run(opts.name, func(b *testing.B) {
			for b.Loop() {
				s, err := sqlite.Open(ctx, path, opts.Options)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(mb, "file-MB")
		})
	}
	b.Run("quick-check", func(b *testing.B) {
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		for b.Loop() {
			var ok string
			if err := db.QueryRow(`PRAGMA quick_check(4)`).Scan(&ok); err != nil || ok != "ok" {
				b.Fatalf("quick check: %q, %v", ok, err)
			}
		}
		b.ReportMetric(mb, "file-MB")
	})
}

// Writes counts the changes committed since the store was opened, and nothing else: a backup
// made when it was n is known to hold every change while it stays n.
func TestWritesCountsCommittedChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := sqlitetest.OpenStore(t)
	if n := s.Writes(); n != 0 {
		t.Fatalf("a store just opened counts %d writes", n)
	}
	c := data.Client{FirstName: "Ann", LastName: "Lee"}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListClients(ctx, data.ClientQuery{}); err != nil {
		t.Fatal(err)
	}
	if n := s.Writes(); n != 1 {
		t.Fatalf("one client created and a list read count %d writes", n)
	}
	head, err := s.AuditHead(ctx)
	if err != nil || head.Seq < 1 || len(head.Hash) != 64 {
		t.Fatalf("audit head after a change: %+v, %v", head, err)
	}
	if err := s.CreateClient(ctx, &data.Client{}); err == nil {
		t.Fatal("a client without a name was saved")
	}
	if n := s.Writes(); n != 1 {
		t.Fatalf("a refused save counts as a write: %d", n)
	}
	if again, _ := s.AuditHead(ctx); again != head {
		t.Fatalf("a refused save moved the audit head from %+v to %+v", head, again)
	}
}

// A file damaged so badly that SQLite's own check stops part way is still reported as problems,
// not as a check that failed: the practitioner reads what is wrong, and `check` exits 1.
func TestCheckReportsDamageThatStopsTheCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "damaged.db")
	closedPractice(t, path)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	for page := int64(5); page < 9; page++ { // their headers say "table leaf" with nonsense counts
		if _, err := f.WriteAt([]byte{0x0d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, page*4096); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open the damaged file read-only: %v", err)
	}
	defer ro.Close()
	h, err := ro.Check(ctx)
	if err != nil || len(h.Problems) == 0 {
		t.Fatalf("check of a badly damaged file: problems %q, error %v", h.Problems, err)
	}
}
