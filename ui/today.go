package ui

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// todayView is what the main window shows when no client is open: who is due this week, who is
// overdue, and the practice's loose ends, each a tab with its count. Every row opens what it
// names.
type todayView struct {
	store    nlstore.Store
	signedIn func() string    // the practitioner signed in, whose unsigned sessions come first
	now      func() time.Time // the clock drafts' times are worded against
	life     life             // ends when the window shows another practice, or the app stops

	day     data.Date
	loaded  data.TodayList
	loading bool   // a next page of the week is being read
	writes  uint64 // the store's Writes when loaded: a tick reloads only after a change
	heading *widget.Label
	tabs    *container.AppTabs
	lists   [todayTabs]*todayList
	content fyne.CanvasObject

	onClient     func(clientID string)
	onSession    func(clientID, sessionID string)
	onDraft      func(clientID, draftID string)
	onSideEffect func(clientID, sessionID string)
}

// The Today view's tabs, in their order.
const (
	tabDue = iota
	tabOverdue
	tabUnsigned
	tabSideEffects
	tabDrafts
	todayTabs
)

// todayList is one tab: rows of a name and a line of detail, and a note under them when the
// list is capped or empty.
type todayList struct {
	rows     []todayRow
	loadMore func() // fetches the next page when the list is scrolled near its end; nil for none
	list     *widget.List
	note     *widget.Label
	empty    string        // what the note says when there are no rows
	blank    *widget.Label // says empty, at the top of the tab, where the eye is
}

type todayRow struct {
	title, detail string
	open          func()
}

func newTodayView(store nlstore.Store, signedIn func() string) *todayView {
	v := &todayView{store: store, signedIn: signedIn, now: time.Now, life: newLife(nil)}
	v.heading = widget.NewLabelWithStyle("Today", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.heading.SizeName = theme.SizeNameSubHeadingText
	empties := [todayTabs]string{
		"No one is due this week.",
		"No one is overdue.",
		"Every saved session is signed.",
		"No side effect is waiting for a follow-up.",
		"No session form was left open.",
	}
	items := make([]*container.TabItem, todayTabs)
	for i := range v.lists {
		l := newTodayList(empties[i])
		v.lists[i] = l
		l.blank = widget.NewLabel(l.empty)
		l.blank.Wrapping = fyne.TextWrapWord
		l.blank.Importance = widget.LowImportance
		l.blank.Hidden = true // until the day's work is read
		items[i] = container.NewTabItem("", container.NewBorder(l.blank, l.note, nil, nil, l.list))
	}
	v.lists[tabDue].loadMore = v.moreDue
	v.tabs = container.NewAppTabs(items...)
	v.showCounts()
	v.content = container.NewBorder(v.heading, nil, nil, nil, v.tabs)
	return v
}

func newTodayList(empty string) *todayList {
	l := &todayList{empty: empty}
	l.note = widget.NewLabel("")
	l.note.Wrapping = fyne.TextWrapWord
	l.note.Importance = widget.LowImportance
	l.list = newTwoLineList(func() int { return len(l.rows) }, func(i int) (string, string) {
		if l.loadMore != nil && i >= len(l.rows)-20 {
			l.loadMore()
		}
		return l.rows[i].title, l.rows[i].detail
	})
	l.list.OnSelected = func(i widget.ListItemID) {
		l.list.Unselect(i) // a row is a link: choosing it again opens it again
		if i < len(l.rows) && l.rows[i].open != nil {
			l.rows[i].open()
		}
	}
	return l
}

func (l *todayList) set(rows []todayRow, note string) {
	l.rows = rows
	l.list.Refresh()
	if l.blank != nil {
		l.blank.Hidden = len(rows) > 0
		l.blank.Refresh()
	}
	if len(rows) == 0 {
		note = "" // said at the top, by blank
		if l.blank == nil {
			note = l.empty
		}
	}
	l.note.SetText(note)
	l.note.Hidden = note == ""
	l.note.Refresh()
}

// update reads the day's work and shows it; tests call it directly.
func (v *todayView) update(ctx context.Context) error {
	w := v.store.Writes()
	t, err := v.store.Today(ctx, v.signedIn(), 0)
	if err != nil {
		return err
	}
	v.apply(t, w)
	return nil
}

// refresh reads the day's work in the background.
func (v *todayView) refresh() {
	s, who := v.store, v.signedIn()
	w := s.Writes()
	async(func() (data.TodayList, error) { return s.Today(v.life.ctx, who, 0) },
		func(t data.TodayList, err error) {
			if v.store != s || v.life.gone(err) {
				return
			}
			if err != nil {
				slog.Error("read the day's work", "err", err)
				v.heading.SetText(errorSentence("read the day's work", err))
				return
			}
			v.apply(t, w)
		})
}

// stale reports whether the view needs reading again: the practice changed, or the day did.
func (v *todayView) stale() bool {
	return v.store.Writes() != v.writes || !data.DateOf(v.store.Now()).Equal(v.day)
}

func (v *todayView) apply(t data.TodayList, writes uint64) {
	v.loaded, v.writes, v.day, v.loading = t, writes, t.Today, false
	v.heading.SetText("Today, " + wording.Weekday(t.Today))
	v.showDue()

	overdue := make([]todayRow, 0, len(t.Overdue))
	for _, c := range t.Overdue {
		d := fmt.Sprintf("Overdue %s (due %s)", wording.Count(t.Today.DaysSince(c.NextDue), "day", "days"), wording.Date(c.NextDue))
		overdue = append(overdue, v.clientRow(c, d))
	}
	v.lists[tabOverdue].set(overdue, moreNote(len(t.Overdue), t.OverdueCount, "overdue clients, the most recently overdue first", "the client list's Due tab"))

	me := v.signedIn()
	unsigned := make([]todayRow, 0, len(t.Unsigned))
	for _, u := range t.Unsigned {
		who := u.PractitionerName
		switch {
		case me != "" && u.PractitionerID == me:
			who = "yours"
		case who == "":
			who = "no practitioner recorded"
		}
		clientID, sessionID := u.ClientID, u.SessionID
		unsigned = append(unsigned, todayRow{
			title:  u.ClientName,
			detail: "Session of " + sessionDay(u.StartedAt, t.Today) + " · " + who + " · not signed",
			open:   func() { v.onSession(clientID, sessionID) },
		})
	}
	v.lists[tabUnsigned].set(unsigned, moreNote(len(t.Unsigned), t.UnsignedCount, "unsigned sessions, yours first, then the newest", ""))

	effects := make([]todayRow, 0, len(t.SideEffects))
	for _, e := range t.SideEffects {
		clientID, sessionID := e.ClientID, e.SessionID
		effects = append(effects, todayRow{
			title:  e.ClientName,
			detail: fmt.Sprintf("%s, %s, since %s · not resolved", e.Kind, e.Severity, wording.Date(e.Onset)),
			open:   func() { v.onSideEffect(clientID, sessionID) },
		})
	}
	v.lists[tabSideEffects].set(effects, moreNote(len(t.SideEffects), t.SideEffectCount, "side effects awaiting follow-up, the newest first", ""))

	drafts := make([]todayRow, 0, len(t.Drafts))
	for _, d := range t.Drafts {
		what := "New session"
		if d.SessionID != "" {
			what = "Changes to a saved session"
		}
		clientID, draftID := d.ClientID, d.DraftID
		drafts = append(drafts, todayRow{
			title:  d.ClientName,
			detail: what + ", last typed in " + humanTime(d.UpdatedAt, v.now()) + " · not saved",
			open:   func() { v.onDraft(clientID, draftID) },
		})
	}
	v.lists[tabDrafts].set(drafts, moreNote(len(t.Drafts), t.DraftCount, "open session forms, the newest first", ""))
	v.showCounts()
}

func (v *todayView) showDue() {
	t := v.loaded
	due := make([]todayRow, 0, len(t.Due))
	for _, c := range t.Due {
		due = append(due, v.clientRow(c, dueDay(c.NextDue, t.Today)))
	}
	v.lists[tabDue].set(due, moreNote(len(t.Due), t.DueCount, "clients due this week: scroll for more", ""))
}

// moreDue reads the next page of the week's list, after its last row (keyset paging).
func (v *todayView) moreDue() {
	t := v.loaded
	if v.loading || len(t.Due) == 0 || len(t.Due) >= t.DueCount {
		return
	}
	v.loading = true
	s, day := v.store, t.Today
	// The client list's due order is Today's: the page goes on after the last row shown.
	q := data.ClientQuery{Filter: data.DueClients, DueBy: t.WeekEnd, After: &t.Due[len(t.Due)-1], Limit: data.TodayLimit}
	async(func() ([]data.ClientSummary, error) { return s.ListClients(v.life.ctx, q) },
		func(page []data.ClientSummary, err error) {
			if v.store != s || !v.loading || !v.loaded.Today.Equal(day) || v.life.gone(err) {
				return // read again meanwhile, or the practice left
			}
			v.loading = false
			if err != nil {
				slog.Error("read more of the week", "err", err)
				return
			}
			if len(page) == 0 {
				v.loaded.DueCount = len(v.loaded.Due) // fewer than counted: some were changed meanwhile
			}
			v.loaded.Due = append(v.loaded.Due, page...)
			v.showDue()
		})
}

func (v *todayView) clientRow(c data.ClientSummary, detail string) todayRow {
	if c.Phone != "" {
		detail += "  ·  " + c.Phone
	}
	id := c.ID
	return todayRow{title: c.Name(), detail: detail, open: func() { v.onClient(id) }}
}

// showCounts puts each list's count on its tab.
func (v *todayView) showCounts() {
	t := v.loaded
	labels := [todayTabs]string{
		fmt.Sprintf("Due this week (%d)", t.DueCount),
		fmt.Sprintf("Overdue (%d)", t.OverdueCount),
		fmt.Sprintf("Unsigned (%d)", t.UnsignedCount),
		fmt.Sprintf("Side effects (%d)", t.SideEffectCount),
		fmt.Sprintf("Open forms (%d)", t.DraftCount),
	}
	for i, it := range v.tabs.Items {
		it.Text = labels[i]
	}
	v.tabs.Refresh()
}

// moreNote says how many a capped list leaves out, and where the rest are.
func moreNote(shown, total int, what, where string) string {
	if total <= shown {
		return ""
	}
	s := fmt.Sprintf("Showing %d of %s %s.", shown, wording.Thousands(total), what)
	if where != "" {
		s += " The rest are in " + where + "."
	}
	return s
}

// dueDay says when a client is due, the way a day planner does.
func dueDay(d, today data.Date) string {
	switch n := d.DaysSince(today); n {
	case 0:
		return "Due today"
	case 1:
		return "Due tomorrow"
	default:
		return "Due " + wording.WeekdayShort(d)
	}
}

// sessionDay says which day a session was on.
func sessionDay(t time.Time, today data.Date) string {
	d := data.DateOf(t)
	switch today.DaysSince(d) {
	case 0:
		return "today"
	case 1:
		return "yesterday"
	}
	return wording.Date(d)
}

// openClientFromToday opens a client's page from a row of the day's work.
func (m *mainWindow) openClientFromToday(c data.ClientSummary) {
	if !m.list.selectID(c.ID) { // selecting them in the list opens them; else open them here
		m.showClient(c)
	}
}

// openSessionFromToday opens a client's session, or their open session form, in the editor,
// over their page. A session with an open form opens with it, so there is never a second one.
func (m *mainWindow) openSessionFromToday(clientID, sessionID, draftID string) {
	s, l := m.store, m.today.life
	ctx := l.ctx
	type found struct {
		client    data.Client
		sessionID string
		draft     *data.Draft
	}
	async(func() (found, error) {
		var f found
		var err error
		if f.client, err = s.Client(ctx, clientID); err != nil {
			return f, err
		}
		drafts, err := s.Drafts(ctx, clientID)
		if err != nil {
			return f, err
		}
		f.sessionID = sessionID
		if f.draft = keptDraft(drafts, sessionID, draftID); f.draft != nil {
			f.sessionID = f.draft.SessionID
		}
		if draftID != "" && f.draft == nil {
			return f, errFormGone
		}
		return f, nil
	}, func(f found, err error) {
		if m.store != s || l.gone(err) {
			return
		}
		if err != nil {
			showError(m.win, "open the session", err)
			m.today.refresh()
			return
		}
		m.openClientFromToday(summaryOf(f.client))
		m.openSession(f.client, f.sessionID, f.draft)
	})
}

// keptDraft is the draft a session opens with: the one named by draftID, or, when none is named,
// the one kept of session sessionID; nil when there is none. A session that has a kept draft
// opens with it, so there is never a second one.
func keptDraft(drafts []data.Draft, sessionID, draftID string) *data.Draft {
	for _, d := range drafts {
		if (draftID != "" && d.ID == draftID) || (draftID == "" && sessionID != "" && d.SessionID == sessionID) {
			return &d
		}
	}
	return nil
}

// errFormGone is a session form saved or discarded since the day's work was read.
var errFormGone error = wordedError("That session form was saved or discarded meanwhile.")

// openSideEffectFromToday opens a client's page and the follow-up form of the session whose side
// effect awaits a follow-up.
func (m *mainWindow) openSideEffectFromToday(clientID, sessionID string) {
	s, l := m.store, m.today.life
	ctx := l.ctx
	type found struct {
		client data.Client
		entry  data.TimelineEntry
	}
	async(func() (found, error) {
		var f found
		var err error
		if f.client, err = s.Client(ctx, clientID); err != nil {
			return f, err
		}
		tl, err := s.Timeline(ctx, clientID)
		for _, e := range tl {
			if e.SessionID == sessionID {
				f.entry = e
			}
		}
		return f, err
	}, func(f found, err error) {
		if m.store != s || l.gone(err) {
			return
		}
		if err != nil {
			showError(m.win, "open the side effect", err)
			return
		}
		m.openClientFromToday(summaryOf(f.client))
		if f.entry.SessionID != "" {
			showSideEffectDialog(m.win, s, f.client, f.entry, m.reloadClient)
		}
	})
}

func summaryOf(c data.Client) data.ClientSummary {
	return data.ClientSummary{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Phone: c.Phone}
}

// showToday leaves the client open for the day's work.
func (m *mainWindow) showToday() {
	if !m.browsing() {
		return
	}
	m.current = data.ClientSummary{}
	m.page.life.end() // the client's page is left
	m.list.unselect()
	m.showRight()
	m.today.refresh()
}

// setupStep is one of a new practice's first steps, and where it is done.
type setupStep struct {
	what, where string
	done        bool
	open        func()
	needs       string // a step to do first; "" when none
}

// setupKey keys, per practice file, whether its setup list was hidden.
func setupKey(path string) string { return "setupHidden:" + path }

// setupDevicesKey keys, per practice file, whether Settings › Devices was opened from the list.
func setupDevicesKey(path string) string { return "setupDevicesSeen:" + path }

// setupChecklist is the first day's list on an empty practice's main screen: each step opens the
// place it is done, is ticked once done, and the list goes once all are done or it is hidden.
func (m *mainWindow) setupChecklist() fyne.CanvasObject {
	p := m.setup
	if p.Done() || m.store.ReadOnly() || m.app.Preferences().Bool(setupKey(m.store.Path())) {
		return nil
	}
	passphraseNeeds := ""
	if !p.Practitioner {
		passphraseNeeds = "add a practitioner first, in Settings › Practitioners"
	}
	// The built-in devices are generic: the step is done once the practitioner looked at them.
	devices := p.Device || m.app.Preferences().Bool(setupDevicesKey(m.store.Path()))
	steps := []setupStep{
		{"Clinic details, for the reports' heading", "Settings › Clinic", p.Clinic, func() { m.openSettingsAt("Clinic") }, ""},
		{"You, as the first practitioner", "Settings › Practitioners", p.Practitioner, func() { m.openSettingsAt("Practitioners") }, ""},
		{"Your passphrase, to lock the window", "File › My passphrase…", p.Passphrase, func() { m.lock.changePassphrase(m.refresh) }, passphraseNeeds},
		{"Check your devices and their depths", "Settings › Devices", devices, func() { m.openSettingsAt("Devices") }, ""},
		{"Your products, with their lots", "Settings › Products", p.Product, func() { m.openSettingsAt("Products") }, ""},
	}
	title := widget.NewLabelWithStyle("Set up the practice", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	rows := []fyne.CanvasObject{title}
	for _, st := range steps {
		icon := widget.NewIcon(theme.CheckButtonIcon())
		if st.done {
			icon.SetResource(theme.CheckButtonCheckedIcon())
		}
		label := widget.NewLabel(st.what)
		if st.done {
			label.Importance = widget.LowImportance
		}
		btn := widget.NewButton(st.where, st.open)
		if st.needs != "" {
			btn.Disable()
			label.SetText(st.what + ": " + st.needs)
			label.Wrapping = fyne.TextWrapWord
		}
		rows = append(rows, container.NewBorder(nil, nil, icon, btn, label))
	}
	hide := widget.NewButton("Hide this list", func() {
		m.app.Preferences().SetBool(setupKey(m.store.Path()), true)
		m.showRight()
	})
	hide.Importance = widget.LowImportance
	rows = append(rows, container.NewHBox(layout.NewSpacer(), hide))
	return container.NewVBox(rows...)
}

// openSettingsAt opens Settings at one of its tabs; closing it reads the setup again.
func (m *mainWindow) openSettingsAt(tab string) {
	path := m.store.Path()
	m.settings.show(m.app, m.store, settingsLinks{lock: m.lock, backups: m.backups, changed: m.refreshDay,
		closed: m.refreshDay, disk: func() diskCheck { return m.disk }, notices: m.showNotices, tab: tab,
		connected: m.useServer, useFile: m.useFileAgain, shown: func(tab string) {
			if tab == "Devices" { // the first-day step "Check your devices" is done
				m.app.Preferences().SetBool(setupDevicesKey(path), true)
			}
		}})
}
