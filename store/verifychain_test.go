package store_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
)

// testLog is an audit log made as an engine writes one: chained, and signed by Ana's key from
// the entry that made it.
type testLog struct {
	rows []store.AuditRow
	key  store.SigningKey
	priv ed25519.PrivateKey
}

func newTestLog(t *testing.T, n int) *testLog {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	l := &testLog{priv: priv, key: store.SigningKey{ID: "k1", PractitionerID: "p1", Public: hex.EncodeToString(pub), CreatedSeq: 2}}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	prev := data.GenesisHash
	for seq := int64(1); seq <= int64(n); seq++ {
		e := data.AuditEntry{Seq: seq, At: at.Add(time.Duration(seq) * time.Minute), PractitionerID: "p1",
			Action: data.ActionCreate, Entity: "client", EntityID: "c" + string(rune('0'+seq)), PrevHash: prev}
		if seq == 2 {
			e.Action, e.Entity, e.EntityID = data.ActionUpdate, "practitioner", "p1"
			e.Detail = "key k1; fingerprint " + data.KeyFingerprint(l.key.Public)
		}
		prev = l.add(e, seq >= 2)
	}
	return l
}

// add chains e, signs it when sign, and returns its hash.
func (l *testLog) add(e data.AuditEntry, sign bool) string {
	e.Hash = data.AuditHash(e)
	r := store.AuditRow{AuditEntry: e, AtText: data.TimeText(e.At)}
	if sign {
		r.KeyID, r.Signature = l.key.ID, hex.EncodeToString(ed25519.Sign(l.priv, data.AuditSigned(e.Hash)))
	}
	l.rows = append(l.rows, r)
	return e.Hash
}

// check runs the checks over the log's rows as an engine hands them over.
func (l *testLog) check(t *testing.T, rows []store.AuditRow) store.VerifyReport {
	t.Helper()
	var rep store.VerifyReport
	c := store.NewChainCheck(context.Background(), &rep, []store.SigningKey{l.key}, map[string]string{"p1": "Ana"})
	for _, r := range rows {
		if err := c.Entry(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.EndChain(); err != nil {
		t.Fatal(err)
	}
	c.KeyEntries()
	c.Lacks()
	return rep
}

func hasBreak(rep store.VerifyReport, part string) bool {
	for _, b := range rep.Breaks {
		if strings.Contains(b, part) {
			return true
		}
	}
	return false
}

func TestChainCheckIntactLog(t *testing.T) {
	l := newTestLog(t, 5)
	rep := l.check(t, l.rows)
	if !rep.OK() || rep.AuditEntries != 5 || rep.SignedEntries != 4 || rep.HeadSeq != 5 || rep.Head != l.rows[4].Hash {
		t.Fatalf("an intact log: %+v", rep)
	}
	if len(rep.Findings) != 0 || len(rep.Lacks) != 0 {
		t.Errorf("an intact, signed log has findings %q and lacks %q", rep.Findings, rep.Lacks)
	}
}

func TestChainCheckFindsChangesRemovalsAndForgedSignatures(t *testing.T) {
	changed := newTestLog(t, 5)
	changed.rows[2].Detail = "changed afterwards"
	if rep := changed.check(t, changed.rows); !hasBreak(rep, "Audit entry 3 (create client c3) does not match its hash") {
		t.Errorf("a changed entry: %q", rep.Breaks)
	}

	removed := newTestLog(t, 5)
	rows := append(append([]store.AuditRow{}, removed.rows[:2]...), removed.rows[3:]...)
	if rep := removed.check(t, rows); !hasBreak(rep, "Audit entry 3 is missing: it was deleted.") {
		t.Errorf("a removed entry: %q", rep.Breaks)
	}

	forged := newTestLog(t, 5)
	_, other, _ := ed25519.GenerateKey(nil)
	forged.rows[3].Signature = hex.EncodeToString(ed25519.Sign(other, data.AuditSigned(forged.rows[3].Hash)))
	if rep := forged.check(t, forged.rows); !hasBreak(rep, "Audit entry 4 (create client by Ana") || !hasBreak(rep, "does not match its signature") {
		t.Errorf("a forged signature: %q", rep.Breaks)
	}

	unsigned := newTestLog(t, 5)
	unsigned.rows[4].KeyID, unsigned.rows[4].Signature = "", ""
	if rep := unsigned.check(t, unsigned.rows); !hasBreak(rep, "carries no signature, though Ana's key was in force") {
		t.Errorf("a signature removed: %q", rep.Breaks)
	}
}

func TestChainCheckClockSetBackAndUnsignedTail(t *testing.T) {
	l := newTestLog(t, 2)
	e := l.rows[1].AuditEntry
	e.Seq, e.PrevHash, e.At, e.Detail = 3, e.Hash, e.At.Add(-time.Hour), ""
	e.Action, e.Entity, e.EntityID = data.ActionCreate, "client", "c3"
	_ = l.add(e, false) // written after Ana's key was made, unsigned: a break too
	rep := l.check(t, l.rows)
	if len(rep.Findings) != 1 || !strings.Contains(rep.Findings[0], "Audit entry 3 is dated") || !strings.Contains(rep.Findings[0], "clock was set back") {
		t.Errorf("findings %q", rep.Findings)
	}
	if len(rep.Lacks) != 1 || !strings.HasPrefix(rep.Lacks[0], "The 1 entry after entry 2, the last signed one, is not signed") {
		t.Errorf("lacks %q", rep.Lacks)
	}
}

func TestChainCheckKeyReplaced(t *testing.T) {
	l := newTestLog(t, 3)
	pub, priv, _ := ed25519.GenerateKey(nil)
	l.key.Public, l.priv = hex.EncodeToString(pub), priv // another key in the file, the entry naming the first
	if rep := l.check(t, l.rows); !hasBreak(rep, "is not the key audit entry 2 made: the key was replaced in the file") {
		t.Errorf("a replaced key: %q", rep.Breaks)
	}
}

func TestChainCheckSessionAgainstItsSignEntry(t *testing.T) {
	se := data.Session{ID: "s1", ClientID: "c1", StartedAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), Status: data.StatusSigned,
		SignedBy: "p1"}
	hash, err := data.RecordHash(se)
	if err != nil {
		t.Fatal(err)
	}
	se.RecordHash = hash
	run := func(se data.Session, logged string) store.VerifyReport {
		var rep store.VerifyReport
		c := store.NewChainCheck(context.Background(), &rep, nil, map[string]string{"p1": "Ana"})
		e := data.AuditEntry{Seq: 1, At: se.StartedAt, PractitionerID: "p1", Action: data.ActionSign, Entity: "session",
			EntityID: "s1", Detail: "record " + logged + "; client c1", PrevHash: data.GenesisHash}
		e.Hash = data.AuditHash(e)
		if err := c.Entry(store.AuditRow{AuditEntry: e, AtText: data.TimeText(e.At)}); err != nil {
			t.Fatal(err)
		}
		if err := c.EndChain(); err != nil {
			t.Fatal(err)
		}
		c.Session(se, nil)
		return rep
	}
	if rep := run(se, hash); !rep.OK() || rep.SignedSessions != 1 {
		t.Errorf("a signed session as logged: %+v", rep)
	}
	changed := se
	changed.Notes = "changed after signing"
	if rep := run(changed, hash); !hasBreak(rep, "Signed session s1") || !hasBreak(rep, "does not match its record hash") {
		t.Errorf("a session changed after signing: %q", rep.Breaks)
	}
	if rep := run(se, strings.Repeat("1", 64)); !hasBreak(rep, "was signed with another record hash than the audit log holds") {
		t.Errorf("a session signed with another hash: %q", rep.Breaks)
	}
}

// chainRows chains entries from entry 1, unsigned: a log of a device whose practitioners have no key.
func chainRows(entries ...data.AuditEntry) []store.AuditRow {
	prev := data.GenesisHash
	var rows []store.AuditRow
	for i, e := range entries {
		e.Seq, e.PrevHash = int64(i+1), prev
		if e.At.IsZero() {
			e.At = time.Date(2026, 3, 2, 9, i, 0, 0, time.UTC)
		}
		e.Hash = data.AuditHash(e)
		prev = e.Hash
		rows = append(rows, store.AuditRow{AuditEntry: e, AtText: data.TimeText(e.At)})
	}
	return rows
}

// Another device's chain is walked in its own numbering after this device's; a session it signed
// that is not here is not said to be deleted, one this device signed is.
func TestChainCheckPeerChainOwnNumbersAndSignedElsewhere(t *testing.T) {
	peer := chainRows(
		data.AuditEntry{Action: data.ActionCreate, Entity: "client", EntityID: "c9"},
		data.AuditEntry{Action: data.ActionSign, Entity: "session", EntityID: "s9", Detail: "record " + strings.Repeat("9", 64) + "; client c9"},
		data.AuditEntry{Action: data.ActionCreate, Entity: "client", EntityID: "c8"})
	own := chainRows(
		data.AuditEntry{Action: data.ActionSign, Entity: "session", EntityID: "s1", Detail: "record " + strings.Repeat("1", 64) + "; client c1"},
		data.AuditEntry{Action: actionImport, Entity: "bundle", EntityID: strings.Repeat("b", 64),
			Detail: "from dev-1; name Léa's laptop; head 3 " + peer[2].Hash},
		data.AuditEntry{Action: actionImport, Entity: "bundle", EntityID: strings.Repeat("c", 64),
			Detail: "from dev-2; name Kim's tablet; head 7 " + strings.Repeat("7", 64)})
	var rep store.VerifyReport
	c := store.NewChainCheck(context.Background(), &rep, nil, nil)
	for _, r := range own {
		must(t, c.Entry(r))
	}
	must(t, c.EndChain())
	c.PeerChain("dev-1", nil)
	for _, r := range peer {
		must(t, c.Entry(r))
	}
	must(t, c.EndPeerChain())
	c.EndPeerChains()
	c.KeyEntries()
	u := c.Unmade("client", "clients")
	u.Saw("c9")
	u.Done()
	if got := c.SignedMissing(); len(got) != 1 || got[0] != "s1" {
		t.Errorf("sessions held to be here: %q, want only s1, signed here", got)
	}
	if len(rep.Breaks) != 1 || !strings.Contains(rep.Breaks[0], "The import of bundle cccccccccccc… names entry 7 of Kim's tablet's chain, which is not stored: the chain of Kim's tablet (device dev-2) is missing.") {
		t.Errorf("breaks %q", rep.Breaks)
	}
	if rep.AuditEntries != 3 || rep.HeadSeq != 3 || rep.Head != own[2].Hash || len(rep.Chains) != 1 {
		t.Fatalf("report %+v", rep)
	}
	if ch := rep.Chains[0]; ch.Name != "Léa's laptop" || ch.Entries != 3 || ch.HeadSeq != 3 || ch.Head != peer[2].Hash || !ch.Intact ||
		ch.Made != (store.Made{Clients: 1}) {
		t.Errorf("the peer chain %+v", ch)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const actionImport = "import"
