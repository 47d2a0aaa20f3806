-- Outcome assessments: the result of a series, rated at a follow-up or at a later session on the
-- Global Aesthetic Improvement Scale, with the client's satisfaction and, for acne scars, the
-- Goodman and Baron grade at baseline and now. An assessment follows one of the client's
-- sessions; it is not part of that session's signed record, and may be corrected (audited).
CREATE TABLE outcome_assessments (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    assessed_at     TEXT NOT NULL,
    practitioner_id TEXT REFERENCES practitioners (id),
    gais            TEXT NOT NULL CHECK (gais IN ('very_much_improved', 'much_improved', 'improved', 'no_change', 'worse')),
    satisfaction    INTEGER CHECK (satisfaction BETWEEN 0 AND 10), -- NULL: not asked
    scar_baseline   INTEGER CHECK (scar_baseline BETWEEN 1 AND 4), -- NULL: not graded
    scar_now        INTEGER CHECK (scar_now BETWEEN 1 AND 4),
    from_photos     INTEGER NOT NULL DEFAULT 0 CHECK (from_photos IN (0, 1)),
    notes           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX outcome_assessments_client ON outcome_assessments (client_id, assessed_at);
CREATE INDEX outcome_assessments_session ON outcome_assessments (session_id);
