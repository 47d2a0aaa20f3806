package main

import (
	"context"
	"errors"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store"
)

// passphraseFileUsage is the help of --passphrase-file, for backup and restore.
const passphraseFileUsage = "file whose first line is the passphrase of encrypted backups (not in the shell's history)"

// backupEncryption is how `needlelog backup` encrypts into dir. With --passphrase-file, the
// folder's key opened with that passphrase, or made with it when the folder has none; without,
// as the practice's settings say (no passphrase needed), or not at all.
func backupEncryption(ctx context.Context, s store.Settings, passFile, dir string) (practice.BackupEncryption, error) {
	if passFile == "" {
		return practice.BackupEncryptionFor(ctx, s, dir)
	}
	pass, err := readPassphrase(passFile)
	if err != nil {
		return practice.BackupEncryption{}, err
	}
	return practice.SetUpBackupKey(dir, pass)
}

// errNeedPassphrase: an encrypted backup is restored without --passphrase-file.
var errNeedPassphrase = errors.New("the backup is encrypted: give its passphrase with --passphrase-file FILE")

// restoreKey opens, for `needlelog restore`, the key of the encrypted backups in dir with the
// passphrase in passFile.
func restoreKey(passFile, dir string) (*practice.BackupKey, error) {
	if passFile == "" {
		return nil, errNeedPassphrase
	}
	pass, err := readPassphrase(passFile)
	if err != nil {
		return nil, err
	}
	return practice.UnlockBackupKey(dir, pass) // its errors are sentences: a wrong passphrase, no key file
}

// passphraseFileError is a --passphrase-file refused: not there, unreadable, empty, or holding a
// passphrase Needlelog never accepts. It is a usage error, exit code 2, whichever command reads it.
type passphraseFileError struct{ err error }

func (e *passphraseFileError) Error() string { return e.err.Error() }
func (e *passphraseFileError) Unwrap() error { return e.err }

// readPassphrase reads the passphrase in the --passphrase-file passFile, refusing one too weak to
// have been accepted when backups or exports were encrypted with it (see
// practice.CheckBackupPassphrase), as every command reading one does.
func readPassphrase(passFile string) (string, error) {
	pass, err := practice.ReadPassphraseFile(passFile)
	if err == nil {
		err = practice.CheckBackupPassphrase(pass)
	}
	if err != nil {
		return "", &passphraseFileError{err}
	}
	return pass, nil
}
