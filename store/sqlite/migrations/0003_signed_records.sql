-- Trustworthy records: a signed session is read-only in the database itself, not only in the app.
--
-- How amending fits: the sessions row and its zone, product and override rows always hold the
-- current values, so that every reader (lists, exports, lot recall) sees the amended record. A
-- signed session's rows may change only while an amendment is pending for it: an amendment whose
-- prev_hash is the session's current record_hash. AmendSession writes the amendment first,
-- rewrites the child rows, and then updates the sessions row to the amendment's record_hash, which
-- closes the window in the same transaction. Each record hash covers the number of amendments
-- made, so no two versions of a record share a hash and an old amendment never looks pending
-- again. The original, and every version before an amendment, stays readable in record_before.
--
-- The triggers raise 'signed session is read-only'; the store maps that to data.ErrSigned.
-- Every statement here may run again harmlessly (IF NOT EXISTS): new tables rather than new
-- columns, so that no upgrade path can trip over a half-known schema.

-- Side effects recorded before signing are part of the signed record (kind, severity, onset, during
-- the session); those logged at later follow-ups are not, and stay free to add. Resolution,
-- treatment and notes are follow-up fields and stay editable on every side effect.
CREATE TABLE IF NOT EXISTS sealed_side_effects (
    side_effect_id TEXT PRIMARY KEY REFERENCES side_effects (id) ON DELETE CASCADE
) STRICT;

-- The hash chain of each amendment of session_amendments (0001), and the record before it.
CREATE TABLE IF NOT EXISTS amendment_records (
    amendment_id  TEXT PRIMARY KEY REFERENCES session_amendments (id) ON DELETE CASCADE,
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    n             INTEGER NOT NULL CHECK (n >= 1), -- 1 for a session's first amendment
    prev_hash     TEXT NOT NULL,                   -- the record hash before
    record_hash   TEXT NOT NULL,                   -- the record hash after
    record_before TEXT NOT NULL,                   -- the canonical record before (see data.RecordHash)
    UNIQUE (session_id, n)
) STRICT;
CREATE INDEX IF NOT EXISTS amendment_records_prev ON amendment_records (session_id, prev_hash);
CREATE INDEX IF NOT EXISTS sessions_signed ON sessions (status) WHERE status = 'signed';

-- A session is signed only through an UPDATE by SignSession, never inserted as signed.
CREATE TRIGGER IF NOT EXISTS sessions_insert_signed BEFORE INSERT ON sessions
WHEN new.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only: sign a saved draft');
END;

CREATE TRIGGER IF NOT EXISTS sessions_signed_update BEFORE UPDATE ON sessions
WHEN old.status = 'signed' AND NOT (
    new.status = 'signed' AND new.id = old.id AND new.client_id = old.client_id
    AND new.signed_at = old.signed_at AND new.signed_by IS old.signed_by AND new.created_at = old.created_at
    AND new.record_hash <> old.record_hash
    AND EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = old.id
                AND a.prev_hash = old.record_hash AND a.record_hash = new.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;

-- A signed session goes only with its client, and only once the client is archived (DeleteClient).
CREATE TRIGGER IF NOT EXISTS sessions_signed_delete BEFORE DELETE ON sessions
WHEN old.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = old.client_id AND c.archived_at <> '')
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;

-- Child rows: refused while their session is signed and no amendment is pending. A cascade from
-- deleting the session runs once the session row is gone, so it passes.
CREATE TRIGGER IF NOT EXISTS session_zones_signed_insert BEFORE INSERT ON session_zones
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id = new.session_id AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
CREATE TRIGGER IF NOT EXISTS session_zones_signed_update BEFORE UPDATE ON session_zones
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id IN (old.session_id, new.session_id) AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
CREATE TRIGGER IF NOT EXISTS session_zones_signed_delete BEFORE DELETE ON session_zones
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id = old.session_id AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;

CREATE TRIGGER IF NOT EXISTS session_products_signed_insert BEFORE INSERT ON session_products
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id = new.session_id AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
CREATE TRIGGER IF NOT EXISTS session_products_signed_update BEFORE UPDATE ON session_products
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id IN (old.session_id, new.session_id) AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
CREATE TRIGGER IF NOT EXISTS session_products_signed_delete BEFORE DELETE ON session_products
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id = old.session_id AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;

CREATE TRIGGER IF NOT EXISTS session_overrides_signed_insert BEFORE INSERT ON session_overrides
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id = new.session_id AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
CREATE TRIGGER IF NOT EXISTS session_overrides_signed_update BEFORE UPDATE ON session_overrides
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id IN (old.session_id, new.session_id) AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
CREATE TRIGGER IF NOT EXISTS session_overrides_signed_delete BEFORE DELETE ON session_overrides
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id = old.session_id AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;

-- Sealed side effects keep what was observed; their follow-up fields stay editable.
CREATE TRIGGER IF NOT EXISTS side_effects_signed_update BEFORE UPDATE ON side_effects
WHEN EXISTS (SELECT 1 FROM sealed_side_effects x WHERE x.side_effect_id = old.id)
    AND (new.id IS NOT old.id OR new.session_id IS NOT old.session_id OR new.kind IS NOT old.kind
         OR new.severity IS NOT old.severity OR new.during_session IS NOT old.during_session OR new.onset IS NOT old.onset)
    AND EXISTS (SELECT 1 FROM sessions s WHERE s.id IN (old.session_id, new.session_id) AND s.status = 'signed'
        AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
CREATE TRIGGER IF NOT EXISTS side_effects_signed_delete BEFORE DELETE ON side_effects
WHEN EXISTS (SELECT 1 FROM sealed_side_effects x WHERE x.side_effect_id = old.id)
    AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = old.session_id AND s.status = 'signed'
        AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash))
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
-- Sealing happens while the session is a draft, in SignSession; a signed record gains or loses none.
CREATE TRIGGER IF NOT EXISTS sealed_side_effects_signed_insert BEFORE INSERT ON sealed_side_effects
WHEN EXISTS (SELECT 1 FROM side_effects e JOIN sessions s ON s.id = e.session_id
    WHERE e.id = new.side_effect_id AND s.status = 'signed')
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
CREATE TRIGGER IF NOT EXISTS sealed_side_effects_no_update BEFORE UPDATE ON sealed_side_effects
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;
CREATE TRIGGER IF NOT EXISTS sealed_side_effects_signed_delete BEFORE DELETE ON sealed_side_effects
WHEN EXISTS (SELECT 1 FROM side_effects e JOIN sessions s ON s.id = e.session_id
    WHERE e.id = old.side_effect_id AND s.status = 'signed')
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only');
END;

-- An amendment is history: once written it is never changed or removed (except with its session).
CREATE TRIGGER IF NOT EXISTS session_amendments_no_update BEFORE UPDATE ON session_amendments
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only: amendments are never changed');
END;
CREATE TRIGGER IF NOT EXISTS session_amendments_no_delete BEFORE DELETE ON session_amendments
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id = old.session_id)
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only: amendments are never removed');
END;
-- An amendment follows the record as it stands, and names its own session and number.
CREATE TRIGGER IF NOT EXISTS amendment_records_insert BEFORE INSERT ON amendment_records
WHEN NOT EXISTS (SELECT 1 FROM session_amendments a WHERE a.id = new.amendment_id AND a.session_id = new.session_id)
    OR NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = new.session_id AND s.status = 'signed'
                   AND s.record_hash = new.prev_hash)
    OR new.n <> 1 + (SELECT count(*) FROM amendment_records r WHERE r.session_id = new.session_id)
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only: an amendment follows the signed record as it stands');
END;
CREATE TRIGGER IF NOT EXISTS amendment_records_no_update BEFORE UPDATE ON amendment_records
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only: amendments are never changed');
END;
CREATE TRIGGER IF NOT EXISTS amendment_records_no_delete BEFORE DELETE ON amendment_records
WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.id = old.session_id)
BEGIN
    SELECT RAISE(ABORT, 'signed session is read-only: amendments are never removed');
END;

-- The audit log is append-only. Verify detects a change made with these triggers dropped.
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
