package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/report"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// What the Export menu and the export buttons write. Each asks where to save, then writes off the
// UI goroutine (exportFile).

// exportSessionPDF writes a session's record.
func exportSessionPDF(a fyne.App, win fyne.Window, store practiceStore, client data.Client, sessionID string, started string) {
	exportFile(a, win, store, "export the session record", report.FileName(client.Name()+" session "+started+".pdf"), []string{".pdf"},
		func(ctx context.Context, w io.Writer, _ func(int, int)) error {
			return report.SessionPDF(ctx, store, sessionID, w)
		})
}

// exportAftercarePDF writes the aftercare sheet of a session, to hand to the client.
func exportAftercarePDF(a fyne.App, win fyne.Window, store practiceStore, client data.Client, sessionID string, started string) {
	exportFile(a, win, store, "export the aftercare sheet", report.FileName(client.Name()+" aftercare "+started+".pdf"), []string{".pdf"},
		func(ctx context.Context, w io.Writer, _ func(int, int)) error {
			return report.AftercarePDF(ctx, store, sessionID, w)
		})
}

// exportHistoryPDF writes a client's whole history.
func exportHistoryPDF(a fyne.App, win fyne.Window, store practiceStore, client data.Client) {
	exportFile(a, win, store, "export the client's history", report.FileName(client.Name()+" history.pdf"), []string{".pdf"},
		func(ctx context.Context, w io.Writer, _ func(int, int)) error {
			return report.HistoryPDF(ctx, store, client.ID, w)
		})
}

// lotRecall is the recall screen: type a lot, see every client and session that got it, open a
// client, or save the list as a PDF.
type lotRecall struct {
	store   nlstore.Store
	lot     *nlwidget.TextField
	status  *widget.Label
	list    *widget.List
	rows    []data.RecallRow
	found   string // the lot the rows are for
	asked   int    // counts lookups, so that a late answer to an earlier one is dropped
	saveBtn *widget.Button
	dialog  *dialog.CustomDialog
	life    life // ends when the screen is closed; a lookup asked for begins it again
}

// showLotRecall opens the recall screen over win; open shows a client's page.
func showLotRecall(a fyne.App, win fyne.Window, store practiceStore, open func(clientID string)) *lotRecall {
	r := &lotRecall{store: store}
	r.lot = nlwidget.NewTextField()
	r.lot.SetPlaceHolder("Lot number as printed on the box, e.g. C-9931")
	r.status = widget.NewLabel("Every client and session that used a cartridge, anaesthetic or product lot.")
	r.status.Wrapping = fyne.TextWrapWord
	r.list = newTwoLineList(func() int { return len(r.rows) }, func(i int) (string, string) {
		row := r.rows[i]
		name := row.ClientName
		if row.ClientArchived {
			name += " (archived)"
		}
		return name, recallDetail(row)
	})
	r.list.OnSelected = func(i widget.ListItemID) {
		r.list.UnselectAll()
		if i < len(r.rows) && open != nil {
			r.dialog.Hide()
			open(r.rows[i].ClientID)
		}
	}
	find := widget.NewButton("Find", func() { r.find(store) })
	r.lot.OnSubmitted = func(string) { r.find(store) }
	r.saveBtn = widget.NewButtonWithIcon("Save as PDF…", theme.DocumentPrintIcon(), func() {
		lot := r.found
		exportFile(a, win, store, "export the recall report", report.FileName("recall "+lot+".pdf"), []string{".pdf"},
			func(ctx context.Context, w io.Writer, _ func(int, int)) error {
				return report.RecallPDF(ctx, store, lot, w)
			})
	})
	r.saveBtn.Disable()
	top := container.NewVBox(container.NewBorder(nil, nil, nil, find, r.lot), r.status)
	r.dialog = dialog.NewCustomWithoutButtons("Lot recall", container.NewBorder(top, nil, nil, nil, r.list), win)
	r.dialog.SetButtons([]fyne.CanvasObject{widget.NewButton("Close", func() { r.dialog.Hide() }), r.saveBtn})
	size := win.Canvas().Size()
	r.dialog.Resize(fyne.NewSize(min(760, size.Width-40), min(600, size.Height-40)))
	r.dialog.SetOnClosed(func() { r.life.end() })
	r.show(win)
	return r
}

// show puts the recall screen back, with the lot and list it had.
func (r *lotRecall) show(win fyne.Window) {
	r.dialog.Show()
	win.Canvas().Focus(r.lot)
}

// recallDetail is a recall row's second line: when, what used the lot, and who treated.
func recallDetail(row data.RecallRow) string {
	parts := []string{wording.DateTime(row.StartedAt)}
	what := row.Use
	if row.Item != "" {
		what = row.Item + " (" + row.Use + ")"
	}
	parts = append(parts, what+" lot "+row.Lot)
	if row.Phone != "" {
		parts = append(parts, row.Phone)
	}
	if row.Practitioner != "" {
		parts = append(parts, "by "+row.Practitioner)
	}
	return strings.Join(parts, "  ·  ")
}

func (r *lotRecall) find(store nlstore.Store) {
	lot := strings.TrimSpace(r.lot.Text)
	if lot == "" {
		return
	}
	r.status.SetText("Looking…")
	r.saveBtn.Disable()
	r.asked++
	n := r.asked
	if r.life.ctx == nil || r.life.ctx.Err() != nil {
		r.life = newLife(nil)
	}
	l := r.life
	async(func() ([]data.RecallRow, error) { return store.LotRecall(l.ctx, lot) },
		func(rows []data.RecallRow, err error) {
			if n != r.asked || l.gone(err) {
				return // a newer lot was asked for meanwhile, or the screen closed
			}
			if err != nil {
				r.status.SetText(errorSentence("look up the lot", err))
				return
			}
			r.rows, r.found = rows, lot
			clients := map[string]bool{}
			for _, row := range rows {
				clients[row.ClientID] = true
			}
			if len(rows) == 0 {
				r.status.SetText("No session used lot " + lot + ".")
				r.saveBtn.Disable()
			} else {
				r.status.SetText(fmt.Sprintf("Lot %s was used in %s for %s. Choose one to open their page.",
					lot, wording.Count(len(rows), "session", "sessions"), wording.Count(len(clients), "client", "clients")))
				r.saveBtn.Enable()
			}
			r.list.Refresh()
		})
}

// sheetsFormat is what askSheets writes.
type sheetsFormat int

const (
	sheetsXLSX sheetsFormat = iota
	sheetsCSVZip
)

// askSheets asks which sessions to include (dates, practitioner), then writes the spreadsheets.
func askSheets(a fyne.App, win fyne.Window, store practiceStore, format sheetsFormat) {
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

func showSheetsDialog(a fyne.App, win fyne.Window, store practiceStore, format sheetsFormat, ps []data.Practitioner) *dialog.FormDialog {
	from := newDateField(data.Date{}, "Empty for the first")
	to := newDateField(data.Date{}, "Empty for the last")
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
		q, err := sheetsQuery(from.Text, to.Text, who.SelectedIndex(), ps)
		if err != nil {
			note.SetText(err.Error())
			note.Show()
			d.Show() // what was typed stays
			return
		}
		name := "needlelog records" + ext
		exportFile(a, win, store, doing, name, []string{ext}, func(ctx context.Context, w io.Writer, _ func(int, int)) error {
			if format == sheetsCSVZip {
				return report.LoggedExport(ctx, store, "csv", "", report.WriteCSVZip(ctx, w, store, q))
			}
			return report.LoggedExport(ctx, store, "sheets", "", report.WriteSheets(ctx, w, store, q))
		})
	}, win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
	return d
}

// sheetsQuery reads the sheets dialog's fields.
func sheetsQuery(from, to string, who int, ps []data.Practitioner) (nlstore.ExportQuery, error) {
	var q nlstore.ExportQuery
	var err error
	if q.From, err = data.ParseTypedDate(from); err != nil {
		return q, errors.New("Sessions from: type the date as " + data.DateForms(data.CurrentDateOrder()) + ".")
	}
	if q.To, err = data.ParseTypedDate(to); err != nil {
		return q, errors.New("To: type the date as " + data.DateForms(data.CurrentDateOrder()) + ".")
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, errors.New("The last day comes before the first.")
	}
	if who > 0 { // 0 is everyone; the practitioners follow in order
		q.PractitionerID = ps[who-1].ID
	}
	return q, nil
}

// exportArchive writes the complete archive of the practice: of a practice on the clinic's
// server, from a copy of it made on this PC.
func exportArchive(a fyne.App, win fyne.Window, store practiceStore) {
	exportFileNoting(a, win, store, "export the archive", "needlelog archive.zip", []string{".zip"},
		func(ctx context.Context, w io.Writer, progress func(int, int)) error {
			return report.LoggedExport(ctx, store, "archive", "", report.WriteArchive(ctx, w, ondisk.ArchiveOf(store.(ondisk.CopyStore)), progress))
		}, archivePlainNote)
}

// The periods the practice report offers at a click; each ends today.
const (
	periodThisMonth   = "This month"
	periodLast3Months = "Last 3 months"
	periodThisYear    = "This year"
	periodCustom      = "Custom"
)

// periodDays are the first and last days of a period offered at a click, as of today: this
// month, the last 3 months (this one and the two before, whole months on a chart by month), this
// year.
func periodDays(period string, today data.Date) (from, to data.Date) {
	switch period {
	case periodThisMonth:
		return data.NewDate(today.Year(), today.Month(), 1), today
	case periodLast3Months:
		return data.NewDate(today.Year(), today.Month()-2, 1), today
	case periodThisYear:
		return data.NewDate(today.Year(), 1, 1), today
	}
	return data.Date{}, data.Date{}
}

// askInsightsPDF asks for the period and the practitioner, then writes the practice report.
func askInsightsPDF(a fyne.App, win fyne.Window, store practiceStore) {
	async(func() ([]data.Practitioner, error) { return store.Practitioners(context.Background(), true) },
		func(ps []data.Practitioner, err error) {
			if err != nil {
				showError(win, "read the practitioners", err)
				return
			}
			showInsightsPDFDialog(a, win, store, ps)
		})
}

// insightsPDFDialog is the practice report's small form: a period at a click or typed, and one
// practitioner or everyone.
type insightsPDFDialog struct {
	period   *widget.RadioGroup
	from, to *nlwidget.TextField
	who      *widget.Select
	beyond   *widget.Check // only the side effects beyond the expected ones
	note     *widget.Label
	dialog   *dialog.FormDialog
}

func showInsightsPDFDialog(a fyne.App, win fyne.Window, store practiceStore, ps []data.Practitioner) *insightsPDFDialog {
	x := &insightsPDFDialog{}
	today := data.DateOf(store.Now())
	x.from = newDateField(data.Date{}, "Empty for the first")
	x.to = newDateField(data.Date{}, "Empty for the last")
	setting := false // the dates are being set from the period chosen, not typed
	x.period = widget.NewRadioGroup([]string{periodThisMonth, periodLast3Months, periodThisYear, periodCustom}, func(p string) {
		if p == periodCustom || p == "" {
			return
		}
		from, to := periodDays(p, today)
		setting = true
		x.from.SetText(data.DateText(from))
		x.to.SetText(data.DateText(to))
		setting = false
	})
	x.period.Horizontal = true
	x.period.Required = true
	typed := func(string) {
		if !setting {
			x.period.SetSelected(periodCustom) // typed dates are a period of their own
		}
	}
	x.from.OnChanged, x.to.OnChanged = typed, typed
	x.period.SetSelected(periodThisMonth)
	x.who = widget.NewSelect(append([]string{everyone}, names(ps, practitionerName)...), nil)
	x.who.SetSelected(everyone)
	x.beyond = widget.NewCheck("Only those beyond the expected ones (as the practice's list files them)", nil)
	x.note = widget.NewLabel("")
	x.note.Importance = widget.DangerImportance
	x.note.Wrapping = fyne.TextWrapWord
	x.note.Hide()
	x.dialog = dialog.NewForm("Practice insights (PDF)", "Export…", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Period", x.period),
		widget.NewFormItem("Sessions from", x.from),
		widget.NewFormItem("to", x.to),
		widget.NewFormItem("Practitioner", x.who),
		widget.NewFormItem("Side effects", x.beyond),
		widget.NewFormItem("", x.note),
	}, func(ok bool) {
		if !ok {
			return
		}
		// The dates and the practitioner are read as the spreadsheets' are: one rule.
		sq, err := sheetsQuery(x.from.Text, x.to.Text, x.who.SelectedIndex(), ps)
		if err != nil {
			x.note.SetText(err.Error())
			x.note.Show()
			x.dialog.Show() // what was typed stays
			return
		}
		q := insights.Query{From: sq.From, To: sq.To, PractitionerID: sq.PractitionerID, BeyondExpected: x.beyond.Checked}
		name := "practice report " + report.InsightsPeriod(q)
		if x.who.SelectedIndex() > 0 {
			name += " " + x.who.Selected
		}
		exportFile(a, win, store, "export the practice report", report.FileName(name+".pdf"), []string{".pdf"},
			func(ctx context.Context, w io.Writer, _ func(int, int)) error {
				return report.InsightsPDF(ctx, store, q, w)
			})
	}, win)
	x.dialog.Resize(fyne.NewSize(min(640, win.Canvas().Size().Width-40), 0))
	x.dialog.Show()
	return x
}
