package practice

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/rename"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

// A practice is its database and its photo library: moving it copies both to a new folder, checks
// the copy, and leaves the old files where they were for the practitioner to delete once sure.

// MovePlan is what moving a practice into a folder will do, worked out before anything is written.
type MovePlan struct {
	From       string // the database now
	FromPhotos string // its photo folder now, wherever a link there leads
	Folder     string // the folder it goes to
	DB         string // the database's new path: the same name, in Folder
	Photos     string // the photo folder beside it
	PracticeSize
	Free int64 // bytes free on the new place's disk; -1 when that cannot be known
}

// PracticeSize is how big a practice is on the disk: what a move copies.
type PracticeSize struct {
	DBBytes       int64 // the database with its write-ahead log: a copy is never larger
	PhotoCount    int64 // the practice's photos (each has an original and a preview)
	PhotoFiles    int   // the files of the photo library the practice names, there
	PhotoBytes    int64
	MissingPhotos int // files it names that its photo folder lacks
}

// Bytes is what a copy of the practice takes.
func (z PracticeSize) Bytes() int64 { return z.DBBytes + z.PhotoBytes }

// SizeOf measures the practice open in s, looking at its files' sizes without reading them.
func SizeOf(ctx context.Context, s *sqlite.Store) (PracticeSize, error) {
	var z PracticeSize
	var err error
	if z.DBBytes, err = databaseSize(s.Path()); err != nil {
		return z, fmt.Errorf("measure %s: %w", s.Path(), err)
	}
	sums, err := s.PhotoFiles(ctx)
	if err != nil {
		return z, fmt.Errorf("measure %s: %w", s.Path(), err)
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		return z, fmt.Errorf("measure %s: %w", s.Path(), err)
	}
	z.PhotoCount = counts["photos"]
	for _, sum := range sums {
		info, err := os.Stat(photolib.PathIn(s.PhotoDir(), sum))
		if err != nil {
			z.MissingPhotos++
			continue
		}
		z.PhotoFiles++
		z.PhotoBytes += info.Size()
	}
	return z, nil
}

// MoveRefusedError is a folder a practice is not moved into, and why, in one sentence.
type MoveRefusedError struct{ Why string }

func (e *MoveRefusedError) Error() string { return e.Why }

func refuse(format string, a ...any) error { return &MoveRefusedError{Why: fmt.Sprintf(format, a...)} }

// moveFreeSpace is diskFree; tests replace it.
var moveFreeSpace = diskFree

// moveMargin is the room left over on the new disk, so that the practice has space to grow.
func moveMargin(n int64) int64 { return n/10 + 64<<20 }

// PlanMove works out moving the practice open in s, which this process must have claimed (opened
// for writing), into folder, and refuses a folder where it would be unsafe: one that already
// holds a practice or a photo folder of that name, the practice's own folder or its photo folder,
// a cloud-synced folder or a network drive (see LocationWarning), or a disk without the space.
// It writes nothing.
func PlanMove(ctx context.Context, s *sqlite.Store, folder string) (MovePlan, error) {
	if strings.TrimSpace(folder) == "" {
		return MovePlan{}, refuse("Choose the folder to move the practice to.")
	}
	abs, err := filepath.Abs(folder)
	if err != nil {
		return MovePlan{}, fmt.Errorf("move the practice to %s: %w", folder, err)
	}
	if s.ReadOnly() {
		return MovePlan{}, refuse("The practice is open only for reading here, so it cannot be held still while it is copied: open it for writing, then move it.")
	}
	name := filepath.Base(s.Path())
	p := MovePlan{From: s.Path(), FromPhotos: s.PhotoDir(), Folder: abs, DB: filepath.Join(abs, name)}
	p.Photos = photolib.Beside(p.DB)
	if err := p.refuseFolder(); err != nil {
		return MovePlan{}, err
	}
	if p.PracticeSize, err = SizeOf(ctx, s); err != nil {
		return MovePlan{}, err
	}
	if missing := p.MissingPhotos; missing > 0 {
		return MovePlan{}, refuse("%s missing from the photo folder %s, so the moved practice could not be checked complete: "+
			"bring them back from a backup (a check of the practice names them), then move it.",
			wording.Count(missing, "photo file the practice names is", "photo files the practice names are"), p.FromPhotos)
	}
	if p.Free, err = moveFreeSpace(existingFolder(abs)); err != nil {
		return MovePlan{}, fmt.Errorf("move the practice to %s: %w", abs, err)
	}
	if need := p.Bytes() + moveMargin(p.Bytes()); p.Free >= 0 && p.Free < need {
		return MovePlan{}, fmt.Errorf("%w: the disk of %s has %s free and the practice needs about %s there: "+
			"free some space or choose another drive", data.ErrNoSpace, abs, wording.Size(p.Free), wording.Size(need))
	}
	return p, nil
}

// refuseFolder refuses a new place that is the old one, is inside the photo folder, is
// cloud-synced or remote, or already holds a practice or photo folder of that name.
func (p MovePlan) refuseFolder() error {
	here, there := realFolder(filepath.Dir(p.From)), realFolder(p.Folder)
	photos := realFolder(p.FromPhotos)
	switch {
	case sameFolder(here, there):
		return refuse("The practice is already kept in %s: choose another folder.", p.Folder)
	case sameFolder(photos, there) || strings.HasPrefix(there, photos+string(filepath.Separator)):
		return refuse("%s is inside the practice's photo folder: choose a folder outside it.", p.Folder)
	}
	if why := moveRefusal(p.Folder); why != "" {
		return refuse("%s", why)
	}
	for _, f := range []string{p.DB, p.DB + "-wal", p.DB + "-journal"} {
		if _, err := os.Lstat(f); !errors.Is(err, fs.ErrNotExist) {
			return refuse("%s already holds a practice named %s: choose another folder, or move that file away first.",
				p.Folder, filepath.Base(p.DB))
		}
	}
	if _, err := os.Lstat(p.Photos); !errors.Is(err, fs.ErrNotExist) {
		return refuse("%s already holds a photo folder named %s: choose another folder, or move that folder away first.",
			p.Folder, filepath.Base(p.Photos))
	}
	return nil
}

// realFolder is dir with every link in it followed, as far as it exists.
func realFolder(dir string) string {
	dir = filepath.Clean(dir)
	top := existingFolder(dir)
	real, err := realLocation(top)
	if err != nil {
		return dir
	}
	rest, err := filepath.Rel(top, dir)
	if err != nil {
		return dir
	}
	return filepath.Join(real, rest)
}

func sameFolder(a, b string) bool {
	if a == b {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// databaseSize is the database file's size with its write-ahead log's, looked at without
// opening them (which would drop SQLite's locks).
func databaseSize(path string) (int64, error) {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		info, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) && p != path {
			continue
		}
		if err != nil {
			return 0, err
		}
		n += info.Size()
	}
	return n, nil
}

// MoveProgress is how far a move has come.
type MoveProgress struct {
	Step        string // what it is doing, as a practitioner reads it
	Done, Total int64  // bytes copied and read back to check, of all it will copy and read
	Files       int    // photo files through the step, of FilesTotal
	FilesTotal  int
}

// Moved is a practice copied to its new place and checked, not yet opened there.
type Moved struct {
	DB, Photos string
	PhotoFiles int
	Bytes      int64
	// Writes is the old store's count of changes when it was copied: the copy holds everything
	// while the old store's Writes is still this.
	Writes uint64
}

// ErrChangedWhileMoving is a practice that was written to while it was being copied.
var ErrChangedWhileMoving = errors.New("something was saved in the practice while it was being copied, so the copy would miss it: " +
	"nothing was moved; try again")

// Move copies the practice open in s to the place p names: the database as a checked snapshot
// (Snapshot) and every photo file it names (streamed and checked against its SHA-256), under
// hidden names in the new folder. It then checks the copy whole (SQLite's checks, every photo
// present, every photo file read back against its SHA-256) and only then gives the copy its
// names, photo folder first, so that the database never appears there without its photos. A
// move cancelled or failed at any point removes all it made, folders included. The old files
// are not touched.
//
// The caller holds the claim on the old practice throughout, so that no other process writes to
// it; a write of its own during the copy makes the move fail (ErrChangedWhileMoving). A write
// between Move's return and the old store's close must be looked for too: compare Writes.
func Move(ctx context.Context, s *sqlite.Store, p MovePlan, progress func(MoveProgress)) (_ Moved, err error) {
	if progress == nil {
		progress = func(MoveProgress) {}
	}
	writes := s.Writes()
	made := missingFolders(p.Folder)
	stagedDB := filepath.Join(p.Folder, "."+filepath.Base(p.DB)+".moving")
	stagedPhotos := filepath.Join(p.Folder, "."+filepath.Base(p.Photos)+".moving")
	named := false // the copy has its names: undone by removing them
	defer func() {
		if err == nil {
			return
		}
		removeDatabaseFiles(stagedDB)
		os.RemoveAll(stagedPhotos)
		if named {
			removeDatabaseFiles(p.DB)
			os.RemoveAll(p.Photos)
		}
		for _, d := range made {
			os.Remove(d) // only while empty: never anything that was there before
		}
	}()
	if err := os.MkdirAll(p.Folder, 0o700); err != nil {
		return Moved{}, fmt.Errorf("move the practice to %s: %w", p.Folder, readOnlyFile(err))
	}
	// What a move cut short by a crash left under these names is its own, half made.
	removeDatabaseFiles(stagedDB)
	os.RemoveAll(stagedPhotos)

	total := p.DBBytes + 2*p.PhotoBytes
	progress(MoveProgress{Step: "Copying the database", Total: total, FilesTotal: p.PhotoFiles})
	// SQLite says nothing while it copies: the copy's size, as it grows, is the progress.
	stop := watchGrowth(filepath.Join(p.Folder, "."+filepath.Base(stagedDB)+".*.tmp"), func(n int64) {
		progress(MoveProgress{Step: "Copying the database", Done: min(n, p.DBBytes), Total: total, FilesTotal: p.PhotoFiles})
	})
	err = Snapshot(ctx, s, stagedDB)
	stop()
	if err != nil {
		return Moved{}, fmt.Errorf("move the practice to %s: %w", p.Folder, err)
	}
	c, err := sqlite.Open(ctx, stagedDB, sqlite.Options{ReadOnly: true, PhotoDir: stagedPhotos})
	if err != nil {
		return Moved{}, fmt.Errorf("move the practice to %s: the copy does not open: %w", p.Folder, err)
	}
	defer c.Close()
	sums, err := c.PhotoFiles(ctx)
	if err != nil {
		return Moved{}, fmt.Errorf("move the practice to %s: %w", p.Folder, err)
	}
	done, err := copyPhotoFiles(ctx, sums, p, stagedPhotos, progress, p.DBBytes, total)
	if err != nil {
		return Moved{}, err
	}
	if len(sums) > 0 {
		// The practice keeps its identity where it goes, and its photo folder says so.
		id, err := s.PracticeID(ctx)
		if err == nil {
			err = photolib.Mark(stagedPhotos, id)
		}
		if err != nil {
			return Moved{}, fmt.Errorf("move the practice to %s: %w", p.Folder, err)
		}
	}
	if err := checkMoved(ctx, c, sums, p, stagedPhotos, progress, done, total); err != nil {
		return Moved{}, err
	}
	if s.Writes() != writes {
		return Moved{}, fmt.Errorf("move the practice to %s: %w", p.Folder, ErrChangedWhileMoving)
	}
	c.Close() // before the rename: nothing of the copy may stay open under its staged name
	if err := nameMoved(p, stagedDB, stagedPhotos, len(sums) > 0, &named); err != nil {
		return Moved{}, fmt.Errorf("move the practice to %s: %w", p.Folder, err)
	}
	carryBackupRecord(s.Path(), p.DB)
	return Moved{DB: p.DB, Photos: p.Photos, PhotoFiles: len(sums), Bytes: p.Bytes(), Writes: writes}, nil
}

// carryBackupRecord copies the record of the practice's latest backup (BackupRecordSuffix) to its
// new place, so that the window there still counts backups made into other folders. Without it
// the next backup writes one: a failure here is no reason to undo the move.
func carryBackupRecord(from, to string) {
	b, err := os.ReadFile(from + BackupRecordSuffix)
	if err != nil {
		return
	}
	tmp := to + BackupRecordSuffix + ".moving"
	if os.WriteFile(tmp, b, 0o600) != nil || rename.Retrying(tmp, to+BackupRecordSuffix) != nil {
		os.Remove(tmp)
	}
}

// copyPhotoFiles copies each photo file named sums from the old photo folder into staged,
// checking its SHA-256 as it goes; it returns the bytes done so far.
func copyPhotoFiles(ctx context.Context, sums []string, p MovePlan, staged string, progress func(MoveProgress), done, total int64) (int64, error) {
	for i, sum := range sums {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		if err := photolib.PutFrom(staged, p.FromPhotos, sum); err != nil {
			return done, fmt.Errorf("move the practice to %s: copy from %s: %w", p.Folder, p.FromPhotos, err)
		}
		if info, err := os.Stat(photolib.PathIn(staged, sum)); err == nil {
			done += info.Size()
		}
		progress(MoveProgress{Step: "Copying the photos", Done: done, Total: total, Files: i + 1, FilesTotal: len(sums)})
	}
	return done, nil
}

// checkMoved checks the copy: SQLite's checks of the database, every photo it names present in
// the new photo folder, and every photo file read back against its SHA-256.
func checkMoved(ctx context.Context, c *sqlite.Store, sums []string, p MovePlan, staged string, progress func(MoveProgress), done, total int64) error {
	progress(MoveProgress{Step: "Checking the copy", Done: done, Total: total, FilesTotal: len(sums)})
	h, err := c.Check(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("move the practice to %s: check the copy: %w", p.Folder, err)
	}
	if problems := append(h.Problems, h.LostImages...); len(problems) > 0 {
		return fmt.Errorf("move the practice to %s: the copy failed its check: %s", p.Folder, strings.Join(problems, "; "))
	}
	for i, sum := range sums {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := photolib.VerifyIn(staged, sum); err != nil {
			return fmt.Errorf("move the practice to %s: the copy failed its check: %w", p.Folder, err)
		}
		if info, err := os.Stat(photolib.PathIn(staged, sum)); err == nil {
			done += info.Size()
		}
		progress(MoveProgress{Step: "Checking the copy", Done: done, Total: total, Files: i + 1, FilesTotal: len(sums)})
	}
	return nil
}

// nameMoved gives the checked copy its names, the photo folder's first, and flushes them.
// Names that appeared meanwhile are not written over.
func nameMoved(p MovePlan, stagedDB, stagedPhotos string, photos bool, named *bool) error {
	for _, f := range []string{p.DB, p.Photos} {
		if _, err := os.Lstat(f); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s appeared while the practice was being copied; nothing was moved", f)
		}
	}
	*named = true
	if photos {
		if err := renameRetrying(stagedPhotos, p.Photos); err != nil {
			return err
		}
	}
	if err := renameRetrying(stagedDB, p.DB); err != nil {
		return err
	}
	return syncDir(p.Folder)
}

// moveRename lets a test make a rename fail.
var moveRename = os.Rename

// renameRetrying renames from to to, trying again for about two seconds before it gives up.
func renameRetrying(from, to string) error {
	err := rename.With(moveRename, from, to)
	if err != nil {
		return fmt.Errorf("the copy could not be given its name %s, even after waiting two seconds: another program "+
			"(an antivirus or a search indexer) may be holding it; nothing was moved, try again in a moment (%w)", to, err)
	}
	return nil
}

// Discard removes a moved practice's files again: for a copy found to miss a change after Move
// returned, before anything opened it.
func (m Moved) Discard() error {
	removeDatabaseFiles(m.DB)
	if err := os.RemoveAll(m.Photos); err != nil {
		return fmt.Errorf("remove the copy at %s: %w", m.DB, err)
	}
	if _, err := os.Lstat(m.DB); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the copy at %s: it is still there", m.DB)
	}
	return nil
}

// missingFolders are dir and the folders above it that do not exist yet, deepest first.
func missingFolders(dir string) []string {
	var out []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !errors.Is(err, fs.ErrNotExist) || filepath.Dir(d) == d {
			return out
		}
		out = append(out, d)
	}
}

// removeDatabaseFiles removes a database file of the move's own making, with its companions.
func removeDatabaseFiles(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// growthEvery is how often watchGrowth looks.
const growthEvery = 250 * time.Millisecond

// watchGrowth calls fn with the size of the files matching pattern whenever it changes, from a
// goroutine of its own, until the returned stop is called; stop returns once fn no longer runs.
func watchGrowth(pattern string, fn func(int64)) (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(growthEvery)
		defer t.Stop()
		var last int64
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var n int64
			names, _ := filepath.Glob(pattern)
			for _, name := range names {
				if info, err := os.Stat(name); err == nil {
					n += info.Size()
				}
			}
			if n != last {
				last = n
				fn(n)
			}
		}
	}()
	return func() { close(done); <-stopped }
}
