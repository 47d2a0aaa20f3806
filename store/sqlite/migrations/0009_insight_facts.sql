-- What the insights read of each session, one row a session, kept in the order sessions started:
-- a year's figures read that year's rows, side by side in the file, where reading each session's
-- zones, products, side effects, results, client and the client's other sessions from their own
-- tables seeks all over it (most of a second for a busy practice's year). The rows are derived,
-- never typed: the view says once how a session's row is made, and the triggers make it again
-- whenever the session, its zones, products, side effects or results, or its client's sessions
-- or skin type change. Names (practitioners, devices, products) are read apart, by ID, so that
-- renaming one changes no row here. Fields are separated by the unit separator (31), list items
-- by the record separator (30) and an item's parts by the group separator (29): no name, kind or
-- lot may hold a control character, and the concerns are JSON, which escapes them.
CREATE VIEW insight_fact_rows AS
SELECT s.id AS session_id, s.started_at, s.client_id, coalesce(s.practitioner_id, '') AS practitioner_id,
    s.series_n || char(31) || s.series_of || char(31) || s.series_interval_days || char(31) ||
    coalesce(s.device_id, '') || char(31) || coalesce(s.price_cents, '') || char(31) ||
    coalesce(s.cartridge_id, '') || char(31) || s.cartridge_lot || char(31) ||
    coalesce(s.anaesthetic_product_id, '') || char(31) || s.anaesthetic_lot || char(31) || s.concerns || char(31) ||
    coalesce((SELECT group_concat(z.zone || char(29) || z.depth_mm, char(30)) FROM session_zones z
        WHERE z.session_id = s.id), '') || char(31) ||
    coalesce((SELECT group_concat(p.product_id || char(29) || p.lot, char(30)) FROM session_products p
        WHERE p.session_id = s.id), '') || char(31) ||
    coalesce((SELECT group_concat(e.kind || char(29) || e.onset || char(29) || e.resolved, char(30)) FROM side_effects e
        WHERE e.session_id = s.id), '') || char(31) ||
    coalesce((SELECT c.fitzpatrick FROM clients c WHERE c.id = s.client_id), 0) || char(31) ||
    (SELECT min(f.started_at) FROM sessions f WHERE f.client_id = s.client_id) || char(31) ||
    coalesce((SELECT max(b.started_at) FROM sessions b WHERE b.client_id = s.client_id AND b.started_at < s.started_at), '') || char(31) ||
    coalesce((SELECT o.gais FROM outcome_assessments o WHERE o.session_id = s.id
        ORDER BY o.assessed_at DESC, o.id DESC LIMIT 1), '') AS fact
FROM sessions s;

CREATE TABLE insight_facts (
    started_at      TEXT NOT NULL,
    session_id      TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    fact            TEXT NOT NULL,
    PRIMARY KEY (started_at, session_id)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX insight_facts_session ON insight_facts (session_id);
CREATE INDEX insight_facts_client ON insight_facts (client_id);

INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
    SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows;

-- A session written after its client's others changes its own row alone; one written before
-- another, moved, given to another client or removed may be another's previous or the client's
-- first: every row of its client is made again.
CREATE TRIGGER insight_facts_session_insert AFTER INSERT ON sessions
WHEN NOT EXISTS (SELECT 1 FROM sessions o WHERE o.client_id = new.client_id AND o.id <> new.id AND o.started_at >= new.started_at)
BEGIN
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id = new.id;
END;
CREATE TRIGGER insight_facts_session_insert_before AFTER INSERT ON sessions
WHEN EXISTS (SELECT 1 FROM sessions o WHERE o.client_id = new.client_id AND o.id <> new.id AND o.started_at >= new.started_at)
BEGIN
    DELETE FROM insight_facts WHERE client_id IN (new.client_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE client_id IN (new.client_id);
END;
CREATE TRIGGER insight_facts_session_update AFTER UPDATE ON sessions
WHEN old.started_at = new.started_at AND old.client_id = new.client_id
BEGIN
    DELETE FROM insight_facts WHERE session_id IN (new.id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (new.id);
END;
CREATE TRIGGER insight_facts_session_move AFTER UPDATE ON sessions
WHEN old.started_at <> new.started_at OR old.client_id <> new.client_id
BEGIN
    DELETE FROM insight_facts WHERE client_id IN (old.client_id, new.client_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE client_id IN (old.client_id, new.client_id);
END;
CREATE TRIGGER insight_facts_session_delete AFTER DELETE ON sessions BEGIN
    DELETE FROM insight_facts WHERE client_id IN (old.client_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE client_id IN (old.client_id);
END;
CREATE TRIGGER insight_facts_client_update AFTER UPDATE OF fitzpatrick ON clients BEGIN
    DELETE FROM insight_facts WHERE client_id IN (new.id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE client_id IN (new.id);
END;
CREATE TRIGGER insight_facts_zone_insert AFTER INSERT ON session_zones BEGIN
    DELETE FROM insight_facts WHERE session_id IN (new.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (new.session_id);
END;
CREATE TRIGGER insight_facts_zone_update AFTER UPDATE ON session_zones BEGIN
    DELETE FROM insight_facts WHERE session_id IN (old.session_id, new.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (old.session_id, new.session_id);
END;
CREATE TRIGGER insight_facts_zone_delete AFTER DELETE ON session_zones BEGIN
    DELETE FROM insight_facts WHERE session_id IN (old.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (old.session_id);
END;
CREATE TRIGGER insight_facts_product_insert AFTER INSERT ON session_products BEGIN
    DELETE FROM insight_facts WHERE session_id IN (new.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (new.session_id);
END;
CREATE TRIGGER insight_facts_product_update AFTER UPDATE ON session_products BEGIN
    DELETE FROM insight_facts WHERE session_id IN (old.session_id, new.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (old.session_id, new.session_id);
END;
CREATE TRIGGER insight_facts_product_delete AFTER DELETE ON session_products BEGIN
    DELETE FROM insight_facts WHERE session_id IN (old.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (old.session_id);
END;
CREATE TRIGGER insight_facts_side_effect_insert AFTER INSERT ON side_effects BEGIN
    DELETE FROM insight_facts WHERE session_id IN (new.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (new.session_id);
END;
CREATE TRIGGER insight_facts_side_effect_update AFTER UPDATE ON side_effects BEGIN
    DELETE FROM insight_facts WHERE session_id IN (old.session_id, new.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (old.session_id, new.session_id);
END;
CREATE TRIGGER insight_facts_side_effect_delete AFTER DELETE ON side_effects BEGIN
    DELETE FROM insight_facts WHERE session_id IN (old.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (old.session_id);
END;
CREATE TRIGGER insight_facts_result_insert AFTER INSERT ON outcome_assessments BEGIN
    DELETE FROM insight_facts WHERE session_id IN (new.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (new.session_id);
END;
CREATE TRIGGER insight_facts_result_update AFTER UPDATE ON outcome_assessments BEGIN
    DELETE FROM insight_facts WHERE session_id IN (old.session_id, new.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (old.session_id, new.session_id);
END;
CREATE TRIGGER insight_facts_result_delete AFTER DELETE ON outcome_assessments BEGIN
    DELETE FROM insight_facts WHERE session_id IN (old.session_id);
    INSERT INTO insight_facts (started_at, session_id, client_id, practitioner_id, fact)
        SELECT started_at, session_id, client_id, practitioner_id, fact FROM insight_fact_rows WHERE session_id IN (old.session_id);
END;
