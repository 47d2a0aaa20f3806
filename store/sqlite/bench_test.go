package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// The benchmarks share one demo practice of 20,000 clients and 100,000 sessions, written once.
var (
	benchOnce  sync.Once
	benchDir   string
	benchStore *sqlite.Store
	benchErr   error
	benchIDs   []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchStore != nil {
		benchStore.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchPractice(b *testing.B) *sqlite.Store {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		if benchDir, benchErr = os.MkdirTemp("", "needlelog-bench-"); benchErr != nil {
			return
		}
		benchStore, benchErr = sqlite.Open(ctx, filepath.Join(benchDir, "bench.db"), sqlite.Options{Create: true})
		if benchErr != nil {
			return
		}
		if _, benchErr = demo.Generate(ctx, benchStore, demo.Options{Clients: 20_000, Sessions: 100_000, Seed: 7, PhotoClients: -1}); benchErr != nil {
			return
		}
		q := data.ClientQuery{Limit: 1000}
		for {
			page, err := benchStore.ListClients(ctx, q)
			if err != nil {
				benchErr = err
				return
			}
			for _, c := range page {
				benchIDs = append(benchIDs, c.ID)
			}
			if len(page) < q.Limit {
				return
			}
			q.After = &page[len(page)-1]
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchStore
}

// BenchmarkSearchClients types searches into a 20,000-client practice, as the client list does on
// every keystroke: one letter (the worst case, matching most clients), a name's beginning, a full
// name, a Cyrillic prefix, part of a phone number and an email domain.
func BenchmarkSearchClients(b *testing.B) {
	s := benchPractice(b)
	ctx := context.Background()
	for _, text := range []string{"a", "mar", "maria garcia", "ан", "0770", "example.com"} {
		b.Run(text, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.ListClients(ctx, data.ClientQuery{Text: text, Limit: 100}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListClientsPage pages through the whole client list by name.
func BenchmarkListClientsPage(b *testing.B) {
	s := benchPractice(b)
	ctx := context.Background()
	var after *data.ClientSummary
	for b.Loop() {
		page, err := s.ListClients(ctx, data.ClientQuery{After: after, Limit: 100})
		if err != nil {
			b.Fatal(err)
		}
		after = nil
		if len(page) == 100 {
			after = &page[99]
		}
	}
}

// BenchmarkListClientsDue lists the clients due or overdue for their next session.
func BenchmarkListClientsDue(b *testing.B) {
	s := benchPractice(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ListClients(ctx, data.ClientQuery{Filter: data.DueClients, Limit: 100}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTimeline loads one client's timeline, as switching client does.
func BenchmarkTimeline(b *testing.B) {
	s := benchPractice(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Timeline(ctx, benchIDs[(i*7919)%len(benchIDs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientPage loads what a client page shows: the client and their timeline.
func BenchmarkClientPage(b *testing.B) {
	s := benchPractice(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		id := benchIDs[(i*7919)%len(benchIDs)]
		if _, err := s.Client(ctx, id); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Timeline(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBackup backs up the 20,000-client, 100,000-session demo practice, checks included.
func BenchmarkBackup(b *testing.B) {
	s := benchPractice(b)
	dir := b.TempDir()
	ctx := context.Background()
	var size int64
	for b.Loop() {
		bk, _, err := practice.BackupTo(ctx, s, dir, practice.Retention{Daily: 1})
		if err != nil {
			b.Fatal(err)
		}
		size = bk.Size
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
}

// BenchmarkCreateSession saves a draft session with its zones and products, as the editor does.
func BenchmarkCreateSession(b *testing.B) {
	s, _ := sqlitetest.OpenStore(b)
	ctx := context.Background()
	c := testkit.CreateClient(b, s, "Zoë", "Ångström")
	tmpl := testkit.StoredSession(b, s, c.ID)
	for b.Loop() {
		se := tmpl
		se.Zones, se.Products = slices.Clone(tmpl.Zones), slices.Clone(tmpl.Products)
		if err := s.CreateSession(ctx, &se); err != nil {
			b.Fatal(err)
		}
	}
}
