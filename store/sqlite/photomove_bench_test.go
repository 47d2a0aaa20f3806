package sqlite_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// BenchmarkMovePhotos12MP moves 20 photos of a phone's size (3.4 MB originals, 300 KB previews)
// from the database to the photo library and gives the space back, each run on a fresh copy:
//
//	go test ./store/sqlite/ -run '^$' -bench MovePhotos12MP -benchtime 3x
func BenchmarkMovePhotos12MP(b *testing.B) {
	const photos = 20
	ctx := context.Background()
	dir := b.TempDir()
	src := filepath.Join(dir, "src.db")
	oldLayoutPractice(b, src, photos, 200)
	db := sqlitetest.OpenRaw(b, src)
	ids, err := db.Query(`SELECT id FROM photos`)
	if err != nil {
		b.Fatal(err)
	}
	var list []string
	for ids.Next() {
		var id string
		if err := ids.Scan(&id); err != nil {
			b.Fatal(err)
		}
		list = append(list, id)
	}
	ids.Close()
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, id := range list { // a phone photo's bytes, named by their SHA-256 as an import names them
		original, preview := make([]byte, 3_400_000), make([]byte, 300_000)
		for i := range original {
			original[i] = byte(rnd.Uint32())
		}
		copy(preview, original)
		for _, q := range []struct {
			q    string
			args []any
		}{
			{`UPDATE photos SET sha256 = ? WHERE id = ?`, []any{photolib.Sum(original), id}},
			{`UPDATE photo_originals SET bytes = ? WHERE photo_id = ?`, []any{original, id}},
			{`UPDATE photo_renditions SET preview = ? WHERE photo_id = ?`, []any{preview, id}},
		} {
			if _, err := db.Exec(q.q, q.args...); err != nil {
				b.Fatal(err)
			}
		}
	}
	db.Close()
	sqlite.SetReclaimAtLeast(b, 1<<20)
	var moving, reclaiming time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		path := filepath.Join(dir, fmt.Sprintf("run%d.db", i))
		copyFile(b, src, path)
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		var moved time.Time
		res, err := s.MovePhotos(ctx, func(p sqlite.PhotoMove) {
			if p.Reclaiming {
				moved = time.Now()
			}
		})
		if err != nil || res.Moved != photos || res.Reclaimed <= 0 {
			b.Fatalf("%+v, %v", res, err)
		}
		moving += moved.Sub(start)
		reclaiming += time.Since(moved)
		b.StopTimer()
		s.Close()
		os.RemoveAll(photolib.Beside(path))
		b.StartTimer()
	}
	b.ReportMetric(float64(moving.Milliseconds())/float64(b.N*photos), "ms/photo")
	b.ReportMetric(float64(reclaiming.Milliseconds())/float64(b.N), "reclaim-ms")
}

func copyFile(tb testing.TB, src, dst string) {
	tb.Helper()
	in, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}
