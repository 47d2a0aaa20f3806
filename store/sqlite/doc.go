// Package sqlite is Needlelog's embedded engine: the store.Store and store.Batch of one practice
// kept in one SQLite file (modernc.org/sqlite, pure Go), with its migrations, schema checks,
// snapshots and photo moves. The records' SQL is shared with every engine (store/sqlstore); this
// package opens the file, gives sqlstore its Engine and maps the driver's errors, and its
// triggers' refusals, to the domain's (data.ErrSigned, data.ErrConflict…), so no caller ever sees
// SQLite's words.
package sqlite
