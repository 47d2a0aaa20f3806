package data

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// GenesisHash is the PrevHash of the audit log's first entry.
var GenesisHash = strings.Repeat("0", 64)

// AuditHash chains an entry to the one before it: changing or removing any entry changes
// every hash after it.
func AuditHash(e AuditEntry) string {
	h := sha256.New()
	for _, f := range []string{e.PrevHash, strconv.FormatInt(e.Seq, 10), TimeText(e.At), e.PractitionerID,
		e.Action, e.Entity, e.EntityID, e.Detail} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditSigned is what an entry's signature signs: its hash, named as an audit entry's so that
// the signature means nothing anywhere else.
func AuditSigned(hash string) []byte { return []byte("needlelog audit entry " + hash) }

// KeyFingerprint is the SHA-256 of a public key's bytes, in hexadecimal. The audit entry that
// makes or retires a key names it by it, chained and signed, so a key replaced in the file no
// longer matches the entry; verify and the session record print it, so a copy kept elsewhere
// shows a replaced key too.
func KeyFingerprint(publicHex string) string {
	b, err := hex.DecodeString(publicHex)
	if err != nil {
		b = []byte(publicHex)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
