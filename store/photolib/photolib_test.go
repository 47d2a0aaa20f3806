package photolib_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/store/photolib"
)

func TestPutReadVerify(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "clinic.photos")
	l := photolib.Open(dir)
	b := bytes.Repeat([]byte("photo"), 1000)
	sum := photolib.Sum(b)
	if err := l.Put(sum, []byte("other bytes")); err == nil {
		t.Fatal("Put stored bytes under another SHA-256")
	}
	if err := l.Put("../../etc/passwd", b); err == nil {
		t.Fatal("Put accepted a name that is not a SHA-256")
	}
	if err := l.Put(sum, b); err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, sum[:2], sum[2:4], sum); l.Path(sum) != want {
		t.Fatalf("kept at %s, want %s", l.Path(sum), want)
	}
	if got, err := l.Read(sum); err != nil || !bytes.Equal(got, b) {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	if err := l.Verify(sum); err != nil {
		t.Fatal(err)
	}
	// A file changed behind the library's back is said to be so, never given.
	if err := os.WriteFile(l.Path(sum), append(b[:len(b)-1], 'X'), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Read(sum); !errors.Is(err, photolib.ErrChanged) {
		t.Fatalf("read a changed file: %v", err)
	}
	if err := l.Verify(sum); !errors.Is(err, photolib.ErrChanged) {
		t.Fatalf("verify a changed file: %v", err)
	}
	if err := os.Remove(l.Path(sum)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Read(sum); !errors.Is(err, photolib.ErrMissing) {
		t.Fatalf("read a missing file: %v", err)
	}
	if l.Has(sum) {
		t.Fatal("Has a missing file")
	}
}

func TestCopyBetweenLibraries(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	b := []byte("a photo's bytes")
	sum := photolib.Sum(b)
	if err := photolib.PutFrom(dst, src, sum); !errors.Is(err, photolib.ErrMissing) {
		t.Fatalf("copy a missing file: %v", err)
	}
	if err := photolib.Open(src).Put(sum, b); err != nil {
		t.Fatal(err)
	}
	if err := photolib.PutFrom(dst, src, sum); err != nil {
		t.Fatal(err)
	}
	if err := photolib.VerifyIn(dst, sum); err != nil {
		t.Fatal(err)
	}
	// A source file that no longer matches its name is not copied.
	other := []byte("another photo")
	osum := photolib.Sum(other)
	if err := photolib.Open(src).Put(osum, other); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photolib.PathIn(src, osum), []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := photolib.PutFrom(dst, src, osum); !errors.Is(err, photolib.ErrChanged) {
		t.Fatalf("copy a changed file: %v", err)
	}
	if _, err := os.Stat(photolib.PathIn(dst, osum)); !os.IsNotExist(err) {
		t.Fatalf("the changed file was left in the copy: %v", err)
	}
}

func TestCollectKeepsNamedAndRecentFiles(t *testing.T) {
	l := photolib.Open(t.TempDir())
	var sums []string
	for _, s := range []string{"named", "recent", "orphan"} {
		b := []byte(s)
		if err := l.Put(photolib.Sum(b), b); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, photolib.Sum(b))
	}
	old := time.Now().Add(-2 * time.Hour)
	for _, s := range []string{sums[0], sums[2]} {
		if err := os.Chtimes(l.Path(s), old, old); err != nil {
			t.Fatal(err)
		}
	}
	// A temporary file of a write cut short, long ago.
	tmp := filepath.Join(filepath.Dir(l.Path(sums[0])), ".put-123.tmp")
	if err := os.WriteFile(tmp, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, old, old); err != nil {
		t.Fatal(err)
	}
	removed, err := l.Collect(time.Now(), time.Hour, func(sum string) (bool, error) { return sum == sums[0], nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != sums[2] {
		t.Fatalf("removed %v, want only the old unnamed file", removed)
	}
	for _, s := range sums[:2] {
		if !l.Has(s) {
			t.Fatalf("collected %s", s)
		}
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Fatal("the old temporary file was left")
	}
	// Putting an old unnamed file again makes it recent: it is not collected before its record commits.
	if err := os.Chtimes(l.Path(sums[0]), old, old); err != nil {
		t.Fatal(err)
	}
	if err := l.Put(sums[0], []byte("named")); err != nil {
		t.Fatal(err)
	}
	if removed, _ := l.Collect(time.Now(), time.Hour, func(string) (bool, error) { return false, nil }); len(removed) != 0 {
		t.Fatalf("collected a file just put again: %v", removed)
	}
}
