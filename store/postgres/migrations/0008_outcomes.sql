-- Outcome assessments, as SQLite's migration 0008 makes them: the result of a series, rated at a
-- follow-up or at a later session on the Global Aesthetic Improvement Scale, with the client's
-- satisfaction and, for acne scars, the Goodman and Baron grade at baseline and now. Not part of
-- the session's signed record: corrected with its changes audited, so the application role has
-- a record table's rights (server init gives them).
CREATE TABLE outcome_assessments (
    id              text COLLATE "C" PRIMARY KEY,
    client_id       text COLLATE "C" NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    session_id      text COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    assessed_at     text COLLATE "C" NOT NULL,
    practitioner_id text COLLATE "C" REFERENCES practitioners (id),
    gais            text COLLATE "C" NOT NULL CHECK (gais IN ('very_much_improved', 'much_improved', 'improved', 'no_change', 'worse')),
    satisfaction    bigint CHECK (satisfaction BETWEEN 0 AND 10),
    scar_baseline   bigint CHECK (scar_baseline BETWEEN 1 AND 4),
    scar_now        bigint CHECK (scar_now BETWEEN 1 AND 4),
    from_photos     bigint NOT NULL DEFAULT 0 CHECK (from_photos IN (0, 1)),
    notes           text COLLATE "C" NOT NULL DEFAULT '',
    created_at      text COLLATE "C" NOT NULL,
    updated_at      text COLLATE "C" NOT NULL,
    version         bigint NOT NULL DEFAULT 1
);
CREATE INDEX outcome_assessments_client ON outcome_assessments (client_id, assessed_at);
CREATE INDEX outcome_assessments_session ON outcome_assessments (session_id);

-- Open client pages and timelines on other PCs read the client's records again.
CREATE TRIGGER outcome_assessments_notify AFTER INSERT OR UPDATE OR DELETE ON outcome_assessments
    FOR EACH ROW EXECUTE FUNCTION notify_change('session', 'client_id');
