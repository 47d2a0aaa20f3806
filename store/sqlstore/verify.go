package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
)

// VerifyReport is what Verify found.
type VerifyReport = store.VerifyReport

// VerifyRecords makes Verify's checks of the records, read through q (one transaction): the audit
// log's hash chain and signatures, the clients and sessions it made, every signed session against
// its record hash and its amendments, and the signing keys. What it finds wrong is added to rep.
func (s *Store) VerifyRecords(ctx context.Context, q Querier, rep *VerifyReport) error {
	v := &verifier{ctx: ctx, q: q, rep: rep}
	rep.Holder = "someone with the file"
	if s.d.PostgreSQL {
		rep.Holder = "the server's administrator"
	}
	for _, step := range []func() error{v.loadKeys, v.chain, v.peerChains, v.keyEntries, v.records, v.sessions, v.missingSessions, v.lacks} {
		if err := step(); err != nil {
			return err
		}
	}
	keys, err := signingKeys(ctx, q)
	rep.Keys = keys
	return err
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

// peerChains walks the other devices' audit chains that their bundles brought, each from its
// entry 1 with that device's keys, after this device's own (store.ChainCheck.PeerChain).
func (v *verifier) peerChains() error {
	keys := map[string][]store.SigningKey{}
	err := scanAll(v.ctx, v.q, `SELECT device_id, id, practitioner_id, public_key, created_seq, retired_seq FROM peer_keys
		ORDER BY device_id, created_seq, id`, nil, func(r *sql.Rows) error {
		var device string
		var k store.SigningKey
		err := r.Scan(&device, &k.ID, &k.PractitionerID, &k.Public, &k.CreatedSeq, &k.RetiredSeq)
		keys[device] = append(keys[device], k)
		return err
	})
	if err != nil {
		return err
	}
	device, walking := "", false
	err = scanAll(v.ctx, v.q, `SELECT device_id, seq, at, practitioner_id, action, entity, entity_id, detail, prev_hash, hash,
		key_id, signature FROM peer_audit_log ORDER BY device_id, seq`, nil, func(r *sql.Rows) error {
		var d string
		var e store.AuditRow
		if err := r.Scan(&d, &e.Seq, &e.AtText, &e.PractitionerID, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash,
			&e.KeyID, &e.Signature); err != nil {
			return err
		}
		if !walking || d != device {
			if walking {
				if err := v.c.EndPeerChain(); err != nil {
					return err
				}
			}
			v.c.PeerChain(d, keys[d])
			delete(keys, d)
			device, walking = d, true
		}
		return v.c.Entry(e)
	})
	if err != nil {
		return err
	}
	if walking {
		if err := v.c.EndPeerChain(); err != nil {
			return err
		}
	}
	// Keys of a device whose chain is gone: held against an empty chain, they say so.
	for _, d := range slices.Sorted(maps.Keys(keys)) {
		v.c.PeerChain(d, keys[d])
		if err := v.c.EndPeerChain(); err != nil {
			return err
		}
	}
	v.c.EndPeerChains()
	return nil
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
