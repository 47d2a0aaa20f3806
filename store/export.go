package store

import (
	"slices"

	"needlelog.app/needlelog/data"
)

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
	ExportResults         = "results" // the results assessed after sessions (data.Outcome)
	ExportClients         = "clients"
)

// ExportTables lists the tables ExportRows gives, in order.
var ExportTables = []string{ExportSessions, ExportZones, ExportProductsApplied, ExportSideEffects, ExportResults, ExportClients}

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

// ExportColumns returns the columns of the export table named (one of ExportTables), in the order
// every engine gives their values; the price column's title names currency, the practice's.
func ExportColumns(table, currency string) []ExportColumn {
	cols := slices.Clone(exportColumns[table])
	for i := range cols {
		if cols[i].Name == "price" {
			cols[i].Title = data.MoneyTitle(cols[i].Title, currency)
		}
	}
	return cols
}

func colText(name, title string) ExportColumn {
	return ExportColumn{Name: name, Title: title, Kind: ColumnText}
}

func colNumber(name, title string) ExportColumn {
	return ExportColumn{Name: name, Title: title, Kind: ColumnNumber}
}

func colDate(name, title string) ExportColumn {
	return ExportColumn{Name: name, Title: title, Kind: ColumnDate}
}

func colTime(name, title string) ExportColumn {
	return ExportColumn{Name: name, Title: title, Kind: ColumnTime}
}

func colDecimal(name, title string, places int) ExportColumn {
	return ExportColumn{Name: name, Title: title, Kind: ColumnNumber, Decimals: places}
}

// exportColumns are each table's columns, before the price column is given its currency.
var exportColumns = map[string][]ExportColumn{
	ExportSessions: {
		colText("session_id", "Session ID"), colText("client_id", "Client ID"), colText("client", "Client"),
		colTime("started_at", "Started"), colText("practitioner", "Practitioner"),
		colNumber("series_n", "Session n"), colNumber("series_of", "Of N"), colNumber("interval_days", "Interval (days)"),
		colText("concerns", "Concerns"), colText("modality", "Combined modality"),
		colText("anaesthetic", "Anaesthetic"), colText("anaesthetic_lot", "Anaesthetic lot"),
		colNumber("anaesthetic_minutes", "Anaesthetic (min)"),
		colText("device", "Device"), colText("handpiece_serial", "Handpiece serial"),
		colText("cartridge", "Cartridge"), colText("cartridge_lot", "Cartridge lot"), colDate("cartridge_expiry", "Cartridge expiry"),
		colDecimal("deepest_mm", "Deepest (mm)", 2), colNumber("pain_score", "Pain (0-10)"),
		colText("no_side_effects", "No side effects observed"), colText("aftercare", "Aftercare given"),
		colText("aftercare_sheet", "Aftercare sheet"), colDecimal("price", "Price", 2), colDate("next_due", "Next session due"),
		colText("notes", "Notes"), colText("photo_refusal", "No before photo because"), colText("status", "Status"),
		colTime("signed_at", "Signed"), colText("signed_by", "Signed by"),
		colTime("created_at", "Created"), colTime("updated_at", "Updated"),
	},
	ExportZones: {
		colText("session_id", "Session ID"), colText("client", "Client"), colTime("started_at", "Session started"),
		colNumber("row", "Row"), colText("zone", "Zone"), colDecimal("depth_mm", "Depth (mm)", 2),
		colNumber("speed", "Speed"), colText("speed_unit", "Speed unit"), colNumber("passes", "Passes"),
		colText("pattern", "Pattern"), colText("endpoint", "Endpoint"),
	},
	ExportProductsApplied: {
		colText("session_id", "Session ID"), colText("client", "Client"), colTime("started_at", "Session started"),
		colNumber("row", "Row"), colText("product", "Product"), colText("product_kind", "Kind"), colText("phase", "Phase"),
		colText("lot", "Lot"), colDate("expiry", "Expiry"), colText("amount", "Amount"),
		colText("made_for_needled_skin", "Made for needled skin"),
	},
	ExportSideEffects: {
		colText("side_effect_id", "Side effect ID"), colText("session_id", "Session ID"), colText("client", "Client"),
		colTime("started_at", "Session started"), colText("kind", "Side effect"), colText("severity", "Severity"),
		colText("during_session", "During the session"), colDate("onset", "Onset"), colDate("resolved", "Resolved"),
		colText("treatment", "Treatment given"), colText("notes", "Notes"), colTime("logged_at", "Logged"),
	},
	ExportResults: {
		colText("result_id", "Result ID"), colText("session_id", "Session ID"), colText("client_id", "Client ID"),
		colText("client", "Client"), colTime("started_at", "Session started"), colTime("assessed_at", "Assessed"),
		colText("assessed_by", "Assessed by"), colText("gais", "Improvement (GAIS)"),
		colNumber("satisfaction", "Satisfaction (0-10)"),
		colNumber("scar_baseline", "Scar grade at baseline (1-4)"), colNumber("scar_now", "Scar grade now (1-4)"),
		colText("from_photos", "Assessed from photos"), colText("notes", "Notes"),
		colTime("created_at", "Created"), colTime("updated_at", "Updated"),
	},
	ExportClients: {
		colText("client_id", "Client ID"), colText("first_name", "First name"), colText("last_name", "Last name"),
		colDate("date_of_birth", "Date of birth"), colText("phone", "Phone"), colText("email", "Email"),
		colNumber("fitzpatrick", "Fitzpatrick type"), colText("concerns", "Concerns"), colText("medications", "Medications"),
		colText("allergies", "Allergies"), colText("medical_history", "Medical history"),
		colText("medical_notes", "Medical notes"), colText("consent_form", "Consent form"),
		colText("consent_version", "Consent version"), colDate("consent_signed", "Consent signed"),
		colText("photo_consent", "Photo consent"), colText("notes", "Notes"), colTime("last_session", "Last session"),
		colDate("next_due", "Next session due"), colTime("archived_at", "Archived"),
		colTime("created_at", "Created"), colTime("updated_at", "Updated"),
	},
}
