package practice

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"needlelog.app/needlelog/store/photolib"
)

// bigPhotoFile writes a file of n pseudo-random bytes into the photo folder dir, streaming, and
// returns its SHA-256: a photo far larger than any buffer a stream keeps.
func bigPhotoFile(t *testing.T, dir string, n int64) string {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	r := io.LimitReader(rand.NewChaCha8([32]byte{7}), n)
	if _, err := io.Copy(io.MultiWriter(f, h), r); err != nil {
		t.Fatal(err)
	}
	f.Close()
	sum := hex.EncodeToString(h.Sum(nil))
	if err := os.MkdirAll(filepath.Dir(photolib.PathIn(dir, sum)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, photolib.PathIn(dir, sum)); err != nil {
		t.Fatal(err)
	}
	return sum
}

// allocated is the most the live heap grew while fn ran, sampled every millisecond with the
// collector set to run often: what fn held at once, give or take a chunk. (age allocates a fresh
// 64 KB buffer per chunk it decrypts, so the bytes allocated in all grow with the file; what is
// held at once must not.)
func allocated(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	if peak < base {
		return 0
	}
	return peak - base
}

// Encrypting a photo file into a backup store, decrypting it back, and the same for a snapshot,
// stream: what they hold at once stays a small part of a 48 MB file's size.
func TestEncryptedCopiesStream(t *testing.T) {
	old := BackupKeyWorkFactor
	BackupKeyWorkFactor = 10
	t.Cleanup(func() { BackupKeyWorkFactor = old })
	const size = 48 << 20
	const most = 12 << 20
	src := t.TempDir()
	dir := t.TempDir()
	enc, err := SetUpBackupKey(dir, "yellow kettle harbour march")
	if err != nil {
		t.Fatal(err)
	}
	key, err := UnlockBackupKey(dir, "yellow kettle harbour march")
	if err != nil {
		t.Fatal(err)
	}
	sum := bigPhotoFile(t, src, size)
	store := backupPhotoDir(dir)

	st, err := newPhotoStore(store, src, enc)
	if err != nil {
		t.Fatal(err)
	}
	if n := allocated(func() { _, err = st.copy(sum, false, true) }); err != nil || n > most {
		t.Fatalf("encrypting a %d MB photo file held %d KB: %v", size>>20, n>>10, err)
	}
	lib := t.TempDir()
	if n := allocated(func() { err = restoreEncryptedPhoto(lib, storedPhoto(store, sum, true), sum, key) }); err != nil || n > most {
		t.Fatalf("decrypting it held %d KB: %v", n>>10, err)
	}
	if err := photolib.VerifyIn(lib, sum); err != nil {
		t.Fatal(err)
	}

	sealed := filepath.Join(dir, "big.db.age")
	if n := allocated(func() { err = encryptSnapshot(photolib.PathIn(src, sum), sealed, enc) }); err != nil || n > most {
		t.Fatalf("encrypting a %d MB snapshot held %d KB: %v", size>>20, n>>10, err)
	}
	var plain string
	if n := allocated(func() { plain, err = decryptForRestore(sealed, filepath.Join(t.TempDir(), "clinic.db"), key) }); err != nil || n > most {
		t.Fatalf("decrypting it held %d KB: %v", n>>10, err)
	}
	f, err := os.Open(plain)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	if hex.EncodeToString(h.Sum(nil)) != sum {
		t.Error("the snapshot decrypted differs from what was encrypted")
	}
}
