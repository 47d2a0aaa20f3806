package sqlitetest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"needlelog.app/needlelog/data/demo"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
)

// DemoFile is a demo practice of o's size as a SQLite file, made on first use (a large one takes
// minutes) and kept in NEEDLELOG_BENCH_CACHE or the user's cache folder, marked complete once
// fully made. Benchmarks only read it: those that write work on a CopyDemo.
func DemoFile(tb testing.TB, o demo.Options) string {
	tb.Helper()
	dir := os.Getenv("NEEDLELOG_BENCH_CACHE")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			tb.Fatal(err)
		}
		dir = filepath.Join(cache, "needlelog-bench")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	name := fmt.Sprintf("demo_c%d_s%d_seed%d_y%d", o.Clients, o.Sessions, o.Seed, o.Years)
	if o.PhotoClients != 0 || o.Photos != 0 || o.FullSize {
		name += fmt.Sprintf("_pc%d_p%d_full%v", o.PhotoClients, o.Photos, o.FullSize)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s_sqlite%d.db", name, sqlite.SchemaVersion()))
	if _, err := os.Stat(path + ".complete"); err == nil {
		return path
	}
	for _, f := range []string{path, path + "-wal", path + "-shm", photolib.Beside(path)} {
		if err := os.RemoveAll(f); err != nil {
			tb.Fatal(err)
		}
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		tb.Fatal(err)
	}
	_, err = demo.Generate(ctx, s, o)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.WriteFile(path+".complete", nil, 0o600)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

// CopyDemo copies a practice file and its photo folder into the test's temporary folder, for a
// benchmark that writes to it. Photo files are linked where the file system allows: they never
// change.
func CopyDemo(tb testing.TB, path string) string {
	tb.Helper()
	to := filepath.Join(tb.TempDir(), "practice.db")
	if err := copyFile(path, to); err != nil {
		tb.Fatal(err)
	}
	from := photolib.Beside(path)
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(photolib.Beside(to), rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		if os.Link(p, dst) == nil {
			return nil
		}
		return copyFile(p, dst)
	})
	if err != nil && !os.IsNotExist(err) {
		tb.Fatal(err)
	}
	return to
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
