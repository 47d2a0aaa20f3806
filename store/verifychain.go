package store

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/wording"
)

// SigningKey is a practitioner's signing key as the practice holds it.
type SigningKey struct {
	ID, PractitionerID string
	Public             string // the public key, in hexadecimal
	CreatedSeq         int64  // the audit entry that made it
	RetiredSeq         int64  // the audit entry that retired it; 0 while in force
}

// inForce reports whether the key is its practitioner's for the entry numbered seq.
func (k SigningKey) inForce(seq int64) bool {
	return seq >= k.CreatedSeq && (k.RetiredSeq == 0 || seq < k.RetiredSeq)
}

// AuditRow is an audit entry as stored, with its signature.
type AuditRow struct {
	data.AuditEntry        // At is set by ChainCheck.Entry from AtText
	AtText          string // the entry's time as stored
	KeyID           string // the key that signed it; "" for none
	Signature       string // in hexadecimal
}

// AmendmentRecord is a stored amendment of a signed session, as Verify checks it.
type AmendmentRecord struct {
	N                                  int
	PrevHash, RecordHash, RecordBefore string
}

// ChainCheck is the engine-neutral half of Audit.Verify: given the audit log's entries in order,
// the signing keys and the signed sessions, it says in the report whether the hash chain is
// intact, the signatures verify against the keys, and the sessions and their amendments match
// what the log holds. An engine reads the rows and hands them over in this order: Entry for each
// entry, EndChain, KeyEntries, the records (Unmade), Session for each signed session,
// SignedMissing with SessionGone, then Lacks.
type ChainCheck struct {
	ctx context.Context
	rep *VerifyReport

	signs          map[string][]string // session ID → record hashes its sign entries name
	signClient     map[string]string   // session ID → client ID, from its sign entries
	signBy         map[string]string   // session ID → the practitioner of its last sign entry
	amends         map[string][]string // session ID → record hashes its amend entries name
	deletedClients map[string]bool     // clients whose deletion is logged
	signed         map[string]bool     // signed sessions found

	keys        map[string]SigningKey   // by key ID
	keysOf      map[string][]SigningKey // by practitioner
	names       map[string]string       // practitioner ID → name
	pending     []sigCheck              // signatures read, not checked yet
	unsigned    map[string]int          // practitioner ID → their entries no key signed
	lastSigned  int64                   // the last signed entry's number
	lastSigSeen bool

	keySeqs map[int64]bool             // the entries that made or retired a key, by the keys' rows
	keyLog  map[int64]data.AuditEntry  // those entries, as the log holds them
	created map[string]map[string]bool // entity ("client", "session") → IDs whose create entry is logged

	expected, lastSeq int64 // the chain walk: the next entry's number, the last dated entry's
	prev              string
	lastAt            time.Time
}

// NewChainCheck starts a check that writes what it finds into rep; names are the practitioners'
// names by ID. ctx stops the signature checks.
func NewChainCheck(ctx context.Context, rep *VerifyReport, keys []SigningKey, names map[string]string) *ChainCheck {
	v := &ChainCheck{ctx: ctx, rep: rep, signs: map[string][]string{}, amends: map[string][]string{},
		deletedClients: map[string]bool{}, signClient: map[string]string{}, signBy: map[string]string{},
		keys: map[string]SigningKey{}, keysOf: map[string][]SigningKey{}, names: names, unsigned: map[string]int{},
		keySeqs: map[int64]bool{}, keyLog: map[int64]data.AuditEntry{},
		created:  map[string]map[string]bool{"client": {}, "session": {}},
		expected: 1, prev: data.GenesisHash}
	if v.names == nil {
		v.names = map[string]string{}
	}
	for _, k := range keys {
		v.keys[k.ID] = k
		v.keysOf[k.PractitionerID] = append(v.keysOf[k.PractitionerID], k)
		v.keySeqs[k.CreatedSeq] = true
		if k.RetiredSeq != 0 {
			v.keySeqs[k.RetiredSeq] = true
		}
	}
	return v
}

func (v *ChainCheck) breakf(format string, args ...any) {
	v.rep.Breaks = append(v.rep.Breaks, fmt.Sprintf(format, args...))
}

// clockSlack is how far back an entry may be dated before the one before it without a finding:
// a computer's clock synchronising moves it by seconds, rarely more.
const clockSlack = 2 * time.Minute

// Entry checks the next entry of the log against the one before it, and its signature, and notes
// the signatures, amendments and deletions it logs.
func (v *ChainCheck) Entry(r AuditRow) error {
	e := r.AuditEntry
	v.rep.AuditEntries++
	var err error
	if e.At, err = data.ParseTime(r.AtText); err != nil {
		v.breakf("Audit entry %d has an unreadable time %q: it was changed after it was written.", e.Seq, r.AtText)
	} else {
		if !v.lastAt.IsZero() && e.At.Before(v.lastAt.Add(-clockSlack)) {
			v.rep.Findings = append(v.rep.Findings, fmt.Sprintf(
				"Audit entry %d is dated %s, %s before entry %d (%s): the computer's clock was set back, or a date was changed.",
				e.Seq, e.At.Local().Format("2006-01-02 15:04:05"), v.lastAt.Sub(e.At).Round(time.Second), v.lastSeq,
				v.lastAt.Local().Format("2006-01-02 15:04:05")))
		}
		v.lastAt, v.lastSeq = e.At, e.Seq
	}
	if err := v.signature(e, r.KeyID, r.Signature); err != nil {
		return err
	}
	expected := v.expected
	switch {
	case e.Seq > expected && expected == e.Seq-1:
		v.breakf("Audit entry %d is missing: it was deleted.", expected)
	case e.Seq > expected:
		v.breakf("Audit entries %d to %d are missing: they were deleted.", expected, e.Seq-1)
	}
	switch {
	case err == nil && data.AuditHash(e) != e.Hash:
		v.breakf("Audit entry %d (%s %s %s) does not match its hash: it was changed or moved after it was written.",
			e.Seq, e.Action, e.Entity, e.EntityID)
	case e.PrevHash != v.prev && e.Seq == expected:
		v.breakf("Audit entry %d does not follow entry %d: the log was reordered, or an entry was removed or inserted.",
			e.Seq, e.Seq-1)
	}
	v.expected, v.prev = e.Seq+1, e.Hash
	v.note(e)
	return nil
}

// note records what an entry logs that later checks hold the records against.
func (v *ChainCheck) note(e data.AuditEntry) {
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
}

// EndChain checks the signatures still pending and notes the log's head.
func (v *ChainCheck) EndChain() error {
	err := v.checkSignatures()
	v.rep.Head, v.rep.HeadSeq = v.prev, v.expected-1
	if v.rep.AuditEntries == 0 {
		v.rep.Head = ""
	}
	return err
}

// KeyEntries holds each signing key against the log: the entries its row says made and retired
// it must be in the log, be about its practitioner, and name it by its ID and the fingerprint of
// the public key the file holds. A key replaced in the file (an attacker's own, with the entries
// signed again and the chain recomputed) no longer matches the chained, signed entry that made
// it; an entry number beyond the log's end shows entries cut off it.
func (v *ChainCheck) KeyEntries() {
	keys := make([]SigningKey, 0, len(v.keys))
	for _, k := range v.keys {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b SigningKey) int {
		return cmp.Or(cmp.Compare(a.CreatedSeq, b.CreatedSeq), strings.Compare(a.ID, b.ID))
	})
	head, unprinted := v.rep.HeadSeq, 0
	for _, k := range keys {
		fp := data.KeyFingerprint(k.Public)
		what := fmt.Sprintf("%s's signing key (fingerprint %s…)", v.name(k.PractitionerID), fp[:16])
		for _, made := range []bool{true, false} {
			seq, verb := k.CreatedSeq, "made"
			if !made {
				seq, verb = k.RetiredSeq, "retired"
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
			case e.EntityID != k.PractitionerID || (made && id != k.ID) || (id != "" && id != k.ID):
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
}

// Unmade collects the records of one kind (entity "client" in table "clients", "session" in
// "sessions") that no entry of the log made: added outside Needlelog, or made by entries since
// cut off the end of the log. Call Saw with each record's ID, then Done.
func (v *ChainCheck) Unmade(entity, table string) *UnmadeRecords {
	return &UnmadeRecords{v: v, entity: entity, table: table}
}

// UnmadeRecords is one kind of record being held against the log's create entries.
type UnmadeRecords struct {
	v             *ChainCheck
	entity, table string
	ids           []string // the first few not made
	n             int
}

// Saw holds the record id against the log.
func (u *UnmadeRecords) Saw(id string) {
	if !u.v.created[u.entity][id] {
		if u.n++; len(u.ids) < 3 {
			u.ids = append(u.ids, id)
		}
	}
}

// Done says which records no entry made, if any.
func (u *UnmadeRecords) Done() {
	n := u.n
	if n == 0 {
		return
	}
	which := strings.Join(u.ids, ", ")
	if n > len(u.ids) {
		which += fmt.Sprintf(" and %d more", n-len(u.ids))
	}
	u.v.breakf("%s (%s) %s made by no entry of the audit log: %s added outside Needlelog, or the entries that made %s were cut off the end of the log.",
		wording.Plural(n, "1 "+u.entity, "%d "+u.table), which, wording.Plural(n, "was", "were"), wording.Plural(n, "it was", "they were"), wording.Plural(n, "it", "them"))
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

// Session checks a signed session against its record hash, and its amendments (in order) against
// theirs and the log.
func (v *ChainCheck) Session(se data.Session, amendments []AmendmentRecord) {
	if v.signed == nil {
		v.signed = map[string]bool{}
	}
	v.signed[se.ID] = true
	v.rep.SignedSessions++
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
		if a.N != i+1 {
			v.breakf("%s is missing amendment %d: it was removed.", what, i+1)
			break
		}
		if data.HashBytes([]byte(a.RecordBefore)) != a.PrevHash {
			v.breakf("%s: the record kept from before amendment %d does not match its hash: it was changed.", what, a.N)
		} else if before, err := data.DecodeRecord([]byte(a.RecordBefore)); err != nil || before.ID != se.ID ||
			before.Amendments != i || data.TimeText(before.SignedAt) != data.TimeText(se.SignedAt) || before.SignedBy != se.SignedBy {
			v.breakf("%s: the record kept from before amendment %d is not this session's version %d.", what, a.N, i)
		}
		if i == 0 {
			signedHash = a.PrevHash
		} else if a.PrevHash != amendments[i-1].RecordHash {
			v.breakf("%s: amendment %d does not follow amendment %d.", what, a.N, a.N-1)
		}
		if i == len(amendments)-1 && a.RecordHash != se.RecordHash {
			v.breakf("%s: its record hash is not the one its last amendment made.", what)
		}
		if logged := v.amends[se.ID]; i >= len(logged) || logged[i] != a.RecordHash {
			v.breakf("%s: amendment %d is not in the audit log as it is stored.", what, a.N)
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

// SignedMissing lists the sessions the log says were signed that Session was not given: gone, or
// no longer signed. The engine looks each up and says what it found with SessionGone.
func (v *ChainCheck) SignedMissing() []string {
	var out []string
	for id := range v.signs {
		if !v.signed[id] {
			out = append(out, id)
		}
	}
	return out
}

// SessionGone reports a session the log says was signed: not there (found false), unless its
// client's deletion is logged, or there with the status it now has.
func (v *ChainCheck) SessionGone(id string, found bool, status string) {
	switch {
	case !found && v.deletedClients[v.signClient[id]]:
	case !found:
		v.breakf("Signed session %s is missing, and no deletion of its client is logged: it was deleted.", id)
	default:
		v.breakf("Session %s was signed but is now a %s: its signature was removed.", id, status)
	}
}

// sigCheck is a signature to check.
type sigCheck struct {
	seq       int64
	public    ed25519.PublicKey
	hash, sig string
	what      string
}

// sigBatch is how many signatures are checked at once, spread over the processors.
const sigBatch = 2048

// name is how a practitioner is named in a sentence.
func (v *ChainCheck) name(id string) string {
	if n, ok := v.names[id]; ok {
		return n
	}
	return "practitioner " + id
}

// signature checks an entry's signature against the key its practitioner had at the time,
// and that an entry whose practitioner had a key is signed.
func (v *ChainCheck) signature(e data.AuditEntry, keyID, sig string) error {
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
	pub, err := hex.DecodeString(k.Public)
	switch {
	case !ok:
		v.breakf("%s is signed with a key the practice does not have: the key was removed, or the signature made up.", what)
		return nil
	case k.PractitionerID != e.PractitionerID:
		v.breakf("%s is signed with %s's key: the entry's practitioner was changed after it was written.", what, v.name(k.PractitionerID))
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
func (v *ChainCheck) checkSignatures() error {
	bad := make([]bool, len(v.pending))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(v.pending); i += workers {
				c := v.pending[i]
				sig, err := hex.DecodeString(c.sig)
				bad[i] = err != nil || !ed25519.Verify(c.public, data.AuditSigned(c.hash), sig)
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

// Lacks says which guarantees the log does not have: entries no key signed can be rewritten,
// chain and all, by whoever holds the records (VerifyReport.Holder), unless a signed entry comes after them.
func (v *ChainCheck) Lacks() {
	rep := v.rep
	if rep.AuditEntries == 0 {
		return
	}
	holder := rep.Holder
	if holder == "" {
		holder = "someone with the file"
	}
	if len(v.keys) == 0 {
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("No practitioner has a passphrase, so none of the %s audit entries is signed: "+
			"%s could rewrite the log and its chain together, and this check alone would not see it; "+
			"--against an earlier backup, or --head with the hash printed on an earlier record, still shows it.",
			wording.Thousands(rep.AuditEntries), holder))
		return
	}
	var without []string
	entries := 0
	for id, n := range v.unsigned {
		if id == "" || n == 0 {
			continue
		}
		inForce := false
		for _, k := range v.keysOf[id] {
			inForce = inForce || k.RetiredSeq == 0
		}
		if !inForce {
			without = append(without, v.name(id))
			entries += n
		}
	}
	if len(without) > 0 {
		slices.Sort(without)
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("%s no passphrase, or set it before entries were signed (%s): the %s entries they wrote "+
			"are chained but not signed, so %s could write entries in their name; an entry followed by a signed one "+
			"still cannot change unseen. Setting a passphrase makes a signing key (one set earlier makes it at the next sign-in).",
			wording.Plural(len(without), "1 practitioner has", "%d practitioners have"), strings.Join(without, ", "), wording.Thousands(entries), holder))
	}
	if tail := rep.HeadSeq - v.lastSigned; tail > 0 && v.lastSigSeen {
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("%s after entry %d, the last signed one, %s not signed: %s could "+
			"rewrite or remove %s and the chain together; --against an earlier backup, or --head with the hash printed on an earlier record, still shows it.",
			wording.Plural(int(tail), "The 1 entry", "The %d entries"), v.lastSigned, wording.Plural(int(tail), "is", "are"), holder, wording.Plural(int(tail), "it", "them")))
	} else if !v.lastSigSeen {
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("None of the %s audit entries is signed yet: %s could rewrite the log "+
			"and its chain together; --against an earlier backup, or --head with the hash printed on an earlier record, still shows it.",
			wording.Thousands(rep.AuditEntries), holder))
	}
}
