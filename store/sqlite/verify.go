package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlstore"
	"needlelog.app/needlelog/wording"
)

// VerifyReport is what Verify found.
type VerifyReport = store.VerifyReport

// Verify checks that the records can be trusted: it walks the audit log's hash chain, which shows
// an entry changed, removed or moved; checks every signed session against its record hash and its
// amendments against theirs; matches signatures and amendments with the audit log; and checks
// that the database's protections are in place. It reads in one transaction on a connection of its
// own and changes nothing. An error means the check could not be made; what it found wrong is in
// the report.
func (s *Store) Verify(ctx context.Context) (VerifyReport, error) {
	var rep VerifyReport
	if short := s.cutShortNow(ctx); short != "" {
		return rep, fmt.Errorf("%w: %s", data.ErrDamaged, short)
	}
	db, err := s.readerDB()
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("verify: %w", mapError(err))
	}
	defer tx.Rollback() //nolint:errcheck // read only
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT user_version FROM pragma_user_version`).Scan(&version); err != nil {
		return rep, fmt.Errorf("verify: read schema version: %w", mapError(err))
	}
	if version < SchemaVersion() {
		return rep, fmt.Errorf("verify: schema version %d is older than %d; open the database once with Needlelog to upgrade it, then verify again",
			version, SchemaVersion())
	}
	if err := schemaChanges(ctx, tx, &rep); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	if err := s.VerifyRecords(ctx, tx, &rep); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	rep.Gives = append(rep.Gives, gives...)
	return rep, ctx.Err()
}

// gives is what a SQLite file guarantees its records (store/postgres/doc.go's table): triggers,
// which whoever can write the file can drop, and verify's own checks.
var gives = []string{
	"Signed sessions are read-only by triggers in the file; whoever can write the file can drop them.",
	"The audit log is append-only by triggers only; whoever can write the file can drop them.",
	"Amendments and practitioners' signing keys are kept by triggers only; whoever can write the file can drop them.",
	"No history can be truncated: SQLite has no TRUNCATE, and the triggers on deletion cover it.",
	"The schema is compared with Needlelog's: verify finds a table, index or trigger changed, though the program owns the file and may run any statement.",
	"Who may reach the records is the operating system's file permissions (and disk encryption).",
	"A rewritten history is found: verify recomputes the audit log's hash chain.",
}

// schemaChanges compares the file's tables, indexes, triggers and views with those Needlelog made:
// a protection removed or replaced by one that does nothing, or a trigger added that changes
// records as they are saved, and the records are no longer what Needlelog wrote.
func schemaChanges(ctx context.Context, q sqlstore.Querier, rep *VerifyReport) error {
	changes, err := schemaDifferences(ctx, q, SchemaVersion())
	if err != nil {
		return fmt.Errorf("compare the schema with Needlelog's: %w", mapError(err))
	}
	for _, c := range changes {
		rep.Breaks = append(rep.Breaks, fmt.Sprintf("The database's design was changed outside Needlelog (%s): what was saved since, and the protection of signed records and the audit log, cannot be trusted.", c))
	}
	return nil
}

// AgainstCheck is what VerifyAgainst found.
type AgainstCheck struct {
	Head   data.AuditMark // the backup's last entry
	At     time.Time      // and its time: when the backup was as it is
	Added  int64          // entries the log has gained since
	Breaks []string
}

// VerifyAgainst checks that the audit log extends the one in an earlier copy of the practice (a
// backup): every entry the copy has is here with the same number and hash, and every signing
// key it has is here unchanged. A log rewritten or cut short since the copy fails this, whatever
// its own chain and signatures say.
func (s *Store) VerifyAgainst(ctx context.Context, path string) (AgainstCheck, error) {
	var ac AgainstCheck
	old, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		return ac, fmt.Errorf("read the backup: %w", err)
	}
	defer old.Close()
	if ac.Head, err = old.AuditHead(ctx); err != nil {
		return ac, fmt.Errorf("read the backup: %w", err)
	}
	if ac.Head.Seq > 0 {
		var at string
		if err := old.db.QueryRowContext(ctx, `SELECT at FROM audit_log WHERE seq = ?`, ac.Head.Seq).Scan(&at); err != nil {
			return ac, fmt.Errorf("read the backup: %w", mapError(err))
		}
		ac.At, _ = data.ParseTime(at)
	}
	when := "the backup of " + ac.At.Local().Format("2006-01-02 15:04")
	oldRows, err := old.db.QueryContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return ac, fmt.Errorf("read the backup: %w", mapError(err))
	}
	defer oldRows.Close()
	// A connection of its own: the store's writer has one, which the other queries here need.
	db, err := s.readerDB()
	if err != nil {
		return ac, fmt.Errorf("read the audit log: %w", err)
	}
	defer db.Close()
	curRows, err := db.QueryContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return ac, fmt.Errorf("read the audit log: %w", mapError(err))
	}
	defer curRows.Close()
	var cur data.AuditMark
	curOK := curRows.Next()
	if curOK {
		if err := curRows.Scan(&cur.Seq, &cur.Hash); err != nil {
			return ac, fmt.Errorf("read the audit log: %w", mapError(err))
		}
	}
	first, lost := "", 0
	for oldRows.Next() {
		var e data.AuditMark
		if err := oldRows.Scan(&e.Seq, &e.Hash); err != nil {
			return ac, fmt.Errorf("read the backup: %w", mapError(err))
		}
		for curOK && cur.Seq < e.Seq {
			if curOK = curRows.Next(); curOK {
				if err := curRows.Scan(&cur.Seq, &cur.Hash); err != nil {
					return ac, fmt.Errorf("read the audit log: %w", mapError(err))
				}
			}
		}
		switch {
		case !curOK || cur.Seq != e.Seq:
			lost++
			if first == "" {
				first = fmt.Sprintf("entry %d is gone", e.Seq)
			}
		case cur.Hash != e.Hash:
			lost++
			if first == "" {
				first = fmt.Sprintf("entry %d is not what it was", e.Seq)
			}
		}
	}
	if err := cmp.Or(oldRows.Err(), curRows.Err(), oldRows.Close(), curRows.Close()); err != nil {
		return ac, fmt.Errorf("compare with the backup: %w", mapError(err))
	}
	if lost > 0 {
		more := ""
		if lost > 1 {
			more = fmt.Sprintf(", and %s more of its %s entries %s gone or changed", wording.Thousands(lost-1), wording.Thousands(int(ac.Head.Seq)),
				wording.Plural(lost-1, "is", "are"))
		}
		ac.Breaks = append(ac.Breaks, fmt.Sprintf("The audit log has lost or changed entries since %s: %s%s.", when, first, more))
	}
	if err := keysAgainst(ctx, db, old, when, &ac); err != nil {
		return ac, err
	}
	head, err := s.AuditHead(ctx)
	if err != nil {
		return ac, err
	}
	ac.Added = max(0, head.Seq-ac.Head.Seq)
	return ac, nil
}

// keysAgainst checks that the signing keys of an earlier copy are all still here, unchanged but
// for being retired since.
func keysAgainst(ctx context.Context, db *sql.DB, old *Store, when string, ac *AgainstCheck) error {
	var has bool
	if err := old.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'practitioner_keys')`).Scan(&has); err != nil {
		return fmt.Errorf("read the backup: %w", mapError(err))
	}
	if !has {
		return nil // a copy from before signing keys
	}
	var keys []backupKey
	err := sqlstore.ScanAll(ctx, old.db, `SELECT id, practitioner_id, public_key, created_seq, retired_seq FROM practitioner_keys ORDER BY created_seq`,
		nil, func(r *sql.Rows) error {
			var k backupKey
			err := r.Scan(&k.id, &k.practitionerID, &k.public, &k.createdSeq, &k.retiredSeq)
			keys = append(keys, k)
			return err
		})
	if err != nil {
		return fmt.Errorf("read the backup: %w", err)
	}
	for _, k := range keys {
		var now backupKey
		err := db.QueryRowContext(ctx, `SELECT practitioner_id, public_key, created_seq, retired_seq FROM practitioner_keys WHERE id = ?`,
			k.id).Scan(&now.practitionerID, &now.public, &now.createdSeq, &now.retiredSeq)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			ac.Breaks = append(ac.Breaks, fmt.Sprintf("The signing key %s, made at audit entry %d, was in %s and is gone: entries it signed could have been rewritten unsigned.",
				k.id, k.createdSeq, when))
		case err != nil:
			return fmt.Errorf("read the signing keys: %w", mapError(err))
		case now.practitionerID != k.practitionerID || now.public != k.public || now.createdSeq != k.createdSeq ||
			(k.retiredSeq != 0 && now.retiredSeq != k.retiredSeq):
			ac.Breaks = append(ac.Breaks, fmt.Sprintf("The signing key %s, made at audit entry %d, is not what it was in %s: it was replaced.",
				k.id, k.createdSeq, when))
		}
	}
	return nil
}

// backupKey is a signing key as a backup has it.
type backupKey struct {
	id, practitionerID, public string
	createdSeq, retiredSeq     int64
}
