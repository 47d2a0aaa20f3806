package store

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
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
// entry, EndChain; then for each other device's chain its bundles brought, PeerChain, Entry for
// each of its entries from seq 1, EndPeerChain; then EndPeerChains, KeyEntries, the records
// (Unmade), Session for each signed session, SignedMissing with SessionGone, then Lacks.
//
// The records are held against the union of the chains: a record made, signed, amended or
// deleted by another device is logged in that device's chain, which came with it.
type ChainCheck struct {
	ctx context.Context
	rep *VerifyReport

	signs          map[string][]string  // session ID → record hashes its sign entries name, in any chain
	ownSigns       map[string]bool      // sessions this device's own chain logs signing
	signClient     map[string]string    // session ID → client ID, from its sign entries
	signBy         map[[2]string]string // session ID and signed hash → the practitioner of the sign entry naming it
	amends         map[string][]string  // session ID → record hashes its amend entries name, in any chain
	deletedClients map[string]bool      // clients whose deletion is logged, in any chain
	signed         map[string]bool      // signed sessions found

	names   map[string]string         // practitioner ID → name
	pending []sigCheck                // signatures read, not checked yet
	created map[string]map[string]int // entity ("client", "session") → IDs whose create entry is logged → the chain's number (1: own)

	own, w *chainWalk // this device's chain; the chain being walked
	chains int        // chains walked so far

	imports       map[string][]*importClaim // device ID → what this device's import entries say of its chain
	deviceNames   map[string]string         // device ID → its name, as the newest import entry naming it says
	peerUnprinted int                       // other devices' keys made before entries named keys' fingerprints
}

// chainWalk is one audit chain as it is walked: this device's own, or another device's.
type chainWalk struct {
	peer *PeerChainReport // nil for this device's own chain

	keys        map[string]SigningKey   // by key ID
	keysOf      map[string][]SigningKey // by practitioner
	unsigned    map[string]int          // practitioner ID → their entries no key signed
	lastSigned  int64                   // the last signed entry's number
	lastSigSeen bool

	keySeqs map[int64]bool            // the entries that made or retired a key, by the keys' rows
	keyLog  map[int64]data.AuditEntry // those entries, as the log holds them

	expected, lastSeq int64 // the next entry's number, the last dated entry's
	prev              string
	lastAt            time.Time
	breaks            int // len(rep.Breaks) when the walk began
}

func newChainWalk(keys []SigningKey) *chainWalk {
	w := &chainWalk{keys: map[string]SigningKey{}, keysOf: map[string][]SigningKey{}, unsigned: map[string]int{},
		keySeqs: map[int64]bool{}, keyLog: map[int64]data.AuditEntry{}, expected: 1, prev: data.GenesisHash}
	for _, k := range keys {
		w.keys[k.ID] = k
		w.keysOf[k.PractitionerID] = append(w.keysOf[k.PractitionerID], k)
		w.keySeqs[k.CreatedSeq] = true
		if k.RetiredSeq != 0 {
			w.keySeqs[k.RetiredSeq] = true
		}
	}
	return w
}

// of says which chain an entry belongs to, after its number: "" for this device's own.
func (w *chainWalk) of() string {
	if w.peer == nil {
		return ""
	}
	return " of the chain of " + w.peer.Said()
}

// importClaim is what an import entry of this device's chain says of the other device's chain:
// it held entry seq, with hash, when the bundle was made.
type importClaim struct {
	bundle, hash string
	seq          int64
	found, same  bool // the stored chain has entry seq; with that hash
}

// Audit entries' actions and entities that only ChainCheck reads.
const (
	actionImport = "import" // a bundle from another device applied: entity "bundle", its SHA-256
	entityBundle = "bundle"
)

// NewChainCheck starts a check that writes what it finds into rep; names are the practitioners'
// names by ID. ctx stops the signature checks.
func NewChainCheck(ctx context.Context, rep *VerifyReport, keys []SigningKey, names map[string]string) *ChainCheck {
	v := &ChainCheck{ctx: ctx, rep: rep, signs: map[string][]string{}, ownSigns: map[string]bool{}, amends: map[string][]string{},
		deletedClients: map[string]bool{}, signClient: map[string]string{}, signBy: map[[2]string]string{},
		names: names, created: map[string]map[string]int{"client": {}, "session": {}},
		imports: map[string][]*importClaim{}, deviceNames: map[string]string{}}
	if v.names == nil {
		v.names = map[string]string{}
	}
	v.own = newChainWalk(keys)
	v.w, v.chains = v.own, 1
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
	e, w := r.AuditEntry, v.w
	if w.peer == nil {
		v.rep.AuditEntries++
	} else {
		w.peer.Entries++
	}
	of := w.of()
	var err error
	if e.At, err = data.ParseTime(r.AtText); err != nil {
		v.breakf("Audit entry %d%s has an unreadable time %q: it was changed after it was written.", e.Seq, of, r.AtText)
	} else {
		if !w.lastAt.IsZero() && e.At.Before(w.lastAt.Add(-clockSlack)) {
			v.rep.Findings = append(v.rep.Findings, fmt.Sprintf(
				"Audit entry %d%s is dated %s, %s before entry %d (%s): the computer's clock was set back, or a date was changed.",
				e.Seq, of, e.At.Local().Format("2006-01-02 15:04:05"), w.lastAt.Sub(e.At).Round(time.Second), w.lastSeq,
				w.lastAt.Local().Format("2006-01-02 15:04:05")))
		}
		w.lastAt, w.lastSeq = e.At, e.Seq
	}
	if err := v.signature(e, r.KeyID, r.Signature); err != nil {
		return err
	}
	expected := w.expected
	switch {
	case e.Seq > expected && expected == e.Seq-1:
		v.breakf("Audit entry %d%s is missing: it was deleted.", expected, of)
	case e.Seq > expected:
		v.breakf("Audit entries %d to %d%s are missing: they were deleted.", expected, e.Seq-1, of)
	}
	switch {
	case err == nil && data.AuditHash(e) != e.Hash:
		v.breakf("Audit entry %d%s (%s %s %s) does not match its hash: it was changed or moved after it was written.",
			e.Seq, of, e.Action, e.Entity, e.EntityID)
	case e.PrevHash != w.prev && e.Seq == expected:
		v.breakf("Audit entry %d%s does not follow entry %d: the log was reordered, or an entry was removed or inserted.",
			e.Seq, of, e.Seq-1)
	}
	w.expected, w.prev = e.Seq+1, e.Hash
	v.note(e)
	return nil
}

// note records what an entry logs that later checks hold the records against.
func (v *ChainCheck) note(e data.AuditEntry) {
	w := v.w
	if e.Entity == "session" && (e.Action == data.ActionSign || e.Action == data.ActionAmend) {
		if hash := detailField(e.Detail, "record "); hash != "" {
			if e.Action == data.ActionSign {
				v.signs[e.EntityID] = append(v.signs[e.EntityID], hash)
				v.signClient[e.EntityID] = detailField(e.Detail, "client ")
				v.signBy[[2]string{e.EntityID, hash}] = e.PractitionerID
				if w.peer == nil {
					v.ownSigns[e.EntityID] = true
				}
			} else {
				v.amends[e.EntityID] = append(v.amends[e.EntityID], hash)
			}
		}
	}
	if e.Entity == "client" && e.Action == data.ActionDelete {
		v.deletedClients[e.EntityID] = true
	}
	if ids := v.created[e.Entity]; ids != nil && e.Action == data.ActionCreate && ids[e.EntityID] == 0 {
		ids[e.EntityID] = v.chains
	}
	if w.keySeqs[e.Seq] {
		w.keyLog[e.Seq] = e
	}
	if w.peer == nil && e.Action == actionImport && e.Entity == entityBundle {
		v.importEntry(e)
	}
	if w.peer != nil {
		for _, c := range v.imports[w.peer.DeviceID] {
			if c.seq == e.Seq {
				c.found, c.same = true, c.hash == e.Hash
			}
		}
	}
}

// importEntry notes what an import entry of this device's chain says of the other device's:
// which device, its name, and its chain's head when the bundle was made.
func (v *ChainCheck) importEntry(e data.AuditEntry) {
	device := detailField(e.Detail, "from ")
	head := strings.Fields(detailField(e.Detail, "head "))
	var seq int64
	if len(head) == 2 {
		seq, _ = strconv.ParseInt(head[0], 10, 64)
	}
	if device == "" || seq < 1 || len(head[1]) != 64 {
		v.breakf("The import of bundle %s (audit entry %d) does not say which device's chain it brought, and to which entry: it cannot be held against that chain.",
			short(e.EntityID, 12), e.Seq)
		return
	}
	if name := detailField(e.Detail, "name "); name != "" {
		v.deviceNames[device] = name
	}
	v.imports[device] = append(v.imports[device], &importClaim{bundle: e.EntityID, seq: seq, hash: head[1]})
}

// short is s cut to n characters and an ellipsis.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// PeerChain starts the walk of another device's audit chain, stored with the records its bundles
// brought, from its entry 1: Entry for each of its entries in order, then EndPeerChain. keys are
// that device's signing keys, their entry numbers in its chain. This device's chain was walked
// before (EndChain).
func (v *ChainCheck) PeerChain(deviceID string, keys []SigningKey) {
	v.chains++
	v.w = newChainWalk(keys)
	v.w.peer = &PeerChainReport{DeviceID: deviceID, Name: cmp.Or(v.deviceNames[deviceID], deviceID)}
	v.w.breaks = len(v.rep.Breaks)
}

// EndPeerChain checks the chain's pending signatures, its keys against its entries and this
// device's import entries against it, notes it in the report (VerifyReport.Chains), and goes
// back to this device's chain.
func (v *ChainCheck) EndPeerChain() error {
	w := v.w
	if w.peer == nil {
		return nil
	}
	err := v.checkSignatures()
	p := w.peer
	p.HeadSeq, p.Head = w.expected-1, w.prev
	if p.Entries == 0 {
		p.Head = ""
	}
	v.peerUnprinted += v.keyEntries(w)
	claims, named := v.imports[p.DeviceID], int64(0)
	for _, c := range claims {
		named = max(named, c.seq)
		switch {
		case !c.found:
			v.breakf("The import of bundle %s names entry %d of %s's chain, which is not stored: the chain was cut short, or entries of it removed, after the import.",
				short(c.bundle, 12), c.seq, p.Name)
		case !c.same:
			v.breakf("The import of bundle %s names entry %d of %s's chain with the hash %s, but the stored entry %d has another: that chain was changed or replaced after the import.",
				short(c.bundle, 12), c.seq, p.Name, short(c.hash, 16), c.seq)
		}
	}
	delete(v.imports, p.DeviceID)
	switch {
	case len(claims) == 0:
		v.rep.Findings = append(v.rep.Findings, fmt.Sprintf("The chain of %s is stored, but no import entry of this device's audit log names it: it came in another device's bundle, or was added outside Needlelog.",
			p.Said()))
	case p.HeadSeq > named:
		v.rep.Findings = append(v.rep.Findings, fmt.Sprintf("The chain of %s goes on to entry %d, past entry %d, the last an import entry of this device's audit log names: the entries after it came in another device's bundle, or were added outside Needlelog.",
			p.Said(), p.HeadSeq, named))
	}
	p.Intact = len(v.rep.Breaks) == w.breaks
	v.rep.Chains = append(v.rep.Chains, *p)
	v.w = v.own
	return err
}

// EndPeerChains says which import entries of this device's chain name a device whose chain is
// not stored at all. Call it after the last EndPeerChain.
func (v *ChainCheck) EndPeerChains() {
	devices := slices.Sorted(maps.Keys(v.imports))
	for _, d := range devices {
		for _, c := range v.imports[d] {
			v.breakf("The import of bundle %s names entry %d of %s's chain, which is not stored: the chain of %s is missing.",
				short(c.bundle, 12), c.seq, cmp.Or(v.deviceNames[d], d), (&PeerChainReport{DeviceID: d, Name: cmp.Or(v.deviceNames[d], d)}).Said())
		}
	}
	v.imports = map[string][]*importClaim{}
}

// EndChain checks the signatures still pending and notes the log's head.
func (v *ChainCheck) EndChain() error {
	err := v.checkSignatures()
	v.rep.Head, v.rep.HeadSeq = v.own.prev, v.own.expected-1
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
	unprinted := v.keyEntries(v.own) + v.peerUnprinted
	if unprinted > 0 {
		v.rep.Lacks = append(v.rep.Lacks, fmt.Sprintf("%s made before Needlelog logged keys' fingerprints: a replacement of %s shows only "+
			"--against a backup kept elsewhere, or --head a head printed on an earlier record.",
			wording.Plural(unprinted, "1 signing key was", "%d signing keys were"), wording.Plural(unprinted, "it", "them")))
	}
}

// keyEntries holds the keys of one chain against its entries, and says how many were made
// before entries named keys' fingerprints.
func (v *ChainCheck) keyEntries(w *chainWalk) (unprinted int) {
	keys := slices.Collect(maps.Values(w.keys))
	slices.SortFunc(keys, func(a, b SigningKey) int {
		return cmp.Or(cmp.Compare(a.CreatedSeq, b.CreatedSeq), strings.Compare(a.ID, b.ID))
	})
	head, of, log := w.expected-1, w.of(), "the log"
	if w.peer != nil {
		log = "that chain"
	}
	for _, k := range keys {
		fp := data.KeyFingerprint(k.Public)
		what := fmt.Sprintf("%s's signing key (fingerprint %s)", v.name(k.PractitionerID), short(fp, 16))
		if w.peer != nil {
			what = fmt.Sprintf("%s's signing key on %s (fingerprint %s)", v.name(k.PractitionerID), w.peer.Said(), short(fp, 16))
		}
		for _, made := range []bool{true, false} {
			seq, verb := k.CreatedSeq, "made"
			if !made {
				seq, verb = k.RetiredSeq, "retired"
			}
			if !made && seq == 0 {
				continue
			}
			e, logged := w.keyLog[seq]
			id, print := detailField(e.Detail, "key "), detailField(e.Detail, "fingerprint ")
			if !made {
				id, print = detailField(e.Detail, "retired key "), detailField(e.Detail, "retired fingerprint ")
			}
			switch {
			case seq > head:
				v.breakf("%s was %s by audit entry %d%s, but %s ends at entry %d: entries were cut off its end.", what, verb, seq, of, log, head)
			case !logged:
				v.breakf("%s was %s by audit entry %d%s, which is not in %s: the key was changed outside Needlelog, or the entry removed.", what, verb, seq, of, log)
			case e.EntityID != k.PractitionerID || (made && id != k.ID) || (id != "" && id != k.ID):
				v.breakf("%s was not %s by audit entry %d%s, which its row names: the key was changed outside Needlelog.", what, verb, seq, of)
			case print != "" && print != fp:
				v.breakf("%s is not the key audit entry %d%s %s: the key was replaced in the file, and the entries signed with it cannot be trusted.", what, seq, of, verb)
			case print == "" && made:
				unprinted++ // made before entries named keys by their fingerprint
			}
		}
	}
	return unprinted
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

// Saw holds the record id against the log, and counts it for the chain that made it.
func (u *UnmadeRecords) Saw(id string) {
	chain := u.v.created[u.entity][id]
	if chain == 0 {
		if u.n++; len(u.ids) < 3 {
			u.ids = append(u.ids, id)
		}
		return
	}
	made := &u.v.rep.MadeHere
	if chain > 1 && chain-2 < len(u.v.rep.Chains) {
		made = &u.v.rep.Chains[chain-2].Made
	}
	switch u.entity {
	case "client":
		made.Clients++
	case "session":
		made.Sessions++
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
		// Any chain's amend entry will do: two devices may each have amended it; the order is
		// the amendments' own links, checked above.
		if !slices.Contains(v.amends[se.ID], a.RecordHash) {
			v.breakf("%s: amendment %d is not in the audit log as it is stored.", what, a.N)
		}
	}
	if logged := v.signs[se.ID]; len(logged) == 0 {
		v.breakf("%s has no signature in the audit log.", what)
	} else if !slices.Contains(logged, signedHash) {
		v.breakf("%s was signed with another record hash than the audit log holds: the signed version was changed.", what)
	} else if by := v.signBy[[2]string{se.ID, signedHash}]; by != se.SignedBy {
		v.breakf("%s names %s as its signer, but the audit log says %s signed it.", what, v.name(se.SignedBy), v.name(by))
	}
}

// SignedMissing lists the sessions this device's own log says were signed that Session was not
// given: gone, or no longer signed. The engine looks each up and says what it found with
// SessionGone. A session another device signed need not be here: its bundle may not have brought
// it, or its client was deleted here.
func (v *ChainCheck) SignedMissing() []string {
	var out []string
	for id := range v.ownSigns {
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
	w := v.w
	what := fmt.Sprintf("Audit entry %d%s (%s %s by %s, %s)", e.Seq, w.of(), e.Action, e.Entity, v.name(e.PractitionerID),
		e.At.Local().Format("2006-01-02 15:04"))
	practice := "the practice does not have"
	if w.peer != nil {
		practice = "that device did not have"
	}
	if keyID == "" {
		for _, k := range w.keysOf[e.PractitionerID] {
			if k.inForce(e.Seq) {
				v.breakf("%s carries no signature, though %s's key was in force: it was written or rewritten without their passphrase.",
					what, v.name(e.PractitionerID))
				return nil
			}
		}
		w.unsigned[e.PractitionerID]++
		return nil
	}
	k, ok := w.keys[keyID]
	pub, err := hex.DecodeString(k.Public)
	switch {
	case !ok:
		v.breakf("%s is signed with a key %s: the key was removed, or the signature made up.", what, practice)
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
	if w.peer == nil {
		v.rep.SignedEntries++
	} else {
		w.peer.SignedEntries++
	}
	w.lastSigned, w.lastSigSeen = e.Seq, true
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
	own := v.own
	if len(own.keys) == 0 {
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("No practitioner has a passphrase, so none of the %s audit entries is signed: "+
			"%s could rewrite the log and its chain together, and this check alone would not see it; "+
			"--against an earlier backup, or --head with the hash printed on an earlier record, still shows it.",
			wording.Thousands(rep.AuditEntries), holder))
		return
	}
	var without []string
	entries := 0
	for id, n := range own.unsigned {
		if id == "" || n == 0 {
			continue
		}
		inForce := false
		for _, k := range own.keysOf[id] {
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
	if tail := rep.HeadSeq - own.lastSigned; tail > 0 && own.lastSigSeen {
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("%s after entry %d, the last signed one, %s not signed: %s could "+
			"rewrite or remove %s and the chain together; --against an earlier backup, or --head with the hash printed on an earlier record, still shows it.",
			wording.Plural(int(tail), "The 1 entry", "The %d entries"), own.lastSigned, wording.Plural(int(tail), "is", "are"), holder, wording.Plural(int(tail), "it", "them")))
	} else if !own.lastSigSeen {
		rep.Lacks = append(rep.Lacks, fmt.Sprintf("None of the %s audit entries is signed yet: %s could rewrite the log "+
			"and its chain together; --against an earlier backup, or --head with the hash printed on an earlier record, still shows it.",
			wording.Thousands(rep.AuditEntries), holder))
	}
}
