package ui

import (
	"context"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/insights"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	"needlelog.app/needlelog/store/storetest"
	"needlelog.app/needlelog/wording"
)

// insightsWindow is a main window over the hand-worked insights practice, on 30 April 2025.
func insightsWindow(t *testing.T) (*mainWindow, storetest.InsightsFixture) {
	t.Helper()
	a := test.NewTempApp(t)
	s := openStore(t)
	fix := storetest.InsightsPractice(t, s)
	m := newMainWindow(a, s)
	m.now = func() time.Time { return time.Date(2025, 4, 30, 12, 0, 0, 0, time.Local) }
	m.win.Resize(fyne.NewSize(1280, 800))
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m, fix
}

// openInsights opens the screen as Ctrl+I does, through its menu item.
func openInsights(t *testing.T, m *mainWindow) *insightsScreen {
	t.Helper()
	it := menuItem(t, m.win, scInsights)
	if it.Label != "Insights…" {
		t.Fatalf("Ctrl+I is on %q", it.Label)
	}
	it.Action()
	if !m.insightsInFront() {
		t.Fatal("Ctrl+I did not put the Insights screen in front")
	}
	return m.insights
}

// showPeriod types a custom period and shows it.
func showPeriod(t *testing.T, s *insightsScreen, from, to string) {
	t.Helper()
	s.period.SetSelected(periodCustom)
	s.from.SetText(from)
	s.to.SetText(to)
	s.refresh()
}

// insightsRows are the texts of the rows that open sessions, each as "cell | cell | …".
func insightsRows(s *insightsScreen) []string {
	var out []string
	walk(s.figures, func(o fyne.CanvasObject) {
		r, ok := o.(*tapRow)
		if !ok {
			return
		}
		var cells []string
		walk(r.content, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok {
				cells = append(cells, l.Text)
			}
		})
		out = append(out, strings.Join(cells, " | "))
	})
	return out
}

// tapRowOf is the row whose text starts with prefix.
func tapRowOf(t *testing.T, s *insightsScreen, prefix string) *tapRow {
	t.Helper()
	var found *tapRow
	walk(s.figures, func(o fyne.CanvasObject) {
		r, ok := o.(*tapRow)
		if !ok || found != nil {
			return
		}
		walk(r.content, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && found == nil && strings.HasPrefix(l.Text, prefix) {
				found = r
			}
		})
	})
	if found == nil {
		t.Fatalf("no row starts with %q among %q", prefix, insightsRows(s))
	}
	return found
}

func buttonOf(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

// captureInsights writes what the window shows under NEEDLELOG_SHOTS, to look at.
func captureInsights(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := os.Getenv("NEEDLELOG_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Lay the window out again: word-wrapped labels know their height once laid out at their width.
	size := w.Canvas().Size()
	w.Resize(size.AddWidthHeight(1, 0))
	w.Resize(size)
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// Ctrl+I opens the screen over the window; on the hand-worked practice it shows the period's
// counts, each grouping's rows, small groups as counts with a note, and the signals first.
func TestInsightsShowTheFiguresOfThePeriod(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	if !strings.Contains(s.status.Text, "from 1 February 2025 to 30 April 2025") {
		t.Errorf("the last 3 months on 30 April 2025: %q", s.status.Text)
	}
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	if want := "42 sessions from 1 March 2025 to 30 April 2025, all practitioners."; !strings.HasPrefix(s.status.Text, want) {
		t.Fatalf("status %q, want it to start %q", s.status.Text, want)
	}
	rows := insightsRows(s)
	for _, want := range []string{
		"42 sessions | with a side effect: 14.3% (6 of 42 sessions); beyond the expected: 2.4% (1)",
		"March 2025 | 12 | 6 | 50.0",
		"April 2025 | 30 | 0 | 0.0",
		"≤0.5 mm | 26 | 0 | 0.0",
		"1.0–1.5 mm | 4 | 0 | " + "too few to rate (under 10 sessions)",
		"Cheeks | 14 | 6 | 42.9",
		"Type II | 2 | 0 | too few to rate (under 10 sessions)",
		"not recorded | 5 | 0 | too few to rate (under 10 sessions)",
		"BAD-1 (Nano 12) | 10 | 6 | 60.0",
		"OK-2 (Nano 12) | 25 | 0 | 0.0",
		"Erythema | 5 | 4 | 2.5 | 2.0",
		"Acne scars | 0 | 1 | 0 | 0 | 1 | 2",
		"April 2025 | 2,500.00 | 25 of 30",
	} {
		if !slices.Contains(rows, want) {
			t.Errorf("no row %q among\n%s", want, strings.Join(rows, "\n"))
		}
	}
	// A group under 10 sessions is said as its counts with the note, never as a percentage.
	for _, r := range rows {
		cells := strings.Split(r, " | ")
		if len(cells) != 4 { // rates: group, sessions, with a side effect, rate
			continue
		}
		if n, err := strconv.Atoi(cells[1]); err == nil && n < 10 && cells[3] != wording.TooFewToRate {
			t.Errorf("a group of %d sessions is said as %q", n, r)
		}
	}
	// The signals come first, each said with its counts and test.
	if s.signals == nil || s.figures.Objects[0] != s.signals {
		t.Fatal("the figures do not start with the signals")
	}
	var said []string
	walk(s.signals, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			said = append(said, l.Text)
		}
	})
	if !slices.ContainsFunc(said, func(t string) bool {
		return strings.HasPrefix(t, "Lot BAD-1 (Nano 12): 6 of 10 sessions had a side effect, against 6 of 42 in the practice")
	}) {
		t.Errorf("the signals say %q", said)
	}
	captureInsights(t, m.win, "insights-fixture")
	if os.Getenv("NEEDLELOG_SHOTS") != "" { // the rest of the screen, further down, and in a larger window
		for i, y := range []float32{900, 1800, 2700, 3600} {
			s.scroll.ScrollToOffset(fyne.NewPos(0, y))
			captureInsights(t, m.win, "insights-fixture-"+strconv.Itoa(i+1))
		}
		s.scroll.ScrollToBottom()
		captureInsights(t, m.win, "insights-fixture-end")
	}
}

// Changing the period or the practitioner reads the figures again.
func TestInsightsPeriodAndPractitionerRecompute(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	if !strings.HasPrefix(s.status.Text, "43 sessions") { // 20 February counts too
		t.Fatalf("the last 3 months: %q", s.status.Text)
	}
	s.period.SetSelected(periodThisMonth)
	if !strings.HasPrefix(s.status.Text, "30 sessions from 1 April 2025 to 30 April 2025") {
		t.Fatalf("this month: %q", s.status.Text)
	}
	if rows := insightsRows(s); slices.ContainsFunc(rows, func(r string) bool { return strings.HasPrefix(r, "March 2025") }) {
		t.Errorf("April alone still shows March: %q", rows)
	}
	s.who.SetSelected("Sam Ray")
	if !strings.HasPrefix(s.status.Text, "25 sessions from 1 April 2025 to 30 April 2025, Sam Ray's sessions") {
		t.Fatalf("Sam Ray in April: %q", s.status.Text)
	}
	s.period.SetSelected(periodThisYear)
	if !strings.HasPrefix(s.status.Text, "25 sessions from 1 January 2025 to 30 April 2025") {
		t.Fatalf("Sam Ray this year: %q", s.status.Text)
	}
	// Beyond the expected side effects (Erythema is filed as expected), only Bo's
	// hyperpigmentation counts, and no signal stands.
	s.who.SetSelected(allPractitioners)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	s.beyond.SetChecked(true)
	if !strings.Contains(s.status.Text, "all practitioners, counting only side effects beyond the expected ones") {
		t.Fatalf("beyond the expected: %q", s.status.Text)
	}
	rows := insightsRows(s)
	if !slices.Contains(rows, "BAD-1 (Nano 12) | 10 | 1 | 10.0") || !slices.Contains(rows, "42 sessions | beyond the expected: 2.4% (1 of 42 sessions)") {
		t.Fatalf("beyond the expected, rows:\n%s", strings.Join(rows, "\n"))
	}
	if s.signals != nil {
		t.Fatal("beyond the expected, the signals are still shown")
	}
}

// A newer period asked for while an older one is still being read wins, whichever read ends
// last; the figures shown meanwhile stay, with the activity turning.
func TestInsightsNewerPeriodSupersedesOlder(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	was := background
	var pending []func()
	background = func(work func()) { pending = append(pending, work) }
	t.Cleanup(func() { background = was })

	s.period.SetSelected(periodThisYear)  // 43 sessions
	s.period.SetSelected(periodThisMonth) // 30 sessions: the newer
	if !strings.HasPrefix(s.status.Text, "43 sessions") || s.busy.Hidden {
		t.Fatalf("while reading: %q, activity hidden %v", s.status.Text, s.busy.Hidden)
	}
	pending[1]()
	pending[0]() // the older read ends last
	if !strings.HasPrefix(s.status.Text, "30 sessions") || !s.busy.Hidden {
		t.Fatalf("after both reads: %q, activity hidden %v", s.status.Text, s.busy.Hidden)
	}
}

// A row opens exactly the sessions it counts, and choosing one opens it in the editor.
func TestInsightsRowOpensItsSessions(t *testing.T) {
	m, fix := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	test.Tap(tapRowOf(t, s, "BAD-1 (Nano 12)"))
	l := s.list
	if l == nil {
		t.Fatal("the lot's row opened no list")
	}
	var ids []string
	for _, b := range l.rows {
		ids = append(ids, b.SessionID)
	}
	if !slices.Equal(ids, fix.Bo) {
		t.Fatalf("the lot's row lists %v, want Bo's sessions %v", ids, fix.Bo)
	}
	if l.title != "Lot BAD-1 (Nano 12): 60.0% (6 of 10 sessions)" {
		t.Errorf("the list is titled %q", l.title)
	}
	if !strings.HasPrefix(l.status.Text, "10 sessions, oldest first") {
		t.Errorf("the list says %q", l.status.Text)
	}
	if title, d := briefTitle(l.rows[0]), briefDetail(l.rows[0]); !strings.HasSuffix(title, "  ·  Bo Fixture  ·  side effects: Erythema") ||
		d != "by Dr Lee  ·  Pen A  ·  deepest 1 mm: Cheeks" {
		t.Errorf("Bo's first session is listed as %q, %q", title, d)
	}
	captureInsights(t, m.win, "insights-list")
	l.list.Select(0)
	if m.editor == nil || m.editor.base.ID != fix.Bo[0] || m.insightsInFront() {
		t.Fatalf("choosing Bo's first session: editor %v, insights in front %v", m.editor != nil, m.insightsInFront())
	}
}

// A lot's safety signal opens the lot recall with the lot typed and looked up.
func TestInsightsLotSignalOpensTheRecall(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	test.Tap(buttonOf(t, s.figures, "Recall lot BAD-1…"))
	if m.recall == nil || m.recall.lot.Text != "BAD-1" || len(m.recall.rows) != 10 {
		t.Fatalf("the recall: %+v", m.recall)
	}
	if !strings.HasPrefix(m.recall.status.Text, "Lot BAD-1 was used in 10 sessions for 1 client") {
		t.Errorf("the recall says %q", m.recall.status.Text)
	}
	// The other lot signal's recall (a product's lot) takes its lot alone too.
	m.recall.dialog.Hide()
	test.Tap(buttonOf(t, s.figures, "Recall lot HA-1…"))
	if m.recall.lot.Text != "HA-1" || len(m.recall.rows) != 10 {
		t.Fatalf("the recall of HA-1: %q, %d rows", m.recall.lot.Text, len(m.recall.rows))
	}
	// Choosing a client there opens their page in place of the insights.
	m.recall.list.Select(0)
	if m.insightsInFront() || m.current.ID == "" {
		t.Fatalf("choosing a client in the recall: insights in front %v, client %q", m.insightsInFront(), m.current.ID)
	}
}

// A period without sessions says so plainly, with no figure.
func TestInsightsEmptyPeriodSaysSo(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-06-01", "2025-06-30")
	if want := "No session was started from 1 June 2025 to 30 June 2025 (all practitioners)"; !strings.HasPrefix(s.status.Text, want) {
		t.Fatalf("status %q, want %q", s.status.Text, want)
	}
	if rows := insightsRows(s); len(rows) != 0 || len(chartViews(s)) != 0 || s.signals != nil {
		t.Fatalf("an empty period shows rows %q, %d charts, signals %v", rows, len(chartViews(s)), s.signals != nil)
	}
	var said []string
	walk(s.figures, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			said = append(said, l.Text)
		}
	})
	if !slices.Equal(said, []string{"Nothing to count: choose another period or practitioner above."}) {
		t.Fatalf("an empty period says %q", said)
	}
	showPeriod(t, s, "2025-06-31", "2025-06-30")
	if !strings.HasPrefix(s.status.Text, "The first day: type the date as") {
		t.Fatalf("a date that is no date: %q", s.status.Text)
	}
}

// Close puts the list back, and the screen comes back as it was left; while a session is open
// it waits, saying what to close.
func TestInsightsCloseAndWaitForTheSession(t *testing.T) {
	m, fix := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	test.Tap(buttonOf(t, s.content, "Close"))
	if m.insightsInFront() || !m.browsing() {
		t.Fatal("Close left the insights in front")
	}
	if again := openInsights(t, m); again != s || !strings.HasPrefix(s.status.Text, "42 sessions") {
		t.Fatalf("opened again: the same screen %v, %q", again == s, s.status.Text)
	}
	test.Tap(tapRowOf(t, s, "Erythema"))
	s.list.list.Select(0)
	if m.editor == nil || m.editor.base.ID != fix.Bo[0] {
		t.Fatal("the session chosen did not open")
	}
	// Another screen's menu item while the insights are in front says to close them first.
	m.editor.close()
	openInsights(t, m)
	lotRecallItem(t, m).Action()
	if m.recall != nil || !slices.Contains(overlayTexts(m.win), "Close the insights first") {
		t.Fatalf("Lot recall over the insights: said %q", overlayTexts(m.win))
	}
	m.win.Canvas().Overlays().Top().Hide()
	test.Tap(buttonOf(t, s.content, "Close"))
	test.Tap(tapRowOf(t, s, "Erythema"))
	s.list.list.Select(0)
	menuItem(t, m.win, scInsights).Action()
	var said []string
	walk(m.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			said = append(said, l.Text)
		}
	})
	if m.insightsInFront() || !slices.Contains(said, "Close the session first") {
		t.Fatalf("Ctrl+I over a session: in front %v, said %q", m.insightsInFront(), said)
	}
}

// chartViews are the screen's charts, in the order shown.
func chartViews(s *insightsScreen) []*chartView {
	var out []*chartView
	walk(s.figures, func(o fyne.CanvasObject) {
		if v, ok := o.(*chartView); ok {
			out = append(out, v)
		}
	})
	return out
}

// A bar opens the sessions it counts, as its row does: the lot BAD-1's bar, Bo's ten sessions.
func TestInsightsBarOpensItsSessions(t *testing.T) {
	m, fix := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	charts := chartViews(s)
	if len(charts) != 12 { // sessions, 7 rates, resolutions, results twice, revenue
		t.Fatalf("%d charts, want 12", len(charts))
	}
	lots := charts[7]
	if lots.hit == nil {
		t.Fatal("the lots' chart was not drawn")
	}
	size := lots.Size()
	tapped := false
	for y := float32(0); y < size.Height && !tapped; y++ {
		if i, ok := lots.hit(int(size.Width/2), int(y)); ok && i == 0 {
			test.TapAt(lots, fyne.NewPos(size.Width/2, y))
			tapped = true
		}
	}
	if !tapped || s.list == nil {
		t.Fatal("no place on the lots' chart opens the first lot")
	}
	var ids []string
	for _, b := range s.list.rows {
		ids = append(ids, b.SessionID)
	}
	if !slices.Equal(ids, fix.Bo) || s.list.title != "Lot BAD-1 (Nano 12): 60.0% (6 of 10 sessions)" {
		t.Fatalf("the bar of BAD-1 lists %q: %v, want Bo's %v", s.list.title, ids, fix.Bo)
	}
}

// A chart is drawn again for the room it is given, and in the theme's colours when the theme
// changes.
func TestInsightsChartsFollowSizeAndTheme(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	v := chartViews(s)[0]
	if b := v.img.Image.Bounds(); b.Dx() != int(v.Size().Width) {
		t.Fatalf("drawn %d wide for %v", b.Dx(), v.Size())
	}
	wide := v.Size().AddWidthHeight(200, 0)
	v.Resize(wide)
	if b := v.img.Image.Bounds(); b.Dx() != int(wide.Width) {
		t.Fatalf("drawn %d wide after growing to %v", b.Dx(), wide)
	}
	// Dragged wider and wider while drawing: one drawing at a time, then one for the last size.
	was := background
	t.Cleanup(func() { background = was })
	var pending []func()
	background = func(work func()) { pending = append(pending, work) }
	for i := range 5 {
		v.Resize(wide.AddWidthHeight(float32(10*(i+1)), 0))
	}
	if len(pending) != 1 {
		t.Fatalf("%d drawings under way while dragged, want 1", len(pending))
	}
	pending[0]()
	if len(pending) != 2 {
		t.Fatalf("%d drawings after the first, want one more for the last size", len(pending))
	}
	pending[1]()
	background = was
	if b := v.img.Image.Bounds(); b.Dx() != int(wide.Width)+50 {
		t.Fatalf("drawn %d wide after dragging to %v", b.Dx(), v.Size())
	}
	corner := func() color.Color { return v.img.Image.At(1, 1) }
	same := func(a, b color.Color) bool {
		r1, g1, b1, _ := a.RGBA()
		r2, g2, b2, _ := b.RGBA()
		return r1>>8 == r2>>8 && g1>>8 == g2>>8 && b1>>8 == b2>>8
	}
	if bg := theme.Color(theme.ColorNameBackground); !same(corner(), bg) {
		t.Fatalf("the chart's background %v is not the theme's %v", corner(), bg)
	}
	m.app.Settings().SetTheme(theme.DarkTheme())
	v.Refresh()
	if bg := theme.DarkTheme().Color(theme.ColorNameBackground, theme.VariantDark); !same(corner(), bg) {
		t.Fatalf("after the theme changed, the chart's background %v is not the dark theme's %v", corner(), bg)
	}
}

// lotRecallItem is the Client menu's Lot recall….
func lotRecallItem(t *testing.T, m *mainWindow) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.win.MainMenu().Items[1].Items {
		if it.Label == "Lot recall…" {
			return it
		}
	}
	t.Fatal("no Client › Lot recall…")
	return nil
}

// overlayTexts are the labels of the dialog in front.
func overlayTexts(w fyne.Window) []string {
	var said []string
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			said = append(said, l.Text)
		}
	})
	return said
}

// A long name does not push a table wider than its column of names may grow: the chart beside it
// keeps its room.
func TestInsightsLongNamesKeepTheTableNarrow(t *testing.T) {
	test.NewTempApp(t)
	long := strings.Repeat("Hyaluronic acid serum with peptides ", 3)
	table := figureTable(rateHeader("Product", false), []figureRow{{cells: []string{long, "12", "6", "50.0"}, sessions: []string{"x"}}}, nil)
	short := figureTable(rateHeader("Product", false), []figureRow{{cells: []string{"HA", "12", "6", "50.0"}}}, nil)
	if w, base := table.MinSize().Width, short.MinSize().Width; w > base+maxNameWidth {
		t.Fatalf("a table with a long name is %v wide, against %v with a short one", w, base)
	}
}

// labelTexts are the texts of the labels under o, in the order shown.
func labelTexts(o fyne.CanvasObject) []string {
	var said []string
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			said = append(said, l.Text)
		}
	})
	return said
}

// A period without a safety signal says so where the signals would be; one with signals does not.
func TestInsightsSayWhenThereIsNoSignal(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	if slices.Contains(labelTexts(s.figures), insights.NoSignal) {
		t.Fatal("the no-signal sentence stands beside the signals")
	}
	s.period.SetSelected(periodThisMonth) // April: no side effect at all
	said := labelTexts(s.figures)
	if s.signals != nil || len(said) == 0 || said[0] != insights.NoSignal {
		t.Fatalf("April, without a signal, first says %q", said[:min(len(said), 2)])
	}
	captureInsights(t, m.win, "insights-nosignal")
}

// The headline says how much of the rate is beyond the expected; with only those ticked, the
// headline, titles and columns say that it is they that are counted. A small period's are counts.
func TestInsightsSayWhatIsBeyondTheExpected(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	said := labelTexts(s.figures)
	for _, want := range []string{"with a side effect: 14.3% (6 of 42 sessions); beyond the expected: 2.4% (1)",
		"Side effects by zone", "With a side effect"} {
		if !slices.Contains(said, want) {
			t.Errorf("all side effects: no %q among %q", want, said)
		}
	}
	s.beyond.SetChecked(true)
	said = labelTexts(s.figures)
	for _, want := range []string{"beyond the expected: 2.4% (1 of 42 sessions)", "Side effects beyond the expected, by zone",
		"Side effects beyond the expected, by lot", "Days to resolution by kind of side effect beyond the expected", "Beyond the expected",
		"Sessions started each month, and those with a side effect beyond the expected."} {
		if !slices.Contains(said, want) {
			t.Errorf("beyond the expected: no %q among %q", want, said)
		}
	}
	if slices.ContainsFunc(said, func(l string) bool { return strings.HasPrefix(strings.ToLower(l), "with a side effect") }) {
		t.Errorf("beyond the expected, a label still says \"with a side effect\": %q", said)
	}
	captureInsights(t, m.win, "insights-beyond")
	s.beyond.SetChecked(false)
	showPeriod(t, s, "2025-02-01", "2025-02-28") // one session, with an expected side effect
	if said := labelTexts(s.figures); !slices.Contains(said, "with a side effect: 1 of 1 session, "+wording.TooFewToRate+"; beyond the expected: 0 of 1") {
		t.Errorf("one session: %q", said)
	}
}

// A lot's list of sessions, from its row or its signal, offers the lot's recall with the lot
// typed; another group's list does not.
func TestInsightsLotListOffersTheRecall(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	test.Tap(tapRowOf(t, s, "Cheeks"))
	if s.list.recall != nil {
		t.Fatal("a zone's list offers a lot recall")
	}
	s.list.dlg.Hide()
	test.Tap(tapRowOf(t, s, "OK-2 (Nano 12)"))
	if s.list.recall == nil || s.list.recall.Text != "Recall this lot…" {
		t.Fatal("the lot OK-2's list offers no recall")
	}
	captureInsights(t, m.win, "insights-lotlist")
	test.Tap(s.list.recall)
	if m.recall == nil || m.recall.lot.Text != "OK-2" || len(m.recall.rows) != 25 {
		t.Fatalf("the recall of OK-2: %+v", m.recall)
	}
	if slices.Contains(overlayTexts(m.win), s.list.title) {
		t.Error("the list stays over the recall")
	}
	m.recall.dialog.Hide()
	// The lot signal's list of sessions offers it too.
	var first *widget.Button // the first signal's: lot BAD-1
	walk(s.signals, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && first == nil && b.Text == "See 10 sessions…" {
			first = b
		}
	})
	test.Tap(first)
	if s.list.recall == nil {
		t.Fatal("the lot signal's list offers no recall")
	}
	test.Tap(s.list.recall)
	if m.recall.lot.Text != "BAD-1" || len(m.recall.rows) != 10 {
		t.Fatalf("the recall of BAD-1: %q, %d rows", m.recall.lot.Text, len(m.recall.rows))
	}
}

// A date that is no date takes the figures of the period shown before away, with the sentence
// saying what to type; a valid period brings figures back.
func TestInsightsBadDateHidesTheFigures(t *testing.T) {
	m, _ := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	if !s.scroll.Visible() || !strings.HasPrefix(s.status.Text, "42 sessions") {
		t.Fatalf("the figures of March and April are not shown: %q", s.status.Text)
	}
	showPeriod(t, s, "2025-13-45", "2025-04-30")
	if !strings.HasPrefix(s.status.Text, "The first day: type the date as") || s.scroll.Visible() {
		t.Fatalf("a bad first day: %q, figures still shown %v", s.status.Text, s.scroll.Visible())
	}
	captureInsights(t, m.win, "insights-baddate")
	showPeriod(t, s, "2025-04-01", "2025-04-30")
	if !strings.HasPrefix(s.status.Text, "30 sessions") || !s.scroll.Visible() {
		t.Fatalf("a good period again: %q, figures shown %v", s.status.Text, s.scroll.Visible())
	}
}

// Closing a session opened from the insights comes back to them as they were left.
func TestInsightsSessionClosedComesBack(t *testing.T) {
	m, fix := insightsWindow(t)
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	size := m.win.Canvas().Size() // lay the figures out, as the window shows them
	m.win.Resize(size.AddWidthHeight(1, 0))
	m.win.Resize(size)
	s.scroll.ScrollToOffset(fyne.NewPos(0, 1800))
	if s.scroll.Offset.Y != 1800 {
		t.Fatalf("scrolled to %v", s.scroll.Offset)
	}
	test.Tap(tapRowOf(t, s, "BAD-1 (Nano 12)"))
	s.list.list.Select(0)
	if m.editor == nil || m.editor.base.ID != fix.Bo[0] || m.insightsInFront() {
		t.Fatal("the session chosen did not open")
	}
	m.editor.close()
	if !m.insightsInFront() || m.insights != s || s.scroll.Offset.Y != 1800 || !strings.HasPrefix(s.status.Text, "42 sessions") {
		t.Fatalf("after Close: insights in front %v, scrolled to %v, %q", m.insightsInFront(), s.scroll.Offset, s.status.Text)
	}
	// A session opened from the client's page still closes to the page.
	test.Tap(buttonOf(t, s.content, "Close"))
	m.openSession(m.page.st.client, fix.Bo[1], nil)
	if m.editor == nil {
		t.Fatal("the session did not open from the page")
	}
	m.editor.close()
	if m.insightsInFront() || !m.browsing() {
		t.Fatal("a session opened from the page closed to the insights")
	}
}

// The practice report asked for over the insights starts with the period, practitioner and
// choice of side effects on screen.
func TestInsightsExportStartsWithTheScreensChoices(t *testing.T) {
	a := test.NewTempApp(t)
	today := time.Date(2025, 6, 15, 12, 0, 0, 0, time.Local)
	st := sqlitetest.OpenStoreNow(t, func() time.Time { return today })
	storetest.InsightsPractice(t, st)
	m := newMainWindow(a, st)
	m.now = func() time.Time { return today }
	m.win.Resize(fyne.NewSize(1280, 800))
	s := openInsights(t, m)
	showPeriod(t, s, "2025-03-01", "2025-04-30")
	s.who.SetSelected("Sam Ray")
	s.beyond.SetChecked(true)
	menuItemLabelled(t, m.win, "Practice insights (PDF)…").Action()
	period, dates, who := insightsDialogParts(t, m.win)
	var beyond *widget.Check
	walkOverlay(m.win, func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			beyond = c
		}
	})
	if period.Selected != periodCustom || dates[0].Text != "1 Mar 2025" || dates[1].Text != "30 Apr 2025" ||
		who.Selected != "Sam Ray" || beyond == nil || !beyond.Checked {
		t.Fatalf("the report starts with %q, %q to %q, %q, beyond %v", period.Selected, dates[0].Text, dates[1].Text, who.Selected, beyond != nil && beyond.Checked)
	}
	captureInsights(t, m.win, "insights-export")
	m.win.Canvas().Overlays().Top().Hide()
	// A period at a click is said as that choice.
	s.who.SetSelected(allPractitioners)
	s.beyond.SetChecked(false)
	s.period.SetSelected(periodLast3Months)
	menuItemLabelled(t, m.win, "Practice insights (PDF)…").Action()
	period, dates, who = insightsDialogParts(t, m.win)
	if period.Selected != periodLast3Months || dates[0].Text != "1 Apr 2025" || dates[1].Text != "15 Jun 2025" || who.Selected != everyone {
		t.Fatalf("this month's report starts with %q, %q to %q, %q", period.Selected, dates[0].Text, dates[1].Text, who.Selected)
	}
}
