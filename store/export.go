package store

import "needlelog.app/needlelog/data"

// ExportQuery chooses the records an export reads. Zero fields do not filter.
type ExportQuery struct {
	From, To       data.Date // sessions started on these days (in the practice's time zone), both included
	PractitionerID string    // sessions by this practitioner
	// Tables names the tables to read, from ExportTables; empty reads them all.
	Tables []string
}

// Filtered reports whether the query chooses some sessions rather than all.
func (q ExportQuery) Filtered() bool {
	return !q.From.IsZero() || !q.To.IsZero() || q.PractitionerID != ""
}

// The tables an export reads, in the order ExportRows gives them.
const (
	ExportSessions        = "sessions"
	ExportZones           = "zones"
	ExportProductsApplied = "products_applied"
	ExportSideEffects     = "side_effects"
	ExportClients         = "clients"
)

// ExportTables lists the tables ExportRows gives, in order.
var ExportTables = []string{ExportSessions, ExportZones, ExportProductsApplied, ExportSideEffects, ExportClients}

// ColumnKind says what a column's values are, so that a spreadsheet can store dates as dates and
// numbers as numbers.
type ColumnKind int

const (
	ColumnText   ColumnKind = iota // string; "" when not recorded
	ColumnNumber                   // int64 or float64; nil when not recorded
	ColumnDate                     // Date, a calendar day; the zero Date when not recorded
	ColumnTime                     // time.Time in the computer's time zone; the zero Time when not recorded
)

// ExportColumn is one column of an exported table.
type ExportColumn struct {
	Name  string // stable snake_case name, for CSV headers and other programs: "depth_mm"
	Title string // heading for people: "Depth (mm)"
	Kind  ColumnKind
	// Decimals is how many decimals a Number column is shown with; 0 shows the number as it is.
	Decimals int
}

// ExportTable is one table of an export, read row by row: Next moves to the next row, Row
// returns it, and Err says why Next stopped early. Rows are read as they are asked for, so a
// table of any size is never held in memory.
type ExportTable struct {
	Name    string // one of ExportTables
	Columns []ExportColumn
	// Rows is the engine's cursor over the table.
	Rows RowCursor
}

// RowCursor is how an engine gives an export table's rows: Row holds one value per column of the
// kind the column says, reused by the next call to Next.
type RowCursor interface {
	Next() bool
	Row() []any
	Err() error
}

// Next reads the next row, reporting false at the end of the table or on an error (see Err).
func (t *ExportTable) Next() bool { return t.Rows.Next() }

// Row returns the current row, one value per column of the kind the column says. The slice is
// reused by the next call to Next: copy what must outlive it.
func (t *ExportTable) Row() []any { return t.Rows.Row() }

// Err returns the error that stopped Next, if any.
func (t *ExportTable) Err() error { return t.Rows.Err() }
