package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"needlelog.app/needlelog/data"
)

// ArchiveClient hides a client from the client lists (ListClients with Archived set lists them);
// their records stay as they are. Archiving an archived client changes nothing.
func (s *Store) ArchiveClient(ctx context.Context, id string) error {
	return s.setArchived(ctx, id, true)
}

// RestoreClient brings an archived client back to the lists.
func (s *Store) RestoreClient(ctx context.Context, id string) error {
	return s.setArchived(ctx, id, false)
}

func (s *Store) setArchived(ctx context.Context, id string, archive bool) error {
	what, action, stamp, where := "archive", data.ActionArchive, data.TimeText(s.now()), `archived_at = ''`
	if !archive {
		what, action, stamp, where = "restore", data.ActionRestore, "", `archived_at <> ''`
	}
	return s.batch(ctx, func(b *Batch) error {
		res, err := b.exec(`UPDATE clients SET archived_at = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND `+where, stamp, data.TimeText(b.store.now()), id)
		if err != nil {
			return fmt.Errorf("%s client %s: %w", what, id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if c, err := b.count(`SELECT count(*) FROM clients WHERE id = ?`, id); err != nil {
				return err
			} else if c == 0 {
				return fmt.Errorf("%s client %s: %w", what, id, data.ErrNotFound)
			}
			return nil // already as asked
		}
		return b.audit(action, "client", id, "")
	})
}

// DeleteClient removes a client and everything recorded about them: sessions (signed ones
// included, with their amendments), side effects, results assessed, photos, drafts and medical history. The reason
// is required and is kept in the audit log with what was removed; the client's name is not, as a
// deletion is often the client's own request. Deleted pages are overwritten (secure_delete) and the
// write-ahead log is emptied, so the records cannot be read back from the file.
//
// The audit log keeps its earlier entries about the client, which name records by ID only.
func (s *Store) DeleteClient(ctx context.Context, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := data.RequireName("reason", "reason for deleting the client and all their records", reason); err != nil {
		return err
	}
	var files []string
	err := s.batch(ctx, func(b *Batch) error {
		files = files[:0]
		found, err := queryOn(b.ctx, b.tx, "the client's photo files", `SELECT sha256, preview_sha256 FROM photos WHERE client_id = ?`,
			[]any{id}, func(r *sql.Rows, pair *[2]string) error { return r.Scan(&pair[0], &pair[1]) })
		if err != nil {
			return fmt.Errorf("delete client %s: %w", id, err)
		}
		for _, pair := range found {
			files = append(files, pair[0], pair[1])
		}
		n, err := b.count(`SELECT count(*) FROM clients WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("delete client %s: %w", id, data.ErrNotFound)
		}
		sessions, err := b.count(`SELECT count(*) FROM sessions WHERE client_id = ?`, id)
		if err != nil {
			return err
		}
		signed, err := b.count(`SELECT count(*) FROM sessions WHERE client_id = ? AND status = 'signed'`, id)
		if err != nil {
			return err
		}
		photos, err := b.count(`SELECT count(*) FROM photos WHERE client_id = ?`, id)
		if err != nil {
			return err
		}
		outcomes, err := b.count(`SELECT count(*) FROM outcome_assessments WHERE client_id = ?`, id)
		if err != nil {
			return err
		}
		// The database lets signed sessions go only with an archived client.
		for _, stmt := range []string{
			`UPDATE clients SET archived_at = ? WHERE id = ? AND archived_at = ''`,
			`DELETE FROM photos WHERE client_id = ?`,
			`DELETE FROM drafts WHERE client_id = ?`,
			`DELETE FROM outcome_assessments WHERE client_id = ?`,
			`DELETE FROM sessions WHERE client_id = ?`,
			`DELETE FROM clients WHERE id = ?`,
		} {
			args := []any{id}
			if strings.HasPrefix(stmt, "UPDATE") {
				args = []any{data.TimeText(b.store.now()), id}
			}
			if _, err := b.exec(stmt, args...); err != nil {
				return fmt.Errorf("delete client %s: %w", id, err)
			}
		}
		removed := fmt.Sprintf("reason: %s; removed %d sessions (%d signed) and %d photos", reason, sessions, signed, photos)
		if outcomes > 0 { // said only when there were any, as entries made before results were recorded say
			removed += fmt.Sprintf("; results assessed: %d", outcomes)
		}
		return b.audit(data.ActionDelete, "client", id, removed)
	})
	if err != nil {
		return err
	}
	// secure_delete zeroes freed pages, but the write-ahead log holds earlier copies until a checkpoint.
	if err := s.checkpoint(ctx); err != nil {
		return fmt.Errorf("delete client %s: clear the log: %w", id, mapError(err))
	}
	return s.removePhotoFiles(ctx, files)
}
