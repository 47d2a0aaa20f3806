package ui

import (
	"context"
	"errors"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/report"
)

// What the Export menu and the export buttons write. Each asks where to save, then writes off the
// UI goroutine (exportFile).

// fileSafe makes a name fit for a file name on every system.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < 32 {
			return '-'
		}
		return r
	}, s)
}

// exportSessionPDF writes a session's record.
func exportSessionPDF(a fyne.App, win fyne.Window, store *data.Store, client data.Client, sessionID string, started string) {
	exportFile(a, win, "export the session record", fileSafe(client.Name()+" session "+started+".pdf"), []string{".pdf"},
		func(ctx context.Context, w io.Writer, _ func(int, int)) error {
			r, err := report.LoadSession(ctx, store, sessionID)
			if err != nil {
				return err
			}
			return report.WriteSessionRecord(w, r)
		})
}

// exportAftercarePDF writes the aftercare sheet of a session, to hand to the client.
func exportAftercarePDF(a fyne.App, win fyne.Window, store *data.Store, client data.Client, sessionID string, started string) {
	exportFile(a, win, "export the aftercare sheet", fileSafe(client.Name()+" aftercare "+started+".pdf"), []string{".pdf"},
		func(ctx context.Context, w io.Writer, _ func(int, int)) error {
			s, err := report.LoadAftercare(ctx, store, sessionID)
			if err != nil {
				return err
			}
			return report.WriteAftercare(w, s)
		})
}

// exportHistoryPDF writes a client's whole history.
func exportHistoryPDF(a fyne.App, win fyne.Window, store *data.Store, client data.Client) {
	exportFile(a, win, "export the client's history", fileSafe(client.Name()+" history.pdf"), []string{".pdf"},
		func(ctx context.Context, w io.Writer, _ func(int, int)) error {
			h, err := report.LoadClientHistory(ctx, store, client.ID)
			if err != nil {
				return err
			}
			return report.WriteClientHistory(w, h)
		})
}

// askLotRecall asks for a lot number, then writes the recall report for it.
func askLotRecall(a fyne.App, win fyne.Window, store *data.Store) {
	lot := newTextField()
	lot.SetPlaceHolder("As printed on the box, e.g. C-9931")
	var d *dialog.FormDialog
	d = dialog.NewForm("Lot recall", "Export…", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Lot number", lot),
	}, func(ok bool) {
		if !ok || strings.TrimSpace(lot.Text) == "" {
			return
		}
		l := strings.TrimSpace(lot.Text)
		exportFile(a, win, "export the recall report", fileSafe("recall "+l+".pdf"), []string{".pdf"},
			func(ctx context.Context, w io.Writer, _ func(int, int)) error {
				rows, err := store.LotRecall(ctx, l)
				if err != nil {
					return err
				}
				return report.WriteRecall(w, l, rows)
			})
	}, win)
	d.Resize(fyne.NewSize(460, 0))
	lot.OnSubmitted = func(string) { d.Submit() }
	d.Show()
	win.Canvas().Focus(lot)
}

// sheetsFormat is what askSheets writes.
type sheetsFormat int

const (
	sheetsXLSX sheetsFormat = iota
	sheetsCSVZip
)

// askSheets asks which sessions to include (dates, practitioner), then writes the spreadsheets.
func askSheets(a fyne.App, win fyne.Window, store *data.Store, format sheetsFormat) {
	async(func() ([]data.Practitioner, error) { return store.Practitioners(context.Background(), true) },
		func(ps []data.Practitioner, err error) {
			if err != nil {
				showError(win, "read the practitioners", err)
				return
			}
			showSheetsDialog(a, win, store, format, ps)
		})
}

const everyone = "Everyone"

func showSheetsDialog(a fyne.App, win fyne.Window, store *data.Store, format sheetsFormat, ps []data.Practitioner) *dialog.FormDialog {
	from, to := newTextField(), newTextField()
	from.SetPlaceHolder("YYYY-MM-DD, empty for the first")
	to.SetPlaceHolder("YYYY-MM-DD, empty for the last")
	who := widget.NewSelect(append([]string{everyone}, names(ps, practitionerName)...), nil)
	who.SetSelected(everyone)
	note := widget.NewLabel("")
	note.Importance = widget.DangerImportance
	note.Wrapping = fyne.TextWrapWord
	note.Hide()
	var d *dialog.FormDialog
	title, ext, doing := "Spreadsheets (XLSX)", ".xlsx", "export the spreadsheets"
	if format == sheetsCSVZip {
		title, ext, doing = "CSV files (one per table, in a zip)", ".zip", "export the CSV files"
	}
	d = dialog.NewForm(title, "Export…", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Sessions from", from),
		widget.NewFormItem("to", to),
		widget.NewFormItem("Practitioner", who),
		widget.NewFormItem("", note),
	}, func(ok bool) {
		if !ok {
			return
		}
		q, err := sheetsQuery(from.Text, to.Text, who.Selected, ps)
		if err != nil {
			note.SetText(err.Error())
			note.Show()
			d.Show() // what was typed stays
			return
		}
		name := "needlelog records" + ext
		exportFile(a, win, doing, name, []string{ext}, func(ctx context.Context, w io.Writer, _ func(int, int)) error {
			if format == sheetsCSVZip {
				return report.WriteCSVZip(ctx, w, store, q)
			}
			return report.WriteSheets(ctx, w, store, q)
		})
	}, win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
	return d
}

// sheetsQuery reads the sheets dialog's fields.
func sheetsQuery(from, to, who string, ps []data.Practitioner) (data.ExportQuery, error) {
	var q data.ExportQuery
	var err error
	if q.From, err = data.ParseTypedDate(from); err != nil {
		return q, errors.New("Sessions from: use the form YYYY-MM-DD, e.g. 2026-01-01.")
	}
	if q.To, err = data.ParseTypedDate(to); err != nil {
		return q, errors.New("To: use the form YYYY-MM-DD, e.g. 2026-12-31.")
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, errors.New("The last day comes before the first.")
	}
	if who != everyone {
		for _, p := range ps {
			if p.Name == who {
				q.PractitionerID = p.ID
			}
		}
	}
	return q, nil
}

// exportArchive writes the complete archive of the practice.
func exportArchive(a fyne.App, win fyne.Window, store *data.Store) {
	exportFile(a, win, "export the archive", "needlelog archive.zip", []string{".zip"},
		func(ctx context.Context, w io.Writer, progress func(int, int)) error {
			return report.WriteArchive(ctx, w, store, progress)
		})
}
