package practice

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"needlelog.app/needlelog/store/sqlite"
)

// A practice on the clinic's server is backed up as a SQLite snapshot: the whole practice copied
// (Copy) into a new file in this PC's temporary folder, then backed up from there as a file's
// practice is (BackupEncryptedTo), so that a server's backups are restored, archived and exported
// as any other, and then the temporary copy removed. The copy is never made in the backup folder,
// which an encrypted backup must never hold anything plain in.

// BackupServerEncryptedTo backs up the practice in src, on the clinic's server, into dir: as
// BackupEncryptedTo does a file's, its backups named after name (the server's database).
// Photo files the server lacks are counted in the backup as a file's missing ones are; records
// are copied as they are, even ones that do not pass verify.
func BackupServerEncryptedTo(ctx context.Context, src CopyStore, name, dir string, keep Retention, enc BackupEncryption) (Backup, []string, error) {
	if keep.Daily < 0 || keep.Weekly < 0 {
		return Backup{}, nil, fmt.Errorf("back up to %s: the numbers of daily and weekly backups to keep cannot be negative", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up to %s: %w", dir, err)
	}
	if err := MakeBackupFolder(abs); err != nil {
		return Backup{}, nil, err
	}
	tmp, err := os.MkdirTemp("", "needlelog-server-backup-*")
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up the practice on the clinic's server: %w", err)
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // the system's temporary folder is emptied in time anyway
	path := filepath.Join(tmp, name+".db")
	snap, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up the practice on the clinic's server: %w", err)
	}
	_, err = Copy(ctx, src, snap, CopyOptions{MissingPhotosAllowed: true, Unverified: true})
	if cerr := snap.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up the practice on the clinic's server: %w", err)
	}
	ro, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up the practice on the clinic's server: %w", err)
	}
	defer ro.Close()
	return BackupEncryptedTo(ctx, ro, abs, keep, enc)
}
