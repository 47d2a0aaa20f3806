package ui

import (
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/practice/diskcrypt"
)

// prefDiskNoticeDismissed + the practice's identity + "|" + the drive: the practitioner chose
// "Don't show again" for that practice on that drive. In the app's preferences, not in the
// practice's file: the answer is about this computer's drive, not the practice. The identity goes
// with the file, so moving the practice to another folder of the drive keeps the choice; a copy
// on another computer, or the practice moved to another drive, is asked about again.
const prefDiskNoticeDismissed = "diskNoticeDismissed:"

// diskCheck is what the window knows of the encryption of the drives holding the practice shown.
type diskCheck struct {
	p      *openedPractice  // the practice it was found for
	result diskcrypt.Result // found off the UI goroutine when the practice opened for writing
	key    string           // the preference that dismisses its notice for good
}

// checkDisk finds out, off the UI goroutine, whether the drives holding practice p (its database
// and its photo folder) are encrypted, and shows the notice when they are not or cannot be told.
// Only a practice open for writing is asked about: a read-only one is another window's, which
// asks itself.
func (m *mainWindow) checkDisk(p *openedPractice) {
	m.disk = diskCheck{}
	status := m.diskStatus
	if status == nil || p.store.ReadOnly() || isServer(p.store) {
		return // a server practice's records are on the server's drives, which it answers for
	}
	s, l := p.store, m.life
	async(func() (diskCheck, error) {
		r := status(s.Path()) // asks the system: up to diskcrypt.Timeout on Windows
		id, err := s.PracticeID(l.ctx)
		if err != nil || id == "" {
			id = s.Path() // a practice with no identity yet is known by its file
		}
		return diskCheck{p: p, result: r, key: prefDiskNoticeDismissed + id + "|" + r.Volume}, nil
	}, func(d diskCheck, _ error) {
		if m.openedPractice != p || l.ctx.Err() != nil {
			return // another practice is shown now
		}
		m.disk = d
		m.showNotices()
	})
}

// diskNotice is the notice of a drive not known to be encrypted, among the window's notices;
// nil when there is none to show.
func (m *mainWindow) diskNotice() fyne.CanvasObject {
	d := m.disk
	if d.p == nil || d.p != m.openedPractice || d.result.State == diskcrypt.Encrypted ||
		m.app.Preferences().Bool(d.key) {
		return nil
	}
	how := widget.NewButton("How to turn it on", func() {
		showSummary(m.win, "Encrypt this computer's drive", diskcrypt.How(runtime.GOOS))
	})
	never := widget.NewButton("Don't show again", func() {
		m.app.Preferences().SetBool(d.key, true)
		m.showNotices()
	})
	return noticeRowWith(theme.WarningIcon(), d.result.Notice(), how, never)
}

// diskSection is Settings › Database's account of the drive's encryption: what was found, how to
// turn it on, and the notice back when it was dismissed for good. check gives the main window's
// latest finding; noticeBack shows the notice again there.
func diskSection(a fyne.App, win fyne.Window, check func() diskCheck, noticeBack func()) fyne.CanvasObject {
	d := check()
	if d.p == nil {
		return nil // not asked: a read-only practice, or Settings opened by itself
	}
	state := widget.NewLabel(d.result.Summary())
	state.Wrapping = fyne.TextWrapWord
	row := container.NewHBox()
	if d.result.State != diskcrypt.Encrypted {
		row.Add(widget.NewButton("How to turn it on", func() {
			showSummary(win, "Encrypt this computer's drive", diskcrypt.How(runtime.GOOS))
		}))
		var again *widget.Button
		again = widget.NewButton("Show the notice again", func() {
			a.Preferences().SetBool(d.key, false)
			again.Disable()
			noticeBack()
		})
		if !a.Preferences().Bool(d.key) {
			again.Disable()
		}
		row.Add(again)
	}
	return container.NewVBox(boldLabel("Drive encryption"), state, row)
}
