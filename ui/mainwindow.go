// Package ui holds Needlelog's Fyne screens. It reaches records only through the data package's
// typed API, and does database work off the UI goroutine.
package ui

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/assets"
	"needlelog.app/needlelog/data"
)

// AppID identifies the app to the OS and keys its preferences.
const AppID = "app.needlelog.desktop"

var appIcon = fyne.NewStaticResource("needlelog.png", assets.IconPNG)

// MainWindow lists the practice's clients with a search box, and says which database is open.
type MainWindow struct {
	win     fyne.Window
	store   *data.Store
	search  *widget.Entry
	list    *widget.List
	status  *widget.Label
	clients []data.ClientSummary
	queries atomic.Int64 // the newest search; older results arriving late are dropped
}

// mainState is what the window shows, fetched in one go.
type mainState struct {
	clients []data.ClientSummary
	counts  map[string]int64
}

// NewMainWindow builds the main window for an open store and starts loading its clients.
func NewMainWindow(a fyne.App, s *data.Store) fyne.Window {
	a.SetIcon(appIcon)
	m := newMainWindow(a, s)
	m.refresh()
	return m.win
}

func newMainWindow(a fyne.App, s *data.Store) *MainWindow {
	m := &MainWindow{win: a.NewWindow("Needlelog — " + filepath.Base(s.Path())), store: s}
	m.search = widget.NewEntry()
	m.search.SetPlaceHolder("Find a client by name, phone or email")
	m.search.OnChanged = func(string) { m.refresh() }
	m.list = widget.NewList(
		func() int { return len(m.clients) },
		func() fyne.CanvasObject { return widget.NewLabel("Client name") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := m.clients[i]
			text := c.Name()
			if c.Phone != "" {
				text += "  ·  " + c.Phone
			}
			o.(*widget.Label).SetText(text)
		})
	m.status = widget.NewLabel("Opening " + s.Path() + "…")
	m.status.Truncation = fyne.TextTruncateEllipsis
	m.win.SetContent(container.NewBorder(m.search, m.status, nil, nil, m.list))
	m.win.Resize(fyne.NewSize(1000, 700))
	return m
}

// load fetches what the window shows for a search text. It runs off the UI goroutine.
func (m *MainWindow) load(ctx context.Context, text string) (mainState, error) {
	var st mainState
	var err error
	if st.clients, err = m.store.ListClients(ctx, data.ClientQuery{Text: text, Limit: 500}); err != nil {
		return st, err
	}
	if st.counts, err = m.store.Counts(ctx); err != nil {
		return st, err
	}
	return st, nil
}

// apply shows a loaded state. It runs on the UI goroutine.
func (m *MainWindow) apply(st mainState) {
	m.clients = st.clients
	m.list.Refresh()
	m.status.SetText(fmt.Sprintf("%s  ·  %d clients, %d sessions", m.store.Path(),
		st.counts["clients"], st.counts["sessions"]))
}

// update loads and applies synchronously; tests call it directly.
func (m *MainWindow) update(ctx context.Context) error {
	st, err := m.load(ctx, m.search.Text)
	if err != nil {
		return err
	}
	m.apply(st)
	return nil
}

// refresh reloads in the background for the current search text.
func (m *MainWindow) refresh() {
	n := m.queries.Add(1)
	text := m.search.Text
	go func() {
		st, err := m.load(context.Background(), text)
		fyne.Do(func() {
			if m.queries.Load() != n {
				return
			}
			if err != nil {
				slog.Error("load clients", "err", err)
				m.status.SetText("Could not read the client list: " + err.Error())
				return
			}
			m.apply(st)
		})
	}()
}

// ShowStartupError shows why the app could not open its database, with a way out.
func ShowStartupError(a fyne.App, msg string) {
	a.SetIcon(appIcon)
	w := a.NewWindow("Needlelog")
	text := widget.NewLabel("Needlelog could not open its database.\n\n" + msg)
	text.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil, container.NewHBox(widget.NewButton("Quit", a.Quit)), nil, nil, text))
	w.Resize(fyne.NewSize(560, 240))
	w.Show()
}
