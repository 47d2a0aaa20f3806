package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	ondisk "needlelog.app/needlelog/practice"
)

// showNotices puts what the practitioner should know about the open file across the top of the
// window (opened read-only, kept in a risky folder or on a drive not encrypted, restored, not
// backed up lately) and the latest backup at the bottom.
func (m *mainWindow) showNotices() {
	var rows []fyne.CanvasObject
	if m.serverLost {
		rows = append(rows, serverLostRow())
	}
	if m.notice != "" {
		rows = append(rows, noticeRow(theme.InfoIcon(), m.notice, widget.NewButton("Dismiss", func() {
			m.notice = ""
			m.showNotices()
		})))
	}
	if m.store.ReadOnly() {
		var retry *widget.Button
		if m.canRetryWrite {
			retry = widget.NewButton("Open for writing", func() { m.switchDatabase(m.store.Path(), false) })
		}
		if to := m.movedTo; to != "" {
			label := "Open the moved practice"
			if ondisk.IsServer(to) {
				label = "Connect to the clinic's server…"
			}
			retry = widget.NewButton(label, func() {
				openMoved(m.app, m.win, to, m.switchTo, func() {}, "Cancel", func() {})
			})
		}
		rows = append(rows, noticeRow(theme.WarningIcon(), "Open read-only: records can be read and exported here, but not changed. "+m.readOnlyWhy, retry))
	}
	if m.location != "" {
		rows = append(rows, noticeRow(theme.WarningIcon(), m.location, nil))
	}
	if disk := m.diskNotice(); disk != nil {
		rows = append(rows, disk)
	}
	rows = append(rows, m.photoNotices()...)
	if c := m.conflictNotice(); c != nil {
		rows = append(rows, c)
	}
	text, warn := m.backupLine()
	if warn && m.backups == nil {
		rows = append(rows, noticeRow(theme.WarningIcon(), text, nil)) // a server's: made on one PC, not here
	} else if warn && !m.store.ReadOnly() {
		rows = append(rows, noticeRow(theme.WarningIcon(), text, widget.NewButton("Back up now", m.backUpNow)))
	}
	m.statusWarn = warn
	m.notices.Objects = rows
	m.notices.Refresh()
	// The notices' height changed: the frame around them must lay its parts out again, or the
	// body keeps its old place under them. Only the layout: refreshing it would redraw the body.
	m.frame.Layout.Layout(m.frame.Objects, m.frame.Size())
	m.status.SetText(text)
}

// backupLine words the practice's latest backup for the status line, and says whether it needs
// the practitioner's attention. A server practice is backed up on one PC by needlelog backup,
// which records it on the server: until that record is read, the line says where the practice is.
func (m *mainWindow) backupLine() (text string, warn bool) {
	if m.backups == nil {
		if m.serverBackups != nil {
			if text, warn, ok := m.serverBackups.summary(m.now()); ok {
				return text, warn
			}
		}
		return "On the clinic's server " + serverPlace(m.store.Path()), false
	}
	return backupSummary(m.backups.current(), m.now())
}

// noticeRow is one notice: an icon, a sentence and, when there is something to do, a button.
func noticeRow(icon fyne.Resource, text string, action *widget.Button) fyne.CanvasObject {
	if action == nil {
		return noticeRowWith(icon, text)
	}
	return noticeRowWith(icon, text, action)
}

// noticeRowWith is a notice with any number of buttons, side by side after the sentence.
func noticeRowWith(icon fyne.Resource, text string, actions ...*widget.Button) fyne.CanvasObject {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	var right fyne.CanvasObject
	if len(actions) > 0 {
		buttons := container.NewHBox()
		for _, a := range actions {
			buttons.Add(a)
		}
		right = container.NewCenter(buttons)
	}
	return container.NewBorder(nil, widget.NewSeparator(), widget.NewIcon(icon), right, label)
}

// backUpNow makes a backup at the practitioner's request, with a progress line in the notices.
func (m *mainWindow) backUpNow() {
	k := m.backups
	m.status.SetText(fmt.Sprintf("Backing up to %s…", k.current().dir))
	m.backingUp = true
	async(func() (struct{}, error) {
		// Asked for: it runs to its end whatever is shown meanwhile; the keeper stops it on close.
		_, err := k.backUp(context.Background())
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		m.backingUp = false
		if k != m.backups {
			return // another practice was opened meanwhile
		}
		m.showNotices()
		if err != nil {
			showError(m.win, "back up the practice", err)
		}
	})
}

// statusEvery is how often the window words its times again, unless a test says otherwise: the
// status line's "Backed up just now" must not still say so ten minutes later.
const statusEvery = 30 * time.Second

// startTicking keeps the window's times current until the app stops.
func (m *mainWindow) startTicking() {
	ctx, cancel := context.WithCancel(context.Background())
	m.stopTicking = cancel
	go repeat(ctx, m.statusEvery, m.tick)
}

// repeat runs fn on the UI goroutine every interval until ctx ends.
func repeat(ctx context.Context, every time.Duration, fn func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fyne.Do(fn)
		}
	}
}

// tick words the latest backup against the time now, and reads the day's work again when the
// practice or the day changed since it was read.
func (m *mainWindow) tick() {
	text, warn := m.backupLine()
	if warn != m.statusWarn {
		m.showNotices() // an old backup gains its notice and its button
	} else if m.status.Text != text && !m.backingUp {
		m.status.SetText(text)
	}
	if m.browsing() && m.current.ID == "" && m.today.stale() {
		m.refreshDay()
	}
}
