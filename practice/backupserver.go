package practice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// A practice on the clinic's server is backed up as a SQLite snapshot: the whole practice copied
// (Copy) into a new file in this PC's temporary folder, then backed up from there as a file's
// practice is (BackupEncryptedTo), so that a server's backups are restored, archived and exported
// as any other, and then the temporary copy removed. Once checked, the backup is recorded on the
// server (SettingServerBackup), where every PC's window reads when it was made. The copy is never made in the backup folder,
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
	b, removed, err := BackupEncryptedTo(ctx, ro, abs, keep, enc)
	if b.Path != "" {
		// Made and checked (only old ones may not all have been removed): every PC now sees it.
		if rerr := recordServerBackup(ctx, src, b); rerr != nil {
			err = errors.Join(err, fmt.Errorf("the backup %s was made, but could not be recorded on the clinic's server: %w", b.Path, rerr))
		}
	}
	return b, removed, err
}

// SettingServerBackup is the practice setting recording the latest backup of a practice on the
// clinic's server: the backupRecord a file's practice keeps beside it (BackupRecordSuffix), with
// the PC it was made on. It is on the server, so that every PC sees it; the backup's own snapshot
// does not need it (it only carries the previous one along, as it carries every setting).
const SettingServerBackup = "backup.latest"

// ServerBackup is the latest backup of a practice on the clinic's server, as recorded there.
type ServerBackup struct {
	Taken     time.Time // in UTC, to the second
	Host      string    // the PC that made it
	Folder    string    // on that PC, written as that PC writes paths
	File      string
	Encrypted bool
}

// recordServerBackup writes the record of backup b of the practice src on the server, once the
// backup is made and checked.
func recordServerBackup(ctx context.Context, src CopyStore, b Backup) error {
	id, err := src.PracticeID(ctx)
	if err != nil {
		return err
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "an unnamed PC"
	}
	rec, err := json.Marshal(backupRecord{Practice: id, Taken: b.Taken, Folder: filepath.Dir(b.Path),
		File: filepath.Base(b.Path), Encrypted: b.Encrypted, Host: host})
	if err != nil {
		return err
	}
	return src.SetSetting(ctx, SettingServerBackup, string(rec))
}

// LatestServerBackup reads the record of the latest backup of the practice in s, on the clinic's
// server; ok is false when there is none, or it is of another practice.
func LatestServerBackup(ctx context.Context, s store.Store) (b ServerBackup, ok bool, err error) {
	raw, err := s.Setting(ctx, SettingServerBackup)
	if err != nil || raw == "" {
		return ServerBackup{}, false, err
	}
	id, err := s.PracticeID(ctx)
	if err != nil {
		return ServerBackup{}, false, err
	}
	var rec backupRecord
	if json.Unmarshal([]byte(raw), &rec) != nil || rec.Folder == "" || rec.Taken.IsZero() || id == "" || rec.Practice != id {
		return ServerBackup{}, false, nil // not a record of this practice: as if there were none
	}
	return ServerBackup{Taken: rec.Taken, Host: rec.Host, Folder: rec.Folder, File: rec.File, Encrypted: rec.Encrypted}, true, nil
}
