package ui

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// openedPractice is a practice open in this app: its database, this app's claim on its file (nil
// when open read-only), its backups once a window shows it, and what the window says about how it
// was opened. The opening code makes it and hands it to the main window, which shows one at a time
// and closes it when it shows another or stops.
type openedPractice struct {
	store   practiceStore // a file's (*sqlite.Store) or a server's (*serverStore)
	claim   *ondisk.Claim
	backups *backupKeeper // made by start
	// serverBackups follows the latest backup recorded on the clinic's server, made by start
	// for a server practice (whose backups are made on one PC by needlelog backup).
	serverBackups *serverBackups
	// notice says how the practice was opened, when it needs saying ("Restored from the backup of …").
	notice string
	// readOnlyWhy says why a practice opened read-only could not be opened for writing;
	// canRetryWrite, that trying again later may succeed (not for a damaged file: that wants a restore).
	readOnlyWhy   string
	canRetryWrite bool
	// movedTo is where the practice went, when this is the old copy a move left (open read-only).
	movedTo  string
	location string // why the database's folder is risky; "" when it is not

	// watcher says the changes other PCs make; nil takes the store's own, if it has any (tests set it).
	watcher nlstore.Watcher

	// photos collects the photo files no photo names, started by start; nil when read-only.
	photos    *photoCollection
	photoWork *photoWork // its photos moved to the photo folder, and those missing from it (photomove.go)
	// firstPage is the client list's first page, read while the window is made so that the
	// window's first picture shows it; nil once shown, or when it could not be read.
	firstPage *listPage
	// fromBundle: the practice was just made to be made from a bundle of the clinic's records,
	// which the window asks for as it shows it.
	fromBundle bool
}

// openPractice opens the practice at path: for writing through practice.Open, which claims the
// file for this app first; read-only without a claim, which is how a second window looks at a
// practice another one has open.
func openPractice(ctx context.Context, path string, opts sqlite.Options) (*openedPractice, error) {
	p, err := openPracticeFile(ctx, path, opts)
	if err == nil {
		data.SetDateOrder(p.store.DateOrder(ctx)) // dates typed from now on read in its order
		if page, err := readFirstPage(ctx, p.store); err == nil {
			p.firstPage = &page
		}
	}
	return p, err
}

func openPracticeFile(ctx context.Context, path string, opts sqlite.Options) (*openedPractice, error) {
	if opts.ReadOnly {
		s, err := sqlite.Open(ctx, path, opts)
		if err != nil {
			return nil, err
		}
		return &openedPractice{store: s}, nil
	}
	s, claim, err := ondisk.Open(ctx, path, opts) // makes the folder of a new practice, for the claim's lock file too
	if err != nil {
		return nil, err
	}
	return &openedPractice{store: s, claim: claim}, nil
}

// start readies the practice for the window that shows it: knocks from another start of the app
// on this file call forward, its backups begin (by themselves only when auto, timed by now), and
// changed hears of each backup.
func (p *openedPractice) start(a fyne.App, forward func(), changed func(backupState), auto bool, now func() time.Time) {
	file := fileOf(p.store)
	if file != nil {
		p.location = ondisk.LocationWarning(file.Path())
	}
	if p.claim != nil {
		// Without it the second start still says the practice is open; it only cannot bring this
		// window forward.
		if err := p.claim.OnKnock(forward); err != nil {
			slog.Warn("other windows cannot bring this one forward", "err", err)
		}
	}
	if file == nil {
		// A server practice is backed up on one PC by needlelog backup, which records each backup
		// on the server for every PC to show; its photo library is shared: no PC collects its
		// files by itself.
		p.serverBackups = &serverBackups{store: p.store, onChange: func() { changed(backupState{}) }}
		if auto {
			p.serverBackups.start(context.Background())
		}
		return
	}
	p.backups = newBackupKeeper(a, file)
	p.backups.onChange = changed
	p.backups.now = now
	if auto {
		p.backups.start()
	}
	p.photos = collectPhotoFilesLater(file, photoCollectDelay)
}

// watchCheck calls damaged on the UI goroutine when the check of the practice's file, left to run
// while it is shown (sqlite.Options.CheckLater), finds the file damaged or changed outside
// Needlelog. Nothing was written to it meanwhile: writes wait for the check.
func (p *openedPractice) watchCheck(damaged func(error)) {
	s := fileOf(p.store)
	if s == nil {
		return // the server checks its own records
	}
	background(func() {
		err := s.Checked(context.Background())
		if errors.Is(err, data.ErrDamaged) || errors.Is(err, data.ErrForeignSchema) {
			fyne.Do(func() { damaged(err) })
		}
	})
}

// stopBackups stops the practice's backups, waiting for one under way.
func (p *openedPractice) stopBackups() {
	if p.backups != nil {
		p.backups.close()
	}
}

// writesWait is how long closing a practice waits for the writes asked for to finish.
const writesWait = 30 * time.Second

// close closes the practice (shut), then gives up the claim: no other window may open the file
// before this one has let go of it.
func (p *openedPractice) close() {
	p.shut(false)
	p.releaseClaim()
}

// closeAtStop is close as the app stops: the database file's unused space is given back first,
// when due (photoWork.reclaim).
func (p *openedPractice) closeAtStop() {
	p.shut(true)
	p.releaseClaim()
}

// shut stops all the practice's work in the background, waiting for each (its photo work, its
// backups, the collection of its unused photo files), waits for the writes asked for and closes
// the store, keeping the claim. reclaim gives back the file's unused space before closing it.
func (p *openedPractice) shut(reclaim bool) {
	p.settle()
	if f := fileOf(p.store); reclaim && f != nil {
		p.photoWork.reclaim(f)
	}
	p.closeStore()
}

// settle stops all the practice's work in the background, waiting for each, and waits for the
// writes asked for; the store stays open.
func (p *openedPractice) settle() {
	p.photoWork.stop()
	p.stopBackups()
	p.photos.stop()
	if !waitForWrites(p.store, writesWait) {
		slog.Error("close database with writes still under way", "path", p.store.Path(), "waited", writesWait)
	}
}

// closeStore closes the practice's store, keeping the claim.
func (p *openedPractice) closeStore() {
	if err := p.store.Close(); err != nil {
		slog.Error("close database", "path", p.store.Path(), "err", err)
	}
}

// releaseClaim gives up this app's claim on the practice's file, if it holds one.
func (p *openedPractice) releaseClaim() {
	if p.claim != nil {
		if err := p.claim.Release(); err != nil {
			slog.Error("give up the claim on the database", "path", p.store.Path(), "err", err)
		}
	}
}
