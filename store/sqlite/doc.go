// Package sqlite is Needlelog's embedded engine: the store.Store and store.Batch of one practice
// kept in one SQLite file (modernc.org/sqlite, pure Go), with its migrations, schema checks and
// audit log. It is the only package that speaks SQL or imports database/sql; it maps the
// driver's errors, and its triggers' refusals, to the domain's (data.ErrSigned, data.ErrConflict…)
// at its edge, so no caller ever sees SQLite's words.
package sqlite
