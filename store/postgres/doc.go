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
//
// Photos (photos.go): the bytes of each original and preview are kept on the server, in
// photo_files, named by their SHA-256 as in a file's photo library, so that every PC sees every
// photo with no shared folder. They are committed before the row that names them, read back
// checked against their name, and collected after the library's grace period once no photo
// names them. The application role may add and remove a photo file, never change one. A removed
// file's bytes stay in the database's storage until PostgreSQL vacuums and reuses it, and are not
// overwritten then: unlike a SQLite file (secure_delete), the server's disks keep deleted photos
// for a while, as they do any deleted row.
//
// Live updates (listen.go): the record tables' triggers (the end of 0007_init.sql) notify the
// channel needlelog_changes with "kind client-id" for each change; PostgreSQL delivers a
// notification to every listening PC when its transaction commits, never for one rolled back,
// and sends an identical one once per transaction. A transaction that changes more than a few
// things says "all" instead. Watch listens on a connection of its own, says Change{All: true}
// once listening (and again after the server was lost and is back), and pings a quiet server,
// as a pulled cable closes nothing.
//
// Least privilege (serverinit.go): InitServer, run once by the server's administrator, makes an
// owner role (NOLOGIN) that owns the database, its schema and every table, trigger and function,
// and an application role that each PC connects as. Later migrations run only through InitServer,
// as the owner: Open as the application role on an older schema says ErrServerInitNeeded rather
// than trying.
//
// Guarantees, engine by engine, as needlelog verify is to say them:
//
//	guarantee                    PostgreSQL, as the application role        SQLite file
//	signed sessions read-only    triggers (NL001); the role cannot drop     triggers; whoever can write the
//	                             or disable them (not the tables' owner)    file can drop them
//	audit log append-only        triggers (NL002) and only SELECT, INSERT   triggers only
//	                             granted on audit_log, audit_signatures
//	amendments, keys kept        triggers (NL001, NL003) and no DELETE      triggers only
//	                             (amendments: no UPDATE) granted
//	no truncation of history     TRUNCATE granted on no table, and          SQLite has no TRUNCATE; the
//	                             TRUNCATE triggers                          DELETE triggers cover it
//	schema as the program made   the role owns nothing and has no CREATE    none: the program owns the file
//	it                           on the schema: only the owner role,        and may run any statement
//	                             which cannot log in, alters tables
//	who may reach the records    CONNECT and schema USAGE for the role      the operating system's file
//	                             alone, none for PUBLIC                     permissions (and disk encryption)
//	a rewritten history found    verify recomputes the hash chain           verify recomputes the hash chain
//
// The PostgreSQL column holds only when the PCs connect as the application role: a practice
// opened as a superuser or as the tables' owner has SQLite's guarantees (triggers only). verify
// can tell: the session's role is not a superuser (pg_roles.rolsuper), owns no table
// (pg_class.relowner), has no CREATE on the schema and no UPDATE or DELETE on audit_log
// (has_schema_privilege, has_table_privilege).
package postgres
