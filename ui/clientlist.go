package ui

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/wording"
)

// pageSize is how many clients the list fetches at a time; the next page is fetched as the
// practitioner scrolls near the end.
const pageSize = 200

// firstPageSize is how many clients opening reads before the window shows them: enough to fill the
// list on a tall screen, few enough to read at once from a cold disk (each is a page of the file
// of its own). The rest follow as the list scrolls, and the count once the list is shown.
const firstPageSize = 50

var filterNames = []string{"All", "Due", "Recent", "Archived"}

// clientList is the searchable, filterable list of clients on the left of the main window.
type clientList struct {
	store    nlstore.Store
	life     life // ends when the window shows another practice, or the app stops
	search   *searchEntry
	todayBtn *widget.Button
	filter   *widget.RadioGroup
	list     *widget.List
	count    *widget.Label
	clients  []data.ClientSummary
	total    int // how many clients the search and filter find, over all pages
	counts   countCache
	cursor   int  // the row Up and Down in the search box moved to; -1 for none
	more     bool // another page may follow
	// firstRead is told once, when the first page of clients has been read: shown, or said to be
	// unreadable.
	firstRead func()
	loading   bool         // a next page is being fetched
	queries   atomic.Int64 // the newest query; late answers to older ones are dropped
	selected  string       // the selected client's ID
	quiet     bool         // the list is re-selecting after a reload: not a new choice

	onSelect func(data.ClientSummary) // the practitioner picked a client
	onToday  func()                   // the practitioner asked for the day's work
}

// countCache keeps the latest count of a search, so that scrolling and reloads do not count again
// until the practice changes.
type countCache struct {
	mu     sync.Mutex
	key    data.ClientQuery
	writes uint64
	n      int
	ok     bool
}

// countAll returns how many clients q finds in all, counting only when a first page was full.
func (l *clientList) countAll(ctx context.Context, q data.ClientQuery, firstPage int) (int, error) {
	if firstPage < q.Limit {
		return firstPage, nil
	}
	key := q
	key.After, key.Limit = nil, 0
	w := l.store.Writes()
	c := &l.counts
	c.mu.Lock()
	if c.ok && c.key == key && c.writes == w {
		n := c.n
		c.mu.Unlock()
		return n, nil
	}
	c.mu.Unlock()
	n, err := l.store.CountClients(ctx, q)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	c.key, c.writes, c.n, c.ok = key, w, n, true
	c.mu.Unlock()
	return n, nil
}

// searchEntry is the client search box: Down and Up move through the clients found, and Enter
// opens the one moved to (or the first).
type searchEntry struct {
	widget.Entry
	onMove func(step int)
}

func newSearchEntry() *searchEntry {
	e := &searchEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	switch {
	case k.Name == fyne.KeyDown && e.onMove != nil:
		e.onMove(1)
	case k.Name == fyne.KeyUp && e.onMove != nil:
		e.onMove(-1)
	default:
		e.Entry.TypedKey(k)
	}
}

func newClientList(store nlstore.Store, onSelect func(data.ClientSummary)) *clientList {
	l := &clientList{store: store, life: newLife(nil), onSelect: onSelect, cursor: -1}
	l.search = newSearchEntry()
	l.search.SetPlaceHolder("Find: name, phone or email")
	l.search.OnChanged = func(string) { l.refresh() }
	l.search.OnSubmitted = func(string) { l.openFirst() }
	l.search.onMove = l.move
	l.todayBtn = widget.NewButtonWithIcon("Today", theme.HomeIcon(), func() {
		if l.onToday != nil {
			l.onToday()
		}
	})
	l.filter = widget.NewRadioGroup(filterNames, func(string) { l.refresh() })
	l.filter.Horizontal = true
	l.filter.Required = true
	l.filter.Selected = filterNames[0]
	l.count = widget.NewLabel("")
	l.list = widget.NewList(
		func() int { return len(l.clients) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("Client name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("detail")
			detail.Truncation = fyne.TextTruncateEllipsis
			mark := canvas.NewRectangle(theme.Color(theme.ColorNameHover))
			mark.CornerRadius = theme.InputRadiusSize()
			mark.Hide()
			return container.NewStack(mark, container.New(&rowsLayout{}, name, detail))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := l.clients[i]
			parts := o.(*fyne.Container).Objects
			mark := parts[0].(*canvas.Rectangle)
			mark.Hidden = i != l.cursor // the row Down and Up moved to, not yet opened
			mark.FillColor = theme.Color(theme.ColorNameHover)
			mark.Refresh()
			rows := parts[1].(*fyne.Container).Objects
			rows[0].(*widget.Label).SetText(c.Name())
			rows[1].(*widget.Label).SetText(clientDetail(c, data.DateOf(l.store.Now()), l.filter.Selected == "Recent"))
			if i >= len(l.clients)-20 {
				l.loadMore()
			}
		})
	l.list.OnSelected = func(i widget.ListItemID) {
		if l.quiet {
			return
		}
		if i < len(l.clients) {
			l.selected = l.clients[i].ID
			l.onSelect(l.clients[i])
		}
	}
	return l
}

func (l *clientList) content() fyne.CanvasObject {
	top := container.NewVBox(container.NewBorder(nil, nil, l.todayBtn, nil, l.search), l.filter)
	return container.NewBorder(top, l.count, nil, nil, l.list)
}

// clientDetail is the second line of a client's row: what a practitioner looks for at a glance,
// which is when the client was last seen when looking at recent clients, else when they are due.
func clientDetail(c data.ClientSummary, today data.Date, lastSeen bool) string {
	var s string
	switch {
	case lastSeen && !c.LastSession.IsZero():
		s = "Last seen " + wording.Date(data.DateOf(c.LastSession))
	case !c.NextDue.IsZero() && !c.NextDue.After(today):
		days := today.DaysSince(c.NextDue)
		if days == 0 {
			s = "Due today"
		} else {
			s = fmt.Sprintf("Overdue %s", wording.Count(days, "day", "days"))
		}
	case !c.NextDue.IsZero():
		s = "Next due " + wording.Date(c.NextDue)
	case !c.LastSession.IsZero():
		s = "Last seen " + wording.Date(data.DateOf(c.LastSession))
	default:
		s = "No sessions yet"
	}
	if c.Phone != "" {
		s += "  ·  " + c.Phone
	}
	return s
}

func (l *clientList) query() data.ClientQuery {
	q := data.ClientQuery{Text: l.search.Text, Limit: pageSize}
	switch l.filter.Selected {
	case "Due":
		q.Filter = data.DueClients
	case "Recent":
		q.Filter = data.RecentClients
	case "Archived":
		q.Archived = true
	}
	return q
}

// update fetches the first page synchronously; tests call it directly.
func (l *clientList) update(ctx context.Context) error {
	q := l.query()
	page, err := l.store.ListClients(ctx, q)
	if err != nil {
		return err
	}
	n, err := l.countAll(ctx, q, len(page))
	if err != nil {
		return err
	}
	l.apply(listPage{clients: page, total: n, more: len(page) == pageSize})
	return nil
}

// listPage is a first page of clients and how many there are in all.
type listPage struct {
	clients []data.ClientSummary
	total   int  // -1 when not counted yet
	more    bool // another page may follow
}

// readFirstPage reads what a new list shows first (all current clients, no search): their first
// page, and how many there are when that page holds them all. Opening reads it while the window
// is made (openPractice).
func readFirstPage(ctx context.Context, s nlstore.Store) (listPage, error) {
	page, err := s.ListClients(ctx, data.ClientQuery{Limit: firstPageSize})
	if err != nil || len(page) < firstPageSize {
		return listPage{clients: page, total: len(page)}, err
	}
	return listPage{clients: page, total: -1, more: true}, nil
}

// preload shows a first page read before the list was made, if the list still asks for it.
func (l *clientList) preload(p listPage) bool {
	q := l.query()
	if q.Text != "" || q.Filter != data.AllClients || q.Archived {
		return false
	}
	key := q
	key.After, key.Limit = nil, 0
	if p.total >= 0 {
		l.counts.mu.Lock()
		l.counts.key, l.counts.writes, l.counts.n, l.counts.ok = key, l.store.Writes(), p.total, true
		l.counts.mu.Unlock()
	}
	l.apply(p)
	if first := l.firstRead; first != nil {
		l.firstRead = nil
		first()
	}
	if p.total < 0 {
		l.countLater(q)
	}
	return true
}

// countLater counts the clients q finds in the background and shows the count, when the list
// still shows q's clients.
func (l *clientList) countLater(q data.ClientQuery) {
	n := l.queries.Load()
	async(func() (int, error) { return l.countAll(l.life.ctx, q, q.Limit) }, func(total int, err error) {
		if l.queries.Load() != n || l.life.gone(err) {
			return
		}
		if err != nil {
			slog.Error("count the clients", "err", err)
			return
		}
		l.total = max(total, len(l.clients))
		l.showCount()
	})
}

func (l *clientList) apply(p listPage) {
	page := p.clients
	l.clients, l.total, l.cursor = page, max(p.total, len(page)), -1
	l.more = p.more
	l.loading = false
	l.quiet = true
	defer func() { l.quiet = false }()
	l.list.UnselectAll()
	l.list.Refresh()
	if p.total < 0 {
		l.count.SetText("") // counted once the list is shown (countLater)
	} else {
		l.showCount()
	}
	for i, c := range l.clients {
		if c.ID == l.selected {
			l.list.Select(i)
			break
		}
	}
}

func (l *clientList) showCount() {
	n := wording.Thousands(l.total) + " clients"
	if l.total == 1 {
		n = "1 client"
	}
	switch {
	case l.search.Text != "" && len(l.clients) == 0:
		l.count.SetText("No client matches \"" + l.search.Text + "\"")
	case l.filter.Selected == "Due":
		l.count.SetText(n + " due or overdue")
	case l.filter.Selected == "Recent":
		l.count.SetText(n + " seen in the last 30 days")
	case l.filter.Selected == "Archived":
		l.count.SetText(n + " archived")
	default:
		l.count.SetText(n)
	}
}

// refresh fetches the first page in the background for the current search and filter.
func (l *clientList) refresh() {
	n := l.queries.Add(1)
	q := l.query()
	ctx := l.life.ctx
	async(func() (listPage, error) {
		page, err := l.store.ListClients(ctx, q)
		if err != nil {
			return listPage{}, err
		}
		total, err := l.countAll(ctx, q, len(page))
		return listPage{clients: page, total: total, more: len(page) == pageSize}, err
	}, func(page listPage, err error) {
		if l.queries.Load() != n || l.life.gone(err) {
			return
		}
		if first := l.firstRead; first != nil {
			l.firstRead = nil
			defer first()
		}
		if err != nil {
			slog.Error("read the client list", "err", err)
			l.count.SetText(errorSentence("read the client list", err))
			return
		}
		l.apply(page)
	})
}

// reload reads the list again as it is searched and filtered, after a change made elsewhere: as
// many clients as it holds now, the same one chosen, scrolled where it was.
func (l *clientList) reload() {
	n := l.queries.Add(1)
	q := l.query()
	q.Limit = max(pageSize, len(l.clients))
	l.counts.mu.Lock()
	l.counts.ok = false // the count follows this store's writes, not another PC's
	l.counts.mu.Unlock()
	ctx := l.life.ctx
	async(func() (listPage, error) {
		page, err := l.store.ListClients(ctx, q)
		if err != nil {
			return listPage{}, err
		}
		total, err := l.countAll(ctx, q, len(page))
		return listPage{clients: page, total: total, more: len(page) == q.Limit}, err
	}, func(page listPage, err error) {
		if l.queries.Load() != n || l.life.gone(err) {
			return
		}
		if err != nil {
			slog.Error("read the client list again", "err", err)
			return // the list shown stays; the next change reads it again
		}
		offset := l.list.GetScrollOffset()
		l.apply(page)
		l.list.ScrollToOffset(offset)
	})
}

// loadMore fetches the next page when the practitioner scrolls near the end.
func (l *clientList) loadMore() {
	if !l.more || l.loading || len(l.clients) == 0 {
		return
	}
	l.loading = true
	n := l.queries.Load()
	q := l.query()
	q.After = &l.clients[len(l.clients)-1]
	async(func() ([]data.ClientSummary, error) {
		return l.store.ListClients(l.life.ctx, q)
	}, func(page []data.ClientSummary, err error) {
		if l.queries.Load() != n || l.life.gone(err) {
			return
		}
		l.loading = false
		if err != nil {
			l.more = false
			slog.Error("read more clients", "err", err)
			l.count.SetText(errorSentence("read more clients", err))
			return
		}
		l.clients = append(l.clients, page...)
		l.more = len(page) == pageSize
		l.total = max(l.total, len(l.clients))
		l.list.Refresh()
		l.showCount()
	})
}

// openFirst opens the client moved to with Down and Up, or else the first the search found, so
// that typing a name and pressing Enter opens that client; the list takes the focus, so Up and
// Down move on from there.
func (l *clientList) openFirst() {
	if len(l.clients) == 0 {
		return
	}
	i := 0
	if l.cursor >= 0 && l.cursor < len(l.clients) {
		i = l.cursor
	}
	l.cursor = -1
	l.selected = l.clients[i].ID
	l.quiet = true
	l.list.Select(i)
	l.quiet = false
	l.list.Refresh()
	l.onSelect(l.clients[i]) // also when the row was already selected: Enter opens it
	if c := fyne.CurrentApp().Driver().CanvasForObject(l.list); c != nil {
		c.Focus(l.list)
	}
}

// move marks the next or previous client found, from the search box: the row is highlighted
// and scrolled to, not opened (a page per keystroke would flicker and load for nothing), so that
// the search keeps its text and the page in front stays until Enter.
func (l *clientList) move(step int) {
	if len(l.clients) == 0 {
		return
	}
	i := l.cursor
	if i < 0 {
		i = -1
		if step < 0 {
			i = 0
		}
		for k, c := range l.clients {
			if c.ID == l.selected {
				i = k
			}
		}
	}
	l.cursor = min(max(i+step, 0), len(l.clients)-1)
	l.list.RefreshItem(max(l.cursor-step, 0))
	l.list.RefreshItem(l.cursor)
	l.list.ScrollTo(l.cursor)
}

// selectID selects a client by ID once they are in the list, e.g. after adding them; it reports
// whether they were in the list.
func (l *clientList) selectID(id string) bool {
	l.selected = id
	for i, c := range l.clients {
		if c.ID == id {
			l.list.Select(i)
			return true
		}
	}
	return false
}

// unselect leaves no client chosen.
func (l *clientList) unselect() {
	l.selected, l.cursor = "", -1
	l.quiet = true
	l.list.UnselectAll()
	l.quiet = false
	l.list.Refresh()
}

// newTwoLineList is a list whose rows are a bold line and a detail line, each cut short with an
// ellipsis rather than widening the list: lines says row i's.
func newTwoLineList(length func() int, lines func(i int) (title, detail string)) *widget.List {
	return widget.NewList(length,
		func() fyne.CanvasObject {
			title := boldLabel("Client name")
			title.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("detail")
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.New(&rowsLayout{}, title, detail)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			title, detail := lines(i)
			parts := o.(*fyne.Container).Objects
			parts[0].(*widget.Label).SetText(title)
			parts[1].(*widget.Label).SetText(detail)
		})
}

// rowsLayout stacks a list row's lines with no padding between them, so rows stay compact.
type rowsLayout struct{}

func (rowsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height * 0.8
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
		y += h
	}
}

func (rowsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w = max(w, m.Width)
		h += m.Height * 0.8
	}
	return fyne.NewSize(w, h+objs[len(objs)-1].MinSize().Height*0.2)
}
