package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
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

// AuditMark is the latest entry of the audit log: its number and its hash, which chains every
// entry before it. Every change appends an entry, so two files with the same mark hold the same
// changes, and a file whose mark differs holds others.
type AuditMark struct {
	Seq  int64
	Hash string
}

// AuditHead is the latest entry of the audit log; the zero mark when there is none.
func (s *Store) AuditHead(ctx context.Context) (AuditMark, error) {
	var m AuditMark
	err := s.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&m.Seq, &m.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return AuditMark{}, fmt.Errorf("read the audit log: %w", mapError(err))
	}
	return m, nil
}
