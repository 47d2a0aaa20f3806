package report

import (
	"context"
	"io"

	"needlelog.app/needlelog/practice/files"
	nlstore "needlelog.app/needlelog/store"
)

// WriteCSVFolder writes one CSV file per table into the folder dir, all or none: each is written
// under a temporary name and they are given their names only once every table is written, so a
// failed or cancelled export leaves the folder as it was. It adds files and never replaces one:
// when a file it would write is already in the folder, it writes nothing and says which.
// practice is the path of the database the export reads, "" when there is none (see files.WriteFile).
func WriteCSVFolder(ctx context.Context, dir, practice string, store Source, q nlstore.ExportQuery) error {
	tables := q.Tables
	if len(tables) == 0 {
		tables = nlstore.ExportTables
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = CSVFileName(t)
	}
	return files.WriteFolder(ctx, dir, practice, names, func(create func(string) (io.Writer, error)) error {
		return WriteCSV(ctx, store, q, create)
	})
}
