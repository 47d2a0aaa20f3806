package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

// BenchmarkMissingPhotos10k counts the missing files of a practice of 10,000 photos in its photo
// library (20,000 files looked for), as opening does once the window shows:
//
//	go test ./store/sqlite/ -run '^$' -bench 'MissingPhotos10k|PhotoMoveDue10k' -benchtime 20x
func BenchmarkMissingPhotos10k(b *testing.B) {
	ctx := context.Background()
	s := tenThousandPhotos(b)
	for b.Loop() {
		m, err := s.MissingPhotos(ctx)
		if err != nil || m.Photos != 0 {
			b.Fatalf("%+v, %v", m, err)
		}
	}
}

// BenchmarkPhotoMoveDue10k asks whether a practice of 10,000 photos, all in its photo library,
// has any to move, as opening does.
func BenchmarkPhotoMoveDue10k(b *testing.B) {
	ctx := context.Background()
	s := tenThousandPhotos(b)
	for b.Loop() {
		d, err := s.PhotoMoveDue(ctx)
		if err != nil || d.Due() {
			b.Fatalf("%+v, %v", d, err)
		}
	}
}

// tenThousandPhotos is a practice of 10,000 photos kept in its photo library, each file there.
func tenThousandPhotos(b *testing.B) *sqlite.Store {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "clinic.db")
	s := sqlitetest.OpenStoreAt(b, path, nil)
	c := photoClient(b, s, "Anna", data.PhotoConsentClinical)
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	sqlitetest.RawExec(b, path, `WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 10000)
		INSERT INTO photos (id, client_id, kind, taken_at, mime, width, height, byte_size, sha256, created_at, updated_at, preview_sha256)
		SELECT printf('p%05d', n), '`+c.ID+`', 'before', '2026-01-01T10:00:00Z', 'image/jpeg', 4000, 3000, 3400000,
			lower(hex(randomblob(32))), '2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z', lower(hex(randomblob(32))) FROM i`)
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	db := sqlitetest.OpenRaw(b, path)
	rows, err := db.Query(`SELECT sha256, preview_sha256 FROM photos`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() { // every file there: the whole folder is looked through
		var o, p string
		if err := rows.Scan(&o, &p); err != nil {
			b.Fatal(err)
		}
		for _, sum := range []string{o, p} {
			f := photolib.PathIn(s.PhotoDir(), sum)
			if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
				b.Fatal(err)
			}
		}
	}
	rows.Close()
	db.Close()
	return s
}
