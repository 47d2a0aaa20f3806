package sqlstore

import (
	"context"
	"fmt"

	"needlelog.app/needlelog/data"
)

// settingPracticeID holds the practice's identity (migrations/0004_practice_id.sql).
const settingPracticeID = "practice.id"

// PracticeID is the practice's identity: made once, when the file first opened for writing in a
// version that knows it, and carried by every copy of the file, its backups and a practice restored
// from one included. A file from before then is known by the start of its audit log's first hash,
// as the migration that gives it an identity takes it; "" when it has neither (a practice never
// changed, opened read-only).
func (s *Store) PracticeID(ctx context.Context) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT coalesce((SELECT `+s.d.settingText()+` FROM settings WHERE key = ?),
		(SELECT substr(hash, 1, 32) FROM audit_log ORDER BY seq LIMIT 1), '')`, settingPracticeID).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("read the practice's identity: %w", mapError(err))
	}
	if data.ShortPracticeID(id) == "" {
		return "", nil // not one a backup can be named by: none
	}
	return id, nil
}
