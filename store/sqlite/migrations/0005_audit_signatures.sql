-- Signed audit entries: a hash chain alone can be recomputed by anyone who rewrites the file; a
-- signature by the acting practitioner's key cannot be made without their passphrase.
--
-- Each practitioner with a passphrase has an Ed25519 key pair. The private key is stored sealed
-- (XChaCha20-Poly1305) under a key derived by argon2id from their passphrase, so it is usable only
-- while they are signed in. A changed passphrase seals the same key again; a passphrase reset by an
-- admin retires the key (its public half stays, to check the entries it signed) and the next
-- passphrase set makes a new one. A key is in force for its practitioner's entries from the audit
-- entry that made it (created_seq) until the one that retired it (retired_seq).
--
-- New tables only, and every statement may run again (IF NOT EXISTS), as in 0003: this migration
-- depends on nothing but 0001's audit_log and practitioners.
CREATE TABLE IF NOT EXISTS practitioner_keys (
    id              TEXT PRIMARY KEY,
    practitioner_id TEXT NOT NULL REFERENCES practitioners (id),
    public_key      TEXT NOT NULL,               -- Ed25519, hex
    sealed_key      TEXT NOT NULL DEFAULT '',    -- kdf$nonce$ciphertext of the private key's seed
    created_at      TEXT NOT NULL,
    created_seq     INTEGER NOT NULL,            -- the audit entry that made it
    retired_at      TEXT NOT NULL DEFAULT '',
    retired_seq     INTEGER NOT NULL DEFAULT 0   -- the audit entry that retired it; 0 while in force
) STRICT;
CREATE INDEX IF NOT EXISTS practitioner_keys_practitioner ON practitioner_keys (practitioner_id);
CREATE UNIQUE INDEX IF NOT EXISTS practitioner_keys_in_force ON practitioner_keys (practitioner_id) WHERE retired_seq = 0;

-- The signature of an audit entry: Ed25519 over the entry's hash, which chains every entry before
-- it. Entries by practitioners without a key, and those written before keys existed, have none.
CREATE TABLE IF NOT EXISTS audit_signatures (
    seq       INTEGER PRIMARY KEY REFERENCES audit_log (seq),
    key_id    TEXT NOT NULL REFERENCES practitioner_keys (id),
    signature TEXT NOT NULL                      -- hex
) STRICT;

-- Keys are kept for ever. Only the seal may change (a new passphrase), and only while the key is
-- in force; retiring is once.
CREATE TRIGGER IF NOT EXISTS practitioner_keys_update BEFORE UPDATE ON practitioner_keys
WHEN new.id IS NOT old.id OR new.practitioner_id IS NOT old.practitioner_id OR new.public_key IS NOT old.public_key
    OR new.created_at IS NOT old.created_at OR new.created_seq IS NOT old.created_seq
    OR (old.retired_seq <> 0 AND (new.retired_seq IS NOT old.retired_seq OR new.retired_at IS NOT old.retired_at
        OR new.sealed_key IS NOT old.sealed_key))
BEGIN
    SELECT RAISE(ABORT, 'practitioner keys are kept for ever');
END;
CREATE TRIGGER IF NOT EXISTS practitioner_keys_no_delete BEFORE DELETE ON practitioner_keys
BEGIN
    SELECT RAISE(ABORT, 'practitioner keys are kept for ever');
END;
CREATE TRIGGER IF NOT EXISTS audit_signatures_no_update BEFORE UPDATE ON audit_signatures
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_signatures_no_delete BEFORE DELETE ON audit_signatures
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
