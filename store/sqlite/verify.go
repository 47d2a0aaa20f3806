package sqlite

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
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
	v := &verifier{ctx: ctx, q: tx, rep: &rep, signs: map[string][]string{}, amends: map[string][]string{},
		deletedClients: map[string]bool{}}
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

type verifier struct {
	ctx context.Context
	q   querier
	rep *VerifyReport

	signs          map[string][]string // session ID → record hashes its sign entries name
	signClient     map[string]string   // session ID → client ID, from its sign entries
	signBy         map[string]string   // session ID → the practitioner of its last sign entry
	amends         map[string][]string // session ID → record hashes its amend entries name
	deletedClients map[string]bool     // clients whose deletion is logged
	signed         map[string]bool     // signed sessions found

	keys        map[string]practitionerKey   // by key ID
	keysOf      map[string][]practitionerKey // by practitioner
	names       map[string]string            // practitioner ID → name
	pending     []sigCheck                   // signatures read, not checked yet
	unsigned    map[string]int               // practitioner ID → their entries no key signed
	lastSigned  int64                        // the last signed entry's number
	lastSigSeen bool

	keySeqs map[int64]bool             // the entries that made or retired a key, by the keys' rows
	keyLog  map[int64]data.AuditEntry  // those entries, as the log holds them
	created map[string]map[string]bool // entity ("client", "session") → IDs whose create entry is logged
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
	v.signClient, v.signBy = map[string]string{}, map[string]string{}
	expected, prev := int64(1), genesisHash
	var lastAt time.Time
	var lastSeq int64
	err := scanAll(v.ctx, v.q, `SELECT a.seq, a.at, a.practitioner_id, a.action, a.entity, a.entity_id, a.detail, a.prev_hash, a.hash,
		coalesce(s.key_id, ''), coalesce(s.signature, '')
		FROM audit_log a LEFT JOIN audit_signatures s ON s.seq = a.seq ORDER BY a.seq`, nil, func(r *sql.Rows) error {
		var e data.AuditEntry
		var at, keyID, sig string
		if err := r.Scan(&e.Seq, &at, &e.PractitionerID, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &e.Hash,
			&keyID, &sig); err != nil {
			return err
		}
		v.rep.AuditEntries++
		var err error
		if e.At, err = data.ParseTime(at); err != nil {
			v.breakf("Audit entry %d has an unreadable time %q: it was changed after it was written.", e.Seq, at)
		} else {
			if !lastAt.IsZero() && e.At.Before(lastAt.Add(-clockSlack)) {
				v.rep.Findings = append(v.rep.Findings, fmt.Sprintf(
					"Audit entry %d is dated %s, %s before entry %d (%s): the computer's clock was set back, or a date was changed.",
					e.Seq, e.At.Local().Format("2006-01-02 15:04:05"), lastAt.Sub(e.At).Round(time.Second), lastSeq,
					lastAt.Local().Format("2006-01-02 15:04:05")))
			}
			lastAt, lastSeq = e.At, e.Seq
		}
		if err := v.signature(e, keyID, sig); err != nil {
			return err
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
		if e.Entity == "session" && (e.Action == data.ActionSign || e.Action == data.ActionAmend) {
			if hash := detailField(e.Detail, "record "); hash != "" {
				if e.Action == data.ActionSign {
					v.signs[e.EntityID] = append(v.signs[e.EntityID], hash)
					v.signClient[e.EntityID] = detailField(e.Detail, "client ")
					v.signBy[e.EntityID] = e.PractitionerID
				} else {
					v.amends[e.EntityID] = append(v.amends[e.EntityID], hash)
				}
			}
		}
		if e.Entity == "client" && e.Action == data.ActionDelete {
			v.deletedClients[e.EntityID] = true
		}
		if ids := v.created[e.Entity]; ids != nil && e.Action == data.ActionCreate {
			ids[e.EntityID] = true
		}
		if v.keySeqs[e.Seq] {
			v.keyLog[e.Seq] = e
		}
		return nil
	})
	if err == nil {
		err = v.checkSignatures()
	}
	v.rep.Head, v.rep.HeadSeq = prev, expected-1
	if v.rep.AuditEntries == 0 {
		v.rep.Head = ""
	}
	return err
}

// keyEntries holds each signing key against the log: the entries its row says made and retired
// it must be in the log, be about its practitioner, and name it by its ID and the fingerprint of
// the public key the file holds. A key replaced in the file (an attacker's own, with the entries
// signed again and the chain recomputed) no longer matches the chained, signed entry that made
// it; an entry number beyond the log's end shows entries cut off it.
func (v *verifier) keyEntries() error {
	keys := make([]practitionerKey, 0, len(v.keys))
	for _, k := range v.keys {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b practitionerKey) int {
		return cmp.Or(cmp.Compare(a.createdSeq, b.createdSeq), strings.Compare(a.id, b.id))
	})
	head, unprinted := v.rep.HeadSeq, 0
	for _, k := range keys {
		fp := KeyFingerprint(k.public)
		what := fmt.Sprintf("%s's signing key (fingerprint %s…)", v.name(k.practitionerID), fp[:16])
		for _, made := range []bool{true, false} {
			seq, verb := k.createdSeq, "made"
			if !made {
				seq, verb = k.retiredSeq, "retired"
			}
			if !made && seq == 0 {
				continue
			}
			e, logged := v.keyLog[seq]
			id, print := detailField(e.Detail, "key "), detailField(e.Detail, "fingerprint ")
			if !made {
				id, print = detailField(e.Detail, "retired key "), detailField(e.Detail, "retired fingerprint ")
			}
			switch {
			case seq > head:
				v.breakf("%s was %s by audit entry %d, but the log ends at entry %d: entries were cut off its end.", what, verb, seq, head)
			case !logged:
				v.breakf("%s was %s by audit entry %d, which is not in the log: the key was changed outside Needlelog, or the entry removed.", what, verb, seq)
			case e.EntityID != k.practitionerID || (made && id != k.id) || (id != "" && id != k.id):
				v.breakf("%s was not %s by audit entry %d, which its row names: the key was changed outside Needlelog.", what, verb, seq)
			case print != "" && print != fp:
				v.breakf("%s is not the key audit entry %d %s: the key was replaced in the file, and the entries signed with it cannot be trusted.", what, seq, verb)
			case print == "" && made:
				unprinted++ // made before entries named keys by their fingerprint
			}
		}
	}
	if unprinted > 0 {
		v.rep.Lacks = append(v.rep.Lacks, fmt.Sprintf("%s made before Needlelog logged keys' fingerprints: a replacement of %s shows only "+
			"--against a backup kept elsewhere, or --head a head printed on an earlier record.",
			wording.Plural(unprinted, "1 signing key was", "%d signing keys were"), wording.Plural(unprinted, "it", "them")))
	}
	return nil
}

// records finds clients and sessions that no entry of the log made: added outside Needlelog, or
// made by entries since cut off the end of the log.
func (v *verifier) records() error {
	for _, r := range []struct{ table, entity string }{{"clients", "client"}, {"sessions", "session"}} {
		var ids []string
		n := 0
		err := scanAll(v.ctx, v.q, `SELECT id FROM `+r.table+` ORDER BY id`, nil, func(rows *sql.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !v.created[r.entity][id] {
				if n++; len(ids) < 3 {
					ids = append(ids, id)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if n > 0 {
			which := strings.Join(ids, ", ")
			if n > len(ids) {
				which += fmt.Sprintf(" and %d more", n-len(ids))
			}
			v.breakf("%s (%s) %s made by no entry of the audit log: %s added outside Needlelog, or the entries that made %s were cut off the end of the log.",
				wording.Plural(n, "1 "+r.entity, "%d "+r.table), which, wording.Plural(n, "was", "were"), wording.Plural(n, "it was", "they were"), wording.Plural(n, "it", "them"))
		}
	}
	return nil
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

func (v *verifier) checkSession(se data.Session, amendments []storedAmendment) {
	what := fmt.Sprintf("Signed session %s (%s)", se.ID, se.StartedAt.Local().Format("2006-01-02 15:04"))
	v.rep.Amendments += len(amendments)
	if hash, err := data.RecordHash(se); err != nil || hash != se.RecordHash {
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
		if data.HashBytes([]byte(a.recordBefore)) != a.prevHash {
			v.breakf("%s: the record kept from before amendment %d does not match its hash: it was changed.", what, a.n)
		} else if before, err := data.DecodeRecord([]byte(a.recordBefore)); err != nil || before.ID != se.ID ||
			before.Amendments != i || data.TimeText(before.SignedAt) != data.TimeText(se.SignedAt) || before.SignedBy != se.SignedBy {
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
	} else if by := v.signBy[se.ID]; by != se.SignedBy {
		v.breakf("%s names %s as its signer, but the audit log says %s signed it.", what, v.name(se.SignedBy), v.name(by))
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

// clockSlack is how far back an entry may be dated before the one before it without a finding:
// a computer's clock synchronising moves it by seconds, rarely more.
const clockSlack = 2 * time.Minute

// sigCheck is a signature to check.
type sigCheck struct {
	seq       int64
	public    ed25519.PublicKey
	hash, sig string
	what      string
}

// sigBatch is how many signatures are checked at once, spread over the processors.
const sigBatch = 2048

func (v *verifier) loadKeys() error {
	v.keys, v.keysOf, v.names, v.unsigned = map[string]practitionerKey{}, map[string][]practitionerKey{}, map[string]string{}, map[string]int{}
	v.keySeqs, v.keyLog = map[int64]bool{}, map[int64]data.AuditEntry{}
	v.created = map[string]map[string]bool{"client": {}, "session": {}}
	err := scanAll(v.ctx, v.q, `SELECT id, practitioner_id, public_key, created_seq, retired_seq FROM practitioner_keys ORDER BY created_seq`,
		nil, func(r *sql.Rows) error {
			var k practitionerKey
			if err := r.Scan(&k.id, &k.practitionerID, &k.public, &k.createdSeq, &k.retiredSeq); err != nil {
				return err
			}
			v.keys[k.id] = k
			v.keysOf[k.practitionerID] = append(v.keysOf[k.practitionerID], k)
			v.keySeqs[k.createdSeq] = true
			if k.retiredSeq != 0 {
				v.keySeqs[k.retiredSeq] = true
			}
			return nil
		})
	if err != nil {
		return err
	}
	return scanAll(v.ctx, v.q, `SELECT id, name FROM practitioners`, nil, func(r *sql.Rows) error {
		var id, name string
		err := r.Scan(&id, &name)
		v.names[id] = name
		return err
	})
}

// name is how a practitioner is named in a sentence.
func (v *verifier) name(id string) string {
	if n, ok := v.names[id]; ok {
		return n
	}
	return "practitioner " + id
}

// signature checks an entry's signature against the key its practitioner had at the time,
// and that an entry whose practitioner had a key is signed.
func (v *verifier) signature(e data.AuditEntry, keyID, sig string) error {
	what := fmt.Sprintf("Audit entry %d (%s %s by %s, %s)", e.Seq, e.Action, e.Entity, v.name(e.PractitionerID),
		e.At.Local().Format("2006-01-02 15:04"))
	if keyID == "" {
		for _, k := range v.keysOf[e.PractitionerID] {
			if k.inForce(e.Seq) {
				v.breakf("%s carries no signature, though %s's key was in force: it was written or rewritten without their passphrase.",
					what, v.name(e.PractitionerID))
				return nil
			}
		}
		v.unsigned[e.PractitionerID]++
		return nil
	}
	k, ok := v.keys[keyID]
	pub, err := hex.DecodeString(k.public)
	switch {
	case !ok:
		v.breakf("%s is signed with a key the practice does not have: the key was removed, or the signature made up.", what)
		return nil
	case k.practitionerID != e.PractitionerID:
		v.breakf("%s is signed with %s's key: the entry's practitioner was changed after it was written.", what, v.name(k.practitionerID))
		return nil
	case !k.inForce(e.Seq):
		v.breakf("%s is signed with a key that was not %s's at that point of the log.", what, v.name(e.PractitionerID))
		return nil
	case err != nil || len(pub) != ed25519.PublicKeySize:
		v.breakf("%s is signed with a key whose public half is damaged.", what)
		return nil
	}
	v.rep.SignedEntries++
	v.lastSigned, v.lastSigSeen = e.Seq, true
	v.pending = append(v.pending, sigCheck{seq: e.Seq, public: pub, hash: e.Hash, sig: sig, what: what})
	if len(v.pending) >= sigBatch {
		return v.checkSignatures()
	}
	return nil
}

// checkSignatures checks the signatures read so far, on every processor: a check takes about
// as long as reading a few hundred entries.
func (v *verifier) checkSignatures() error {
	bad := make([]bool, len(v.pending))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(v.pending); i += workers {
				c := v.pending[i]
				sig, err := hex.DecodeString(c.sig)
				bad[i] = err != nil || !ed25519.Verify(c.public, auditSigned(c.hash), sig)
			}
		})
	}
	wg.Wait()
	for i, c := range v.pending {
		if bad[i] {
			v.breakf("%s does not match its signature: it, or an entry before it, was changed after it was signed.", c.what)
		}
	}
	v.pending = v.pending[:0]
	return v.ctx.Err()
}

// lacks says which guarantees the log does not have: entries no key signed can be rewritten,
// chain and all, by someone with the file, unless a signed entry comes after them.
func (v *verifier) lacks() error {
	rep := v.rep
	if rep.AuditEntries == 0 {
		return nil
	}
	if len(v.keys) == 0 {
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("No practitioner has a passphrase, so none of the %s audit entries is signed: "+
			"someone with the file could rewrite the log and its chain together, and this check alone would not see it; "+
			"--against an earlier backup, or --head with the hash printed on an earlier record, still shows it.",
			wording.Thousands(rep.AuditEntries)))
		return nil
	}
	var without []string
	entries := 0
	for id, n := range v.unsigned {
		if id == "" || n == 0 {
			continue
		}
		inForce := false
		for _, k := range v.keysOf[id] {
			inForce = inForce || k.retiredSeq == 0
		}
		if !inForce {
			without = append(without, v.name(id))
			entries += n
		}
	}
	if len(without) > 0 {
		slices.Sort(without)
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("%s no passphrase, or set it before entries were signed (%s): the %s entries they wrote "+
			"are chained but not signed, so someone with the file could write entries in their name; an entry followed by a signed one "+
			"still cannot change unseen. Setting a passphrase makes a signing key (one set earlier makes it at the next sign-in).",
			wording.Plural(len(without), "1 practitioner has", "%d practitioners have"), strings.Join(without, ", "), wording.Thousands(entries)))
	}
	if tail := rep.HeadSeq - v.lastSigned; tail > 0 && v.lastSigSeen {
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("%s after entry %d, the last signed one, %s not signed: someone with the file could "+
			"rewrite or remove %s and the chain together; --against an earlier backup, or --head with the hash printed on an earlier record, still shows it.",
			wording.Plural(int(tail), "The 1 entry", "The %d entries"), v.lastSigned, wording.Plural(int(tail), "is", "are"), wording.Plural(int(tail), "it", "them")))
	} else if !v.lastSigSeen {
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("None of the %s audit entries is signed yet: someone with the file could rewrite the log "+
			"and its chain together; --against an earlier backup, or --head with the hash printed on an earlier record, still shows it.",
			wording.Thousands(rep.AuditEntries)))
	}
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
