package practice

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// Claim is this process's hold on a database file: while it is held, no other Needlelog process
// can claim the same file, whatever path names it (a symbolic link to it or to a folder above it,
// "..", another letter case where the file system ignores case, and on Linux a hard link). It rests
// on operating-system locks, which the system lets go of when the process ends, however it ends: a
// crash never leaves a stale claim behind. One is on a file beside the database's real path,
// "<database>.lock"; where the system allows, another is on the database file itself (holdFile).
type Claim struct {
	path string // the database's absolute path, as given
	real string // the path the file system resolves it to
	lock *os.File
	file heldFile // the hold on the database file itself; zero where there is none

	mu       sync.Mutex
	released bool
	ln       net.Listener
	sock     string
	served   chan struct{} // closed when the knock listener has stopped
}

// errLocked is what lockFile returns when another process holds the lock.
var errLocked = errors.New("locked")

// ClaimDatabase claims the database at dbPath for this process, creating its folder if needed. The
// file itself need not exist yet. When another process holds the claim, the error wraps ErrInUse;
// when the folder cannot be written to, it wraps ErrReadOnlyFile.
func ClaimDatabase(dbPath string) (*Claim, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, readOnlyFile(err))
	}
	real, err := realPath(dbPath)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	f, err := openLockFile(real)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, readOnlyFile(err))
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("open %s: %w", abs, data.ErrInUse)
		}
		return nil, fmt.Errorf("open %s: lock %s: %w", abs, f.Name(), err)
	}
	// Taken after the lock file, which Restore holds while it swaps one file for another.
	held, err := holdFile(real)
	if err != nil {
		unlockFile(f)
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("open %s: %w", abs, data.ErrInUse)
		}
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	return &Claim{path: abs, real: real, lock: f, file: held}, nil
}

// Open claims the database at path for this process, then opens it for writing: how every writer
// opens a practice (the app, its demo, and every command that writes), so that no two write it at
// once and a restore never replaces it under one. The file must exist unless opts.Create is set,
// and then it is claimed before it is made. When another process holds the claim, the error wraps
// ErrInUse and nothing was opened or made. An old copy left by a move is refused with a
// *MovedError (ErrMoved). Close the store, then release the claim.
func Open(ctx context.Context, path string, opts sqlite.Options) (*sqlite.Store, *Claim, error) {
	// Looked at before the claim, whose lock file would otherwise be left beside a mistyped path.
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && !opts.Create {
		return nil, nil, fmt.Errorf("open %s: %w", path, data.ErrMissing)
	}
	c, err := ClaimDatabase(path)
	if err != nil {
		return nil, nil, err
	}
	s, err := sqlite.Open(ctx, path, opts)
	if err == nil {
		// An old copy left by a move is never written to: see MovedError.
		if err = refuseMoved(ctx, s); err != nil {
			s.Close()
		}
	}
	if err != nil {
		c.Release() //nolint:errcheck // the open failed; the claim was ours alone
		return nil, nil, err
	}
	return s, c, nil
}

// openLockFile opens the lock file of the database at real, creating it when missing. It is
// never removed: a process that removed it on release could do so just as another opened it, and
// a third would then lock a new file while the second holds the old one.
//
// Whoever may write the database must be able to take its lock (two accounts on a clinic's PC
// sharing a practice): the lock file gets the database file's permissions, and a lock file this
// account may only read is opened read-only, which locks as well. The lock file is never reached
// through a link: one put in its place could otherwise have any file of the user's created,
// opened or given the database's permissions (see openLockPath).
func openLockFile(real string) (*os.File, error) {
	perm := fs.FileMode(0o600)
	if info, err := os.Stat(real); err == nil {
		perm = info.Mode().Perm() | 0o600
	}
	return openLockPath(real+".lock", perm)
}

// NotLockFileError is a lock path that is a link or not a regular file: Needlelog neither follows
// nor uses it, and claims nothing through it.
type NotLockFileError struct{ Path string }

func (e *NotLockFileError) Error() string {
	return fmt.Sprintf("the lock file %s is a link or not a plain file, which Needlelog does not use, as it could lead to "+
		"another file; nothing was changed: remove it and try again", e.Path)
}

func notLockFile(name string) error { return &NotLockFileError{Path: name} }

// heldFile is a hold on the database file itself; its zero value holds nothing.
type heldFile struct{ unlock func() error }

func (h heldFile) release() error {
	if h.unlock == nil {
		return nil
	}
	return h.unlock()
}

func readOnlyFile(err error) error {
	if errors.Is(err, fs.ErrPermission) || isReadOnlyFS(err) {
		return fmt.Errorf("%w: %v", data.ErrReadOnlyFile, err)
	}
	return err
}

// Claimed reports whether a Needlelog process, this one included, holds the claim on the database at
// path, whatever name it gave it. It claims nothing itself, and it answers true when it cannot tell
// (a lock file that is a link, say): its callers use it to keep their hands off a file.
func Claimed(path string) bool {
	real, err := realPath(path)
	if err != nil {
		return true
	}
	if fileClaimed(real) {
		return true
	}
	name := real + ".lock"
	if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
		return false // no process has claimed it by this name: each claim keeps its lock file
	}
	f, err := openLockPath(name, 0o600)
	if err != nil {
		return true
	}
	defer f.Close()
	if err := lockFile(f); err != nil {
		return true // errLocked: held; anything else: cannot tell
	}
	unlockFile(f) //nolint:errcheck // closed just after, which lets go of it too
	return false
}

// Path is the claimed database's absolute path.
func (c *Claim) Path() string { return c.path }

// Release gives up the claim and stops listening for knocks. Calling it again does nothing.
func (c *Claim) Release() error {
	c.mu.Lock()
	if c.released {
		c.mu.Unlock()
		return nil
	}
	c.released = true
	ln, sock, served := c.ln, c.sock, c.served
	c.ln = nil
	c.mu.Unlock()
	var errs []error
	if ln != nil {
		ln.Close()
		<-served
		// Removed while the claim is still held, so it cannot be the next holder's socket.
		if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := c.file.release(); err != nil {
		errs = append(errs, err)
	}
	if err := unlockFile(c.lock); err != nil {
		errs = append(errs, err)
	}
	if err := c.lock.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("release %s: %w", c.path, err)
	}
	return nil
}

// knockMessage and knockReply are the whole of the knock exchange.
const (
	knockMessage = "needlelog knock\n"
	knockReply   = "ok\n"
	knockTimeout = 2 * time.Second
)

// OnKnock listens for other Needlelog processes that find the database claimed and ask its holder
// to come forward (Knock), and calls fn on a goroutine of its own for each. It listens on a local
// socket named after the database's path; Release stops it and removes the socket.
func (c *Claim) OnKnock(fn func()) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.released:
		return fmt.Errorf("listen for other windows of %s: the claim was released", c.path)
	case c.ln != nil:
		return fmt.Errorf("listen for other windows of %s: already listening", c.path)
	}
	sock, err := knockSocket(c.real)
	if err != nil {
		return fmt.Errorf("listen for other windows of %s: %w", c.path, err)
	}
	// A socket already there was left by a holder that crashed: only the claim's holder listens.
	if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("listen for other windows of %s: %w", c.path, err)
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return fmt.Errorf("listen for other windows of %s: %w", c.path, err)
	}
	if runtime.GOOS != "windows" {
		os.Chmod(sock, 0o600) // other accounts need not knock; where the folder is shared it narrows who can
	}
	c.ln, c.sock, c.served = ln, sock, make(chan struct{})
	go serveKnocks(ln, fn, c.served)
	return nil
}

func serveKnocks(ln net.Listener, fn func(), served chan<- struct{}) {
	defer close(served)
	for {
		conn, err := ln.Accept()
		if err != nil {
			return // closed by Release, or the listener failed: knocks then go unanswered
		}
		conn.SetDeadline(time.Now().Add(knockTimeout))
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err == nil && line == knockMessage {
			go fn()
			conn.Write([]byte(knockReply))
		}
		conn.Close()
	}
}

// Knock asks the process that holds the claim on the database at dbPath to come forward (see
// OnKnock). It fails when no process answers.
func Knock(dbPath string) error {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return fmt.Errorf("reach the Needlelog window of %s: %w", dbPath, err)
	}
	sock, err := knockSocket(abs)
	if err != nil {
		return fmt.Errorf("reach the Needlelog window of %s: %w", abs, err)
	}
	conn, err := net.DialTimeout("unix", sock, knockTimeout)
	if err != nil {
		return fmt.Errorf("reach the Needlelog window of %s: no window answers: %w", abs, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(knockTimeout))
	if _, err := conn.Write([]byte(knockMessage)); err != nil {
		return fmt.Errorf("reach the Needlelog window of %s: %w", abs, err)
	}
	reply, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || reply != knockReply {
		return fmt.Errorf("reach the Needlelog window of %s: no window answers (%v)", abs, err)
	}
	return nil
}

// maxSocketPath keeps socket paths within every system's limit (104 bytes on macOS, 108 on Linux).
const maxSocketPath = 100

// knockSocket is the path of the socket the holder of the database at dbPath listens on: named with
// the user's ID and a short hash of the database's real path, in the user's runtime folder where
// there is one, else the temporary folder.
func knockSocket(dbPath string) (string, error) {
	abs, err := realPath(dbPath) // the same file reached by another spelling gives the same socket
	if err != nil {
		return "", err
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		abs = strings.ToLower(abs) // their file systems ignore letter case by default
	}
	tag, private := userTag()
	sum := sha256.Sum256([]byte(private + "\x00" + abs))
	name := fmt.Sprintf("needlelog-%s-%x.sock", tag, sum[:6])
	for _, dir := range socketDirs() {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			continue
		}
		if p := filepath.Join(dir, name); len(p) <= maxSocketPath {
			return p, nil
		}
	}
	return "", fmt.Errorf("no folder with a short enough path for a socket (tried %s)", strings.Join(socketDirs(), ", "))
}
