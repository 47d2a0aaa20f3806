package practice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"needlelog.app/needlelog/store/postgres"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlstore"
	"needlelog.app/needlelog/transfer"
	"needlelog.app/needlelog/wording"
)

// Carrying records between copies of a practice that have no network between them: a laptop that
// treats clients at their homes for a week, and the clinic it comes back to. A bundle is a file
// (on a USB stick, or sent by any channel), encrypted with a passphrase or to a device's key, of
// what the other copy may lack; applying it merges it in (sqlstore.ApplyBundle, package transfer).

// BundleOptions say how a bundle is made.
type BundleOptions struct {
	Lock transfer.Lock
	// Full carries everything: for a laptop that takes the practice for the first time.
	Full bool
	// For is the device the bundle is made for; "" for what the least up to date of the copies
	// this one knows may lack.
	For string
	// DeviceName is how this device is named to the others; "" keeps its name (the computer's
	// name the first time).
	DeviceName string
	Progress   func(string)
}

// BundleResult says what a bundle carried.
type BundleResult = sqlstore.BundleResult

// ApplyResult says what a bundle brought.
type ApplyResult = sqlstore.ApplyResult

// Conflict is a value that lost a merge, kept for the practitioner to settle.
type Conflict = sqlstore.Conflict

// TransferPeer is another copy this one exchanged bundles with.
type TransferPeer = sqlstore.TransferPeer

// Bundles refused: made by another practice, by this very copy, or for a copy that holds more.
var (
	ErrOtherPractice  = sqlstore.ErrOtherPractice
	ErrOwnBundle      = sqlstore.ErrOwnBundle
	ErrMadeForAnother = sqlstore.ErrMadeForAnother
)

// schemaOf is the schema version of the practice's engine.
func schemaOf(s CopyStore) int {
	if s.Shared().PostgreSQL() {
		return postgres.SchemaVersion()
	}
	return sqlite.SchemaVersion()
}

// deviceName is the name this device goes by in a bundle it makes: the one given; else the one
// it has; the computer's name the first time.
func deviceName(ctx context.Context, s CopyStore, name string) string {
	if name != "" {
		return name
	}
	if cur, _ := s.Setting(ctx, "device.name"); cur != "" {
		return "" // kept as it is
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "this computer"
}

// sayer says progress, a sentence each, to progress (nil: to no one).
func sayer(progress func(string)) func(string, ...any) {
	return func(format string, a ...any) {
		if progress != nil {
			progress(fmt.Sprintf(format, a...))
		}
	}
}

// MakeBundle writes a bundle of what the other copies may lack to path, encrypted as o.Lock says.
// The file is written beside path and put in its place only once whole; a bundle cut short or
// cancelled leaves nothing.
func MakeBundle(ctx context.Context, s CopyStore, path string, o BundleOptions) (BundleResult, error) {
	if o.Lock.Passphrase != "" {
		if err := CheckBackupPassphrase(o.Lock.Passphrase); err != nil {
			return BundleResult{}, err
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return BundleResult{}, fmt.Errorf("write the bundle: %w", err)
	}
	tmp := f.Name()
	kept := false
	defer func() {
		if !kept {
			f.Close()      //nolint:errcheck // removed next
			os.Remove(tmp) //nolint:errcheck // a partial bundle is of no use
		}
	}()
	enc, err := transfer.Encrypt(f, o.Lock)
	if err != nil {
		return BundleResult{}, err
	}
	res, err := s.Shared().WriteBundle(ctx, enc, sqlstore.BundleOptions{Schema: schemaOf(s), DeviceName: deviceName(ctx, s, o.DeviceName), Full: o.Full, For: o.For, Say: sayer(o.Progress)})
	if err != nil {
		return res, err
	}
	if err := enc.Close(); err != nil {
		return res, fmt.Errorf("write the bundle: %w", err)
	}
	if err := f.Sync(); err != nil {
		return res, fmt.Errorf("write the bundle: %w", err)
	}
	if err := f.Close(); err != nil {
		return res, fmt.Errorf("write the bundle: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return res, fmt.Errorf("write the bundle: %w", err)
	}
	kept = true
	return res, nil
}

// ApplyOptions say how a bundle is applied.
type ApplyOptions struct {
	Unlock transfer.Unlock
	// New makes the practice from the bundle: the store was just made, and holds no records.
	New        bool
	DeviceName string
	Progress   func(string)
}

// ApplyBundle applies the bundle at path to the practice in one transaction: a bundle that does
// not open, is damaged or cut off, is another practice's or from a newer Needlelog is refused with
// nothing written. Conflicts do not refuse it: they are kept, listed in the result.
func ApplyBundle(ctx context.Context, s CopyStore, path string, o ApplyOptions) (ApplyResult, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return ApplyResult{}, fmt.Errorf("there is no bundle %s: check the name and the folder", wording.Quoted(path))
	}
	if err != nil {
		return ApplyResult{}, fmt.Errorf("open the bundle: %w", err)
	}
	defer f.Close()
	return ApplyBundleFrom(ctx, s, f, o)
}

// ApplyBundleFrom is ApplyBundle reading the bundle from r.
func ApplyBundleFrom(ctx context.Context, s CopyStore, r io.Reader, o ApplyOptions) (ApplyResult, error) {
	// Applying names this computer only when told to: its name is asked for where it is shown to
	// the other side, when it makes a bundle.
	res, err := s.Shared().ApplyBundle(ctx, r, o.Unlock, sqlstore.ApplyOptions{Schema: schemaOf(s), DeviceName: o.DeviceName, New: o.New, Say: sayer(o.Progress)})
	if errors.Is(err, transfer.ErrDamaged) || errors.Is(err, transfer.ErrLocked) {
		return res, fmt.Errorf("%w; nothing was changed", err)
	}
	return res, err
}

// Conflicts are the values that lost a merge, newest first: those still to settle (open), or all.
func Conflicts(ctx context.Context, s CopyStore, open bool) ([]Conflict, error) {
	return s.Shared().Conflicts(ctx, open)
}

// Choices when settling a conflict.
const (
	KeepOurs   = sqlstore.KeepOurs   // this copy's value stands
	KeepTheirs = sqlstore.KeepTheirs // the other copy's value stands
	Seen       = sqlstore.Seen       // both were kept: seen, nothing to choose
)

// ResolveConflict settles a conflict with the value picked, written as a change made here.
func ResolveConflict(ctx context.Context, s CopyStore, id, pick string) error {
	return s.Shared().ResolveConflict(ctx, id, pick)
}

// TransferPeers are the other copies this one has applied bundles from, most recent first.
func TransferPeers(ctx context.Context, s CopyStore) ([]TransferPeer, error) {
	return s.Shared().TransferPeers(ctx)
}
