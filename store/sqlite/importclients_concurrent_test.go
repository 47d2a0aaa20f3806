package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// distinctClientsCSV is a file of n different clients, with a few rows of each other's clients
// repeated, as an export of two merged lists has them.
func distinctClientsCSV(n int) (csv string, distinct int) {
	var b strings.Builder
	b.WriteString("First name,Last name,Date of birth,Email\n")
	for i := range n {
		fmt.Fprintf(&b, "Ann%d,Writer,1980-02-%02d,ann%d@example.com\n", i, i%28+1, i)
		if i%100 == 7 {
			fmt.Fprintf(&b, "ANN%d,writer,%02d/02/1980,\n", i, i%28+1) // the same client again
		}
	}
	return b.String(), n
}

// TestConcurrentImportsAddNoOneTwice: two writers (two stores on one file, as two programs would
// have it) import the same file at once; each client is added once, and each writer's counts say
// what it did with every row.
func TestConcurrentImportsAddNoOneTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "practice.db")
	first, err := sqlite.Open(ctx, db, sqlite.Options{Create: true})
	mustDo(t, err)
	defer first.Close()
	second, err := sqlite.Open(ctx, db, sqlite.Options{})
	mustDo(t, err)
	defer second.Close()
	csv, distinct := distinctClientsCSV(2000)
	rows := distinct + distinct/100

	var wg sync.WaitGroup
	results := make([]data.ClientImportResult, 2)
	errs := make([]error, 2)
	start := make(chan struct{})
	for i, s := range []*sqlite.Store{first, second} {
		wg.Go(func() {
			<-start
			results[i], _, errs[i] = s.ImportClientsCSV(ctx, strings.NewReader(csv))
		})
	}
	close(start)
	wg.Wait()
	imported := 0
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("import %d: %v", i+1, errs[i])
		}
		if got := res.Imported + res.Skipped + len(res.Failed); got != rows || res.Skipped != len(res.Duplicates) {
			t.Errorf("import %d: %d imported + %d already there + %d not imported = %d, want the %d rows read",
				i+1, res.Imported, res.Skipped, len(res.Failed), got, rows)
		}
		imported += res.Imported
	}
	counts, err := first.Counts(ctx)
	mustDo(t, err)
	if counts["clients"] != int64(distinct) || imported != distinct {
		t.Errorf("two imports of one file at once left %d clients (they said %d imported), want %d",
			counts["clients"], imported, distinct)
	}
}
