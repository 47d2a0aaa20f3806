package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// openRefusals are the errors Open may refuse a file with for what is in it.
var openRefusals = []error{data.ErrNotDatabase, data.ErrNewerSchema, data.ErrDamaged, data.ErrForeignSchema}

// openTimeout bounds one Open and Check of a fuzzed file: far beyond what a few hundred
// kilobytes take, it tells a hang from slowness.
const openTimeout = 30 * time.Second

// FuzzOpen writes the fuzzed bytes to a file and opens it, for writing (Create false) and then,
// from the same bytes, read-only. Open must never panic or hang; it either refuses the file with
// one of openRefusals, leaving it byte for byte as it was with nothing beside it, or gives a
// store whose Check runs.
//
// The seed corpus in testdata/fuzz/FuzzOpen is written by
//
//	NEEDLELOG_WRITE_FUZZ_SEEDS=1 go test ./data/ -run '^FuzzOpen$'
//
// from the same seeds as are added here: a small Needlelog database, copies of it truncated and
// with a page's bytes flipped, its header alone, a copy with triggers another program added,
// another program's database, text, a PNG and nothing at all.
func FuzzOpen(f *testing.F) {
	seeds := openSeeds(f)
	if os.Getenv("NEEDLELOG_WRITE_FUZZ_SEEDS") != "" {
		writeSeedCorpus(f, "FuzzOpen", seeds)
	}
	for _, s := range seeds {
		f.Add(s.data)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opts := range []sqlite.Options{{}, {ReadOnly: true}} {
			openFuzzed(t, b, opts)
		}
	})
}

func openFuzzed(t *testing.T, b []byte, opts sqlite.Options) {
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	dir := t.TempDir()
	path := filepath.Join(dir, "fuzzed.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path, opts)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("open with %+v took more than %v", opts, openTimeout)
	}
	if err != nil {
		t.Logf("open with %+v: %v", opts, err)
		if !slices.ContainsFunc(openRefusals, func(e error) bool { return errors.Is(err, e) }) {
			t.Fatalf("open with %+v refused the file with an error that is none of the package's: %v", opts, err)
		}
		after, rerr := os.ReadFile(path)
		if rerr != nil || !bytes.Equal(b, after) {
			t.Fatalf("open with %+v refused the file (%v) but changed it (%v)", opts, err, rerr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("open with %+v refused the file (%v) but left %d files in its folder", opts, err, len(entries))
		}
		return
	}
	defer s.Close()
	h, err := s.Check(ctx)
	t.Logf("open with %+v: opened; check found %d problems (%v)", opts, len(h.Problems), err)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("check with %+v took more than %v", opts, openTimeout)
		}
		if !errors.Is(err, data.ErrDamaged) {
			t.Fatalf("check of a file opened with %+v: %v", opts, err)
		}
	}
}

type namedSeed struct {
	name string
	data []byte
}

// openSeeds makes the seeds from a real database written by this build.
func openSeeds(tb testing.TB) []namedSeed {
	tb.Helper()
	dir := tb.TempDir()
	db := smallPractice(tb, filepath.Join(dir, "small.db"))
	damaged := filepath.Join(dir, "damaged.db")
	if err := os.WriteFile(damaged, db, 0o600); err != nil {
		tb.Fatal(err)
	}
	damageTable(tb, damaged, "sessions")
	flipped, err := os.ReadFile(damaged)
	if err != nil {
		tb.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	sqlitetest.RawExec(tb, other, "PRAGMA page_size = 512", "CREATE TABLE songs (title TEXT, artist TEXT)",
		"INSERT INTO songs VALUES ('Blue', 'Joni Mitchell')")
	otherBytes, err := os.ReadFile(other)
	if err != nil {
		tb.Fatal(err)
	}
	// Triggers another program added: one that never ends, one that erases what is saved.
	foreign := filepath.Join(dir, "foreign.db")
	if err := os.WriteFile(foreign, db, 0o600); err != nil {
		tb.Fatal(err)
	}
	sqlitetest.RawExec(tb, foreign, endlessTrigger, erasingTrigger, "PRAGMA journal_mode = DELETE")
	foreignBytes, err := os.ReadFile(foreign)
	if err != nil {
		tb.Fatal(err)
	}
	return []namedSeed{
		{"needlelog", db},
		{"needlelog-half", db[:len(db)/2]},
		{"needlelog-four-pages", db[:4*512]},
		{"needlelog-flipped-page", flipped},
		{"needlelog-header", db[:100]},
		{"other-program", otherBytes},
		{"needlelog-foreign-triggers", foreignBytes},
		{"text", []byte("name,phone\nAnna Berg,0770 900 123\n")},
		{"png", phototest.PNGHeader(64, 48)},
		{"empty", nil},
	}
}

// smallPractice writes a Needlelog database with a client and a session at path, packed into
// 512-byte pages so that it makes a small seed, and returns its bytes. It stays in WAL mode, as
// the app leaves it.
func smallPractice(tb testing.TB, path string) []byte {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Create: true})
	if err != nil {
		tb.Fatal(err)
	}
	c := testkit.CreateClient(tb, s, "Anna", "Berg")
	se := testkit.StoredSession(tb, s, c.ID)
	if err := s.CreateSession(context.Background(), &se); err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	sqlitetest.RawExec(tb, path, "PRAGMA journal_mode = DELETE", "PRAGMA page_size = 512", "VACUUM", "PRAGMA journal_mode = WAL")
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// writeSeedCorpus writes seeds to testdata/fuzz/<target> in the go test fuzz v1 format.
func writeSeedCorpus(tb testing.TB, target string, seeds []namedSeed) {
	tb.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	for _, s := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(s.data)))
		if err := os.WriteFile(filepath.Join(dir, s.name), []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}
