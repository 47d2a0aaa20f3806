package photolib_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/internal/testkit"
	"needlelog.app/needlelog/store/photolib"
)

// hostileSums are names a record restored from a crafted backup, or edited outside the app, may
// give where a SHA-256 belongs.
func hostileSums() []string {
	good := photolib.Sum([]byte("a photo"))
	return []string{
		"", "a", "ab", "abc", "abcd", "..", "../", "../../etc/passwd", "/etc/passwd", `..\..\windows\win.ini`,
		strings.ToUpper(good), good[:63], good + "0", good[:62] + "..", ".." + good[2:],
		strings.Repeat("../", 21) + "a", // 64 characters, every one a step out
		"ab/cd/" + good[6:], good[:32] + "\x00" + good[33:], good[:63] + "é"[:1], good[:60] + "ä",
		good + "/../../../..", " " + good[1:],
	}
}

// outside lists every file and folder under root but the libraries in it, with their sizes and times.
func outside(t testing.TB, root string, libs ...string) string {
	var b strings.Builder
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if slices.Contains(libs, path) {
			return fs.SkipDir
		}
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		fmt.Fprintln(&b, path, info.Mode(), info.ModTime(), info.Size())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// tryName gives sum to every function of the library that takes one, in a library that holds no
// file, beside files it must never reach: none may panic, reach outside, or give anything but a
// missing file.
func tryName(t testing.TB, sum string) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "c", "clinic.photos")
	other := filepath.Join(root, "a", "b", "c", "backup.photos")
	for _, path := range []string{filepath.Join(root, "etc", "passwd"), filepath.Join(root, "a", "etc", "passwd"), filepath.Join(root, "a", "b", "passwd"), filepath.Join(dir, "placed")} {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("root:x:0:0"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	before := outside(t, root, dir, other)
	l := photolib.Open(dir)
	for in, path := range map[string]string{dir: l.Path(sum), other: photolib.PathIn(other, sum)} {
		if !strings.HasPrefix(path, in+string(filepath.Separator)) || strings.Contains(path[len(in):], "..") {
			t.Errorf("%q is kept at %s, outside %s", sum, path, in)
		}
	}
	missing := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, photolib.ErrMissing) {
			t.Errorf("%s(%q) = %v, want a missing photo file", what, sum, err)
		}
		if !photolib.Valid(sum) && (err == nil || !strings.Contains(err.Error(), "not a photo file name")) {
			t.Errorf("%s(%q) = %v, want it to say the name is not a photo file name", what, sum, err)
		}
	}
	_, err := l.Read(sum)
	missing("Read", err)
	f, err := l.Open(sum)
	if f != nil {
		f.Close()
	}
	missing("Open", err)
	missing("Verify", l.Verify(sum))
	missing("VerifyIn", photolib.VerifyIn(dir, sum))
	missing("PutFrom", photolib.PutFrom(other, dir, sum))
	if l.Has(sum) {
		t.Errorf("Has(%q)", sum)
	}
	if !photolib.Valid(sum) {
		missing("Put", l.Put(sum, []byte("root:x:0:0")))
		missing("PutReader", photolib.PutReader(other, sum, strings.NewReader("root:x:0:0")))
	}
	if err := l.Remove(sum); err != nil {
		t.Errorf("Remove(%q) = %v", sum, err)
	}
	if after := outside(t, root, dir, other); after != before {
		t.Errorf("%q reached outside the library:\nbefore\n%s\nafter\n%s", sum, before, after)
	}
	if _, err := os.Stat(filepath.Join(dir, "placed")); err != nil {
		t.Errorf("%q took a file that is not the library's: %v", sum, err)
	}
}

func TestHostileNames(t *testing.T) {
	for _, sum := range hostileSums() {
		if photolib.Valid(sum) {
			t.Fatalf("%q is no hostile name", sum)
		}
		tryName(t, sum)
	}
	tryName(t, photolib.Sum([]byte("a photo"))) // a sound name not there is missing the same way
}

func FuzzSum(f *testing.F) {
	for _, sum := range hostileSums() {
		f.Add(sum)
	}
	f.Fuzz(func(t *testing.T, sum string) { tryName(t, sum) })
}

func TestPutReplacesADamagedFileOfTheSameSize(t *testing.T) {
	l := photolib.Open(t.TempDir())
	b := bytes.Repeat([]byte("photo"), 1000)
	sum := photolib.Sum(b)
	if err := l.Put(sum, b); err != nil {
		t.Fatal(err)
	}
	testkit.FlipByte(t, l.Path(sum), 2500) // bit rot: same size, other bytes
	if err := l.Put(sum, b); err != nil {
		t.Fatal(err)
	}
	if err := l.Verify(sum); err != nil {
		t.Fatalf("the damaged file was kept over the sound bytes: %v", err)
	}
	// The same between two folders: a damaged copy already there is replaced.
	dst := t.TempDir()
	if err := photolib.PutFrom(dst, l.Dir(), sum); err != nil {
		t.Fatal(err)
	}
	testkit.FlipByte(t, photolib.PathIn(dst, sum), -1)
	if err := photolib.PutFrom(dst, l.Dir(), sum); err != nil {
		t.Fatal(err)
	}
	if err := photolib.VerifyIn(dst, sum); err != nil {
		t.Fatalf("the damaged copy was kept: %v", err)
	}
}

// A folder where a file should be, a file where a folder should be, a link: each is said as a
// missing file, never stops a check with another error, and a Put puts the sound file back where
// it can.
func TestSomethingElseInAFilesPlace(t *testing.T) {
	dir := t.TempDir()
	l := photolib.Open(dir)
	photo := func(s string) ([]byte, string) { return []byte(s), photolib.Sum([]byte(s)) }
	isMissing := func(sum string) {
		t.Helper()
		if _, err := l.Read(sum); !errors.Is(err, photolib.ErrMissing) {
			t.Errorf("Read: %v, want a missing file", err)
		}
		if err := l.Verify(sum); !errors.Is(err, photolib.ErrMissing) {
			t.Errorf("Verify: %v, want a missing file", err)
		}
		if f, err := l.Open(sum); !errors.Is(err, photolib.ErrMissing) {
			if f != nil {
				f.Close()
			}
			t.Errorf("Open: %v, want a missing file", err)
		}
		if l.Has(sum) {
			t.Error("Has something that is no file")
		}
	}

	// An empty folder where the file belongs.
	b, sum := photo("empty folder")
	if err := os.MkdirAll(l.Path(sum), 0o700); err != nil {
		t.Fatal(err)
	}
	isMissing(sum)
	if err := l.Put(sum, b); err != nil {
		t.Error(err)
	}
	if got, err := l.Read(sum); err != nil || !bytes.Equal(got, b) {
		t.Errorf("put over an empty folder: %q, %v", got, err)
	}

	// A folder holding something is not removed, and the Put says so.
	b, sum = photo("full folder")
	kept := filepath.Join(l.Path(sum), "someone's file")
	if err := os.MkdirAll(filepath.Dir(kept), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kept, []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	isMissing(sum)
	if err := l.Put(sum, b); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("put over a folder holding a file: %v", err)
	}
	if err := l.Remove(sum); err != nil {
		t.Errorf("a folder in its file's place kept a photo from being deleted: %v", err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Fatal(err)
	}

	// A file where one of the file's folders should be ("ab", then "ab/cd"): said missing, no
	// reason to refuse a delete, moved aside (kept) when the photo is put.
	for i, prefix := range []func(string) string{
		func(sum string) string { return sum[:2] },
		func(sum string) string { return filepath.Join(sum[:2], sum[2:4]) },
	} {
		b, sum := photo(fmt.Sprint("file for folder ", i))
		inTheWay := filepath.Join(dir, prefix(sum))
		if err := os.MkdirAll(filepath.Dir(inTheWay), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(inTheWay, []byte("in the way"), 0o600); err != nil {
			t.Fatal(err)
		}
		isMissing(sum)
		if err := photolib.PutFrom(t.TempDir(), dir, sum); !errors.Is(err, photolib.ErrMissing) {
			t.Errorf("copy from under a file: %v", err)
		}
		if err := l.Remove(sum); err != nil {
			t.Errorf("a file in a folder's place kept a photo from being deleted: %v", err)
		}
		if err := l.Put(sum, b); err != nil {
			t.Errorf("a file in a folder's place refused the photo: %v", err)
		}
		if err := l.Verify(sum); err != nil {
			t.Error(err)
		}
		if got, err := os.ReadFile(inTheWay + ".not-a-folder"); err != nil || string(got) != "in the way" {
			t.Errorf("the file in the way was not kept aside: %q, %v", got, err)
		}
	}
}

// A broken link in a folder's place is moved aside too.
func TestPutMovesABrokenLinkAside(t *testing.T) {
	dir := t.TempDir()
	l := photolib.Open(dir)
	b := []byte("under a broken link")
	sum := photolib.Sum(b)
	testkit.Symlink(t, filepath.Join(dir, "gone"), filepath.Join(dir, sum[:2]))
	if err := l.Put(sum, b); err != nil {
		t.Fatalf("a broken link in a folder's place refused the photo: %v", err)
	}
	if err := l.Verify(sum); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, sum[:2]+".not-a-folder")); err != nil {
		t.Fatalf("the link was not kept aside: %v", err)
	}
}

// Walk gives the library's own files only: not a folder, a link or a stray file that bears a
// photo file's name, nor a temporary file.
func TestWalkGivesOnlyTheLibrarysFiles(t *testing.T) {
	dir := t.TempDir()
	l := photolib.Open(dir)
	b := []byte("the one photo")
	if err := l.Put(photolib.Sum(b), b); err != nil {
		t.Fatal(err)
	}
	stray := photolib.Sum([]byte("stray"))
	if err := os.WriteFile(filepath.Join(dir, stray), []byte("stray"), 0o600); err != nil {
		t.Fatal(err)
	}
	folder := photolib.Sum([]byte("folder"))
	if err := os.MkdirAll(l.Path(folder), 0o700); err != nil {
		t.Fatal(err)
	}
	link := photolib.Sum([]byte("link"))
	if err := os.MkdirAll(filepath.Dir(l.Path(link)), 0o700); err != nil {
		t.Fatal(err)
	}
	linked := os.Symlink(filepath.Join(dir, stray), l.Path(link)) == nil
	// The temporary file of a write a kill cut short.
	if err := os.WriteFile(filepath.Join(filepath.Dir(l.Path(photolib.Sum(b))), ".put-123.tmp"), b[:5], 0o600); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := photolib.Walk(dir, func(f photolib.File) error { got = append(got, f.Sum); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != photolib.Sum(b) {
		t.Fatalf("walked %v, want only %s (links made: %v)", got, photolib.Sum(b), linked)
	}
}

// A link in a file's place is never kept as the photo: its target can change behind the
// library's back, and a Put must neither keep nor touch a file outside the library.
func TestPutReplacesALink(t *testing.T) {
	l := photolib.Open(t.TempDir())
	b := []byte("a linked photo")
	sum := photolib.Sum(b)
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(target, b, 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	if err := os.Chtimes(target, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(l.Path(sum)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, l.Path(sum)); err != nil {
		t.Skipf("this system makes no links: %v", err)
	}
	if err := l.Put(sum, b); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(l.Path(sum))
	if err != nil || !info.Mode().IsRegular() {
		t.Fatalf("the link was kept as the photo file: %v, %v", info.Mode(), err)
	}
	if info, err := os.Stat(target); err != nil || !info.ModTime().Equal(old) {
		t.Fatalf("a file outside the library was touched: %v, %v", info.ModTime(), err)
	}
	if err := l.Verify(sum); err != nil {
		t.Fatal(err)
	}
}

// A file larger than any photo in a photo file's place is said to be changed without being read
// into memory: a crafted backup can bring a file of any size under the name a record gives.
func TestReadRefusesAFileLargerThanAnyPhoto(t *testing.T) {
	l := photolib.Open(t.TempDir())
	b := []byte("a photo")
	sum := photolib.Sum(b)
	if err := l.Put(sum, b); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(l.Path(sum), photo.MaxFileBytes+1); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := l.Read(sum)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, photolib.ErrChanged) {
		t.Fatalf("read a file larger than any photo: %v", err)
	}
	if held := after.TotalAlloc - before.TotalAlloc; held > 1<<20 {
		t.Fatalf("reading a file larger than any photo took %d bytes of memory", held)
	}
	big := make([]byte, photo.MaxFileBytes+1)
	if err := l.Put(photolib.Sum(big), big); err == nil {
		t.Fatal("stored a file larger than any photo, which Read would refuse")
	}
}
