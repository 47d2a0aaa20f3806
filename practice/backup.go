package practice

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/rename"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// DefaultBackupDir is where backups go when no other folder is chosen: a folder beside the one
// DefaultPath keeps the database in, so that removing or moving the app's own folder does not take
// the backups with it.
func DefaultBackupDir() (string, error) {
	p, err := DefaultPath()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(filepath.Dir(p)), "Needlelog Backups"), nil
}

// BackupDirFor is where the practice at dbPath is backed up when no other folder is chosen: the
// default database in DefaultBackupDir itself, any other in a folder of its own inside it, named
// after the file and its place ("clinic 1a2b3c4d"), so that each practice's backups are found in
// a folder of their own. (Backups sharing a folder are told apart by the practice's identity.)
func BackupDirFor(dbPath string) (string, error) {
	dir, err := DefaultBackupDir()
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return "", fmt.Errorf("backup folder for %s: %w", dbPath, err)
	}
	if def, err := DefaultPath(); err == nil && filepath.Clean(def) == abs {
		return dir, nil
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, fmt.Sprintf("%s %x", backupBase(abs), sum[:4])), nil
}

// Retention says how many backups BackupTo keeps: the newest of each of the last Daily days that have
// one, and before those the newest of each of the last Weekly ISO weeks that have one.
type Retention struct{ Daily, Weekly int }

// DefaultRetention keeps a week of daily backups and a month of weekly ones.
var DefaultRetention = Retention{Daily: 7, Weekly: 4}

// Backup is one backup file of a database.
type Backup struct {
	Path  string
	Taken time.Time // from the file's name, in UTC, to the second
	Size  int64     // bytes
	// Encrypted: the snapshot is an age file, "<name>.db.age", and its photo files are kept
	// encrypted in the folder's photo store ("<sha256>.age"); restoring it needs the passphrase.
	Encrypted bool
	// Set by BackupTo for the backup it made, zero for one found in a folder:
	Photos  PhotoCopy // the photo files copied into the folder's photo store
	Written int64     // bytes written: the snapshot, its manifest and the photo files copied
	// UnencryptedRemoved: the plain photo files earlier backups left in the folder, removed by
	// this backup's pruning once no plain backup was left there to name them.
	UnencryptedRemoved int
	// OtherKindRemoved: the file names of the backups of the other kind (unencrypted for an
	// encrypted backup, and the reverse) this backup's pruning removed as they aged out.
	OtherKindRemoved []string
}

// olderBackupIDs caches the identities read from inside backups named without one, by path, size
// and time: listing a folder reads each only once while it is unchanged.
var olderBackupIDs = struct {
	sync.Mutex
	m map[olderBackupKey]string
}{m: map[olderBackupKey]string{}}

type olderBackupKey struct {
	path string
	size int64
	mod  time.Time
}

// olderBackupID is the identity inside the backup at path, named without one; "" when it cannot be
// read or has none, which makes it no practice's: never offered, never pruned.
func olderBackupID(path string, info fs.FileInfo) string {
	key := olderBackupKey{path, info.Size(), info.ModTime()}
	olderBackupIDs.Lock()
	id, ok := olderBackupIDs.m[key]
	olderBackupIDs.Unlock()
	if ok {
		return id
	}
	id, _ = PracticeIDOf(context.Background(), path)
	olderBackupIDs.Lock()
	olderBackupIDs.m[key] = id
	olderBackupIDs.Unlock()
	return id
}

// backupStamp is the time in a backup's name: in UTC, so that names sort in time order whatever
// the time zone or daylight saving time.
const backupStamp = "20060102-150405"

// backupBase is the start of the names of dbPath's backups: its file name without ".db".
func backupBase(dbPath string) string {
	base := filepath.Base(dbPath)
	if ext := filepath.Ext(base); strings.EqualFold(ext, ".db") {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// parseBackupName reads what follows "<base>-" in a backup's name: YYYYMMDD-HHMMSS, then -N for the
// Nth backup made in the same second, then .db.
func parseBackupName(rest string) (taken time.Time, seq int, ok bool) {
	rest, found := strings.CutSuffix(rest, ".db")
	if !found || len(rest) < len(backupStamp) {
		return time.Time{}, 0, false
	}
	stamp, n := rest[:len(backupStamp)], rest[len(backupStamp):]
	taken, err := time.Parse(backupStamp, stamp)
	if err != nil || taken.Format(backupStamp) != stamp {
		return time.Time{}, 0, false
	}
	seq = 1
	if n != "" {
		digits, found := strings.CutPrefix(n, "-")
		seq, err = strconv.Atoi(digits)
		if !found || err != nil || seq < 2 || strconv.Itoa(seq) != digits {
			return time.Time{}, 0, false
		}
	}
	return taken, seq, true
}

// BackupsOf lists the backups in dir of the practice whose identity is id and whose file is at
// dbPath, newest first: those carrying that identity. Other files, other practices' backups and
// unfinished copies are left out. A folder that does not exist holds none. With id "", unknown, they are the backups named after its
// file when those are all of one practice, which is then taken for this one (a damaged practice
// whose identity cannot be read, backed up to a folder of its own); none when they are of several.
func BackupsOf(dir, dbPath, id string) ([]Backup, error) {
	if id == "" {
		var err error
		if id, err = soleIdentity(dir, dbPath); err != nil {
			return nil, err
		}
	}
	return publicBackups(listBackups(dir, dbPath, id))
}

// MakeBackupFolder makes the backup folder dir when it is not there. When dir, or a folder above
// it, is a file, it says so in a sentence (see CheckBackupFolder).
func MakeBackupFolder(dir string) error {
	err := os.MkdirAll(dir, 0o700)
	if err == nil {
		return nil
	}
	if ferr := CheckBackupFolder(dir); ferr != nil {
		return &saidError{ferr.Error(), err}
	}
	return fmt.Errorf("back up to %s: %w", dir, err)
}

// CheckBackupFolder says in a sentence when dir, or a folder above it, is a file, which no backup
// can go into; nil otherwise, the folder being there or not. It writes nothing.
func CheckBackupFolder(dir string) error {
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		if info, err := os.Stat(p); err == nil {
			if !info.IsDir() {
				return fmt.Errorf("%s is a file, not a folder: choose a folder for the backups", wording.Quoted(p))
			}
			return nil
		}
		if filepath.Dir(p) == p {
			return nil
		}
	}
}

// BackupRecordSuffix names the record of a practice's latest backup, beside its database:
// "<database>.lastbackup". Every backup, by the app or the command line, into any folder, writes
// it once the backup is made and checked, so that the app also counts the backups made into
// folders other than its own (a nightly script's to another drive). It is a file of its own, not
// a setting in the database: the command line backs up while the app holds the practice, and
// only the claim's holder writes to the database.
const BackupRecordSuffix = ".lastbackup"

// backupRecord is what the record holds: when, and in which folder, a backup of which practice
// was made. The backups themselves are then found in that folder (BackupsOf), so a record whose
// backup was since removed by pruning still leads to that folder's newest.
type backupRecord struct {
	Practice  string    `json:"practice"`
	Taken     time.Time `json:"taken"`
	Folder    string    `json:"folder"`
	File      string    `json:"file"`
	Encrypted bool      `json:"encrypted,omitempty"`
	// Host is the PC the backup was made on: said for a practice on the clinic's server, whose
	// record every PC reads (SettingServerBackup); a file's is made beside it.
	Host string `json:"host,omitempty"`
}

// recordBackup writes the record of backup b of the practice id at dbPath, whole or not at all.
// A practice whose folder cannot be written to (a read-only share) keeps no record: the backup
// itself was made, and is what matters.
func recordBackup(dbPath, id string, b Backup) {
	rec, err := json.Marshal(backupRecord{Practice: id, Taken: b.Taken, Folder: filepath.Dir(b.Path),
		File: filepath.Base(b.Path), Encrypted: b.Encrypted})
	if err != nil {
		return
	}
	path := dbPath + BackupRecordSuffix
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+backupBase(dbPath)+"-record-*.tmp") // removeUnfinished clears one left behind
	if err != nil {
		return
	}
	_, err = tmp.Write(append(rec, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = rename.Retrying(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// RecordedBackups lists, newest first, the backups of the practice id at dbPath in the folder
// its latest recorded backup went to (see BackupRecordSuffix), with that folder; none when there
// is no record, or it is of another practice (a file put in the place of this one).
func RecordedBackups(dbPath, id string) (dir string, list []Backup, err error) {
	raw, err := os.ReadFile(dbPath + BackupRecordSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	var rec backupRecord
	if json.Unmarshal(raw, &rec) != nil || rec.Folder == "" || id == "" || rec.Practice != id {
		return "", nil, nil // not a record of this practice: as if there were none
	}
	list, err = BackupsOf(rec.Folder, dbPath, id)
	return rec.Folder, list, err
}

// PracticeIDOf reads the identity of the practice in the file at path (see Store.PracticeID),
// without writing to it.
func PracticeIDOf(ctx context.Context, path string) (string, error) {
	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer s.Close()
	return s.PracticeID(ctx)
}

// AuditHeadOf reads the last entry of the audit log of the practice in the file at path (see
// Store.AuditHead), without writing to it: a backup whose head differs from the practice's lacks
// some of its changes.
func AuditHeadOf(ctx context.Context, path string) (data.AuditMark, error) {
	s, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		return data.AuditMark{}, err
	}
	defer s.Close()
	return s.AuditHead(ctx)
}

func publicBackups(list []foundBackup, err error) ([]Backup, error) {
	backups := make([]Backup, len(list))
	for i, f := range list {
		backups[i] = f.Backup
	}
	return backups, err
}

// foundBackup is a backup with its number within its second: 1, or N from a name ending -N.
type foundBackup struct {
	Backup
	seq int
	id  string // the short identity it was found by
}

// listBackups lists the backups in dir of the practice whose identity is id, at dbPath: those named
// "<any name>-<short id>-<time>.db", whatever the practice's file was called then, and those named
// "<its name>-<time>.db" before backups carried the identity, whose identity is read from inside.
// A practice without an identity has none.
func listBackups(dir, dbPath, id string) ([]foundBackup, error) {
	short := data.ShortPracticeID(id)
	if short == "" {
		return nil, nil
	}
	all, err := scanBackups(dir, dbPath, short)
	return slices.DeleteFunc(all, func(b foundBackup) bool { return b.id != short }), err
}

// soleIdentity is the short identity of every backup in dir named after the file at dbPath, when
// they share one; "" when there are none or they are of several practices.
func soleIdentity(dir, dbPath string) (string, error) {
	all, err := scanBackups(dir, dbPath, "")
	if err != nil {
		return "", err
	}
	id := ""
	for _, b := range all {
		switch {
		case b.id == "":
			continue
		case id != "" && b.id != id:
			return "", nil
		}
		id = b.id
	}
	return id, nil
}

// scanBackups finds the backups in dir named after the file at dbPath, and those of any name
// carrying the short identity short, newest first, each with its short identity ("" for an older
// backup whose identity cannot be read).
func scanBackups(dir, dbPath, short string) ([]foundBackup, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list the backups in %s: %w", dir, err)
	}
	base := backupBase(dbPath) + "-"
	var list []foundBackup
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		name := e.Name()
		b, older, ok := parseBackupFile(name, base, short)
		if !ok {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the folder was read
		}
		if err != nil {
			return nil, fmt.Errorf("list the backups in %s: %w", dir, err)
		}
		b.Path, b.Size = filepath.Join(dir, name), info.Size()
		if older {
			b.id = data.ShortPracticeID(olderBackupID(b.Path, info))
		}
		list = append(list, b)
	}
	slices.SortFunc(list, func(a, b foundBackup) int {
		return cmp.Or(b.Taken.Compare(a.Taken), cmp.Compare(b.seq, a.seq))
	})
	return list, nil
}

// parseBackupFile reads a backup's name: "<base><short id>-<time>.db", or "<any name>-<short>-<time>.db"
// when short is given, or, older, "<base><time>.db"; each may end in .age, encrypted. older says
// the name carries no identity.
func parseBackupFile(name, base, short string) (b foundBackup, older, ok bool) {
	name, b.Encrypted = strings.CutSuffix(name, encryptedSuffix)
	if short != "" {
		if i := strings.LastIndex(name, "-"+short+"-"); i > 0 {
			if b.Taken, b.seq, ok = parseBackupName(name[i+len(short)+2:]); ok {
				b.id = short
				return b, false, true
			}
		}
	}
	rest, found := strings.CutPrefix(name, base)
	if !found {
		return b, false, false
	}
	if b.Taken, b.seq, ok = parseBackupName(rest); ok {
		return b, true, true
	}
	if id, after, cut := strings.Cut(rest, "-"); cut && data.ShortPracticeID(id) == id {
		if b.Taken, b.seq, ok = parseBackupName(after); ok {
			b.id = id
			return b, false, true
		}
	}
	return b, false, false
}

// prune removes the backups in dir of the practice at dbPath whose identity is id (see BackupsOf)
// that keep does not hold on to, and returns the paths it removed, newest first. Another practice's
// backups are never removed, whatever their names. It keeps the newest backup of each of the newest
// keep.Daily calendar days that have one; of the older backups, the newest of each of the newest
// keep.Weekly ISO weeks that have one; and always the newest backup of all. A day or week kept
// keeps its newest encrypted backup and its newest unencrypted one alike. Days and weeks are those
// of now's time zone. It never removes the backup at protect: the one just made, even if a clock
// that was once set ahead left backups that look newer.
func prune(dir, dbPath, id string, now time.Time, keep Retention, protect string) ([]string, error) {
	if keep.Daily < 0 || keep.Weekly < 0 {
		return nil, fmt.Errorf("prune backups in %s: the numbers of daily and weekly backups to keep cannot be negative", dir)
	}
	all, err := publicBackups(listBackups(dir, dbPath, id))
	if err != nil {
		return nil, err
	}
	practice, _ := os.Stat(dbPath)
	all = slices.DeleteFunc(all, func(b Backup) bool { return b.Path != protect && inUseAsPractice(b.Path, practice) })
	if len(all) == 0 {
		return nil, nil
	}
	loc := now.Location()
	kept := make([]bool, len(all))
	kept[0] = true
	// A day or week kept keeps its newest backup of each kind: an encrypted backup never takes
	// the place of the plain one made before it that day, readable without the passphrase.
	newest := map[keptKind]bool{}
	keepNewest := func(i int, period string) {
		k := keptKind{period, all[i].Encrypted}
		if !newest[k] {
			newest[k], kept[i] = true, true
		}
	}
	i := 0
	days := map[string]bool{}
	for ; i < len(all); i++ {
		day := all[i].Taken.In(loc).Format(time.DateOnly)
		if !days[day] {
			if len(days) == keep.Daily {
				break
			}
			days[day] = true
		}
		keepNewest(i, day)
	}
	weeks := map[string]bool{}
	for ; i < len(all); i++ {
		y, w := all[i].Taken.In(loc).ISOWeek()
		week := fmt.Sprintf("%d-W%02d", y, w)
		if !weeks[week] {
			if len(weeks) == keep.Weekly {
				break
			}
			weeks[week] = true
		}
		keepNewest(i, week)
	}
	var removed []string
	var errs []error
	for i, b := range all {
		if kept[i] || b.Path == protect {
			continue
		}
		if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove old backup %s: %w", b.Path, err))
			continue
		}
		removeWithSidecars(b.Path) // the empty log and shared memory a reading of it left
		os.Remove(manifestOf(b.Path))
		removed = append(removed, b.Path)
	}
	return removed, errors.Join(errs...)
}

// keptKind is a day or week pruning keeps, and a kind of backup (encrypted or not) in it.
type keptKind struct {
	period    string
	encrypted bool
}

// inUseAsPractice reports whether the file at path, though named as a backup, is a practice in use,
// which pruning must never remove: the practice being backed up itself (practice, by any name), one
// a Needlelog process has claimed, one with a write-ahead log or journal beside it holding changes
// not yet in the file, or one whose shared memory file another program has locked (SQLite keeps it
// locked while the file is open). An empty log and an unlocked shared memory file are what reading
// a backup leaves behind, even read-only: they are removed with it.
func inUseAsPractice(path string, practice fs.FileInfo) bool {
	info, err := os.Stat(path)
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	if practice != nil && os.SameFile(info, practice) {
		return true
	}
	for _, side := range []string{"-wal", "-journal"} {
		if info, err := os.Lstat(path + side); err == nil && (info.Size() > 0 || !info.Mode().IsRegular()) {
			return true
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	if _, err := os.Lstat(path + "-shm"); !errors.Is(err, fs.ErrNotExist) && (err != nil || lockedByAnother(path+"-shm")) {
		return true
	}
	return Claimed(path)
}

// freeSpace reports the bytes free to this user on the disk holding a folder, or -1 where that
// cannot be known. Tests replace it.
var freeSpace = diskFree

// backupNeed estimates the space a backup of the practice in s takes in the backup folder dir
// while it is made: the database file and its write-ahead log (the copy is never larger), the
// photo files its library holds that the folder's photo store lacks (in the form, plain or
// encrypted, the backup needs), and a margin so that the disk is not left full for the app itself.
func backupNeed(s *sqlite.Store, dir string, encrypted bool) (int64, error) {
	need, err := databaseSize(s.Path())
	if err != nil {
		return 0, err
	}
	// A photo folder that cannot be looked through is found out by the copy, which backs up the
	// records all the same.
	photos, _ := photosToCopy(backupPhotoDir(dir), s.PhotoDir(), encrypted)
	need += photos
	return need + need/10 + 8<<20, nil
}

// plainCopyFits refuses, before anything is written, an encrypted backup whose plain snapshot
// would not fit on the practice's own disk, where it is made first (see writePlainSnapshot).
func plainCopyFits(s *sqlite.Store) error {
	size, err := databaseSize(s.Path())
	if err != nil {
		return err
	}
	need := size + size/10 + 8<<20
	if free, err := freeSpace(filepath.Dir(s.Path())); err == nil && free >= 0 && free < need {
		return fmt.Errorf("%w: an encrypted backup is first copied on the practice's own disk, which has %d MB free "+
			"and needs about %d MB; free some space there", data.ErrNoSpace, free/mb, (need+mb-1)/mb)
	}
	return nil
}

const mb = 1 << 20

// BackupTo makes a checked backup of the whole practice in dir, creating the folder if needed, then
// removes the backups keep no longer holds on to. It returns the backup and the paths it removed.
// A backup is a snapshot of the database and the photo files of the library it names, copied
// into the folder's photo store only when not already there (see backUp); a photo file missing or
// damaged in the library is counted (Backup.Photos.Missing) and the rest backed up. Pruning then
// removes the photo files no backup in the folder names any longer (prunePhotos).
//
// The free space is checked first: when the disk is short, ErrNoSpace is returned before anything
// is written. The backup is named <database name>-<short practice identity>-YYYYMMDD-HHMMSS.db from
// the store's clock in UTC (with -2, -3, ... when that name is taken), so that it is told apart
// from the backups of another practice whose file has the same name; it is made by Snapshot, so it
// is complete and checked, or not there at all. It works on a store opened read-only, while the app has the file open. When the
// backup was made but old ones could not all be removed, the backup is returned with the error.
//
// The backup is encrypted when the practice's settings say so (see BackupEncryptionFor).
func BackupTo(ctx context.Context, s *sqlite.Store, dir string, keep Retention) (Backup, []string, error) {
	enc, err := BackupEncryptionFor(ctx, s, dir)
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up to %s: %w", dir, err)
	}
	return BackupEncryptedTo(ctx, s, dir, keep, enc)
}

// BackupEncryptedTo is BackupTo encrypting with enc, whatever the settings say; the zero
// BackupEncryption makes a plain backup. An encrypted backup is named "<...>.db.age"; its snapshot
// is made and checked in plain form on the practice's own disk, never in dir, then written into
// dir encrypted, and its photo files are kept encrypted in dir's photo store (see copyPhotos).
func BackupEncryptedTo(ctx context.Context, s *sqlite.Store, dir string, keep Retention, enc BackupEncryption) (Backup, []string, error) {
	if keep.Daily < 0 || keep.Weekly < 0 {
		return Backup{}, nil, fmt.Errorf("back up to %s: the numbers of daily and weekly backups to keep cannot be negative", dir)
	}
	// An old copy left by a move shares its practice's identity and backups: it would prune them.
	if err := refuseMoved(ctx, s); err != nil {
		return Backup{}, nil, fmt.Errorf("back up %s: %w", s.Path(), err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up to %s: %w", dir, err)
	}
	if err := MakeBackupFolder(abs); err != nil {
		return Backup{}, nil, err
	}
	removeUnfinished(abs, s.Path(), time.Now())
	removeUnfinished(filepath.Dir(s.Path()), s.Path(), time.Now()) // an encrypted backup's plain snapshot
	need, err := backupNeed(s, abs, enc.On())
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up %s: %w", s.Path(), err)
	}
	free, err := freeSpace(abs)
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up to %s: %w", abs, err)
	}
	if free >= 0 && free < need {
		return Backup{}, nil, fmt.Errorf("back up to %s: %w: the disk has %d MB free and a backup of %s needs about %d MB; free some space or choose another folder",
			abs, data.ErrNoSpace, free/mb, filepath.Base(s.Path()), (need+mb-1)/mb)
	}
	if enc.On() {
		if err := plainCopyFits(s); err != nil {
			return Backup{}, nil, fmt.Errorf("back up %s: %w", s.Path(), err)
		}
	}

	id, err := s.PracticeID(ctx)
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up %s: %w", s.Path(), err)
	}
	taken := s.Now().UTC().Truncate(time.Second)
	path, err := nextBackupPath(abs, s.Path(), id, taken, enc.On())
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up to %s: %w", abs, err)
	}
	b, err := backUp(ctx, s, path, enc)
	if err != nil {
		return Backup{}, nil, fmt.Errorf("back up %s: %w", s.Path(), err)
	}
	b.Taken = taken
	recordBackup(s.Path(), id, b)
	removed, err := prune(abs, s.Path(), id, s.Now(), keep, path)
	// Even when a backup could not be removed: its manifest still speaks for it.
	_, unencrypted, perr := prunePhotos(ctx, abs, time.Now()) // the files' times are the system's
	b.UnencryptedRemoved = unencrypted
	for _, p := range removed {
		if strings.HasSuffix(p, encryptedSuffix) != b.Encrypted {
			b.OtherKindRemoved = append(b.OtherKindRemoved, filepath.Base(p))
		}
	}
	if err = errors.Join(err, perr); err != nil {
		return b, removed, fmt.Errorf("the backup %s was made, but old backups could not all be removed: %w", path, err)
	}
	return b, removed, nil
}

// backUp makes the backup at path: the snapshot into a temporary file, the manifest of the
// photo files it names, those files copied into the folder's photo store, and last the snapshot
// renamed into place, so that a backup cut short is never listed and a listed one names only
// files the store holds. (The manifest comes before the photos so that pruning by another
// process spares them however long the copy takes.) Encrypted, the snapshot is made and checked
// on the practice's own disk and only its encrypted form is written beside path.
func backUp(ctx context.Context, s *sqlite.Store, path string, enc BackupEncryption) (b Backup, err error) {
	var tmp string
	if enc.On() {
		tmp, err = writePlainSnapshot(ctx, s, path)
	} else {
		tmp, err = writeSnapshot(ctx, s, path, filepath.Dir(path), true)
	}
	if err != nil {
		return b, fmt.Errorf("snapshot to %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			removeSnapshotTemp(tmp)
		}
	}()
	manifest := manifestOf(path)
	listed, err := writeManifest(ctx, tmp, manifest)
	if err != nil {
		return b, err
	}
	defer func() {
		if err != nil {
			os.Remove(manifest)
		}
	}()
	if b.Photos, err = copyPhotos(ctx, backupPhotoDir(filepath.Dir(path)), s.PhotoDir(), manifest, enc); err != nil {
		return b, fmt.Errorf("copy the photo files to %s: %w", backupPhotoDir(filepath.Dir(path)), err)
	}
	if b.Photos.Missing > 0 {
		// Said in photos, not files, and with the folder's absence when that is the cause.
		if b.Photos.MissingPhotos, err = countMissingPhotos(ctx, tmp, b.Photos.missing); err != nil {
			return b, err
		}
		b.Photos.Folder = s.PhotoDir()
		b.Photos.FolderMissing = s.PhotoFolderMissing()
	}
	if enc.On() {
		err = encryptSnapshot(tmp, path, enc)
		removeSnapshotTemp(tmp)
	} else {
		err = placeSnapshot(tmp, path)
	}
	if err != nil {
		return b, fmt.Errorf("snapshot to %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return b, err
	}
	b.Path, b.Size, b.Encrypted = path, info.Size(), enc.On()
	b.Written = b.Size + listed + b.Photos.Bytes
	return b, nil
}

// errCutShort: an encrypted backup failed its authentication, a damaged backup (age's own words
// would not help whoever restores it).
type errCutShort struct{}

func (errCutShort) Error() string { return "the encrypted backup is damaged or cut short" }
func (errCutShort) Unwrap() error { return data.ErrDamaged }

// unfinishedAfter is how old an unfinished copy must be before it is taken for the leftover of a
// backup that was stopped (the app killed, the computer switched off) rather than one under way.
const unfinishedAfter = time.Hour

// removeUnfinished removes the copies that backups of dbPath left unfinished in dir: hidden files
// as large as the practice, that no listing shows and that would otherwise fill the disk. What
// cannot be removed now is tried again at the next backup.
func removeUnfinished(dir, dbPath string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + backupBase(dbPath) + "-"
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !(strings.HasSuffix(name, ".tmp") || strings.Contains(name, ".tmp-")) {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > unfinishedAfter {
			os.Remove(filepath.Join(dir, name)) //nolint:errcheck // tried again next time
		}
	}
}

// nextBackupPath names a new backup taken at taken: numbered after every backup already made in
// the same second, even one since removed by pruning would have been, so that its name says it is
// the newest. An encrypted one ends in .age; a plain and an encrypted backup never share a number.
func nextBackupPath(dir, dbPath, id string, taken time.Time, encrypted bool) (string, error) {
	list, err := listBackups(dir, dbPath, id)
	if err != nil {
		return "", err
	}
	seq := 1
	for _, b := range list {
		if b.Taken.Equal(taken) {
			seq = max(seq, b.seq+1)
		}
	}
	name := backupBase(dbPath) + "-" + taken.Format(backupStamp)
	if short := data.ShortPracticeID(id); short != "" {
		name = backupBase(dbPath) + "-" + short + "-" + taken.Format(backupStamp)
	}
	for ; ; seq++ {
		path := filepath.Join(dir, name+".db")
		if seq > 1 {
			path = filepath.Join(dir, name+"-"+strconv.Itoa(seq)+".db")
		}
		// Something not taken for a backup (a folder, say) may hold the name too.
		_, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			_, err = os.Lstat(path + encryptedSuffix)
		}
		switch {
		case errors.Is(err, fs.ErrNotExist) && encrypted:
			return path + encryptedSuffix, nil
		case errors.Is(err, fs.ErrNotExist):
			return path, nil
		case err != nil:
			return "", err
		}
	}
}

// Restored is what RestoreFrom did.
type Restored struct {
	// KeptAside is where the replaced file now is, or "" when there was none.
	KeptAside string
	// SchemaRepairs says, a sentence each, which of the backup's tables, indexes, triggers and
	// views were left out of the restored copy or put back as Needlelog made them (putBackSchema).
	SchemaRepairs []string
	// Photos is what became of the photo files the backup names.
	Photos PhotoRestore
}

// RestoreFrom puts a copy of the backup at from in place of the database at dbPath, and the photo
// files it names into the practice's photo folder (photolib.Beside(dbPath)).
//
// The backup is checked first (a Needlelog file, not from a newer version, passing SQLite's
// integrity check); if it fails, nothing is changed. An existing database is replaced only with
// force (else ErrExists), and never while a Needlelog window has it open (ErrInUse). The backup is
// copied by SQLite into a temporary file beside dbPath; the tables, indexes, triggers and views
// Needlelog did not make are left out of the copy, and Needlelog's own that were changed or removed
// are put back (a backup whose Needlelog tables were changed is refused with ErrForeignSchema);
// the copy is brought up to this version's schema if it is older, flushed to the disk and checked.
// Then the photo files it names are copied from the backup folder's photo store (see
// restorePhotos), each checked against its SHA-256; a file missing there or damaged does not stop
// the restore: the records and every good photo are worth more than the photos that cannot be had,
// which are listed in Restored.Photos.Lost (the gallery shows them as missing until their files
// are put back). Only then is the current file set aside (see SetAside, label "replaced") and the
// copy renamed into its place. The backup itself is never changed. On failure dbPath is as it was.
//
// An encrypted backup (see IsEncrypted) is refused with ErrBackupEncrypted: see RestoreWithKey.
func RestoreFrom(ctx context.Context, from, dbPath string, force bool) (Restored, error) {
	return RestoreWithKey(ctx, from, dbPath, force, nil)
}

// RestoreWithKey is RestoreFrom for a backup that may be encrypted, with key the backup folder's
// key (UnlockBackupKey). An encrypted backup is decrypted into a temporary file beside dbPath (the
// whole file read and authenticated before any of it is trusted), then restored from there as a
// plain one; its photo files are decrypted from the backup folder's photo store and checked against
// their SHA-256. The temporary file is removed whatever happens. A plain backup ignores key.
func RestoreWithKey(ctx context.Context, from, dbPath string, force bool, key *BackupKey) (Restored, error) {
	var r Restored
	err := restore(ctx, from, dbPath, force, key, &r)
	return r, err
}

// restore is RestoreWithKey, noting in r what it did.
func restore(ctx context.Context, from, dbPath string, force bool, key *BackupKey, r *Restored) (err error) {
	src, err := filepath.Abs(from)
	if err != nil {
		return fmt.Errorf("restore from %s: %w", from, err)
	}
	dst, err := filepath.Abs(dbPath)
	if err != nil {
		return fmt.Errorf("restore to %s: %w", dbPath, err)
	}
	if src == dst {
		return fmt.Errorf("restore from %s: that is the database itself", src)
	}
	if a, err := os.Stat(src); err == nil {
		if b, err := os.Stat(dst); err == nil && os.SameFile(a, b) {
			return fmt.Errorf("restore from %s: that is the database itself", src)
		}
	}
	plain := src // the backup in plain form: src, or src decrypted
	// A file that cannot be read is said by the check below, as for a plain backup.
	if encrypted, _ := IsEncrypted(src); encrypted {
		if plain, err = decryptForRestore(src, dst, key); errors.Is(err, ErrOtherKey) {
			return err // a sentence of its own, saying what to do
		} else if err != nil {
			return fmt.Errorf("restore from %s: %w; nothing was changed", src, err)
		}
		defer removeWithSidecars(plain)
	}
	version, err := sqlite.CheckBackupFile(ctx, plain)
	if err != nil {
		return fmt.Errorf("restore from %s: %w; nothing was changed", src, err)
	}

	info, err := os.Stat(dst)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("restore to %s: %w", dst, err)
	case exists && info.IsDir():
		return fmt.Errorf("restore to %s: it is a folder, not a database file", dst)
	case exists && !force:
		return fmt.Errorf("restore to %s: %w; restore with --force to replace it (the current file is kept aside, with its photos, as %s)",
			dst, data.ErrExists, asideSaid(dst, "replaced"))
	}
	if exists {
		if moved := movedMarkOf(ctx, dst); moved != nil {
			// A backup put in its place would make the old copy a second live practice.
			return fmt.Errorf("restore to %s: %w", dst, moved)
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("restore to %s: %w", dst, err)
	}
	// Held until the copy is in place, so that the app cannot open the file halfway through.
	claim, err := ClaimDatabase(dst)
	if errors.Is(err, data.ErrInUse) {
		return fmt.Errorf("restore to %s: %w; close Needlelog there first", dst, data.ErrInUse)
	}
	if err != nil {
		return fmt.Errorf("restore to %s: %w", dst, err)
	}
	defer func() {
		if rerr := claim.Release(); rerr != nil && err == nil {
			err = fmt.Errorf("restore to %s: %w", dst, rerr)
		}
	}()

	tmp, done, err := copyForRestore(ctx, plain, dst, version)
	r.SchemaRepairs = done
	if err != nil {
		return fmt.Errorf("restore from %s: %w; nothing was changed", src, err)
	}
	defer func() {
		if err != nil {
			removeWithSidecars(tmp)
		}
	}()
	if r.Photos, err = restorePhotos(ctx, tmp, src, dst, key); err != nil {
		return fmt.Errorf("restore the photos of %s: %w; the records were not restored", src, err)
	}
	if exists {
		// The restored file is read and written by whoever could before (a shared clinic
		// account, say), not only by whoever restored it.
		if err := os.Chmod(tmp, info.Mode().Perm()); err != nil {
			return fmt.Errorf("restore to %s: %w; nothing was changed", dst, err)
		}
	}

	restoredID, err := PracticeIDOf(ctx, tmp)
	if err != nil {
		return fmt.Errorf("restore to %s: %w; nothing was changed", dst, err)
	}
	// Set aside the current file, or the write-ahead log a file removed by hand left behind: SQLite
	// would apply a log to whatever file next takes its name.
	var undo func() error
	r.KeptAside, undo, err = setAsideForRestore(ctx, dst, exists)
	if err != nil {
		return fmt.Errorf("restore to %s: %w; nothing was changed", dst, err)
	}
	if err := rename.Retrying(tmp, dst); err != nil {
		aside := r.KeptAside
		r.KeptAside = ""
		if uerr := undo(); uerr != nil {
			return fmt.Errorf("restore to %s: %w; and putting the current file back failed: %v (it is at %s)", dst, err, uerr, aside)
		}
		return fmt.Errorf("restore to %s: %w; nothing was changed", dst, err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("restore to %s: the backup is in place, but flushing the folder failed: %w", dst, err)
	}
	if err := markRestored(dst, restoredID); err != nil {
		return fmt.Errorf("restore to %s: the backup is in place, but marking its photo folder as its own failed: %w", dst, err)
	}
	return nil
}

// copyForRestore copies the backup at src into a new temporary file beside dst, through SQLite so
// that a write-ahead log beside the backup is included; puts Needlelog's schema back in the copy
// (putBackSchema); upgrades the copy's schema if it is older; flushes it to the disk and checks it.
// It returns the temporary file's path and what putBackSchema did.
func copyForRestore(ctx context.Context, src, dst string, version int) (tmp string, repairs []string, err error) {
	f, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.restore")
	if err != nil {
		return "", nil, err
	}
	tmp = f.Name()
	f.Close()
	made := tmp // tmp is "" once an error is returned
	defer func() {
		if err != nil {
			removeWithSidecars(made)
		}
	}()
	b, err := sqlite.Open(ctx, src, sqlite.Options{ReadOnly: true})
	if err != nil {
		return "", nil, err
	}
	err = b.VacuumInto(ctx, tmp)
	b.Close()
	if err != nil {
		return "", nil, fmt.Errorf("copy: %w", err)
	}
	if repairs, err = sqlite.PutBackSchema(ctx, tmp, version); err != nil {
		return "", nil, err
	}
	if version < sqlite.SchemaVersion() {
		// Opening for writing applies the migrations, as the app would on opening the file.
		w, err := sqlite.Open(ctx, tmp, sqlite.Options{})
		if err != nil {
			return "", nil, fmt.Errorf("bring the copy up to date: %w", err)
		}
		if err := w.Close(); err != nil {
			return "", nil, fmt.Errorf("bring the copy up to date: %w", err)
		}
	}
	if err := syncFile(tmp); err != nil {
		return "", nil, err
	}
	if err := checkCopy(ctx, tmp, false); err != nil {
		return "", nil, err
	}
	return tmp, repairs, nil
}

// sidecars are the files SQLite keeps beside a database that belong to it: its write-ahead log and
// its rollback journal hold committed or half-committed changes and must travel with it.
var sidecars = []string{"-wal", "-journal"}

func removeWithSidecars(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// SetAside moves the database at dbPath out of the way, to "<name>.<label>-YYYYMMDD-HHMMSS<ext>"
// (see asideName), together with its write-ahead log or journal so that no committed
// change is lost, and returns the new path. Its shared-memory index is removed: SQLite makes it
// again. Nothing may have the database open. On failure everything is left where it was.
func SetAside(dbPath, label string) (string, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return "", fmt.Errorf("set aside %s: %w", dbPath, err)
	}
	if _, err := os.Lstat(abs); err != nil {
		return "", fmt.Errorf("set aside %s: %w", abs, err)
	}
	aside, _, err := setAside(abs, label)
	return aside, err
}

// setAside is SetAside for an absolute path that may be missing, in which case a write-ahead log
// or journal left without it is still moved, and "" returned as the new path. undo puts back what
// was moved.
func setAside(abs, label string) (aside string, undo func() error, err error) {
	if label == "" || strings.ContainsAny(label, `/\:`) {
		return "", nil, fmt.Errorf("set aside %s: the label %q cannot be part of a file name", abs, label)
	}
	return setAsideAs(abs, asideName(abs, label))
}

// setAsideAs is setAside to the name aside (asideName).
func setAsideAs(abs, aside string) (_ string, undo func() error, err error) {
	var moved [][2]string
	undo = func() error {
		var errs []error
		for i := len(moved) - 1; i >= 0; i-- {
			if err := rename.Retrying(moved[i][1], moved[i][0]); err != nil {
				errs = append(errs, err)
			}
		}
		if err := syncDir(filepath.Dir(abs)); err != nil {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}
	// The database first: were the process to stop between the two, no file would be left under
	// the database's name to meet the other's log.
	mainMoved := false
	for _, suffix := range append([]string{""}, sidecars...) {
		if _, err := os.Lstat(abs + suffix); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := rename.Retrying(abs+suffix, aside+suffix); err != nil {
			if uerr := undo(); uerr != nil {
				return "", nil, fmt.Errorf("set aside %s: %w; and putting back what was moved failed: %v", abs, err, uerr)
			}
			return "", nil, fmt.Errorf("set aside %s: %w", abs, err)
		}
		moved = append(moved, [2]string{abs + suffix, aside + suffix})
		mainMoved = mainMoved || suffix == ""
	}
	// A stale index would otherwise be taken up by the file that comes next; a reader still
	// holding it (on Windows) only keeps it, which SQLite then rebuilds.
	os.Remove(abs + "-shm")
	if err := syncDir(filepath.Dir(abs)); err != nil {
		if uerr := undo(); uerr != nil {
			return "", nil, fmt.Errorf("set aside %s: %w; and putting back what was moved failed: %v", abs, err, uerr)
		}
		return "", nil, fmt.Errorf("set aside %s: %w", abs, err)
	}
	if !mainMoved {
		aside = ""
	}
	return aside, undo, nil
}
