package diskcrypt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// On any Windows, Wine included, the look comes back (PowerShell runs under a time limit), names
// the drive, and says why when it is not a yes.
func TestWindowsAnswers(t *testing.T) {
	got := Status(filepath.Join(os.TempDir(), "Needlelog", "practice.db")) // need not exist
	if got.State != Encrypted && got.Why == "" || !strings.HasSuffix(got.Volume, ":") {
		t.Errorf("a temporary folder: %+v", got)
	}
}

func TestANetworkShareCannotBeTold(t *testing.T) {
	got := Status(`\\nas\clinic\Needlelog\practice.db`)
	if got.State != Unknown || !strings.Contains(got.Why, `the network share \\nas\clinic`) {
		t.Errorf("a network share: %+v", got)
	}
}
