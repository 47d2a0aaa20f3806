-- A photo's tags (kind, zone, view, consent scope, session, note) are edited after import, possibly
-- on two screens at once: a version number lets a save made from a stale copy be refused instead of
-- silently undoing the other.
ALTER TABLE photos ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
