package report

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
)

// sheetTitles names each exported table's sheet.
var sheetTitles = map[string]string{
	nlstore.ExportSessions:        "Sessions",
	nlstore.ExportZones:           "Zones",
	nlstore.ExportProductsApplied: "Products applied",
	nlstore.ExportSideEffects:     "Side effects",
	nlstore.ExportResults:         "Results",
	nlstore.ExportClients:         "Clients",
}

// SheetTitle is the name of a table's sheet in the workbook WriteSheets makes.
func SheetTitle(table string) string {
	if t, ok := sheetTitles[table]; ok {
		return t
	}
	return table
}

// sheetCheckEvery is how many rows are written between looks at the context: often enough
// that Cancel answers at once, rarely enough to cost nothing.
const sheetCheckEvery = 1024

// WriteSheets writes an XLSX workbook with one sheet per table (sessions, zones, products
// applied, side effects, results, clients) of the records q chooses.
//
// Dates and times are stored as spreadsheet dates with a date format (times in the computer's
// time zone), numbers as numbers. Text is stored as text (inline strings) in cells formatted as
// Text, so a name like "=HYPERLINK(...)" is shown as written and never becomes a formula, not
// even when the cell is edited. A table longer than a sheet's 1,048,575 rows goes on in a sheet
// named "Zones (2)" and so on.
//
// Rows are streamed from the database to the workbook: memory stays flat whatever the number of
// rows (the streaming writer keeps large sheets in temporary files, removed before it returns).
func WriteSheets(ctx context.Context, w io.Writer, store Source, q nlstore.ExportQuery) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return fmt.Errorf("spreadsheet: %w", err)
	}
	first := true
	err = store.ExportRows(ctx, q, func(t *nlstore.ExportTable) error {
		err := writeSheet(ctx, f, st, t, first)
		first = false
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if first { // no table chosen: a workbook still needs a sheet
		return fmt.Errorf("spreadsheet: no table to write")
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write spreadsheet: %w", err)
	}
	return nil
}

// sheetStyles are the cell styles of a workbook, by use.
type sheetStyles struct {
	header, text, date, time int
	decimals                 map[int]int // number style by decimals shown
}

func newSheetStyles(f *excelize.File) (*sheetStyles, error) {
	st := &sheetStyles{decimals: map[int]int{}}
	var err error
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49}); err != nil {
		return nil, err
	}
	// 49 is the built-in Text format ("@"): what is typed into the cell stays text.
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return nil, err
	}
	// ISO dates read the same in every country; Excel shows them as the date they are.
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	if st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return nil, err
	}
	if st.time, err = f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt}); err != nil {
		return nil, err
	}
	return st, nil
}

func (st *sheetStyles) number(f *excelize.File, decimals int) (int, error) {
	if decimals <= 0 {
		return 0, nil
	}
	if id, ok := st.decimals[decimals]; ok {
		return id, nil
	}
	format := "0." + strings.Repeat("0", decimals)
	id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return 0, err
	}
	st.decimals[decimals] = id
	return id, nil
}

// sheetMaxRows is the number of data rows a sheet holds below its header row.
const sheetMaxRows = excelize.TotalRows - 1

// writeSheet streams one table into a new sheet (or several, past a sheet's last row).
func writeSheet(ctx context.Context, f *excelize.File, st *sheetStyles, t *nlstore.ExportTable, first bool) error {
	title := SheetTitle(t.Name)
	colStyles := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		switch c.Kind {
		case nlstore.ColumnText:
			colStyles[i] = st.text
		case nlstore.ColumnDate:
			colStyles[i] = st.date
		case nlstore.ColumnTime:
			colStyles[i] = st.time
		case nlstore.ColumnNumber:
			id, err := st.number(f, c.Decimals)
			if err != nil {
				return err
			}
			colStyles[i] = id
		}
	}
	part := 1
	sw, err := startSheet(f, st, t, title, first)
	if err != nil {
		return err
	}
	cells := make([]any, len(t.Columns))
	row := 1
	for t.Next() {
		if row%sheetCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if row > sheetMaxRows {
			if err := sw.Flush(); err != nil {
				return fmt.Errorf("spreadsheet %s: %w", title, err)
			}
			part++
			if sw, err = startSheet(f, st, t, fmt.Sprintf("%s (%d)", title, part), false); err != nil {
				return err
			}
			row = 1
		}
		for i, v := range t.Row() {
			cells[i] = sheetCell(v, colStyles[i])
		}
		row++
		name, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		if err := sw.SetRow(name, cells); err != nil {
			return fmt.Errorf("spreadsheet %s row %d: %w", title, row, err)
		}
	}
	if err := t.Err(); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("spreadsheet %s: %w", title, err)
	}
	return nil
}

// startSheet makes a sheet with the table's header row, its top row frozen.
func startSheet(f *excelize.File, st *sheetStyles, t *nlstore.ExportTable, name string, first bool) (*excelize.StreamWriter, error) {
	if first {
		if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
			return nil, fmt.Errorf("spreadsheet %s: %w", name, err)
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("spreadsheet %s: %w", name, err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("spreadsheet %s: %w", name, err)
	}
	for i, c := range t.Columns {
		if err := sw.SetColWidth(i+1, i+1, sheetColumnWidth(c)); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	header := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.Title}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, fmt.Errorf("spreadsheet %s: %w", name, err)
	}
	return sw, nil
}

// sheetColumnWidth is a column's width in characters, by what it holds.
func sheetColumnWidth(c nlstore.ExportColumn) float64 {
	switch {
	case c.Kind == nlstore.ColumnTime:
		return 17
	case c.Kind == nlstore.ColumnDate:
		return 11
	case c.Kind == nlstore.ColumnNumber:
		return max(8, float64(len(c.Title))+2)
	case c.Name == "notes" || c.Name == "medical_history" || c.Name == "medical_notes":
		return 40
	case strings.HasSuffix(c.Name, "_id"):
		return 37 // a UUID
	}
	return max(14, float64(len(c.Title))+2)
}

// sheetCell is the cell for an exported value: nil (an empty cell) when nothing is recorded.
func sheetCell(v any, style int) any {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if v == "" {
			return nil
		}
		// A string value is written as an inline string, which spreadsheet programs never evaluate.
		return excelize.Cell{StyleID: style, Value: v}
	case data.Date:
		if v.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: style, Value: time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)}
	case time.Time:
		if v.IsZero() {
			return nil
		}
		// The streaming writer stores the wall-clock time of the value's own zone.
		return excelize.Cell{StyleID: style, Value: v}
	case int64, float64:
		return excelize.Cell{StyleID: style, Value: v}
	}
	return excelize.Cell{StyleID: style, Value: fmt.Sprint(v)}
}
