package practice

import (
	"context"
	"fmt"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlstore"
	"needlelog.app/needlelog/wording"
)

// Copying a whole practice between two stores of any engine (a file to the clinic's server as a
// practice grows, the server to a file as a portable snapshot): the records and photo files are
// copied by the shared store (sqlstore.CopyFrom); here the source is verified before, and the
// copy after, against the same audit head.

// CopyStore is a practice as the copy reads and writes it: either engine's store.
type CopyStore interface {
	store.Store
	Shared() *sqlstore.Store
}

// ErrNotEmpty is a target that holds records already: a copy goes only into an empty practice.
var ErrNotEmpty = sqlstore.ErrNotEmpty

// CopyOptions says how to copy a practice.
type CopyOptions struct {
	// Progress is told, a sentence each, what was copied so far.
	Progress func(string)
	// MissingPhotosAllowed copies a practice whose photo folder lacks some files, counting them
	// (a backup keeps what there is); without it such a copy is refused, naming the first.
	MissingPhotosAllowed bool
	// Unverified copies a practice whose records do not pass verify as they are (a backup keeps
	// them as they are); without it the source is verified first and such a copy refused.
	Unverified bool
}

// CopyResult says what a copy copied.
type CopyResult = sqlstore.CopyResult

// bytesSettings are the settings kept as bytes (SetSettingBytes); every other is text.
var bytesSettings = map[string]bool{data.SettingClinicLogo: true, settingBackupKey: true}

// CheckEmpty refuses, with ErrNotEmpty, a practice that holds records: only its default lists
// and settings, as a new practice has, may be there.
func CheckEmpty(ctx context.Context, s CopyStore) error { return s.Shared().CheckEmpty(ctx) }

// Copy copies the whole practice in src into dst, which must hold no records (ErrNotEmpty).
func Copy(ctx context.Context, src, dst CopyStore, o CopyOptions) (CopyResult, error) {
	var res CopyResult
	say := func(format string, a ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(format, a...))
		}
	}
	// Said before anything else is read: a target in use is the likeliest mistake.
	if err := CheckEmpty(ctx, dst); err != nil {
		return res, err
	}
	if !o.Unverified {
		rep, err := src.Verify(ctx)
		if err != nil {
			return res, fmt.Errorf("verify the practice to copy: %w", err)
		}
		if !rep.OK() {
			return res, fmt.Errorf("the practice to copy does not pass verify (%s), so a copy could not be told from it: "+
				"run needlelog verify on it and restore a backup that passes", wording.Count(len(rep.Breaks), "break", "breaks"))
		}
		say("verified the practice to copy: %s", wording.Count(rep.AuditEntries, "audit entry", "audit entries"))
	}
	res, err := dst.Shared().CopyFrom(ctx, src.Shared(), sqlstore.CopyOptions{Say: say,
		MissingPhotosAllowed: o.MissingPhotosAllowed, BytesSettings: bytesSettings})
	if err != nil {
		return res, err
	}
	if o.Unverified {
		return res, nil
	}
	rep, err := dst.Verify(ctx)
	if err != nil {
		return res, fmt.Errorf("verify the copy: %w", err)
	}
	if !rep.OK() {
		return res, fmt.Errorf("the copy does not pass verify (%s): %s", wording.Count(len(rep.Breaks), "break", "breaks"), rep.Breaks[0])
	}
	if rep.Head != res.Head {
		return res, fmt.Errorf("the copy's audit log ends at %q, not at %q as the practice copied", rep.Head, res.Head)
	}
	res.AuditEntries = rep.AuditEntries
	say("verified the copy: %s, the last one's hash the same", wording.Count(rep.AuditEntries, "audit entry", "audit entries"))
	return res, nil
}
