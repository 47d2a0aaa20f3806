package practice

// Encrypted backups on disk: the snapshot "<backup>.db.age" and the photo files "<sha256>.age" in
// the backup folder's photo store, each an age file to the practice's backup key (see
// backupkey.go). Nothing is ever written in plain form to the backup folder: the snapshot is made
// and checked on the practice's own disk, then streamed encrypted into the folder.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"needlelog.app/needlelog/store/photolib"
)

// encryptedSuffix ends the name of an encrypted backup or photo file.
const encryptedSuffix = ".age"

// ErrBackupEncrypted: an encrypted backup is restored without its key.
var ErrBackupEncrypted = errors.New("the backup is encrypted, and restoring it needs its passphrase")

// storedPhoto is the path of the file named sum in the backup photo store dir: "<sha256>", or
// "<sha256>.age" encrypted.
func storedPhoto(dir, sum string, encrypted bool) string {
	if encrypted {
		return photolib.PathIn(dir, sum) + encryptedSuffix
	}
	return photolib.PathIn(dir, sum)
}

// encryptSnapshot writes the plain snapshot at plain to path encrypted with enc, whole or not at
// all, streaming.
func encryptSnapshot(plain, path string, enc BackupEncryption) error {
	in, err := os.Open(plain)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeWhole(path, func(w io.Writer) error { return encryptTo(w, in, enc) })
}

// encryptTo writes r to w encrypted with enc, a chunk at a time.
func encryptTo(w io.Writer, r io.Reader, enc BackupEncryption) error {
	ew, err := enc.Encrypt(w)
	if err != nil {
		return err
	}
	if _, err := io.Copy(ew, r); err != nil {
		return err
	}
	return ew.Close()
}

// encryptedSize is the size of a file of plain bytes encrypted by age with a header of header
// bytes: a 16-byte nonce, then the bytes in chunks of 64 KiB each sealed with a 16-byte tag (an
// empty file is one empty chunk).
func encryptedSize(header, plain int64) int64 {
	const chunk = 64 << 10
	return header + 16 + plain + 16*max(1, (plain+chunk-1)/chunk)
}

// restoreEncryptedPhoto decrypts the photo file at path, named sum, into the photo folder lib,
// checked against its SHA-256 as it is written. A file missing is photolib.ErrMissing; one
// changed, cut short or encrypted to another key, photolib.ErrChanged: it cannot be had whole.
func restoreEncryptedPhoto(lib, path, sum string, key *BackupKey) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("photo file %s: %w", sum, photolib.ErrMissing)
	}
	if err != nil {
		return fmt.Errorf("photo file %s: %w", sum, err)
	}
	defer f.Close()
	r, err := key.Decrypt(f)
	if err != nil {
		return fmt.Errorf("photo file %s: %w (%v)", sum, photolib.ErrChanged, err)
	}
	err = photolib.PutReader(lib, sum, r)
	if err != nil && !errors.Is(err, photolib.ErrChanged) && isAgeReadError(err) {
		return fmt.Errorf("photo file %s: %w (%v)", sum, photolib.ErrChanged, err)
	}
	return err
}

// isAgeReadError tells an encrypted file that failed its authentication (changed or cut short)
// from a failure to write.
func isAgeReadError(err error) bool {
	var pe *fs.PathError
	return !errors.As(err, &pe) && !errors.Is(err, fs.ErrPermission)
}

// decryptForRestore decrypts the backup at src with key into a new temporary file beside dst,
// flushed, and returns its name. The whole file is read and authenticated: a backup changed or
// cut short is refused, and nothing is left.
func decryptForRestore(src, dst string, key *BackupKey) (tmp string, err error) {
	if key == nil {
		return "", ErrBackupEncrypted
	}
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	r, err := key.Decrypt(in)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", err
	}
	removeUnfinishedDecrypts(dst)
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.decrypt")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := io.Copy(f, r); err != nil {
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			return "", err
		}
		return "", errCutShort{}
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

// removeUnfinishedDecrypts removes the decrypted copies that restores into dst stopped short (the
// app killed, the computer switched off) left beside it, once older than unfinishedAfter: each is
// as large as the practice.
func removeUnfinishedDecrypts(dst string) {
	entries, err := os.ReadDir(filepath.Dir(dst))
	if err != nil {
		return
	}
	prefix := "." + filepath.Base(dst) + "."
	for _, e := range entries {
		if name := e.Name(); len(name) > len(prefix) && name[:len(prefix)] == prefix && filepath.Ext(name) == ".decrypt" {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > unfinishedAfter {
				os.Remove(filepath.Join(filepath.Dir(dst), name)) //nolint:errcheck // tried again next time
			}
		}
	}
}
