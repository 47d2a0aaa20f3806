package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store"
)

// The export's types are the boundary's own (package store).
type (
	ExportQuery  = store.ExportQuery
	ColumnKind   = store.ColumnKind
	ExportColumn = store.ExportColumn
	ExportTable  = store.ExportTable
)

// The tables an export reads, in the order ExportRows gives them.
const (
	ExportSessions        = store.ExportSessions
	ExportZones           = store.ExportZones
	ExportProductsApplied = store.ExportProductsApplied
	ExportSideEffects     = store.ExportSideEffects
	ExportResults         = store.ExportResults
	ExportClients         = store.ExportClients
)

// ExportTables lists the tables ExportRows gives, in order.
var ExportTables = store.ExportTables

// The kinds of an export's columns.
const (
	ColumnText   = store.ColumnText
	ColumnNumber = store.ColumnNumber
	ColumnDate   = store.ColumnDate
	ColumnTime   = store.ColumnTime
)

// exportCursor reads one export table's rows from SQLite.
type exportCursor struct {
	name string
	rows *sql.Rows
	scan func(*sql.Rows, []any) error
	row  []any
	err  error
}

// Next reads the next row, reporting false at the end of the table or on an error (see Err).
func (t *exportCursor) Next() bool {
	if t.err != nil || !t.rows.Next() {
		return false
	}
	clear(t.row)
	if err := t.scan(t.rows, t.row); err != nil {
		kind := "session" // each table's first column is its session's ID, or the client's
		if t.name == ExportClients {
			kind = "client"
		}
		id, _ := t.row[0].(string)
		if d := damagedRecord(err, kind, id); d != nil {
			t.err = d
			return false
		}
		t.err = fmt.Errorf("export %s: %w", t.name, err)
		return false
	}
	return true
}

// Row returns the current row, one value per column of the kind the column says. The slice is
// reused by the next call to Next: copy what must outlive it.
func (t *exportCursor) Row() []any { return t.row }

// Err returns the error that stopped Next, if any.
func (t *exportCursor) Err() error {
	if t.err != nil {
		return t.err
	}
	if err := t.rows.Err(); err != nil {
		return fmt.Errorf("export %s: %w", t.name, mapError(err))
	}
	return nil
}

// ExportRows calls fn with each table of q.Tables in the order of ExportTables. All tables are
// read in one read transaction, so they agree with each other even while the practice goes on
// working: an export never shows a zone of a session it does not list.
//
// Sessions, zones, products applied, side effects and results are those of the sessions q chooses, oldest
// first. Clients are every client (archived ones too) when q filters nothing, and otherwise the
// clients of the chosen sessions, by name.
//
// The reads run on a connection of their own, so an export of any length holds up neither the
// app's saves nor its screens.
func (s *Store) ExportRows(ctx context.Context, q ExportQuery, fn func(t *ExportTable) error) error {
	for _, name := range q.Tables {
		if !slices.Contains(ExportTables, name) {
			return fmt.Errorf("export: there is no table %q", name)
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return fmt.Errorf("export: the period ends (%s) before it starts (%s)", q.To, q.From)
	}
	db, err := s.readerDB()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("export: %w", mapError(err))
	}
	defer tx.Rollback()                                             //nolint:errcheck // read only: nothing to keep
	currency, err := setting[string](ctx, tx, data.SettingCurrency) // prices' column says their currency
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, spec := range exportSpecs {
		if len(q.Tables) > 0 && !slices.Contains(q.Tables, spec.name) {
			continue
		}
		query, args := spec.query(s.d, q)
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("export %s: %w", spec.name, mapError(err))
		}
		cols := store.ExportColumns(spec.name, currency)
		t := &ExportTable{Name: spec.name, Columns: cols, Rows: &exportCursor{name: spec.name, rows: rows,
			scan: spec.scan, row: make([]any, len(cols))}}
		err = fn(t)
		rows.Close()
		if err != nil {
			return err
		}
		if err := t.Err(); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

// exportSpec is how one table is read: its columns are the boundary's (store.ExportColumns).
type exportSpec struct {
	name  string
	query func(Dialect, ExportQuery) (string, []any)
	scan  func(*sql.Rows, []any) error
}

// sessionFilter is the WHERE clause choosing q's sessions from the table aliased s.
func sessionFilter(q ExportQuery) (string, []any) {
	where := []string{"TRUE"}
	var args []any
	if !q.From.IsZero() {
		where = append(where, `s.started_at >= ?`)
		args = append(args, data.TimeText(q.From.Start()))
	}
	if !q.To.IsZero() {
		where = append(where, `s.started_at < ?`)
		args = append(args, data.TimeText(q.To.AddDays(1).Start()))
	}
	if q.PractitionerID != "" {
		where = append(where, `s.practitioner_id = ?`)
		args = append(args, q.PractitionerID)
	}
	return strings.Join(where, " AND "), args
}

// Scan targets that turn stored values into export values.
type (
	// exportTime scans a stored time into a local time.Time; zero when empty.
	exportTime struct{ v *any }
	// exportList scans a stored JSON list into "a; b".
	exportList struct {
		v     *any
		field string
	}
	// exportYes scans a 0/1 flag into "yes" or "no".
	exportYes struct{ v *any }
	// exportNumber scans a nullable number; zero too is "not recorded" when zeroIsNone.
	exportNumber struct {
		v          *any
		zeroIsNone bool
	}
	// exportCents scans a price in cents into units of the currency.
	exportCents struct{ v *any }
)

func (c exportTime) Scan(src any) error {
	var t time.Time
	if err := (timeCol{&t}).Scan(src); err != nil {
		return err
	}
	if t.IsZero() {
		*c.v = time.Time{}
	} else {
		*c.v = t.Local()
	}
	return nil
}

func (c exportList) Scan(src any) error {
	var l []string
	if err := (listCol{&l, c.field}).Scan(src); err != nil {
		return err
	}
	*c.v = strings.Join(l, "; ")
	return nil
}

func (c exportYes) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*c.v = "no"
	if n.Int64 != 0 {
		*c.v = "yes"
	}
	return nil
}

func (c exportNumber) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.v = nil
	case int64:
		*c.v = v
		if v == 0 && c.zeroIsNone {
			*c.v = nil
		}
	case float64:
		*c.v = v
		if v == 0 && c.zeroIsNone {
			*c.v = nil
		}
	default:
		return fmt.Errorf("scan number from %T", src)
	}
	return nil
}

func (c exportCents) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*c.v = nil
	if n.Valid {
		*c.v = float64(n.Int64) / 100
	}
	return nil
}

// exportDate scans a stored calendar day into a Date.
type exportDate struct{ v *any }

func (c exportDate) Scan(src any) error {
	var d data.Date
	if err := (dateCol{&d}).Scan(src); err != nil {
		return err
	}
	*c.v = d
	return nil
}

// exportText scans text, turning NULL into "".
type exportText struct{ v *any }

func (c exportText) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.v = ""
	case string:
		*c.v = v
	case []byte:
		*c.v = string(v)
	default:
		return fmt.Errorf("scan text from %T", src)
	}
	return nil
}

// exportTargets makes the scan targets for a row from one scanner maker per column.
func exportTargets(row []any, makers ...func(*any) any) []any {
	out := make([]any, len(makers))
	for i, m := range makers {
		out[i] = m(&row[i])
	}
	return out
}

var (
	exText  = func(v *any) any { return exportText{v} }
	exTime  = func(v *any) any { return exportTime{v} }
	exDate  = func(v *any) any { return exportDate{v} }
	exYes   = func(v *any) any { return exportYes{v} }
	exNum   = func(v *any) any { return exportNumber{v: v} }
	exNum0  = func(v *any) any { return exportNumber{v: v, zeroIsNone: true} }
	exCents = func(v *any) any { return exportCents{v} }
)

// exList scans the stored list field.
func exList(field string) func(*any) any {
	return func(v *any) any { return exportList{v, field} }
}

// exportScan returns a scan function for a table whose columns are read by makers, in order.
func exportScan(makers ...func(*any) any) func(*sql.Rows, []any) error {
	return func(r *sql.Rows, row []any) error { return r.Scan(exportTargets(row, makers...)...) }
}

// exportClientName is the SQL for the name of the client aliased c, as people read it.
const exportClientName = `trim(c.first_name || ' ' || c.last_name)`

var exportSpecs = []exportSpec{
	{
		name: ExportSessions,
		query: func(d Dialect, q ExportQuery) (string, []any) {
			where, args := sessionFilter(q)
			return `SELECT s.id, s.client_id, ` + exportClientName + `, s.started_at, coalesce(p.name, ''),
				s.series_n, nullif(s.series_of, 0), s.series_interval_days, s.concerns, s.modality,
				coalesce(an.name, ''), s.anaesthetic_lot, nullif(s.anaesthetic_minutes, 0),
				coalesce(d.model, ''), s.handpiece_serial, coalesce(ca.name, ''), s.cartridge_lot, s.cartridge_expiry,
				(SELECT max(depth_mm) FROM session_zones z WHERE z.session_id = s.id), s.pain_score,
				s.no_side_effects, s.aftercare, s.aftercare_sheet, s.price_cents, s.next_due, s.notes,
				s.photo_refusal, s.status, s.signed_at, coalesce(sb.name, ''), s.created_at, s.updated_at
				FROM sessions s JOIN clients c ON c.id = s.client_id
				LEFT JOIN practitioners p ON p.id = s.practitioner_id
				LEFT JOIN products an ON an.id = s.anaesthetic_product_id
				LEFT JOIN devices d ON d.id = s.device_id
				LEFT JOIN cartridges ca ON ca.id = s.cartridge_id
				LEFT JOIN practitioners sb ON sb.id = s.signed_by
				WHERE ` + where + ` ORDER BY s.started_at, s.id`, args
		},
		scan: exportScan(exText, exText, exText, exTime, exText, exNum, exNum, exNum, exList("concerns"), exText, exText, exText, exNum,
			exText, exText, exText, exText, exDate, exNum, exNum, exYes, exList("aftercare"), exText, exCents, exDate, exText, exText, exText,
			exTime, exText, exTime, exTime),
	},
	{
		name: ExportZones,
		query: func(d Dialect, q ExportQuery) (string, []any) {
			where, args := sessionFilter(q)
			// CROSS JOIN keeps the sessions the outer loop, read in their index's order: rows stream
			// out as they are read instead of after a sort of the whole table (and its temporary file).
			return `SELECT s.id, ` + exportClientName + `, s.started_at, z.position + 1, z.zone, z.depth_mm, z.speed,
				CASE WHEN z.speed = 0 THEN '' ELSE coalesce(d.speed_unit, '') END, z.passes, z.pattern, z.endpoint
				FROM sessions s ` + d.crossJoin() + ` session_zones z ON z.session_id = s.id JOIN clients c ON c.id = s.client_id
				LEFT JOIN devices d ON d.id = s.device_id
				WHERE ` + where + ` ORDER BY s.started_at, s.id, z.position`, args
		},
		scan: exportScan(exText, exText, exTime, exNum, exText, exNum, exNum0, exText, exNum, exText, exText),
	},
	{
		name: ExportProductsApplied,
		query: func(d Dialect, q ExportQuery) (string, []any) {
			where, args := sessionFilter(q)
			return `SELECT s.id, ` + exportClientName + `, s.started_at, sp.position + 1, pr.name, pr.kind, sp.phase,
				sp.lot, sp.expiry, sp.amount, pr.needled_skin_ok
				FROM sessions s ` + d.crossJoin() + ` session_products sp ON sp.session_id = s.id JOIN clients c ON c.id = s.client_id
				JOIN products pr ON pr.id = sp.product_id
				WHERE ` + where + ` ORDER BY s.started_at, s.id, sp.position`, args
		},
		scan: exportScan(exText, exText, exTime, exNum, exText, exText, exText, exText, exDate, exText, exYes),
	},
	{
		name: ExportSideEffects,
		query: func(d Dialect, q ExportQuery) (string, []any) {
			where, args := sessionFilter(q)
			return `SELECT e.id, s.id, ` + exportClientName + `, s.started_at, e.kind, e.severity, e.during_session,
				e.onset, e.resolved, e.treatment, e.notes, e.created_at
				FROM sessions s ` + d.crossJoin() + ` side_effects e ON e.session_id = s.id JOIN clients c ON c.id = s.client_id
				WHERE ` + where + ` ORDER BY s.started_at, s.id, e.onset, e.created_at, e.id`, args
		},
		scan: exportScan(exText, exText, exText, exTime, exText, exText, exYes, exDate, exDate, exText, exText, exTime),
	},
	exportResultsSpec, // exportoutcomes.go
	{
		name: ExportClients,
		query: func(d Dialect, q ExportQuery) (string, []any) {
			where, args := "TRUE", []any(nil)
			if q.Filtered() {
				var sw string
				sw, args = sessionFilter(q)
				where = `c.id IN (SELECT s.client_id FROM sessions s WHERE ` + sw + `)`
			}
			// A history line reads "Isotretinoin (2025-01-10 to 2025-07-01): notes".
			return `SELECT c.id, c.first_name, c.last_name, c.date_of_birth, c.phone, c.email, c.fitzpatrick,
				c.concerns, c.medications, c.allergies,
				coalesce((SELECT ` + d.groupConcat() + `(h.condition
					|| CASE WHEN h.since <> '' OR h.until <> '' THEN ' (' || h.since || ' to ' || h.until || ')' ELSE '' END
					|| CASE WHEN h.notes <> '' THEN ': ' || h.notes ELSE '' END, '; ' ORDER BY h.position)
					FROM client_history h WHERE h.client_id = c.id), ''),
				c.medical_notes, c.consent_form, c.consent_version, c.consent_signed, c.photo_consent, c.notes,
				c.last_session, c.next_due, c.archived_at, c.created_at, c.updated_at
				FROM clients c WHERE ` + where + ` ORDER BY c.sort_key, c.id`, args
		},
		scan: exportScan(exText, exText, exText, exDate, exText, exText, exNum0, exList("concerns"), exText, exList("allergies"), exText, exText, exText,
			exText, exDate, exText, exText, exTime, exDate, exTime, exTime, exTime),
	},
}
