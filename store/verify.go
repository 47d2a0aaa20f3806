package store

import (
	"time"

	"needlelog.app/needlelog/data"
)

// VerifyReport is what Audit.Verify found.
type VerifyReport struct {
	AuditEntries   int
	SignedEntries  int // audit entries signed by their practitioner's key, each signature checked
	SignedSessions int
	Amendments     int
	// Head is the hash of the last audit entry, HeadSeq its number. A hash chain shows any change
	// to an entry and any entry removed before the last; noting Head somewhere else (a printout,
	// a backup) also shows entries cut off the end since (VerifyHead).
	Head    string
	HeadSeq int64
	Breaks  []string // one sentence each; empty when everything checks out
	// Findings are odd but not breaks: a clock set back, say. One sentence each.
	Findings []string
	// Gives says which guarantees the practice's engine gives its records, one sentence each:
	// what a triggers-only SQLite file keeps, or what the clinic's server enforces as this
	// connection's role sees it.
	Gives []string
	// Lacks says which guarantees the practice does not have, and why: entries no key signed.
	Lacks []string
	// Holder is who could rewrite what no key signed, as Lacks says it: someone with the
	// practice's file, or the clinic server's administrator.
	Holder string
	// Keys are the signing keys in force, whose fingerprints a copy kept elsewhere can be held against.
	Keys []data.KeyPrint
	// Chains are the other devices' audit chains, stored with the records their bundles brought,
	// each checked as this device's own; none on a practice that never exchanged records.
	Chains []PeerChainReport
	// MadeHere counts the clients and sessions here that this device's own chain made; each of
	// Chains counts those its chain made.
	MadeHere Made
}

// PeerChainReport is what Verify found of another device's audit chain.
type PeerChainReport struct {
	DeviceID      string
	Name          string // as the newest import entry naming the device says; its ID when none does
	Entries       int
	SignedEntries int // signed by that device's practitioners' keys, each signature checked
	HeadSeq       int64
	Head          string
	Intact        bool // no break was found in it, its keys or the imports naming it
	Made          Made
}

// Said is how a sentence names the device: "Anna's laptop (device 0192f3a1…)".
func (p PeerChainReport) Said() string {
	id := p.DeviceID
	if len(id) > 8 {
		id = id[:8] + "…"
	}
	if p.Name == "" || p.Name == p.DeviceID {
		return "device " + id
	}
	return p.Name + " (device " + id + ")"
}

// Made counts the records present that a chain's create entries made.
type Made struct{ Clients, Sessions int }

// OK reports whether nothing was found wrong.
func (r VerifyReport) OK() bool { return len(r.Breaks) == 0 }

// HeadCheck is what Audit.VerifyHead found.
type HeadCheck struct {
	Found bool
	Entry data.AuditMark
	At    time.Time
	Added int64  // entries after it
	Break string // a sentence when not found
}
