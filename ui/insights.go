package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/chart"
	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/insights"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// allPractitioners is the practitioner choice that reads everyone's sessions.
const allPractitioners = "All practitioners"

// insightsScreen is what the practice's records teach, over the whole window: the figures of a
// period and a practitioner (package insights), each as a chart with its numbers beside it, every
// bar and row opening the sessions it counts. It is kept between openings, with its period.
type insightsScreen struct {
	store nlstore.Store
	win   fyne.Window
	now   func() time.Time
	life  life // ends when the practice shown changes

	period   *widget.Select
	from, to *nlwidget.TextField
	custom   *fyne.Container // the custom dates, shown for periodCustom
	controls *fyne.Container
	who      *widget.Select
	beyond   *widget.Check // only the side effects beyond the expected ones count
	busy     *widget.Activity
	status   *widget.Label
	figures  *fyne.Container   // the signals, the summary and every figure
	signals  fyne.CanvasObject // the safety signals shown first; nil when none
	scroll   *container.Scroll
	content  fyne.CanvasObject
	asked    int          // counts reads, so that an older answer never replaces a newer one
	shown    insightsRead // the figures on screen
	readOnce bool         // figures have been shown
	people   []data.Practitioner
	list     *sessionList       // the sessions of a figure, listed last
	style    func() chart.Style // the theme's colours for the charts

	onClose   func()
	onSession func(clientID, sessionID string) // opens a session chosen in a list of a figure's
	onLot     func(lot string)                 // opens the lot recall with the lot typed
}

// insightsRead is one read of the figures.
type insightsRead struct {
	query    insights.Query
	who      string // the practitioner's name, "" for all
	report   insights.Report
	lots     map[string]string // a lot's group (insights.LotGroup) → the lot as a recall takes it
	currency string
	people   []data.Practitioner
	writes   uint64 // the store's writes when read: a change since makes the figures old
}

// newInsightsScreen makes the screen; show it with content, then refresh.
func newInsightsScreen(store nlstore.Store, win fyne.Window, now func() time.Time) *insightsScreen {
	s := &insightsScreen{store: store, win: win, now: now, life: newLife(nil), style: themeChartStyle}
	s.period = widget.NewSelect([]string{periodThisMonth, periodLast3Months, periodThisYear, periodCustom}, nil)
	s.period.SetSelected(periodLast3Months)
	s.period.OnChanged = func(p string) {
		if p == periodCustom {
			s.fillCustom()
			s.custom.Show()
		} else {
			s.custom.Hide()
		}
		s.controls.Refresh()
		s.refresh()
	}
	s.from = newDateField(data.Date{}, "First day")
	s.to = newDateField(data.Date{}, "Last day")
	s.from.OnSubmitted = func(string) { s.refresh() }
	s.to.OnSubmitted = func(string) { s.refresh() }
	show := widget.NewButton("Show", s.refresh)
	dates := container.NewBorder(nil, nil, nil, nil, container.NewGridWithColumns(2, s.from, s.to))
	s.custom = container.NewHBox(widthOf(360, dates), show)
	s.custom.Hide()
	s.who = widget.NewSelect([]string{allPractitioners}, nil)
	s.who.SetSelected(allPractitioners)
	s.who.OnChanged = func(string) { s.refresh() }
	s.beyond = widget.NewCheck("Only side effects beyond the expected", func(bool) { s.refresh() })
	s.busy = widget.NewActivity()
	s.busy.Hide()
	s.status = widget.NewLabel("Reading the figures…")
	s.status.Wrapping = fyne.TextWrapWord
	s.figures = container.NewVBox()
	s.scroll = container.NewVScroll(s.figures)

	closeBtn := widget.NewButtonWithIcon("Close", theme.NavigateBackIcon(), func() {
		if s.onClose != nil {
			s.onClose()
		}
	})
	title := widget.NewLabelWithStyle("Insights", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	s.controls = container.NewHBox(closeBtn, title, widget.NewSeparator(), widthOf(180, s.period), s.custom,
		widthOf(220, s.who), s.busy)
	top := container.NewVBox(s.controls, container.NewBorder(nil, nil, nil, s.beyond, s.status), widget.NewSeparator())
	s.content = container.NewBorder(top, nil, nil, nil, s.scroll)
	return s
}

// fillCustom types the period shown into the custom dates, to change from there.
func (s *insightsScreen) fillCustom() {
	q := s.shown.query
	if q.From.IsZero() && q.To.IsZero() {
		q, _ = periodQuery(periodLast3Months, data.DateOf(s.now()))
	}
	s.from.SetText(data.DateText(q.From))
	s.to.SetText(data.DateText(q.To))
}

// periodQuery is the period of a choice of the screen as of today (periodDays, as the practice
// report offers them); false for typed dates.
func periodQuery(period string, today data.Date) (insights.Query, bool) {
	from, to := periodDays(period, today)
	return insights.Query{From: from, To: to}, !from.IsZero()
}

// query is what the controls ask for, or a sentence saying what to type instead.
func (s *insightsScreen) query() (insights.Query, string, error) {
	q, ok := periodQuery(s.period.Selected, data.DateOf(s.now()))
	if !ok {
		var err error
		if q.From, err = data.ParseTypedDate(s.from.Text); err != nil {
			return q, "", errors.New("The first day: type the date as " + data.DateForms(data.CurrentDateOrder()) + ".")
		}
		if q.To, err = data.ParseTypedDate(s.to.Text); err != nil {
			return q, "", errors.New("The last day: type the date as " + data.DateForms(data.CurrentDateOrder()) + ".")
		}
		if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
			return q, "", errors.New("The last day comes before the first.")
		}
	}
	q.BeyondExpected = s.beyond.Checked
	who := ""
	if i := s.who.SelectedIndex(); i > 0 && i <= len(s.people) {
		q.PractitionerID, who = s.people[i-1].ID, s.people[i-1].Name
	}
	return q, who, nil
}

// readInsights reads a period's figures, with what the screen needs beside them.
func readInsights(ctx context.Context, store nlstore.Store, q insights.Query, who string) (insightsRead, error) {
	r := insightsRead{query: q, who: who, lots: map[string]string{}, writes: store.Writes()}
	var err error
	if r.people, err = store.Practitioners(ctx, true); err != nil {
		return r, err
	}
	if r.currency, err = store.Setting(ctx, data.SettingCurrency); err != nil {
		return r, err
	}
	b := insights.NewBuilder(q)
	err = store.InsightFacts(ctx, q, func(f *insights.Fact) error {
		b.Add(f)
		// A lot's group names its item too; the recall looks the lot up alone.
		for _, l := range f.Lots {
			if g := insights.LotGroup(l); r.lots[g] == "" {
				r.lots[g] = strings.ToUpper(strings.TrimSpace(l.Lot))
			}
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	r.report = b.Report()
	return r, nil
}

// update reads the figures the controls ask for and shows them; tests call it directly.
func (s *insightsScreen) update(ctx context.Context) error {
	q, who, err := s.query()
	if err != nil {
		s.refuse(err)
		return nil
	}
	r, err := readInsights(ctx, s.store, q, who)
	if err != nil {
		return err
	}
	s.apply(r)
	return nil
}

// refresh reads the figures the controls ask for off the UI goroutine. The figures shown stay,
// with the activity turning, until the newest read is done; an older read's answer is dropped.
func (s *insightsScreen) refresh() {
	q, who, err := s.query()
	if err != nil {
		s.refuse(err)
		return
	}
	s.asked++
	n := s.asked
	s.busy.Show()
	s.busy.Start()
	st, l, asked := s.store, s.life, time.Now()
	var read time.Duration
	async(func() (insightsRead, error) {
		r, err := readInsights(l.ctx, st, q, who)
		read = time.Since(asked)
		return r, err
	},
		func(r insightsRead, err error) {
			if n != s.asked || l.gone(err) {
				return // a newer period was asked for meanwhile, or the practice was closed
			}
			s.busy.Stop()
			s.busy.Hide()
			if err != nil {
				s.status.SetText(errorSentence("read the figures", err))
				return
			}
			s.apply(r)
			slog.Info("insights shown", "sessions", r.report.Sessions, "read in", read.Round(time.Millisecond),
				"shown after", time.Since(asked).Round(time.Millisecond))
		})
}

// refuse says what to type instead of a bad period and takes the figures away: those on screen
// are of another period, and must not be read as this one's. A read under way is dropped.
func (s *insightsScreen) refuse(err error) {
	s.asked++
	s.busy.Stop()
	s.busy.Hide()
	s.status.Importance = widget.DangerImportance
	s.status.SetText(err.Error())
	s.scroll.Hide()
}

// stale reports whether the practice changed since the figures shown were read.
func (s *insightsScreen) stale() bool { return !s.readOnce || s.store.Writes() != s.shown.writes }

// apply shows a read's figures.
func (s *insightsScreen) apply(r insightsRead) {
	s.shown, s.readOnce = r, true
	s.setPeople(r.people)
	s.status.Importance = widget.MediumImportance
	s.status.SetText(periodSentence(r))
	s.scroll.Show()
	s.figures.Objects = s.figureObjects(r)
	s.figures.Refresh()
}

// setPeople offers the practitioners read, keeping the one chosen.
func (s *insightsScreen) setPeople(ps []data.Practitioner) {
	s.people = ps
	opts := append([]string{allPractitioners}, names(ps, practitionerName)...)
	chosen := s.who.Selected
	s.who.OnChanged = nil
	s.who.SetOptions(opts)
	s.who.SetSelected(chosen)
	if s.who.SelectedIndex() < 0 {
		s.who.SetSelected(allPractitioners)
	}
	s.who.OnChanged = func(string) { s.refresh() }
}

// periodSentence says what the figures are of: "42 sessions from 1 March 2025 to 30 April 2025,
// all practitioners."
func periodSentence(r insightsRead) string {
	var when string
	q := r.query
	switch {
	case q.From.IsZero() && q.To.IsZero():
		when = "of every day recorded"
	case q.From.IsZero():
		when = "up to " + longDay(q.To)
	case q.To.IsZero():
		when = "from " + longDay(q.From) + " on"
	case q.From == q.To:
		when = "on " + longDay(q.From)
	default:
		when = "from " + longDay(q.From) + " to " + longDay(q.To)
	}
	who := "all practitioners"
	if r.who != "" {
		who = r.who + "'s sessions"
	}
	if q.BeyondExpected {
		who += ", counting only side effects beyond the expected ones"
	}
	if r.report.Sessions == 0 {
		return fmt.Sprintf("No session was started %s (%s).", when, who)
	}
	return fmt.Sprintf("%s %s %s, %s. Choose a bar or a row to see the sessions it counts.",
		wording.Thousands(r.report.Sessions), wording.Plural(r.report.Sessions, "session", "sessions"), when, who)
}

// showInsights puts the Insights screen in front, as it was left; its figures are read again
// when the practice changed since.
func (m *mainWindow) showInsights() {
	if m.insightsInFront() {
		return
	}
	if !m.browsing() {
		m.sayWhatToCloseFirst("Insights open from the client list", "Client › Insights…")
		return
	}
	if m.insights == nil || m.insights.store != m.store {
		s := newInsightsScreen(m.store, m.win, func() time.Time { return m.now() })
		s.onClose = m.closeInsights
		s.onSession = func(clientID, sessionID string) {
			m.closeInsights()
			m.fromInsights = sessionID // its Close comes back here, as it was left
			m.openSessionFromToday(clientID, sessionID, "")
		}
		s.onLot = m.recallLot
		m.insights = s
	}
	m.body.Objects = []fyne.CanvasObject{m.insights.content}
	m.body.Refresh()
	if m.insights.stale() {
		m.insights.refresh()
	}
}

// exportInsightsPDF asks for the practice report; over the insights, it starts with the period,
// practitioner and choice of side effects on screen, to write what the practitioner sees.
func (m *mainWindow) exportInsightsPDF() {
	if !m.insightsInFront() || !m.insights.readOnce {
		askInsightsPDF(m.app, m.win, m.store)
		return
	}
	r := m.insights.shown
	x := showInsightsPDFDialog(m.app, m.win, m.store, r.people)
	if p := m.insights.period.Selected; p != periodCustom {
		x.period.SetSelected(p) // said as the screen says it
	}
	// The days shown, typed when the choice gives others (the screen was left open overnight).
	if from, to := data.DateText(r.query.From), data.DateText(r.query.To); x.from.Text != from || x.to.Text != to {
		x.from.SetText(from)
		x.to.SetText(to)
	}
	for i, p := range r.people {
		if p.ID == r.query.PractitionerID {
			x.who.SetSelectedIndex(i + 1)
		}
	}
	x.beyond.SetChecked(r.query.BeyondExpected)
}

// insightsInFront reports whether the Insights screen covers the window.
func (m *mainWindow) insightsInFront() bool {
	return m.insights != nil && len(m.body.Objects) == 1 && m.body.Objects[0] == m.insights.content
}

// closeInsights puts the client list and page back; the screen is kept for the next opening.
func (m *mainWindow) closeInsights() {
	m.showBrowser()
}

// recallLot opens the lot recall with a lot looked up: a lot's safety signal leads there.
func (m *mainWindow) recallLot(lot string) {
	if m.recall == nil || m.recall.store != m.store {
		m.recall = showLotRecall(m.app, m.win, m.store, m.openFromRecall)
	} else {
		m.recall.show(m.win)
	}
	m.recall.lookUp(lot)
}

// lookUp types a lot into the recall and looks it up, as the practitioner would.
func (r *lotRecall) lookUp(lot string) {
	r.lot.SetText(lot)
	r.find(r.store)
}

// longDay says a period's end in words: "1 March 2025".
func longDay(d data.Date) string { return d.Format("2 January 2006") }

// widthOf lays o out at least w wide, so that a choice's words are not cut short.
func widthOf(w float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(&minWidth{w}, o)
}

type minWidth struct{ w float32 }

func (l *minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := fyne.NewSize(l.w, 0)
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}
