package photolib

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// On Windows a file another program holds open may refuse a new time: the photo is stored all the
// same, and the refusal is logged with the file's path.
func TestPutGoesOnWhenTheTimeCannotBeSet(t *testing.T) {
	l := Open(t.TempDir())
	b := []byte("a photo shown in another program")
	sum := Sum(b)
	if err := l.Put(sum, b); err != nil {
		t.Fatal(err)
	}
	was := touch
	touch = func(string, time.Time) error {
		return errors.New("The process cannot access the file because it is being used by another process.")
	}
	var logged bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	t.Cleanup(func() { touch = was; slog.SetDefault(old) })

	if err := l.Put(sum, b); err != nil {
		t.Fatalf("a time that cannot be set refused the photo: %v", err)
	}
	if err := l.Verify(sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), l.Path(sum)) || !strings.Contains(logged.String(), "another process") {
		t.Fatalf("logged %q, want the file's path and the reason", logged.String())
	}
}
