-- The practice's identity, made once and kept by every copy of the file: a backup is a copy, and a
-- restored practice is its backup. Backups of two practices in one folder are told apart by it, not
-- by their file names, which may be the same. A practice that already has a history takes the start
-- of its audit log's first hash, which the backups it made before this version hold too, so that
-- they are still known as its own (data.Store.PracticeID reads the same); a new practice gets a
-- random one.
INSERT OR IGNORE INTO settings (key, value)
SELECT 'practice.id', coalesce((SELECT substr(hash, 1, 32) FROM audit_log ORDER BY seq LIMIT 1), lower(hex(randomblob(16))));
