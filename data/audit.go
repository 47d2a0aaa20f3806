package data

import (
	"time"
)

// Audit actions.
const (
	ActionCreate   = "create"
	ActionUpdate   = "update"
	ActionSign     = "sign"
	ActionAmend    = "amend"
	ActionOverride = "override" // a safety block passed with a reason, or such a pass withdrawn
	ActionArchive  = "archive"
	ActionRestore  = "restore"
	ActionExport   = "export"
	ActionSignIn   = "sign-in"
	// ActionImport is a transfer bundle applied: its entity is "bundle", its ID the bundle's SHA-256,
	// its detail "from DEVICE; name NAME; head SEQ HASH; …", the sending device's audit chain head.
	ActionImport = "import"
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	Seq            int64
	At             time.Time
	PractitionerID string
	Action         string
	Entity         string // "client", "session", "side_effect"...
	EntityID       string
	Detail         string
	PrevHash       string
	Hash           string
}

// AuditMark is the latest entry of the audit log: its number and its hash, which chains every
// entry before it. Every change appends an entry, so two files with the same mark hold the same
// changes, and a file whose mark differs holds others.
type AuditMark struct {
	Seq  int64
	Hash string
}

// KeyPrint is a practitioner's signing key in force, as verify and the session record print it.
type KeyPrint struct {
	PractitionerID, Practitioner string
	Fingerprint                  string // KeyFingerprint of its public key
}

// Audit actions of accounts. Each entry names the practitioner concerned as its record.
const (
	ActionSignInFailed    = "sign-in-failed"   // by no one: whoever tried is not known
	ActionPassphraseSet   = "passphrase-set"   // set or changed
	ActionPassphraseReset = "passphrase-reset" // cleared by an admin, who is the entry's practitioner
)
