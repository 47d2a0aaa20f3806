-- The whole Needlelog schema. Later versions add behaviour in new files; this one is never edited.
-- Conventions: IDs are UUIDv7 text; times are UTC RFC 3339 text; calendar dates are 'YYYY-MM-DD'
-- ('' when not recorded); multi-valued picks from the practice's lists are JSON arrays of text.
-- Vocabulary values (zones, concerns, endpoints...) are stored as the text chosen at the time, so
-- renaming a list entry later never rewrites a past record.

PRAGMA application_id = 1313162564; -- 'NEED' as a big-endian 32-bit integer

-- Practice settings: clinic details for reports, defaults. Values are text or, for the logo, bytes.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value ANY NOT NULL
) STRICT;

CREATE TABLE practitioners (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL CHECK (name <> ''),
    credentials     TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL DEFAULT 'practitioner' CHECK (role IN ('practitioner', 'admin')),
    passphrase_hash TEXT NOT NULL DEFAULT '', -- argon2id, encoded; '' when none is set
    retired         INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

-- Editable vocabularies: concern, modality, endpoint, pattern, side_effect, aftercare, product_kind,
-- photo_view, speed_unit. category carries what logic needs to know of an entry (a concern's
-- 'pigment', a side effect's 'expected' / 'less_common' / 'serious').
CREATE TABLE list_items (
    id       TEXT PRIMARY KEY,
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL CHECK (name <> ''),
    category TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    retired  INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    UNIQUE (kind, name)
) STRICT;

CREATE TABLE zones (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (name <> ''),
    region      TEXT NOT NULL CHECK (region IN ('face', 'neck', 'scalp', 'body')),
    map_key     TEXT NOT NULL DEFAULT '', -- the drawn area of the zone map this zone answers to
    typical_min REAL NOT NULL,
    typical_max REAL NOT NULL,
    warn_above  REAL NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    CHECK (typical_min <= typical_max)
) STRICT;

CREATE TABLE devices (
    id              TEXT PRIMARY KEY,
    model           TEXT NOT NULL UNIQUE CHECK (model <> ''),
    kind            TEXT NOT NULL CHECK (kind IN ('pen', 'roller', 'rf', 'stamp')),
    speed_unit      TEXT NOT NULL DEFAULT '',  -- 'level', 'rpm', 'fixed'...; '' for rollers
    max_depth       REAL NOT NULL,
    evaluated_depth REAL NOT NULL,             -- safety evaluated up to this depth
    depth_step      REAL NOT NULL DEFAULT 0.25,
    retired         INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (evaluated_depth <= max_depth)
) STRICT;

CREATE TABLE cartridges (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE CHECK (name <> ''),
    needles INTEGER NOT NULL DEFAULT 0, -- 0 for nano or unknown
    retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
) STRICT;

CREATE TABLE cartridge_lots (
    id           TEXT PRIMARY KEY,
    cartridge_id TEXT NOT NULL REFERENCES cartridges (id),
    lot          TEXT NOT NULL CHECK (lot <> ''),
    expiry       TEXT NOT NULL DEFAULT '',
    UNIQUE (cartridge_id, lot)
) STRICT;

CREATE TABLE products (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE CHECK (name <> ''),
    kind            TEXT NOT NULL, -- from the product_kind list; 'Topical anaesthetic' for anaesthetics
    needled_skin_ok INTEGER NOT NULL DEFAULT 1 CHECK (needled_skin_ok IN (0, 1)),
    notes           TEXT NOT NULL DEFAULT '',
    retired         INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
) STRICT;

CREATE TABLE product_lots (
    id         TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    lot        TEXT NOT NULL CHECK (lot <> ''),
    expiry     TEXT NOT NULL DEFAULT '',
    UNIQUE (product_id, lot)
) STRICT;

-- Screening rules against a client's recorded history. window_days: how long after the condition's
-- end (or last dose) the rule still applies; 0 while the condition is current.
CREATE TABLE contraindication_rules (
    id          TEXT PRIMARY KEY,
    condition   TEXT NOT NULL UNIQUE CHECK (condition <> ''),
    action      TEXT NOT NULL CHECK (action IN ('block', 'warn')),
    window_days INTEGER NOT NULL DEFAULT 0 CHECK (window_days >= 0),
    message     TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
) STRICT;

-- num is an explicit rowid so that the search index, which refers to rows by rowid, survives VACUUM.
CREATE TABLE clients (
    num             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    first_name      TEXT NOT NULL DEFAULT '',
    last_name       TEXT NOT NULL DEFAULT '',
    sort_key        TEXT NOT NULL DEFAULT '', -- folded 'last first', for ordering and paging
    date_of_birth   TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    phone_digits    TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    fitzpatrick     INTEGER NOT NULL DEFAULT 0 CHECK (fitzpatrick BETWEEN 0 AND 6), -- 0: not recorded
    concerns        TEXT NOT NULL DEFAULT '[]',
    medications     TEXT NOT NULL DEFAULT '',
    allergies       TEXT NOT NULL DEFAULT '[]',
    medical_notes   TEXT NOT NULL DEFAULT '',
    consent_form    TEXT NOT NULL DEFAULT '',
    consent_version TEXT NOT NULL DEFAULT '',
    consent_signed  TEXT NOT NULL DEFAULT '',
    photo_consent   TEXT NOT NULL DEFAULT 'none'
        CHECK (photo_consent IN ('none', 'clinical', 'education', 'marketing')),
    notes           TEXT NOT NULL DEFAULT '',
    archived_at     TEXT NOT NULL DEFAULT '',
    -- From the client's latest session, kept by the triggers on sessions, so that the lists of
    -- clients due or recently seen read an index instead of every client's sessions.
    last_session    TEXT NOT NULL DEFAULT '',
    next_due        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    CHECK (first_name <> '' OR last_name <> '')
) STRICT;
CREATE INDEX clients_sort ON clients (sort_key, id);
CREATE INDEX clients_due ON clients (next_due, sort_key, id) WHERE next_due <> '';
CREATE INDEX clients_last_session ON clients (last_session, id) WHERE last_session <> '';

-- A client's medical history: one row per condition or medication that screening looks at.
CREATE TABLE client_history (
    id         TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    condition  TEXT NOT NULL CHECK (condition <> ''),
    since      TEXT NOT NULL DEFAULT '',
    until      TEXT NOT NULL DEFAULT '', -- ended, or last dose; '' while current
    notes      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX client_history_client ON client_history (client_id, position);

CREATE VIRTUAL TABLE clients_fts USING fts5 (
    first_name, last_name, email, phone,
    content = 'clients', content_rowid = 'num',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients BEGIN
    INSERT INTO clients_fts (rowid, first_name, last_name, email, phone)
    VALUES (new.num, new.first_name, new.last_name, new.email, new.phone);
END;
CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN
    INSERT INTO clients_fts (clients_fts, rowid, first_name, last_name, email, phone)
    VALUES ('delete', old.num, old.first_name, old.last_name, old.email, old.phone);
END;
CREATE TRIGGER clients_fts_update AFTER UPDATE OF first_name, last_name, email, phone ON clients BEGIN
    INSERT INTO clients_fts (clients_fts, rowid, first_name, last_name, email, phone)
    VALUES ('delete', old.num, old.first_name, old.last_name, old.email, old.phone);
    INSERT INTO clients_fts (rowid, first_name, last_name, email, phone)
    VALUES (new.num, new.first_name, new.last_name, new.email, new.phone);
END;

CREATE TABLE sessions (
    id                     TEXT PRIMARY KEY,
    client_id              TEXT NOT NULL REFERENCES clients (id),
    practitioner_id        TEXT REFERENCES practitioners (id),
    started_at             TEXT NOT NULL,
    series_n               INTEGER NOT NULL DEFAULT 1 CHECK (series_n >= 1),
    series_of              INTEGER NOT NULL DEFAULT 0 CHECK (series_of >= 0), -- 0: no planned series
    series_interval_days   INTEGER NOT NULL DEFAULT 28 CHECK (series_interval_days > 0),
    concerns               TEXT NOT NULL DEFAULT '[]',
    modality               TEXT NOT NULL DEFAULT '',
    anaesthetic_product_id TEXT REFERENCES products (id),
    anaesthetic_lot        TEXT NOT NULL DEFAULT '',
    anaesthetic_minutes    INTEGER NOT NULL DEFAULT 0,
    device_id              TEXT REFERENCES devices (id),
    handpiece_serial       TEXT NOT NULL DEFAULT '',
    cartridge_id           TEXT REFERENCES cartridges (id),
    cartridge_lot          TEXT NOT NULL DEFAULT '',
    cartridge_expiry       TEXT NOT NULL DEFAULT '',
    pain_score             INTEGER CHECK (pain_score BETWEEN 0 AND 10), -- NULL: not recorded
    no_side_effects        INTEGER NOT NULL DEFAULT 0 CHECK (no_side_effects IN (0, 1)),
    aftercare              TEXT NOT NULL DEFAULT '[]',
    aftercare_sheet        TEXT NOT NULL DEFAULT '', -- the aftercare sheet's version handed over
    price_cents            INTEGER CHECK (price_cents >= 0), -- NULL: not recorded
    next_due               TEXT NOT NULL DEFAULT '',
    notes                  TEXT NOT NULL DEFAULT '',
    photo_refusal          TEXT NOT NULL DEFAULT '', -- why no before photo was taken
    status                 TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    signed_at              TEXT NOT NULL DEFAULT '',
    signed_by              TEXT REFERENCES practitioners (id),
    record_hash            TEXT NOT NULL DEFAULT '',
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX sessions_client ON sessions (client_id, started_at);
CREATE INDEX sessions_started ON sessions (started_at);
CREATE INDEX sessions_cartridge_lot ON sessions (cartridge_lot) WHERE cartridge_lot <> '';

-- A new session is usually the client's latest: take its values without looking further.
CREATE TRIGGER sessions_latest_insert AFTER INSERT ON sessions BEGIN
    UPDATE clients SET
        last_session = new.started_at,
        next_due = CASE WHEN new.started_at > last_session THEN new.next_due
            ELSE (SELECT next_due FROM sessions WHERE client_id = new.client_id
                  ORDER BY started_at DESC, id DESC LIMIT 1) END
    WHERE id = new.client_id AND new.started_at >= last_session;
END;
CREATE TRIGGER sessions_latest_update AFTER UPDATE OF client_id, started_at, next_due ON sessions BEGIN
    UPDATE clients SET
        last_session = coalesce((SELECT max(started_at) FROM sessions WHERE client_id = clients.id), ''),
        next_due = coalesce((SELECT next_due FROM sessions WHERE client_id = clients.id
                             ORDER BY started_at DESC, id DESC LIMIT 1), '')
    WHERE id IN (old.client_id, new.client_id);
END;
CREATE TRIGGER sessions_latest_delete AFTER DELETE ON sessions BEGIN
    UPDATE clients SET
        last_session = coalesce((SELECT max(started_at) FROM sessions WHERE client_id = old.client_id), ''),
        next_due = coalesce((SELECT next_due FROM sessions WHERE client_id = old.client_id
                             ORDER BY started_at DESC, id DESC LIMIT 1), '')
    WHERE id = old.client_id;
END;

CREATE TABLE session_zones (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    zone       TEXT NOT NULL CHECK (zone <> ''),
    depth_mm   REAL NOT NULL CHECK (depth_mm BETWEEN 0.1 AND 3.0),
    speed      REAL NOT NULL DEFAULT 0 CHECK (speed >= 0), -- 0: not recorded or fixed-speed device
    passes     INTEGER NOT NULL CHECK (passes BETWEEN 1 AND 40),
    pattern    TEXT NOT NULL DEFAULT '',
    endpoint   TEXT NOT NULL DEFAULT '',
    UNIQUE (session_id, zone)
) STRICT;

CREATE TABLE session_products (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    product_id TEXT NOT NULL REFERENCES products (id),
    lot        TEXT NOT NULL DEFAULT '',
    expiry     TEXT NOT NULL DEFAULT '',
    phase      TEXT NOT NULL CHECK (phase IN ('before', 'during', 'after')),
    amount     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX session_products_session ON session_products (session_id, position);
CREATE INDEX session_products_lot ON session_products (lot) WHERE lot <> '';

-- Side effects are logged at the session and at later follow-ups; they stay editable after signing.
CREATE TABLE side_effects (
    id             TEXT PRIMARY KEY,
    session_id     TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind <> ''),
    severity       TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
    during_session INTEGER NOT NULL DEFAULT 0 CHECK (during_session IN (0, 1)),
    onset          TEXT NOT NULL, -- date
    resolved       TEXT NOT NULL DEFAULT '',
    treatment      TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX side_effects_session ON side_effects (session_id, onset);

-- A block passed with a written reason.
CREATE TABLE session_overrides (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    rule            TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (reason <> ''),
    practitioner_id TEXT REFERENCES practitioners (id),
    at              TEXT NOT NULL
) STRICT;
CREATE INDEX session_overrides_session ON session_overrides (session_id);

-- Changes to a signed session: the original values stay visible.
CREATE TABLE session_amendments (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    practitioner_id TEXT REFERENCES practitioners (id),
    at              TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (reason <> ''),
    changes         TEXT NOT NULL DEFAULT '[]' -- JSON: [{field, old, new}]
) STRICT;
CREATE INDEX session_amendments_session ON session_amendments (session_id, at);

-- Photo metadata. The bytes live in photo_originals and photo_renditions so that listing never reads them.
CREATE TABLE photos (
    id            TEXT PRIMARY KEY,
    client_id     TEXT NOT NULL REFERENCES clients (id),
    session_id    TEXT REFERENCES sessions (id) ON DELETE SET NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('before', 'after', 'follow-up')),
    zone          TEXT NOT NULL DEFAULT '',
    view          TEXT NOT NULL DEFAULT '',
    taken_at      TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    consent_scope TEXT NOT NULL DEFAULT 'clinical'
        CHECK (consent_scope IN ('clinical', 'education', 'marketing')),
    file_name     TEXT NOT NULL DEFAULT '',
    mime          TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    byte_size     INTEGER NOT NULL,
    sha256        TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX photos_client ON photos (client_id, taken_at);
CREATE INDEX photos_session ON photos (session_id);

CREATE TABLE photo_originals (
    photo_id TEXT PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
    bytes    BLOB NOT NULL
) STRICT;

-- Upright, metadata-free JPEGs made once at import.
CREATE TABLE photo_renditions (
    photo_id  TEXT PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
    thumbnail BLOB NOT NULL,
    preview   BLOB NOT NULL
) STRICT;

-- Notes pinned to a point of a photo, at coordinates relative to the upright image (0..1).
CREATE TABLE photo_pins (
    id       TEXT PRIMARY KEY,
    photo_id TEXT NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    n        INTEGER NOT NULL,
    x        REAL NOT NULL CHECK (x BETWEEN 0 AND 1),
    y        REAL NOT NULL CHECK (y BETWEEN 0 AND 1),
    note     TEXT NOT NULL DEFAULT '',
    UNIQUE (photo_id, n)
) STRICT;

-- The session editor's form as typed, saved every few seconds, so a crash loses at most seconds.
CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    form       TEXT NOT NULL, -- JSON
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX drafts_client ON drafts (client_id);

-- Append-only: each entry carries the hash of the one before, so an edit or a deletion shows.
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    practitioner_id TEXT NOT NULL DEFAULT '',
    action          TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity_id);
