package photolib_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"needlelog.app/needlelog/store/photolib"
)

// A folder is claimed by the first practice to use it, refused to any other, adopted when it
// says no owner, and given to a practice brought into it (Mark); the sweep never takes the marker.
func TestPhotoFolderOwner(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "clinic.photos")
	if owner, err := photolib.Owner(dir); owner != "" || err != nil {
		t.Fatalf("a folder not there: owner %q, %v", owner, err)
	}
	if err := photolib.Claim(dir, "a"); err != nil {
		t.Fatal(err)
	}
	if err := photolib.Claim(dir, "a"); err != nil {
		t.Errorf("claimed again by its own practice: %v", err)
	}
	var other *photolib.OtherPracticeError
	if err := photolib.Claim(dir, "b"); !errors.As(err, &other) || other.Owner != "a" {
		t.Errorf("claimed by another practice: %v", err)
	}
	if err := photolib.Mark(dir, "b"); err != nil {
		t.Fatal(err)
	}
	if owner, _ := photolib.Owner(dir); owner != "b" {
		t.Errorf("after Mark the folder is %q's", owner)
	}
	if err := os.Remove(filepath.Join(dir, photolib.OwnerFile)); err != nil {
		t.Fatal(err)
	}
	if err := photolib.Claim(dir, "c"); err != nil {
		t.Errorf("an unmarked folder is not adopted: %v", err)
	}
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(filepath.Join(dir, photolib.OwnerFile), old, old)
	if removed, err := photolib.Open(dir).Collect(time.Now(), time.Hour, func(string) (bool, error) { return false, nil }); err != nil || len(removed) != 0 {
		t.Errorf("the sweep removed %v, %v", removed, err)
	}
	if owner, _ := photolib.Owner(dir); owner != "c" {
		t.Errorf("after the sweep the folder is %q's", owner)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
