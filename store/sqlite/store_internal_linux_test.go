package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	"needlelog.app/needlelog/data"
)

// fsImmutable is FS_IMMUTABLE_FL (chattr +i): no one, root included, may change the file or,
// on a folder, its entries.
const fsImmutable = 0x10

// MakeImmutable sets a file's or folder's immutable flag until the test ends, for this package's
// tests and its black-box ones. It needs CAP_LINUX_IMMUTABLE and a file system that keeps the
// flag (ext4, xfs, btrfs; not tmpfs), and skips the test where either is missing. Unlike mode
// 0444 it write-protects from root too, so these tests hold whoever runs them.
func MakeImmutable(t *testing.T, path string) {
	t.Helper()
	set := func(on bool) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
		if err != nil {
			return err
		}
		if on {
			flags |= fsImmutable
		} else {
			flags &^= fsImmutable
		}
		return unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags))
	}
	if err := set(true); err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EINVAL) {
			t.Skipf("cannot make %s immutable here (%v): needs CAP_LINUX_IMMUTABLE on ext4, xfs or btrfs", path, err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := set(false); err != nil {
			t.Errorf("clear the immutable flag of %s: %v", path, err)
		}
	})
}

// Open asks the file system before it opens a file for writing; behind that, the store's own
// start refuses a file that SQLite opened read-only though asked to open it read-write (as on
// Windows, where the access check cannot see every rule), in WAL mode or not.
func TestInitRefusesAFileSQLiteOpenedReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, journal := range []string{"wal", "delete"} {
		t.Run(journal, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.db")
			s, err := Open(ctx, path, Options{Create: true})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			if journal == "delete" {
				db, err := sql.Open("sqlite", "file:"+path)
				if err != nil {
					t.Fatal(err)
				}
				_, err = db.Exec(`PRAGMA journal_mode = DELETE`)
				db.Close()
				if err != nil {
					t.Fatal(err)
				}
			}
			MakeImmutable(t, path)
			before, _ := os.ReadFile(path)

			db, err := sql.Open("sqlite", dsn(path, false, false))
			if err != nil {
				t.Fatal(err)
			}
			db.SetMaxOpenConns(1)
			s = &Store{db: db, path: path, now: time.Now}
			err = openFault(path, false, s.init(ctx))
			db.Close()
			if !errors.Is(err, data.ErrReadOnlyFile) || !strings.Contains(err.Error(), "write-protected") {
				t.Fatalf("start a store on a file SQLite opened read-only: %v, want ErrReadOnlyFile saying it is write-protected", err)
			}
			if after, _ := os.ReadFile(path); string(before) != string(after) {
				t.Error("the file changed")
			}
		})
	}
}
