package practice

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// WriteDemo makes a new practice file at path and has write fill it with a demo practice, as the
// app's Demo practice and needlelog demo both do. The path is claimed before the file is made and
// until it is whole or gone, as every writer claims a practice: a path another writer holds is
// refused (data.ErrInUse), and a file already there is refused (fs.ErrExist); either is left as
// it was. When write fails or ctx is cancelled, the half-written file is removed before the
// claim is let go, so that it is never opened later as if it were whole.
func WriteDemo(ctx context.Context, path string, write func(context.Context, store.Store) error) error {
	c, err := ClaimDatabase(path)
	if err != nil {
		return err
	}
	defer c.Release() //nolint:errcheck // the file is whole, or gone; nothing holds it here
	// Looked at under the claim: no other writer can make it between this and the open.
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		if err == nil {
			err = fs.ErrExist
		}
		return fmt.Errorf("write the demo practice in %s: %w", path, err)
	}
	s, err := sqlite.Open(ctx, path, sqlite.Options{Create: true})
	if err != nil {
		os.Remove(path) // whatever the failed open made of it; nothing was there before
		return err
	}
	err = write(ctx, s)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
