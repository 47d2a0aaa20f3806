package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

func TestWriteCSVFolderIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"), sqlite.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	c := data.Client{FirstName: "Zoë", LastName: "Ångström"}
	if err := store.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "csv")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := WriteCSVFolder(cancelled, dir, store.Path(), store, sqlite.ExportQuery{}); err == nil {
		t.Fatal("a cancelled export succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a cancelled export left %d files", len(entries))
	}
	if err := WriteCSVFolder(ctx, dir, store.Path(), store, sqlite.ExportQuery{}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(sqlite.ExportTables) {
		t.Fatalf("the folder holds %d files, want one per table", len(entries))
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "clients.csv")); !strings.Contains(string(b), "Ångström") {
		t.Fatal("clients.csv lacks the client")
	}
}
