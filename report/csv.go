package report

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
)

// The CSV files' form, the same in WriteCSV, WriteCSVZip and the archive:
//
//   - UTF-8 with a byte-order mark, which tells Excel the file is UTF-8 so that accents, Cyrillic
//     and Greek open right; comma separated, CRLF line ends, quoted where needed (RFC 4180).
//   - A header row of the columns' stable names (session_id, started_at, depth_mm...).
//   - Dates as 2006-01-02; times as 2006-01-02 15:04:05 in the computer's time zone; numbers with
//     a point as the decimal mark; an empty field where nothing is recorded.
//   - A text field that begins with = + - @, a tab or a carriage return is written with a ' in
//     front of it, so that a spreadsheet opening the file never runs it as a formula (a name
//     such as "=HYPERLINK(...)" or a phone number "+44..." comes out as '=HYPERLINK(...) and
//     '+44...). Needlelog's own CSV import removes that ' again. Numbers, dates and times are
//     never prefixed.

// csvBOM is the UTF-8 byte-order mark.
const csvBOM = "\uFEFF"

// CSVFileName is the name of a table's CSV file: "sessions.csv".
func CSVFileName(table string) string { return table + ".csv" }

// WriteCSV writes one CSV file per table of the records q chooses, each to the writer create
// returns for its file name (see CSVFileName). Files are written one after the other; a file's
// writer is not used again once the next one is asked for.
func WriteCSV(ctx context.Context, store Source, q nlstore.ExportQuery, create func(name string) (io.Writer, error)) error {
	err := store.ExportRows(ctx, q, func(t *nlstore.ExportTable) error {
		w, err := create(CSVFileName(t.Name))
		if err != nil {
			return err
		}
		return writeCSVTable(ctx, w, t)
	})
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// WriteCSVZip writes one zip holding a CSV file per table of the records q chooses.
func WriteCSVZip(ctx context.Context, w io.Writer, store Source, q nlstore.ExportQuery) error {
	zw := zip.NewWriter(w)
	now := time.Now()
	err := WriteCSV(ctx, store, q, func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
	})
	if err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write CSV zip: %w", err)
	}
	return nil
}

// writeCSVTable writes a table as one CSV file, BOM and header first.
func writeCSVTable(ctx context.Context, w io.Writer, t *nlstore.ExportTable) error {
	if _, err := io.WriteString(w, csvBOM); err != nil {
		return fmt.Errorf("write %s: %w", CSVFileName(t.Name), err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	record := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		record[i] = c.Name
	}
	if err := cw.Write(record); err != nil {
		return fmt.Errorf("write %s: %w", CSVFileName(t.Name), err)
	}
	for n := 1; t.Next(); n++ {
		if n%sheetCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for i, v := range t.Row() {
			record[i] = csvField(v, t.Columns[i])
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("write %s: %w", CSVFileName(t.Name), err)
		}
	}
	if err := t.Err(); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write %s: %w", CSVFileName(t.Name), err)
	}
	return nil
}

// csvField formats an exported value for a CSV file (see the form above).
func csvField(v any, c nlstore.ExportColumn) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return CSVSafe(v)
	case data.Date:
		return v.String()
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Format(time.DateTime)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		if c.Decimals > 0 {
			return strconv.FormatFloat(v, 'f', c.Decimals, 64)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return CSVSafe(fmt.Sprint(v))
}

// CSVSafe returns text as a CSV field that spreadsheet programs will not run as a formula: text
// beginning with = + - @, a tab or a carriage return gets a ' in front of it.
func CSVSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
