-- SQLite's migration 0009 keeps what the insights read of each session in a table of its own,
-- in the order sessions started, because reading the records themselves is slow in the embedded
-- engine. PostgreSQL reads them fast enough where they are: nothing to add, and the numbering
-- stays the same on both.
SELECT 1;
