// Package postgres is Needlelog's clinic-server engine: the practice kept in a PostgreSQL
// database that several PCs share. Its schema (migrations/0007_init.sql) is SQLite's at version 7
// in PostgreSQL terms, and schema_test.go compares the two, table by table and column by column,
// so that they do not drift.
//
// Types: IDs stay UUIDv7 text; times stay text in data.StoredTimeLayout and dates 'YYYY-MM-DD'
// text, because timestamptz keeps microseconds (a time would not read back as written, and record
// hashes and the audit chain cover the text) and ” would have to become NULL. Every text column
// is COLLATE "C", SQLite's byte order, so times sort in time order and keyset paging agrees with
// SQLite whatever the server's locale. INTEGER is bigint, REAL double precision, BLOB bytea; 0/1
// flags keep SQLite's CHECKs, so a row copies between engines value for value. settings.value is
// bytea (text settings as UTF-8).
//
// Triggers: the immutability of signed sessions and their children, of amendments, of the audit
// log and its signatures, and of practitioner keys are PL/pgSQL triggers with SQLite's messages,
// plus TRUNCATE guards. Their SQLSTATEs are Needlelog's own class NL: NL001 is data.ErrSigned;
// NL002 (audit log) and NL003 (keys) have no data error, as on SQLite. 23505 is ErrDuplicate and
// 23503 ErrBadReference.
//
// Search: client_search_text folds first name, last name, email and phone as SQLite's FTS5
// tokenizer (unicode61, remove_diacritics 2) does: tokens of letters and digits, lower case
// (ICU, not the database's locale), the diacritics of Latin letters removed. It is stored in the
// generated column clients.search_text, the one column SQLite lacks, so a search reads no
// function per row. client_search_pattern makes a typed word's LIKE pattern: its tokens in a
// row, the last a prefix; one per word, ANDed, OR phone_digits LIKE '%digits%' for a phone
// number, as on SQLite. pg_trgm GIN indexes serve both. The tests compare the matches with
// SQLite's, query for query, in three server locales.
package postgres
