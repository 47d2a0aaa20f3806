-- The whole Needlelog schema in PostgreSQL terms, equal to the SQLite schema at version 7
-- (store/sqlite/migrations/0001…0007): the same tables, columns, NOT NULLs, defaults, CHECKs,
-- foreign keys, unique constraints and indexes, and the same refusals by triggers. A PostgreSQL
-- practice starts at version 7; later versions add files numbered as SQLite's are.
--
-- PostgreSQL 14 or newer (SQL-standard function bodies); tested on 15. Applied once, in one
-- transaction, by the owner role. Only CREATE EXTENSION pg_trgm may need
-- more than the right to create objects in the database: pg_trgm is a trusted extension
-- (PostgreSQL 13 on), so a database owner may create it; an older or locked-down server needs a
-- superuser to have made it first (IF NOT EXISTS then passes). The database must be UTF8 (said
-- at once below) and the server built with ICU (the collation "und-x-icu"), as Debian's and the
-- usual installers' are; without it the file stops at search_fold, having made nothing.
--
-- Errors, and what the store maps them to (SQLSTATE first; the message is SQLite's, word for
-- word, so that one substring test serves both engines):
--   NL001  'signed session is read-only…'           → data.ErrSigned
--          (a change to a signed session, its zones, products, overrides or sealed side effects
--          without a pending amendment; a change or removal of an amendment; an insert of a
--          session as signed; an amendment that does not follow the record as it stands)
--   NL002  'the audit log is append-only'           → no data error, as on SQLite: the store never
--          changes the log, so this is tampering or a bug, reported as it is (verify finds it)
--   NL003  'practitioner keys are kept for ever'    → no data error, as on SQLite (a bug)
--   23505  unique_violation                         → data.ErrDuplicate
--   23503  foreign_key_violation                    → data.ErrBadReference
--   23514  check_violation, 23502 not_null_violation → no data error, as on SQLite: the domain
--          validates first, so these are bugs, reported as they are
-- Class NL is Needlelog's own (classes beginning I–Z are left to implementations, and
-- PostgreSQL uses none beginning N), so no refusal of ours is ever taken for a real constraint
-- violation or the reverse. A save from a stale copy is refused by its version column
-- (UPDATE … WHERE version = ? touching no row → data.ErrConflict), as on SQLite.
--
-- Types. IDs are UUIDv7 text, compared and ordered as text everywhere (keyset paging, ties broken
-- by id): text. Times stay text in data.StoredTimeLayout (UTC, nine-digit fraction, '' when not
-- recorded), not timestamptz: timestamptz keeps microseconds, so a time would not read back as
-- written; record hashes and the audit chain cover the text; and '' would have to become NULL,
-- unlike SQLite. Dates are 'YYYY-MM-DD' text for the same reasons. Every text column is
-- COLLATE "C": byte order, which is SQLite's BINARY order, so the fixed-width times and dates
-- order in time order, sort keys and IDs page alike on both engines, and no server locale (or
-- its upgrade) changes an order. SQLite's INTEGER is bigint (64-bit, as SQLite's), REAL is
-- double precision, BLOB is bytea; 0/1 flags stay bigint with SQLite's CHECK (x IN (0, 1)) so
-- one row copies between the engines value for value. settings.value (SQLite's ANY: text, or
-- bytes for the logo) is bytea: text settings are their UTF-8 bytes (convert_to/convert_from).
-- JSON lists stay text, byte for byte as written.
--
-- Search. SQLite's clients_fts (unicode61, remove_diacritics 2) matches each typed word as a
-- phrase of tokens whose last is a prefix, within one of first name, last name, email or phone,
-- and every word must match. Here client_search_text folds the four fields into one text,
-- ' first | last | email | phone ', each lower-cased, stripped of the diacritics of Latin
-- letters (NFD, then U+0300–U+036F after A–Z removed, NFC again) and cut into tokens of letters
-- and digits joined by one space. It is kept in the generated column clients.search_text, the
-- one column SQLite lacks. client_search_pattern folds a typed word alike into '% tok tok%', and
-- search_text LIKE that pattern is FTS5's phrase-prefix match: a token starts after a space, and
-- the ' | ' between fields stops a phrase from spanning two. One such condition per word, ANDed,
-- OR phone_digits LIKE '%digits%' when the text looks like a phone number, is SQLite's query.
-- GIN trigram indexes (pg_trgm) serve both; the pattern's leading space gives even a one-letter
-- word a trigram. Case and letters follow ICU ("und-x-icu"), not the database's locale, which
-- may be "C" (ASCII only). unaccent is not used: it folds more than SQLite (ß, æ, ø, й) and is
-- not immutable.
--
-- There are no views: SQLite's schema has none at version 7.

DO $$
BEGIN
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RAISE EXCEPTION 'a Needlelog database must use the UTF8 encoding, not %', current_setting('server_encoding');
    END IF;
END $$;

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Practice settings: clinic details for reports, defaults. Values are UTF-8 text or, for the logo, bytes.
CREATE TABLE settings (
    key   text COLLATE "C" PRIMARY KEY,
    value bytea NOT NULL
);

CREATE TABLE practitioners (
    id              text COLLATE "C" PRIMARY KEY,
    name            text COLLATE "C" NOT NULL CHECK (name <> ''),
    credentials     text COLLATE "C" NOT NULL DEFAULT '',
    role            text COLLATE "C" NOT NULL DEFAULT 'practitioner' CHECK (role IN ('practitioner', 'admin')),
    passphrase_hash text COLLATE "C" NOT NULL DEFAULT '', -- argon2id, encoded; '' when none is set
    retired         bigint NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at      text COLLATE "C" NOT NULL,
    updated_at      text COLLATE "C" NOT NULL
);

CREATE TABLE list_items (
    id       text COLLATE "C" PRIMARY KEY,
    kind     text COLLATE "C" NOT NULL,
    name     text COLLATE "C" NOT NULL CHECK (name <> ''),
    category text COLLATE "C" NOT NULL DEFAULT '',
    position bigint NOT NULL DEFAULT 0,
    retired  bigint NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    UNIQUE (kind, name)
);

CREATE TABLE zones (
    id          text COLLATE "C" PRIMARY KEY,
    name        text COLLATE "C" NOT NULL UNIQUE CHECK (name <> ''),
    region      text COLLATE "C" NOT NULL CHECK (region IN ('face', 'neck', 'scalp', 'body')),
    map_key     text COLLATE "C" NOT NULL DEFAULT '',
    typical_min double precision NOT NULL,
    typical_max double precision NOT NULL,
    warn_above  double precision NOT NULL,
    position    bigint NOT NULL DEFAULT 0,
    retired     bigint NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    CHECK (typical_min <= typical_max)
);

CREATE TABLE devices (
    id              text COLLATE "C" PRIMARY KEY,
    model           text COLLATE "C" NOT NULL UNIQUE CHECK (model <> ''),
    kind            text COLLATE "C" NOT NULL CHECK (kind IN ('pen', 'roller', 'rf', 'stamp')),
    speed_unit      text COLLATE "C" NOT NULL DEFAULT '',
    max_depth       double precision NOT NULL,
    evaluated_depth double precision NOT NULL,
    depth_step      double precision NOT NULL DEFAULT 0.25,
    retired         bigint NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at      text COLLATE "C" NOT NULL,
    updated_at      text COLLATE "C" NOT NULL,
    CHECK (evaluated_depth <= max_depth)
);

CREATE TABLE cartridges (
    id      text COLLATE "C" PRIMARY KEY,
    name    text COLLATE "C" NOT NULL UNIQUE CHECK (name <> ''),
    needles bigint NOT NULL DEFAULT 0,
    retired bigint NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
);

CREATE TABLE cartridge_lots (
    id           text COLLATE "C" PRIMARY KEY,
    cartridge_id text COLLATE "C" NOT NULL REFERENCES cartridges (id),
    lot          text COLLATE "C" NOT NULL CHECK (lot <> ''),
    expiry       text COLLATE "C" NOT NULL DEFAULT '',
    UNIQUE (cartridge_id, lot)
);

CREATE TABLE products (
    id              text COLLATE "C" PRIMARY KEY,
    name            text COLLATE "C" NOT NULL UNIQUE CHECK (name <> ''),
    kind            text COLLATE "C" NOT NULL,
    needled_skin_ok bigint NOT NULL DEFAULT 1 CHECK (needled_skin_ok IN (0, 1)),
    notes           text COLLATE "C" NOT NULL DEFAULT '',
    retired         bigint NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
);

CREATE TABLE product_lots (
    id         text COLLATE "C" PRIMARY KEY,
    product_id text COLLATE "C" NOT NULL REFERENCES products (id),
    lot        text COLLATE "C" NOT NULL CHECK (lot <> ''),
    expiry     text COLLATE "C" NOT NULL DEFAULT '',
    UNIQUE (product_id, lot)
);

CREATE TABLE contraindication_rules (
    id          text COLLATE "C" PRIMARY KEY,
    condition   text COLLATE "C" NOT NULL UNIQUE CHECK (condition <> ''),
    action      text COLLATE "C" NOT NULL CHECK (action IN ('block', 'warn')),
    window_days bigint NOT NULL DEFAULT 0 CHECK (window_days >= 0),
    message     text COLLATE "C" NOT NULL DEFAULT '',
    position    bigint NOT NULL DEFAULT 0,
    retired     bigint NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
);

-- Client search (see the top of this file). search_fold is one field or one typed word as
-- FTS5's tokenizer sees it: tokens of letters and digits, lower case, the diacritics of Latin
-- letters removed (é → e, ễ → e; ø, ł and ß stay), those of other scripts kept (й, ё, ί), as
-- remove_diacritics 2 does.
CREATE FUNCTION search_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(
    lower(normalize(regexp_replace(normalize(t, NFD), '([A-Za-z])[\u0300-\u036f]+', '\1', 'g'), NFC) COLLATE "und-x-icu"),
    '[^[:alnum:]]+', ' ', 'g'));

-- The four searched fields, folded, each between ' | ' so that no phrase spans two.
CREATE FUNCTION client_search_text(first_name text, last_name text, email text, phone text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ' ' || search_fold(first_name) || ' | ' || search_fold(last_name) || ' | ' ||
    search_fold(email) || ' | ' || search_fold(phone) || ' ';

-- The LIKE pattern one typed word matches by: its tokens in order, the last one a prefix. NULL
-- (matching nothing) for a word without a letter or a digit.
CREATE FUNCTION client_search_pattern(word text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN '% ' || nullif(search_fold(word), '') || '%';

-- num is kept so that a row copies between the engines as it is; search does not need it here.
-- A copy that writes num itself must move the identity past the largest after (setval on
-- pg_get_serial_sequence('clients', 'num')), or the next new client collides.
CREATE TABLE clients (
    num             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    id              text COLLATE "C" NOT NULL UNIQUE,
    first_name      text COLLATE "C" NOT NULL DEFAULT '',
    last_name       text COLLATE "C" NOT NULL DEFAULT '',
    sort_key        text COLLATE "C" NOT NULL DEFAULT '',
    date_of_birth   text COLLATE "C" NOT NULL DEFAULT '',
    phone           text COLLATE "C" NOT NULL DEFAULT '',
    phone_digits    text COLLATE "C" NOT NULL DEFAULT '',
    email           text COLLATE "C" NOT NULL DEFAULT '',
    fitzpatrick     bigint NOT NULL DEFAULT 0 CHECK (fitzpatrick BETWEEN 0 AND 6),
    concerns        text COLLATE "C" NOT NULL DEFAULT '[]',
    medications     text COLLATE "C" NOT NULL DEFAULT '',
    allergies       text COLLATE "C" NOT NULL DEFAULT '[]',
    medical_notes   text COLLATE "C" NOT NULL DEFAULT '',
    consent_form    text COLLATE "C" NOT NULL DEFAULT '',
    consent_version text COLLATE "C" NOT NULL DEFAULT '',
    consent_signed  text COLLATE "C" NOT NULL DEFAULT '',
    photo_consent   text COLLATE "C" NOT NULL DEFAULT 'none'
        CHECK (photo_consent IN ('none', 'clinical', 'education', 'marketing')),
    notes           text COLLATE "C" NOT NULL DEFAULT '',
    archived_at     text COLLATE "C" NOT NULL DEFAULT '',
    last_session    text COLLATE "C" NOT NULL DEFAULT '',
    next_due        text COLLATE "C" NOT NULL DEFAULT '',
    created_at      text COLLATE "C" NOT NULL,
    updated_at      text COLLATE "C" NOT NULL,
    version         bigint NOT NULL DEFAULT 1,
    -- PostgreSQL's alone: the folded fields search reads, made once per change rather than on
    -- every row a search looks at.
    search_text     text COLLATE "C" NOT NULL
        GENERATED ALWAYS AS (client_search_text(first_name, last_name, email, phone)) STORED,
    CHECK (first_name <> '' OR last_name <> '')
);
CREATE INDEX clients_sort ON clients (sort_key, id);
CREATE INDEX clients_due ON clients (next_due, sort_key, id) WHERE next_due <> '';
CREATE INDEX clients_last_session ON clients (last_session, id) WHERE last_session <> '';

CREATE TABLE client_history (
    id         text COLLATE "C" PRIMARY KEY,
    client_id  text COLLATE "C" NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    position   bigint NOT NULL DEFAULT 0,
    condition  text COLLATE "C" NOT NULL CHECK (condition <> ''),
    since      text COLLATE "C" NOT NULL DEFAULT '',
    until      text COLLATE "C" NOT NULL DEFAULT '',
    notes      text COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX client_history_client ON client_history (client_id, position);

CREATE INDEX clients_search ON clients USING gin (search_text gin_trgm_ops);
CREATE INDEX clients_phone_digits ON clients USING gin (phone_digits gin_trgm_ops);

CREATE TABLE sessions (
    id                     text COLLATE "C" PRIMARY KEY,
    client_id              text COLLATE "C" NOT NULL REFERENCES clients (id),
    practitioner_id        text COLLATE "C" REFERENCES practitioners (id),
    started_at             text COLLATE "C" NOT NULL,
    series_n               bigint NOT NULL DEFAULT 1 CHECK (series_n >= 1),
    series_of              bigint NOT NULL DEFAULT 0 CHECK (series_of >= 0),
    series_interval_days   bigint NOT NULL DEFAULT 28 CHECK (series_interval_days > 0),
    concerns               text COLLATE "C" NOT NULL DEFAULT '[]',
    modality               text COLLATE "C" NOT NULL DEFAULT '',
    anaesthetic_product_id text COLLATE "C" REFERENCES products (id),
    anaesthetic_lot        text COLLATE "C" NOT NULL DEFAULT '',
    anaesthetic_minutes    bigint NOT NULL DEFAULT 0,
    device_id              text COLLATE "C" REFERENCES devices (id),
    handpiece_serial       text COLLATE "C" NOT NULL DEFAULT '',
    cartridge_id           text COLLATE "C" REFERENCES cartridges (id),
    cartridge_lot          text COLLATE "C" NOT NULL DEFAULT '',
    cartridge_expiry       text COLLATE "C" NOT NULL DEFAULT '',
    pain_score             bigint CHECK (pain_score BETWEEN 0 AND 10),
    no_side_effects        bigint NOT NULL DEFAULT 0 CHECK (no_side_effects IN (0, 1)),
    aftercare              text COLLATE "C" NOT NULL DEFAULT '[]',
    aftercare_sheet        text COLLATE "C" NOT NULL DEFAULT '',
    price_cents            bigint CHECK (price_cents >= 0),
    next_due               text COLLATE "C" NOT NULL DEFAULT '',
    notes                  text COLLATE "C" NOT NULL DEFAULT '',
    photo_refusal          text COLLATE "C" NOT NULL DEFAULT '',
    status                 text COLLATE "C" NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    signed_at              text COLLATE "C" NOT NULL DEFAULT '',
    signed_by              text COLLATE "C" REFERENCES practitioners (id),
    record_hash            text COLLATE "C" NOT NULL DEFAULT '',
    created_at             text COLLATE "C" NOT NULL,
    updated_at             text COLLATE "C" NOT NULL,
    version                bigint NOT NULL DEFAULT 1
);
CREATE INDEX sessions_client ON sessions (client_id, started_at);
CREATE INDEX sessions_started ON sessions (started_at);
CREATE INDEX sessions_cartridge_lot ON sessions (cartridge_lot) WHERE cartridge_lot <> '';
CREATE INDEX sessions_signed ON sessions (status) WHERE status = 'signed';
CREATE INDEX sessions_unsigned ON sessions (started_at) WHERE status = 'draft';
CREATE INDEX sessions_unsigned_by ON sessions (practitioner_id, started_at) WHERE status = 'draft';

CREATE TABLE session_zones (
    id         text COLLATE "C" PRIMARY KEY,
    session_id text COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position   bigint NOT NULL DEFAULT 0,
    zone       text COLLATE "C" NOT NULL CHECK (zone <> ''),
    depth_mm   double precision NOT NULL CHECK (depth_mm BETWEEN 0.1 AND 3.0),
    speed      double precision NOT NULL DEFAULT 0 CHECK (speed >= 0),
    passes     bigint NOT NULL CHECK (passes BETWEEN 1 AND 40),
    pattern    text COLLATE "C" NOT NULL DEFAULT '',
    endpoint   text COLLATE "C" NOT NULL DEFAULT '',
    UNIQUE (session_id, zone)
);

CREATE TABLE session_products (
    id         text COLLATE "C" PRIMARY KEY,
    session_id text COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position   bigint NOT NULL DEFAULT 0,
    product_id text COLLATE "C" NOT NULL REFERENCES products (id),
    lot        text COLLATE "C" NOT NULL DEFAULT '',
    expiry     text COLLATE "C" NOT NULL DEFAULT '',
    phase      text COLLATE "C" NOT NULL CHECK (phase IN ('before', 'during', 'after')),
    amount     text COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX session_products_session ON session_products (session_id, position);
CREATE INDEX session_products_lot ON session_products (lot) WHERE lot <> '';

CREATE TABLE side_effects (
    id             text COLLATE "C" PRIMARY KEY,
    session_id     text COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind           text COLLATE "C" NOT NULL CHECK (kind <> ''),
    severity       text COLLATE "C" NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
    during_session bigint NOT NULL DEFAULT 0 CHECK (during_session IN (0, 1)),
    onset          text COLLATE "C" NOT NULL,
    resolved       text COLLATE "C" NOT NULL DEFAULT '',
    treatment      text COLLATE "C" NOT NULL DEFAULT '',
    notes          text COLLATE "C" NOT NULL DEFAULT '',
    created_at     text COLLATE "C" NOT NULL,
    updated_at     text COLLATE "C" NOT NULL
);
CREATE INDEX side_effects_session ON side_effects (session_id, onset);
CREATE INDEX side_effects_open ON side_effects (onset) WHERE resolved = '';

CREATE TABLE session_overrides (
    id              text COLLATE "C" PRIMARY KEY,
    session_id      text COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    rule            text COLLATE "C" NOT NULL,
    reason          text COLLATE "C" NOT NULL CHECK (reason <> ''),
    practitioner_id text COLLATE "C" REFERENCES practitioners (id),
    at              text COLLATE "C" NOT NULL
);
CREATE INDEX session_overrides_session ON session_overrides (session_id);

CREATE TABLE session_amendments (
    id              text COLLATE "C" PRIMARY KEY,
    session_id      text COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    practitioner_id text COLLATE "C" REFERENCES practitioners (id),
    at              text COLLATE "C" NOT NULL,
    reason          text COLLATE "C" NOT NULL CHECK (reason <> ''),
    changes         text COLLATE "C" NOT NULL DEFAULT '[]'
);
CREATE INDEX session_amendments_session ON session_amendments (session_id, at);

CREATE TABLE photos (
    id             text COLLATE "C" PRIMARY KEY,
    client_id      text COLLATE "C" NOT NULL REFERENCES clients (id),
    session_id     text COLLATE "C" REFERENCES sessions (id) ON DELETE SET NULL,
    kind           text COLLATE "C" NOT NULL CHECK (kind IN ('before', 'after', 'follow-up')),
    zone           text COLLATE "C" NOT NULL DEFAULT '',
    view           text COLLATE "C" NOT NULL DEFAULT '',
    taken_at       text COLLATE "C" NOT NULL,
    note           text COLLATE "C" NOT NULL DEFAULT '',
    consent_scope  text COLLATE "C" NOT NULL DEFAULT 'clinical'
        CHECK (consent_scope IN ('clinical', 'education', 'marketing')),
    file_name      text COLLATE "C" NOT NULL DEFAULT '',
    mime           text COLLATE "C" NOT NULL,
    width          bigint NOT NULL,
    height         bigint NOT NULL,
    byte_size      bigint NOT NULL,
    sha256         text COLLATE "C" NOT NULL UNIQUE,
    created_at     text COLLATE "C" NOT NULL,
    updated_at     text COLLATE "C" NOT NULL,
    version        bigint NOT NULL DEFAULT 1,
    preview_sha256 text COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX photos_client ON photos (client_id, taken_at);
CREATE INDEX photos_session ON photos (session_id);

-- The photo files (originals and previews), content-addressed as SQLite's photo folder is: each
-- named by the SHA-256 of its bytes (lower-case hex), written once and committed before the photo
-- naming it, never changed (the application role may not UPDATE it), removed once no photo names
-- it and it is older than the grace period (added_at, as the other times are kept). Here, not in a
-- folder, so that every PC sees every photo. The one table SQLite lacks. JPEG bytes do not
-- compress: kept uncompressed (EXTERNAL), so that reading and writing them costs no compression.
CREATE TABLE photo_files (
    sha256   text COLLATE "C" PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes    bytea NOT NULL,
    size     bigint NOT NULL CHECK (size = octet_length(bytes)),
    added_at text COLLATE "C" NOT NULL
);
ALTER TABLE photo_files ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- Photos stored before the photo library (SQLite's 0001…0006); kept so that such a practice
-- moves here as it is and its photos move out to the library as on SQLite.
CREATE TABLE photo_originals (
    photo_id text COLLATE "C" PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
    bytes    bytea NOT NULL
);

CREATE TABLE photo_renditions (
    photo_id  text COLLATE "C" PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
    thumbnail bytea NOT NULL,
    preview   bytea NOT NULL
);

CREATE TABLE photo_thumbnails (
    photo_id  text COLLATE "C" PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
    thumbnail bytea NOT NULL
);

CREATE TABLE photo_pins (
    id       text COLLATE "C" PRIMARY KEY,
    photo_id text COLLATE "C" NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    n        bigint NOT NULL,
    x        double precision NOT NULL CHECK (x BETWEEN 0 AND 1),
    y        double precision NOT NULL CHECK (y BETWEEN 0 AND 1),
    note     text COLLATE "C" NOT NULL DEFAULT '',
    UNIQUE (photo_id, n)
);

CREATE TABLE drafts (
    id         text COLLATE "C" PRIMARY KEY,
    client_id  text COLLATE "C" NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    session_id text COLLATE "C" REFERENCES sessions (id) ON DELETE CASCADE,
    form       text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL
);
CREATE INDEX drafts_client ON drafts (client_id);

-- seq is written by the store (the hash covers it), never drawn from a sequence.
CREATE TABLE audit_log (
    seq             bigint PRIMARY KEY,
    at              text COLLATE "C" NOT NULL,
    practitioner_id text COLLATE "C" NOT NULL DEFAULT '',
    action          text COLLATE "C" NOT NULL,
    entity          text COLLATE "C" NOT NULL,
    entity_id       text COLLATE "C" NOT NULL,
    detail          text COLLATE "C" NOT NULL DEFAULT '',
    prev_hash       text COLLATE "C" NOT NULL,
    hash            text COLLATE "C" NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_id);

CREATE TABLE sealed_side_effects (
    side_effect_id text COLLATE "C" PRIMARY KEY REFERENCES side_effects (id) ON DELETE CASCADE
);

CREATE TABLE amendment_records (
    amendment_id  text COLLATE "C" PRIMARY KEY REFERENCES session_amendments (id) ON DELETE CASCADE,
    session_id    text COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    n             bigint NOT NULL CHECK (n >= 1),
    prev_hash     text COLLATE "C" NOT NULL,
    record_hash   text COLLATE "C" NOT NULL,
    record_before text COLLATE "C" NOT NULL,
    UNIQUE (session_id, n)
);
CREATE INDEX amendment_records_prev ON amendment_records (session_id, prev_hash);

CREATE TABLE practitioner_keys (
    id              text COLLATE "C" PRIMARY KEY,
    practitioner_id text COLLATE "C" NOT NULL REFERENCES practitioners (id),
    public_key      text COLLATE "C" NOT NULL,
    sealed_key      text COLLATE "C" NOT NULL DEFAULT '',
    created_at      text COLLATE "C" NOT NULL,
    created_seq     bigint NOT NULL,
    retired_at      text COLLATE "C" NOT NULL DEFAULT '',
    retired_seq     bigint NOT NULL DEFAULT 0
);
CREATE INDEX practitioner_keys_practitioner ON practitioner_keys (practitioner_id);
CREATE UNIQUE INDEX practitioner_keys_in_force ON practitioner_keys (practitioner_id) WHERE retired_seq = 0;

CREATE TABLE audit_signatures (
    seq       bigint PRIMARY KEY REFERENCES audit_log (seq),
    key_id    text COLLATE "C" NOT NULL REFERENCES practitioner_keys (id),
    signature text COLLATE "C" NOT NULL
);

-- Clients' last session and next due date, from their latest session (SQLite's
-- sessions_latest_* triggers, statement for statement).
CREATE FUNCTION sessions_latest() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new session is usually the client's latest: take its values without looking further.
        UPDATE clients SET
            last_session = NEW.started_at,
            next_due = CASE WHEN NEW.started_at > last_session THEN NEW.next_due
                ELSE (SELECT s.next_due FROM sessions s WHERE s.client_id = NEW.client_id
                      ORDER BY s.started_at DESC, s.id DESC LIMIT 1) END
        WHERE id = NEW.client_id AND NEW.started_at >= last_session;
    ELSE
        UPDATE clients c SET
            last_session = coalesce((SELECT max(s.started_at) FROM sessions s WHERE s.client_id = c.id), ''),
            next_due = coalesce((SELECT s.next_due FROM sessions s WHERE s.client_id = c.id
                                 ORDER BY s.started_at DESC, s.id DESC LIMIT 1), '')
        WHERE c.id IN (OLD.client_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.client_id END);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER sessions_latest_insert AFTER INSERT ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_latest();
CREATE TRIGGER sessions_latest_update AFTER UPDATE OF client_id, started_at, next_due ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_latest();
CREATE TRIGGER sessions_latest_delete AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_latest();

-- Trustworthy records (SQLite's 0003): a signed session is read-only in the database itself. Its
-- rows may change only while an amendment is pending for it: one whose prev_hash is the
-- session's current record_hash (see store/sqlite/migrations/0003_signed_records.sql).

-- session_locked: the session is signed and no amendment is pending for it.
CREATE FUNCTION session_locked(session text) RETURNS boolean
LANGUAGE sql STABLE SET search_path FROM CURRENT
RETURN EXISTS (SELECT 1 FROM sessions s WHERE s.id = session AND s.status = 'signed'
    AND NOT EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = s.id AND a.prev_hash = s.record_hash));

CREATE FUNCTION sessions_signed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A session is signed only through an UPDATE by SignSession, never inserted as signed.
        IF NEW.status = 'signed' THEN
            RAISE EXCEPTION 'signed session is read-only: sign a saved draft' USING ERRCODE = 'NL001';
        END IF;
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only an amendment's new record hash, once the amendment is written.
        IF OLD.status = 'signed' AND NOT (
            NEW.status = 'signed' AND NEW.id = OLD.id AND NEW.client_id = OLD.client_id
            AND NEW.signed_at = OLD.signed_at AND NEW.signed_by IS NOT DISTINCT FROM OLD.signed_by
            AND NEW.created_at = OLD.created_at AND NEW.record_hash <> OLD.record_hash
            AND EXISTS (SELECT 1 FROM amendment_records a WHERE a.session_id = OLD.id
                        AND a.prev_hash = OLD.record_hash AND a.record_hash = NEW.record_hash)) THEN
            RAISE EXCEPTION 'signed session is read-only' USING ERRCODE = 'NL001';
        END IF;
        RETURN NEW;
    END IF;
    -- A signed session goes only with its client, and only once the client is archived.
    IF OLD.status = 'signed'
        AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = OLD.client_id AND c.archived_at <> '') THEN
        RAISE EXCEPTION 'signed session is read-only' USING ERRCODE = 'NL001';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER sessions_signed BEFORE INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_signed();

-- Zones, products and overrides: refused while their session is locked. A cascade from deleting
-- the session runs once the session row is gone, so it passes.
CREATE FUNCTION session_child_signed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF (TG_OP IN ('INSERT', 'UPDATE') AND session_locked(NEW.session_id))
        OR (TG_OP IN ('UPDATE', 'DELETE') AND session_locked(OLD.session_id)) THEN
        RAISE EXCEPTION 'signed session is read-only' USING ERRCODE = 'NL001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER session_zones_signed BEFORE INSERT OR UPDATE OR DELETE ON session_zones
    FOR EACH ROW EXECUTE FUNCTION session_child_signed();
CREATE TRIGGER session_products_signed BEFORE INSERT OR UPDATE OR DELETE ON session_products
    FOR EACH ROW EXECUTE FUNCTION session_child_signed();
CREATE TRIGGER session_overrides_signed BEFORE INSERT OR UPDATE OR DELETE ON session_overrides
    FOR EACH ROW EXECUTE FUNCTION session_child_signed();

-- Sealed side effects keep what was observed; their follow-up fields (resolved, treatment,
-- notes) stay editable, and side effects logged after signing stay free.
CREATE FUNCTION side_effects_signed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM sealed_side_effects x WHERE x.side_effect_id = OLD.id) THEN
        IF TG_OP = 'UPDATE' THEN
            IF (NEW.id IS DISTINCT FROM OLD.id OR NEW.session_id IS DISTINCT FROM OLD.session_id
                OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.severity IS DISTINCT FROM OLD.severity
                OR NEW.during_session IS DISTINCT FROM OLD.during_session OR NEW.onset IS DISTINCT FROM OLD.onset)
                AND (session_locked(OLD.session_id) OR session_locked(NEW.session_id)) THEN
                RAISE EXCEPTION 'signed session is read-only' USING ERRCODE = 'NL001';
            END IF;
        ELSIF session_locked(OLD.session_id) THEN
            RAISE EXCEPTION 'signed session is read-only' USING ERRCODE = 'NL001';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER side_effects_signed BEFORE UPDATE OR DELETE ON side_effects
    FOR EACH ROW EXECUTE FUNCTION side_effects_signed();

-- Sealing happens while the session is a draft, in SignSession; a signed record gains or loses none.
CREATE FUNCTION sealed_side_effects_signed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        OR EXISTS (SELECT 1 FROM side_effects e JOIN sessions s ON s.id = e.session_id
                   WHERE e.id = CASE WHEN TG_OP = 'INSERT' THEN NEW.side_effect_id ELSE OLD.side_effect_id END
                   AND s.status = 'signed') THEN
        RAISE EXCEPTION 'signed session is read-only' USING ERRCODE = 'NL001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER sealed_side_effects_signed BEFORE INSERT OR UPDATE OR DELETE ON sealed_side_effects
    FOR EACH ROW EXECUTE FUNCTION sealed_side_effects_signed();

-- An amendment is history: once written it is never changed or removed (except with its session).
CREATE FUNCTION amendments_kept() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'signed session is read-only: amendments are never changed' USING ERRCODE = 'NL001';
    END IF;
    IF EXISTS (SELECT 1 FROM sessions s WHERE s.id = OLD.session_id) THEN
        RAISE EXCEPTION 'signed session is read-only: amendments are never removed' USING ERRCODE = 'NL001';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER session_amendments_kept BEFORE UPDATE OR DELETE ON session_amendments
    FOR EACH ROW EXECUTE FUNCTION amendments_kept();
CREATE TRIGGER amendment_records_kept BEFORE UPDATE OR DELETE ON amendment_records
    FOR EACH ROW EXECUTE FUNCTION amendments_kept();

-- An amendment follows the record as it stands, and names its own session and number.
CREATE FUNCTION amendment_records_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM session_amendments a WHERE a.id = NEW.amendment_id AND a.session_id = NEW.session_id)
        OR NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = NEW.session_id AND s.status = 'signed'
                       AND s.record_hash = NEW.prev_hash)
        OR NEW.n <> 1 + (SELECT count(*) FROM amendment_records r WHERE r.session_id = NEW.session_id) THEN
        RAISE EXCEPTION 'signed session is read-only: an amendment follows the signed record as it stands'
            USING ERRCODE = 'NL001';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER amendment_records_insert BEFORE INSERT ON amendment_records
    FOR EACH ROW EXECUTE FUNCTION amendment_records_insert();

-- The audit log and its signatures are append-only. Verify detects a change made with these
-- triggers dropped (which only the owner role can do).
CREATE FUNCTION audit_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'NL002';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_signatures_append_only BEFORE UPDATE OR DELETE ON audit_signatures
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

-- Keys are kept for ever. Only the seal may change (a new passphrase), and only while the key is
-- in force; retiring is once.
CREATE FUNCTION practitioner_keys_kept() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'DELETE'
        OR NEW.id IS DISTINCT FROM OLD.id OR NEW.practitioner_id IS DISTINCT FROM OLD.practitioner_id
        OR NEW.public_key IS DISTINCT FROM OLD.public_key OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR NEW.created_seq IS DISTINCT FROM OLD.created_seq
        OR (OLD.retired_seq <> 0 AND (NEW.retired_seq IS DISTINCT FROM OLD.retired_seq
            OR NEW.retired_at IS DISTINCT FROM OLD.retired_at OR NEW.sealed_key IS DISTINCT FROM OLD.sealed_key)) THEN
        RAISE EXCEPTION 'practitioner keys are kept for ever' USING ERRCODE = 'NL003';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER practitioner_keys_kept BEFORE UPDATE OR DELETE ON practitioner_keys
    FOR EACH ROW EXECUTE FUNCTION practitioner_keys_kept();

-- TRUNCATE skips row triggers: the tables of history refuse it outright (SQLite has no TRUNCATE).
CREATE FUNCTION history_no_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_TABLE_NAME IN ('audit_log', 'audit_signatures') THEN
        RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'NL002';
    ELSIF TG_TABLE_NAME = 'practitioner_keys' THEN
        RAISE EXCEPTION 'practitioner keys are kept for ever' USING ERRCODE = 'NL003';
    END IF;
    RAISE EXCEPTION 'signed session is read-only' USING ERRCODE = 'NL001';
END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();
CREATE TRIGGER audit_signatures_no_truncate BEFORE TRUNCATE ON audit_signatures
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();
CREATE TRIGGER practitioner_keys_no_truncate BEFORE TRUNCATE ON practitioner_keys
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();
CREATE TRIGGER sessions_no_truncate BEFORE TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();
CREATE TRIGGER session_zones_no_truncate BEFORE TRUNCATE ON session_zones
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();
CREATE TRIGGER session_products_no_truncate BEFORE TRUNCATE ON session_products
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();
CREATE TRIGGER session_overrides_no_truncate BEFORE TRUNCATE ON session_overrides
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();
CREATE TRIGGER sealed_side_effects_no_truncate BEFORE TRUNCATE ON sealed_side_effects
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();
CREATE TRIGGER session_amendments_no_truncate BEFORE TRUNCATE ON session_amendments
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();
CREATE TRIGGER amendment_records_no_truncate BEFORE TRUNCATE ON amendment_records
    FOR EACH STATEMENT EXECUTE FUNCTION history_no_truncate();

-- The practice's identity, made once and kept by every copy (SQLite's 0004): a new practice gets
-- a random one, 32 lower-case hex digits as on SQLite. A practice moved here from SQLite keeps
-- its own, which the move writes over this one.
INSERT INTO settings (key, value)
VALUES ('practice.id', convert_to(replace(gen_random_uuid()::text, '-', ''), 'UTF8'));

-- Live updates (listen.go): each change to a record table notifies the channel needlelog_changes
-- with "kind client-id" ('' for lists and settings), which the server delivers to every listening
-- PC when the change commits (never for one rolled back). The kinds are store.Change's. A
-- transaction says each distinct change once (the server would fold repeats anyway) and, past ten
-- of them, says "all" once and nothing more: an import of thousands of clients sends a few
-- notifications per transaction, not one per client. What it has said is kept in the setting
-- needlelog.changes_said, which lasts until the transaction ends. The history tables (audit log,
-- signatures) notify nothing: a change they record notifies by its own table.
CREATE FUNCTION say_change(kind text, client text) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    said text := coalesce(current_setting('needlelog.changes_said', true), '');
    payload text := kind || ' ' || client;
BEGIN
    IF said = 'all' OR strpos(said, E'\n' || payload || E'\n') > 0 THEN
        RETURN;
    END IF;
    IF length(said) - length(replace(said, E'\n', '')) > 10 THEN
        PERFORM pg_notify('needlelog_changes', 'all');
        PERFORM set_config('needlelog.changes_said', 'all', true);
        RETURN;
    END IF;
    PERFORM pg_notify('needlelog_changes', payload);
    PERFORM set_config('needlelog.changes_said', coalesce(nullif(said, ''), E'\n') || payload || E'\n', true);
END $$;

-- TG_ARGV[0] is the kind; TG_ARGV[1] how the row names its client: its id (clients), its
-- client_id, its session_id, photo_id or side_effect_id (found through that record), or '' for
-- none. A row whose session or photo went with it in a cascade says nothing: its parent said it.
CREATE FUNCTION notify_change() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    r record;
    client text := '';
BEGIN
    IF current_setting('needlelog.changes_said', true) = 'all' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        r := OLD;
    ELSE
        r := NEW;
    END IF;
    CASE TG_ARGV[1]
    WHEN 'id' THEN
        client := r.id;
    WHEN 'client_id' THEN
        client := r.client_id;
        IF TG_OP = 'UPDATE' AND OLD.client_id IS DISTINCT FROM NEW.client_id THEN
            PERFORM say_change(TG_ARGV[0], OLD.client_id);
        END IF;
    WHEN 'session_id' THEN
        SELECT s.client_id INTO client FROM sessions s WHERE s.id = r.session_id;
    WHEN 'photo_id' THEN
        SELECT p.client_id INTO client FROM photos p WHERE p.id = r.photo_id;
    WHEN 'side_effect_id' THEN
        SELECT s.client_id INTO client FROM side_effects e JOIN sessions s ON s.id = e.session_id
        WHERE e.id = r.side_effect_id;
    ELSE
        client := '';
    END CASE;
    IF client IS NOT NULL THEN
        PERFORM say_change(TG_ARGV[0], client);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER settings_notify AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH ROW EXECUTE FUNCTION notify_change('setting', '');
CREATE TRIGGER practitioners_notify AFTER INSERT OR UPDATE OR DELETE ON practitioners
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER practitioner_keys_notify AFTER INSERT OR UPDATE OR DELETE ON practitioner_keys
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER list_items_notify AFTER INSERT OR UPDATE OR DELETE ON list_items
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER zones_notify AFTER INSERT OR UPDATE OR DELETE ON zones
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER devices_notify AFTER INSERT OR UPDATE OR DELETE ON devices
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER cartridges_notify AFTER INSERT OR UPDATE OR DELETE ON cartridges
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER cartridge_lots_notify AFTER INSERT OR UPDATE OR DELETE ON cartridge_lots
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER products_notify AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER product_lots_notify AFTER INSERT OR UPDATE OR DELETE ON product_lots
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER contraindication_rules_notify AFTER INSERT OR UPDATE OR DELETE ON contraindication_rules
    FOR EACH ROW EXECUTE FUNCTION notify_change('list', '');
CREATE TRIGGER clients_notify AFTER INSERT OR UPDATE OR DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION notify_change('client', 'id');
CREATE TRIGGER client_history_notify AFTER INSERT OR UPDATE OR DELETE ON client_history
    FOR EACH ROW EXECUTE FUNCTION notify_change('client', 'client_id');
CREATE TRIGGER sessions_notify AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION notify_change('session', 'client_id');
CREATE TRIGGER session_zones_notify AFTER INSERT OR UPDATE OR DELETE ON session_zones
    FOR EACH ROW EXECUTE FUNCTION notify_change('session', 'session_id');
CREATE TRIGGER session_products_notify AFTER INSERT OR UPDATE OR DELETE ON session_products
    FOR EACH ROW EXECUTE FUNCTION notify_change('session', 'session_id');
CREATE TRIGGER side_effects_notify AFTER INSERT OR UPDATE OR DELETE ON side_effects
    FOR EACH ROW EXECUTE FUNCTION notify_change('session', 'session_id');
CREATE TRIGGER sealed_side_effects_notify AFTER INSERT OR UPDATE OR DELETE ON sealed_side_effects
    FOR EACH ROW EXECUTE FUNCTION notify_change('session', 'side_effect_id');
CREATE TRIGGER session_overrides_notify AFTER INSERT OR UPDATE OR DELETE ON session_overrides
    FOR EACH ROW EXECUTE FUNCTION notify_change('session', 'session_id');
CREATE TRIGGER session_amendments_notify AFTER INSERT OR UPDATE OR DELETE ON session_amendments
    FOR EACH ROW EXECUTE FUNCTION notify_change('session', 'session_id');
CREATE TRIGGER amendment_records_notify AFTER INSERT OR UPDATE OR DELETE ON amendment_records
    FOR EACH ROW EXECUTE FUNCTION notify_change('session', 'session_id');
CREATE TRIGGER photos_notify AFTER INSERT OR UPDATE OR DELETE ON photos
    FOR EACH ROW EXECUTE FUNCTION notify_change('photo', 'client_id');
CREATE TRIGGER photo_originals_notify AFTER INSERT OR UPDATE OR DELETE ON photo_originals
    FOR EACH ROW EXECUTE FUNCTION notify_change('photo', 'photo_id');
CREATE TRIGGER photo_renditions_notify AFTER INSERT OR UPDATE OR DELETE ON photo_renditions
    FOR EACH ROW EXECUTE FUNCTION notify_change('photo', 'photo_id');
CREATE TRIGGER photo_thumbnails_notify AFTER INSERT OR UPDATE OR DELETE ON photo_thumbnails
    FOR EACH ROW EXECUTE FUNCTION notify_change('photo', 'photo_id');
CREATE TRIGGER photo_pins_notify AFTER INSERT OR UPDATE OR DELETE ON photo_pins
    FOR EACH ROW EXECUTE FUNCTION notify_change('photo', 'photo_id');
CREATE TRIGGER drafts_notify AFTER INSERT OR UPDATE OR DELETE ON drafts
    FOR EACH ROW EXECUTE FUNCTION notify_change('draft', 'client_id');
