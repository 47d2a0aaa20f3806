package ui

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
)

// dueClient adds a client whose one session plans their next visit dueIn days from today.
func dueClient(t *testing.T, s *sqlite.Store, first string, dueIn int, effect bool) data.Client {
	t.Helper()
	ctx := context.Background()
	c := data.Client{FirstName: first, LastName: "Client", Phone: "07700 900" + fmt.Sprintf("%03d", dueIn+400)}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	today := data.DateOf(s.Now())
	se := data.Session{ClientID: c.ID, StartedAt: s.Now().Add(-time.Hour), NoSideEffects: !effect, NextDue: today.AddDays(dueIn)}
	if dueIn < 0 {
		se.StartedAt = today.AddDays(dueIn - 28).Start().Add(10 * time.Hour)
	}
	if effect {
		se.SideEffects = []data.SideEffect{{Kind: "Erythema", Severity: data.SeverityMild, Onset: data.DateOf(se.StartedAt)}}
	}
	if err := s.CreateSession(ctx, &se); err != nil {
		t.Fatalf("session of %s: %v", first, err)
	}
	return c
}

func rowTexts(l *todayList) []string {
	var out []string
	for _, r := range l.rows {
		out = append(out, r.title+" | "+r.detail)
	}
	return out
}

// capture writes what the window shows to a PNG under /tmp, to look at.
func capture(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	if os.Getenv("NEEDLELOG_SHOTS") == "" {
		return
	}
	f, err := os.Create("/tmp/today/" + name + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// With no client open, the main window shows the day's work: this week in date order, the
// overdue as their own group, most recent first, the loose ends, with counts on the tabs.
func TestTodayShowsTheWeekAndOpensWhatItNames(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	dueClient(t, s, "Saturday", 5, false)
	dueClient(t, s, "Tomorrow", 1, false)
	dueClient(t, s, "LongAgo", -356, true)
	today := dueClient(t, s, "Today", 0, false)
	dueClient(t, s, "Yesterday", -1, false)
	dueClient(t, s, "NextWeek", 9, false)
	draft := data.Draft{ClientID: today.ID, Form: []byte(`{}`)}
	if err := s.SaveDraft(ctx, &draft); err != nil {
		t.Fatal(err)
	}

	m := newMainWindow(a, s)
	m.win.Resize(fyne.NewSize(1280, 800))
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	capture(t, m.win, "today-test")
	shown := false
	walk(m.right, func(o fyne.CanvasObject) { shown = shown || o == m.today.tabs })
	if !shown {
		t.Fatal("with no client open, the window does not show the day's work")
	}
	var tabs []string
	for _, it := range m.today.tabs.Items {
		tabs = append(tabs, it.Text)
	}
	if got := strings.Join(tabs, ", "); got != "Due this week (3), Overdue (2), Unsigned (6), Side effects (1), Open forms (1)" {
		t.Errorf("tabs say %q", got)
	}
	due := rowTexts(m.today.lists[tabDue])
	if len(due) != 3 || !strings.HasPrefix(due[0], "Today Client | Due today") ||
		!strings.HasPrefix(due[1], "Tomorrow Client | Due tomorrow") || !strings.HasPrefix(due[2], "Saturday Client | Due ") {
		t.Errorf("due this week: %q", due)
	}
	overdue := rowTexts(m.today.lists[tabOverdue])
	if len(overdue) != 2 || !strings.HasPrefix(overdue[0], "Yesterday Client | Overdue 1 day") ||
		!strings.HasPrefix(overdue[1], "LongAgo Client | Overdue 356 days") {
		t.Errorf("overdue, most recent first: %q", overdue)
	}
	if fx := rowTexts(m.today.lists[tabSideEffects]); len(fx) != 1 || !strings.Contains(fx[0], "Erythema, mild") {
		t.Errorf("side effects awaiting follow-up: %q", fx)
	}

	// A row opens what it names: the client's page...
	m.today.lists[tabDue].list.Select(1)
	if m.current.ID == "" || m.page.name.Text != "Tomorrow Client" {
		t.Fatalf("the row for Tomorrow opened %q", m.page.name.Text)
	}
	// ...the Today button goes back to the day's work...
	test.Tap(m.list.todayBtn)
	if m.current.ID != "" || m.list.selected != "" {
		t.Fatalf("Today left %q open", m.current.Name())
	}
	// ...and the open session form opens in the editor, over its client's page.
	m.today.lists[tabDrafts].list.Select(0)
	if m.editor == nil || m.current.ID != today.ID {
		t.Fatalf("the open form's row did not open it in the editor (client %q)", m.current.ID)
	}
}

// An empty practice's main screen lists the first day's steps, each opening where it is done,
// ticked once done, and gone once hidden.
func TestAnEmptyPracticeIsGuidedThroughItsSetup(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	m := newMainWindow(a, s)
	m.win.Resize(fyne.NewSize(1280, 800))
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	capture(t, m.win, "setup-test")
	steps := func() map[string]bool { return setupSteps(m) }
	got := steps()
	for _, place := range []string{"Settings › Clinic", "Settings › Practitioners", "File › My passphrase…", "Settings › Devices", "Settings › Products"} {
		if ticked, ok := got[place]; !ok || ticked {
			t.Errorf("step at %q: listed %v, ticked %v", place, ok, ticked)
		}
	}

	// A step's button opens Settings at its tab.
	test.Tap(findButton(t, m.right, "Settings › Devices"))
	if m.settings.open == nil || m.settings.open.tabs.Selected().Text != "Devices" {
		t.Fatal("Settings › Devices did not open Settings at Devices")
	}
	if err := s.SetSetting(ctx, data.SettingClinicName, "Skin Studio"); err != nil {
		t.Fatal(err)
	}
	m.settings.open.win.Close() // closing Settings reads the steps again
	if got := steps(); !got["Settings › Clinic"] || !got["Settings › Devices"] {
		t.Fatalf("after the clinic's name was saved and the devices looked at: %v", got)
	}

	test.Tap(findButton(t, m.right, "Hide this list"))
	if got := steps(); len(got) != 0 {
		t.Fatalf("a hidden list still shows %v", got)
	}
	if findButton(t, m.right, "Add your first client") == nil {
		t.Fatal("hiding the list hid the welcome")
	}
}

func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button", text)
	}
	return found
}

// The client list says how many clients there are, past its first page.
func TestTheClientCountIsTheWholeCount(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	err := s.Batch(ctx, func(b nlstore.Batch) error {
		for i := range pageSize + 5 {
			c := data.Client{FirstName: "Anna", LastName: fmt.Sprintf("Number %d", i)}
			if err := b.CreateClient(&c); err != nil {
				return err
			}
		}
		c := data.Client{FirstName: "Bo", LastName: "Berg"}
		return b.CreateClient(&c)
	})
	if err != nil {
		t.Fatal(err)
	}
	m := newMainWindow(a, s)
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	if m.list.count.Text != "206 clients" {
		t.Errorf("the list of 206 clients says %q", m.list.count.Text)
	}
	m.list.search.SetText("anna")
	if err := m.list.update(ctx); err != nil || m.list.count.Text != "205 clients" {
		t.Errorf("a search finding 205 says %q (%v)", m.list.count.Text, err)
	}
	if err := s.CreateClient(ctx, &data.Client{FirstName: "Anna", LastName: "Late"}); err != nil {
		t.Fatal(err)
	}
	if err := m.list.update(ctx); err != nil || m.list.count.Text != "206 clients" {
		t.Errorf("after one more Anna the count says %q (%v)", m.list.count.Text, err)
	}
}

// Down and Up in the search box move through the clients found; Enter opens the one moved to.
func TestSearchKeysMoveThroughTheClientsFound(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	for _, n := range []string{"Anna Able", "Anna Baker", "Anna Cole", "Bo Berg"} {
		f, l, _ := strings.Cut(n, " ")
		if err := s.CreateClient(context.Background(), &data.Client{FirstName: f, LastName: l}); err != nil {
			t.Fatal(err)
		}
	}
	m := newMainWindow(a, s)
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.win.Canvas().Focus(m.list.search)
	test.Type(m.list.search, "anna")
	key := func(k fyne.KeyName) { m.list.search.TypedKey(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	key(fyne.KeyUp)
	if m.current.ID != "" {
		t.Fatalf("moving through the clients found opened %q", m.current.Name())
	}
	if m.list.search.Text != "anna" {
		t.Fatalf("after Down, Down, Down, Up the search says %q", m.list.search.Text)
	}
	key(fyne.KeyReturn)
	if m.page.name.Text != "Anna Baker" {
		t.Fatalf("Enter opened %q, want the client moved to", m.page.name.Text)
	}
	// From the open client, Down moves on to the next one found.
	m.win.Canvas().Focus(m.list.search)
	key(fyne.KeyDown)
	key(fyne.KeyReturn)
	if m.page.name.Text != "Anna Cole" {
		t.Fatalf("Down and Enter from Anna Baker opened %q", m.page.name.Text)
	}
}

// The status line's "Backed up just now" is worded again as time passes.
func TestTheStatusLineKeepsTime(t *testing.T) {
	m, _ := backupWindow(t)
	if _, err := m.backups.backUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	taken := m.backups.current().latest.Taken
	m.now = func() time.Time { return taken.Add(10 * time.Second) }
	m.showNotices()
	if !strings.HasPrefix(m.status.Text, "Backed up just now (") {
		t.Fatalf("status line %q", m.status.Text)
	}
	m.now = func() time.Time { return taken.Add(10 * time.Minute) }
	m.tick()
	if want := "Backed up " + humanTime(taken, m.now()) + " ("; !strings.HasPrefix(m.status.Text, want) || strings.Contains(want, "just now") {
		t.Fatalf("ten minutes later the status line says %q, want %q", m.status.Text, want)
	}
	// Four days on, the old backup gains its notice.
	m.now = func() time.Time { return taken.Add(4 * 24 * time.Hour) }
	m.tick()
	if got := noticesText(m); !strings.Contains(got, "back up now") {
		t.Fatalf("four days later the notices say %q", got)
	}
}

// The window's clock runs fn on the UI goroutine until it is stopped.
func TestRepeatTicksUntilStopped(t *testing.T) {
	test.NewTempApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	ticks := make(chan struct{}, 10)
	done := make(chan struct{})
	go func() { repeat(ctx, time.Millisecond, func() { ticks <- struct{}{} }); close(done) }()
	for range 3 {
		select {
		case <-ticks:
		case <-time.After(5 * time.Second):
			t.Fatal("the clock did not tick")
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the clock did not stop")
	}
}

// A busy week is read a page at a time as the list is scrolled, through all of it.
func TestABusyWeekScrollsOnPastItsFirstPage(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	today := data.DateOf(s.Now())
	n := data.TodayLimit + 5
	err := s.Batch(ctx, func(b nlstore.Batch) error {
		for i := range n {
			c := data.Client{FirstName: "Client", LastName: fmt.Sprintf("%03d", i)}
			if err := b.CreateClient(&c); err != nil {
				return err
			}
			se := data.Session{ClientID: c.ID, StartedAt: s.Now().Add(-time.Hour), NoSideEffects: true, NextDue: today.AddDays(i % 7)}
			if err := b.CreateSession(&se); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m := newMainWindow(a, s)
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	due := m.today.lists[tabDue]
	if len(due.rows) != data.TodayLimit || !strings.Contains(due.note.Text, fmt.Sprintf("Showing %d of %d", data.TodayLimit, n)) {
		t.Fatalf("first page: %d rows, note %q", len(due.rows), due.note.Text)
	}
	m.today.moreDue()
	if len(due.rows) != n || due.note.Text != "" {
		t.Fatalf("after scrolling: %d rows of %d, note %q", len(due.rows), n, due.note.Text)
	}
	last := ""
	for i, c := range m.today.loaded.Due {
		key := c.NextDue.String() + c.LastName
		if key < last {
			t.Fatalf("row %d (%s) comes after %s: not in date order", i, key, last)
		}
		last = key
	}
}

// Every "do this first" message names the place where it is done.
func TestFirstDoThisMessagesSayWhere(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	c := data.Client{FirstName: "Ann", LastName: "Lee"}
	if err := s.CreateClient(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	m := newMainWindow(a, s)
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	said := func() string {
		top := m.win.Canvas().Overlays().Top()
		if top == nil {
			return ""
		}
		var text []string
		walk(top, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok {
				text = append(text, l.Text)
			}
		})
		m.win.Canvas().Overlays().Remove(top)
		return strings.Join(text, " ")
	}
	for name, act := range map[string]func(){
		"new session":    m.newSessionForCurrent,
		"archive":        m.archiveClient,
		"history PDF":    func() { m.clientInFront() },
		"dropped photos": func() { m.offerDropped([]string{"/tmp/x.jpg"}) },
	} {
		act()
		got := said()
		if !strings.Contains(got, "client list on the left") && !strings.Contains(got, " › ") {
			t.Errorf("%s without a client says %q: not where", name, got)
		}
	}
	m.list.selectID(c.ID)
	m.exportForSession(exportSessionPDF)
	if got := said(); !strings.Contains(got, "Session › New session") {
		t.Errorf("a session PDF of a client with no session says %q: not where to start one", got)
	}
}

// An unsigned session's row opens that session in the editor; a side effect's row opens its
// session's follow-up form over the client's page.
func TestLooseEndsOpenWhatTheyName(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	c := dueClient(t, s, "Effect", 3, true)
	m := newMainWindow(a, s)
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	fx := m.today.lists[tabSideEffects]
	if len(fx.rows) != 1 {
		t.Fatalf("side effects awaiting follow-up: %q", rowTexts(fx))
	}
	fx.list.Select(0)
	top := m.win.Canvas().Overlays().Top()
	if m.current.ID != c.ID || top == nil {
		t.Fatalf("the side effect's row opened client %q, dialog %v", m.current.ID, top)
	}
	m.win.Canvas().Overlays().Remove(top)

	m.showToday()
	unsigned := m.today.lists[tabUnsigned]
	tl, _ := s.Timeline(ctx, c.ID)
	if len(unsigned.rows) != 1 || len(tl) != 1 {
		t.Fatalf("unsigned: %q", rowTexts(unsigned))
	}
	unsigned.list.Select(0)
	if m.editor == nil || m.editor.base.ID != tl[0].SessionID || m.current.ID != c.ID {
		t.Fatal("the unsigned session's row did not open it in the editor")
	}
}

// setupStep finds the first-day list's step done at place: its tick, and its button.
func setupStepAt(m *mainWindow, place string) (ticked bool, btn *widget.Button) {
	walk(m.right, func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) != 3 {
			return
		}
		_, isLabel := c.Objects[0].(*widget.Label)
		icon, _ := c.Objects[1].(*widget.Icon)
		b, _ := c.Objects[2].(*widget.Button)
		if isLabel && icon != nil && b != nil && b.Text == place {
			ticked, btn = strings.Contains(icon.Resource.Name(), "checked"), b
		}
	})
	return ticked, btn
}

// setupSteps gives each step of the first-day list by its place, and whether it is ticked.
func setupSteps(m *mainWindow) map[string]bool {
	out := map[string]bool{}
	for _, place := range []string{"Settings › Clinic", "Settings › Practitioners", "File › My passphrase…", "Settings › Devices", "Settings › Products"} {
		if ticked, btn := setupStepAt(m, place); btn != nil {
			out[place] = ticked
		}
	}
	return out
}

// The list follows the practitioner's steps as they are taken, not only once Settings closes.
func TestTheFirstDayListTicksEachStepAsItIsTaken(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	m := newMainWindow(a, s)
	m.win.Resize(fyne.NewSize(1280, 800))
	if err := m.update(ctx); err != nil {
		t.Fatal(err)
	}
	if _, btn := setupStepAt(m, "File › My passphrase…"); btn == nil || !btn.Disabled() {
		t.Fatal("the passphrase step is offered before there is a practitioner")
	}
	test.Tap(findButton(t, m.right, "Settings › Practitioners"))
	st := m.settings.open
	if st == nil {
		t.Fatal("Settings did not open")
	}
	st.practitioners.name.SetText("Sarah Jones")
	test.Tap(st.practitioners.ed.saveBtn)
	st.wait()
	// Settings is still open: the list has read the new practitioner all the same.
	if ticked, btn := setupStepAt(m, "Settings › Practitioners"); !ticked || btn == nil {
		t.Fatalf("after the first practitioner was saved the step is not ticked: %v", setupSteps(m))
	}
	if _, btn := setupStepAt(m, "File › My passphrase…"); btn == nil || btn.Disabled() {
		t.Fatal("after the first practitioner was saved the passphrase step is still greyed out")
	}
	if len(st.practitioners.ed.items) != 1 {
		t.Fatalf("practitioners saved: %v", st.practitioners.ed.items)
	}
	st.win.Close()

	// The passphrase is set at the lock screen, which the step opens while no one has one.
	p := st.practitioners.ed.items[0]
	test.Tap(findButton(t, m.right, "File › My passphrase…"))
	if !m.lock.locked() {
		t.Fatal("the passphrase step did not show the lock screen, where the passphrase is set")
	}
	if err := s.SetPassphrase(ctx, p.ID, "", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	m.lock.unlock(p)
	if ticked, _ := setupStepAt(m, "File › My passphrase…"); !ticked {
		t.Fatalf("after the passphrase was set the step is not ticked: %v", setupSteps(m))
	}
}

// A day with nothing to do says so at the top of the pane, where the eye is, not at its foot.
func TestAnEmptyDaySaysSoAtTheTop(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	newTestClient(t, s) // a practice that has begun: the Today view, not the welcome
	m := newMainWindow(a, s)
	m.win.Resize(fyne.NewSize(1280, 800))
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	capture(t, m.win, "today-empty")
	var said *widget.Label
	walkVisible(m.today.content, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == "No one is due this week." {
			said = l
		}
	})
	if said == nil {
		t.Fatal("the empty Due tab does not say that no one is due")
	}
	top := fyne.CurrentApp().Driver().AbsolutePositionForObject(said).Y
	if h := m.win.Canvas().Size().Height; top > h/4 {
		t.Fatalf("the empty Due tab says so %v down a window %v high", top, h)
	}
}

// The draft a session opens with, from Today's rows and from the client's page alike: the one
// named, else the one kept of that session; never the draft of another (new) session.
func TestDraftKeptForTheSessionOpened(t *testing.T) {
	drafts := []data.Draft{{ID: "d1", SessionID: ""}, {ID: "d2", SessionID: "s2"}, {ID: "d3", SessionID: "s3"}}
	for _, tc := range []struct{ sessionID, draftID, want string }{
		{"s2", "", "d2"},
		{"s3", "", "d3"},
		{"", "d1", "d1"},   // a new session's open form, named from Today
		{"s2", "d3", "d3"}, // the named draft wins
		{"", "", ""},       // a new session: not some other new session's draft
		{"s9", "", ""},
		{"s2", "gone", ""}, // named but saved or discarded since: not the session's other draft
	} {
		got := ""
		if d := keptDraft(drafts, tc.sessionID, tc.draftID); d != nil {
			got = d.ID
		}
		if got != tc.want {
			t.Errorf("session %q, draft %q: opens with %q, want %q", tc.sessionID, tc.draftID, got, tc.want)
		}
	}
}
