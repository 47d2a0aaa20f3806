-- The day's work (data.Store.Today) reads the practice's loose ends on every start and after every
-- change: sessions not signed yet, the signed-in practitioner's first, and side effects not
-- resolved. These partial indexes hold only those rows, so a practice of 100,000 sessions finds
-- its few loose ends without reading every session.
CREATE INDEX IF NOT EXISTS sessions_unsigned ON sessions (started_at) WHERE status = 'draft';
CREATE INDEX IF NOT EXISTS sessions_unsigned_by ON sessions (practitioner_id, started_at) WHERE status = 'draft';
CREATE INDEX IF NOT EXISTS side_effects_open ON side_effects (onset) WHERE resolved = '';
