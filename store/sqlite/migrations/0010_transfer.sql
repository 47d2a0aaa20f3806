-- Records carried between practices' copies on a laptop and at the clinic (transfer bundles).
--
-- transfer_clocks: when each record last changed, by a hybrid logical clock that survives a wrong
-- laptop clock ("physical-ms.counter.device", compared as (ms, counter, device)). Records kept
-- field by field (clients, lists, unsigned sessions, side effects, results, photos' details) hold
-- each field's digest and clock in fields (JSON {field: [digest, clock]}); immutable records (a
-- signed session, an amendment, a photo's bytes) only their digest and the clock they were first
-- seen with. Stamped when a bundle is made or applied: a field whose digest changed since gets
-- the clock of its record's change.
CREATE TABLE transfer_clocks (
    entity TEXT NOT NULL,
    id     TEXT NOT NULL,
    digest TEXT NOT NULL,
    clock  TEXT NOT NULL,
    fields TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (entity, id)
) STRICT, WITHOUT ROWID;

-- The other copies this one has exchanged with: what each knew when its last bundle was made
-- (JSON {device: clock}, the latest change of each device it held), so that a bundle for it holds
-- only what it may lack.
CREATE TABLE transfer_peers (
    device_id   TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    knows       TEXT NOT NULL DEFAULT '{}',
    last_bundle TEXT NOT NULL DEFAULT '', -- SHA-256 of the last bundle applied from it
    last_at     TEXT NOT NULL DEFAULT ''
) STRICT;

-- A value that lost a merge, kept until the practitioner picks: the record holds "kept".
CREATE TABLE transfer_conflicts (
    id          TEXT PRIMARY KEY,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    client_id   TEXT NOT NULL DEFAULT '',
    field       TEXT NOT NULL,
    ours        TEXT NOT NULL, -- JSON
    theirs      TEXT NOT NULL, -- JSON
    kept        TEXT NOT NULL CHECK (kept IN ('ours', 'theirs', 'both')),
    device_id   TEXT NOT NULL,
    device_name TEXT NOT NULL DEFAULT '',
    bundle      TEXT NOT NULL,
    found_at    TEXT NOT NULL,
    resolved_at TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT '',
    resolution  TEXT NOT NULL DEFAULT '',
    UNIQUE (entity, entity_id, field, theirs)
) STRICT;
CREATE INDEX transfer_conflicts_open ON transfer_conflicts (resolved_at, found_at);

-- Other devices' audit chains, as their bundles brought them: each its own hash chain, checked by
-- verify with its own keys (peer_keys), and append-only as this device's own.
CREATE TABLE peer_audit_log (
    device_id       TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    at              TEXT NOT NULL,
    practitioner_id TEXT NOT NULL DEFAULT '',
    action          TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL,
    key_id          TEXT NOT NULL DEFAULT '',
    signature       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (device_id, seq)
) STRICT;
CREATE INDEX peer_audit_log_entity ON peer_audit_log (entity_id);

CREATE TABLE peer_keys (
    device_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    public_key      TEXT NOT NULL,
    created_seq     INTEGER NOT NULL,
    retired_seq     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (device_id, id)
) STRICT;

CREATE TRIGGER peer_audit_log_update BEFORE UPDATE ON peer_audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER peer_audit_log_delete BEFORE DELETE ON peer_audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER peer_keys_update BEFORE UPDATE ON peer_keys
WHEN new.id IS NOT old.id OR new.device_id IS NOT old.device_id OR new.public_key IS NOT old.public_key
    OR new.practitioner_id IS NOT old.practitioner_id OR new.created_seq IS NOT old.created_seq
    OR (old.retired_seq <> 0 AND new.retired_seq IS NOT old.retired_seq)
BEGIN
    SELECT RAISE(ABORT, 'practitioner keys are kept for ever');
END;
CREATE TRIGGER peer_keys_delete BEFORE DELETE ON peer_keys
BEGIN
    SELECT RAISE(ABORT, 'practitioner keys are kept for ever');
END;
