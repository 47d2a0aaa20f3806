package practice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"

	"needlelog.app/needlelog/store/postgres"
)

// IsServer reports whether db, as given to --db or chosen in Settings, names a practice on a
// clinic's PostgreSQL server (postgres://… or postgresql://…) rather than a database file.
func IsServer(db string) bool {
	lower := strings.ToLower(db)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}

// OpenServer opens the practice on the clinic's server at url for writing, as Open does a file's.
// The claim is this PC's: several PCs write the practice at once (the server keeps its records
// whole), but two windows or writing commands on one PC do not, so that one PC never works on a
// client in two places. The claim is a lock file in this account's data folder, named for the
// server and database (never with the password). Close the store, then release the claim.
func OpenServer(ctx context.Context, url string, opts postgres.Options) (*postgres.Store, *Claim, error) {
	lock, err := serverClaimPath(url)
	if err != nil {
		return nil, nil, err
	}
	c, err := ClaimDatabase(lock)
	if err != nil {
		return nil, nil, fmt.Errorf("open the practice on %s: %w", postgres.Redacted(url), err)
	}
	s, err := postgres.Open(ctx, url, opts)
	if err != nil {
		c.Release() //nolint:errcheck // the open failed; the claim was ours alone
		return nil, nil, err
	}
	return s, c, nil
}

// serverClaimPath is the name this PC's claim on the practice at url is taken under: beside the
// default practice, named by a hash of the URL without its password.
func serverClaimPath(url string) (string, error) {
	def, err := DefaultPath()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(postgres.Redacted(url)))
	return filepath.Join(filepath.Dir(def), "server-"+hex.EncodeToString(sum[:8])), nil
}
