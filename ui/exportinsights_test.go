package ui

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/store/storetest"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// insightsDialogParts finds the practice report dialog's period choice, date fields and
// practitioner choice on the window's top overlay.
func insightsDialogParts(t *testing.T, w fyne.Window) (*widget.RadioGroup, []*nlwidget.TextField, *widget.Select) {
	t.Helper()
	var period *widget.RadioGroup
	var dates []*nlwidget.TextField
	var who *widget.Select
	walkOverlay(w, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.RadioGroup:
			period = o
		case *nlwidget.TextField:
			dates = append(dates, o)
		case *widget.Select:
			who = o
		}
	})
	if period == nil || len(dates) != 2 || who == nil {
		t.Fatalf("the practice report dialog shows %q", overlayText(w))
	}
	return period, dates, who
}

func TestExportMenuWritesThePracticeReport(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed to read the report back")
	}
	a := test.NewTempApp(t)
	today := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	s := sqlitetest.OpenStoreNow(t, func() time.Time { return today })
	storetest.InsightsPractice(t, s)
	m := newMainWindow(a, s)
	m.win.Resize(fyne.NewSize(1280, 800))
	dir := t.TempDir()
	a.Preferences().SetString(prefLastFolder, dir)

	menuItemLabelled(t, m.win, "Practice insights (PDF)…").Action()
	period, dates, who := insightsDialogParts(t, m.win)
	from, to := dates[0], dates[1]
	if period.Selected != periodThisMonth || from.Text != "1 Jun 2025" || to.Text != "15 Jun 2025" || who.Selected != everyone {
		t.Fatalf("the dialog opens on %q, %q to %q, %q", period.Selected, from.Text, to.Text, who.Selected)
	}
	if shot := os.Getenv("NEEDLELOG_SHOTS"); shot != "" {
		f, err := os.Create(filepath.Join(shot, "insights-dialog.png"))
		if err == nil {
			png.Encode(f, m.win.Canvas().Capture()) //nolint:errcheck // a look, not a check
			f.Close()
		}
	}
	for p, want := range map[string][2]string{
		periodLast3Months: {"1 Apr 2025", "15 Jun 2025"},
		periodThisYear:    {"1 Jan 2025", "15 Jun 2025"},
	} {
		period.SetSelected(p)
		if from.Text != want[0] || to.Text != want[1] {
			t.Errorf("%s: %q to %q, want %q to %q", p, from.Text, to.Text, want[0], want[1])
		}
	}
	// A day typed makes the period a custom one; a last day before the first is refused beside
	// the fields, which keep what was typed, and nothing is written.
	from.SetText("2025-05-01")
	to.SetText("2025-04-30")
	if period.Selected != periodCustom {
		t.Fatalf("typed dates leave the period %q", period.Selected)
	}
	test.Tap(overlayButton(t, m.win, "Export…"))
	if says := overlayText(m.win); !strings.Contains(says, "The last day comes before the first.") || from.Text != "2025-05-01" {
		t.Fatalf("a period ending before it starts: the dialog says %q, from %q", says, from.Text)
	}
	from.SetText("2025-03-01")
	test.Tap(overlayButton(t, m.win, "Export…"))
	if offered := saveAs(t, m.win, "report"); offered != "practice report 1 Mar 2025 to 30 Apr 2025.pdf" {
		t.Errorf("the file name offered is %q", offered)
	}
	path := filepath.Join(dir, "report.pdf")
	waitFor(t, "the report", func() bool { _, err := os.Stat(path); return err == nil })
	if says := overlayText(m.win); !strings.Contains(says, "Saved as "+dir) {
		t.Errorf("after the export the app says %q", says)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"1 Mar 2025 to 30 Apr 2025 · All practitioners", "Sessions 42",
		"14.3% (6 of 42 sessions)", "Safety signals", "Lot BAD-1 (Nano 12): 6 of 10 sessions had a side effect"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("the report reads:\n%s", out)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want the report alone", len(entries))
	}

	// One practitioner: the name says whose report it is.
	clearOverlays(m.win)
	menuItemLabelled(t, m.win, "Practice insights (PDF)…").Action()
	period, dates, who = insightsDialogParts(t, m.win)
	period.SetSelected(periodCustom)
	dates[0].SetText("1 Mar 2025")
	dates[1].SetText("30 Apr 2025")
	who.SetSelected("Dr Lee")
	var beyond *widget.Check
	walkOverlay(m.win, func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			beyond = c
		}
	})
	if beyond == nil || beyond.Checked {
		t.Fatalf("the dialog offers no box for the side effects beyond the expected ones, or has it ticked: %q", overlayText(m.win))
	}
	beyond.SetChecked(true)
	test.Tap(overlayButton(t, m.win, "Export…"))
	if offered := saveAs(t, m.win, "lee"); offered != "practice report 1 Mar 2025 to 30 Apr 2025 Dr Lee.pdf" {
		t.Errorf("the file name offered for Dr Lee is %q", offered)
	}
	lee := filepath.Join(dir, "lee.pdf")
	waitFor(t, "Dr Lee's report", func() bool { _, err := os.Stat(lee); return err == nil })
	out, err = exec.Command("pdftotext", "-enc", "UTF-8", lee, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text = strings.Join(strings.Fields(string(out)), " ")
	if !strings.Contains(text, "1 Mar 2025 to 30 Apr 2025 · Dr Lee · Side effects beyond the expected ones") ||
		!strings.Contains(text, "8.3% (1 of 12 sessions), counting only side effects beyond the expected ones") {
		t.Errorf("Dr Lee's report beyond the expected side effects reads:\n%s", out)
	}
	clearOverlays(m.win)
	if got, err := s.Practitioners(context.Background(), true); err != nil || len(got) != 2 {
		t.Fatalf("practitioners: %v (%v)", got, err)
	}
}
