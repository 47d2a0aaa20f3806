package data

// Health is what a check of the database file found.
type Health struct {
	SchemaVersion int
	Problems      []string // empty when the file is sound
	// SchemaChanges says how the file's tables, indexes, triggers and views differ from those
	// Needlelog made at its schema version, a sentence each: something other than Needlelog
	// added, changed or removed them, and Needlelog will not write to the file. Its records may
	// still be read and copied, so a backup or an export does not stop at them.
	SchemaChanges []string
	// LostImages names the photos whose original or whose thumbnail and preview are gone. The
	// file is sound and its copies can be trusted; only those images cannot be shown or exported.
	LostImages []string
	Counts     map[string]int64 // rows per table
}
