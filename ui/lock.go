package ui

import (
	"context"
	"fmt"
	"image/color"
	"runtime"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
)

// The lock screen, sign-in and the idle lock.
//
// When any practitioner has a passphrase, the window opens to the lock screen, locks on demand
// and after the practice's idle time, and whoever unlocks it is the signed-in practitioner, to
// whom the app attributes its writes. Locking replaces the window's whole content: the app's
// screens leave the window (they keep their state for the unlock), as do its menu, its dialogs
// and the app's other windows, so nothing of the records can be read or used behind the lock.
//
// Fyne has no hook that sees all input, so the idle lock counts as activity:
//   - the pointer moving, clicking or scrolling over the window where no button, list or other
//     hover-aware widget sits above (a transparent layer behind the window's content);
//   - keys typed while no widget has the focus (the canvas's key handlers, chained);
//   - every lockPoll, a change in any window's focused widget, in a text field's caret or
//     selection, or in the number of dialogs open: typing in a field moves its caret;
//   - whatever the window's own code reports with touch (menu actions, say).
//
// What it cannot see: the pointer moving only over buttons and list rows, and the mouse wheel
// over a list. A practitioner who only reads or scrolls a list for the idle time is locked out,
// as with a screen saver. The idle time is measured on the wall clock, so a computer woken
// from sleep locks within lockPoll.

// lockPoll is by default how often the idle lock looks for activity and, while locked, puts away dialogs
// and windows that the app's background work opened. Zero turns the polling off: tests then
// call tick themselves.
const lockPoll = 2 * time.Second

// locker owns the window's content and decides when the lock screen covers it.
type locker struct {
	app   fyne.App
	win   fyne.Window
	store nlstore.Store

	// throttle counts wrong passphrases on the lock screen and in the passphrase dialogs alike.
	throttle throttle
	// pollEvery is how often the idle lock looks for activity (lockPoll); 0, in tests, polls not
	// at all: they call tick on their own goroutine.
	pollEvery time.Duration

	root    *fyne.Container   // the window's content: the app over the activity layer, or the lock screen
	content fyne.CanvasObject // the app's own content, kept while locked
	layer   *activityLayer
	screen  *lockScreen // while locked

	isLocked  bool
	checking  bool              // covering a newly opened practice until it is known to need no lock
	user      data.Practitioner // the signed-in practitioner; zero while no one has a passphrase
	idleAfter time.Duration     // zero: no idle lock (no passphrase is set)
	minutes   int               // the practice's idle lock setting
	last      time.Time         // the last activity seen
	lastPrint string            // what the windows' focus looked like at the last poll
	dialogs   int               // the lock screen's own dialogs open: the sweep leaves overlays alone
	now       func() time.Time
	noMenu    *fyne.MainMenu // the menu while locked

	hidden struct { // what the lock took away, given back on unlock
		menu      *fyne.MainMenu
		overlays  []fyne.CanvasObject
		windows   []fyne.Window
		focused   fyne.Focusable
		typedKey  func(*fyne.KeyEvent)
		typedRune func(rune)
	}

	stop, done chan struct{} // the poll's

	onLock   func()
	onUnlock func(p data.Practitioner)
	// onQuit closes the window as File › Quit does; while locked, the lock screen's Quit and
	// Ctrl+Q call it, the menu being hidden.
	onQuit func()
}

// quit closes the window from the lock screen.
func (l *locker) quit() {
	if l.onQuit != nil {
		l.onQuit()
	}
}

// newLocker takes over win's content, putting the activity layer behind it. Call useStore to
// show a practice: it decides whether the window opens locked.
func newLocker(a fyne.App, win fyne.Window) *locker {
	l := &locker{app: a, win: win, pollEvery: lockPoll, now: func() time.Time { return time.Now().Round(0) }} // Round(0): wall clock
	if runtime.GOOS == "darwin" {
		// Given no menu, Fyne leaves macOS's menu bar as it was, items and all: an empty one clears it.
		l.noMenu = fyne.NewMainMenu()
	}
	l.layer = newActivityLayer(l.touch)
	l.content = win.Content()
	l.root = container.NewStack(l.layer, l.content)
	win.SetContent(l.root)
	cv := win.Canvas()
	// Keys reach the canvas only while no widget has the focus: activity all the same.
	prevKey, prevRune := cv.OnTypedKey(), cv.OnTypedRune()
	cv.SetOnTypedKey(func(k *fyne.KeyEvent) {
		l.touch()
		if prevKey != nil {
			prevKey(k)
		}
	})
	cv.SetOnTypedRune(func(r rune) {
		l.touch()
		if prevRune != nil {
			prevRune(r)
		}
	})
	l.touch()
	return l
}

// useStore shows the practice in s. The window is covered at once and stays locked when a
// practitioner of s has a passphrase; no one is signed in until someone unlocks it.
func (l *locker) useStore(s nlstore.Store) {
	if l.isLocked && l.store == s {
		return
	}
	l.store = s
	l.user = data.Practitioner{}
	l.idleAfter = 0
	if l.isLocked {
		l.endScreen()
		l.screen = newLockScreen(l)
		l.root.Objects = []fyne.CanvasObject{l.screen.content}
		l.root.Refresh()
	} else {
		l.lock()
	}
	l.checking = true
	l.screen.load()
}

// lockNow locks the window: Ctrl+L. While no one has a passphrase it shows how to set one.
func (l *locker) lockNow() {
	if l.store != nil && !l.isLocked {
		l.lock()
		l.screen.load()
	}
}

// locked reports whether the lock screen covers the window.
func (l *locker) locked() bool { return l.isLocked }

// signedIn is the practitioner who unlocked the window; zero while no one has a passphrase.
func (l *locker) signedIn() data.Practitioner { return l.user }

// actor returns a context attributing writes to the signed-in practitioner in the audit log.
func (l *locker) actor(ctx context.Context) context.Context { return data.WithActor(ctx, l.user.ID) }

// touch reports activity: it puts the idle lock off.
func (l *locker) touch() { l.last = l.now() }

// setMenu sets the window's main menu, or keeps it for the unlock while locked.
func (l *locker) setMenu(m *fyne.MainMenu) {
	if l.isLocked {
		l.hidden.menu = m
		return
	}
	l.win.SetMainMenu(m)
}

// setIdleMinutes applies a new idle lock time at once, as Settings saves it.
func (l *locker) setIdleMinutes(n int) {
	l.minutes = n
	if l.idleAfter > 0 {
		l.idleAfter = time.Duration(n) * time.Minute
	}
}

// changePassphrase lets the signed-in practitioner change their passphrase, then calls done (if
// not nil). While no one is signed in (no one has one), it locks, which offers each practitioner
// to set one; onUnlock follows.
func (l *locker) changePassphrase(done func()) {
	if l.user.ID == "" {
		l.lockNow()
		return
	}
	showChangePassphrase(l.win, l.store, &l.throttle, l.user, done)
}

// close stops the idle lock's polling.
func (l *locker) close() {
	if l.stop != nil {
		close(l.stop)
		<-l.done
		l.stop = nil
	}
}

func (l *locker) lock() {
	if l.isLocked {
		return
	}
	l.isLocked = true
	cv := l.win.Canvas()
	l.hidden.focused = cv.Focused()
	cv.Unfocus()
	l.hidden.typedKey, l.hidden.typedRune = cv.OnTypedKey(), cv.OnTypedRune()
	// The app's Escape handlers would act on the screens behind the lock.
	cv.SetOnTypedKey(nil)
	cv.SetOnTypedRune(nil)
	// Ctrl+Q hangs on the menu, which the lock hides: the canvas takes it meanwhile.
	cv.AddShortcut(scQuit, func(fyne.Shortcut) { l.quit() })
	l.hidden.menu = l.win.MainMenu()
	l.win.SetMainMenu(l.noMenu)
	l.endScreen()
	l.screen = newLockScreen(l)
	l.root.Objects = []fyne.CanvasObject{l.screen.content}
	l.root.Refresh()
	l.sweep()
	l.startPoll()
	if l.onLock != nil {
		l.onLock()
	}
}

// sweep puts away, for the unlock, whatever has come over the lock screen: the app's dialogs
// and other windows, opened before the lock or by background work since.
func (l *locker) sweep() {
	if !l.isLocked || l.dialogs > 0 {
		return
	}
	cv := l.win.Canvas()
	for _, o := range slices.Clone(cv.Overlays().List()) {
		cv.Overlays().Remove(o)
		l.hidden.overlays = append(l.hidden.overlays, o)
	}
	for _, w := range l.app.Driver().AllWindows() {
		if w != l.win {
			w.Hide()
			if !slices.Contains(l.hidden.windows, w) {
				l.hidden.windows = append(l.hidden.windows, w)
			}
		}
	}
	if m := l.win.MainMenu(); m != nil && m != l.noMenu { // set by code that did not go through setMenu
		l.hidden.menu = m
		l.win.SetMainMenu(l.noMenu)
	}
	if cv.Focused() == nil && l.screen != nil {
		l.screen.focus()
	}
}

// endScreen ends the life of the lock screen shown, if any: its reads stop.
func (l *locker) endScreen() {
	if l.screen != nil {
		l.screen.life.end()
	}
}

func (l *locker) unlock(p data.Practitioner) {
	if !l.isLocked {
		return
	}
	l.endScreen()
	l.isLocked, l.checking, l.screen = false, false, nil
	l.user = p
	l.idleAfter = 0
	if p.ID != "" { // signed in with a passphrase: the practice has one, so it locks when left
		l.idleAfter = time.Duration(max(l.minutes, data.MinIdleLockMinutes)) * time.Minute
	}
	l.root.Objects = []fyne.CanvasObject{l.layer, l.content}
	l.root.Refresh()
	cv := l.win.Canvas()
	cv.RemoveShortcut(scQuit)
	l.win.SetMainMenu(l.hidden.menu)
	for _, o := range l.hidden.overlays {
		if o.Visible() { // not closed meanwhile
			cv.Overlays().Add(o)
		}
	}
	open := l.app.Driver().AllWindows()
	for _, w := range l.hidden.windows {
		if slices.Contains(open, w) {
			w.Show()
		}
	}
	cv.SetOnTypedKey(l.hidden.typedKey)
	cv.SetOnTypedRune(l.hidden.typedRune)
	if l.hidden.focused != nil {
		cv.Focus(l.hidden.focused) // ignored when it has left the window meanwhile
	}
	l.hidden.menu, l.hidden.overlays, l.hidden.windows, l.hidden.focused = nil, nil, nil, nil
	l.hidden.typedKey, l.hidden.typedRune = nil, nil
	l.touch()
	l.lastPrint = l.fingerprint()
	if l.onUnlock != nil {
		l.onUnlock(p)
	}
}

// startPoll starts the polling; the first lock does, and useStore locks at once. close stops it.
func (l *locker) startPoll() {
	if l.stop == nil && l.pollEvery > 0 {
		l.stop, l.done = make(chan struct{}), make(chan struct{})
		go l.poll(l.pollEvery, l.stop, l.done)
	}
}

func (l *locker) poll(every time.Duration, stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fyne.Do(l.tick)
		}
	}
}

// tick is one poll: while unlocked, it looks for activity and locks when there has been none
// for the idle time; while locked, it sweeps.
func (l *locker) tick() {
	if l.isLocked {
		l.sweep()
		return
	}
	if l.idleAfter <= 0 {
		return
	}
	if p := l.fingerprint(); p != l.lastPrint {
		l.lastPrint = p
		l.touch()
	}
	if l.now().Sub(l.last) >= l.idleAfter {
		l.lock()
		l.screen.load()
	}
}

// caret is what a text field shows of typing: Fyne's Entry, and the app's fields built on it.
type caret interface {
	CursorTextOffset() int
	SelectedText() string
}

// fingerprint sums up, for every window, what typing and tabbing change.
func (l *locker) fingerprint() string {
	var b strings.Builder
	for _, w := range l.app.Driver().AllWindows() {
		cv := w.Canvas()
		f := cv.Focused()
		fmt.Fprintf(&b, "%p/%d", f, len(cv.Overlays().List()))
		if c, ok := f.(caret); ok {
			fmt.Fprintf(&b, "/%d/%d", c.CursorTextOffset(), len(c.SelectedText()))
		}
		b.WriteByte(';')
	}
	return b.String()
}

// activityLayer lies behind the window's content and sees the pointer wherever nothing above
// it takes the pointer itself: labels, fields, padding, empty space.
type activityLayer struct {
	widget.BaseWidget
	touch func()
}

func newActivityLayer(touch func()) *activityLayer {
	a := &activityLayer{touch: touch}
	a.ExtendBaseWidget(a)
	return a
}

func (a *activityLayer) MouseIn(*desktop.MouseEvent)    { a.touch() }
func (a *activityLayer) MouseMoved(*desktop.MouseEvent) { a.touch() }
func (a *activityLayer) MouseOut()                      {}
func (a *activityLayer) Tapped(*fyne.PointEvent)        { a.touch() }
func (a *activityLayer) Scrolled(*fyne.ScrollEvent)     { a.touch() }
func (a *activityLayer) MinSize() fyne.Size             { return fyne.Size{} }

func (a *activityLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}
