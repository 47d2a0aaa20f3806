package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
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
	v := &verifier{ctx: ctx, q: tx, rep: &rep}
	for _, step := range []func() error{v.triggers, v.loadKeys, v.chain, v.keyEntries, v.records, v.sessions, v.missingSessions, v.lacks} {
		if err := step(); err != nil {
			return rep, fmt.Errorf("verify: %w", err)
		}
	}
	if rep.Keys, err = signingKeys(ctx, tx); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	return rep, ctx.Err()
}

// verifier reads what Verify checks from the file and hands it to the engine-neutral checks.
type verifier struct {
	ctx context.Context
	q   querier
	rep *VerifyReport
	c   *store.ChainCheck // made by loadKeys
}

func (v *verifier) breakf(format string, args ...any) {
	v.rep.Breaks = append(v.rep.Breaks, fmt.Sprintf(format, args...))
}

// triggers compares the file's tables, indexes, triggers and views with those Needlelog made:
// a protection removed or replaced by one that does nothing, or a trigger added that changes
// records as they are saved, and the records are no longer what Needlelog wrote.
func (v *verifier) triggers() error {
	changes, err := schemaDifferences(v.ctx, v.q, SchemaVersion())
	if err != nil {
		return fmt.Errorf("compare the schema with Needlelog's: %w", mapError(err))
	}
	for _, c := range changes {
		v.breakf("The database's design was changed outside Needlelog (%s): what was saved since, and the protection of signed records and the audit log, cannot be trusted.", c)
	}
	return nil
}

// chain walks the audit log in order (store.ChainCheck).
func (v *verifier) chain() error {
	err := scanAll(v.ctx, v.q, `SELECT a.seq, a.at, a.practitioner_id, a.action, a.entity, a.entity_id, a.detail, a.prev_hash, a.hash,
		coalesce(s.key_id, ''), coalesce(s.signature, '')
		FROM audit_log a LEFT JOIN audit_signatures s ON s.seq = a.seq ORDER BY a.seq`, nil, func(r *sql.Rows) error {
		var e store.AuditRow
		if err := r.Scan(&e.Seq, &e.AtText, &e.PractitionerID, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash,
			&e.KeyID, &e.Signature); err != nil {
			return err
		}
		return v.c.Entry(e)
	})
	if err == nil {
		return v.c.EndChain()
	}
	v.c.EndChain() //nolint:errcheck // the head is noted all the same; err says why the walk stopped
	return err
}

// keyEntries holds each signing key against the log (store.ChainCheck.KeyEntries).
func (v *verifier) keyEntries() error {
	v.c.KeyEntries()
	return nil
}

// records finds clients and sessions that no entry of the log made: added outside Needlelog, or
// made by entries since cut off the end of the log.
func (v *verifier) records() error {
	for _, r := range []struct{ table, entity string }{{"clients", "client"}, {"sessions", "session"}} {
		u := v.c.Unmade(r.entity, r.table)
		err := scanAll(v.ctx, v.q, `SELECT id FROM `+r.table+` ORDER BY id`, nil, func(rows *sql.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			u.Saw(id)
			return nil
		})
		if err != nil {
			return err
		}
		u.Done()
	}
	return nil
}

// verifyChunk is how many signed sessions are read at once.
const verifyChunk = 500

// sessions checks every signed session against its record hash, and its amendments.
func (v *verifier) sessions() error {
	var ids []string
	err := scanAll(v.ctx, v.q, `SELECT id FROM sessions WHERE status = 'signed' ORDER BY id`, nil, func(r *sql.Rows) error {
		var id string
		err := r.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return err
	}
	for start := 0; start < len(ids); start += verifyChunk {
		if err := v.ctx.Err(); err != nil {
			return err
		}
		chunk := ids[start:min(start+verifyChunk, len(ids))]
		sessions, err := loadSessions(v.ctx, v.q, chunk)
		if err != nil {
			return err
		}
		amendments, err := loadAmendmentChains(v.ctx, v.q, chunk)
		if err != nil {
			return err
		}
		for _, se := range sessions {
			v.c.Session(se, amendments[se.ID])
		}
	}
	return nil
}

func loadAmendmentChains(ctx context.Context, q querier, ids []string) (map[string][]store.AmendmentRecord, error) {
	out := map[string][]store.AmendmentRecord{}
	err := scanAll(ctx, q, `SELECT session_id, n, prev_hash, record_hash, record_before
		FROM amendment_records WHERE session_id IN (`+placeholders(len(ids))+`) ORDER BY session_id, n`, anys(ids),
		func(r *sql.Rows) error {
			var id string
			var a store.AmendmentRecord
			err := r.Scan(&id, &a.N, &a.PrevHash, &a.RecordHash, &a.RecordBefore)
			out[id] = append(out[id], a)
			return err
		})
	return out, err
}

// missingSessions reports sessions the audit log says were signed that are gone or no longer
// signed, unless their client's deletion is logged.
func (v *verifier) missingSessions() error {
	for _, id := range v.c.SignedMissing() {
		var status string
		err := v.q.QueryRowContext(v.ctx, `SELECT status FROM sessions WHERE id = ?`, id).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.c.SessionGone(id, false, "")
		case err != nil:
			return mapError(err)
		default:
			v.c.SessionGone(id, true, status)
		}
	}
	return nil
}

func anys(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// loadSessions reads many sessions as loadSession reads one, in a few queries.
func loadSessions(ctx context.Context, q querier, ids []string) ([]data.Session, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := placeholders(len(ids)), anys(ids)
	var out []data.Session
	index := map[string]int{}
	err := scanAll(ctx, q, `SELECT `+sessionColumns+` FROM sessions WHERE id IN (`+in+`)`, args, func(r *sql.Rows) error {
		var se data.Session
		if err := r.Scan(sessionTargets(&se)...); err != nil {
			return err
		}
		index[se.ID] = len(out)
		out = append(out, se)
		return nil
	})
	if err == nil {
		err = scanAll(ctx, q, `SELECT session_id, zone, depth_mm, speed, passes, pattern, endpoint FROM session_zones
			WHERE session_id IN (`+in+`) ORDER BY session_id, position`, args, func(r *sql.Rows) error {
			var id string
			var z data.ZoneTreatment
			if err := r.Scan(&id, &z.Zone, &z.DepthMM, &z.Speed, &z.Passes, &z.Pattern, &z.Endpoint); err != nil {
				return err
			}
			out[index[id]].Zones = append(out[index[id]].Zones, z)
			return nil
		})
	}
	if err == nil {
		err = scanAll(ctx, q, `SELECT session_id, product_id, lot, expiry, phase, amount FROM session_products
			WHERE session_id IN (`+in+`) ORDER BY session_id, position`, args, func(r *sql.Rows) error {
			var id string
			var p data.ProductUse
			if err := r.Scan(&id, &p.ProductID, &p.Lot, dateCol{&p.Expiry}, &p.Phase, &p.Amount); err != nil {
				return err
			}
			out[index[id]].Products = append(out[index[id]].Products, p)
			return nil
		})
	}
	if err == nil {
		err = scanAll(ctx, q, `SELECT id, session_id, kind, severity, during_session, onset, resolved, treatment, notes,
			`+sealedColumn+`, created_at, updated_at FROM side_effects WHERE session_id IN (`+in+`) ORDER BY session_id, onset, created_at`,
			args, func(r *sql.Rows) error {
				var e data.SideEffect
				if err := r.Scan(&e.ID, &e.SessionID, &e.Kind, &e.Severity, &e.DuringSession, dateCol{&e.Onset}, dateCol{&e.Resolved},
					&e.Treatment, &e.Notes, &e.Sealed, timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt}); err != nil {
					return err
				}
				out[index[e.SessionID]].SideEffects = append(out[index[e.SessionID]].SideEffects, e)
				return nil
			})
	}
	if err == nil {
		err = scanAll(ctx, q, `SELECT session_id, rule, reason, coalesce(practitioner_id, ''), at FROM session_overrides
			WHERE session_id IN (`+in+`) ORDER BY session_id, at, rule`, args, func(r *sql.Rows) error {
			var id string
			var o data.Override
			if err := r.Scan(&id, &o.Rule, &o.Reason, &o.PractitionerID, timeCol{&o.At}); err != nil {
				return err
			}
			out[index[id]].Overrides = append(out[index[id]].Overrides, o)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	return out, nil
}

// LogExport records in the audit log that something was exported: what ("session", "client",
// "aftercare", "recall", "sheets", "archive"...) and its ID, lot or period ("" for everything).
func (s *Store) LogExport(ctx context.Context, what, id string) error {
	return s.batch(ctx, func(b *Batch) error { return b.audit(data.ActionExport, what, id, "") })
}

// LogSignIn records in the audit log that a practitioner signed in.
func (s *Store) LogSignIn(ctx context.Context, practitionerID string) error {
	return s.batch(ctx, func(b *Batch) error {
		b.SetActor(practitionerID)
		return b.audit(data.ActionSignIn, "practitioner", practitionerID, "")
	})
}

// loadKeys reads the signing keys and the practitioners' names, and starts the checks over the log.
func (v *verifier) loadKeys() error {
	var keys []store.SigningKey
	err := scanAll(v.ctx, v.q, `SELECT id, practitioner_id, public_key, created_seq, retired_seq FROM practitioner_keys ORDER BY created_seq`,
		nil, func(r *sql.Rows) error {
			var k store.SigningKey
			err := r.Scan(&k.ID, &k.PractitionerID, &k.Public, &k.CreatedSeq, &k.RetiredSeq)
			keys = append(keys, k)
			return err
		})
	if err != nil {
		return err
	}
	names := map[string]string{}
	err = scanAll(v.ctx, v.q, `SELECT id, name FROM practitioners`, nil, func(r *sql.Rows) error {
		var id, name string
		err := r.Scan(&id, &name)
		names[id] = name
		return err
	})
	v.c = store.NewChainCheck(v.ctx, v.rep, keys, names)
	return err
}

// lacks says which guarantees the log does not have (store.ChainCheck.Lacks).
func (v *verifier) lacks() error {
	v.c.Lacks()
	return nil
}

// HeadCheck is what VerifyHead found.
type HeadCheck = store.HeadCheck

// VerifyHead looks for the audit entry whose hash is hash, as printed on a session record: a
// log that lost entries off its end since no longer has it.
func (s *Store) VerifyHead(ctx context.Context, hash string) (HeadCheck, error) {
	hash = strings.ToLower(strings.TrimSpace(hash))
	var hc HeadCheck
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT seq, at, hash FROM audit_log WHERE hash = ?`, hash).Scan(&hc.Entry.Seq, &at, &hc.Entry.Hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		hc.Break = fmt.Sprintf("No entry of the audit log has the hash %s: the entries up to it were removed or changed since it was printed.", hash)
		return hc, nil
	case err != nil:
		return hc, fmt.Errorf("verify head: %w", mapError(err))
	}
	hc.Found = true
	hc.At, _ = data.ParseTime(at)
	head, err := s.AuditHead(ctx)
	if err != nil {
		return hc, fmt.Errorf("verify head: %w", err)
	}
	hc.Added = head.Seq - hc.Entry.Seq
	return hc, nil
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
	var keys []practitionerKey
	err := scanAll(ctx, old.db, `SELECT id, practitioner_id, public_key, created_seq, retired_seq FROM practitioner_keys ORDER BY created_seq`,
		nil, func(r *sql.Rows) error {
			var k practitionerKey
			err := r.Scan(&k.id, &k.practitionerID, &k.public, &k.createdSeq, &k.retiredSeq)
			keys = append(keys, k)
			return err
		})
	if err != nil {
		return fmt.Errorf("read the backup: %w", err)
	}
	for _, k := range keys {
		var now practitionerKey
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
