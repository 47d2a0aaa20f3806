-- Records carried between practices' copies on a laptop and at the clinic (transfer bundles), as
-- SQLite's migration 0010 makes them: see it for what each table holds.
CREATE TABLE transfer_clocks (
    entity text COLLATE "C" NOT NULL,
    id     text COLLATE "C" NOT NULL,
    digest text COLLATE "C" NOT NULL,
    clock  text COLLATE "C" NOT NULL,
    fields text COLLATE "C" NOT NULL DEFAULT '{}',
    PRIMARY KEY (entity, id)
);

CREATE TABLE transfer_peers (
    device_id   text COLLATE "C" PRIMARY KEY,
    name        text COLLATE "C" NOT NULL DEFAULT '',
    knows       text COLLATE "C" NOT NULL DEFAULT '{}',
    last_bundle text COLLATE "C" NOT NULL DEFAULT '',
    last_at     text COLLATE "C" NOT NULL DEFAULT ''
);

CREATE TABLE transfer_conflicts (
    id          text COLLATE "C" PRIMARY KEY,
    entity      text COLLATE "C" NOT NULL,
    entity_id   text COLLATE "C" NOT NULL,
    client_id   text COLLATE "C" NOT NULL DEFAULT '',
    field       text COLLATE "C" NOT NULL,
    ours        text COLLATE "C" NOT NULL,
    theirs      text COLLATE "C" NOT NULL,
    kept        text COLLATE "C" NOT NULL CHECK (kept IN ('ours', 'theirs', 'both')),
    device_id   text COLLATE "C" NOT NULL,
    device_name text COLLATE "C" NOT NULL DEFAULT '',
    bundle      text COLLATE "C" NOT NULL,
    found_at    text COLLATE "C" NOT NULL,
    resolved_at text COLLATE "C" NOT NULL DEFAULT '',
    resolved_by text COLLATE "C" NOT NULL DEFAULT '',
    resolution  text COLLATE "C" NOT NULL DEFAULT '',
    UNIQUE (entity, entity_id, field, theirs)
);
CREATE INDEX transfer_conflicts_open ON transfer_conflicts (resolved_at, found_at);

CREATE TABLE peer_audit_log (
    device_id       text COLLATE "C" NOT NULL,
    seq             bigint NOT NULL,
    at              text COLLATE "C" NOT NULL,
    practitioner_id text COLLATE "C" NOT NULL DEFAULT '',
    action          text COLLATE "C" NOT NULL,
    entity          text COLLATE "C" NOT NULL,
    entity_id       text COLLATE "C" NOT NULL,
    detail          text COLLATE "C" NOT NULL DEFAULT '',
    prev_hash       text COLLATE "C" NOT NULL,
    hash            text COLLATE "C" NOT NULL,
    key_id          text COLLATE "C" NOT NULL DEFAULT '',
    signature       text COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (device_id, seq)
);
CREATE INDEX peer_audit_log_entity ON peer_audit_log (entity_id);

CREATE TABLE peer_keys (
    device_id       text COLLATE "C" NOT NULL,
    id              text COLLATE "C" NOT NULL,
    practitioner_id text COLLATE "C" NOT NULL,
    public_key      text COLLATE "C" NOT NULL,
    created_seq     bigint NOT NULL,
    retired_seq     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (device_id, id)
);

CREATE TRIGGER peer_audit_log_append_only BEFORE UPDATE OR DELETE ON peer_audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER peer_audit_log_no_truncate BEFORE TRUNCATE ON peer_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE FUNCTION peer_keys_kept() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'DELETE'
        OR NEW.id IS DISTINCT FROM OLD.id OR NEW.device_id IS DISTINCT FROM OLD.device_id
        OR NEW.practitioner_id IS DISTINCT FROM OLD.practitioner_id
        OR NEW.public_key IS DISTINCT FROM OLD.public_key OR NEW.created_seq IS DISTINCT FROM OLD.created_seq
        OR (OLD.retired_seq <> 0 AND NEW.retired_seq IS DISTINCT FROM OLD.retired_seq) THEN
        RAISE EXCEPTION 'practitioner keys are kept for ever' USING ERRCODE = 'NL003';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER peer_keys_kept BEFORE UPDATE OR DELETE ON peer_keys
    FOR EACH ROW EXECUTE FUNCTION peer_keys_kept();
CREATE FUNCTION peer_keys_no_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'practitioner keys are kept for ever' USING ERRCODE = 'NL003';
END $$;
CREATE TRIGGER peer_keys_no_truncate BEFORE TRUNCATE ON peer_keys
    FOR EACH STATEMENT EXECUTE FUNCTION peer_keys_no_truncate();
