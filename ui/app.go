// Package ui holds Needlelog's Fyne screens. It reaches records only through the store's
// boundary (package store; the SQLite engine's own type where a practice's file is concerned),
// never through SQL, and does database work off the UI goroutine.
package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/assets"
	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/practice/diskcrypt"
	nlstore "needlelog.app/needlelog/store"
	"needlelog.app/needlelog/store/sqlite"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// AppID identifies the app to the OS and keys its preferences.
const AppID = "app.needlelog.desktop"

var appIcon = fyne.NewStaticResource("needlelog.png", assets.IconPNG)

const (
	prefRecent = "recentDatabases"
	maxRecent  = 8
)

// mainWindow is the practice's window: the client list on the left and the selected client's
// page on the right; the session editor takes the whole window while it is open.
type mainWindow struct {
	app fyne.App
	win fyne.Window
	// The practice shown: its store, claim, backups and notices (m.store, m.claim, m.backups, …).
	// Showing another, closing and trying again to write go through it.
	*openedPractice

	list    *clientList
	page    *clientPage
	today   *todayView // the day's work, shown when no client is open
	editor  *sessionEditor
	photos  *photoScreen
	recall  *lotRecall      // kept between openings, with its lot and list
	lock    *locker         // the lock screen, and who is signed in
	right   *fyne.Container // the client page, the welcome, or a hint to pick a client
	body    *fyne.Container // the split, or the session editor
	notices *fyne.Container // warnings across the top: read-only, a risky folder, an old backup
	status  *widget.Label   // the latest backup, at the bottom

	// insights is kept between openings, with its period; in front while the body shows it.
	insights *insightsScreen
	// fromInsights is the session opened from the insights: closing it goes back there.
	fromInsights string

	autoBackup  bool               // back each practice shown up on close and daily: off in tests of other things
	movePhotos  bool               // start each practice's photo work (photomove.go) once it shows
	makeDemo    DemoMaker          // writes the demo practice; nil where there is none to write
	frame       *fyne.Container    // notices above, status below, body between
	closing     bool               // the window is backing up before it closes
	closingHook func()             // Options.Closing: called as the window closes for good
	stopOnce    sync.Once          // the app stopped, and the practice was closed
	total       int64              // clients in the database, to tell a new practice from an empty search; -1 until counted
	setup       data.SetupProgress // a new practice's first steps, read while it has no client
	stopTicking context.CancelFunc // stops the status line's clock
	disk        diskCheck          // whether the drive holding the practice shown is encrypted (disknotice.go)
	statusWarn  bool               // the status line's backup wording needs attention
	backingUp   bool               // the status line says a backup is under way
	current     data.ClientSummary
	serverLost  bool        // the clinic's server cannot be reached, as its store said (live.go)
	live        liveChanges // changes made elsewhere, not read again yet
	// openConflicts words the conflicts from other computers still to settle ("" for none).
	openConflicts string

	// What tests replace on the window they build; production values are set in newMainWindowIn.
	now         func() time.Time // the wall clock times are worded against
	statusEvery time.Duration    // how often the window words its times again
	draftDelay  time.Duration    // handed to the session editors it opens
	life        life             // the practice shown: ends when another is shown, or the app stops
	settings    settingsSlot     // the open Settings window, if any
	shortcuts   fyne.Window      // the open Keyboard shortcuts window, if any

	diskStatus func(path string) diskcrypt.Result // asks whether a practice's drive is encrypted; nil asks nothing
}

// newMainWindowFor makes w the main window over an opened practice, backing it up on close and
// daily, and writing the demo practice with makeDemo when asked. The window closes the practice,
// and any the practitioner switches to, when the app stops.
func newMainWindowFor(a fyne.App, w fyne.Window, p *openedPractice, o windowOptions, makeDemo DemoMaker) fyne.Window {
	m := newMainWindowIn(a, w, p, o)
	m.makeDemo = makeDemo
	a.Lifecycle().SetOnStopped(m.stopped)
	m.win.SetMaster() // closing it quits, even with Settings open
	m.startTicking()
	m.refresh()
	return m.win
}

// windowOptions are what a main window does by itself, and hands down to the screens it makes.
// The app's window does all of it (appWindow); a test's window waits to be told (quietWindow).
type windowOptions struct {
	autoBackup bool          // back the practice up on close and daily
	movePhotos bool          // move photos still in the database to the photo folder, and look for missing ones
	lockPoll   time.Duration // how often the idle lock looks for activity; 0 polls not at all
	draftDelay time.Duration // how long after the last change the session editor drafts the form
	closing    func()        // Options.Closing

	diskStatus func(path string) diskcrypt.Result // asks whether each practice's drive is encrypted; nil asks nothing
}

// appWindow is how the app's own window runs.
func appWindow() windowOptions {
	return windowOptions{autoBackup: true, movePhotos: true, lockPoll: lockPoll, draftDelay: draftDelay,
		diskStatus: diskcrypt.Practice}
}

// quietWindow runs nothing on its own: no backups, no idle-lock polling (tests call tick), and
// drafts only when asked, so that a test sees each change in order.
func quietWindow() windowOptions { return windowOptions{draftDelay: time.Hour} }

// newMainWindow builds the main window over a store, without a claim or automatic backups.
func newMainWindow(a fyne.App, s practiceStore) *mainWindow {
	return newMainWindowWith(a, &openedPractice{store: s}, false)
}

// newMainWindowWith builds a quiet main window over p, backing it up by itself if autoBackup.
func newMainWindowWith(a fyne.App, p *openedPractice, autoBackup bool) *mainWindow {
	o := quietWindow()
	o.autoBackup = autoBackup
	return newMainWindowIn(a, a.NewWindow("Needlelog"), p, o)
}

// newMainWindowIn makes w, a new window or the one that waited for the practice to open, the
// main window over p.
func newMainWindowIn(a fyne.App, w fyne.Window, p *openedPractice, o windowOptions) *mainWindow {
	m := &mainWindow{app: a, win: w, autoBackup: o.autoBackup, movePhotos: o.movePhotos, draftDelay: o.draftDelay,
		closingHook: o.closing, now: time.Now, statusEvery: statusEvery, diskStatus: o.diskStatus}
	m.body = container.NewStack()
	m.notices = container.NewVBox()
	m.status = widget.NewLabel("")
	m.status.SizeName = theme.SizeNameCaptionText
	m.status.Truncation = fyne.TextTruncateEllipsis
	m.frame = container.NewBorder(m.notices, m.status, nil, nil, m.body)
	m.win.SetContent(m.frame)
	m.lock = newLocker(a, m.win)
	m.lock.pollEvery = o.lockPoll
	// Whoever unlocks is who the audit log names for every write until the next lock.
	m.lock.onUnlock = func(p data.Practitioner) {
		m.store.SetActor(p.ID)
		if m.today != nil && m.list != nil {
			m.refreshDay() // their own unsigned sessions come first; a passphrase set ticks the first-day list
		}
	}
	m.lock.onLock = func() { m.store.SetActor("") }
	m.lock.onQuit = m.closeWindow
	m.win.Resize(fyne.NewSize(1280, 800))
	m.win.SetCloseIntercept(m.closeWindow)
	m.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { m.dropped(uris) })
	m.use(p)
	return m
}

// use shows practice p, stopping the backups of the one shown before (switchTo closes it).
func (m *mainWindow) use(p *openedPractice) {
	s, opening := p.store, time.Now()
	if m.settings.open != nil && m.settings.open.store != s {
		m.settings.open.win.Close() // its edits would go to the practice being closed
	}
	if m.openedPractice != nil {
		m.openedPractice.stopBackups()
	}
	m.endScreens()
	m.life = newLife(nil)
	m.openedPractice = p
	m.serverLost, m.live = false, liveChanges{}
	// A second start of the app on this file knocks: this window comes forward.
	p.start(m.app, func() { fyne.Do(func() { m.win.Show(); m.win.RequestFocus() }) },
		func(backupState) { m.showNotices() }, m.autoBackup, func() time.Time { return m.now() })
	m.editor, m.photos, m.insights = nil, nil, nil
	m.current = data.ClientSummary{}
	m.total = -1 // not counted yet: the first refresh counts, and a sign-in meanwhile need not
	m.list = newClientList(s, m.showClient)
	m.list.onToday = m.showToday
	m.today = newTodayView(s, m.signedIn)
	m.today.now = func() time.Time { return m.now() }
	m.today.onClient = func(id string) { m.openClientFromToday(data.ClientSummary{ID: id}) }
	m.today.onSession = func(clientID, sessionID string) { m.openSessionFromToday(clientID, sessionID, "") }
	m.today.onDraft = func(clientID, draftID string) { m.openSessionFromToday(clientID, "", draftID) }
	m.today.onSideEffect = m.openSideEffectFromToday
	m.page = newClientPage(s)
	m.page.onNewSession = func(c data.Client) { m.openSession(c, "", nil) }
	m.page.onOpenSession = func(c data.Client, id string) { m.openSession(c, id, nil) }
	m.page.onResume = func(c data.Client, d data.Draft) { m.openSession(c, d.SessionID, &d) }
	m.page.onDiscard = m.discardDraft
	m.page.onEdit = m.editClient
	m.page.onSideEffect = m.logSideEffect
	m.page.onOutcome = func(c data.Client, e data.TimelineEntry) { showOutcomeDialog(m.win, m.store, c, e, m.reloadClient) }
	m.page.onPhotos = m.openPhotos
	m.page.onHistoryPDF = func(c data.Client) { exportHistoryPDF(m.app, m.win, m.store, c) }
	m.page.onRestore = m.restoreClient
	m.page.onSessionPDF = func(c data.Client, e data.TimelineEntry) {
		exportSessionPDF(m.app, m.win, m.store, c, e.SessionID, e.StartedAt.Local().Format("2006-01-02"))
	}
	m.list.firstRead = func() {
		slog.Info("practice shown", "path", s.Path(), "list after", time.Since(opening).Round(time.Millisecond))
	}
	if p.firstPage != nil {
		m.list.preload(*p.firstPage)
		p.firstPage = nil
	}
	m.right = container.NewStack()
	split := container.NewHSplit(m.list.content(), m.right)
	split.Offset = 0.3
	m.body.Objects = []fyne.CanvasObject{split}
	m.body.Refresh()
	m.win.SetTitle("Needlelog — " + filepath.Base(s.Path()) + " (" + filepath.Dir(s.Path()) + ")")
	if isServer(s) {
		m.win.SetTitle("Needlelog — the clinic's server " + serverPlace(s.Path()))
	} else if p.movedTo == "" { // the old copy of a moved practice: the list leads to the moved one
		m.rememberRecent(s.Path())
	}
	m.setMenus()
	m.lock.useStore(s)
	m.showNotices()
	m.checkDisk(p)
	if m.movePhotos {
		m.startPhotoWork()
	}
	p.watchCheck(func(err error) { m.damagedWhileShown(p, err) })
	m.watchLive(p)
	if p.fromBundle {
		p.fromBundle = false
		m.bringBack()
	}
}

// damagedWhileShown: the check that ran while p was shown found its file damaged, and nothing
// was written to it. The window shows it read-only instead, and asks what to do as opening
// asks of a damaged file (restore a backup, or go on reading).
func (m *mainWindow) damagedWhileShown(p *openedPractice, err error) {
	if m.openedPractice != p {
		return
	}
	path := p.store.Path()
	async(func() (*openedPractice, error) {
		return openPractice(context.Background(), path, sqlite.Options{ReadOnly: true})
	}, func(ro *openedPractice, rerr error) {
		if m.openedPractice != p {
			if rerr == nil {
				ro.close()
			}
			return
		}
		if rerr == nil {
			ro.readOnlyWhy = "The practice file is damaged, so Needlelog writes nothing to it: restore a backup to go on working."
			m.switchTo(ro)
		}
		askHowToOpen(m.app, m.win, path, err, m.switchTo, "Keep reading", func() {})
	})
}

// stopped closes the store and gives up the claim when the app stops.
// It runs once: by Fyne, then again by the app's main (see runApp), or by the app's main when
// Fyne does not finish stopping; a second call waits for the first to finish.
func (m *mainWindow) stopped() {
	m.stopOnce.Do(func() {
		m.endScreens()
		if m.stopTicking != nil {
			m.stopTicking()
		}
		m.openedPractice.closeAtStop()
	})
}

// endScreens ends the lives of the practice shown and of its screens: their reads stop.
func (m *mainWindow) endScreens() {
	m.life.end()
	if m.list != nil {
		m.list.life.end()
	}
	if m.today != nil {
		m.today.life.end()
	}
	if m.page != nil {
		m.page.life.end()
	}
	if m.editor != nil {
		m.editor.life.end()
	}
	if m.photos != nil {
		m.photos.life.end()
	}
	if m.insights != nil {
		m.insights.life.end()
	}
}

// signedIn is the ID of the practitioner signed in at the lock screen; "" in a practice
// without passphrases.
func (m *mainWindow) signedIn() string { return m.lock.signedIn().ID }

// update loads the list and the counts synchronously; tests call it directly.
func (m *mainWindow) update(ctx context.Context) error {
	if err := m.list.update(ctx); err != nil {
		return err
	}
	total, err := m.store.ClientTotal(ctx)
	if err != nil {
		return err
	}
	m.total = total
	if m.total == 0 {
		if m.setup, err = m.store.SetupProgress(ctx); err != nil {
			return err
		}
	}
	if err := m.today.update(ctx); err != nil {
		return err
	}
	m.showRight()
	return nil
}

// refreshDay reads the day's work again, and the first-day list of a practice that has no client
// yet; not the client list, which would lose the practitioner's place in it.
func (m *mainWindow) refreshDay() {
	if m.total == 0 {
		m.refresh()
		return
	}
	m.today.refresh()
}

// refresh reloads the list, the counts and the day's work in the background.
func (m *mainWindow) refresh() {
	if first := m.list.firstRead; first != nil {
		// The practice's first screen: its list is read first, alone on the practice's one
		// connection, and the rest once it is shown.
		m.list.firstRead = func() { first(); m.refreshRest() }
		m.list.refresh()
		return
	}
	m.list.refresh()
	m.refreshRest()
}

// refreshRest reloads the day's work and the counts in the background.
func (m *mainWindow) refreshRest() {
	m.today.refresh()
	m.refreshConflicts()
	s := m.store
	type read struct {
		total int64
		setup data.SetupProgress
	}
	l := m.life
	async(func() (read, error) {
		total, err := s.ClientTotal(l.ctx)
		if err != nil {
			return read{}, err
		}
		r := read{total: total}
		if r.total == 0 { // the first steps matter to a practice that has not begun
			r.setup, err = s.SetupProgress(l.ctx)
		}
		return r, err
	}, func(r read, err error) {
		if m.store != s || l.gone(err) {
			return // another database was opened meanwhile, or the app is stopping
		}
		if err != nil {
			showError(m.win, "read the database", err)
			return
		}
		m.total, m.setup = r.total, r.setup
		m.showRight()
	})
}

// showRight shows the selected client, or what to do when there is none.
func (m *mainWindow) showRight() {
	var content fyne.CanvasObject
	switch {
	case m.current.ID != "":
		content = m.page.content()
	case m.total == 0:
		content = m.welcome()
	default:
		content = m.today.content
	}
	m.right.Objects = []fyne.CanvasObject{container.NewPadded(content)}
	m.right.Refresh()
}

// welcome greets a practice whose database is still empty.
func (m *mainWindow) welcome() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Welcome to Needlelog", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	text := widget.NewLabel("Every client, session, setting and side effect you record stays on this computer, in one file:\n" +
		m.store.Path())
	if isServer(m.store) {
		text.SetText("Every client, session, setting and side effect you record is kept on the clinic's server (" +
			serverPlace(m.store.Path()) + "), where every PC connected to it sees it.")
	}
	text.Alignment = fyne.TextAlignCenter
	text.Wrapping = fyne.TextWrapWord
	add := widget.NewButtonWithIcon("Add your first client", theme.ContentAddIcon(), m.newClient)
	add.Importance = widget.HighImportance
	explore := widget.NewButtonWithIcon("Explore a demo practice", theme.SearchIcon(), m.openDemo)
	// A laptop that goes on the road starts as a copy of the clinic's practice.
	fromClinic := widget.NewButtonWithIcon("Start from the clinic's bundle…", theme.DownloadIcon(), m.bringBack)
	if m.store.ReadOnly() {
		fromClinic.Disable()
	}
	note := widget.NewLabel("The demo practice is a separate file: nothing in it mixes with your records.")
	note.Alignment = fyne.TextAlignCenter
	note.Importance = widget.LowImportance
	note.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(title, text)
	if steps := m.setupChecklist(); steps != nil {
		box.Add(widget.NewSeparator())
		box.Add(steps)
		box.Add(widget.NewSeparator())
	}
	box.Add(container.NewCenter(container.NewHBox(add, fromClinic, explore)))
	box.Add(note)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(600, box.MinSize().Height+40), box))
}

// showClient shows a client's page, asking first if a session editor has unsaved changes.
func (m *mainWindow) showClient(c data.ClientSummary) {
	m.current = c
	s, l := m.store, m.page.lifeFor(c.ID)
	async(func() (clientState, error) { return loadClientState(l.ctx, s, c.ID) },
		func(st clientState, err error) {
			if m.current.ID != c.ID || m.store != s || l.gone(err) {
				return // the practitioner has moved on
			}
			if err != nil {
				showError(m.win, "open "+c.Name()+"'s page", err)
				return
			}
			m.page.apply(st)
			m.showRight()
		})
}

// reloadClient refreshes the current client's page and the list after a change.
func (m *mainWindow) reloadClient() {
	m.refresh()
	if m.current.ID != "" {
		m.showClient(m.current)
	}
}

func (m *mainWindow) newClient() {
	showClientDialog(m.win, m.store, data.Client{}, func(c data.Client) {
		m.list.search.SetText("")
		m.list.selectID(c.ID)
		m.current = data.ClientSummary{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName}
		m.reloadClient()
	})
}

func (m *mainWindow) editClient(c data.Client) {
	showClientDialog(m.win, m.store, c, func(data.Client) { m.reloadClient() })
}

// browsing reports whether the client list and page are in front: no session editor open and no
// dialog over the window. Menu shortcuts that act on them do nothing otherwise.
func (m *mainWindow) browsing() bool {
	return m.editor == nil && m.photos == nil && !m.insightsInFront() && m.win.Canvas().Overlays().Top() == nil
}

// newSessionForCurrent starts a session for the selected client, from the menu or Ctrl+N.
func (m *mainWindow) newSessionForCurrent() {
	if !m.browsing() {
		return
	}
	if m.current.ID == "" {
		d := dialog.NewInformation("Choose a client first",
			"A session belongs to a client. Find them in the client list on the left (Ctrl+F), or add them with Client › New client (Ctrl+Shift+N).", m.win)
		d.SetOnClosed(m.find)
		d.Show()
		return
	}
	if m.page.st.client.ID != m.current.ID {
		return // the client's page is still loading: the session would go to the one before
	}
	m.openSession(m.page.st.client, "", nil)
}

func (m *mainWindow) discardDraft(d data.Draft) {
	confirm(m.win, "Discard the unsaved session?", "What was typed in it will be lost.", "Discard", func() {
		s := m.store
		// Confirmed: done even if the practitioner moves on meanwhile, so not the page's context.
		async(func() (struct{}, error) { return struct{}{}, s.DeleteDraft(context.Background(), d.ID) },
			func(_ struct{}, err error) {
				if err != nil {
					showError(m.win, "discard the draft", err)
				}
				m.reloadClient()
			})
	})
}

func (m *mainWindow) logSideEffect(c data.Client, e data.TimelineEntry) {
	showSideEffectDialog(m.win, m.store, c, e, m.reloadClient)
}

// openSession opens the session editor over the whole window: a new session when id is empty.
// A session that has a kept draft opens with the draft, so there is never a second one.
func (m *mainWindow) openSession(c data.Client, id string, d *data.Draft) {
	if d == nil && id != "" && m.page.st.client.ID == c.ID {
		d = keptDraft(m.page.st.drafts, id, "")
	}
	s, l := m.store, m.page.lifeFor(c.ID)
	async(func() (editorData, error) { return loadEditorData(l.ctx, s, c, id) },
		func(ed editorData, err error) {
			if m.editor != nil || m.store != s || l.gone(err) {
				return // a second click, another database opened meanwhile, or the page left
			}
			if err != nil {
				showError(m.win, "open the session", err)
				return
			}
			m.editor = newSessionEditor(m.win, s, ed, d)
			m.editor.draftDelay = m.draftDelay
			m.editor.actor = m.signedIn
			m.editor.onClose = m.closeSession
			m.body.Objects = []fyne.CanvasObject{m.editor.content()}
			m.body.Refresh()
			m.editor.focus()
		})
}

// closeSession leaves the editor for the client's page.
func (m *mainWindow) closeSession() {
	back := m.editor != nil && m.editor.base.ID != "" && m.editor.base.ID == m.fromInsights
	m.editor, m.fromInsights = nil, ""
	m.showBrowser()
	if back {
		m.showInsights()
	}
}

// showBrowser puts the client list and page back in the window.
func (m *mainWindow) showBrowser() {
	split := container.NewHSplit(m.list.content(), m.right)
	split.Offset = 0.3
	m.body.Objects = []fyne.CanvasObject{split}
	m.body.Refresh()
	m.reloadClient()
}

// openPhotos shows a client's photos over the whole window.
func (m *mainWindow) openPhotos(c data.Client) {
	s, l := m.store, m.page.lifeFor(c.ID)
	async(func() (photoLists, error) { return loadPhotoLists(l.ctx, s, c.ID) },
		func(lists photoLists, err error) {
			if m.photos != nil || m.editor != nil || m.store != s || l.gone(err) {
				return
			}
			if err != nil {
				showError(m.win, "open the photos", err)
				return
			}
			m.photos = newPhotoScreen(m.app, m.win, s, c, lists)
			m.photos.onClose = func() {
				m.photos = nil
				m.showBrowser()
			}
			m.body.Objects = []fyne.CanvasObject{m.photos.content()}
			m.body.Refresh()
			m.photos.reload()
			m.lookForPhotoFolder()
		})
}

// dropped offers files and folders dropped onto the window as photos of the client in front.
func (m *mainWindow) dropped(uris []fyne.URI) {
	if m.lock.locked() {
		return
	}
	// A dropped camera card is walked off the UI goroutine.
	var skipped []ondisk.SkippedFile // links and the like in dropped folders, listed as not imported
	async(func() ([]string, error) {
		paths, sk := droppedFiles(uris)
		skipped = sk
		return paths, nil
	}, func(paths []string, _ error) {
		if len(paths) > 0 || len(skipped) > 0 {
			m.offerDropped(paths, skipped...)
		}
	})
}

func (m *mainWindow) offerDropped(paths []string, skipped ...ondisk.SkippedFile) {
	switch {
	case m.photos != nil:
		m.photos.offer(paths, skipped...)
	case m.editor != nil:
		m.offerPhotos(m.editor.ed.client, m.editor.base.ID, paths, skipped...)
	case m.current.ID != "" && m.page.st.client.ID == m.current.ID:
		m.offerPhotos(m.page.st.client, "", paths, skipped...)
	default:
		dialog.ShowInformation("Choose a client first", "Photos belong to a client: open their page from the client list on the left, then drop the photos on it.", m.win)
	}
}

// offerPhotos asks which of the files to import for a client, and imports them; sessionID, when
// set, is the session they are offered for.
func (m *mainWindow) offerPhotos(c data.Client, sessionID string, paths []string, skipped ...ondisk.SkippedFile) {
	offerImport(m.win, m.store, c, sessionID, paths, skipped, func() {
		switch {
		case m.editor != nil:
			m.editor.photosAdded()
		case m.photos == nil:
			m.reloadClient()
		}
	})
}

// closeWindow asks before closing over unsaved work.
func (m *mainWindow) closeWindow() {
	switch {
	case m.lock.locked():
		// The questions below would act on screens the lock hides; what was typed is kept as a
		// draft every few seconds, so closing loses at most that.
		m.quit()
	case m.editor != nil && m.editor.changed():
		m.editor.askUnsaved("Close Needlelog?", m.quit)
	case m.photos != nil:
		m.photos.leaveThen(m.quit)
	default:
		m.quit()
	}
}

// quit backs the practice up, when it changed since the latest backup, and closes the window.
func (m *mainWindow) quit() {
	if m.closing {
		return // already backing up to close: a second click waits for the first
	}
	m.closing = true
	m.backUpThen("Backing up before closing", "Close", func() {
		if m.closingHook != nil {
			m.closingHook()
		}
		m.win.Close()
	}, func() { m.closing = false })
}

// backUpThen backs the practice up when it changed since the latest backup, with progress and a
// button to skip it, then runs then. A backup that fails says why and lets the practitioner
// choose: goOn anyway (then), or stay (stay).
func (m *mainWindow) backUpThen(title, goOn string, then, stay func()) {
	if !m.autoBackup || m.backups == nil || !m.backups.neededOnClose() {
		then()
		return
	}
	// The backup on close outlives every screen (and may outlive the window): only Skip ends it.
	ctx, skip := context.WithCancel(context.Background())
	k := m.backups
	var prog dialog.Dialog
	// A slow or stalled folder (a network share, a USB drive) must not keep the window open: a
	// skip goes on at once, and the backup under way stops when it next can.
	skipBtn := widget.NewButton("Skip this backup", func() {
		skip()
		prog.Hide()
		then()
	})
	prog = dialog.NewCustomWithoutButtons(title, container.NewVBox(
		widget.NewLabel("A copy of the practice goes to "+k.current().dir+"."),
		widget.NewProgressBarInfinite(), container.NewCenter(skipBtn)), m.win)
	prog.Show()
	async(func() (ondisk.Backup, error) { return k.backUp(ctx) }, func(_ ondisk.Backup, err error) {
		if ctx.Err() != nil {
			return // skipped: then has run
		}
		skip()
		prog.Hide()
		if err == nil {
			then()
			return
		}
		d := dialog.NewConfirm("The backup could not be made", errorSentence("back up the practice", err)+
			"\n\n"+goOn+" anyway? Nothing saved is lost; the backup is tried again next time.", func(ok bool) {
			if ok {
				then()
			} else {
				stay()
			}
		}, m.win)
		d.SetConfirmText(goOn + " without a backup")
		d.SetDismissText("Stay")
		d.Show()
	})
}

// save saves whatever is being edited: Ctrl+S.
func (m *mainWindow) save() {
	switch {
	case m.editor != nil:
		m.editor.save()
	case m.photos != nil && m.photos.viewer != nil:
		m.photos.viewer.save()
	}
}

func (m *mainWindow) find() {
	if m.browsing() {
		m.win.Canvas().Focus(m.list.search)
	}
}

func (m *mainWindow) setFilter(name string) {
	if m.browsing() {
		m.list.filter.SetSelected(name)
	}
}

// switchDatabase closes the open practice and opens the one at path. create makes a new file.
func (m *mainWindow) switchDatabase(path string, create bool) {
	if m.editor != nil {
		m.editor.askUnsaved("Open another database?", func() { m.editor.life.end(); m.editor = nil; m.switchDatabase(path, create) })
		return
	}
	if m.photos != nil && m.photos.unsaved() {
		m.photos.leaveThen(func() { m.photos.life.end(); m.photos = nil; m.switchDatabase(path, create) })
		return
	}
	if path == m.store.Path() && !m.store.ReadOnly() {
		return // open already; a read-only window may ask again to write
	}
	m.backUpThen("Backing up before opening another practice", "Open the other practice", func() {
		async(func() (*openedPractice, error) {
			// Opening the next practice is what the window is switching to: nothing of the
			// one shown may stop it.
			return openPractice(context.Background(), path, sqlite.Options{Create: create})
		},
			func(p *openedPractice, err error) {
				if err != nil {
					askHowToOpen(m.app, m.win, path, err, m.switchTo, "Cancel", func() {})
					return
				}
				m.switchTo(p)
			})
	}, func() {})
}

// switchTo shows practice p in place of the open one, and closes the old one.
func (m *mainWindow) switchTo(p *openedPractice) {
	old := m.openedPractice
	m.use(p) // stops the old practice's backups, waiting for one under way
	m.refresh()
	old.close()
}

func (m *mainWindow) openDatabase() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(m.win, "choose a database", err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		m.switchDatabase(r.URI().Path(), false)
	}, m.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".db", ".sqlite", ".sqlite3"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (m *mainWindow) newDatabase() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(m.win, "choose where to keep the new database", err)
			return
		}
		if w == nil {
			return
		}
		w.Close() // the dialog made an empty file; the store turns it into a database
		m.switchDatabase(w.URI().Path(), true)
	}, m.win)
	d.SetFileName("practice.db")
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// demoPath is where the demo practice lives: beside the default database, never in it.
func demoPath() (string, error) {
	p, err := ondisk.DefaultPath()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(p), "demo-practice.db"), nil
}

// openDemo opens the demo practice, writing it first if it does not exist yet.
func (m *mainWindow) openDemo() {
	path, err := demoPath()
	if err != nil {
		showError(m.win, "find a place for the demo practice", err)
		return
	}
	if _, err := os.Stat(path); err == nil {
		m.switchDatabase(path, false)
		return
	}
	if m.makeDemo == nil {
		showError(m.win, "write the demo practice", errors.New("this build of Needlelog has no demo practice to write"))
		return
	}
	bar := widget.NewProgressBar()
	// A file of its own, asked for: only its Cancel button stops it.
	ctx, cancel := context.WithCancel(context.Background())
	prog := dialog.NewCustom("Writing a demo practice", "Cancel", container.NewVBox(
		widget.NewLabel("200 clients with their treatment series and before-and-after photos, in a file of its own."), bar), m.win)
	prog.SetOnClosed(cancel)
	prog.Show()
	makeDemo := m.makeDemo
	async(func() (struct{}, error) {
		return struct{}{}, ondisk.WriteDemo(ctx, path, func(ctx context.Context, s nlstore.Store) error {
			return makeDemo(ctx, s, func(done, total int) {
				fyne.Do(func() { bar.SetValue(float64(done) / float64(total)) })
			})
		})
	}, func(_ struct{}, err error) {
		prog.Hide()
		cancel()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				showError(m.win, "write the demo practice", err)
			}
			return
		}
		m.switchDatabase(path, false)
	})
}

func (m *mainWindow) recent() []string {
	return m.app.Preferences().StringListWithFallback(prefRecent, nil)
}

func (m *mainWindow) rememberRecent(path string) {
	list := slices.DeleteFunc(m.recent(), func(p string) bool { return p == path })
	list = append([]string{path}, list...)
	if len(list) > maxRecent {
		list = list[:maxRecent]
	}
	m.app.Preferences().SetStringList(prefRecent, list)
}

func (m *mainWindow) setMenus() {
	var recentItems []*fyne.MenuItem
	for _, p := range m.recent() {
		if p == m.store.Path() {
			continue
		}
		recentItems = append(recentItems, fyne.NewMenuItem(p, func() { m.switchDatabase(p, false) }))
	}
	openRecent := fyne.NewMenuItem("Open recent", nil)
	openRecent.ChildMenu = fyne.NewMenu("", recentItems...)
	openRecent.Disabled = len(recentItems) == 0

	item := func(label string, sc fyne.Shortcut, fn func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, func() {
			m.lock.touch() // a shortcut is activity the idle lock cannot see otherwise
			fn()
		})
		it.Shortcut = sc
		return it
	}
	// writes marks an item that changes the practice: unavailable in a read-only window, where
	// what was typed could not be saved. Its shortcut says why instead.
	readOnly := m.store.ReadOnly()
	writes := func(it *fyne.MenuItem) *fyne.MenuItem {
		if readOnly {
			it.Disabled = true
			it.Action = m.saysReadOnly
		}
		return it
	}
	// Quit closes as the window's close button does, asking about unsaved work; marked IsQuit so
	// that Fyne adds no Quit of its own, which would close the window without asking.
	quit := item("Quit", scQuit, m.closeWindow)
	quit.IsQuit = true
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("New database…", m.newDatabase),
		fyne.NewMenuItem("Open database…", m.openDatabase),
		openRecent,
		fyne.NewMenuItem("Explore the demo practice", m.openDemo),
		writes(fyne.NewMenuItem("Move practice…", m.movePractice)),
		fyne.NewMenuItemSeparator(),
		writes(fyne.NewMenuItem("Import clients from CSV…", func() {
			if !m.browsing() {
				m.sayWhatToCloseFirst("Clients are imported from the client list", "File › Import clients from CSV…")
				return
			}
			chooseClientCSV(m.app, m.win, m.store, m.refresh)
		})),
		fyne.NewMenuItem("Open an encrypted file…", func() { openEncryptedFile(m.app, m.win, guardedFile(m.store)) }),
		m.transferMenu(writes),
		fyne.NewMenuItemSeparator(),
		item("Settings…", scSettings, func() { m.openSettingsAt("") }),
		fyne.NewMenuItemSeparator(),
		item("Lock", scLock, m.lock.lockNow),
		writes(fyne.NewMenuItem("My passphrase…", func() { m.lock.changePassphrase(m.refresh) })),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	client := fyne.NewMenu("Client",
		writes(item("New client…", scNewClient, func() {
			if m.browsing() {
				m.newClient()
			}
		})),
		item("Find client", scFind, m.find),
		fyne.NewMenuItem("Today's work", m.showToday),
		writes(item("Edit profile…", scEditProfile, func() {
			if m.current.ID != "" && m.browsing() {
				m.editClient(m.page.st.client)
			}
		})),
		fyne.NewMenuItem("Photos…", func() {
			if m.current.ID != "" && m.browsing() && m.page.st.client.ID == m.current.ID {
				m.openPhotos(m.page.st.client)
			}
		}),
		fyne.NewMenuItem("Lot recall…", m.lotRecall),
		item("Insights…", scInsights, m.showInsights),
		fyne.NewMenuItemSeparator(),
		writes(fyne.NewMenuItem("Archive client…", m.archiveClient)),
		writes(fyne.NewMenuItem("Delete client…", m.deleteClient)),
		fyne.NewMenuItemSeparator(),
		item("All clients", scAll, func() { m.setFilter("All") }),
		item("Due or overdue", scDue, func() { m.setFilter("Due") }),
		item("Seen recently", scRecent, func() { m.setFilter("Recent") }),
	)
	session := fyne.NewMenu("Session",
		writes(item("New session", scNewSession, m.newSessionForCurrent)),
		item("Save", scSave, m.save),
		item("Close session", scCloseSession, func() {
			if m.editor != nil {
				m.editor.close()
			}
		}),
	)
	export := fyne.NewMenu("Export",
		fyne.NewMenuItem("Session record (PDF)…", func() { m.exportForSession(exportSessionPDF) }),
		fyne.NewMenuItem("Aftercare sheet (PDF)…", func() { m.exportForSession(exportAftercarePDF) }),
		fyne.NewMenuItem("Client history (PDF)…", func() {
			if c, ok := m.clientInFront(); ok {
				exportHistoryPDF(m.app, m.win, m.store, c)
			}
		}),
		fyne.NewMenuItem("Lot recall…", m.lotRecall),
		fyne.NewMenuItem("Practice insights (PDF)…", m.exportInsightsPDF),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Spreadsheets (XLSX)…", func() { askSheets(m.app, m.win, m.store, sheetsXLSX) }),
		fyne.NewMenuItem("CSV files…", func() { askSheets(m.app, m.win, m.store, sheetsCSVZip) }),
		fyne.NewMenuItem("Complete archive…", func() { exportArchive(m.app, m.win, m.store) }),
	)
	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("Keyboard shortcuts", func() { m.showShortcuts() }),
		fyne.NewMenuItem("About Needlelog", func() {
			dialog.ShowInformation("About Needlelog", fmt.Sprintf(
				"Needlelog %s\nMicroneedling treatment records, kept on this computer.\n\nDatabase: %s",
				m.app.Metadata().Version, m.store.Path()), m.win)
		}),
	)
	m.lock.setMenu(fyne.NewMainMenu(file, client, session, export, help))
}

// saysReadOnly answers an action that would change a practice open read-only.
func (m *mainWindow) saysReadOnly() {
	dialog.ShowInformation("Open read-only", "Records can be read and exported in this window, but not changed. "+
		m.readOnlyWhy, m.win)
}

// pageClient is the client whose page is open and loaded, for the actions on them.
func (m *mainWindow) pageClient() (data.Client, bool) {
	if !m.browsing() || m.current.ID == "" || m.page.st.client.ID != m.current.ID {
		dialog.ShowInformation("Choose a client first", "Open the client's page from the client list on the left, then choose this again.", m.win)
		return data.Client{}, false
	}
	return m.page.st.client, true
}

// archiveClient hides the client from the lists; nothing of their records is removed.
func (m *mainWindow) archiveClient() {
	c, ok := m.pageClient()
	if !ok {
		return
	}
	confirm(m.win, "Archive "+c.Name()+"?", "The client is hidden from the lists; their records are kept and can be restored from Archived.",
		"Archive", func() {
			s := m.store
			// Confirmed: done even if the practitioner moves on meanwhile.
			async(func() (struct{}, error) { return struct{}{}, s.ArchiveClient(context.Background(), c.ID) },
				func(_ struct{}, err error) {
					if err != nil {
						showError(m.win, "archive the client", err)
						return
					}
					m.reloadClient()
				})
		})
}

func (m *mainWindow) restoreClient(c data.Client) {
	s := m.store
	// Asked for: done even if the practitioner moves on meanwhile.
	async(func() (struct{}, error) { return struct{}{}, s.RestoreClient(context.Background(), c.ID) },
		func(_ struct{}, err error) {
			if err != nil {
				showError(m.win, "restore the client", err)
				return
			}
			m.reloadClient()
		})
}

// deleteClient removes a client and all their records for good, which needs a written reason
// (kept in the audit log).
func (m *mainWindow) deleteClient() {
	c, ok := m.pageClient()
	if !ok {
		return
	}
	reason := nlwidget.NewTextField()
	reason.SetPlaceHolder("e.g. the client asked for their records to be erased")
	msg := widget.NewLabel("This removes " + c.Name() + " and every session, photo and note recorded about them, for good. " +
		"To only hide a client, archive them instead.")
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.FormDialog
	d = dialog.NewForm("Delete "+c.Name()+"?", "Delete for good", "Cancel", []*widget.FormItem{
		widget.NewFormItem("", msg), widget.NewFormItem("Reason", reason),
	}, func(ok bool) {
		if !ok {
			return
		}
		why := reason.Text
		s := m.store
		// Confirmed with a reason: done even if the practitioner moves on meanwhile.
		async(func() (struct{}, error) { return struct{}{}, s.DeleteClient(context.Background(), c.ID, why) },
			func(_ struct{}, err error) {
				if err != nil {
					showErrorThen(m.win, "delete the client", err, d.Show)
					return
				}
				m.current = data.ClientSummary{}
				m.refresh()
			})
	}, m.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	m.win.Canvas().Focus(reason)
}

// sayWhatToCloseFirst explains why an action that starts from the client list waits, naming
// what covers the list: from says where the action starts, again the menu item to choose after.
func (m *mainWindow) sayWhatToCloseFirst(from, again string) {
	title, how := "Close the session first", "close the session with Session › Close session"
	switch {
	case m.editor == nil && m.photos != nil:
		title, how = "Close the photos first", "close the photos with Close at their top left"
	case m.editor == nil && m.insightsInFront():
		title, how = "Close the insights first", "close the insights with Close at their top left"
	case m.editor == nil:
		title, how = "Close the dialog first", "close the dialog in front"
	}
	dialog.ShowInformation(title, from+": "+how+", then choose "+again+" again.", m.win)
}

// lotRecall opens the recall screen; choosing a client there opens their page.
// It keeps its lot and list when a client is opened from it, for working through them one by one.
func (m *mainWindow) lotRecall() {
	if !m.browsing() {
		m.sayWhatToCloseFirst("The lot recall opens from the client list", "Client › Lot recall…")
		return
	}
	if m.recall != nil && m.recall.store == m.store {
		m.recall.show(m.win)
		return
	}
	m.recall = showLotRecall(m.app, m.win, m.store, m.openFromRecall)
}

// openFromRecall opens the page of a client chosen in the lot recall.
func (m *mainWindow) openFromRecall(id string) {
	if m.insightsInFront() { // the recall opened from a lot's safety signal
		m.closeInsights()
	}
	m.list.search.SetText("")
	m.list.selectID(id)
	m.showClient(data.ClientSummary{ID: id})
}

// clientInFront is the client whose page, photos or session is open; without one the
// practitioner is told to choose a client first.
func (m *mainWindow) clientInFront() (data.Client, bool) {
	switch {
	case m.editor != nil:
		return m.editor.ed.client, true
	case m.photos != nil:
		return m.photos.client, true
	case m.current.ID != "" && m.page.st.client.ID == m.current.ID:
		return m.page.st.client, true
	}
	dialog.ShowInformation("Choose a client first", "Open a client's page from the client list on the left, then choose Export again.", m.win)
	return data.Client{}, false
}

// exportForSession writes a document of the session in front: the one open in the editor, or
// else the client's latest session.
func (m *mainWindow) exportForSession(write func(a fyne.App, win fyne.Window, store practiceStore, c data.Client, id, day string)) {
	if m.editor != nil {
		m.editor.export(write)
		return
	}
	c, ok := m.clientInFront()
	if !ok {
		return
	}
	if len(m.page.st.timeline) == 0 || m.page.st.client.ID != c.ID {
		dialog.ShowInformation("No session yet", c.Name()+" has no session to export: start one with Session › New session (Ctrl+N).", m.win)
		return
	}
	last := m.page.st.timeline[0]
	write(m.app, m.win, m.store, c, last.SessionID, last.StartedAt.Local().Format("2006-01-02"))
}
