package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// backupAbout is what needlelog backup -h says the command does.
const backupAbout = `Makes a backup of the whole practice, photos included, into FOLDER (created if needed). It
works while the app has the file open, and the app then counts it as the practice's latest backup.

What it writes: a copy of the database named after it, the practice's identity and the time (UTC),
such as needlelog-1a2b3c4d-20260310-143000.db; beside it the list of its photo files (.db.manifest);
and the photo files themselves in FOLDER/photos, copied only when not already there, so that a
backup of unchanged photos copies none.

How it is checked: free space is checked first. The copy is made by SQLite, flushed to the disk and
checked, and its photo files copied and checked against their SHA-256, before it takes its name:
a backup is complete or not there at all. It says how many photo files it copied and how many
bytes it wrote.

What it removes: older backups of the same practice in FOLDER, keeping the newest of each of the
last --daily days and, before those, of each of the last --weekly weeks. The newest encrypted and
the newest unencrypted one are kept alike, so turning encryption on keeps the unencrypted backups
until they age out, and a backup names any of the other kind it removes. The newest backup is
always kept. Photo files that no backup left in FOLDER names (of any practice) are removed after
an hour; once no unencrypted backup is left in FOLDER, nor being made, its unencrypted photo files
are removed at once, and it says how many.

What it never removes: another practice's backups, even when its file has the same name, nor a
file in use: the practice itself, one open in Needlelog, or one with a write-ahead log or journal
beside it.

Encrypted backups (set in Settings › Database, or with --passphrase-file) end in .db.age, and their
photo files are kept encrypted in FOLDER/photos (age, to the key in FOLDER/needlelog-backup-key.age,
which only the passphrase opens); nothing is written to FOLDER unencrypted. With --passphrase-file
the backup is encrypted whatever the settings say, with the folder's key (made with that
passphrase when FOLDER has none).

A practice on the clinic's server (--db postgres://user@host/database) is backed up the same way:
its records and photos are copied into a SQLite file, checked, and that file is the backup, named
after the server's database, so that restore, archive and every export work on it as on any backup.
Once checked, the backup is recorded on the server (when, on which PC, the folder and the file),
where every PC's window shows it in its status line.`

func runBackup(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("backup", "--db PATH --to FOLDER [--daily 7] [--weekly 4] [--passphrase-file FILE]", backupAbout, errOut)
	db := fs.String("db", "", "path of the database file, or the URL of the practice on the clinic's server")
	to := fs.String("to", "", "folder to keep the backups in")
	daily := fs.Int("daily", practice.DefaultRetention.Daily, "days whose newest backup is kept")
	weekly := fs.Int("weekly", practice.DefaultRetention.Weekly, "weeks, before those days, whose newest backup is kept")
	passFile := fs.String("passphrase-file", "", passphraseFileUsage)
	if code, ok := parseNoArgs(fs, args, db, errOut); !ok {
		return code
	}
	switch {
	case *to == "":
		fmt.Fprintln(errOut, "needlelog backup: --to FOLDER is required")
		return 2
	case *daily < 0 || *weekly < 0:
		fmt.Fprintln(errOut, "needlelog backup: --daily and --weekly must be 0 or more")
		return 2
	}
	// Before the passphrase is read or the practice opened: a --to naming a file is said as such.
	if err := practice.CheckBackupFolder(*to); err != nil {
		return fail(errOut, "backup", err)
	}
	var enc practice.BackupEncryption
	if *passFile != "" {
		// Before the practice is opened: scrypt's memory (256 MB) is then given back before
		// the backup's own is taken, and the peak stays under 300 MB.
		var err error
		if enc, err = backupEncryption(ctx, nil, *passFile, *to); err != nil {
			return fail(errOut, "backup", err)
		}
	}
	// Read-only: the app may have the file open, and a backup never needs to write to it. A
	// practice of an older schema (one no one has opened in this version yet) is backed up as it
	// is, not upgraded: a nightly script must not change a file its practitioner has not opened
	// (an older Needlelog may still be using it; the upgrade and the moving of its photos out are
	// the app's to do, showing their progress). Such a backup is whole, its photos being still
	// inside its snapshot, and restoring it upgrades the copy.
	s, err := openToRead(ctx, *db)
	if err != nil {
		return fail(errOut, "backup", err)
	}
	defer s.Close()
	if *passFile == "" {
		if enc, err = backupEncryption(ctx, s, "", *to); err != nil {
			return fail(errOut, "backup", err)
		}
	}
	keep := practice.Retention{Daily: *daily, Weekly: *weekly}
	var b practice.Backup
	var removed []string
	if f, ok := s.(*sqlite.Store); ok {
		b, removed, err = practice.BackupEncryptedTo(ctx, f, *to, keep, enc)
	} else {
		// A snapshot of the server's practice as a SQLite file, backed up as a file's practice is.
		b, removed, err = practice.BackupServerEncryptedTo(ctx, s, serverDatabase(*db), *to, keep, enc)
	}
	if b.Path != "" {
		fmt.Fprintf(out, "Backed up %s to %s (%s, checked): %s.\n", named(s, *db), quote(b.Path), wording.Size(b.Size), b.Outcome())
	}
	for _, p := range removed {
		fmt.Fprintf(out, "Removed old backup %s\n", quote(p))
	}
	if err != nil {
		return fail(errOut, "backup", err)
	}
	return 0
}

// restoreAbout is what needlelog restore -h says the command does.
const restoreAbout = `Puts a copy of the backup FILE in place of the database PATH, and the photo files it names, from
the photos folder beside FILE, into the practice's photo folder (PATH without .db, plus .photos),
each checked against its SHA-256. The backup is checked first; a file that is not a Needlelog
database, is from a newer version or is damaged is refused and nothing is changed. An existing
database is replaced only with --force, and then kept beside it as NAME.replaced-YYYYMMDD-HHMMSS.db
(UTC; PATH is NAME.db), with its write-ahead log and its photos in a photo folder of its own. It
refuses while Needlelog has the database open. A photo file missing from the backup or damaged
there does not stop the restore: the records and every good photo are restored, the photos that
could not be are named on standard error, and the exit code is 1.

An encrypted backup (FILE ending in .db.age) needs --passphrase-file: its passphrase opens the key
file beside it (needlelog-backup-key.age), which decrypts the backup into a temporary file beside
PATH and its photo files into the photo folder, each checked before it is used.`

func runRestore(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs := newFlags("restore", "--from FILE --db PATH [--force] [--passphrase-file FILE]", restoreAbout, errOut)
	from := fs.String("from", "", "the backup file to restore")
	db := fs.String("db", "", "path of the database file to restore into")
	force := fs.Bool("force", false, "replace an existing database, keeping it aside")
	passFile := fs.String("passphrase-file", "", passphraseFileUsage)
	if code, ok := parseNoArgs(fs, args, db, errOut); !ok {
		return code
	}
	if refuseServer(errOut, "restore", *db, "restore the backup into a file (--db PATH), then copy that file's practice to the server "+
		"with needlelog move --from PATH --to URL, into an empty database") {
		return 2
	}
	if *from == "" {
		fmt.Fprintln(errOut, "needlelog restore: --from FILE is required")
		return 2
	}
	var key *practice.BackupKey
	if enc, _ := practice.IsEncrypted(*from); enc {
		k, err := restoreKey(*passFile, filepath.Dir(*from))
		if err != nil {
			return fail(errOut, "restore", err)
		}
		key = k
	}
	r, err := practice.RestoreWithKey(ctx, *from, *db, *force, key)
	aside := r.KeptAside
	if err != nil {
		if movedSentence(err) != "" {
			return fail(errOut, "restore", err) // the old copy of a moved practice: one sentence
		}
		// Not fail: its hints speak of the database, and here the file at fault may be the backup;
		// Restore's errors say which file and that nothing was changed.
		fmt.Fprintf(errOut, "needlelog restore: %s\n", visible(err.Error()))
		return 1
	}
	fmt.Fprintf(out, "Restored %s to %s.\n", quote(*from), quote(*db))
	for _, done := range r.SchemaRepairs {
		fmt.Fprintf(out, "In the restored copy, Needlelog %s.\n", visible(done))
	}
	if aside != "" {
		fmt.Fprintf(out, "The file it replaced is kept as %s\n", quote(aside))
	}
	if r.Photos.Copied > 0 {
		fmt.Fprintf(out, "%s copied into %s.\n", wording.Count(r.Photos.Copied, "photo file", "photo files"), quote(photolib.Beside(*db)))
	}
	if warn := r.PhotoWarning(); warn != "" {
		fmt.Fprintf(errOut, "needlelog restore: %s\n", visible(warn))
		return 1
	}
	return 0
}

// serverDatabase is the name of the database in the server URL db, which a server's backups are
// named after: "needlelog" for postgres://needlelog_app@host/needlelog.
func serverDatabase(db string) string {
	u, err := url.Parse(db)
	name := ""
	if err == nil {
		name = strings.Trim(u.Path, "/")
	}
	if name == "" || strings.ContainsAny(name, `/\:*?"<>|`) || strings.HasPrefix(name, ".") {
		return "server"
	}
	return name
}
