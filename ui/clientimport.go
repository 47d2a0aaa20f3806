package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// Importing clients from another system's CSV export: choose the file, check which column holds
// what (guessed from the header), import with progress and Cancel, and read what was refused.

// chooseClientCSV asks for a CSV file, reads it off the UI goroutine and shows the mapping step.
func chooseClientCSV(a fyne.App, win fyne.Window, store nlstore.Store, done func()) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(win, "open the file", err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		a.Preferences().SetString(prefLastFolder, filepath.Dir(path))
		openClientCSV(win, store, filepath.Base(path), r, done)
	}, win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt"}))
	if dir := a.Preferences().String(prefLastFolder); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	size := win.Canvas().Size()
	d.Resize(fyne.NewSize(min(900, size.Width-40), min(640, size.Height-40)))
	d.Show()
}

// openClientCSV reads a chosen client file off the UI goroutine and shows the mapping step, or
// what keeps the file from being read.
func openClientCSV(win fyne.Window, store nlstore.Store, name string, r io.ReadCloser, done func()) {
	async(func() (data.ClientCSV, error) {
		defer r.Close()
		f, err := data.ReadClientCSV(r)
		if err != nil {
			err = importRefusal{err} // its own words: the file, not the practice, is at fault
		}
		return f, err
	}, func(f data.ClientCSV, err error) {
		if err != nil {
			// The reader's messages say how to save the file so that it can be read.
			dialog.ShowInformation("Could not read "+name, importProblem(err), win)
			return
		}
		newClientMapping(win, store, name, f, done).show()
	})
}

// clientMapping is the step where the practitioner says which column holds which detail.
type clientMapping struct {
	win     fyne.Window
	store   nlstore.Store
	name    string
	file    data.ClientCSV
	picks   []*widget.Select
	problem *widget.Label
	importB *widget.Button
	dialog  *dialog.CustomDialog
	done    func()
}

func newClientMapping(win fyne.Window, store nlstore.Store, name string, f data.ClientCSV, done func()) *clientMapping {
	m := &clientMapping{win: win, store: store, name: name, file: f, done: done}
	options := []string{data.FieldIgnore.Label()}
	for _, fld := range data.ClientFields {
		options = append(options, fld.Label())
	}
	guess := data.GuessClientMapping(f.Header)
	grid := container.NewGridWithColumns(3, boldLabel("Column in the file"), boldLabel("Example"), boldLabel("Needlelog field"))
	for i, h := range f.Header {
		pick := widget.NewSelect(options, func(string) { m.check() })
		if i < len(guess) {
			pick.SetSelected(guess[i].Label())
		} else {
			pick.SetSelected(data.FieldIgnore.Label())
		}
		m.picks = append(m.picks, pick)
		header := widget.NewLabel(h)
		header.Truncation = fyne.TextTruncateEllipsis
		example := widget.NewLabel(exampleValue(f.Rows, i))
		example.Truncation = fyne.TextTruncateEllipsis
		example.Importance = widget.LowImportance
		grid.Add(header)
		grid.Add(example)
		grid.Add(pick)
	}
	m.problem = widget.NewLabel("")
	m.problem.Importance = widget.DangerImportance
	m.problem.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabel(fmt.Sprintf("%s holds %s. Check which column holds what; columns set to %q are left out. "+
		"Clients already in the practice (same name and date of birth, email or phone) are not added twice.",
		name, wording.Count(len(f.Rows), "row", "rows"), data.FieldIgnore.Label()))
	intro.Wrapping = fyne.TextWrapWord
	// In a VBox, the grid's rows keep their own height: a scroll would stretch them to fill it,
	// making the pickers tall and setting them lower than their labels.
	content := container.NewBorder(intro, m.problem, nil, nil, nlwidget.FormScroll(container.NewVScroll(container.NewVBox(grid))))
	m.importB = widget.NewButton("Import", m.start)
	m.importB.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { m.dialog.Hide() })
	m.dialog = dialog.NewCustomWithoutButtons("Import clients", content, win)
	m.dialog.SetButtons([]fyne.CanvasObject{cancel, m.importB})
	size := win.Canvas().Size()
	m.dialog.Resize(fyne.NewSize(min(860, size.Width-40), min(640, size.Height-40)))
	m.check()
	return m
}

// exampleValue is the first value of column i that is not empty, to show what the column holds.
func exampleValue(rows []data.CSVRow, i int) string {
	for _, r := range rows {
		if i < len(r.Fields) && strings.TrimSpace(r.Fields[i]) != "" {
			return r.Fields[i]
		}
	}
	return ""
}

func (m *clientMapping) show() { m.dialog.Show() }

// mapping reads the choices.
func (m *clientMapping) mapping() data.ClientMapping {
	out := make(data.ClientMapping, len(m.picks))
	for i, p := range m.picks {
		for _, f := range data.ClientFields {
			if f.Label() == p.Selected {
				out[i] = f
			}
		}
	}
	return out
}

// check says what is wrong with the mapping, and allows Import only when nothing is.
func (m *clientMapping) check() {
	if m.problem == nil {
		return // still being built
	}
	if err := m.mapping().Validate(); err != nil {
		m.problem.SetText(sentenceCase(err.Error()) + ".")
		m.problem.Show()
		m.importB.Disable()
		return
	}
	m.problem.Hide()
	m.importB.Enable()
}

// importRefusal is the reader's or the importer's refusal of a client file: its sentence says
// what to do with the file.
type importRefusal struct{ error }

func (r importRefusal) Unwrap() error { return r.error }

// importProblem words what stopped reading or importing a client file: the reader's and the
// importer's own sentences, which say what to do, and never the database's words.
func importProblem(err error) string {
	var refused importRefusal
	var invalid *data.ValidationError
	switch {
	case errors.Is(err, data.ErrBusy):
		return sentenceCase(data.ErrBusy.Error()) + "."
	case errors.As(err, &refused), errors.As(err, &invalid):
		return sentenceCase(err.Error()) + "."
	}
	return errorSentence("import the clients", err)
}

func sentenceCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// start imports the rows behind a progress dialog with Cancel.
func (m *clientMapping) start() {
	mapping := m.mapping()
	m.dialog.Hide()
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBarInfinite()
	status := widget.NewLabel("Importing " + wording.Count(len(m.file.Rows), "row", "rows") + " from " + m.name + "…")
	stop := widget.NewButton("Cancel", func() { cancel(); status.SetText("Stopping…") })
	prog := dialog.NewCustomWithoutButtons("Importing clients", container.NewVBox(status, bar), m.win)
	prog.SetButtons([]fyne.CanvasObject{stop})
	prog.Resize(fyne.NewSize(480, 0))
	prog.Show()
	rows := m.file.Rows
	async(func() (data.ClientImportResult, error) {
		// A bad mapping or month-first dates are refused before anything is written, in words to act on.
		if err := cmp.Or(mapping.Validate(), data.CheckDayFirst(rows, mapping)); err != nil {
			return data.ClientImportResult{}, importRefusal{err}
		}
		return m.store.ImportClients(ctx, rows, mapping)
	},
		func(res data.ClientImportResult, err error) {
			cancel()
			bar.Stop()
			prog.Hide()
			if err != nil && !errors.Is(err, context.Canceled) {
				// What the importer refuses (month-first dates, a bad mapping) it says in a sentence
				// to act on; what was saved before the error is counted.
				slog.Error("import clients", "err", err)
				showSummary(m.win, "Import stopped", importProblem(err)+"\n\n"+clientImportSummary(res, false))
				if m.done != nil {
					m.done()
				}
				return
			}
			title := "Clients imported"
			if err != nil {
				title = "Import cancelled"
			}
			showSummary(m.win, title, clientImportSummary(res, errors.Is(err, context.Canceled)))
			if m.done != nil {
				m.done()
			}
		})
}

// maxListedLines is how many refused rows the summary names; the rest are counted.
const maxListedLines = 200

// clientImportSummary says what an import did, naming each refused row by its line.
func clientImportSummary(res data.ClientImportResult, cancelled bool) string {
	parts := []string{wording.Count(res.Imported, "client", "clients") + " imported"}
	if res.Skipped > 0 {
		parts = append(parts, wording.Count(res.Skipped, "row", "rows")+" of clients already in the practice, not added again")
	}
	if len(res.Failed) > 0 {
		parts = append(parts, wording.Count(len(res.Failed), "row", "rows")+" not imported")
	}
	s := strings.Join(parts, "; ") + "."
	switch {
	case cancelled && res.StoppedAt > 0:
		s = fmt.Sprintf("Stopped at line %d: %s Nothing from line %d on was imported; importing the file again adds no one twice.",
			res.StoppedAt, s, res.StoppedAt)
	case cancelled:
		s = "Stopped: " + s + " The rest of the file was not read; importing it again adds no one twice."
	case res.StoppedAt > 0:
		s += fmt.Sprintf(" Nothing from line %d on was imported; importing the file again adds no one twice.", res.StoppedAt)
	}
	if len(res.Failed) > 0 {
		lines := make([]string, 0, min(len(res.Failed), maxListedLines))
		for _, e := range res.Failed[:min(len(res.Failed), maxListedLines)] {
			lines = append(lines, e.String())
		}
		s += "\n\nNot imported (correct these lines in the file and import it again):\n" + strings.Join(lines, "\n")
		if len(res.Failed) > maxListedLines {
			s += fmt.Sprintf("\n… and %d more.", len(res.Failed)-maxListedLines)
		}
	}
	return s
}
