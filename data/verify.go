package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// VerifyReport is what Verify found.
type VerifyReport struct {
	AuditEntries   int
	SignedSessions int
	Amendments     int
	// Head is the hash of the last audit entry. A hash chain shows any change to an entry and any
	// entry removed before the last; noting Head somewhere else (a printout, another disk) also
	// shows entries cut off the end since.
	Head   string
	Breaks []string // one sentence each; empty when everything checks out
}

// OK reports whether nothing was found wrong.
func (r VerifyReport) OK() bool { return len(r.Breaks) == 0 }

// Verify checks that the records can be trusted: it walks the audit log's hash chain, which shows
// an entry changed, removed or moved; checks every signed session against its record hash and its
// amendments against theirs; matches signatures and amendments with the audit log; and checks
// that the database's protections are in place. It reads in one transaction on a connection of its
// own and changes nothing. An error means the check could not be made; what it found wrong is in
// the report.
func (s *Store) Verify(ctx context.Context) (VerifyReport, error) {
	var rep VerifyReport
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
	v := &verifier{ctx: ctx, q: tx, rep: &rep, signs: map[string][]string{}, amends: map[string][]string{},
		deletedClients: map[string]bool{}}
	for _, step := range []func() error{v.triggers, v.chain, v.sessions, v.missingSessions} {
		if err := step(); err != nil {
			return rep, fmt.Errorf("verify: %w", err)
		}
	}
	return rep, ctx.Err()
}

type verifier struct {
	ctx context.Context
	q   querier
	rep *VerifyReport

	signs          map[string][]string // session ID → record hashes its sign entries name
	signClient     map[string]string   // session ID → client ID, from its sign entries
	amends         map[string][]string // session ID → record hashes its amend entries name
	deletedClients map[string]bool     // clients whose deletion is logged
	signed         map[string]bool     // signed sessions found
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

// chain walks the audit log in order, and notes the signatures, amendments and deletions it logs.
func (v *verifier) chain() error {
	v.signClient = map[string]string{}
	expected, prev := int64(1), genesisHash
	err := scanAll(v.ctx, v.q, `SELECT seq, at, practitioner_id, action, entity, entity_id, detail, prev_hash, hash
		FROM audit_log ORDER BY seq`, nil, func(r *sql.Rows) error {
		var e AuditEntry
		var at string
		if err := r.Scan(&e.Seq, &at, &e.PractitionerID, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return err
		}
		v.rep.AuditEntries++
		var err error
		if e.At, err = parseTime(at); err != nil {
			v.breakf("Audit entry %d has an unreadable time %q: it was changed after it was written.", e.Seq, at)
		}
		switch {
		case e.Seq > expected && expected == e.Seq-1:
			v.breakf("Audit entry %d is missing: it was deleted.", expected)
		case e.Seq > expected:
			v.breakf("Audit entries %d to %d are missing: they were deleted.", expected, e.Seq-1)
		}
		switch {
		case err == nil && auditHash(e) != e.Hash:
			v.breakf("Audit entry %d (%s %s %s) does not match its hash: it was changed or moved after it was written.",
				e.Seq, e.Action, e.Entity, e.EntityID)
		case e.PrevHash != prev && e.Seq == expected:
			v.breakf("Audit entry %d does not follow entry %d: the log was reordered, or an entry was removed or inserted.",
				e.Seq, e.Seq-1)
		}
		expected, prev = e.Seq+1, e.Hash
		if e.Entity == "session" && (e.Action == ActionSign || e.Action == ActionAmend) {
			if hash := detailField(e.Detail, "record "); hash != "" {
				if e.Action == ActionSign {
					v.signs[e.EntityID] = append(v.signs[e.EntityID], hash)
					v.signClient[e.EntityID] = detailField(e.Detail, "client ")
				} else {
					v.amends[e.EntityID] = append(v.amends[e.EntityID], hash)
				}
			}
		}
		if e.Entity == "client" && e.Action == ActionDelete {
			v.deletedClients[e.EntityID] = true
		}
		return nil
	})
	v.rep.Head = prev
	if v.rep.AuditEntries == 0 {
		v.rep.Head = ""
	}
	return err
}

// detailField reads "NAME VALUE" from a detail of "; "-separated parts; "" when absent.
func detailField(detail, name string) string {
	for _, part := range strings.Split(detail, "; ") {
		if v, ok := strings.CutPrefix(part, name); ok {
			return v
		}
	}
	return ""
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
	v.signed = make(map[string]bool, len(ids))
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
			v.signed[se.ID] = true
			v.rep.SignedSessions++
			v.checkSession(se, amendments[se.ID])
		}
	}
	return nil
}

// storedAmendment is what Verify reads of an amendment.
type storedAmendment struct {
	n                                  int
	prevHash, recordHash, recordBefore string
}

func loadAmendmentChains(ctx context.Context, q querier, ids []string) (map[string][]storedAmendment, error) {
	out := map[string][]storedAmendment{}
	err := scanAll(ctx, q, `SELECT session_id, n, prev_hash, record_hash, record_before
		FROM amendment_records WHERE session_id IN (`+placeholders(len(ids))+`) ORDER BY session_id, n`, anys(ids),
		func(r *sql.Rows) error {
			var id string
			var a storedAmendment
			err := r.Scan(&id, &a.n, &a.prevHash, &a.recordHash, &a.recordBefore)
			out[id] = append(out[id], a)
			return err
		})
	return out, err
}

func (v *verifier) checkSession(se Session, amendments []storedAmendment) {
	what := fmt.Sprintf("Signed session %s (%s)", se.ID, se.StartedAt.Local().Format("2006-01-02 15:04"))
	v.rep.Amendments += len(amendments)
	if hash, err := RecordHash(se); err != nil || hash != se.RecordHash {
		v.breakf("%s does not match its record hash: it was changed after it was signed or amended.", what)
	}
	if se.Amendments != len(amendments) {
		v.breakf("%s counts %d amendments but %d are stored.", what, se.Amendments, len(amendments))
	}
	signedHash := se.RecordHash
	for i, a := range amendments {
		if a.n != i+1 {
			v.breakf("%s is missing amendment %d: it was removed.", what, i+1)
			break
		}
		if hashBytes([]byte(a.recordBefore)) != a.prevHash {
			v.breakf("%s: the record kept from before amendment %d does not match its hash: it was changed.", what, a.n)
		} else if before, err := decodeRecord([]byte(a.recordBefore)); err != nil || before.ID != se.ID ||
			before.Amendments != i || timeText(before.SignedAt) != timeText(se.SignedAt) || before.SignedBy != se.SignedBy {
			v.breakf("%s: the record kept from before amendment %d is not this session's version %d.", what, a.n, i)
		}
		if i == 0 {
			signedHash = a.prevHash
		} else if a.prevHash != amendments[i-1].recordHash {
			v.breakf("%s: amendment %d does not follow amendment %d.", what, a.n, a.n-1)
		}
		if i == len(amendments)-1 && a.recordHash != se.RecordHash {
			v.breakf("%s: its record hash is not the one its last amendment made.", what)
		}
		if logged := v.amends[se.ID]; i >= len(logged) || logged[i] != a.recordHash {
			v.breakf("%s: amendment %d is not in the audit log as it is stored.", what, a.n)
		}
	}
	if logged := v.signs[se.ID]; len(logged) == 0 {
		v.breakf("%s has no signature in the audit log.", what)
	} else if logged[len(logged)-1] != signedHash {
		v.breakf("%s was signed with another record hash than the audit log holds: the signed version was changed.", what)
	}
}

// missingSessions reports sessions the audit log says were signed that are gone or no longer
// signed, unless their client's deletion is logged.
func (v *verifier) missingSessions() error {
	for id := range v.signs {
		if v.signed[id] {
			continue
		}
		var status string
		err := v.q.QueryRowContext(v.ctx, `SELECT status FROM sessions WHERE id = ?`, id).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows) && v.deletedClients[v.signClient[id]]:
		case errors.Is(err, sql.ErrNoRows):
			v.breakf("Signed session %s is missing, and no deletion of its client is logged: it was deleted.", id)
		case err != nil:
			return mapError(err)
		default:
			v.breakf("Session %s was signed but is now a %s: its signature was removed.", id, status)
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
func loadSessions(ctx context.Context, q querier, ids []string) ([]Session, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := placeholders(len(ids)), anys(ids)
	var out []Session
	index := map[string]int{}
	err := scanAll(ctx, q, `SELECT `+sessionColumns+` FROM sessions WHERE id IN (`+in+`)`, args, func(r *sql.Rows) error {
		var se Session
		if err := r.Scan(se.scanTargets()...); err != nil {
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
			var z ZoneTreatment
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
			var p ProductUse
			if err := r.Scan(&id, &p.ProductID, &p.Lot, &p.Expiry, &p.Phase, &p.Amount); err != nil {
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
				var e SideEffect
				if err := r.Scan(&e.ID, &e.SessionID, &e.Kind, &e.Severity, &e.DuringSession, &e.Onset, &e.Resolved,
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
			var o Override
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
	return s.Batch(ctx, func(b *Batch) error { return b.audit(ActionExport, what, id, "") })
}

// LogSignIn records in the audit log that a practitioner signed in.
func (s *Store) LogSignIn(ctx context.Context, practitionerID string) error {
	return s.Batch(ctx, func(b *Batch) error {
		b.actor = practitionerID
		return b.audit(ActionSignIn, "practitioner", practitionerID, "")
	})
}
