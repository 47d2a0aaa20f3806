package practice

// Encrypted exports: an export that leaves the practice (an archive, spreadsheets, CSV files, a
// PDF) may be encrypted with a passphrase chosen for it, which the receiver is told by another way
// than the file. Unlike backups (backupkey.go), it is encrypted to the passphrase itself (age's
// scrypt recipient), not to a key: the receiver has nothing but the file and the passphrase, and
// opens it with `needlelog decrypt` or, anywhere, with the age tool (`age -d FILE.age > FILE`).
// It is streamed a chunk at a time: an archive of many gigabytes never sits in memory, and no
// plain copy of it is ever written.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"

	"filippo.io/age"
)

// EncryptedExportSuffix ends the name of an encrypted export: "records.xlsx.age".
const EncryptedExportSuffix = encryptedSuffix

var (
	// ErrExportWrongPassphrase: the passphrase given does not open the encrypted file.
	ErrExportWrongPassphrase = errors.New("That passphrase does not open this file. Check it (capital letters, spaces) and try again.")
	// ErrNotEncrypted: the file to decrypt is not an age file at all.
	ErrNotEncrypted = errors.New("The file is not an encrypted export (it does not begin as age files do), so there is nothing to decrypt.")
	// ErrEncryptedToKey: the age file was encrypted to a key, not with a passphrase: an encrypted
	// backup, or a file from another program.
	ErrEncryptedToKey = errors.New("The file is encrypted to a key, not with a passphrase: an encrypted backup is opened " +
		"by restoring it, with the passphrase of the backups.")
	// ErrDamagedExport: the encrypted file was changed or cut short on its way.
	ErrDamagedExport = errors.New("The encrypted file is damaged or cut short (changed on its way, or not copied whole): " +
		"ask for it again; nothing was kept of it.")
)

// ageMagic begins every age file.
const ageMagic = "age-encryption.org/v1\n"

// HasEncryptedSuffix reports whether name ends in .age, in any letter case.
func HasEncryptedSuffix(name string) bool {
	return len(name) > len(EncryptedExportSuffix) && strings.EqualFold(name[len(name)-len(EncryptedExportSuffix):], EncryptedExportSuffix)
}

// EncryptExport encrypts what write writes into w with passphrase, a chunk at a time, and
// finishes the file. Passphrases follow the backups' rule (CheckBackupPassphrase): the file may
// be tried offline without end by whoever holds it. The scrypt cost is BackupKeyWorkFactor's,
// about a second: call it off the UI goroutine.
func EncryptExport(w io.Writer, passphrase string, write func(io.Writer) error) error {
	if err := CheckBackupPassphrase(passphrase); err != nil {
		return err
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return fmt.Errorf("encrypt the export: %w", err)
	}
	r.SetWorkFactor(BackupKeyWorkFactor)
	ew, err := age.Encrypt(w, r)
	debug.FreeOSMemory() // scrypt's memory, before the export adds its own (see unwrapKey)
	if err != nil {
		return fmt.Errorf("encrypt the export: %w", err)
	}
	if err := write(ew); err != nil {
		return err
	}
	return ew.Close()
}

// DecryptExport returns a reader of the export r holds, decrypted with passphrase as it is read
// (memory stays the same for any size). Each chunk is authenticated: a file altered or cut short
// gives an error when the reader reaches it, never wrong bytes, so read to io.EOF before trusting
// any of it. A wrong passphrase is ErrExportWrongPassphrase; a file that is not an age file,
// ErrNotEncrypted; one encrypted to a key, ErrEncryptedToKey.
func DecryptExport(r io.Reader, passphrase string) (io.Reader, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(len(ageMagic)); string(head) != ageMagic {
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read the encrypted file: %w", err)
		}
		return nil, ErrNotEncrypted
	}
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, ErrExportWrongPassphrase // an empty passphrase
	}
	d, err := age.Decrypt(br, id)
	debug.FreeOSMemory()
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch) && !slices.Contains(noMatch.StanzaTypes, "scrypt"):
		return nil, ErrEncryptedToKey
	case errors.Is(err, age.ErrIncorrectIdentity):
		return nil, ErrExportWrongPassphrase
	case err != nil && isAgeReadError(err):
		return nil, ErrDamagedExport
	case err != nil:
		return nil, fmt.Errorf("read the encrypted file: %w", err)
	}
	return damagedSaid{d}, nil
}

// damagedSaid reads an export being decrypted, saying a chunk that fails its authentication as
// ErrDamagedExport rather than in age's words.
type damagedSaid struct{ r io.Reader }

func (d damagedSaid) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF && isAgeReadError(err) {
		err = ErrDamagedExport
	}
	return n, err
}
