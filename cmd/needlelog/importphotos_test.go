package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data/photo"
	"needlelog.app/needlelog/data/photo/phototest"
	"needlelog.app/needlelog/store/sqlite"
)

// A link in an imported folder is listed with the reason and not followed.
func TestImportPhotosListsLinks(t *testing.T) {
	f := newImportFixture(t)
	dir := filepath.Join(t.TempDir(), "card")
	elsewhere := t.TempDir()
	real := put(t, filepath.Join(dir, "IMG_0001.JPG"), smallJPEG(t, 10), f.sessionStarted)
	target := put(t, filepath.Join(elsewhere, "IMG_0002.JPG"), smallJPEG(t, 20), f.sessionStarted)
	link := filepath.Join(dir, "IMG_0002.JPG")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "import", "photos", "--db", f.db, "--client", f.anna.ID, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, quote(link)+": skipped: a link to another file; import the file itself\n") {
		t.Errorf("the link is not listed:\n%s", out)
	}
	if !strings.Contains(out, quote(real)+": imported as photo ") {
		t.Errorf("the photo is not imported:\n%s", out)
	}
	if photos := f.photos(t, f.anna.ID); len(photos) != 1 || photos[0].FileName != "IMG_0001.JPG" {
		t.Errorf("stored %d photos, want only IMG_0001.JPG", len(photos))
	}
}

// The GPS position is taken out of stored originals, unless --keep-location is given.
func TestImportPhotosLocation(t *testing.T) {
	file, err := os.ReadFile("../../data/photo/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	// A practice of its own for each: the same photo with and without its location is one photo.
	for _, c := range []struct {
		args []string
		keep bool
	}{{nil, false}, {[]string{"--keep-location"}, true}} {
		f := newImportFixture(t)
		path := put(t, filepath.Join(t.TempDir(), "IMG_0001.JPG"), file, f.sessionStarted)
		args := append([]string{"import", "photos", "--db", f.db, "--client", f.anna.ID, "--kind", "before", path}, c.args...)
		if code, out, errOut := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s\n%s", c.args, code, errOut, out)
		}
		photos := f.photos(t, f.anna.ID)
		if len(photos) != 1 {
			t.Fatalf("%v: stored %d photos", c.args, len(photos))
		}
		s, err := sqlite.Open(context.Background(), f.db, sqlite.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.PhotoOriginal(context.Background(), photos[0].ID)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := photo.HasLocation(stored) || bytes.Contains(stored, []byte("WGS-84")); got != c.keep {
			t.Errorf("%v: the stored original has a location: %v, want %v", c.args, got, c.keep)
		}
		if c.keep != bytes.Equal(stored, file) {
			t.Errorf("%v: stored the file's own bytes: %v", c.args, !c.keep)
		}
	}
}

// jpegDecodeUnderWay reports whether a goroutine is decoding a JPEG.
func jpegDecodeUnderWay() bool {
	buf := make([]byte, 1<<20)
	return bytes.Contains(buf[:runtime.Stack(buf, true)], []byte("image/jpeg.(*decoder)"))
}

// Interrupted (SIGINT or SIGTERM cancel the command's context) while photos are being decoded,
// the command returns at once, leaving the decodes under way behind, and stores nothing.
func TestImportPhotosInterruptedDuringDecode(t *testing.T) {
	f := newImportFixture(t)
	dir := t.TempDir()
	for i := range 4 {
		// A second or so of decoding each: 3000 × 2000 pixels in 100 progressive scans, within the limits.
		put(t, filepath.Join(dir, "IMG_000"+string(rune('1'+i))+".JPG"), phototest.Progressive(3000, 2000, 100, byte(i)), f.sessionStarted)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"import", "photos", "--db", f.db, "--client", f.anna.ID, dir}, &out, &errOut)
	}()
	for !jpegDecodeUnderWay() {
		select {
		case code := <-done:
			t.Fatalf("finished (exit %d) before any decode was seen: %s\n%s", code, errOut.String(), out.String())
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	code := <-done
	if code != 1 || !strings.Contains(errOut.String(), "interrupted after 0 of 4 files") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	if !jpegDecodeUnderWay() {
		t.Error("the command waited for the decodes under way to finish")
	}
	if photos := f.photos(t, f.anna.ID); len(photos) != 0 {
		t.Errorf("stored %d photos after the interruption", len(photos))
	}
}
