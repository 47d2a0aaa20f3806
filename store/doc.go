// Package store is the one boundary between Needlelog and where its records are kept: the
// interfaces that ui, report and cmd call, whatever the engine behind them. The embedded engine
// is SQLite (store/sqlite); a clinic server on PostgreSQL implements the same interfaces. Every
// engine passes the conformance suite in store/storetest, which holds the contract the callers
// rely on: what is validated, what is audited, what is frozen once signed, and which errors
// (data.ErrNotFound, data.ErrConflict, data.ValidationError) say what went wrong.
//
// The interfaces speak only the domain's types (package data) and the few types of the boundary
// itself (the export's tables, the audit check's report). What belongs to one engine — backups,
// the file a database lives in, its schema version on disk, its own checks — stays on that
// engine's concrete type.
package store
