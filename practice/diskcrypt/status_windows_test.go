package diskcrypt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// On any Windows, Wine included, the answer comes within the time allowed, and says why when it
// is not a yes.
func TestWindowsAnswersInTime(t *testing.T) {
	start := time.Now()
	got := Status(filepath.Join(os.TempDir(), "Needlelog", "practice.db")) // need not exist

	if took := time.Since(start); took > Timeout+2*time.Second {
		t.Errorf("the answer took %s", took)
	}
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
