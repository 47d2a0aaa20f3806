package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

const (
	prefBackupFolder = "backupFolder:"        // + the database's path: where its backups go
	prefPracticeID   = "practiceID:"          // + the database's path: the identity of the practice last seen there
	prefEncryptedAt  = "encryptedBackupHead:" // + the database's path: its latest encrypted backup and audit head
	backupEvery      = 24 * time.Hour         // automatic backups while the window is open, at most this often
	backupCheckEvery = 30 * time.Minute
	firstBackupAfter = time.Minute        // after opening, before the first automatic backup
	backupOldAfter   = 3 * 24 * time.Hour // the window warns when the latest backup is older than this
)

// backupFolder is where the practice at dbPath is backed up: the folder chosen in Settings, else
// its default beside the user data folder (see ondisk.BackupDirFor). It is kept in the app's
// preferences, not in the database, because it is needed most when the database cannot be read.
func backupFolder(a fyne.App, dbPath string) (string, error) {
	if dir := a.Preferences().String(backupFolderKey(dbPath)); dir != "" {
		return dir, nil
	}
	return ondisk.BackupDirFor(dbPath)
}

func setBackupFolder(a fyne.App, dbPath, dir string) {
	a.Preferences().SetString(backupFolderKey(dbPath), dir)
}

// backupFolderKey names the preference by the database's absolute path, however it was given.
func backupFolderKey(dbPath string) string {
	if abs, err := filepath.Abs(dbPath); err == nil {
		dbPath = abs
	}
	return prefBackupFolder + dbPath
}

// practiceBackups lists the backups in dir of the practice at dbPath, newest first: by the identity
// read from its file or, when the file cannot be read (it is damaged), the identity it had when
// last opened here; failing both, see ondisk.BackupsOf.
func practiceBackups(a fyne.App, dir, dbPath string) ([]ondisk.Backup, error) {
	id, err := ondisk.PracticeIDOf(context.Background(), dbPath)
	if err != nil {
		id = a.Preferences().String(practiceIDKey(dbPath))
	}
	return ondisk.BackupsOf(dir, dbPath, id)
}

// rememberPracticeID keeps the identity of the practice at dbPath, for when its file is damaged.
func rememberPracticeID(a fyne.App, dbPath, id string) {
	if id != "" && a.Preferences().String(practiceIDKey(dbPath)) != id {
		a.Preferences().SetString(practiceIDKey(dbPath), id)
	}
}

func practiceIDKey(dbPath string) string {
	if abs, err := filepath.Abs(dbPath); err == nil {
		dbPath = abs
	}
	return prefPracticeID + dbPath
}

// backupFolderError is a backup that failed on its folder: not there, not a folder, not
// writable, or on a drive that went away.
type backupFolderError struct {
	dir string
	err error
}

func (e *backupFolderError) Error() string { return e.err.Error() }
func (e *backupFolderError) Unwrap() error { return e.err }

// backupState is what is known about a practice's backups.
type backupState struct {
	dir    string
	latest ondisk.Backup // zero when there is none
	failed error         // why the latest automatic backup failed; nil when it did not
}

// backupKeeper makes a practice's automatic backups, one when the window closes and one a day
// while it is open, and tells the window how recent the latest good one is.
type backupKeeper struct {
	app   fyne.App
	store *sqlite.Store
	now   func() time.Time

	onChange func(backupState) // on the UI goroutine, after every change

	ctx    context.Context // cancelled by close: a daily backup under way stops
	cancel context.CancelFunc
	mu     sync.Mutex // held while a backup runs: one at a time, and close waits for it

	stateMu sync.Mutex
	state   backupState
	// heldWrites is the store's Writes when the latest backup this window made began; ok says
	// there is one.
	heldWrites   uint64
	heldWritesOK bool
	// leftOver: the practice held changes the latest backup lacks when this window opened it,
	// left by an earlier run (killed, say, or closed without a backup).
	leftOver bool
}

func newBackupKeeper(a fyne.App, s *sqlite.Store) *backupKeeper {
	k := &backupKeeper{app: a, store: s, now: time.Now}
	k.ctx, k.cancel = context.WithCancel(context.Background())
	k.state.dir, k.state.failed = backupFolder(a, s.Path())
	return k
}

// load reads the backup folder for the latest backup, and the folder the practice's latest
// recorded backup went to (one made by the command line into another folder, say): the newer of
// the two counts. It runs off the UI goroutine.
func (k *backupKeeper) load() backupState {
	dir, err := backupFolder(k.app, k.store.Path())
	id := k.practiceID()
	var list []ondisk.Backup
	if err == nil {
		// Without the lock: a slow folder (a network share, a USB drive waking up) must not
		// hold up the window, which reads the state to draw the status line.
		// Only this practice's: another whose file has the same name may share the folder.
		if list, err = ondisk.BackupsOf(dir, k.store.Path(), id); err != nil {
			err = fmt.Errorf("read the backup folder %s: %w", dir, err)
		}
	}
	var latest ondisk.Backup
	if len(list) > 0 {
		latest = list[0]
	}
	// A recorded folder that cannot be read now (a drive unplugged) only does not count: the
	// app's own folder is the one it answers for. Nor does the folder just left for another.
	left := k.current().dir
	if recDir, recorded, rerr := ondisk.RecordedBackups(k.store.Path(), id); rerr == nil && len(recorded) > 0 &&
		recorded[0].Taken.After(latest.Taken) && (left == dir || !sameFolder(recDir, left)) {
		latest = recorded[0]
	}
	leftOver := false
	if latest.Path != "" {
		leftOver = k.lacks(latest)
	}
	k.stateMu.Lock()
	defer k.stateMu.Unlock()
	if dir != "" && dir != k.state.dir {
		// Another folder: what was backed up to the old one does not count here.
		k.state.dir, k.heldWritesOK = dir, false
	}
	switch {
	case latest.Path != "" && (err == nil || latest.Taken.After(k.state.latest.Taken)):
		if err != nil {
			k.state.failed = err
		}
		if latest.Path != k.state.latest.Path { // the one this window made keeps what it copied
			k.state.latest = latest
		}
		k.leftOver = leftOver
	case err != nil:
		k.state.failed = err
	default:
		k.state.latest = ondisk.Backup{}
	}
	return k.state
}

// practiceID is the identity of the keeper's practice, remembered for when its file is damaged;
// when it cannot be read (a damaged file open read-only), the one remembered.
func (k *backupKeeper) practiceID() string {
	id, err := k.store.PracticeID(context.Background())
	if err != nil {
		return k.app.Preferences().String(practiceIDKey(k.store.Path()))
	}
	rememberPracticeID(k.app, k.store.Path(), id)
	return id
}

// lacks reports whether backup b lacks changes the practice held when it was opened: the last
// entries of their audit logs differ. (An older backup restored, then changed, can have a log as
// long as a newer backup's: the entries' hashes tell them apart.) File times cannot tell: SQLite
// writes the file when it opens and closes it.
//
// An encrypted backup cannot be read without the passphrase: the head it holds is the one this app
// remembered when it made it (rememberEncryptedHead); one made elsewhere counts as lacking changes.
func (k *backupKeeper) lacks(b ondisk.Backup) bool {
	ctx := context.Background()
	head, err := k.store.AuditHead(ctx)
	if err != nil {
		return true
	}
	if b.Encrypted {
		return k.app.Preferences().String(encryptedHeadKey(k.store.Path())) != encryptedHead(b.Path, head)
	}
	held, err := ondisk.AuditHeadOf(ctx, b.Path)
	return err != nil || held != head // unreadable: another backup is needed all the more
}

// encryptedHead is what the preferences keep of an encrypted backup: its path and the audit head
// the practice had before it was made (changes made while it was made only make it look older).
func encryptedHead(path string, head data.AuditMark) string {
	return fmt.Sprintf("%d %s %s", head.Seq, head.Hash, path)
}

func encryptedHeadKey(dbPath string) string {
	if abs, err := filepath.Abs(dbPath); err == nil {
		dbPath = abs
	}
	return prefEncryptedAt + dbPath
}

func (k *backupKeeper) current() backupState {
	k.stateMu.Lock()
	defer k.stateMu.Unlock()
	return k.state
}

// unheld reports whether the practice holds changes that the latest backup does not.
func (k *backupKeeper) unheld() bool {
	k.stateMu.Lock()
	defer k.stateMu.Unlock()
	switch {
	case k.state.latest.Path == "":
		return true
	case k.heldWritesOK:
		return k.store.Writes() > k.heldWrites
	}
	return k.store.Writes() > 0 || k.leftOver
}

// due reports whether an automatic backup should be made now: none was made in the last day,
// and the practice changed since the latest.
func (k *backupKeeper) due() bool {
	st := k.current()
	if st.latest.Path != "" && k.now().Sub(st.latest.Taken) < backupEvery {
		return false
	}
	return k.unheld()
}

// backUp makes a backup now and prunes the old ones; it runs off the UI goroutine. It stops
// when ctx or the keeper is cancelled.
func (k *backupKeeper) backUp(ctx context.Context) (ondisk.Backup, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.ctx.Err(); err != nil {
		return ondisk.Backup{}, err // closed: the store may be closing
	}
	if err := ctx.Err(); err != nil {
		return ondisk.Backup{}, err // skipped while waiting for another backup
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	defer context.AfterFunc(k.ctx, stop)() // closing the keeper stops this backup too
	writes := k.store.Writes()
	head, headErr := k.store.AuditHead(ctx)
	dir, err := backupFolder(k.app, k.store.Path())
	var b ondisk.Backup
	if err == nil {
		b, _, err = ondisk.BackupTo(ctx, k.store, dir, ondisk.DefaultRetention)
		if err != nil && b.Path != "" {
			// Made, but an old one could not be removed (a sync client holding it, say): the
			// practice is backed up, and the folder only keeps more than it should.
			slog.Warn("old backups not all removed", "dir", dir, "err", err)
			err = nil
		}
		// A file error not about the practice's own file is about the folder.
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) && !strings.HasPrefix(pe.Path, k.store.Path()) {
			err = &backupFolderError{dir: dir, err: err}
		}
	}
	k.stateMu.Lock()
	if ctx.Err() == nil {
		k.state.failed = err // a cancelled backup did not fail
	}
	if err == nil {
		k.state.dir, k.state.latest = dir, b
		k.heldWrites, k.heldWritesOK = writes, true
	}
	k.stateMu.Unlock()
	if err == nil && b.Encrypted && headErr == nil {
		k.app.Preferences().SetString(encryptedHeadKey(k.store.Path()), encryptedHead(b.Path, head))
	}
	if err != nil {
		slog.Error("backup", "db", k.store.Path(), "err", err)
	} else {
		slog.Info("backed up", "path", b.Path, "bytes", b.Size, "written", b.Written, "photos copied", b.Photos.Copied)
		if b.UnencryptedRemoved > 0 {
			slog.Info("removed unencrypted photo files left by earlier backups", "dir", dir, "files", b.UnencryptedRemoved)
		}
	}
	k.changed()
	return b, err
}

// changed tells the window, on the UI goroutine.
func (k *backupKeeper) changed() {
	if k.onChange == nil {
		return
	}
	st := k.current()
	fyne.Do(func() { k.onChange(st) })
}

// start reads the folder and keeps the daily backup going until close. A read-only window leaves
// backups to the window that writes.
func (k *backupKeeper) start() {
	go func() {
		k.load()
		k.changed()
		if k.store.ReadOnly() {
			return
		}
		// A backup reads the whole practice: the first waits for the file's check (a damaged file
		// is never backed up) and leaves the first moments after opening to the practitioner.
		if k.store.Checked(k.ctx) != nil {
			return
		}
		select {
		case <-k.ctx.Done():
			return
		case <-time.After(firstBackupAfter):
		}
		t := time.NewTicker(backupCheckEvery)
		defer t.Stop()
		for {
			// A backup made meanwhile by the command line counts too.
			k.load()
			k.changed()
			if k.due() {
				k.backUp(k.ctx) //nolint:errcheck // reported through the state
			}
			select {
			case <-k.ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// close stops the daily backups, cancels one under way and waits for it to end, so that the
// store can be closed and its claim given up.
func (k *backupKeeper) close() {
	k.cancel()
	k.mu.Lock()
	k.mu.Unlock() //nolint:staticcheck // an empty critical section: waiting is the point
}

// neededOnClose reports whether closing should make a backup: the practice changed since the
// latest one.
func (k *backupKeeper) neededOnClose() bool {
	return !k.store.ReadOnly() && k.unheld()
}

// backupSummary words the latest backup for the status line, and says whether it needs the
// practitioner's attention (none, too old, or the last attempt failed).
func backupSummary(st backupState, now time.Time) (text string, warn bool) {
	if st.latest.Path == "" {
		if st.failed != nil {
			return "No backup of this practice yet. " + errorSentence("make one", st.failed), true
		}
		return "No backup of this practice yet.", true
	}
	when := humanTime(st.latest.Taken, now)
	if d := filepath.Dir(st.latest.Path); st.dir != "" && !sameFolder(d, st.dir) {
		when += " to " + d // a backup recorded in another folder than the app's
	}
	done := ""
	if o := st.latest.Outcome(); o != "" { // a backup this window made: what it copied and wrote
		done = " (" + o + ")"
	}
	switch {
	case st.failed != nil:
		return "The latest backup was made " + when + ". " + errorSentence("make a newer one", st.failed), true
	case backupOverdue(st.latest.Taken, now):
		return "The latest backup was made " + when + ": back up now.", true
	}
	return "Backed up " + when + done + ".", st.latest.Photos.Missing > 0
}

// backupOverdue reports whether a practice whose latest backup was taken then wants the
// practitioner's attention now: backups have stopped.
func backupOverdue(taken, now time.Time) bool { return now.Sub(taken) > backupOldAfter }

// serverBackups follows the latest backup of a practice on the clinic's server, as needlelog
// backup records it there (ondisk.SettingServerBackup) on whichever PC makes it: read when the
// practice is shown and again when another PC changes a setting (live.go).
type serverBackups struct {
	store    practiceStore
	onChange func() // on the UI goroutine, after every reading that changed what is known

	mu     sync.Mutex
	follow bool // the window reads the record by itself (start): again when the server comes back
	read   bool // the record was read at least once
	latest ondisk.ServerBackup
	ok     bool // a backup is recorded
}

// load reads the record again, off the UI goroutine. A reading that fails (the server lost)
// leaves what was known: the window says the server is lost by itself.
func (b *serverBackups) load(ctx context.Context) error {
	latest, ok, err := ondisk.LatestServerBackup(ctx, b.store)
	if err != nil {
		if ctx.Err() == nil {
			slog.Warn("read the latest backup recorded on the clinic's server", "err", err)
		}
		return err
	}
	b.mu.Lock()
	changed := !b.read || ok != b.ok || latest != b.latest
	b.read, b.latest, b.ok = true, latest, ok
	b.mu.Unlock()
	if changed && b.onChange != nil {
		fyne.Do(b.onChange)
	}
	return nil
}

// start reads the record now, and again whenever the server comes back (again).
func (b *serverBackups) start(ctx context.Context) {
	b.mu.Lock()
	b.follow = true
	b.mu.Unlock()
	b.loadLater(ctx)
}

// again reads the record again when the window follows it by itself: the server came back, and
// a backup may have been recorded meanwhile.
func (b *serverBackups) again(ctx context.Context) {
	b.mu.Lock()
	follow := b.follow
	b.mu.Unlock()
	if follow {
		b.loadLater(ctx)
	}
}

// loadLater is load off the UI goroutine.
func (b *serverBackups) loadLater(ctx context.Context) {
	background(func() { b.load(ctx) }) //nolint:errcheck // logged; what was known stays
}

// summary words the latest backup for the status line, as backupSummary does a file's, and says
// whether it needs attention; ok is false until the record was read.
func (b *serverBackups) summary(now time.Time) (text string, warn, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.read {
		return "", false, false
	}
	text, warn = serverBackupSummary(b.latest, b.ok, now)
	return text, warn, true
}

// serverBackupSummary words the latest backup of a server practice, made on one PC by
// needlelog backup: none, overdue (by the rule a file's follows), or when, where and on which PC.
func serverBackupSummary(latest ondisk.ServerBackup, ok bool, now time.Time) (text string, warn bool) {
	if !ok {
		return "No backup of this practice yet: make one every night with needlelog backup --db … on one PC", true
	}
	when := humanTime(latest.Taken, now) + " on " + latest.Host + " to " + latest.Folder
	if backupOverdue(latest.Taken, now) {
		return "The latest backup was made " + when + ": check needlelog backup on " + latest.Host + ".", true
	}
	return "Backed up " + when + ".", false
}

// sameFolder reports whether a and b name one folder, however written. Without reading the
// disk: the status line is drawn on the UI goroutine, and the folder may be on a drive gone away.
func sameFolder(a, b string) bool {
	if abs, err := filepath.Abs(a); err == nil {
		a = abs
	}
	if abs, err := filepath.Abs(b); err == nil {
		b = abs
	}
	return a == b || (runtime.GOOS == "windows" && strings.EqualFold(a, b))
}

// humanTime says when t was, the way people say it: "just now", "today at 08:30", "yesterday at
// 18:02", "on 3 Nov 2026 at 17:45".
func humanTime(t, now time.Time) string {
	if d := now.Sub(t); d >= 0 && d < time.Minute {
		return "just now" // so that Back up now visibly did something
	}
	t, now = t.Local(), now.Local()
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	day := time.Date(y1, m1, d1, 0, 0, 0, 0, time.Local)
	today := time.Date(y2, m2, d2, 0, 0, 0, 0, time.Local)
	switch {
	case day.Equal(today):
		return "today at " + wording.Clock(t)
	case day.Equal(today.AddDate(0, 0, -1)):
		return "yesterday at " + wording.Clock(t)
	}
	return "on " + wording.Date(data.DateOf(t)) + " at " + wording.Clock(t)
}
