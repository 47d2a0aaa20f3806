package practice_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
)

const (
	backupPass  = "yellow kettle harbour march"
	otherPass   = "seven quiet lanterns bloom"
	testWorkLog = 10 // scrypt's cost in tests: 1,000 times cheaper than in use
)

func cheapBackupKeys(t *testing.T) {
	t.Helper()
	old := practice.BackupKeyWorkFactor
	practice.BackupKeyWorkFactor = testWorkLog
	t.Cleanup(func() { practice.BackupKeyWorkFactor = old })
}

func setUpKey(t *testing.T, dir, pass string) practice.BackupEncryption {
	t.Helper()
	e, err := practice.SetUpBackupKey(dir, pass)
	if err != nil {
		t.Fatalf("set up the backup key in %s: %v", dir, err)
	}
	return e
}

func encryptBytes(t *testing.T, e practice.BackupEncryption, plain []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := e.Encrypt(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decryptBytes(k *practice.BackupKey, sealed []byte) ([]byte, error) {
	r, err := k.Decrypt(bytes.NewReader(sealed))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path) // a key file: a few hundred bytes
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A backup folder's key is made once with the passphrase; backups are encrypted to it without the
// passphrase and opened with it; a wrong passphrase is said as such.
func TestBackupKeyEncryptsWithoutThePassphraseAndOpensWithIt(t *testing.T) {
	cheapBackupKeys(t)
	dir := filepath.Join(t.TempDir(), "USB stick", "backups") // made when missing
	e := setUpKey(t, dir, backupPass)
	if !e.On() || !strings.HasPrefix(e.Recipient, "age1") {
		t.Fatalf("encryption %+v; want on, to an age1… recipient", e)
	}
	keyFile := readFile(t, filepath.Join(dir, practice.BackupKeyFile))
	if !bytes.Equal(keyFile, e.KeyFile) {
		t.Error("the key file in the folder differs from the one the practice keeps")
	}
	for _, secret := range []string{backupPass, "AGE-SECRET-KEY", "public key"} {
		if bytes.Contains(bytes.ToUpper(keyFile), bytes.ToUpper([]byte(secret))) {
			t.Errorf("the key file holds %q in plain text", secret)
		}
	}

	plain := []byte("SQLite format 3\x00 a practice's records, Ms Example, 2026-03-10")
	sealed := encryptBytes(t, e, plain)
	if bytes.Contains(sealed, []byte("Ms Example")) {
		t.Error("the encrypted backup holds the records in plain text")
	}
	path := filepath.Join(dir, "sealed")
	if err := os.WriteFile(path, sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	if enc, err := practice.IsEncrypted(path); err != nil || !enc {
		t.Errorf("IsEncrypted(encrypted backup) = %v, %v; want true", enc, err)
	}
	if err := os.WriteFile(path, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	if enc, err := practice.IsEncrypted(path); err != nil || enc {
		t.Errorf("IsEncrypted(plain backup) = %v, %v; want false", enc, err)
	}

	if _, err := practice.UnlockBackupKey(dir, "yellow kettle harbour March"); !errors.Is(err, practice.ErrWrongPassphrase) {
		t.Fatalf("a wrong passphrase gives %v; want ErrWrongPassphrase", err)
	}
	if _, err := practice.UnlockBackupKey(dir, ""); !errors.Is(err, practice.ErrWrongPassphrase) {
		t.Fatalf("an empty passphrase gives %v; want ErrWrongPassphrase", err)
	}
	if got := practice.ErrWrongPassphrase.Error(); !strings.HasPrefix(got, "That passphrase does not open these backups.") {
		t.Errorf("a wrong passphrase is said as %q", got)
	}
	k, err := practice.UnlockBackupKey(dir, backupPass)
	if err != nil {
		t.Fatal(err)
	}
	if k.Recipient() != e.Recipient {
		t.Errorf("the key opened is %s; backups are encrypted to %s", k.Recipient(), e.Recipient)
	}
	got, err := decryptBytes(k, sealed)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("decrypted %q, %v; want %q", got, err, plain)
	}

	// Altered or cut short, a backup gives an error, never wrong bytes.
	altered := bytes.Clone(sealed)
	altered[len(altered)-3] ^= 1
	if got, err := decryptBytes(k, altered); err == nil {
		t.Errorf("an altered backup decrypted to %q without error", got)
	}
	if got, err := decryptBytes(k, sealed[:len(sealed)-5]); err == nil {
		t.Errorf("a backup cut short decrypted to %q without error", got)
	}
	// Encrypted to another folder's key: said as such.
	other := setUpKey(t, t.TempDir(), otherPass)
	if _, err := decryptBytes(k, encryptBytes(t, other, plain)); !errors.Is(err, practice.ErrOtherKey) {
		t.Errorf("a backup encrypted to another key gives %v; want ErrOtherKey", err)
	}
}

func TestBackupPassphraseRule(t *testing.T) {
	for _, p := range []string{"", "            ", "\t\n", "short words", "aaaaaaaaaaaaaaaaaaaa", "éééééééééééééé", "ünter-11chr"} {
		if err := practice.CheckBackupPassphrase(p); err == nil {
			t.Errorf("passphrase %q accepted", p)
		} else if msg := err.Error(); !strings.HasSuffix(msg, ".") || msg[0] < 'A' || msg[0] > 'Z' {
			t.Errorf("passphrase %q refused with %q; want a sentence", p, msg)
		}
	}
	for _, p := range []string{backupPass, "twelve chars", "ééééééééééé1", "Z7!q Z7!q Z7!q"} {
		if err := practice.CheckBackupPassphrase(p); err != nil {
			t.Errorf("passphrase %q refused: %v", p, err)
		}
	}
	cheapBackupKeys(t)
	dir := t.TempDir()
	if _, err := practice.SetUpBackupKey(dir, "short"); err == nil {
		t.Fatal("a key was set up with a short passphrase")
	}
	if _, err := os.Stat(filepath.Join(dir, practice.BackupKeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused passphrase left a key file (%v)", err)
	}
}

// Setting encryption up again in a folder that has a key keeps that key (the passphrase opens
// it), and never replaces one the passphrase does not open: the backups it opens would be lost.
func TestSetUpBackupKeyKeepsTheFoldersKey(t *testing.T) {
	cheapBackupKeys(t)
	dir := t.TempDir()
	first := setUpKey(t, dir, backupPass)
	again := setUpKey(t, dir, backupPass)
	if again.Recipient != first.Recipient || !bytes.Equal(again.KeyFile, first.KeyFile) {
		t.Error("setting up again with the same passphrase made a new key")
	}
	if _, err := practice.SetUpBackupKey(dir, otherPass); !errors.Is(err, practice.ErrOtherBackupKey) {
		t.Errorf("setting up with another passphrase gives %v; want ErrOtherBackupKey", err)
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, practice.BackupKeyFile)), first.KeyFile) {
		t.Error("the folder's key file was replaced")
	}

	// A damaged key file is not replaced either: it may be repaired from a copy.
	damaged := t.TempDir()
	junk := []byte("age-encryption.org/v1\n-> scrypt nonsense\n")
	if err := os.WriteFile(filepath.Join(damaged, practice.BackupKeyFile), junk, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := practice.SetUpBackupKey(damaged, backupPass); !errors.Is(err, practice.ErrDamagedBackupKey) {
		t.Errorf("setting up over a damaged key file gives %v; want ErrDamagedBackupKey", err)
	}
	if !bytes.Equal(readFile(t, filepath.Join(damaged, practice.BackupKeyFile)), junk) {
		t.Error("a damaged key file was replaced")
	}
	if _, err := practice.UnlockBackupKey(t.TempDir(), backupPass); !errors.Is(err, practice.ErrNoBackupKey) {
		t.Errorf("a folder without a key file gives %v; want ErrNoBackupKey", err)
	}
}

// Changing the passphrase encrypts only the key file again: backups already made open with the
// new passphrase, and the old one no longer opens the folder's key.
func TestChangeBackupPassphrase(t *testing.T) {
	cheapBackupKeys(t)
	dir := t.TempDir()
	e := setUpKey(t, dir, backupPass)
	sealed := encryptBytes(t, e, []byte("a backup made before the change"))

	if _, err := practice.ChangeBackupPassphrase(dir, otherPass, "a brand new passphrase"); !errors.Is(err, practice.ErrWrongPassphrase) {
		t.Errorf("changing with a wrong old passphrase gives %v; want ErrWrongPassphrase", err)
	}
	if _, err := practice.ChangeBackupPassphrase(dir, backupPass, "tiny"); err == nil {
		t.Error("changed to a weak passphrase")
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, practice.BackupKeyFile)), e.KeyFile) {
		t.Fatal("a refused change altered the key file")
	}
	changed, err := practice.ChangeBackupPassphrase(dir, backupPass, otherPass)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Recipient != e.Recipient {
		t.Error("changing the passphrase changed the key")
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, practice.BackupKeyFile)), changed.KeyFile) {
		t.Error("the folder's key file is not the new one")
	}
	if _, err := practice.UnlockBackupKey(dir, backupPass); !errors.Is(err, practice.ErrWrongPassphrase) {
		t.Errorf("the old passphrase gives %v; want ErrWrongPassphrase", err)
	}
	k, err := practice.UnlockBackupKey(dir, otherPass)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := decryptBytes(k, sealed); err != nil || string(got) != "a backup made before the change" {
		t.Errorf("a backup made before the change reads %q, %v", got, err)
	}
}

// A practice that keeps encrypting after its backup folder changes puts the key file in the new
// folder, and never over another key.
func TestPlaceKeyInAnotherFolder(t *testing.T) {
	cheapBackupKeys(t)
	e := setUpKey(t, t.TempDir(), backupPass)
	moved := filepath.Join(t.TempDir(), "new folder")
	if err := os.Mkdir(moved, 0o700); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second time it is there already
		if err := e.PlaceKey(moved); err != nil {
			t.Fatal(err)
		}
	}
	k, err := practice.UnlockBackupKey(moved, backupPass)
	if err != nil || k.Recipient() != e.Recipient {
		t.Fatalf("the key placed opens as %v, %v", k, err)
	}
	taken := t.TempDir()
	other := setUpKey(t, taken, otherPass)
	if err := e.PlaceKey(taken); !errors.Is(err, practice.ErrFolderHasOtherKey) {
		t.Errorf("placing over another key gives %v; want ErrFolderHasOtherKey", err)
	}
	if !bytes.Equal(readFile(t, filepath.Join(taken, practice.BackupKeyFile)), other.KeyFile) {
		t.Error("another key file was replaced")
	}
}

// The practice keeps the recipient and the key file in its settings, and they survive reopening.
func TestBackupEncryptionSetting(t *testing.T) {
	cheapBackupKeys(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clinic.db")
	s := sqlitetest.OpenStoreAt(t, path, nil)
	if e, err := practice.BackupEncryptionOf(ctx, s); err != nil || e.On() {
		t.Fatalf("a new practice's backups: %+v, %v; want not encrypted", e, err)
	}
	e := setUpKey(t, t.TempDir(), backupPass)
	if err := practice.SetBackupEncryption(ctx, s, e); err != nil {
		t.Fatal(err)
	}
	if err := practice.SetBackupEncryption(ctx, s, practice.BackupEncryption{Recipient: "age1nonsense", KeyFile: []byte("x")}); err == nil {
		t.Error("a recipient that is not a key was kept")
	}
	s.Close()
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := practice.BackupEncryptionOf(ctx, s)
	if err != nil || got.Recipient != e.Recipient || !bytes.Equal(got.KeyFile, e.KeyFile) {
		t.Fatalf("after reopening: %+v, %v; want %+v", got, err, e)
	}
	// Backing up into a folder chosen later puts the key file there; one with another key is refused.
	later := filepath.Join(t.TempDir(), "chosen later")
	if got, err := practice.BackupEncryptionFor(ctx, s, later); err != nil || got.Recipient != e.Recipient {
		t.Fatalf("backups into a new folder: %+v, %v", got, err)
	}
	if k, err := practice.UnlockBackupKey(later, backupPass); err != nil || k.Recipient() != e.Recipient {
		t.Errorf("the new folder's key file opens as %v, %v", k, err)
	}
	taken := t.TempDir()
	setUpKey(t, taken, otherPass)
	if _, err := practice.BackupEncryptionFor(ctx, s, taken); !errors.Is(err, practice.ErrFolderHasOtherKey) {
		t.Errorf("backups into a folder with another key: %v; want ErrFolderHasOtherKey", err)
	}

	if err := practice.SetBackupEncryption(ctx, s, practice.BackupEncryption{}); err != nil {
		t.Fatal(err)
	}
	if got, err := practice.BackupEncryptionOf(ctx, s); err != nil || got.On() {
		t.Errorf("turned off: %+v, %v", got, err)
	}
	plainDir := t.TempDir()
	if got, err := practice.BackupEncryptionFor(ctx, s, plainDir); err != nil || got.On() {
		t.Errorf("turned off, backups are encrypted: %+v, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(plainDir, practice.BackupKeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("turned off, a key file was put into the backup folder (%v)", err)
	}
	if b, err := s.SettingBytes(ctx, "backup.encrypt.key"); err != nil || b != nil {
		t.Errorf("turned off, the practice still keeps a key file (%d bytes, %v)", len(b), err)
	}
}

func TestReadPassphraseFile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, content, want, fails string }{
		{"unix", backupPass + "\n", backupPass, ""},
		{"windows", backupPass + "\r\nsecond line\r\n", backupPass, ""},
		{"notepad with BOM", "\ufeff" + backupPass + "\r\n", backupPass, ""},
		{"only a BOM", "\ufeff\r\n", "", "first line"},
		{"no line end", backupPass, backupPass, ""},
		{"spaces kept", "  spaced out words  \n", "  spaced out words  ", ""},
		{"empty", "", "", "is empty"},
		{"first line empty", "\n" + backupPass + "\n", "", "first line"},
		{"first line empty windows", "\r\n" + backupPass, "", "first line"},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := practice.ReadPassphraseFile(path)
		switch {
		case c.fails == "" && (err != nil || got != c.want):
			t.Errorf("%s: read %q, %v; want %q", c.name, got, err, c.want)
		case c.fails != "" && (err == nil || !strings.Contains(err.Error(), c.fails)):
			t.Errorf("%s: read %q, %v; want an error saying %q", c.name, got, err, c.fails)
		}
	}
	if _, err := practice.ReadPassphraseFile(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "passphrase file") {
		t.Errorf("a missing file gives %v", err)
	}
}

// streamBytes is n bytes of a pattern, made as they are read, whose SHA-256 is summed as they go;
// every checkEvery bytes it measures the heap.
type streamBytes struct {
	left, checkEvery, sinceCheck int64
	sum                          io.Writer
	counter                      uint64
	peakHeap                     uint64
}

func (s *streamBytes) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.left, 32<<10)]
	for i := range p {
		s.counter = s.counter*6364136223846793005 + 1442695040888963407
		p[i] = byte(s.counter >> 56)
	}
	s.left -= int64(len(p))
	s.sinceCheck += int64(len(p))
	if s.sinceCheck >= s.checkEvery {
		s.sinceCheck = 0
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		s.peakHeap = max(s.peakHeap, m.HeapAlloc)
	}
	s.sum.Write(p)
	return len(p), nil
}

// Encrypting and decrypting stream: a backup much larger than the memory they may use goes
// through both with the heap staying small.
func TestBackupEncryptionStreamsInConstantMemory(t *testing.T) {
	cheapBackupKeys(t)
	dir := t.TempDir()
	e := setUpKey(t, dir, backupPass)
	k, err := practice.UnlockBackupKey(dir, backupPass)
	if err != nil {
		t.Fatal(err)
	}
	const size = 192 << 20
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	plainSum := sha256.New()
	src := &streamBytes{left: size, checkEvery: 16 << 20, sum: plainSum}
	pr, pw := io.Pipe()
	go func() {
		w, err := e.Encrypt(pw)
		if err == nil {
			_, err = io.Copy(w, src)
		}
		if err == nil {
			err = w.Close()
		}
		pw.CloseWithError(err)
	}()
	r, err := k.Decrypt(pr)
	if err != nil {
		t.Fatal(err)
	}
	gotSum := sha256.New()
	n, err := io.Copy(gotSum, r)
	if err != nil || n != size {
		t.Fatalf("decrypted %d bytes, %v; want %d", n, err, size)
	}
	if !bytes.Equal(gotSum.Sum(nil), plainSum.Sum(nil)) {
		t.Fatal("the decrypted stream differs from the one encrypted")
	}
	if grew := int64(src.peakHeap) - int64(base.HeapAlloc); grew > 16<<20 {
		t.Errorf("the heap grew by %d MB while %d MB went through; want it to stay under 16 MB", grew>>20, size>>20)
	}
}

// Opening a key file at the cost used (scrypt 2^18): what restoring an encrypted backup waits for
// once, and setting encryption up costs.
func BenchmarkUnlockBackupKey(b *testing.B) {
	dir := b.TempDir()
	if _, err := practice.SetUpBackupKey(dir, backupPass); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := practice.UnlockBackupKey(dir, backupPass); err != nil {
			b.Fatal(err)
		}
	}
}

// Encrypting a phone photo (3.4 MB) to the practice's key: what each photo file of a backup costs.
func BenchmarkEncryptPhoto(b *testing.B) {
	old := practice.BackupKeyWorkFactor
	practice.BackupKeyWorkFactor = testWorkLog
	defer func() { practice.BackupKeyWorkFactor = old }()
	e, err := practice.SetUpBackupKey(b.TempDir(), backupPass)
	if err != nil {
		b.Fatal(err)
	}
	photo := bytes.Repeat([]byte("a 12 MP phone photo "), 3400<<10/20)
	b.SetBytes(int64(len(photo)))
	for b.Loop() {
		w, err := e.Encrypt(io.Discard)
		if err == nil {
			_, err = w.Write(photo)
		}
		if err == nil {
			err = w.Close()
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
