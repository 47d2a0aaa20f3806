package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/store/sqlite"
)

// BenchmarkImportClients20k reads and imports a file of 20,000 clients into a new practice.
func BenchmarkImportClients20k(b *testing.B) {
	csv := manyClientsCSV(20000)
	for b.Loop() {
		b.StopTimer()
		s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "p.db"), sqlite.Options{Create: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, _, err := s.ImportClientsCSV(context.Background(), strings.NewReader(csv)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
