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
	pass, err := practice.ReadPassphraseFile(passFile)
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
	pass, err := practice.ReadPassphraseFile(passFile)
	if err != nil {
		return nil, err
	}
	return practice.UnlockBackupKey(dir, pass) // its errors are sentences: a wrong passphrase, no key file
}
