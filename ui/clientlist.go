package ui

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
)

// pageSize is how many clients the list fetches at a time; the next page is fetched as the
// practitioner scrolls near the end.
const pageSize = 200

var filterNames = []string{"All", "Due", "Recent", "Archived"}

// clientList is the searchable, filterable list of clients on the left of the main window.
type clientList struct {
	store    *data.Store
	search   *widget.Entry
	filter   *widget.RadioGroup
	list     *widget.List
	count    *widget.Label
	clients  []data.ClientSummary
	more     bool         // another page may follow
	loading  bool         // a next page is being fetched
	queries  atomic.Int64 // the newest query; late answers to older ones are dropped
	selected string       // the selected client's ID
	quiet    bool         // the list is re-selecting after a reload: not a new choice

	onSelect func(data.ClientSummary) // the practitioner picked a client
}

func newClientList(store *data.Store, onSelect func(data.ClientSummary)) *clientList {
	l := &clientList{store: store, onSelect: onSelect}
	l.search = widget.NewEntry()
	l.search.SetPlaceHolder("Find a client: name, phone or email")
	l.search.OnChanged = func(string) { l.refresh() }
	l.search.OnSubmitted = func(string) { l.openFirst() }
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
			return container.New(&rowsLayout{}, name, detail)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := l.clients[i]
			rows := o.(*fyne.Container).Objects
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
	top := container.NewVBox(l.search, l.filter)
	return container.NewBorder(top, l.count, nil, nil, l.list)
}

// clientDetail is the second line of a client's row: what a practitioner looks for at a glance,
// which is when the client was last seen when looking at recent clients, else when they are due.
func clientDetail(c data.ClientSummary, today data.Date, lastSeen bool) string {
	var s string
	switch {
	case lastSeen && !c.LastSession.IsZero():
		s = "Last seen " + formatDate(data.DateOf(c.LastSession))
	case !c.NextDue.IsZero() && !c.NextDue.After(today):
		days := today.DaysSince(c.NextDue)
		if days == 0 {
			s = "Due today"
		} else {
			s = fmt.Sprintf("Overdue %s", plural(days, "day"))
		}
	case !c.NextDue.IsZero():
		s = "Next due " + formatDate(c.NextDue)
	case !c.LastSession.IsZero():
		s = "Last seen " + formatDate(data.DateOf(c.LastSession))
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
	page, err := l.store.ListClients(ctx, l.query())
	if err != nil {
		return err
	}
	l.apply(page)
	return nil
}

func (l *clientList) apply(page []data.ClientSummary) {
	l.clients = page
	l.more = len(page) == pageSize
	l.loading = false
	l.quiet = true
	defer func() { l.quiet = false }()
	l.list.UnselectAll()
	l.list.Refresh()
	l.showCount()
	for i, c := range l.clients {
		if c.ID == l.selected {
			l.list.Select(i)
			break
		}
	}
}

func (l *clientList) showCount() {
	n := plural(len(l.clients), "client")
	if l.more {
		n = fmt.Sprintf("%d+ clients", len(l.clients))
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
	async(func() ([]data.ClientSummary, error) {
		return l.store.ListClients(context.Background(), q)
	}, func(page []data.ClientSummary, err error) {
		if l.queries.Load() != n {
			return
		}
		if err != nil {
			slog.Error("read the client list", "err", err)
			l.count.SetText(errorSentence("read the client list", err))
			return
		}
		l.apply(page)
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
		return l.store.ListClients(context.Background(), q)
	}, func(page []data.ClientSummary, err error) {
		if l.queries.Load() != n {
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
		l.list.Refresh()
		l.showCount()
	})
}

// openFirst opens the first client the search found, so that typing a name and pressing Enter
// opens that client; the list keeps the focus, so Up and Down move on from there.
func (l *clientList) openFirst() {
	if len(l.clients) == 0 {
		return
	}
	l.list.Select(0)
	if c := fyne.CurrentApp().Driver().CanvasForObject(l.list); c != nil {
		c.Focus(l.list)
	}
}

// selectID selects a client by ID once they are in the list, e.g. after adding them.
func (l *clientList) selectID(id string) {
	l.selected = id
	for i, c := range l.clients {
		if c.ID == id {
			l.list.Select(i)
			return
		}
	}
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

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// formatDate shows a day the way the app shows days everywhere: "17 May 2026".
func formatDate(d data.Date) string { return d.Format("2 Jan 2006") }
