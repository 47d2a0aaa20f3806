package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
	"needlelog.app/needlelog/store/sqlite/sqlitetest"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	return sqlitetest.OpenStoreNow(t, nil)
}

func TestEmptyPracticeIsWelcomed(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	m := newMainWindow(a, s)
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	var buttons []string
	walk(m.right, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			buttons = append(buttons, b.Text)
		}
	})
	if !strings.HasSuffix(strings.Join(buttons, ","), "Hide this list,Add your first client,Start from the clinic's bundle…,Explore a demo practice") {
		t.Fatalf("an empty practice is offered %q", buttons)
	}
	if !strings.Contains(m.win.Title(), "practice.db") {
		t.Fatalf("title %q does not say which file is open", m.win.Title())
	}
}

func TestSearchAndSelectAClient(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	for _, c := range []data.Client{
		{FirstName: "Zoë", LastName: "Ångström", Phone: "07700 900123", Allergies: []string{"Nickel"},
			History: []data.HistoryEntry{{Condition: "Pregnancy"}}},
		{FirstName: "Anna", LastName: "Smith"},
		{FirstName: "Анна", LastName: "Иванова"},
	} {
		if err := s.CreateClient(context.Background(), &c); err != nil {
			t.Fatal(err)
		}
	}
	m := newMainWindow(a, s)
	if err := m.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m.list.list.Length() != 3 || m.list.count.Text != "3 clients" {
		t.Fatalf("list shows %d clients, says %q", m.list.list.Length(), m.list.count.Text)
	}

	m.list.search.OnChanged = nil // the test drives update itself rather than the background refresh
	test.Type(m.list.search, "zoe")
	if err := m.list.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m.list.list.Length() != 1 {
		t.Fatalf("search zoe shows %d clients", m.list.list.Length())
	}
	m.list.search.SetText("0770 900")
	if err := m.list.update(context.Background()); err != nil || m.list.list.Length() != 1 {
		t.Fatalf("search by phone shows %d clients (%v)", m.list.list.Length(), err)
	}

	// Enter in the search box opens the client found, with what matters before treating on top.
	m.list.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if m.current.ID != m.list.clients[0].ID || m.page.name.Text != "Zoë Ångström" {
		t.Fatalf("Enter opened %q, the page shows %q", m.current.Name(), m.page.name.Text)
	}
	if !strings.Contains(m.page.profile.Text, "Medical history: Pregnancy") {
		t.Errorf("the profile does not list the medical history: %q", m.page.profile.Text)
	}
	var banner []string
	walk(m.page.banner, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			banner = append(banner, l.Text)
		}
	})
	text := strings.Join(banner, " | ")
	for _, want := range []string{"Allergies: Nickel", "Do not treat: Pregnancy", "No signed treatment consent"} {
		if !strings.Contains(text, want) {
			t.Errorf("banner lacks %q: %s", want, text)
		}
	}
	if !m.page.empty.Visible() {
		t.Error("a client without sessions does not say so")
	}
}

func TestDueFilterListsClientsDue(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	due := data.Client{FirstName: "Due", LastName: "Client"}
	later := data.Client{FirstName: "Later", LastName: "Client"}
	for _, c := range []*data.Client{&due, &later} {
		if err := s.CreateClient(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	today := data.DateOf(s.Now())
	for c, next := range map[string]data.Date{due.ID: today.AddDays(-3), later.ID: today.AddDays(20)} {
		se := data.Session{ClientID: c, StartedAt: s.Now().AddDate(0, 0, -25), NextDue: next, NoSideEffects: true}
		if err := s.CreateSession(context.Background(), &se); err != nil {
			t.Fatal(err)
		}
	}
	m := newMainWindow(a, s)
	m.list.filter.OnChanged = nil
	m.list.filter.SetSelected("Due")
	if err := m.list.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m.list.list.Length() != 1 || m.list.clients[0].ID != due.ID {
		t.Fatalf("due list: %+v", m.list.clients)
	}
	if got := clientDetail(m.list.clients[0], today, false); !strings.HasPrefix(got, "Overdue 3 days") {
		t.Fatalf("due row says %q", got)
	}
	// Among recent clients, a row says when the client was last seen.
	m.list.filter.SetSelected("Recent")
	if err := m.list.update(context.Background()); err != nil {
		t.Fatal(err)
	}
	last := wording.Date(today.AddDays(-25))
	if got := clientDetail(m.list.clients[0], today, true); got != "Last seen "+last {
		t.Fatalf("recent row says %q, want Last seen %s", got, last)
	}
}

func TestNewSessionWithoutAClientSaysWhatToDo(t *testing.T) {
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
	m.newSessionForCurrent()
	top := m.win.Canvas().Overlays().Top()
	if top == nil || m.editor != nil {
		t.Fatal("Ctrl+N with no client chosen neither opened an editor nor said why")
	}
	var text []string
	walk(top, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			text = append(text, l.Text)
		}
	})
	if !strings.Contains(strings.Join(text, " "), "Choose a client first") {
		t.Fatalf("the message says %q", text)
	}
}

func TestArchiveRestoreAndDeleteAClient(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	c := data.Client{FirstName: "Ann", LastName: "Lee"}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	m := newMainWindow(a, s)
	open := func() {
		if err := m.page.update(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		m.current = data.ClientSummary{ID: c.ID}
	}
	open()
	m.archiveClient()
	tapButton(t, m.win, "Archive")
	if err := m.list.update(ctx); err != nil {
		t.Fatal(err)
	}
	if m.list.list.Length() != 0 {
		t.Fatal("an archived client is still listed")
	}
	m.list.filter.OnChanged = nil
	m.list.filter.SetSelected("Archived")
	if err := m.list.update(ctx); err != nil || m.list.list.Length() != 1 {
		t.Fatalf("the Archived filter lists %d (%v)", m.list.list.Length(), err)
	}
	open()
	var restore *widget.Button
	walk(m.page.banner, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Restore" {
			restore = b
		}
	})
	if restore == nil {
		t.Fatal("an archived client's page offers no Restore")
	}
	test.Tap(restore)
	if got, _ := s.Client(ctx, c.ID); !got.ArchivedAt.IsZero() {
		t.Fatal("Restore did not restore")
	}

	// Deleting needs a reason.
	open()
	m.deleteClient()
	tapButton(t, m.win, "Delete for good")
	if _, err := s.Client(ctx, c.ID); err != nil {
		t.Fatal("a client was deleted without a reason")
	}
	for _, o := range m.win.Canvas().Overlays().List() {
		m.win.Canvas().Overlays().Remove(o)
	}
	open()
	m.deleteClient()
	var reason *nlwidget.TextField
	walk(m.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*nlwidget.TextField); ok {
			reason = e
		}
	})
	test.Type(reason, "The client asked for their records to be erased")
	tapButton(t, m.win, "Delete for good")
	if _, err := s.Client(ctx, c.ID); err == nil {
		t.Fatal("the client is still there after a deletion with a reason")
	}
}

func TestMainWindowOpensLockedWhenAPassphraseIsSet(t *testing.T) {
	a := test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	p := data.Practitioner{Name: "Dr. Amara Okafor", Role: data.Role("admin")}
	if err := s.SavePractitioner(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if m := newMainWindow(a, s); m.lock.locked() {
		t.Fatal("a practice without passphrases opens locked")
	}
	if err := s.SetPassphrase(ctx, p.ID, "", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	m := newMainWindow(a, s)
	if !m.lock.locked() || m.signedIn() != "" {
		t.Fatal("a practice with a passphrase opens unlocked")
	}
	// Unlocked, the menu is back with Lock (Ctrl+L) on it, and the practitioner is signed in.
	m.lock.unlock(p)
	found := false
	for _, menu := range m.win.MainMenu().Items {
		for _, it := range menu.Items {
			if it.Label == "Lock" && it.Shortcut != nil && it.Shortcut.ShortcutName() == scLock.ShortcutName() {
				found = true
			}
		}
	}
	if !found || m.signedIn() != p.ID {
		t.Fatalf("after unlocking: Lock item %v, signed in %q", found, m.signedIn())
	}
}
