//go:build unix

package practice_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

// plantedLocks are what someone with a hand in the practice's folder could put where the lock file
// goes: each returns the file (or path) it aims at, which the claim must leave as it was.
var plantedLocks = map[string]func(t *testing.T, lock, secret string) (aim string){
	"a link to another file": func(t *testing.T, lock, secret string) string {
		mustDo(t, os.Symlink(filepath.Base(secret), lock))
		return secret
	},
	"a link by its full path": func(t *testing.T, lock, secret string) string {
		mustDo(t, os.Symlink(secret, lock))
		return secret
	},
	"a dangling link": func(t *testing.T, lock, secret string) string {
		aim := filepath.Join(filepath.Dir(secret), "created-by-the-claim")
		mustDo(t, os.Symlink(aim, lock))
		return aim
	},
	"a link to a folder": func(t *testing.T, lock, secret string) string {
		mustDo(t, os.Symlink(filepath.Dir(secret), lock))
		return secret
	},
	"a named pipe": func(t *testing.T, lock, secret string) string {
		mustDo(t, syscall.Mkfifo(lock, 0o600))
		return secret
	},
	"a folder": func(t *testing.T, lock, secret string) string {
		mustDo(t, os.Mkdir(lock, 0o700))
		return secret
	},
}

// lockPathPractice makes a practice readable and writable by all (as a shared one may be), its lock
// file removed, and a private file of the user's beside it.
func lockPathPractice(t *testing.T) (db, backup, secret string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "a.db")
	s, err := sqlite.Open(context.Background(), db, sqlite.Options{Create: true})
	mustDo(t, err)
	mustDo(t, practice.Snapshot(context.Background(), s, filepath.Join(dir, "bk.db")))
	mustDo(t, s.Close())
	mustDo(t, os.Chmod(db, 0o666))
	secret = filepath.Join(dir, "secret")
	mustDo(t, os.WriteFile(secret, []byte("s\n"), 0o600))
	mustDo(t, os.Chmod(secret, 0o600))
	os.Remove(db + ".lock")
	return db, filepath.Join(dir, "bk.db"), secret
}

// TestClaimNeverFollowsAPlantedLockFile: a link (or anything but a file) where the lock file goes is
// refused in a sentence, whether the app opens the practice or a restore replaces it, and the file
// it aims at keeps its permissions and content, or is not created.
func TestClaimNeverFollowsAPlantedLockFile(t *testing.T) {
	t.Parallel()
	for how, plant := range plantedLocks {
		t.Run(how, func(t *testing.T) {
			db, backup, secret := lockPathPractice(t)
			aim := plant(t, db+".lock", secret)
			before, _ := os.ReadFile(db)

			c, err := practice.ClaimDatabase(db)
			var nl *practice.NotLockFileError
			if err == nil {
				c.Release()
			}
			if !errors.As(err, &nl) {
				t.Errorf("claim through %s: %v, want the lock file refused", how, err)
			}
			_, err = practice.RestoreFrom(context.Background(), backup, db, true)
			if !errors.As(err, &nl) {
				t.Errorf("restore through %s: %v, want the lock file refused", how, err)
			}
			if after, _ := os.ReadFile(db); string(after) != string(before) {
				t.Error("a refused restore changed the practice")
			}
			if aside, _ := filepath.Glob(strings.TrimSuffix(db, ".db") + ".replaced-*"); len(aside) > 0 {
				t.Errorf("a refused restore set the practice aside: %v", aside)
			}
			if aim != secret {
				if _, err := os.Lstat(aim); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the claim created the file a dangling link points at: %v", err)
				}
			}
			info, err := os.Stat(secret)
			mustDo(t, err)
			if info.Mode().Perm() != 0o600 {
				t.Errorf("the user's private file is now %v, want -rw-------", info.Mode().Perm())
			}
			if b, _ := os.ReadFile(secret); string(b) != "s\n" {
				t.Errorf("the user's private file now holds %q", b)
			}
		})
	}
}

// TestClaimLeavesAHardLinkedLockFileAlone: a lock file that is another name of a file of the user's
// still locks, but its permissions are not widened to the practice's.
func TestClaimLeavesAHardLinkedLockFileAlone(t *testing.T) {
	t.Parallel()
	db, _, secret := lockPathPractice(t)
	mustDo(t, os.Link(secret, db+".lock"))
	c, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if info, _ := os.Stat(secret); info.Mode().Perm() != 0o600 {
		t.Errorf("the user's private file is now %v, want -rw-------", info.Mode().Perm())
	}
}

// TestClaimWidensItsOwnLockFile: a lock file narrower than its practice (made before it, or under a
// tight umask) is given the practice's permissions, so that every account that may write the
// practice can lock it.
func TestClaimWidensItsOwnLockFile(t *testing.T) {
	t.Parallel()
	db, _, _ := lockPathPractice(t)
	mustDo(t, os.WriteFile(db+".lock", nil, 0o600))
	mustDo(t, os.Chmod(db+".lock", 0o600))
	c, err := practice.ClaimDatabase(db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if info, _ := os.Stat(db + ".lock"); info.Mode().Perm() != 0o666 {
		t.Errorf("the lock file is %v, want the practice's -rw-rw-rw-", info.Mode().Perm())
	}
}
