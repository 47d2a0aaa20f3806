package photolib

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"needlelog.app/needlelog/internal/rename"
)

// OwnerFile is the file in a photo folder that names the practice it belongs to. Two practices
// whose files share a name but not an extension ("clinic.db", "clinic.sqlite") would otherwise
// share one folder, and each one's sweep remove the other's photos.
const OwnerFile = "practice-id"

// OtherPracticeError is a photo folder that belongs to another practice.
type OtherPracticeError struct {
	Dir, Owner string
}

func (e *OtherPracticeError) Error() string {
	return fmt.Sprintf("the photo folder %s belongs to another practice (one of the same name beside this one, as clinic.db "+
		"beside clinic.sqlite): with Needlelog closed, give this practice's file another name or move it to a folder of its own, "+
		"then open it there", e.Dir)
}

// Owner is the practice the folder dir belongs to, "" when it says none (a folder from before
// folders were marked, or no folder at all).
func Owner(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, OwnerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read which practice the photo folder %s belongs to: %w", dir, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// Claim makes dir the photo folder of the practice id: a folder that says no owner is adopted
// (created if need be), one that belongs to another practice is refused with an
// *OtherPracticeError. A practice with no id ("") claims nothing.
func Claim(dir, id string) error {
	if id == "" {
		return nil
	}
	owner, err := Owner(dir)
	switch {
	case err != nil:
		return err
	case owner == id:
		return nil
	case owner != "":
		return &OtherPracticeError{Dir: dir, Owner: owner}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("mark the photo folder %s: %w", dir, err)
	}
	// Linked, not renamed, into place: of two practices claiming a new folder at once, one wins.
	tmp, err := writeOwner(dir, id)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, filepath.Join(dir, OwnerFile)); err != nil {
		if _, serr := os.Lstat(filepath.Join(dir, OwnerFile)); serr == nil {
			return Claim(dir, id) // the other one won: is it this practice?
		}
		// A disk without hard links (FAT): renamed, at the small risk of two at once.
		if err := rename.Retrying(tmp, filepath.Join(dir, OwnerFile)); err != nil {
			return fmt.Errorf("mark the photo folder %s: %w", dir, err)
		}
	}
	return syncDir(dir)
}

// Mark makes dir, created if need be, the photo folder of the practice id whoever it belonged to:
// for a practice brought into it (restored, moved) with its photos.
func Mark(dir, id string) error {
	if id == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("mark the photo folder %s: %w", dir, err)
	}
	tmp, err := writeOwner(dir, id)
	if err != nil {
		return err
	}
	if err := rename.Retrying(tmp, filepath.Join(dir, OwnerFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("mark the photo folder %s: %w", dir, err)
	}
	return syncDir(dir)
}

// writeOwner writes id into a new temporary file in dir, flushed to the disk.
func writeOwner(dir, id string) (string, error) {
	f, err := os.CreateTemp(dir, "."+OwnerFile+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("mark the photo folder %s: %w", dir, err)
	}
	_, err = f.WriteString(id + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("mark the photo folder %s: %w", dir, err)
	}
	return f.Name(), nil
}
