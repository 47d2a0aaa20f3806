package ui

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"needlelog.app/needlelog/data"
)

const (
	prefBackupFolder = "backupFolder:" // + the database's path: where its backups go
	backupEvery      = 24 * time.Hour  // automatic backups while the window is open, at most this often
	backupCheckEvery = 30 * time.Minute
	backupOldAfter   = 3 * 24 * time.Hour // the window warns when the latest backup is older than this
)

// timeNow is the wall clock the window words times against; tests set it.
var timeNow = time.Now

// backupFolder is where the practice at dbPath is backed up: the folder chosen in Settings, else
// its default beside the user data folder (see data.BackupDirFor). It is kept in the app's preferences, not in the
// database, because it is needed most when the database cannot be read.
func backupFolder(a fyne.App, dbPath string) (string, error) {
	if dir := a.Preferences().String(prefBackupFolder + dbPath); dir != "" {
		return dir, nil
	}
	return data.BackupDirFor(dbPath)
}

func setBackupFolder(a fyne.App, dbPath, dir string) {
	a.Preferences().SetString(prefBackupFolder+dbPath, dir)
}

// backupState is what is known about a practice's backups.
type backupState struct {
	dir    string
	latest data.Backup // zero when there is none
	failed error       // why the latest automatic backup failed; nil when it did not
}

// backupKeeper makes a practice's automatic backups, one when the window closes and one a day
// while it is open, and tells the window how recent the latest good one is.
type backupKeeper struct {
	app   fyne.App
	store *data.Store
	now   func() time.Time

	onChange func(backupState) // on the UI goroutine, after every change

	mu      sync.Mutex // serialises backups: a manual one and the daily one never run together
	stateMu sync.Mutex
	state   backupState
	stop    chan struct{}
	stopped sync.Once
}

func newBackupKeeper(a fyne.App, s *data.Store) *backupKeeper {
	k := &backupKeeper{app: a, store: s, now: timeNow, stop: make(chan struct{})}
	k.state.dir, k.state.failed = backupFolder(a, s.Path())
	return k
}

// load reads the backup folder for the latest backup; it runs off the UI goroutine.
func (k *backupKeeper) load() backupState {
	k.stateMu.Lock()
	defer k.stateMu.Unlock()
	if dir, err := backupFolder(k.app, k.store.Path()); err == nil {
		k.state.dir = dir
		list, err := data.Backups(dir, k.store.Path())
		switch {
		case err != nil:
			k.state.failed = fmt.Errorf("read the backup folder %s: %w", dir, err)
		case len(list) > 0:
			k.state.latest = list[0]
		default:
			k.state.latest = data.Backup{}
		}
	}
	return k.state
}

func (k *backupKeeper) current() backupState {
	k.stateMu.Lock()
	defer k.stateMu.Unlock()
	return k.state
}

// due reports whether an automatic backup should be made now: none was made in the last day,
// and the file has changed since the latest.
func (k *backupKeeper) due() bool {
	st := k.current()
	if st.latest.Path == "" {
		return true
	}
	if k.now().Sub(st.latest.Taken) < backupEvery {
		return false
	}
	return k.changedSince(st.latest.Taken)
}

// changedSince reports whether the database file, or its write-ahead log, was written after t.
func (k *backupKeeper) changedSince(t time.Time) bool {
	for _, p := range []string{k.store.Path(), k.store.Path() + "-wal"} {
		if info, err := os.Stat(p); err == nil && info.ModTime().After(t) {
			return true
		}
	}
	return false
}

// backUp makes a backup now and prunes the old ones; it runs off the UI goroutine.
func (k *backupKeeper) backUp(ctx context.Context) (data.Backup, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	dir, err := backupFolder(k.app, k.store.Path())
	var b data.Backup
	if err == nil {
		b, _, err = k.store.BackupTo(ctx, dir, data.DefaultRetention)
	}
	k.stateMu.Lock()
	k.state.failed = err
	if err == nil {
		k.state.dir, k.state.latest = dir, b
	}
	k.stateMu.Unlock()
	if err != nil {
		slog.Error("backup", "db", k.store.Path(), "err", err)
	} else {
		slog.Info("backed up", "path", b.Path, "bytes", b.Size)
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
		t := time.NewTicker(backupCheckEvery)
		defer t.Stop()
		for {
			if k.due() {
				k.backUp(context.Background()) //nolint:errcheck // reported through the state
			}
			select {
			case <-k.stop:
				return
			case <-t.C:
			}
		}
	}()
}

// close stops the daily backups. It does not wait for one under way: closing the store does.
func (k *backupKeeper) close() { k.stopped.Do(func() { close(k.stop) }) }

// neededOnClose reports whether closing should make a backup: the file changed since the latest.
func (k *backupKeeper) neededOnClose() bool {
	if k.store.ReadOnly() {
		return false
	}
	st := k.current()
	return st.latest.Path == "" || k.changedSince(st.latest.Taken)
}

// backupSummary words the latest backup for the status line, and says whether it needs the
// practitioner's attention (none, too old, or the last attempt failed).
func backupSummary(st backupState, now time.Time) (text string, warn bool) {
	if st.latest.Path == "" {
		if st.failed != nil {
			return "No backup yet: " + errorSentence("back up", st.failed), true
		}
		return "No backup of this practice yet.", true
	}
	when := humanTime(st.latest.Taken, now)
	switch {
	case st.failed != nil:
		return "The last backup failed (" + errorSentence("back up", st.failed) + ") The latest good one is from " + when + ".", true
	case now.Sub(st.latest.Taken) > backupOldAfter:
		return "The latest backup is from " + when + ": back up now.", true
	}
	return "Backed up " + when + ".", false
}

// humanTime says when t was, the way people say it: "today at 08:30", "yesterday at 18:02",
// "on 3 Nov 2026 at 17:45".
func humanTime(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	day := time.Date(y1, m1, d1, 0, 0, 0, 0, time.Local)
	today := time.Date(y2, m2, d2, 0, 0, 0, 0, time.Local)
	switch {
	case day.Equal(today):
		return "today at " + t.Format("15:04")
	case day.Equal(today.AddDate(0, 0, -1)):
		return "yesterday at " + t.Format("15:04")
	}
	return "on " + t.Format("2 Jan 2006") + " at " + t.Format("15:04")
}
