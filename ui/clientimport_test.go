package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
)

// shownText is the top overlay's text with its line wrapping undone.
func shownText(w fyne.Window) string { return strings.Join(strings.Fields(overlayText(w)), " ") }

func TestClientImportSaysWhatKeepsAFileFromBeingRead(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1000, 700))
	for file, want := range map[string]string{
		"header-only.csv":    "The file has no clients in it, only its header row: nothing was imported",
		"unclosed-quote.csv": "Line 3: a quote opens a value there and is never closed",
	} {
		r, err := os.Open(filepath.Join("..", "data", "testdata", "clientcsv", file))
		if err != nil {
			t.Fatal(err)
		}
		openClientCSV(w, s, file, r, nil)
		if got := shownText(w); !strings.Contains(got, "Could not read "+file) || !strings.Contains(got, want) {
			t.Errorf("%s: the window shows %q, want %q", file, got, want)
		}
		w.Canvas().Overlays().Top().Hide()
	}

	// A file Excel saved as Windows-1252 goes on to the mapping step, its accents intact.
	r, err := os.Open(filepath.Join("..", "data", "testdata", "clientcsv", "windows-1252.csv"))
	if err != nil {
		t.Fatal(err)
	}
	openClientCSV(w, s, "windows-1252.csv", r, nil)
	if got := shownText(w); !strings.Contains(got, "Müller") || !strings.Contains(got, "3 rows") {
		t.Errorf("the mapping step shows %q", got)
	}
	ctx := context.Background()
	if list, err := s.ListClients(ctx, data.ClientQuery{Limit: 10}); err != nil || len(list) != 0 {
		t.Errorf("clients before importing: %v %v", list, err)
	}
}

func TestClientImportSaysHowFarItCame(t *testing.T) {
	res := data.ClientImportResult{Imported: 500, StoppedAt: 503}
	got := clientImportSummary(res, false)
	if !strings.Contains(got, "500 clients imported") || !strings.Contains(got, "Nothing from line 503 on was imported") {
		t.Errorf("summary %q", got)
	}
	busy := fmt.Errorf("the import stopped at line 503: %w", data.ErrBusy)
	if got := importProblem(busy); got != "The practice is busy with another program's changes (an import, or another window); try again in a moment." {
		t.Errorf("a busy practice is said as %q", got)
	}
	if got := errorSentence("save the photo", busy); strings.Contains(got, "Try again; if it keeps happening") ||
		!strings.Contains(got, "busy with another program's changes (an import, or another window); try again in a moment") {
		t.Errorf("a busy practice is said as %q", got)
	}
}

// The mapping step's pickers are of normal height, each on the row of its column's name.
func TestClientMappingRowsAreAligned(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	f := data.ClientCSV{Header: []string{"First name", "Last name", "Phone", "Email", "Date of birth"},
		Rows: []data.CSVRow{{Line: 2, Fields: []string{"María", "López", "+34 600 111 222", "maria@example.com", "31/12/1990"}}}}
	m := newClientMapping(w, s, "clients2.csv", f, nil)
	m.show()
	shot(t, w, "csv_map")
	d := fyne.CurrentApp().Driver()
	for i, pick := range m.picks {
		if h, min := pick.Size().Height, pick.MinSize().Height; h > min+1 {
			t.Errorf("picker %d is %v high, want its normal %v", i, h, min)
		}
		var label *widget.Label
		walkOverlay(w, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && l.Text == f.Header[i] {
				label = l
			}
		})
		if label == nil {
			t.Fatalf("no label %q", f.Header[i])
		}
		ly, py := d.AbsolutePositionForObject(label).Y, d.AbsolutePositionForObject(pick).Y
		lc, pc := ly+label.Size().Height/2, py+pick.Size().Height/2
		if lc-pc > 3 || pc-lc > 3 {
			t.Errorf("%q: label centred at y %v, its picker at %v", f.Header[i], lc, pc)
		}
	}
}
