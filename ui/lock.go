package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"runtime"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
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

// lockPoll is how often the idle lock looks for activity and, while locked, puts away dialogs
// and windows that the app's background work opened. Zero turns the polling off: tests then
// call tick themselves.
var lockPoll = 2 * time.Second

// locker owns the window's content and decides when the lock screen covers it.
type locker struct {
	app   fyne.App
	win   fyne.Window
	store *sqlite.Store

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
}

// newLocker takes over win's content, putting the activity layer behind it. Call useStore to
// show a practice: it decides whether the window opens locked.
func newLocker(a fyne.App, win fyne.Window) *locker {
	l := &locker{app: a, win: win, now: func() time.Time { return time.Now().Round(0) }} // Round(0): wall clock
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
func (l *locker) useStore(s *sqlite.Store) {
	if l.isLocked && l.store == s {
		return
	}
	l.store = s
	l.user = data.Practitioner{}
	l.idleAfter = 0
	if l.isLocked {
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
	showChangePassphrase(l.win, l.store, l.user, done)
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
	l.hidden.menu = l.win.MainMenu()
	l.win.SetMainMenu(l.noMenu)
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

func (l *locker) unlock(p data.Practitioner) {
	if !l.isLocked {
		return
	}
	l.isLocked, l.checking, l.screen = false, false, nil
	l.user = p
	l.idleAfter = 0
	if p.ID != "" { // signed in with a passphrase: the practice has one, so it locks when left
		l.idleAfter = time.Duration(max(l.minutes, data.MinIdleLockMinutes)) * time.Minute
	}
	l.root.Objects = []fyne.CanvasObject{l.layer, l.content}
	l.root.Refresh()
	cv := l.win.Canvas()
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
	if l.stop == nil && lockPoll > 0 {
		l.stop, l.done = make(chan struct{}), make(chan struct{})
		go l.poll(lockPoll, l.stop, l.done)
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

// The lock screen's widgets take every keyboard shortcut themselves. Fyne hands a shortcut the
// focused widget does not take to the window's canvas, where a dialog hidden by the lock (the
// client form's Ctrl+S) may still listen.

type lockButton struct{ widget.Button }

func newLockButton(label string, tapped func()) *lockButton {
	b := &lockButton{}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *lockButton) TypedShortcut(fyne.Shortcut) {}

// lockEntry is a passphrase field: hidden text with a button to show it, and the clipboard.
type lockEntry struct{ widget.Entry }

func newLockEntry(placeholder string) *lockEntry {
	e := &lockEntry{}
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.PlaceHolder = placeholder
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey hands Escape to the window, which closes the dialog the field is in (a passphrase
// dialog); the lock screen itself has nothing that Escape closes.
func (e *lockEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		passKeyToWindow(e, k)
		return
	}
	e.Entry.TypedKey(k)
}

// TappedSecondary opens no menu: a menu is a dialog of its own, which the lock would sweep away.
func (e *lockEntry) TappedSecondary(*fyne.PointEvent) {}

func (e *lockEntry) TypedShortcut(s fyne.Shortcut) {
	switch s.(type) {
	case *fyne.ShortcutPaste, *fyne.ShortcutCut, *fyne.ShortcutCopy, *fyne.ShortcutSelectAll,
		*fyne.ShortcutUndo, *fyne.ShortcutRedo:
		e.Entry.TypedShortcut(s)
	}
}

// tapCatcher lies behind the lock screen: a click on empty space gives the focus back to the
// screen instead of leaving no widget focused (when the canvas gets the keys).
type tapCatcher struct {
	widget.BaseWidget
	tapped func()
}

func newTapCatcher(tapped func()) *tapCatcher {
	c := &tapCatcher{tapped: tapped}
	c.ExtendBaseWidget(c)
	return c
}

func (c *tapCatcher) Tapped(*fyne.PointEvent) { c.tapped() }
func (c *tapCatcher) MinSize() fyne.Size      { return fyne.Size{} }

func (c *tapCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// chooser is a column of buttons of which one may be chosen: the practitioners. Buttons rather
// than a select, whose list would open as a dialog of its own.
type chooser struct {
	box      *fyne.Container
	buttons  []*lockButton
	chosen   int
	onChoose func(int)
}

func newChooser(labels []string, onChoose func(int)) *chooser {
	c := &chooser{box: container.NewVBox(), chosen: -1, onChoose: onChoose}
	for i, label := range labels {
		b := newLockButton(label, func() { c.choose(i) })
		b.Alignment = widget.ButtonAlignLeading
		b.Icon = theme.AccountIcon()
		c.buttons = append(c.buttons, b)
		c.box.Add(b)
	}
	return c
}

func (c *chooser) choose(i int) {
	for j, b := range c.buttons {
		imp := widget.MediumImportance
		if j == i {
			imp = widget.HighImportance
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
	c.chosen = i
	if c.onChoose != nil {
		c.onChoose(i)
	}
}

// uniqueLabels names accounts for choosing between them; two practitioners may share a name.
func uniqueLabels(accounts []data.Account) []string {
	seen := map[string]int{}
	out := make([]string, len(accounts))
	for i, a := range accounts {
		label := a.Name
		if a.Credentials != "" {
			label += ", " + a.Credentials
		}
		seen[label]++
		if n := seen[label]; n > 1 {
			label = fmt.Sprintf("%s (%d)", label, n)
		}
		out[i] = label
	}
	return out
}

// throttle slows down guessing: after a few wrong passphrases in a row, each try waits longer
// (1 s, 2 s, 4 s... up to 30 s). It only slows a person at the keyboard: the passphrase guards
// the screen, not the file.
type throttle struct {
	fails int
	until time.Time
}

// signInThrottle counts wrong passphrases on the lock screen and in the reset dialog alike.
var signInThrottle throttle

const freeTries = 3

func (t *throttle) wait(now time.Time) time.Duration {
	if now.Before(t.until) {
		return t.until.Sub(now)
	}
	return 0
}

func (t *throttle) fail(now time.Time) {
	t.fails++
	if t.fails >= freeTries {
		t.until = now.Add(min(time.Second<<min(t.fails-freeTries, 5), 30*time.Second))
	}
}

func (t *throttle) succeed() { *t = throttle{} }

// waitSentence asks to wait d before another try.
func waitSentence(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s == 1 {
		return "Wait a second before trying again."
	}
	return fmt.Sprintf("Wait %d seconds before trying again.", s)
}

// lockScreen is what the locked window shows.
type lockScreen struct {
	l        *locker
	accounts []data.Account
	people   *chooser
	chosen   data.Account

	note    *widget.Label // what the screen is for
	list    *fyne.Container
	prompt  *widget.Label // what to type, for whom
	pass    *lockEntry
	unlock  *lockButton
	forgot  *lockButton
	newPass *lockEntry
	repeat  *lockEntry
	set     *lockButton
	// Once the practice uses passphrases, an admin confirms a first one with their own.
	admins    []data.Account
	admin     data.Account
	adminBox  *fyne.Container
	adminNote *widget.Label
	adminPick *fyne.Container
	adminPass *lockEntry
	message   *widget.Label
	retry     *lockButton
	back      *lockButton
	signIn    *fyne.Container // for a practitioner with a passphrase
	setUp     *fyne.Container // for one without
	box       *fyne.Container // all of the above
	center    *fyne.Container // laid out again as parts show and hide
	busy      bool
	content   fyne.CanvasObject
}

func newLockScreen(l *locker) *lockScreen {
	ls := &lockScreen{l: l}
	icon := canvas.NewImageFromResource(appIcon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(64, 64))
	title := widget.NewLabelWithStyle("Needlelog", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	ls.note = wrapLabel("Opening…")
	ls.note.Alignment = fyne.TextAlignCenter
	ls.list = container.NewVBox()
	ls.prompt = wrapLabel("")
	ls.prompt.TextStyle.Bold = true
	ls.pass = newLockEntry("Passphrase")
	ls.pass.OnSubmitted = func(string) { ls.submit() }
	ls.unlock = newLockButton("Unlock", ls.submit)
	ls.unlock.Importance = widget.HighImportance
	ls.unlock.Icon = theme.LoginIcon()
	ls.forgot = newLockButton("Forgot your passphrase?", ls.forgotten)
	ls.forgot.Importance = widget.LowImportance
	ls.signIn = container.NewVBox(ls.pass, ls.unlock, ls.forgot)
	ls.newPass = newLockEntry(fmt.Sprintf("New passphrase, at least %d characters", data.MinPassphraseLength))
	ls.repeat = newLockEntry("The same passphrase again")
	ls.newPass.OnSubmitted = func(string) { l.win.Canvas().Focus(ls.repeat) }
	ls.adminNote = wrapLabel("")
	ls.adminPick = container.NewVBox()
	ls.adminPass = newLockEntry("Admin's passphrase")
	ls.adminPass.OnSubmitted = func(string) { ls.setAndSignIn() }
	ls.adminBox = container.NewVBox(ls.adminNote, ls.adminPick, ls.adminPass)
	ls.repeat.OnSubmitted = func(string) {
		if ls.adminBox.Visible() && ls.adminPass.Visible() {
			l.win.Canvas().Focus(ls.adminPass)
			return
		}
		ls.setAndSignIn()
	}
	ls.set = newLockButton("Set passphrase and sign in", ls.setAndSignIn)
	ls.set.Importance = widget.HighImportance
	ls.setUp = container.NewVBox(ls.newPass, ls.repeat, ls.adminBox, ls.set)
	ls.message = wrapLabel("")
	ls.message.Importance = widget.DangerImportance
	ls.retry = newLockButton("Try again", ls.load)
	ls.back = newLockButton("Back to the practice", func() { l.unlock(l.user) })
	for _, o := range []fyne.CanvasObject{ls.prompt, ls.signIn, ls.setUp, ls.message, ls.retry, ls.back} {
		o.Hide()
	}
	ls.box = container.NewVBox(container.NewCenter(icon), title, ls.note, ls.list, ls.prompt, ls.signIn, ls.setUp,
		ls.message, ls.retry, ls.back)
	ls.center = container.NewCenter(atLeastWide(380, container.NewPadded(ls.box)))
	ls.content = container.NewStack(newTapCatcher(ls.focus), ls.center)
	return ls
}

func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// lockState is what the lock screen needs from the database.
type lockState struct {
	accounts []data.Account
	minutes  int
}

// load reads who can sign in, and shows them.
func (ls *lockScreen) load() {
	l, s := ls.l, ls.l.store
	async(func() (lockState, error) {
		ctx := context.Background()
		accounts, err := s.Accounts(ctx)
		if err != nil {
			return lockState{}, err
		}
		minutes, err := s.IdleLockMinutes(ctx)
		return lockState{accounts, minutes}, err
	}, func(st lockState, err error) {
		if l.screen != ls || l.store != s {
			return // unlocked, or another practice opened, meanwhile
		}
		ls.apply(st, err)
	})
}

func (ls *lockScreen) apply(st lockState, err error) {
	l := ls.l
	ls.retry.Hide()
	ls.message.Hide()
	if err != nil {
		ls.retry.Show()
		ls.show(errorSentence("read who can sign in", err))
		return
	}
	l.minutes = st.minutes
	anySet := slices.ContainsFunc(st.accounts, func(a data.Account) bool { return a.HasPassphrase })
	if !anySet && l.checking {
		l.unlock(data.Practitioner{}) // nothing to lock with
		return
	}
	l.checking = false
	ls.accounts = st.accounts
	ls.back.Hidden = anySet
	ls.back.Refresh()
	switch {
	case len(st.accounts) == 0:
		ls.note.SetText("There is no practitioner to sign in as. Add practitioners in File › Settings… › Practitioners.")
	case !anySet:
		ls.note.SetText("No practitioner has a passphrase yet, so Needlelog cannot lock. Choose your name to set one.")
	default:
		ls.note.SetText("Needlelog is locked. Choose your name to sign in.")
	}
	ls.people = newChooser(uniqueLabels(st.accounts), ls.choose)
	var list fyne.CanvasObject = ls.people.box
	if len(st.accounts) > 6 { // a long list scrolls rather than push the passphrase off the window
		sc := container.NewVScroll(list)
		sc.SetMinSize(fyne.NewSize(0, 6*ls.people.buttons[0].MinSize().Height))
		list = sc
	}
	ls.list.Objects = []fyne.CanvasObject{list}
	ls.list.Refresh()
	// The one chosen before a reload, the one who was signed in, or the only practitioner.
	want := ls.chosen.ID
	if want == "" {
		want = l.user.ID
	}
	ls.chosen = data.Account{}
	ls.prompt.Hide()
	ls.signIn.Hide()
	ls.setUp.Hide()
	for i, a := range st.accounts {
		if a.ID == want || len(st.accounts) == 1 {
			ls.people.choose(i)
		}
	}
	ls.relayout()
	ls.focus()
}

// choose shows what the chosen practitioner types: their passphrase, or a new one.
func (ls *lockScreen) choose(i int) {
	a := ls.accounts[i]
	ls.chosen = a
	ls.message.Hide()
	ls.pass.SetText("")
	ls.newPass.SetText("")
	ls.repeat.SetText("")
	if a.HasPassphrase {
		ls.prompt.SetText("Passphrase for " + a.Name)
		// Only another admin with a passphrase can help.
		ls.forgot.Hidden = !slices.ContainsFunc(ls.accounts, func(o data.Account) bool {
			return o.Role == data.RoleAdmin && o.HasPassphrase && o.ID != a.ID
		})
		ls.forgot.Refresh()
		ls.setUp.Hide()
		ls.signIn.Show()
	} else {
		ls.prompt.SetText(fmt.Sprintf("%s has no passphrase yet. Choose one of at least %d characters: you will "+
			"type it each time Needlelog is locked. A few words are easier to remember than symbols.",
			a.Name, data.MinPassphraseLength))
		ls.showAdmins(a)
		ls.signIn.Hide()
		ls.setUp.Show()
	}
	ls.prompt.Show()
	ls.relayout()
	ls.focus()
}

// showAdmins asks for an admin's confirmation of a's first passphrase once someone else has one:
// otherwise whoever reaches the lock screen could choose it and sign in as a.
func (ls *lockScreen) showAdmins(a data.Account) {
	ls.admins, ls.admin = nil, data.Account{}
	ls.adminPass.SetText("")
	ls.adminPick.RemoveAll()
	ls.set.Enable()
	if !slices.ContainsFunc(ls.accounts, func(o data.Account) bool { return o.HasPassphrase && o.ID != a.ID }) {
		ls.adminBox.Hide() // the practice's first passphrase
		return
	}
	ls.adminBox.Show()
	for _, o := range ls.accounts {
		if o.Role == data.RoleAdmin && o.HasPassphrase && o.ID != a.ID {
			ls.admins = append(ls.admins, o)
		}
	}
	switch len(ls.admins) {
	case 0:
		ls.adminNote.SetText("An admin confirms a first passphrase with their own, and no admin has one yet: " +
			"ask a colleague who signs in to make an admin in Settings.")
		ls.adminPass.Hide()
		ls.set.Disable()
	case 1:
		ls.admin = ls.admins[0]
		ls.adminNote.SetText(ls.admin.Name + ", an admin, confirms with their passphrase:")
		ls.adminPass.Show()
	default:
		ls.adminNote.SetText("An admin confirms with their passphrase:")
		pick := newChooser(uniqueLabels(ls.admins), func(i int) {
			ls.admin = ls.admins[i]
			ls.l.win.Canvas().Focus(ls.adminPass)
		})
		ls.adminPick.Add(pick.box)
		ls.adminPass.Show()
	}
}

// relayout fits the screen to what it shows now.
func (ls *lockScreen) relayout() {
	ls.box.Refresh()
	ls.center.Refresh()
}

// focus puts the keyboard where the practitioner types next.
func (ls *lockScreen) focus() {
	cv := ls.l.win.Canvas()
	switch {
	case ls.chosen.ID != "" && ls.chosen.HasPassphrase:
		cv.Focus(ls.pass)
	case ls.chosen.ID != "":
		cv.Focus(ls.newPass)
	case ls.people != nil && len(ls.people.buttons) > 0:
		cv.Focus(ls.people.buttons[0])
	case ls.retry.Visible():
		cv.Focus(ls.retry)
	}
}

func (ls *lockScreen) show(message string) {
	ls.message.SetText(message)
	ls.message.Show()
	ls.relayout()
}

// submit signs the chosen practitioner in with the passphrase typed.
func (ls *lockScreen) submit() {
	l, s, a, pass := ls.l, ls.l.store, ls.chosen, ls.pass.Text
	if ls.busy || a.ID == "" || !a.HasPassphrase {
		return
	}
	if d := signInThrottle.wait(l.now()); d > 0 {
		ls.show(waitSentence(d))
		return
	}
	if pass == "" {
		ls.show("Type your passphrase.")
		return
	}
	ls.setBusy(true)
	async(func() (struct{}, error) { return struct{}{}, s.SignIn(context.Background(), a.ID, pass) },
		func(_ struct{}, err error) {
			if l.screen != ls || l.store != s {
				return
			}
			ls.setBusy(false)
			switch {
			case err == nil:
				signInThrottle.succeed()
				l.unlock(a.Practitioner)
			case errors.Is(err, data.ErrWrongPassphrase):
				signInThrottle.fail(l.now())
				ls.pass.SetText("")
				msg := "That passphrase is not right for " + a.Name + ". Check Caps Lock and try again."
				if d := signInThrottle.wait(l.now()); d > 0 {
					msg = "That passphrase is not right for " + a.Name + ". " + waitSentence(d)
				}
				ls.show(msg)
				ls.focus()
			case errors.Is(err, data.ErrNoPassphrase):
				ls.load() // reset by an admin meanwhile
			default:
				ls.show(errorSentence("sign in", err))
			}
		})
}

// setAndSignIn sets a first passphrase for the chosen practitioner and signs them in.
func (ls *lockScreen) setAndSignIn() {
	l, s, a := ls.l, ls.l.store, ls.chosen
	pass, again := ls.newPass.Text, ls.repeat.Text
	admin, adminPass := ls.admin, ls.adminPass.Text
	needAdmin := ls.adminBox.Visible()
	if ls.busy || a.ID == "" || a.HasPassphrase {
		return
	}
	if pass != again {
		ls.show("The two passphrases differ: type the same one in both fields.")
		ls.repeat.SetText("")
		l.win.Canvas().Focus(ls.repeat)
		return
	}
	if needAdmin {
		switch {
		case len(ls.admins) == 0:
			return
		case admin.ID == "":
			ls.show("Choose the admin who confirms.")
			return
		case adminPass == "":
			ls.show(admin.Name + " types their passphrase to confirm.")
			l.win.Canvas().Focus(ls.adminPass)
			return
		}
		if d := signInThrottle.wait(l.now()); d > 0 {
			ls.show(waitSentence(d))
			return
		}
	}
	ls.setBusy(true)
	adminWrong := false
	async(func() (struct{}, error) {
		ctx := data.WithActor(context.Background(), a.ID)
		if needAdmin {
			// The admin's sign-in checks their passphrase and unseals their key, which signs the entry.
			if err := s.SignIn(context.Background(), admin.ID, adminPass); err != nil {
				adminWrong = errors.Is(err, data.ErrWrongPassphrase)
				return struct{}{}, err
			}
			ctx = data.WithActor(context.Background(), admin.ID)
		}
		if err := s.SetPassphrase(ctx, a.ID, "", pass); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.SignIn(data.WithActor(context.Background(), a.ID), a.ID, pass)
	}, func(_ struct{}, err error) {
		if needAdmin {
			// The admin's key is not kept; the practitioner's, unsealed by their sign-in, is.
			if err == nil {
				s.SetActor(a.ID)
			} else {
				s.SetActor("")
			}
		}
		if l.screen != ls || l.store != s {
			return
		}
		ls.setBusy(false)
		var ve *data.ValidationError
		switch {
		case err == nil:
			signInThrottle.succeed()
			l.unlock(a.Practitioner)
		case adminWrong:
			signInThrottle.fail(l.now())
			ls.adminPass.SetText("")
			msg := "That passphrase is not right for " + admin.Name + "."
			if d := signInThrottle.wait(l.now()); d > 0 {
				msg += " " + waitSentence(d)
			}
			ls.show(msg)
			l.win.Canvas().Focus(ls.adminPass)
		case errors.As(err, &ve):
			ls.show(ve.Error())
			l.win.Canvas().Focus(ls.newPass)
		case errors.Is(err, data.ErrFirstPassphraseNeedsAdmin):
			ls.load() // someone set a passphrase meanwhile: an admin must confirm
		case errors.Is(err, data.ErrWrongPassphrase):
			ls.load() // someone set one meanwhile
		default:
			ls.show(errorSentence("set the passphrase", err))
		}
	})
}

func (ls *lockScreen) setBusy(busy bool) {
	ls.busy = busy
	for _, b := range []*lockButton{ls.unlock, ls.set} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// forgotten asks an admin to reset the chosen practitioner's passphrase.
func (ls *lockScreen) forgotten() {
	l, a := ls.l, ls.chosen
	l.dialogs++
	s := l.store
	showResetPassphrase(l.win, s, data.Practitioner{}, a.ID, func(reset bool) {
		l.dialogs--
		// The admin's passphrase unsealed their signing key to sign the reset; no one is signed
		// in at the lock screen, so it is forgotten at once.
		s.SetActor("")
		if reset && l.screen == ls {
			ls.load()
		}
	})
}

// showResetPassphrase lets a practitioner with the admin role clear another's forgotten
// passphrase; its owner chooses a new one at their next sign-in. The admin confirms with
// their own passphrase, which is logged as a sign-in, and the reset is logged as theirs.
//
// admin is the admin signed in (from Settings), or zero to choose one in the dialog (from the
// lock screen); target is whose passphrase, or "" to choose. closed runs when the dialog
// closes, telling whether a passphrase was reset.
func showResetPassphrase(win fyne.Window, s *sqlite.Store, admin data.Practitioner, target string, closed func(reset bool)) {
	done := func(reset bool) {
		if closed != nil {
			closed(reset)
		}
	}
	if admin.ID != "" && admin.Role != data.RoleAdmin {
		d := dialog.NewInformation("Reset a passphrase",
			"Only a practitioner with the admin role can reset a passphrase.", win)
		d.SetOnClosed(func() { done(false) })
		d.Show()
		return
	}
	async(func() ([]data.Account, error) { return s.Accounts(context.Background()) },
		func(accounts []data.Account, err error) {
			if err != nil {
				showError(win, "read who can sign in", err)
				done(false)
				return
			}
			newResetDialog(win, s, accounts, admin, target, func(reset bool, who data.Account) {
				if reset && admin.ID != "" { // from Settings; the lock screen shows it itself
					dialog.ShowInformation("Passphrase reset", who.Name+" chooses a new passphrase when they next sign in.", win)
				}
				done(reset)
			})
		})
}

// resetDialog is showResetPassphrase's dialog.
type resetDialog struct {
	win      fyne.Window
	store    *sqlite.Store
	d        *dialog.CustomDialog
	targets  []data.Account // whose passphrase may be reset
	admins   []data.Account // who may reset it
	target   data.Account
	admin    data.Account
	pass     *lockEntry
	prompt   *widget.Label
	message  *widget.Label
	reset    *lockButton
	done     func(reset bool, who data.Account)
	finished bool
}

func newResetDialog(win fyne.Window, s *sqlite.Store, accounts []data.Account, admin data.Practitioner, targetID string,
	done func(reset bool, who data.Account)) {
	adminID := admin.ID
	r := &resetDialog{win: win, store: s, done: done}
	for _, a := range accounts {
		if a.HasPassphrase && a.ID != adminID && (targetID == "" || a.ID == targetID) {
			r.targets = append(r.targets, a)
		}
		// Chosen in the dialog, an admin confirms with a passphrase, so needs one.
		if a.Role == data.RoleAdmin && (a.ID == adminID || adminID == "" && a.HasPassphrase) {
			r.admins = append(r.admins, a)
		}
	}
	if adminID != "" && len(r.admins) == 0 {
		r.admins = []data.Account{{Practitioner: admin}} // retired meanwhile: the reset will be refused
	}
	r.pass = newLockEntry("Passphrase")
	r.pass.OnSubmitted = func(string) { r.submit() }
	r.prompt = wrapLabel("")
	r.prompt.TextStyle.Bold = true
	r.message = wrapLabel("")
	r.message.Importance = widget.DangerImportance // shown empty: a dialog does not grow to fit
	r.reset = newLockButton("Reset passphrase", r.submit)
	r.reset.Importance = widget.DangerImportance

	box := container.NewVBox()
	switch {
	case len(r.targets) == 0:
		box.Add(wrapLabel("No other practitioner has a passphrase to reset."))
		r.reset.Disable()
	case targetID != "":
		r.target = r.targets[0]
		box.Add(wrapLabel("Reset the passphrase of " + r.target.Name + "?"))
	default:
		box.Add(widget.NewLabelWithStyle("Whose passphrase?", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		who := newChooser(uniqueLabels(r.targets), func(i int) { r.target = r.targets[i] })
		box.Add(container.NewVScroll(who.box))
	}
	box.Add(wrapLabel("They choose a new passphrase when they next sign in, an admin confirming it. No record changes: the passphrase " +
		"does not lock any data away. The reset is written in the audit log."))
	// A practitioner may not reset their own: they would not need to.
	admins := slices.DeleteFunc(slices.Clone(r.admins), func(a data.Account) bool { return a.ID == r.target.ID })
	switch {
	case len(r.targets) == 0:
	case adminID != "":
		r.admin = r.admins[0]
		r.prompt.SetText("Your passphrase, to confirm")
		box.Add(r.prompt)
		box.Add(r.pass)
	case len(admins) == 0:
		box.Add(wrapLabel("Only a practitioner with the admin role can reset a passphrase, and there is no other."))
		r.reset.Disable()
	default:
		box.Add(widget.NewLabelWithStyle("Admin", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		adminChooser := newChooser(uniqueLabels(admins), func(i int) {
			r.admin = admins[i]
			r.prompt.SetText("Passphrase of " + r.admin.Name)
			r.win.Canvas().Focus(r.pass)
		})
		r.prompt.SetText("Passphrase of the admin")
		box.Add(adminChooser.box)
		box.Add(r.prompt)
		box.Add(r.pass)
		if len(admins) == 1 {
			adminChooser.choose(0)
		}
	}
	box.Add(r.message)
	r.d = dialog.NewCustomWithoutButtons("Reset a passphrase", atLeastWide(420, box), win)
	r.d.SetButtons([]fyne.CanvasObject{newLockButton("Cancel", func() { r.close(false) }), r.reset})
	r.d.SetOnClosed(func() { r.close(false) })
	r.d.Show()
	if r.admin.ID != "" {
		win.Canvas().Focus(r.pass)
	}
}

func (r *resetDialog) close(reset bool) {
	if r.finished {
		return
	}
	r.finished = true
	r.d.Hide()
	r.done(reset, r.target)
}

func (r *resetDialog) show(message string) {
	r.message.SetText(message)
}

func (r *resetDialog) submit() {
	s, target, admin, pass := r.store, r.target, r.admin, r.pass.Text
	switch {
	case target.ID == "":
		r.show("Choose whose passphrase to reset.")
		return
	case admin.ID == "":
		r.show("Choose the admin who resets it.")
		return
	}
	if d := signInThrottle.wait(time.Now()); d > 0 {
		r.show(waitSentence(d))
		return
	}
	r.reset.Disable()
	async(func() (struct{}, error) {
		ctx := data.WithActor(context.Background(), admin.ID)
		if err := s.SignIn(ctx, admin.ID, pass); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.ResetPassphrase(ctx, target.ID)
	}, func(_ struct{}, err error) {
		if r.finished {
			return
		}
		r.reset.Enable()
		switch {
		case err == nil:
			signInThrottle.succeed()
			r.close(true)
		case errors.Is(err, data.ErrWrongPassphrase):
			signInThrottle.fail(time.Now())
			r.pass.SetText("")
			msg := "That passphrase is not right for " + admin.Name + "."
			if d := signInThrottle.wait(time.Now()); d > 0 {
				msg += " " + waitSentence(d)
			}
			r.show(msg)
		case errors.Is(err, data.ErrNoPassphrase):
			r.show(admin.Name + " has no passphrase: set one first, to confirm resets with it.")
		case errors.Is(err, data.ErrResetNotAllowed):
			r.show("Only another practitioner with the admin role can reset this passphrase.")
		default:
			r.show(errorSentence("reset the passphrase", err))
		}
	})
}

// showChangePassphrase lets a practitioner set or change their own passphrase: the current one
// first when they have one. done runs after a change.
func showChangePassphrase(win fyne.Window, s *sqlite.Store, p data.Practitioner, done func()) {
	async(func() ([]data.Account, error) { return s.Accounts(context.Background()) },
		func(accounts []data.Account, err error) {
			if err != nil {
				showError(win, "read who can sign in", err)
				return
			}
			has := slices.ContainsFunc(accounts, func(a data.Account) bool { return a.ID == p.ID && a.HasPassphrase })
			newChangeDialog(win, s, p, has, done)
		})
}

func newChangeDialog(win fyne.Window, s *sqlite.Store, p data.Practitioner, has bool, done func()) {
	old := newLockEntry("Current passphrase")
	pass := newLockEntry(fmt.Sprintf("New passphrase, at least %d characters", data.MinPassphraseLength))
	again := newLockEntry("The same passphrase again")
	message := wrapLabel("")
	message.Importance = widget.DangerImportance // shown empty: a dialog does not grow to fit
	show := message.SetText
	box := container.NewVBox(wrapLabel("Your passphrase unlocks Needlelog as " + p.Name + ". If you forget it, " +
		"a practitioner with the admin role can reset it; no record is lost."))
	if has {
		box.Add(old)
	}
	box.Add(pass)
	box.Add(again)
	box.Add(message)
	var d *dialog.CustomDialog
	var save *lockButton
	submit := func() {
		if pass.Text != again.Text {
			show("The two new passphrases differ: type the same one in both fields.")
			again.SetText("")
			win.Canvas().Focus(again)
			return
		}
		if d := signInThrottle.wait(time.Now()); d > 0 {
			show(waitSentence(d))
			return
		}
		save.Disable()
		oldText, newText := old.Text, pass.Text
		async(func() (struct{}, error) {
			return struct{}{}, s.SetPassphrase(data.WithActor(context.Background(), p.ID), p.ID, oldText, newText)
		}, func(_ struct{}, err error) {
			save.Enable()
			var ve *data.ValidationError
			switch {
			case err == nil:
				signInThrottle.succeed()
				d.Hide()
				if done != nil {
					done()
				}
			case errors.Is(err, data.ErrWrongPassphrase):
				signInThrottle.fail(time.Now())
				old.SetText("")
				show("Your current passphrase is not right.")
				win.Canvas().Focus(old)
			case errors.As(err, &ve):
				show(ve.Error())
			default:
				show(errorSentence("change the passphrase", err))
			}
		})
	}
	old.OnSubmitted = func(string) { win.Canvas().Focus(pass) }
	pass.OnSubmitted = func(string) { win.Canvas().Focus(again) }
	again.OnSubmitted = func(string) { submit() }
	title := "Set your passphrase"
	if has {
		title = "Change your passphrase"
	}
	save = newLockButton("Set passphrase", submit)
	if has {
		save.Text = "Change passphrase"
	}
	save.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(title, atLeastWide(420, box), win)
	d.SetButtons([]fyne.CanvasObject{newLockButton("Cancel", func() { d.Hide() }), save})
	showDialog(win, d) // Escape cancels, from the passphrase fields too
	if has {
		win.Canvas().Focus(old)
	} else {
		win.Canvas().Focus(pass)
	}
}
