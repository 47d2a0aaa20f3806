// Package diskcrypt tells whether the drive holding a folder is encrypted (LUKS or dm-crypt on
// Linux, BitLocker on Windows, FileVault on macOS), through what the system tells a program run
// without administrator rights, and says so in the practitioner's words for the window and the
// command line alike.
//
// A laptop with a practice's records on an unencrypted drive hands every client's records and
// photos to whoever takes it; in most countries that is a breach the practice must report.
package diskcrypt

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"needlelog.app/needlelog/store/photolib"
)

// State is what is known of the encryption of the drive holding a folder.
type State int

const (
	// Unknown: the system does not say, or the folder is not on a drive of this computer.
	Unknown State = iota
	// Encrypted: the drive (or the folder) is encrypted at rest.
	Encrypted
	// NotEncrypted: the drive holds the files as they are.
	NotEncrypted
)

// Result is what Status found.
type Result struct {
	State State
	// Path is the folder looked at.
	Path string
	// Volume names what holds the files, as the system names it: "/dev/mapper/luks-1f2e…", "C:",
	// "/". "" when it cannot be told.
	Volume string
	// Mechanism is what encrypts it: "LUKS", "BitLocker", "FileVault", "eCryptfs", "fscrypt";
	// "" when nothing does.
	Mechanism string
	// Why is a short clause saying why it cannot be told, or what was found not encrypted:
	// "it is on a network file system (nfs), whose disks are the server's".
	Why string
}

// Timeout bounds a system tool asked on Windows and macOS: a slow or stuck answer is "cannot
// tell", never a hang. PowerShell's first start after logging in takes several seconds on a
// slow PC, and the window does not wait for the answer, so the bound is generous.
const Timeout = 15 * time.Second

// Status tells whether the drive holding path is encrypted. path need not exist yet: the nearest
// folder above it that exists is looked at. It may take up to Timeout: call it off the UI
// goroutine.
func Status(path string) Result {
	dir := existingFolder(path)
	r := status(dir)
	r.Path = dir
	return r
}

// Practice tells whether the drives holding the practice whose database is at dbPath are
// encrypted: the database's, and its photo folder's, which a link can put on another drive. Of
// two answers, the one that calls for care is given: not encrypted, then cannot tell.
func Practice(dbPath string) Result {
	return practice(dbPath, Status)
}

func practice(dbPath string, status func(string) Result) Result {
	db := status(dbPath)
	photos := photolib.Beside(dbPath)
	if info, err := os.Stat(photos); err != nil || !info.IsDir() {
		return db // none yet: it will be made beside the database
	}
	if p := status(photos); care(p.State) > care(db.State) {
		return p
	}
	return db
}

// care ranks states by the care they call for.
func care(s State) int {
	switch s {
	case NotEncrypted:
		return 2
	case Unknown:
		return 1
	}
	return 0
}

// existingFolder is path's folder, or the nearest folder above it that exists, made absolute;
// path itself when it is an existing folder.
func existingFolder(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	dir := path
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		dir = filepath.Dir(dir)
	}
	for {
		info, err := os.Stat(dir)
		if err == nil && info.IsDir() || err != nil && !errors.Is(err, fs.ErrNotExist) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}
