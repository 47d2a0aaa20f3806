package ui

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	nlstore "needlelog.app/needlelog/store"
)

// A practice on the clinic's server is shared by several PCs: the store says when records change
// (store.Watcher), and the window reads again what it shows of them, keeping the client chosen and
// where the lists are scrolled to, and leaving a form being typed in as it is.

// serverLostText is the bar shown while the clinic's server cannot be reached.
const serverLostText = "The clinic's server cannot be reached; trying again… Nothing you typed is lost."

// liveDelay gathers the changes said within it into one reading: a PC saving a session says
// several. Tests set it to 0, which reads at once.
var liveDelay = 300 * time.Millisecond

// liveWatcher is where a window hears of the practice's changes: its store's own. Tests hear of
// none unless they say them (openedPractice.watcher): the server's, said on a goroutine of their
// own, would reach a window the test is driving, which the test driver does not keep apart.
var liveWatcher = watcherOf

// liveChanges is what changed since the window last read it again.
type liveChanges struct {
	due     bool            // a reading is scheduled
	all     bool            // everything
	list    bool            // the client list and the day's work
	clients map[string]bool // the client pages
}

// watchLive follows the changes to practice p, while it is shown, when its store says them.
func (m *mainWindow) watchLive(p *openedPractice) {
	w := p.watcher
	if w == nil {
		w = liveWatcher(p.store)
	}
	if w == nil {
		return
	}
	ctx := m.life.ctx
	go func() {
		err := w.Watch(ctx, func(c nlstore.Change) {
			fyne.Do(func() {
				if m.openedPractice == p && ctx.Err() == nil {
					m.changedElsewhere(c)
				}
			})
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			slog.Error("follow the changes made on other PCs", "err", err)
		}
	}()
}

// changedElsewhere takes one change said by the store, on the UI goroutine.
func (m *mainWindow) changedElsewhere(c nlstore.Change) {
	if c.Lost {
		if !m.serverLost {
			m.serverLost = true
			m.showNotices()
		}
		return
	}
	ch := &m.live
	switch {
	case c.All:
		ch.all = true
		if m.serverLost {
			m.serverLost = false
			m.showNotices()
		}
		if m.serverBackups != nil {
			m.serverBackups.again(m.life.ctx) // a backup may have been recorded meanwhile
		}
	case c.Kind == "client", c.Kind == "session", c.Kind == "photo", c.Kind == "draft":
		ch.list = true
		if c.ClientID != "" {
			if ch.clients == nil {
				ch.clients = map[string]bool{}
			}
			ch.clients[c.ClientID] = true
		}
	case c.Kind == "setting":
		// A backup recorded by needlelog backup on another PC is a setting: the status line says
		// it. The rest of the settings the window reads as it uses them.
		m.readServerBackup()
		return
	default: // lists: what the window shows of them is read as it is used
		return
	}
	if ch.due {
		return
	}
	ch.due = true
	if liveDelay == 0 {
		m.readChanges()
		return
	}
	p := m.openedPractice
	time.AfterFunc(liveDelay, func() {
		fyne.Do(func() {
			if m.openedPractice == p {
				m.readChanges()
			}
		})
	})
}

// readChanges reads again what changed of what the window shows.
func (m *mainWindow) readChanges() {
	ch := m.live
	m.live = liveChanges{}
	if !ch.all && !ch.list {
		return
	}
	m.list.reload()
	m.refreshRest()
	if m.current.ID != "" && (ch.all || ch.clients[m.current.ID]) && m.editor == nil {
		// The page under a dialog (a profile being edited) is read again; the dialog is left as
		// it is. A session being typed is never replaced: its page is read as it closes.
		m.showClient(m.current)
	}
}

// readServerBackup reads again the latest backup recorded on the server, off the UI goroutine;
// the status line follows once read.
func (m *mainWindow) readServerBackup() {
	if m.serverBackups != nil {
		m.serverBackups.loadLater(m.life.ctx)
	}
}

// serverLostRow is the notice row of a server that cannot be reached.
func serverLostRow() fyne.CanvasObject { return noticeRow(theme.WarningIcon(), serverLostText, nil) }
