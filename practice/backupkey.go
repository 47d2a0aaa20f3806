package practice

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"filippo.io/age"

	"needlelog.app/needlelog/practice/files"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// Encrypted backups. Encrypting each backup file with the passphrase (age's scrypt) would cost
// about a second a file, too slow for thousands of photos. So a practice's encrypted backups share
// one X25519 key: backups are encrypted to its public half (the recipient, age1…), which the
// practice's settings keep, so that automatic backups need no passphrase; its secret half is kept
// only encrypted with the passphrase, in the backup folder as BackupKeyFile (and, the same bytes, in
// the settings, so that a backup folder chosen later gets the file too). Restoring asks for the
// passphrase, which opens the key file, whose key opens the backups. The key file is an age file
// whose content is an age identity file: with the age tool alone,
// `age -d needlelog-backup-key.age > key.txt` then `age -d -i key.txt BACKUP` reads a backup.

// BackupKeyFile is the name of the key file in a folder of encrypted backups.
const BackupKeyFile = "needlelog-backup-key.age"

// MinBackupPassphraseLength is the fewest characters a backup passphrase may have. More than the
// 8 of a practitioner's passphrase (data.MinPassphraseLength): that one is guessed through the
// app, which slows and logs wrong tries, but anyone holding a USB stick or a shared drive can try
// passphrases on the key file offline, without end. Scrypt makes each try cost about a second;
// 12 characters, three or four words, leave far too many to try.
const MinBackupPassphraseLength = 12

// BackupPassphraseRule says MinBackupPassphraseLength to the practitioner choosing a passphrase.
var BackupPassphraseRule = fmt.Sprintf("At least %d characters. Three or four words that have nothing to do with each "+
	"other, or with the clinic, are easy to remember and hard to guess.", MinBackupPassphraseLength)

// The settings keeping a practice's backup key: the recipient (text) and the key file (bytes).
const (
	settingBackupRecipient = "backup.encrypt.recipient"
	settingBackupKey       = "backup.encrypt.key"
)

// BackupKeyWorkFactor is the cost of opening a key file made from now on, as scrypt's log2 N:
// age's default, about a second. Tests lower it; opening reads the cost from the file.
var BackupKeyWorkFactor = 18

// maxKeyFile bounds what is read of a key file or passphrase file: both are a few hundred bytes.
const maxKeyFile = 64 << 10

var (
	// ErrWrongPassphrase: the passphrase given does not open the folder's key file.
	ErrWrongPassphrase = errors.New("That passphrase does not open these backups. Check it (capital letters, spaces) and try again.")
	// ErrNoBackupKey: the folder holds no key file, so encrypted backups in it cannot be opened.
	ErrNoBackupKey = errors.New("The backup folder has no key file (" + BackupKeyFile + "), which encrypted backups need: " +
		"copy it back into the folder from wherever else the backups were kept.")
	// ErrOtherBackupKey: the folder already holds the key file of other encrypted backups, which is
	// never replaced (those backups would be lost).
	ErrOtherBackupKey = errors.New("The backup folder already holds the key of other encrypted backups, which this passphrase " +
		"does not open. Enter the passphrase of those backups, or choose another folder.")
	// ErrFolderHasOtherKey: backups are to go to a folder that holds the key file of other
	// encrypted backups, which is never replaced (those backups would be lost).
	ErrFolderHasOtherKey = errors.New("The backup folder holds the key of other encrypted backups. Choose another " +
		"backup folder in Settings › Database; or, to use this one, stop encrypting and encrypt again with the passphrase of those backups.")
	// ErrOtherKey: a backup was encrypted with another key than the one its folder holds.
	ErrOtherKey = errors.New("This backup was encrypted with another key than the one in its folder (" + BackupKeyFile + "): " +
		"bring back the key file that was beside it.")
	// ErrDamagedBackupKey: the key file opens but holds no key.
	ErrDamagedBackupKey = errors.New("The backup folder's key file (" + BackupKeyFile + ") is damaged.")
)

// CheckBackupPassphrase says in a sentence why p is too weak to protect backups or an encrypted
// export, or nil.
func CheckBackupPassphrase(p string) error {
	n := utf8.RuneCountInString(p)
	switch {
	case strings.TrimSpace(p) == "":
		return errors.New("Enter a passphrase.")
	case n < MinBackupPassphraseLength:
		return fmt.Errorf("The passphrase has %d characters; it needs at least %d, such as three or four words.",
			n, MinBackupPassphraseLength)
	case strings.Count(p, p[:firstRuneLen(p)]) == n:
		return errors.New("A passphrase of one character repeated is too easy to guess.")
	}
	return nil
}

func firstRuneLen(s string) int {
	_, size := utf8.DecodeRuneInString(s)
	return size
}

// BackupEncryption encrypts a practice's backups: to its recipient, with no passphrase. The zero
// value is encryption off.
type BackupEncryption struct {
	Recipient string // the key's public half, age1…
	KeyFile   []byte // the key file: the key's secret half, encrypted with the passphrase
}

// On reports whether backups are to be encrypted.
func (e BackupEncryption) On() bool { return e.Recipient != "" }

// Encrypt returns a writer that encrypts what is written to it into w, a chunk at a time (memory
// stays the same for any size). Close it to finish the file; it does not close w.
func (e BackupEncryption) Encrypt(w io.Writer) (io.WriteCloser, error) {
	r, err := age.ParseX25519Recipient(e.Recipient)
	if err != nil {
		return nil, fmt.Errorf("the practice's backup key: %w", err)
	}
	return age.Encrypt(w, r)
}

// PlaceKey puts the key file into dir, the folder backups are about to be written to, when it is
// not there yet: without it, they could not be opened. A folder holding another key file is
// refused (ErrFolderHasOtherKey) rather than losing the backups that one opens.
func (e BackupEncryption) PlaceKey(dir string) error {
	path := filepath.Join(dir, BackupKeyFile)
	held, err := readKeyFile(path)
	switch {
	case err == nil && bytes.Equal(held, e.KeyFile):
		return nil
	case err == nil:
		return ErrFolderHasOtherKey
	case !errors.Is(err, ErrNoBackupKey):
		return err
	}
	return writeKeyFile(path, e.KeyFile)
}

// BackupKey is a folder's backup key, opened with the passphrase: it decrypts backups.
type BackupKey struct {
	id      *age.X25519Identity
	keyFile []byte
}

// Recipient is the key's public half, age1…
func (k *BackupKey) Recipient() string { return k.id.Recipient().String() }

// Encryption is what encrypts backups to this key.
func (k *BackupKey) Encryption() BackupEncryption {
	return BackupEncryption{Recipient: k.Recipient(), KeyFile: k.keyFile}
}

// Decrypt returns a reader of what r holds, decrypted a chunk at a time as it is read (memory
// stays the same for any size). Each chunk is authenticated: a file altered or cut short gives an
// error when the reader reaches it, never wrong bytes, so read to io.EOF before trusting any of it.
func (k *BackupKey) Decrypt(r io.Reader) (io.Reader, error) {
	d, err := age.Decrypt(r, k.id)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return nil, ErrOtherKey
	}
	if err != nil {
		return nil, fmt.Errorf("read the encrypted backup: %w", err)
	}
	return d, nil
}

// IsEncrypted reports whether the file at path is encrypted (an age file), by its first line.
func IsEncrypted(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(ageMagic))
	if _, err := io.ReadFull(f, head); err != nil {
		return false, nil // shorter than the line: not one
	}
	return string(head) == ageMagic, nil
}

// SetUpBackupKey makes the key of encrypted backups in dir, opened by passphrase, and returns what
// encrypts to it (for SetBackupEncryption). When dir already holds a key file that passphrase
// opens, that key is kept, so that the backups already there and those to come open alike; one
// it does not open is never replaced (ErrOtherBackupKey). A weak passphrase is refused with a
// sentence. It takes about a second (scrypt): call it off the UI goroutine.
func SetUpBackupKey(dir, passphrase string) (BackupEncryption, error) {
	k, err := UnlockBackupKey(dir, passphrase)
	switch {
	case err == nil:
		return k.Encryption(), nil
	case errors.Is(err, ErrWrongPassphrase):
		return BackupEncryption{}, ErrOtherBackupKey
	case !errors.Is(err, ErrNoBackupKey):
		return BackupEncryption{}, err
	}
	if err := CheckBackupPassphrase(passphrase); err != nil {
		return BackupEncryption{}, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return BackupEncryption{}, fmt.Errorf("make a backup key: %w", err)
	}
	k = &BackupKey{id: id}
	if k.keyFile, err = wrapKey(id, passphrase); err != nil {
		return BackupEncryption{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return BackupEncryption{}, fmt.Errorf("make the backup folder: %w", err)
	}
	if err := writeKeyFile(filepath.Join(dir, BackupKeyFile), k.keyFile); err != nil {
		return BackupEncryption{}, err
	}
	return k.Encryption(), nil
}

// UnlockBackupKey opens the key file in dir with passphrase: ErrWrongPassphrase when it does
// not, ErrNoBackupKey when there is none. It takes about a second (scrypt).
func UnlockBackupKey(dir, passphrase string) (*BackupKey, error) {
	b, err := readKeyFile(filepath.Join(dir, BackupKeyFile))
	if err != nil {
		return nil, err
	}
	return unwrapKey(b, passphrase)
}

// ChangeBackupPassphrase encrypts the key file in dir with a new passphrase, once the old one
// opens it. The key stays the same, so the backups are not touched: the new passphrase opens
// them all. Copies of the key file elsewhere still open with the old one.
func ChangeBackupPassphrase(dir, old, new string) (BackupEncryption, error) {
	k, err := UnlockBackupKey(dir, old)
	if err != nil {
		return BackupEncryption{}, err
	}
	if err := CheckBackupPassphrase(new); err != nil {
		return BackupEncryption{}, err
	}
	if k.keyFile, err = wrapKey(k.id, new); err != nil {
		return BackupEncryption{}, err
	}
	if err := writeKeyFile(filepath.Join(dir, BackupKeyFile), k.keyFile); err != nil {
		return BackupEncryption{}, err
	}
	return k.Encryption(), nil
}

// wrapKey is the key file for id: an age identity file, as age-keygen writes, encrypted with
// passphrase.
func wrapKey(id *age.X25519Identity, passphrase string) ([]byte, error) {
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, fmt.Errorf("encrypt the backup key: %w", err)
	}
	r.SetWorkFactor(BackupKeyWorkFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err == nil {
		_, err = fmt.Fprintf(w, "# Needlelog backup key, made %s\n# public key: %s\n%s\n",
			time.Now().UTC().Format(time.RFC3339), id.Recipient(), id)
	}
	if err == nil {
		err = w.Close()
	}
	debug.FreeOSMemory() // scrypt's memory, as in unwrapKey
	if err != nil {
		return nil, fmt.Errorf("encrypt the backup key: %w", err)
	}
	return buf.Bytes(), nil
}

func unwrapKey(keyFile []byte, passphrase string) (*BackupKey, error) {
	sid, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, ErrWrongPassphrase // an empty passphrase
	}
	r, err := age.Decrypt(bytes.NewReader(keyFile), sid)
	// Scrypt has just used 256 MB (at the work factor in use): given back now, so that the
	// backup or restore that follows does not add its own on top of them.
	debug.FreeOSMemory()
	if errors.Is(err, age.ErrIncorrectIdentity) {
		return nil, ErrWrongPassphrase
	}
	if err != nil {
		return nil, ErrDamagedBackupKey // age's words would not help: the file is not a key file
	}
	ids, err := age.ParseIdentities(io.LimitReader(r, maxKeyFile))
	if err != nil {
		return nil, ErrDamagedBackupKey
	}
	for _, id := range ids {
		if x, ok := id.(*age.X25519Identity); ok {
			return &BackupKey{id: x, keyFile: keyFile}, nil
		}
	}
	return nil, ErrDamagedBackupKey
}

func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoBackupKey
	}
	if err != nil {
		return nil, fmt.Errorf("read the backup key %s: %w", wording.Quoted(path), err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile))
	if err != nil {
		return nil, fmt.Errorf("read the backup key %s: %w", wording.Quoted(path), err)
	}
	return b, nil
}

// writeKeyFile writes the key file whole or not at all: a key file cut short by a power cut
// would lose every backup encrypted to it.
func writeKeyFile(path string, keyFile []byte) error {
	return files.WriteFile(path, "", func(w io.Writer) error {
		_, err := w.Write(keyFile)
		return err
	})
}

// BackupEncryptionOf is whether the practice's backups are encrypted, and to which key: the
// zero BackupEncryption when they are not.
func BackupEncryptionOf(ctx context.Context, s store.Settings) (BackupEncryption, error) {
	rcpt, err := s.Setting(ctx, settingBackupRecipient)
	if err != nil || rcpt == "" {
		return BackupEncryption{}, err
	}
	key, err := s.SettingBytes(ctx, settingBackupKey)
	if err != nil {
		return BackupEncryption{}, err
	}
	return BackupEncryption{Recipient: rcpt, KeyFile: key}, nil
}

// BackupEncryptionFor is how the practice's backups into dir are to be encrypted, as its settings
// say, with the key file put into dir when it is not there yet (see PlaceKey); the zero
// BackupEncryption when they are not encrypted. The backup code calls it before each backup:
// it needs no passphrase.
func BackupEncryptionFor(ctx context.Context, s store.Settings, dir string) (BackupEncryption, error) {
	e, err := BackupEncryptionOf(ctx, s)
	if err != nil || !e.On() {
		return e, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return BackupEncryption{}, fmt.Errorf("make the backup folder: %w", err)
	}
	return e, e.PlaceKey(dir)
}

// settingsBatch is the part of a store that writes settings together.
type settingsBatch interface {
	Batch(ctx context.Context, fn func(store.Batch) error) error
}

// SetBackupEncryption makes the practice's later backups encrypted with e (from SetUpBackupKey
// or ChangeBackupPassphrase); the zero BackupEncryption makes them plain again. Backups already
// made stay as they are: encrypted ones still need the passphrase.
func SetBackupEncryption(ctx context.Context, s settingsBatch, e BackupEncryption) error {
	if e.On() {
		if _, err := age.ParseX25519Recipient(e.Recipient); err != nil || len(e.KeyFile) == 0 {
			return fmt.Errorf("the backup key is not one Needlelog made")
		}
	}
	key := e.KeyFile
	if !e.On() {
		key = nil // removes the setting
	}
	return s.Batch(ctx, func(b store.Batch) error {
		if err := b.SetSettingBytes(settingBackupKey, key); err != nil {
			return err
		}
		return b.SetSetting(settingBackupRecipient, e.Recipient)
	})
}

// ReadPassphraseFile reads a passphrase from the first line of the file at path (the command
// line's --passphrase-file): a passphrase typed on the command line would be kept in the shell's
// history and shown to other users. The line's end (LF or CRLF) and a leading byte-order mark are
// not part of it; an empty file or first line is refused, so that a file left empty by mistake
// never becomes a passphrase.
func ReadPassphraseFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", passphraseFileError(path, err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return "", fmt.Errorf("%s is a folder, not a passphrase file: give the file whose first line is the passphrase", wording.Quoted(path))
	}
	line, err := bufio.NewReader(io.LimitReader(f, maxKeyFile)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", passphraseFileError(path, err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	// Notepad may start a file with a byte-order mark, which is no part of what was typed.
	line = strings.TrimPrefix(line, "\ufeff")
	switch {
	case line == "" && err == io.EOF:
		return "", fmt.Errorf("the passphrase file %s is empty: put the passphrase on its first line", wording.Quoted(path))
	case line == "":
		return "", fmt.Errorf("the first line of the passphrase file %s is empty: put the passphrase on it", wording.Quoted(path))
	}
	return line, nil
}

// passphraseFileError says in one sentence why the passphrase file at path could not be read,
// keeping err underneath.
func passphraseFileError(path string, err error) error {
	q := wording.Quoted(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &saidError{"the passphrase file " + q + " does not exist: check its name and folder", err}
	case errors.Is(err, fs.ErrPermission):
		return &saidError{"the passphrase file " + q + " cannot be read: this user is not allowed to read it", err}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // its path is said already
	}
	return fmt.Errorf("the passphrase file %s cannot be read: %w", q, err)
}

// saidError is an error said as msg, the one below it kept for errors.Is.
type saidError struct {
	msg string
	err error
}

func (e *saidError) Error() string { return e.msg }
func (e *saidError) Unwrap() error { return e.err }
