package sqlitetest

import (
	"database/sql"
	"os"
	"testing"
)

// DamageTable flips the cell pointers of a small table's root page, as a failing disk or a
// half-copied file would leave them: the file's header and schema stay readable, so only a check
// of the pages finds it. The file must be closed (no log beside it).
func DamageTable(tb testing.TB, path, table string) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		tb.Fatal(err)
	}
	var root, size int64
	err = db.QueryRow(`SELECT (SELECT rootpage FROM sqlite_schema WHERE name = ?), (SELECT page_size FROM pragma_page_size)`,
		table).Scan(&root, &size)
	db.Close()
	if err != nil || root < 2 {
		tb.Fatalf("root page of %s: %d, %v", table, root, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, size)
	if _, err := f.ReadAt(page, (root-1)*size); err != nil {
		tb.Fatal(err)
	}
	if page[0] != 0x0d {
		tb.Fatalf("root page of %s is of type %#x, not a table leaf", table, page[0])
	}
	for i := 8; i < 8+2*(int(page[3])<<8|int(page[4])); i++ {
		page[i] ^= 0xff
	}
	if _, err := f.WriteAt(page, (root-1)*size); err != nil {
		tb.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		tb.Fatal(err)
	}
}
