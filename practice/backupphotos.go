package practice

// A backup is a snapshot of the database and the photo files it names. The files are kept once,
// in a content-addressed store shared by every backup in the folder ("<folder>/photos/ab/cd/<sha256>"),
// so a backup of an unchanged library copies none; each snapshot has a manifest beside it
// ("<backup>.db.manifest") listing the files it names, so that pruning need not open every snapshot.
//
// An encrypted backup ("<backup>.db.age") keeps its photo files encrypted in the same store, as
// "<sha256>.age", still named by the SHA-256 of the plain bytes so that an unchanged library costs
// nothing to back up again. Each kind of backup needs its own form: a plain file never serves an
// encrypted backup (whose restore would then depend on a file the encryption was meant to replace),
// nor an encrypted one a plain backup (whose restore needs no passphrase). Pruning keeps each form
// while a backup of its kind names it; once no plain backup is left in the folder, nor being made,
// the plain files go at once rather than after the grace (removeLeftPlainPhotos). The manifest of an encrypted backup ("<backup>.db.age.manifest")
// is plain: pruning, which runs unattended, must read it without the passphrase, and it says nothing
// the store's own file names do not (which SHA-256s are kept); a SHA-256 does not give back a photo,
// it only confirms one already held.
//
// Whether a file already in the store serves a backup is photoStore.holds: a file of the wrong size
// is copied again; bytes are read through only for a file no finished backup names yet, and for
// the sixteenth of the store due (see scrubFile), so an unchanged library costs no write.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/internal/rename"
	"needlelog.app/needlelog/store/photolib"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/wording"
)

const (
	backupPhotosName = "photos"
	manifestSuffix   = ".manifest"
	manifestHeader   = "needlelog backup photo files 1"
	// backupPhotoGrace: a photo file in a backup store younger than this is never pruned: a
	// backup under way in another process may have just copied it, or found it there and
	// refreshed its time, before its manifest names it.
	backupPhotoGrace = time.Hour
	// pendingManifestAfter: a manifest whose snapshot is not there belongs to a backup still
	// copying photos for this long; after that it is the leftover of one cut short.
	pendingManifestAfter = 24 * time.Hour
)

// backupPhotoDir is the photo store of the backup folder dir.
func backupPhotoDir(dir string) string { return filepath.Join(dir, backupPhotosName) }

// manifestOf is the manifest of the backup at path.
func manifestOf(path string) string { return path + manifestSuffix }

// PhotoCopy is what copying a backup's photo files did.
type PhotoCopy struct {
	Copied  int   // files copied into the backup folder's photo store
	Bytes   int64 // their size
	Missing int   // files the snapshot names that the practice's photo folder could not give whole: missing, damaged or unreadable
	// MissingPhotos is how many photos those files are of (a photo has an original and a preview).
	MissingPhotos int
	// FolderMissing: the practice's photo folder, Folder, is not there at all (the practice file
	// was copied without it).
	FolderMissing bool
	Folder        string

	missing map[string]bool // the files counted in Missing, by SHA-256
}

// writeManifest lists the photo files the snapshot at snap names in a new file at path, written
// whole or not at all. It streams: the list is never held in memory.
func writeManifest(ctx context.Context, snap, path string) (written int64, err error) {
	c, err := sqlite.Open(ctx, snap, sqlite.Options{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("list the snapshot's photo files: %w", err)
	}
	defer c.Close()
	err = writeWhole(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		fmt.Fprintln(bw, manifestHeader)
		err := c.EachPhotoFile(ctx, func(f sqlite.PhotoFileRef) error {
			if !photolib.Valid(f.Sum) {
				return nil // names no file a store can hold; the restore says so
			}
			_, err := fmt.Fprintln(bw, f.Sum)
			return err
		})
		if err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return 0, fmt.Errorf("write the list of photo files %s: %w", path, err)
	}
	if info, err := os.Stat(path); err == nil {
		written = info.Size()
	}
	return written, nil
}

// readManifest calls fn with each photo file the manifest at path lists.
func readManifest(path string, fn func(sum string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() || sc.Text() != manifestHeader {
		if err := sc.Err(); err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		return fmt.Errorf("read %s: it is not a list of a backup's photo files", path)
	}
	for sc.Scan() {
		sum := sc.Text()
		if !photolib.Valid(sum) {
			return fmt.Errorf("read %s: %q is not the name of a photo file", path, sum)
		}
		if err := fn(sum); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// copyPhotos copies into the photo store dst each file the manifest at manifest lists, from the
// practice's photo folder src, in the form enc asks, unless the store holds it good already (see
// photoStore.holds). An unchanged library costs no write: a file that a finished backup of the
// same form in the folder names is taken when it is there at its size; only a file new to the
// folder's backups, or in the slice of the store due to be read through (see scrubFile), has its
// bytes read. Each file copied is checked against its SHA-256 on the way, and the folders that
// gained a name are flushed once each at the end. A file missing from src, or damaged there, is
// counted and passed over: the rest is still backed up.
func copyPhotos(ctx context.Context, dst, src, manifest string, enc BackupEncryption) (PhotoCopy, error) {
	var c PhotoCopy
	// Read once this backup's manifest is written: a pruning that then removes one of those
	// backups finds this manifest, which names the same files.
	known := namedByFinished(filepath.Dir(manifest), enc.On())
	st, err := newPhotoStore(dst, src, enc)
	if err != nil {
		return c, err
	}
	now := time.Now()
	scrub, times := -1, [16]time.Time{}
	if !enc.On() {
		times = scrubTimes(dst)
		scrub = scrubSlice(times, now)
	}
	err = readManifest(manifest, func(sum string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		isKnown := known.has(sum)
		n, err := st.copy(sum, isKnown, !isKnown || scrub >= 0 && sum[0] == hexDigits[scrub])
		switch {
		case photolib.Lost(err):
			c.Missing++
			if c.missing == nil {
				c.missing = map[string]bool{}
			}
			c.missing[sum] = true
		case err != nil:
			return err
		case n > 0:
			c.Copied++
			c.Bytes += n
		}
		return nil
	})
	if err = errors.Join(err, st.flush()); err != nil || scrub < 0 {
		return c, err
	}
	times[scrub] = now
	if len(known) == 0 {
		times = [16]time.Time{now, now, now, now, now, now, now, now, now, now, now, now, now, now, now, now} // each file was read
	}
	if _, serr := os.Stat(dst); serr == nil {
		writeScrubTimes(dst, times) //nolint:errcheck // the slice is read again next time
	}
	return c, nil
}

// countMissingPhotos counts the photos of the snapshot at snap with a file in missing (see
// PhotoCopy.MissingPhotos). It streams the snapshot's photos: only the missing files are held.
func countMissingPhotos(ctx context.Context, snap string, missing map[string]bool) (int, error) {
	c, err := sqlite.Open(ctx, snap, sqlite.Options{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("count the photos not backed up: %w", err)
	}
	defer c.Close()
	n, counted := 0, false
	err = c.EachPhotoFile(ctx, func(f sqlite.PhotoFileRef) error {
		if f.What == "original" { // each photo's files come original first
			counted = false
		}
		if missing[f.Sum] && !counted {
			n, counted = n+1, true
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count the photos not backed up: %w", err)
	}
	return n, nil
}

// The plain files in a backup photo store that its backups name are read through a sixteenth at
// a time (those whose SHA-256 begins with one hex digit), the slice read least lately first, at
// most once every scrubEvery: a file spoiled at its own size (bit rot on a USB stick) is found and
// copied again from the practice's folder within sixteen such periods of backups, while no backup
// reads more than a sixteenth of the store, and one made within scrubEvery of the last reading
// reads none. When each slice was last read is kept in the store's scrubFile. An encrypted file
// cannot be read without the passphrase, which a backup is not given: its size is checked at
// each backup, and every byte at its restore.
const (
	scrubFile  = ".checked"
	scrubEvery = 24 * time.Hour
	hexDigits  = "0123456789abcdef"
)

// scrubTimes reads when each slice of the store was last read through; zero for a slice never read.
func scrubTimes(store string) (times [16]time.Time) {
	f, err := os.Open(filepath.Join(store, scrubFile))
	if err != nil {
		return times
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		digit, at, _ := strings.Cut(sc.Text(), " ")
		i := strings.Index(hexDigits, digit)
		when, err := time.Parse(time.RFC3339, at)
		if len(digit) == 1 && i >= 0 && err == nil {
			times[i] = when
		}
	}
	return times
}

// scrubSlice is the slice of the store that a backup at now reads through: the one read least
// lately, or -1 when even that one was read within scrubEvery.
func scrubSlice(times [16]time.Time, now time.Time) int {
	oldest := 0
	for i := range times {
		if times[i].Before(times[oldest]) {
			oldest = i
		}
	}
	if now.Sub(times[oldest]) < scrubEvery {
		return -1
	}
	return oldest
}

// writeScrubTimes keeps in the store when each slice of it was last read through.
func writeScrubTimes(store string, times [16]time.Time) error {
	return writeWhole(filepath.Join(store, scrubFile), func(w io.Writer) error {
		for i, at := range times {
			if _, err := fmt.Fprintf(w, "%c %s\n", hexDigits[i], at.UTC().Format(time.RFC3339)); err != nil {
				return err
			}
		}
		return nil
	})
}

// sumSet is a set of SHA-256s, held as 32 bytes each.
type sumSet map[[32]byte]struct{}

func (s sumSet) add(sum string) {
	if k, ok := sumKey(sum); ok {
		s[k] = struct{}{}
	}
}

func (s sumSet) has(sum string) bool {
	k, ok := sumKey(sum)
	_, in := s[k]
	return ok && in
}

func sumKey(sum string) (k [32]byte, ok bool) {
	_, err := hex.Decode(k[:], []byte(sum))
	return k, err == nil && photolib.Valid(sum)
}

// namedByFinished is the photo files that the finished backups in the folder dir, encrypted or
// plain as encrypted says, name: a backup is placed only once every file it names is in the store,
// so those were there whole. A manifest that cannot be read vouches for nothing: its files are
// checked as new ones are.
func namedByFinished(dir string, encrypted bool) sumSet {
	known := sumSet{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return known
	}
	for _, e := range entries {
		backup, ok := strings.CutSuffix(filepath.Join(dir, e.Name()), manifestSuffix)
		if !ok || strings.HasSuffix(backup, encryptedSuffix) != encrypted || !e.Type().IsRegular() {
			continue
		}
		if info, err := os.Lstat(backup); err != nil || !info.Mode().IsRegular() {
			continue // a backup still under way, or one removed
		}
		readManifest(filepath.Join(dir, e.Name()), func(sum string) error { //nolint:errcheck // see above
			known.add(sum)
			return nil
		})
	}
	return known
}

// photoStore writes photo files into a backup folder's photo store, plain or encrypted with enc.
// Each file is written whole under a temporary name, flushed and renamed into place; the folders
// that gained a name are flushed by flush, once each, before the backup naming the files is placed.
type photoStore struct {
	dir, src string
	enc      BackupEncryption
	sealed   bool            // its files are encrypted (enc is on, or the files are only looked at)
	header   int64           // the size of the header age writes for enc's key; -1 not known
	dirty    map[string]bool // folders holding a name not yet flushed
}

// storeSync flushes a folder of a backup photo store; tests count the calls.
var storeSync = syncDir

func newPhotoStore(dir, src string, enc BackupEncryption) (*photoStore, error) {
	st := &photoStore{dir: dir, src: src, enc: enc, sealed: enc.On(), dirty: map[string]bool{}}
	if enc.On() {
		var b bytes.Buffer
		if err := encryptTo(&b, strings.NewReader(""), enc); err != nil {
			return nil, err
		}
		st.header = int64(b.Len()) - encryptedSize(0, 0)
	}
	return st, nil
}

// holds is the one rule for a file already in a backup photo store: it serves when it is a
// regular file of the size its form makes of the plain file's size bytes and, with check, when its
// bytes match sum. (Size < 0: the practice's own file is gone, and the size is not known; nor is
// an encrypted file's when its header's size is not.) An encrypted file cannot be read without the
// passphrase, which a backup is not given: its size is what a backup checks, and a restore
// authenticates every byte of it. A file that cannot be read is not held.
func (st *photoStore) holds(sum string, size int64, check bool) bool {
	info, err := os.Lstat(storedPhoto(st.dir, sum, st.sealed))
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	want := size
	if st.sealed {
		want = -1
		if st.header >= 0 && size >= 0 {
			want = encryptedSize(st.header, size)
		}
	}
	if want >= 0 && info.Size() != want {
		return false
	}
	return !check || st.sealed || photolib.VerifyIn(st.dir, sum) == nil
}

// copy puts the file named sum into the store unless the store holds it good already, its bytes
// read through when check is set; known says a finished backup names it. It returns the bytes
// written.
func (st *photoStore) copy(sum string, known, check bool) (int64, error) {
	src := photolib.PathIn(st.src, sum)
	size := int64(-1)
	if info, err := os.Stat(src); err == nil {
		size = info.Size()
	}
	if st.holds(sum, size, check) {
		if !known {
			// Named by no finished backup, it may be old enough for a pruning under way to take;
			// refreshed, it is not.
			now := time.Now()
			os.Chtimes(storedPhoto(st.dir, sum, st.enc.On()), now, now) //nolint:errcheck // a share not this account's: kept all the same
		}
		return 0, nil
	}
	// A file the practice's folder cannot give is counted, not a reason to leave the records
	// unsaved; only a failure to write here stops the backup.
	in, err := os.Open(src)
	if err != nil {
		return 0, fmt.Errorf("photo file %s: %w (%v)", sum, photolib.ErrMissing, err)
	}
	defer in.Close()
	return st.put(sum, in)
}

// put writes the file named sum, read from in, into the store, checking its SHA-256 on the way:
// whole and right, or not at all. A damaged file there is replaced whole, never changed in place.
func (st *photoStore) put(sum string, in io.Reader) (written int64, err error) {
	path := storedPhoto(st.dir, sum, st.enc.On())
	folder := filepath.Dir(path)
	if _, err := os.Lstat(folder); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(folder, 0o700); err != nil {
			return 0, fmt.Errorf("store photo file %s: %w", sum, err)
		}
		// Its parent, the store and the backup folder may have gained a name too.
		for _, d := range []string{filepath.Dir(folder), st.dir, filepath.Dir(st.dir)} {
			st.dirty[d] = true
		}
	}
	pattern := ".put-*.tmp" // the names photolib.Collect and collectEncryptedPhotos clear away
	if st.enc.On() {
		pattern = "." + sum + encryptedSuffix + ".*.tmp"
	}
	f, err := os.CreateTemp(folder, pattern)
	if err != nil {
		return 0, fmt.Errorf("store photo file %s: %w", sum, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("store photo file %s: %w", sum, err)
		}
	}()
	h := sha256.New()
	if st.enc.On() {
		err = encryptTo(f, io.TeeReader(in, h), st.enc)
	} else {
		_, err = io.Copy(io.MultiWriter(f, h), in)
	}
	if err != nil {
		return 0, err
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return 0, photolib.ErrChanged
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	if err := rename.Retrying(f.Name(), path); err != nil {
		return 0, err
	}
	st.dirty[folder] = true
	return info.Size(), nil
}

// flush makes durable the names written since the last flush: each folder that gained one is
// flushed once, the deepest first.
func (st *photoStore) flush() error {
	dirs := slices.Collect(maps.Keys(st.dirty))
	slices.SortFunc(dirs, func(a, b string) int { return len(b) - len(a) })
	for _, d := range dirs {
		if err := storeSync(d); err != nil {
			return fmt.Errorf("store photo files in %s: %w", d, err)
		}
		delete(st.dirty, d)
	}
	return nil
}

// photosToCopy is the size of the files in the photo folder src that the store dst does not hold
// (see photoStore.holds, bytes unread), in the form a backup encrypted or not needs: what a backup
// copies at most.
func photosToCopy(dst, src string, encrypted bool) (int64, error) {
	st := &photoStore{dir: dst, src: src, sealed: encrypted, header: -1}
	var need int64
	err := photolib.Walk(src, func(f photolib.File) error {
		if !st.holds(f.Sum, f.Size, false) {
			need += f.Size
		}
		return nil
	})
	return need, err
}

// prunePhotos removes from the photo store of the backup folder dir the files that no backup there
// names, of any practice, and that are older than backupPhotoGrace; and the manifests left by
// backups cut short. When no plain backup is left in dir, nor being made, its plain photo files
// are removed at once, whatever their age (removeLeftPlainPhotos): unencrypted is how many. It
// returns how many photo files it removed in all. When what a backup names cannot be read,
// nothing is removed.
func prunePhotos(ctx context.Context, dir string, now time.Time) (removed, unencrypted int, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, fmt.Errorf("list the backups in %s: %w", dir, err)
	}
	// What each file is named by: namedPlain, namedEncrypted, or both.
	named := map[[32]byte]uint8{}
	keepEncrypted := false
	add := func(sum string, kind uint8) error {
		var k [32]byte
		if _, err := hex.Decode(k[:], []byte(sum)); err == nil && photolib.Valid(sum) {
			named[k] |= kind
		}
		return nil
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		err := namedBy(ctx, dir, e, now, add)
		if errors.Is(err, errUnlisted) {
			keepEncrypted = true
			continue
		}
		if err != nil {
			return 0, 0, fmt.Errorf("remove unused photo files from %s: %w; none were removed", dir, err)
		}
	}
	if unencrypted, err = removeLeftPlainPhotos(ctx, dir, now); err != nil {
		return unencrypted, unencrypted, err
	}
	isNamed := func(sum string, kind uint8) bool {
		var k [32]byte
		_, err := hex.Decode(k[:], []byte(sum))
		return err != nil || named[k]&kind != 0
	}
	collected, err := photolib.Open(backupPhotoDir(dir)).Collect(now, backupPhotoGrace, func(sum string) (bool, error) {
		return isNamed(sum, namedPlain), ctx.Err()
	})
	if err != nil {
		return unencrypted + len(collected), unencrypted, err
	}
	n, err := collectEncryptedPhotos(ctx, backupPhotoDir(dir), now, func(sum string) bool {
		return keepEncrypted || isNamed(sum, namedEncrypted)
	})
	return unencrypted + len(collected) + n, unencrypted, err
}

// removeLeftPlainPhotos removes every plain photo file from the photo store of the backup folder
// dir, at once, when no plain backup of any practice is left in dir to name them, nor being made
// (plainBackupIn): what backups turned to encrypted leave behind, readable client photos that the
// grace would keep for an hour after the last plain backup went, on a USB stick unplugged in the
// meantime. The grace is for a backup under way in another process, and a plain one writes its
// manifest before it takes any file of the store as there; so the folder is looked at again
// before each file goes, and the removal stops as soon as a plain backup appears. (No lock is held
// across processes on a backup folder: this narrows the race to one file's removal.) It returns how
// many files it removed.
func removeLeftPlainPhotos(ctx context.Context, dir string, now time.Time) (int, error) {
	store := backupPhotoDir(dir)
	removed := 0
	err := filepath.WalkDir(store, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == store {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || !photolib.Valid(d.Name()) {
			return nil
		}
		if plainBackupIn(dir, now) {
			return fs.SkipAll
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed++
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("remove the unencrypted photo files left in %s: %w", store, err)
	}
	return removed, nil
}

// plainBackupIn says whether the backup folder dir holds a plain backup of any practice, or one
// being made: a plain manifest (of a backup, or of one still copying its photo files), a plain
// backup without one, or a plain snapshot or manifest being written (a hidden temporary file
// younger than unfinishedAfter). A folder that cannot be read is taken to hold one.
func plainBackupIn(dir string, now time.Time) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return true
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."):
			if strings.HasSuffix(name, ".tmp") && strings.Contains(name, ".db.") && !strings.Contains(name, ".db"+encryptedSuffix+".") {
				if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) < unfinishedAfter {
					return true
				}
			}
		case strings.HasSuffix(name, encryptedSuffix+manifestSuffix) || strings.HasSuffix(name, encryptedSuffix):
		case strings.HasSuffix(name, manifestSuffix) || looksLikeBackup(name):
			return true
		}
	}
	return false
}

// collectEncryptedPhotos removes from the backup photo store dir the encrypted photo files that
// keep does not keep and that are older than backupPhotoGrace, and the temporary files an encrypted
// copy cut short left, after the same time. It returns how many photo files it removed.
func collectEncryptedPhotos(ctx context.Context, dir string, now time.Time, keep func(sum string) bool) (int, error) {
	removed := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == dir {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() || !strings.Contains(name, encryptedSuffix) {
			return nil
		}
		info, err := d.Info()
		if err != nil || now.Sub(info.ModTime()) < backupPhotoGrace {
			return nil
		}
		if strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp") {
			os.Remove(path) //nolint:errcheck // tried again next time
			return nil
		}
		sum, ok := strings.CutSuffix(name, encryptedSuffix)
		if !ok || !photolib.Valid(sum) || keep(sum) {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed++
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("remove unused encrypted photo files in %s: %w", dir, err)
	}
	return removed, nil
}

// The kinds of backup that name a photo file, for pruning.
const (
	namedPlain     uint8 = 1
	namedEncrypted uint8 = 2
)

// namedBy passes to add the photo files the folder entry e names, with the kind of backup naming
// them: those a manifest lists, or a backup without one (made before the photo library, or its
// manifest lost) holds. A manifest whose backup is gone is removed once it is older than
// pendingManifestAfter. An encrypted backup without its manifest cannot be read without the
// passphrase: errUnlisted, and every encrypted photo file is kept.
func namedBy(ctx context.Context, dir string, e fs.DirEntry, now time.Time, add func(string, uint8) error) error {
	name := e.Name()
	path := filepath.Join(dir, name)
	if !e.Type().IsRegular() || strings.HasPrefix(name, ".") {
		return nil
	}
	if backup, ok := strings.CutSuffix(path, manifestSuffix); ok {
		kind := namedPlain
		if strings.HasSuffix(backup, encryptedSuffix) {
			kind = namedEncrypted
		}
		if _, err := os.Lstat(backup); errors.Is(err, fs.ErrNotExist) {
			if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > pendingManifestAfter {
				os.Remove(path) //nolint:errcheck // tried again next time
				return nil
			}
		}
		err := readManifest(path, func(sum string) error { return add(sum, kind) })
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since the folder was read
		}
		return err
	}
	if !looksLikeBackup(name) {
		return nil
	}
	if _, err := os.Lstat(manifestOf(path)); !errors.Is(err, fs.ErrNotExist) {
		return nil // its manifest speaks for it
	}
	if strings.HasSuffix(name, encryptedSuffix) {
		return errUnlisted
	}
	info, err := e.Info()
	if err != nil {
		return nil // removed since the folder was read
	}
	return olderBackupPhotos(ctx, path, info, func(sum string) error { return add(sum, namedPlain) })
}

// errUnlisted: an encrypted backup has no manifest, so which photo files it names cannot be known.
var errUnlisted = errors.New("an encrypted backup without its list of photo files")

// olderBackupPhotos passes to add the library files the backup at path, which has no manifest,
// names; cached by path, size and time: a backup made before the photo library names none, and
// is opened once per run.
func olderBackupPhotos(ctx context.Context, path string, info fs.FileInfo, add func(string) error) error {
	key := olderBackupKey{path, info.Size(), info.ModTime()}
	olderBackupIDs.Lock()
	none := olderNoPhotos[key]
	olderBackupIDs.Unlock()
	if none {
		return nil
	}
	c, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if errors.Is(err, data.ErrNotDatabase) || errors.Is(err, data.ErrDamaged) {
		return nil // cannot be restored, so its photos would be of no use
	}
	if err != nil {
		return fmt.Errorf("read the backup %s: %w", path, err)
	}
	defer c.Close()
	n := 0
	err = c.EachPhotoFile(ctx, func(f sqlite.PhotoFileRef) error {
		n++
		return add(f.Sum)
	})
	if err != nil {
		return fmt.Errorf("read the backup %s: %w", path, err)
	}
	if n == 0 {
		olderBackupIDs.Lock()
		olderNoPhotos[key] = true
		olderBackupIDs.Unlock()
	}
	return nil
}

// olderNoPhotos holds the backups without a manifest found to name no photo file; guarded by
// olderBackupIDs' lock.
var olderNoPhotos = map[olderBackupKey]bool{}

// looksLikeBackup says whether a file's name is a backup's, whatever practice it is of:
// "<name>-YYYYMMDD-HHMMSS.db" or "...-N.db", plain, or encrypted with .age after it.
func looksLikeBackup(name string) bool {
	rest, ok := strings.CutSuffix(strings.TrimSuffix(name, encryptedSuffix), ".db")
	if !ok {
		return false
	}
	for i := len(rest) - len(backupStamp) - 1; i >= 0; i-- {
		if rest[i] == '-' {
			if _, _, ok := parseBackupName(rest[i+1:] + ".db"); ok {
				return true
			}
		}
	}
	return false
}

// Outcome says what a backup just made wrote: "2 photo files copied, 7.1 MB written", with the
// photos it could not take when there are any. It is "" for a backup found in a folder.
func (b Backup) Outcome() string {
	if b.Written == 0 {
		return ""
	}
	text := wording.Count(b.Photos.Copied, "photo file", "photo files") + " copied, " + wording.Size(b.Written) + " written"
	if b.Encrypted {
		text = "encrypted, " + text
	}
	if p := b.Photos; p.Missing > 0 {
		text += "; " + wording.Plural(p.MissingPhotos, "1 photo was", "%d photos were") + " not backed up: "
		if p.FolderMissing {
			text += fmt.Sprintf("the photo folder %q is not beside the practice file (copy it back from where the practice came from)",
				filepath.Base(p.Folder))
		} else {
			text += wording.Plural(p.MissingPhotos, "its files are", "their files are") +
				" missing or damaged (needlelog check --photos lists them)"
		}
	}
	if len(b.OtherKindRemoved) > 0 {
		kind := "unencrypted"
		if !b.Encrypted {
			kind = "encrypted"
		}
		text += "; removed the " + wording.Plural(len(b.OtherKindRemoved), "older "+kind+" backup ", "older "+kind+" backups ") +
			strings.Join(b.OtherKindRemoved, ", ")
	}
	if b.UnencryptedRemoved > 0 {
		text += "; removed " + wording.Count(b.UnencryptedRemoved, "unencrypted photo file", "unencrypted photo files") +
			" left by earlier backups"
	}
	return text
}

// PhotoRestore is what became of the photo files a restored backup names.
type PhotoRestore struct {
	Copied int // files copied from the backup into the practice's photo folder
	// Lost lists the photos (as the gallery knows them: file name, client, date) some of whose
	// files are neither in the backup, whole, nor already in the practice's photo folder.
	Lost []string
}

// restorePhotos puts into the photo folder of the practice at dst each library file that the
// restored copy at tmp names, from the photo store of the backup at src's folder or, for a
// practice file copied with its photo folder, that folder. A file already in the practice's folder
// and whole is kept; one damaged there is replaced by a good copy. Every file copied is checked
// against its SHA-256 on the way. A file that cannot be had whole is listed, not an error: see
// RestoreFrom. An error is one that stops all (the disk full, say).
//
// With key (an encrypted backup), a file the store holds encrypted is decrypted on the way, and
// checked against its SHA-256 as it is written; a plain copy there serves as well.
func restorePhotos(ctx context.Context, tmp, src, dst string, key *BackupKey) (PhotoRestore, error) {
	var r PhotoRestore
	c, err := sqlite.Open(ctx, tmp, sqlite.Options{ReadOnly: true})
	if err != nil {
		return r, err
	}
	defer c.Close()
	lib := photolib.Beside(dst)
	sources := []string{backupPhotoDir(filepath.Dir(src)), photolib.Beside(src)}
	err = c.EachPhotoFile(ctx, func(f sqlite.PhotoFileRef) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		copied, err := restorePhoto(lib, sources, f.Sum, key)
		switch {
		case photolib.Lost(err):
			// A photo's original and preview come one after the other: say the photo once.
			if n := len(r.Lost); n == 0 || r.Lost[n-1] != f.Photo {
				r.Lost = append(r.Lost, f.Photo)
			}
		case err != nil:
			return err
		case copied:
			r.Copied++
		}
		return nil
	})
	return r, err
}

// restorePhoto brings the file named sum into the photo folder lib from the first of sources that
// holds it whole, unless lib holds it whole already; copied says it was copied. With key, the
// encrypted copy in the first source (the backup folder's store) is tried last.
func restorePhoto(lib string, sources []string, sum string, key *BackupKey) (copied bool, err error) {
	if !photolib.Valid(sum) {
		return false, fmt.Errorf("%q: %w", sum, photolib.ErrMissing) // no file can bear that name
	}
	err = photolib.VerifyIn(lib, sum)
	if err == nil {
		return false, nil
	}
	if !photolib.Lost(err) {
		return false, err
	}
	damaged := errors.Is(err, photolib.ErrChanged)
	for _, from := range sources {
		if from == lib {
			continue
		}
		if damaged {
			// Files are never changed in place: the damaged one goes once a good one is found,
			// and the good one takes its name.
			if err := photolib.VerifyIn(from, sum); err != nil {
				if photolib.Lost(err) {
					continue
				}
				return false, err
			}
			if err := os.Remove(photolib.PathIn(lib, sum)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return false, fmt.Errorf("photo file %s: %w", sum, err)
			}
		}
		err := photolib.PutFrom(lib, from, sum) // checks the SHA-256 as it copies
		if photolib.Lost(err) {
			continue
		}
		return err == nil, err
	}
	if key != nil {
		// Written under a temporary name and renamed over a damaged file only once whole and
		// checked: a failure leaves lib as it was.
		err := restoreEncryptedPhoto(lib, storedPhoto(sources[0], sum, true), sum, key)
		return err == nil, err
	}
	return false, fmt.Errorf("photo file %s: %w", sum, photolib.ErrMissing)
}

// PhotoWarning says, in a sentence or two, which photos a restore could not bring back; "" when
// it brought back all.
func (r Restored) PhotoWarning() string {
	lost := r.Photos.Lost
	if len(lost) == 0 {
		return ""
	}
	shown := lost
	if len(shown) > 10 {
		shown = shown[:10]
	}
	text := wording.Plural(len(lost), "1 photo", "%d photos") + " could not be restored: " + strings.Join(shown, "; ")
	if len(lost) > len(shown) {
		text += fmt.Sprintf("; and %d more", len(lost)-len(shown))
	}
	return text + `. Their files are missing or damaged in the backup's photo folder (the "` + backupPhotosName +
		`" folder beside the backup). Their records are restored, and the gallery shows those photos as missing.`
}
