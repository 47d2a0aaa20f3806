package postgres_test

// The benchmarks measure what a practitioner waits for, on the same demo practice (20,000
// clients, 100,000 sessions, photos for 30 clients) in each engine: a SQLite file and a database
// on the PostgreSQL server. Each benchmark has a sub-benchmark per engine, engine=sqlite and
// engine=postgres, doing the same calls; scripts/bench-postgres runs them and prints medians and
// ratios.
//
// The demo is made once and kept: the SQLite file in the cache folder (NEEDLELOG_BENCH_CACHE, or
// the user's cache folder), the PostgreSQL practice in a database named for the demo's options
// and the schema's version on the server at NEEDLELOG_BENCH_POSTGRES (else the test server's),
// marked complete only once fully made. The session-save benchmark adds its sessions to one client
// of its own in the kept practice; the others only read.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
)

const (
	benchCacheEnv    = "NEEDLELOG_BENCH_CACHE"
	benchPostgresEnv = "NEEDLELOG_BENCH_POSTGRES"
)

// benchDemo is the practice the benchmarks run on: the size of a busy clinic's ten years.
var benchDemo = demo.Options{Clients: 20_000, Sessions: 100_000, Seed: 7}

// benchPractice is the demo practice in one engine.
type benchPractice struct {
	open         func(ctx context.Context) (store.Store, error) // opens it, as the app starts
	clients      []string                                       // every client, in list order
	photoClients []string                                       // the clients with photos

	mu   sync.Mutex
	kept store.Store // open for the benchmarks that use an open practice
}

// store is the practice open, as it is while the app runs: opened once, its start-up work over.
func (p *benchPractice) store(b *testing.B) store.Store {
	b.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.kept == nil {
		ctx := context.Background()
		s, err := p.open(ctx)
		if err != nil {
			b.Fatal(err)
		}
		// SQLite's check of the file, which runs while the list is shown, is over before
		// anything is measured.
		if c, ok := s.(interface{ Checked(context.Context) error }); ok {
			if err := c.Checked(ctx); err != nil {
				b.Fatal(err)
			}
		}
		p.kept = s
	}
	return p.kept
}

// closeKept closes the practice kept open, so that it is opened as at the app's start: by no
// one else, closed cleanly.
func (p *benchPractice) closeKept(b *testing.B) {
	b.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.kept != nil {
		if err := p.kept.Close(); err != nil {
			b.Fatal(err)
		}
		p.kept = nil
	}
}

var benchPractices = map[string]func() (*benchPractice, error){
	"sqlite":   sync.OnceValues(sqliteBenchPractice),
	"postgres": sync.OnceValues(postgresBenchPractice),
}

// eachEngine runs bench once per engine, as sub-benchmarks engine=NAME.
func eachEngine(b *testing.B, bench func(b *testing.B, p *benchPractice)) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run("engine="+name, func(b *testing.B) {
			p, err := benchPractices[name]()
			if err != nil {
				b.Fatalf("the %s demo practice: %v", name, err)
			}
			bench(b, p)
		})
	}
}

func benchCacheDir() (string, error) {
	if dir := os.Getenv(benchCacheEnv); dir != "" {
		return dir, os.MkdirAll(dir, 0o700)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, "needlelog-bench")
	return dir, os.MkdirAll(dir, 0o700)
}

// benchDemoName names the demo for its options and the schema it was written with.
func benchDemoName(engine string, schema int) string {
	return fmt.Sprintf("demo_c%d_s%d_seed%d_%s%d", benchDemo.Clients, benchDemo.Sessions, benchDemo.Seed, engine, schema)
}

// migrationsSum is a short hash of the PostgreSQL migrations as this package holds them.
func migrationsSum() string {
	h := sha256.New()
	files, _ := filepath.Glob(filepath.Join("migrations", "*.sql"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			panic(err) // the package's own files
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:8]
}

// generateDemo writes the demo into s, saying on standard error how long it took.
func generateDemo(ctx context.Context, s store.Store, engine string) error {
	start := time.Now()
	res, err := demo.Generate(ctx, s, benchDemo)
	if err != nil {
		return fmt.Errorf("make the demo: %w", err)
	}
	fmt.Fprintf(os.Stderr, "made the %s demo (%d clients, %d sessions, %d photos) in %.0f s\n",
		engine, res.Clients, res.Sessions, res.Photos, time.Since(start).Seconds())
	return nil
}

func sqliteBenchPractice() (*benchPractice, error) {
	ctx := context.Background()
	dir, err := benchCacheDir()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, benchDemoName("sqlite", sqlite.SchemaVersion())+".db")
	done := path + ".complete"
	if _, err := os.Stat(done); err != nil {
		for _, f := range []string{path, path + "-wal", path + "-shm", photolib.Beside(path)} {
			if err := os.RemoveAll(f); err != nil {
				return nil, err
			}
		}
		s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
		if err != nil {
			return nil, err
		}
		err = generateDemo(ctx, s, "SQLite")
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.WriteFile(done, nil, 0o600)
		}
		if err != nil {
			return nil, err
		}
	}
	// As the app opens a practice: the file's check runs while the list is shown.
	open := func(ctx context.Context) (store.Store, error) {
		return sqlite.Open(ctx, path, sqlite.Options{CheckLater: true})
	}
	photoClients := func() ([]string, error) {
		db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return queryStrings(db.QueryContext(ctx, `SELECT DISTINCT client_id FROM photos ORDER BY client_id`))
	}
	return readyBenchPractice(ctx, open, photoClients)
}

func postgresBenchPractice() (*benchPractice, error) {
	ctx := context.Background()
	server := os.Getenv(benchPostgresEnv)
	if server == "" {
		server = os.Getenv(testkit.PostgresEnv)
	}
	if server == "" {
		return nil, fmt.Errorf("no PostgreSQL server: set %s or %s to a superuser's URL", benchPostgresEnv, testkit.PostgresEnv)
	}
	// The schema's text too: a migration edited before its release makes a new demo.
	name := benchDemoName("pg", postgres.SchemaVersion()) + "_" + migrationsSum()
	u, err := url.Parse(server)
	if err != nil {
		return nil, err
	}
	u.Path, u.RawPath = "/"+name, ""
	dbURL := u.String()

	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		return nil, err
	}
	defer admin.Close(ctx)
	var complete bool
	err = admin.QueryRow(ctx, `SELECT coalesce(shobj_description(oid, 'pg_database'), '') = 'complete'
		FROM pg_database WHERE datname = $1`, name).Scan(&complete)
	if err != nil && err != pgx.ErrNoRows {
		return nil, err
	}
	if !complete {
		ident := pgx.Identifier{name}.Sanitize()
		if _, err := admin.Exec(ctx, `DROP DATABASE IF EXISTS `+ident+` WITH (FORCE)`); err != nil {
			return nil, err
		}
		if _, err := admin.Exec(ctx, `CREATE DATABASE `+ident); err != nil {
			return nil, err
		}
		s, err := openServerPractice(ctx, dbURL)
		if err != nil {
			return nil, err
		}
		err = generateDemo(ctx, s, "PostgreSQL")
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		if _, err := admin.Exec(ctx, `COMMENT ON DATABASE `+ident+` IS 'complete'`); err != nil {
			return nil, err
		}
	}
	open := func(ctx context.Context) (store.Store, error) { return openServerPractice(ctx, dbURL) }
	photoClients := func() ([]string, error) {
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return nil, err
		}
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, `SELECT DISTINCT client_id FROM photos ORDER BY client_id`)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[string])
	}
	return readyBenchPractice(ctx, open, photoClients)
}

// readyBenchPractice reads which clients a made practice has.
func readyBenchPractice(ctx context.Context, open func(context.Context) (store.Store, error), photoClients func() ([]string, error)) (*benchPractice, error) {
	s, err := open(ctx)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	p := &benchPractice{open: open}
	q := data.ClientQuery{Limit: 1000}
	for {
		page, err := s.ListClients(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, c := range page {
			if c.FirstName != benchSaver.FirstName || c.LastName != benchSaver.LastName {
				p.clients = append(p.clients, c.ID)
			}
		}
		if len(page) < q.Limit {
			break
		}
		q.After = &page[len(page)-1]
	}
	if len(p.clients) < benchDemo.Clients {
		return nil, fmt.Errorf("the demo practice lists %d clients, want %d", len(p.clients), benchDemo.Clients)
	}
	if p.photoClients, err = photoClients(); err != nil {
		return nil, err
	}
	if len(p.photoClients) == 0 {
		return nil, fmt.Errorf("the demo practice has no photos")
	}
	return p, nil
}

func queryStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// searchAsTyped is what the client list reads for each keystroke in its search box: the first
// page of matches, and how many there are when that page is full (ui/clientlist.go).
func searchAsTyped(ctx context.Context, s store.Store, text string) error {
	const pageSize = 200
	q := data.ClientQuery{Text: text, Limit: pageSize}
	page, err := s.ListClients(ctx, q)
	if err == nil && len(page) == pageSize {
		_, err = s.CountClients(ctx, q)
	}
	return err
}

// BenchmarkSearchAsYouType searches 20,000 clients as the list does while a name is typed: one
// letter (matching most clients), a name's beginning, a full name typed without its accents, a
// name typed with them, Cyrillic, the digits of a phone number and an email domain.
func BenchmarkSearchAsYouType(b *testing.B) {
	eachEngine(b, func(b *testing.B, p *benchPractice) {
		ctx := context.Background()
		s := p.store(b)
		for _, text := range []string{"m", "mar", "maria garcia", "müll", "ødeg", "ан", "7700 900", "example.org"} {
			b.Run(text, func(b *testing.B) {
				for b.Loop() {
					if err := searchAsTyped(ctx, s, text); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// clientPage reads what opening a client shows: the client page (ui/clientpage.go's
// loadClientState: the client, their timeline, the rules their findings come from, their drafts)
// and their photos' thumbnails (ui/photos.go).
func clientPage(ctx context.Context, s store.Store, id string) error {
	c, err := s.Client(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.Timeline(ctx, id); err != nil {
		return err
	}
	rules, err := s.Rules(ctx, false)
	if err != nil {
		return err
	}
	data.Findings(c, rules, data.DateOf(s.Now()))
	if _, err := s.Drafts(ctx, id); err != nil {
		return err
	}
	_, err = s.ListPhotos(ctx, data.PhotoQuery{ClientID: id})
	return err
}

// BenchmarkClientPage opens client after client: any client, and clients with photos, whose
// thumbnails are read.
func BenchmarkClientPage(b *testing.B) {
	eachEngine(b, func(b *testing.B, p *benchPractice) {
		ctx := context.Background()
		s := p.store(b)
		for _, set := range []struct {
			name string
			ids  []string
		}{{"any", p.clients}, {"photos", p.photoClients}} {
			b.Run(set.name, func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					if err := clientPage(ctx, s, set.ids[(i*7919)%len(set.ids)]); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// benchSaver is the client BenchmarkSaveSession saves sessions for: one per run, left out of the
// clients whose pages are read.
var benchSaver = data.Client{FirstName: "Bench", LastName: "Saver"}

// BenchmarkSaveSession saves a new session with its zones and products, as the editor does, into
// the demo practice.
func BenchmarkSaveSession(b *testing.B) {
	eachEngine(b, func(b *testing.B, p *benchPractice) {
		ctx := context.Background()
		s := p.store(b)
		c := testkit.CreateClient(b, s, benchSaver.FirstName, benchSaver.LastName)
		tmpl := testkit.StoredSession(b, s, c.ID)
		for b.Loop() {
			se := tmpl
			se.Zones, se.Products = slices.Clone(tmpl.Zones), slices.Clone(tmpl.Products)
			se.SideEffects = slices.Clone(tmpl.SideEffects)
			if err := s.SaveSession(ctx, &se, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStartToList opens the practice and reads the first page of the client list, as the
// app does before its window shows the list. No one else has it open.
func BenchmarkStartToList(b *testing.B) {
	eachEngine(b, func(b *testing.B, p *benchPractice) {
		ctx := context.Background()
		p.closeKept(b)
		for b.Loop() {
			s, err := p.open(ctx)
			if err != nil {
				b.Fatal(err)
			}
			page, err := s.ListClients(ctx, data.ClientQuery{Limit: 50}) // ui's firstPageSize
			if err != nil || len(page) != 50 {
				b.Fatalf("first page: %d clients, %v", len(page), err)
			}
			b.StopTimer()
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
}
