package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
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

// genesisHash is the PrevHash of the first entry.
var genesisHash = strings.Repeat("0", 64)

// auditHash chains an entry to the one before it: changing or removing any entry changes
// every hash after it.
func auditHash(e AuditEntry) string {
	h := sha256.New()
	for _, f := range []string{e.PrevHash, strconv.FormatInt(e.Seq, 10), timeText(e.At), e.PractitionerID,
		e.Action, e.Entity, e.EntityID, e.Detail} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditLog returns the audit entries about one record, oldest first.
func (s *Store) AuditLog(ctx context.Context, entityID string) ([]AuditEntry, error) {
	return query(ctx, s, "audit log", `SELECT seq, at, practitioner_id, action, entity, entity_id, detail, prev_hash, hash
		FROM audit_log WHERE entity_id = ? ORDER BY seq`, []any{entityID},
		func(r *sql.Rows, e *AuditEntry) error {
			return r.Scan(&e.Seq, timeCol{&e.At}, &e.PractitionerID, &e.Action, &e.Entity, &e.EntityID, &e.Detail,
				&e.PrevHash, &e.Hash)
		})
}

// AuditHead is the number of the latest audit log entry, 0 when there is none. Every change
// appends an entry, so a copy of the practice whose head is the same holds every change.
func (s *Store) AuditHead(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM audit_log`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("read the audit log: %w", mapError(err))
	}
	return seq, nil
}
