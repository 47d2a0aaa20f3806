package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // or PNG
	"io"
	"math"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/store/sqlite"
)

const (
	settingsLogoMaxBytes  = 2 << 20
	settingsLogoMaxPixels = 40_000_000 // refuses an image that would take too much memory to decode
)

// settingsOpen is the open Settings window, if any. Only touched on the UI goroutine.
var settingsOpen *settingsWindow

// settingsLinks are the parts of the main window that Settings acts on; nil ones are left alone
// (tests of Settings by itself).
type settingsLinks struct {
	lock    *locker       // who is signed in, and the idle lock
	backups *backupKeeper // the practice's backups
	changed func()        // after an entry is saved: the main window's first-day list reads it
	tab     string        // the tab to show ("Clinic", "Devices"…); "" leaves it as it is
	shown   func(string)  // a tab was shown, by its title
	closed  func()        // the window was closed
}

// showSettings opens the practice's settings in a window of their own (one at a time: a second
// call focuses the open one).
func showSettings(a fyne.App, store *sqlite.Store, links settingsLinks) fyne.Window {
	if settingsOpen != nil && settingsOpen.store != store {
		settingsOpen.win.Close() // it belongs to a practice that is no longer open
	}
	if settingsOpen != nil {
		settingsOpen.showTab(links.tab)
		settingsOpen.win.Show()
		settingsOpen.win.RequestFocus()
		return settingsOpen.win
	}
	s := newSettingsWindow(a, store, links)
	settingsOpen = s
	s.win.SetOnClosed(func() {
		if settingsOpen == s {
			settingsOpen = nil
		}
		if links.closed != nil {
			links.closed()
		}
	})
	if links.shown != nil {
		s.tabs.OnSelected = func(it *container.TabItem) { links.shown(it.Text) }
	}
	s.showTab(links.tab)
	s.win.Show()
	s.refresh()
	return s.win
}

// showTab shows the tab titled title; "" shows the one shown.
func (s *settingsWindow) showTab(title string) {
	for _, it := range s.tabs.Items {
		if title != "" && it.Text == title {
			s.tabs.Select(it)
		}
	}
}

// settingsWindow holds the practice's settings, one tab per concern.
type settingsWindow struct {
	win     fyne.Window
	store   *sqlite.Store
	tabs    *container.AppTabs
	pending sync.WaitGroup // background work not yet applied; tests wait on it

	clinic        *clinicTab
	practitioners *practitionerTab
	devices       *deviceTab
	cartridges    *cartridgeTab
	products      *productTab
	zones         *zoneTab
	rules         *ruleTab
	lists         *listTab
	dbPath        *widget.Label
	lock          *locker // who is signed in, and the idle lock; nil in tests of Settings alone
	backups       *backupKeeper
	backupStatus  *widget.Label
	backupDir     *widget.Label
	backupNow     *widget.Button
	changed       func() // see settingsLinks
}

// settingsState is everything the window shows, fetched in one go.
type settingsState struct {
	clinic        settingsClinic
	practitioners []data.Practitioner
	devices       []data.Device
	speedUnits    []data.ListItem
	cartridges    []data.Cartridge
	products      []data.Product
	productKinds  []data.ListItem
	lots          map[string][]data.Lot // of products and cartridges, by their ID
	zones         []data.Zone
	rules         []data.Rule
	listItems     []data.ListItem // of the list chosen on the Lists tab
}

// settingsClinic is the clinic's details as stored.
type settingsClinic struct {
	name, address, phone string
	currency             string         // ISO 4217 code; "" for none
	dateOrder            data.DateOrder // "" when the practice has not chosen: the computer's
	logo                 []byte
	preview              image.Image // the logo scaled for the screen; nil without a logo
}

func newSettingsWindow(a fyne.App, store *sqlite.Store, links settingsLinks) *settingsWindow {
	s := &settingsWindow{win: a.NewWindow("Settings — Needlelog"), store: store, lock: links.lock, backups: links.backups,
		changed: links.changed}
	if s.backups == nil {
		s.backups = newBackupKeeper(a, store)
	}
	s.clinic = newClinicTab(s)
	s.practitioners = newPractitionerTab(s)
	s.devices = newDeviceTab(s)
	s.cartridges = newCartridgeTab(s)
	s.products = newProductTab(s)
	s.zones = newZoneTab(s)
	s.rules = newRuleTab(s)
	s.lists = newListTab(s)
	s.tabs = container.NewAppTabs(
		container.NewTabItem("Clinic", s.clinic.content),
		container.NewTabItem("Practitioners", s.practitioners.ed.content),
		container.NewTabItem("Devices", s.devices.ed.content),
		container.NewTabItem("Cartridges", s.cartridges.ed.content),
		container.NewTabItem("Products", s.products.ed.content),
		container.NewTabItem("Zones", s.zones.ed.content),
		container.NewTabItem("Safety rules", s.rules.ed.content),
		container.NewTabItem("Lists", s.lists.ed.content),
		container.NewTabItem("Database", s.databaseTab(a)),
	)
	content := fyne.CanvasObject(s.tabs)
	if store.ReadOnly() {
		banner := widget.NewLabel("This database is open read-only: settings can be read but not changed.")
		banner.Importance = widget.WarningImportance
		content = container.NewBorder(banner, nil, nil, nil, s.tabs)
	}
	s.win.SetContent(content)
	// Ctrl+S saves the tab shown, as the Save button under it would; fields pass it on.
	saves := []*widget.Button{s.clinic.save, s.practitioners.ed.saveBtn, s.devices.ed.saveBtn, s.cartridges.ed.saveBtn,
		s.products.ed.saveBtn, s.zones.ed.saveBtn, s.rules.ed.saveBtn, s.lists.ed.saveBtn}
	// Escape closes a dialog shown over Settings, else Settings itself, asking about unsaved
	// changes as its close button does; so does Ctrl+W.
	s.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			s.close()
		}
	})
	watchEscape(s.win.Canvas())
	s.win.Canvas().AddShortcut(scCloseSession, func(fyne.Shortcut) { s.close() })
	s.win.Canvas().AddShortcut(scSave, func(fyne.Shortcut) {
		if i := s.tabs.SelectedIndex(); i < len(saves) && !saves[i].Disabled() && saves[i].Visible() {
			saves[i].OnTapped()
		}
	})
	s.win.Resize(fyne.NewSize(1000, 680))
	s.win.SetCloseIntercept(s.close)
	return s
}

func (s *settingsWindow) databaseTab(a fyne.App) fyne.CanvasObject {
	idle := newTextField()
	idle.SetPlaceHolder("10")
	async(func() (int, error) { return s.store.IdleLockMinutes(context.Background()) }, func(n int, err error) {
		if err == nil {
			idle.SetText(strconv.Itoa(n))
		}
	})
	saveIdle := widget.NewButton("Save", func() {
		n, err := strconv.Atoi(strings.TrimSpace(idle.Text))
		if err != nil {
			showError(s.win, "set the idle lock", errors.New("the idle time is a whole number of minutes, such as 10"))
			return
		}
		async(func() (struct{}, error) { return struct{}{}, s.store.SetIdleLockMinutes(context.Background(), n) },
			func(_ struct{}, err error) {
				if err != nil {
					showError(s.win, "set the idle lock", err)
					return
				}
				if s.lock != nil {
					s.lock.setIdleMinutes(n)
				}
			})
	})
	// A box for a few digits, not the width of the window.
	idleBox := container.NewGridWrap(fyne.NewSize(90, idle.MinSize().Height), idle)
	idleRow := container.NewHBox(widget.NewLabel("Lock the window after"), idleBox,
		widget.NewLabel("minutes without activity"), saveIdle)
	s.dbPath = widget.NewLabel(s.store.Path())
	s.dbPath.Selectable = true
	s.dbPath.Wrapping = fyne.TextWrapBreak
	show := widget.NewButtonWithIcon("Show in file manager", theme.FolderOpenIcon(), func() {
		if err := a.OpenURL(settingsFolderURL(s.store.Path())); err != nil {
			showError(s.win, "show the database folder", err)
		}
	})
	return container.NewPadded(container.NewVScroll(container.NewVBox(
		settingsHeading("Database file"),
		s.dbPath,
		container.NewHBox(show),
		widget.NewSeparator(),
		s.backupSection(a),
		widget.NewSeparator(),
		boldLabel("Lock"),
		idleRow,
		settingsHint("Applies when practitioners have passphrases (File › My passphrase…). Ctrl+L locks at once."),
	)))
}

// useBackupFolder makes dir the practice's backup folder. A folder with no backup of it yet gets
// one at once, rather than saying "none yet" until the next day.
func (s *settingsWindow) useBackupFolder(a fyne.App, dir string) {
	setBackupFolder(a, s.store.Path(), dir)
	async(func() (backupState, error) { return s.backups.load(), nil }, func(st backupState, _ error) {
		s.showBackups(st)
		s.backups.changed() // the main window's status line too
		if st.latest.Path == "" && !s.store.ReadOnly() {
			s.backupNow.OnTapped()
		}
	})
}

// backupSection shows where the practice is backed up and when it last was, lets the folder be
// changed, and makes a backup on request.
func (s *settingsWindow) backupSection(a fyne.App) fyne.CanvasObject {
	s.backupDir = widget.NewLabel("")
	s.backupDir.Selectable = true
	s.backupDir.Wrapping = fyne.TextWrapBreak
	s.backupStatus = widget.NewLabel("")
	s.backupStatus.Wrapping = fyne.TextWrapWord
	async(func() (backupState, error) { return s.backups.load(), nil }, func(st backupState, _ error) { s.showBackups(st) })

	now := widget.NewButtonWithIcon("Back up now", theme.DocumentSaveIcon(), nil)
	s.backupNow = now
	now.OnTapped = func() {
		now.Disable()
		s.backupStatus.SetText("Backing up…")
		k := s.backups
		async(func() (struct{}, error) {
			_, err := k.backUp(context.Background())
			return struct{}{}, err
		}, func(_ struct{}, err error) {
			now.Enable()
			s.showBackups(k.current())
			if err != nil {
				showError(s.win, "back up the practice", err)
			}
		})
	}
	if s.store.ReadOnly() {
		now.Disable()
	}
	change := widget.NewButtonWithIcon("Change folder…", theme.FolderOpenIcon(), func() {
		d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
			if err != nil {
				showError(s.win, "choose the backup folder", err)
				return
			}
			if l == nil {
				return
			}
			s.useBackupFolder(a, l.Path())
		}, s.win)
		d.Resize(fyne.NewSize(900, 600))
		d.Show()
	})
	return container.NewVBox(
		boldLabel("Backups"),
		s.backupStatus,
		s.backupDir,
		container.NewHBox(now, change),
		settingsHint(fmt.Sprintf("Needlelog backs the practice up when it closes and once a day while it is open, and keeps "+
			"the latest %d daily and %d weekly backups. A folder on another disk, a USB drive or a cloud folder keeps them "+
			"safe from this computer's failures.", ondisk.DefaultRetention.Daily, ondisk.DefaultRetention.Weekly)),
	)
}

func (s *settingsWindow) showBackups(st backupState) {
	text, _ := backupSummary(st, timeNow())
	s.backupStatus.SetText(text)
	s.backupDir.SetText("Folder: " + st.dir)
}

// settingsFolderURL is the file URL of the folder that holds path, which the OS opens in its
// file manager (xdg-open on Linux).
func settingsFolderURL(path string) *url.URL {
	dir := filepath.ToSlash(filepath.Dir(path))
	if !strings.HasPrefix(dir, "/") {
		dir = "/" + dir // a Windows drive: file:///C:/...
	}
	return &url.URL{Scheme: "file", Path: dir}
}

// load fetches everything the window shows; kind is the list the Lists tab shows. It runs off the
// UI goroutine.
func (s *settingsWindow) load(ctx context.Context, kind data.ListKind) (settingsState, error) {
	var st settingsState
	var err error
	c := &st.clinic
	var order string
	for key, v := range map[string]*string{data.SettingClinicName: &c.name,
		data.SettingClinicAddress: &c.address, data.SettingClinicPhone: &c.phone,
		data.SettingCurrency: &c.currency, data.SettingDateOrder: &order} {
		if *v, err = s.store.Setting(ctx, key); err != nil {
			return st, err
		}
	}
	c.dateOrder = data.DateOrder(order)
	if c.logo, err = s.store.SettingBytes(ctx, data.SettingClinicLogo); err != nil {
		return st, err
	}
	if c.logo != nil {
		c.preview, _ = settingsLogoPreview(c.logo) // a logo that cannot be shown still stays stored
	}
	if st.practitioners, err = s.store.Practitioners(ctx, true); err != nil {
		return st, err
	}
	if st.devices, err = s.store.Devices(ctx, true); err != nil {
		return st, err
	}
	if st.speedUnits, err = s.store.ListItems(ctx, data.ListSpeedUnit, true); err != nil {
		return st, err
	}
	if st.cartridges, err = s.store.Cartridges(ctx, true); err != nil {
		return st, err
	}
	if st.lots, err = s.store.AllLots(ctx); err != nil {
		return st, err
	}
	if st.products, err = s.store.Products(ctx, "", true); err != nil {
		return st, err
	}
	if st.productKinds, err = s.store.ListItems(ctx, data.ListProductKind, true); err != nil {
		return st, err
	}
	if st.zones, err = s.store.Zones(ctx, true); err != nil {
		return st, err
	}
	if st.rules, err = s.store.Rules(ctx, true); err != nil {
		return st, err
	}
	if st.listItems, err = s.store.ListItems(ctx, kind, true); err != nil {
		return st, err
	}
	return st, nil
}

// apply shows a loaded state. Forms with unsaved edits keep them.
func (s *settingsWindow) apply(st settingsState) {
	s.clinic.setStored(st.clinic, false)
	s.practitioners.ed.apply(st.practitioners, false)
	s.devices.speedUnits = st.speedUnits
	s.devices.ed.apply(st.devices, false)
	s.cartridges.lots.byItem = st.lots
	s.cartridges.ed.apply(st.cartridges, false)
	s.products.kinds = st.productKinds
	s.products.lots.byItem = st.lots
	s.products.ed.apply(st.products, false)
	s.zones.ed.apply(st.zones, false)
	s.rules.ed.apply(st.rules, false)
	s.lists.ed.apply(st.listItems, false)
}

// update loads and applies synchronously; tests call it directly.
func (s *settingsWindow) update(ctx context.Context) error {
	st, err := s.load(ctx, s.lists.kindNow)
	if err != nil {
		return err
	}
	s.apply(st)
	return nil
}

// refresh loads in the background and applies on the UI goroutine.
func (s *settingsWindow) refresh() {
	kind := s.lists.kindNow
	var st settingsState
	s.background(func(ctx context.Context) (err error) {
		st, err = s.load(ctx, kind)
		return err
	}, func(err error) {
		if err != nil {
			showError(s.win, "read the settings", err)
			return
		}
		s.apply(st)
	})
}

// background runs work off the UI goroutine, then done on it.
func (s *settingsWindow) background(work func(context.Context) error, done func(error)) {
	s.pending.Add(1)
	async(func() (struct{}, error) { return struct{}{}, work(context.Background()) },
		func(_ struct{}, err error) {
			defer s.pending.Done()
			done(err)
		})
}

// wait returns once all background work has been applied. Tests use it after tapping a button.
func (s *settingsWindow) wait() { s.pending.Wait() }

// askDiscard asks before unsaved edits are thrown away; fn runs only on yes.
func (s *settingsWindow) askDiscard(what string, fn func()) {
	confirm(s.win, "Discard changes?", "Your changes to "+what+" are not saved yet.", "Discard changes", fn)
}

// close asks before closing with unsaved edits.
func (s *settingsWindow) close() {
	var unsaved []string
	for _, t := range []struct {
		name  string
		dirty bool
	}{
		{"Clinic", s.clinic.dirty()},
		{"Practitioners", s.practitioners.ed.unsaved()},
		{"Devices", s.devices.ed.unsaved()},
		{"Cartridges", s.cartridges.ed.unsaved()},
		{"Products", s.products.ed.unsaved()},
		{"Zones", s.zones.ed.unsaved()},
		{"Lists", s.lists.ed.unsaved()},
	} {
		if t.dirty {
			unsaved = append(unsaved, t.name)
		}
	}
	if len(unsaved) == 0 {
		s.win.Close()
		return
	}
	confirm(s.win, "Close without saving?", "Changes on the "+strings.Join(unsaved, ", ")+
		" tab are not saved yet.", "Close without saving", s.win.Close)
}

// settingsEditor is the master-detail pane most tabs share: the entries on the left (retired ones
// greyed, never deleted), the chosen entry's form on the right with Save and Retire/Restore.
type settingsEditor[T comparable] struct {
	s         *settingsWindow
	noun      string // "device": for buttons, headings and messages
	nameField string // the field a duplicate name is reported beside
	notes     *fieldNotes

	// What each tab supplies.
	id         func(T) string
	row        func(T) (text, badge string, look widget.Importance)
	retired    func(T) bool
	setRetired func(*T, bool)
	fresh      func() T           // a new entry's starting values
	show       func(T)            // puts an entry into the form
	read       func(T) (T, error) // the form's values over an entry; unreadable input as a ValidationError
	save       func(context.Context, *T) error
	load       func(context.Context) ([]T, error)
	first      fyne.Focusable // the input a new entry starts in
	opened     func(T)        // optional: after an entry is opened
	loaded     func([]T)      // optional: after the entries are (re)loaded
	pending    func() bool    // optional: other input typed but not yet saved
	stateHook  func()         // optional: after the buttons' state is updated

	items   []T
	current T    // the entry in the form as stored; with an empty ID for a new one
	chosen  bool // an entry, or a new one, is in the form
	saving  bool
	quiet   bool // the form or list is being set by code, not by the user

	list      *widget.List
	heading   *widget.Label
	unsavedL  *widget.Label
	saveBtn   *widget.Button
	retireBtn *widget.Button
	addBtn    *widget.Button
	content   fyne.CanvasObject
}

// build lays the editor out around a tab's form; top goes above the list, actions beside Retire.
func (ed *settingsEditor[T]) build(top, form fyne.CanvasObject, actions ...fyne.CanvasObject) {
	ed.list = widget.NewList(func() int { return len(ed.items) },
		func() fyne.CanvasObject {
			text := widget.NewLabel("Entry name")
			text.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, nil, widget.NewLabel(""), text)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			text, badge := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Label)
			v := ed.items[i]
			t, b, look := ed.row(v)
			text.Importance, badge.Importance = widget.MediumImportance, look
			if ed.retired(v) { // greyed, and said in the badge so that truncation never hides it
				b = "(retired)"
				text.Importance, badge.Importance = widget.LowImportance, widget.LowImportance
			}
			text.Text, badge.Text = t, b
			c.Refresh() // lays the row out again for the badge's new width
		})
	ed.list.OnSelected = func(i widget.ListItemID) {
		if !ed.quiet {
			ed.pick(i)
		}
	}
	ed.addBtn = widget.NewButtonWithIcon("Add "+ed.noun, theme.ContentAddIcon(), func() {
		if ed.unsaved() {
			ed.s.askDiscard(ed.title(), ed.openNew)
			return
		}
		ed.openNew()
	})
	ed.heading = settingsHeading("")
	ed.heading.Truncation = fyne.TextTruncateEllipsis
	ed.unsavedL = widget.NewLabel("Unsaved changes")
	ed.unsavedL.Importance = widget.WarningImportance
	ed.unsavedL.Hide()
	ed.saveBtn = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() { ed.commit(nil) })
	ed.saveBtn.Importance = widget.HighImportance
	ed.retireBtn = widget.NewButton("Retire", func() {
		retired := ed.retired(ed.current)
		ed.commit(func(v *T) { ed.setRetired(v, !retired) })
	})

	leftTop := container.NewVBox(ed.addBtn)
	if top != nil {
		leftTop = container.NewVBox(top, ed.addBtn)
	}
	left := container.NewBorder(leftTop, settingsHint("Retired entries stay in past records and can be restored."),
		nil, nil, ed.list)
	bar := container.NewHBox(append(append([]fyne.CanvasObject{ed.retireBtn}, actions...),
		layout.NewSpacer(), ed.unsavedL, ed.saveBtn)...)
	right := container.NewBorder(ed.heading, container.NewVBox(ed.notes.general, bar), nil, nil,
		formScroll(container.NewVScroll(form)))
	split := container.NewHSplit(container.NewPadded(left), container.NewPadded(right))
	split.Offset = 0.36
	ed.content = split
	ed.refreshState()
}

// entry wires a text input: edits show as unsaved, and Enter saves a one-line one.
func (ed *settingsEditor[T]) entry(e *textField) *textField {
	e.OnChanged = func(string) { ed.changed() }
	if !e.MultiLine {
		e.OnSubmitted = func(string) {
			if ed.formDirty() {
				ed.commit(nil)
			}
		}
	}
	return e
}

func (ed *settingsEditor[T]) changed() {
	if !ed.quiet {
		ed.refreshState()
	}
}

func (ed *settingsEditor[T]) isNew() bool { return ed.chosen && ed.id(ed.current) == "" }

// formDirty reports whether the form differs from the entry as stored.
func (ed *settingsEditor[T]) formDirty() bool {
	if !ed.chosen {
		return false
	}
	v, err := ed.read(ed.current)
	return err != nil || v != ed.current
}

// unsaved reports whether anything typed on this tab would be lost.
func (ed *settingsEditor[T]) unsaved() bool {
	return ed.formDirty() || (ed.pending != nil && ed.pending())
}

// title names the entry in the form, for headings and questions.
func (ed *settingsEditor[T]) title() string {
	if ed.isNew() {
		return "the new " + ed.noun
	}
	t, _, _ := ed.row(ed.current)
	return t
}

func (ed *settingsEditor[T]) indexOf(id string) int {
	return slices.IndexFunc(ed.items, func(v T) bool { return ed.id(v) == id })
}

// pick answers the user choosing a row, asking first if edits would be lost.
func (ed *settingsEditor[T]) pick(i int) {
	v := ed.items[i]
	if !ed.unsaved() {
		ed.open(v)
		return
	}
	ed.markCurrent() // the highlight stays on the entry whose edits are at stake
	ed.s.askDiscard(ed.title(), func() { ed.open(v) })
}

// open puts an entry in the form.
func (ed *settingsEditor[T]) open(v T) {
	ed.current, ed.chosen = v, true
	ed.fill()
	ed.notes.show(nil)
	ed.markCurrent()
	if ed.opened != nil {
		ed.opened(v)
	}
}

func (ed *settingsEditor[T]) openNew() {
	ed.open(ed.fresh())
	if ed.first != nil {
		ed.s.win.Canvas().Focus(ed.first)
	}
}

// fill shows the current entry in the form.
func (ed *settingsEditor[T]) fill() {
	ed.quiet = true
	ed.show(ed.current)
	ed.quiet = false
	ed.refreshState()
}

// markCurrent selects the current entry's row, or none for a new entry.
func (ed *settingsEditor[T]) markCurrent() {
	ed.quiet = true
	defer func() { ed.quiet = false }()
	if i := ed.indexOf(ed.id(ed.current)); ed.chosen && !ed.isNew() && i >= 0 {
		ed.list.Select(i)
		if ed.list.Size().Height < 1 {
			ed.list.ScrollToTop() // a tab not shown yet has no height to scroll within
		}
		return
	}
	ed.list.UnselectAll()
}

// apply shows freshly loaded entries. The entry in the form is refilled from the store when
// refill is set or it has no unsaved edits; otherwise the edits stay.
func (ed *settingsEditor[T]) apply(items []T, refill bool) {
	ed.items = items
	ed.list.Refresh()
	if ed.loaded != nil {
		ed.loaded(items)
	}
	i := ed.indexOf(ed.id(ed.current))
	switch {
	case ed.chosen && !ed.isNew() && i >= 0:
		dirty := ed.formDirty()
		ed.current = items[i]
		if refill || !dirty {
			ed.fill()
		}
		ed.markCurrent()
	case ed.chosen && ed.isNew():
		// a new entry being typed stays
	case len(items) > 0:
		ed.open(items[0])
	default:
		ed.open(ed.fresh()) // nothing yet: the form is ready for the first one
	}
	ed.refreshState()
}

// refreshState sets the heading and buttons from the form's state.
func (ed *settingsEditor[T]) refreshState() {
	dirty := ed.formDirty()
	if dirty && !ed.saving {
		ed.saveBtn.Enable()
	} else {
		ed.saveBtn.Disable()
	}
	if dirty {
		ed.unsavedL.Show()
	} else {
		ed.unsavedL.Hide()
	}
	switch {
	case !ed.chosen:
		ed.heading.SetText("")
	case ed.isNew():
		ed.heading.SetText("New " + ed.noun)
	case ed.retired(ed.current):
		ed.heading.SetText(ed.title() + "  (retired)")
	default:
		ed.heading.SetText(ed.title())
	}
	if !ed.chosen || ed.isNew() {
		ed.retireBtn.Hide()
	} else {
		ed.retireBtn.Show()
		if ed.retired(ed.current) {
			ed.retireBtn.SetText("Restore")
			ed.retireBtn.SetIcon(theme.ContentUndoIcon())
		} else {
			ed.retireBtn.SetText("Retire")
			ed.retireBtn.SetIcon(theme.ContentRemoveIcon())
		}
		if ed.saving {
			ed.retireBtn.Disable()
		} else {
			ed.retireBtn.Enable()
		}
	}
	if ed.stateHook != nil {
		ed.stateHook()
	}
}

// commit saves the form, changed by change if given, then reloads the list.
func (ed *settingsEditor[T]) commit(change func(*T)) {
	if ed.saving || !ed.chosen {
		return
	}
	v, err := ed.read(ed.current)
	if err != nil {
		ed.report(err)
		return
	}
	if change != nil {
		change(&v)
	}
	wasNew := ed.isNew()
	ed.saving = true
	ed.refreshState()
	load := ed.load
	var items []T
	saved := false
	ed.s.background(func(ctx context.Context) error {
		if err := ed.save(ctx, &v); err != nil {
			return err
		}
		saved = true
		var err error
		items, err = load(ctx)
		return err
	}, func(err error) {
		ed.saving = false
		if !saved {
			ed.report(err)
			ed.refreshState()
			return
		}
		ed.notes.show(nil)
		ed.current = v
		if ed.s.changed != nil {
			ed.s.changed()
		}
		if err != nil {
			showError(ed.s.win, "read the "+ed.noun+" list again", err)
			ed.fill()
			return
		}
		ed.apply(items, true)
		if wasNew && ed.opened != nil {
			ed.opened(ed.current)
		}
	})
}

// report shows a failed save beside the fields, or as a message when no field is to blame.
func (ed *settingsEditor[T]) report(err error) {
	if errors.Is(err, data.ErrDuplicate) && ed.nameField != "" {
		err = &data.ValidationError{Fields: []data.FieldError{{Field: ed.nameField,
			Message: "Another " + ed.noun + " already has this name (perhaps a retired one, which you can restore)."}}}
	}
	if !ed.notes.show(err) {
		showError(ed.s.win, "save the "+ed.noun, err)
	}
}

// settingsField is one labelled input of a settingsRow.
type settingsField struct {
	label, field string
	input        fyne.CanvasObject
}

// settingsRow lays out inputs side by side, with one line for their notes below the row at full
// width, where a sentence has room to be read.
func settingsRow(n *fieldNotes, fields ...settingsField) fyne.CanvasObject {
	grid := container.NewGridWithColumns(len(fields))
	note := n.note(fields[0].field)
	for _, f := range fields {
		grid.Add(container.NewVBox(widget.NewLabelWithStyle(f.label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), f.input))
		n.share(f.field, note)
	}
	return container.NewVBox(grid, note)
}

// settingsParser reads typed numbers, collecting a message for each field it cannot read.
type settingsParser struct{ errs []data.FieldError }

func (p *settingsParser) mm(field, label string, e *textField) float64 {
	if strings.TrimSpace(e.Text) == "" {
		return 0
	}
	v, err := data.ParseDecimal(e.Text)
	if err != nil {
		p.errs = append(p.errs, data.FieldError{Field: field, Message: label + " must be a number of millimetres, such as 1.5."})
	}
	return v
}

func (p *settingsParser) count(field, label string, e *textField) int {
	s := strings.TrimSpace(e.Text)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		p.errs = append(p.errs, data.FieldError{Field: field, Message: label + " must be a whole number, such as 12."})
	}
	return v
}

func (p *settingsParser) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return &data.ValidationError{Fields: p.errs}
}

// settingsMM writes a depth for an input; 0 as empty, which reads back as 0.
func settingsMM(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func settingsHeading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

func settingsHint(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// settingsOptions lists the names of a list's entries in use, plus current if it is retired or
// gone, so that an old value stays visible and selectable.
func settingsOptions(items []data.ListItem, current string) []string {
	var names []string
	for _, it := range items {
		if !it.Retired {
			names = append(names, it.Name)
		}
	}
	if current != "" && !slices.Contains(names, current) {
		names = append(names, current)
	}
	return names
}

// settingsSelect sets a Select's options and choice; "" clears it.
func settingsSelect(sel *pickSelect, options []string, choice string) {
	sel.Options = options
	if choice == "" {
		sel.ClearSelected()
	} else {
		sel.SetSelected(choice)
	}
	sel.Refresh()
}

// ---- Clinic

// clinicTab edits the clinic's details that reports print.
type clinicTab struct {
	s                    *settingsWindow
	name, address, phone *textField
	currency             *textField
	currencyShown        *widget.Label // how prices will look
	dateOrder            *pickSelect
	preview              *canvas.Image
	noLogo               *widget.Label
	chooseLogo           *widget.Button
	removeLogo           *widget.Button
	save                 *widget.Button
	unsaved              *widget.Label
	notes                *fieldNotes
	stored               settingsClinic
	logo                 []byte // the logo as it will be saved; nil for none
	saving               bool
	content              fyne.CanvasObject
}

func newClinicTab(s *settingsWindow) *clinicTab {
	c := &clinicTab{s: s, notes: newReservedNotes()}
	changed := func(string) { c.refreshState() }
	c.name = newTextField()
	c.name.SetPlaceHolder("The practice's name as reports show it")
	c.address = newMultiLineField()
	c.address.SetMinRowsVisible(3)
	c.address.SetPlaceHolder("Street\nTown and postcode")
	c.phone = newTextField()
	c.phone.SetPlaceHolder("+44 20 7946 0000")
	c.currency = newPicker(data.CommonCurrencies, "e.g. EUR", false)
	c.currencyShown = widget.NewLabel("")
	c.dateOrder = newSelect(settingsDateOrders, nil)
	c.dateOrder.SetSelectedIndex(settingsDateOrderIndex(""))
	for _, e := range []*textField{c.name, c.address, c.phone, c.currency} {
		e.OnChanged = changed
	}
	for _, e := range []*textField{c.name, c.phone, c.currency} {
		e.OnSubmitted = func(string) {
			if c.dirty() {
				c.commit()
			}
		}
	}

	c.preview = canvas.NewImageFromImage(nil)
	c.preview.FillMode = canvas.ImageFillContain
	c.preview.SetMinSize(fyne.NewSize(200, 80))
	c.noLogo = widget.NewLabelWithStyle("No logo", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	frame := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	frame.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	frame.StrokeWidth = 1
	frame.CornerRadius = theme.InputRadiusSize()
	c.chooseLogo = widget.NewButtonWithIcon("Choose logo…", theme.FolderOpenIcon(), c.choose)
	c.removeLogo = widget.NewButtonWithIcon("Remove logo", theme.DeleteIcon(), func() {
		c.logo, c.preview.Image = nil, nil
		c.preview.Refresh()
		c.notes.show(nil)
		c.refreshState()
	})
	logoBox := container.NewHBox(
		container.NewStack(frame, container.NewPadded(c.preview), container.NewCenter(c.noLogo)),
		container.NewVBox(c.chooseLogo, c.removeLogo))

	c.dateOrder.OnChanged = func(string) { c.refreshState() }
	c.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), c.commit)
	c.save.Importance = widget.HighImportance
	c.unsaved = widget.NewLabel("Unsaved changes")
	c.unsaved.Importance = widget.WarningImportance
	// Two columns, so that everything shows without scrolling in a window of 1000 × 680.
	form := container.NewGridWithColumns(2, container.NewVBox(
		settingsHeading("Clinic details for reports"),
		c.notes.field("Clinic name", data.SettingClinicName, c.name),
		c.notes.field("Address", data.SettingClinicAddress, c.address),
		c.notes.field("Phone", data.SettingClinicPhone, c.phone),
		c.notes.field("Logo", "logo", logoBox),
		settingsHint("PNG or JPEG, at most 2 MB. It heads the reports the practice prints."),
	), container.NewVBox(
		settingsHeading("Prices and dates"),
		c.notes.field("Currency (ISO code)", data.SettingCurrency,
			container.NewHBox(atLeastWide(160, c.currency), c.currencyShown)),
		c.notes.field("Dates typed as", data.SettingDateOrder, container.NewHBox(atLeastWide(260, c.dateOrder))),
		settingsHint("Every date field also reads 1988-03-14 and 14 Mar 1988, and has a calendar beside it."),
	))
	bar := container.NewHBox(layout.NewSpacer(), c.unsaved, c.save)
	c.content = container.NewPadded(container.NewBorder(nil, container.NewVBox(c.notes.general, bar), nil, nil,
		formScroll(container.NewVScroll(form))))
	c.refreshState()
	return c
}

// setStored shows the stored details when refill is set or the form holds no edits; edits stay.
func (c *clinicTab) setStored(v settingsClinic, refill bool) {
	dirty := c.dirty()
	c.stored = v
	if refill || !dirty {
		c.name.SetText(v.name)
		c.address.SetText(v.address)
		c.phone.SetText(v.phone)
		c.currency.SetText(v.currency)
		c.dateOrder.SetSelectedIndex(settingsDateOrderIndex(v.dateOrder))
		c.logo = v.logo
		c.preview.Image = v.preview
		c.preview.Refresh()
	}
	c.refreshState()
}

func (c *clinicTab) dirty() bool {
	return c.name.Text != c.stored.name || c.address.Text != c.stored.address ||
		c.phone.Text != c.stored.phone || !bytes.Equal(c.logo, c.stored.logo) ||
		c.currency.Text != c.stored.currency ||
		c.dateOrder.SelectedIndex() != settingsDateOrderIndex(c.stored.dateOrder)
}

func (c *clinicTab) refreshState() {
	dirty := c.dirty()
	if code, err := data.ParseCurrency(c.currency.Text); err == nil && code != "" {
		c.currencyShown.SetText("Prices show as " + data.FormatMoney(35000, code))
	} else {
		c.currencyShown.SetText("")
	}
	if dirty && !c.saving {
		c.save.Enable()
	} else {
		c.save.Disable()
	}
	if dirty {
		c.unsaved.Show()
	} else {
		c.unsaved.Hide()
	}
	if c.logo == nil {
		c.removeLogo.Disable()
	} else {
		c.removeLogo.Enable()
	}
	if c.preview.Image == nil {
		c.noLogo.SetText("No logo")
		if c.logo != nil {
			c.noLogo.SetText("Logo cannot be shown")
		}
		c.noLogo.Show()
	} else {
		c.noLogo.Hide()
	}
}

func (c *clinicTab) choose() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(c.s.win, "open the logo file", err)
			return
		}
		if r == nil {
			return // cancelled
		}
		var logo settingsLogo
		c.s.background(func(context.Context) (err error) {
			defer r.Close()
			logo, err = settingsReadLogo(r)
			return err
		}, func(err error) { c.takeLogo(logo, err) })
	}, c.s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.Resize(fyne.NewSize(820, 560))
	d.Show()
}

// takeLogo shows a chosen logo, or why it was refused, beside the logo.
func (c *clinicTab) takeLogo(logo settingsLogo, err error) {
	if err != nil {
		c.notes.show(&data.ValidationError{Fields: []data.FieldError{{Field: "logo", Message: err.Error()}}})
		return
	}
	c.notes.show(nil)
	c.logo = logo.bytes
	c.preview.Image = logo.preview
	c.preview.Refresh()
	c.refreshState()
}

// commit saves what changed.
func (c *clinicTab) commit() {
	if c.saving {
		return
	}
	currency, err := data.ParseCurrency(c.currency.Text)
	if err != nil {
		c.notes.show(&data.ValidationError{Fields: []data.FieldError{{Field: data.SettingCurrency, Message: sentenceOf(err)}}})
		return
	}
	v := settingsClinic{name: strings.TrimSpace(c.name.Text), address: strings.TrimSpace(c.address.Text),
		phone: strings.TrimSpace(c.phone.Text), logo: c.logo, preview: c.preview.Image, currency: currency,
		dateOrder: settingsDateOrderValues[max(0, c.dateOrder.SelectedIndex())]}
	old := c.stored
	c.saving = true
	c.refreshState()
	store := c.s.store
	c.s.background(func(ctx context.Context) error {
		for _, f := range []struct{ key, old, new string }{
			{data.SettingClinicName, old.name, v.name},
			{data.SettingClinicAddress, old.address, v.address},
			{data.SettingClinicPhone, old.phone, v.phone},
			{data.SettingCurrency, old.currency, v.currency},
			{data.SettingDateOrder, string(old.dateOrder), string(v.dateOrder)},
		} {
			if f.old != f.new {
				if err := store.SetSetting(ctx, f.key, f.new); err != nil {
					return err
				}
			}
		}
		if !bytes.Equal(old.logo, v.logo) {
			return store.SetSettingBytes(ctx, data.SettingClinicLogo, v.logo)
		}
		return nil
	}, func(err error) {
		c.saving = false
		if err != nil {
			if !c.notes.show(err) {
				showError(c.s.win, "save the clinic details", err)
			}
			c.refreshState()
			return
		}
		c.notes.show(nil)
		data.SetDateOrder(v.dateOrder) // dates typed from now on read in the practice's order
		c.setStored(v, true)
	})
}

// The date orders a practice chooses from, and what is stored for each.
var (
	settingsDateOrders      = []string{"Day first: 14/03/1988", "Month first: 03/14/1988"}
	settingsDateOrderValues = []data.DateOrder{data.DayMonthYear, data.MonthDayYear}
)

// settingsDateOrderIndex is the choice showing o; a practice that has not chosen sees the
// computer's order, which is what its dates are read in.
func settingsDateOrderIndex(o data.DateOrder) int {
	if o == "" {
		o = data.SystemDateOrder()
	}
	if o == data.MonthDayYear {
		return 1
	}
	return 0
}

// sentenceOf is an error's text as a sentence: capitalised, with a full stop.
func sentenceOf(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// settingsLogo is a logo file's bytes as they will be stored, and its preview.
type settingsLogo struct {
	bytes   []byte
	preview image.Image
}

// settingsReadLogo reads a chosen logo file, refusing what is not a PNG or JPEG of at most 2 MB.
// Its errors are sentences for the user.
func settingsReadLogo(r io.Reader) (settingsLogo, error) {
	b, err := io.ReadAll(io.LimitReader(r, settingsLogoMaxBytes+1))
	if err != nil {
		return settingsLogo{}, fmt.Errorf("Could not read that file: %v.", err)
	}
	if len(b) > settingsLogoMaxBytes {
		return settingsLogo{}, errors.New("That file is larger than 2 MB. Choose a smaller logo, or save it smaller first.")
	}
	preview, err := settingsLogoPreview(b)
	if err != nil {
		return settingsLogo{}, err
	}
	return settingsLogo{bytes: b, preview: preview}, nil
}

// settingsLogoPreview decodes a PNG or JPEG and scales it down for the screen.
func settingsLogoPreview(b []byte) (image.Image, error) {
	notImage := errors.New("That file is not a PNG or JPEG image. Choose a logo saved as PNG or JPEG.")
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (format != "png" && format != "jpeg") {
		return nil, notImage
	}
	if cfg.Width*cfg.Height > settingsLogoMaxPixels {
		return nil, fmt.Errorf("That image is %d × %d pixels, too large for a logo. Choose a smaller one.", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, notImage
	}
	return settingsFit(img, 400, 160), nil // twice the preview's size, for sharp HiDPI screens
}

// settingsFit scales an image down to fit w×h, keeping its proportions.
func settingsFit(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	scale := math.Min(float64(w)/float64(b.Dx()), float64(h)/float64(b.Dy()))
	if scale >= 1 {
		return img
	}
	dst := image.NewNRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// ---- Practitioners

type practitionerTab struct {
	ed                *settingsEditor[data.Practitioner]
	name, credentials *textField
	role              *widget.RadioGroup
}

const (
	settingsRolePractitioner = "Practitioner"
	settingsRoleAdmin        = "Admin"
)

func newPractitionerTab(s *settingsWindow) *practitionerTab {
	t := &practitionerTab{}
	ed := &settingsEditor[data.Practitioner]{s: s, noun: "practitioner", nameField: "name", notes: newReservedNotes(),
		id: func(p data.Practitioner) string { return p.ID },
		row: func(p data.Practitioner) (string, string, widget.Importance) {
			text := p.Name
			if p.Credentials != "" {
				text += ", " + p.Credentials
			}
			if p.Role == data.RoleAdmin {
				return text, "admin", widget.HighImportance
			}
			return text, "", widget.MediumImportance
		},
		retired:    func(p data.Practitioner) bool { return p.Retired },
		setRetired: func(p *data.Practitioner, r bool) { p.Retired = r },
		show: func(p data.Practitioner) {
			t.name.SetText(p.Name)
			t.credentials.SetText(p.Credentials)
			if p.Role == data.RoleAdmin {
				t.role.SetSelected(settingsRoleAdmin)
			} else {
				t.role.SetSelected(settingsRolePractitioner)
			}
		},
		read: func(p data.Practitioner) (data.Practitioner, error) {
			p.Name, p.Credentials = t.name.Text, t.credentials.Text
			p.Role = data.RolePractitioner
			if t.role.Selected == settingsRoleAdmin {
				p.Role = data.RoleAdmin
			}
			return p, nil
		},
		save: s.store.SavePractitioner,
		load: func(ctx context.Context) ([]data.Practitioner, error) { return s.store.Practitioners(ctx, true) },
	}
	// The first practitioner sets the practice up and must be able to reset a forgotten
	// passphrase: an admin. Those after are practitioners unless made admins.
	ed.fresh = func() data.Practitioner {
		if len(ed.items) == 0 {
			return data.Practitioner{Role: data.RoleAdmin}
		}
		return data.Practitioner{Role: data.RolePractitioner}
	}
	t.ed = ed
	t.name = ed.entry(newTextField())
	t.name.SetPlaceHolder("Full name, as it appears on signed records")
	t.credentials = ed.entry(newTextField())
	t.credentials.SetPlaceHolder("e.g. RN, Level 4 Dip. Aesthetics")
	t.role = widget.NewRadioGroup([]string{settingsRolePractitioner, settingsRoleAdmin}, func(string) { ed.changed() })
	t.role.Horizontal = true
	t.role.Required = true
	ed.first = t.name
	reset := widget.NewButton("Reset passphrase…", func() {
		var admin data.Practitioner
		if s.lock != nil {
			admin = s.lock.signedIn()
		}
		if admin.Role != data.RoleAdmin {
			dialog.ShowInformation("Only an admin can reset", "Sign in as a practitioner with the admin role to reset another's passphrase.", s.win)
			return
		}
		showResetPassphrase(s.win, s.store, admin, ed.current.ID, nil)
	})
	// A practitioner not saved yet has no passphrase to reset.
	ed.stateHook = func() {
		if ed.chosen && !ed.isNew() {
			reset.Enable()
		} else {
			reset.Disable()
		}
	}
	ed.build(nil, container.NewVBox(
		ed.notes.field("Name", "name", t.name),
		ed.notes.field("Credentials", "credentials", t.credentials),
		ed.notes.field("Role", "role", t.role),
		settingsHint("Admins manage the practice's settings and other practitioners, and can reset a forgotten passphrase: "+
			"a passphrase locks the window, it encrypts nothing, so no record is lost with it."),
	), reset)
	return t
}

// ---- Devices

type deviceTab struct {
	ed                             *settingsEditor[data.Device]
	model                          *textField
	kind, speed                    *pickSelect
	maxDepth, evaluated, depthStep *textField
	speedUnits                     []data.ListItem
}

var settingsDeviceKinds = map[data.DeviceKind]string{data.DevicePen: "Pen", data.DeviceRoller: "Roller",
	data.DeviceRF: "RF microneedling", data.DeviceStamp: "Stamp"}

const settingsNoSpeed = "None (roller)"

func newDeviceTab(s *settingsWindow) *deviceTab {
	t := &deviceTab{}
	ed := &settingsEditor[data.Device]{s: s, noun: "device", nameField: "model", notes: newReservedNotes(),
		id: func(d data.Device) string { return d.ID },
		row: func(d data.Device) (string, string, widget.Importance) {
			return d.Model, fmt.Sprintf("%s · max %s mm", strings.ToLower(settingsDeviceKinds[d.Kind]), settingsMM(d.MaxDepth)),
				widget.MediumImportance
		},
		retired:    func(d data.Device) bool { return d.Retired },
		setRetired: func(d *data.Device, r bool) { d.Retired = r },
		fresh:      func() data.Device { return data.Device{Kind: data.DevicePen, SpeedUnit: "level"} },
		show: func(d data.Device) {
			t.model.SetText(d.Model)
			t.kind.SetSelected(settingsDeviceKinds[d.Kind])
			unit := d.SpeedUnit
			if unit == "" {
				unit = settingsNoSpeed
			}
			settingsSelect(t.speed, append([]string{settingsNoSpeed}, settingsOptions(t.speedUnits, d.SpeedUnit)...), unit)
			t.maxDepth.SetText(settingsMM(d.MaxDepth))
			t.evaluated.SetText(settingsMM(d.EvaluatedDepth))
			t.depthStep.SetText(settingsMM(d.DepthStep))
		},
		read: func(d data.Device) (data.Device, error) {
			var p settingsParser
			d.Model = t.model.Text
			if i := t.kind.SelectedIndex(); i >= 0 {
				d.Kind = data.DeviceKinds[i]
			}
			d.SpeedUnit = t.speed.Selected
			if d.SpeedUnit == settingsNoSpeed {
				d.SpeedUnit = ""
			}
			d.MaxDepth = p.mm("max_depth", "Maximum depth", t.maxDepth)
			d.EvaluatedDepth = p.mm("evaluated_depth", "Evaluated depth", t.evaluated)
			d.DepthStep = p.mm("depth_step", "Depth step", t.depthStep)
			return d, p.err()
		},
		save: s.store.SaveDevice,
		load: func(ctx context.Context) ([]data.Device, error) { return s.store.Devices(ctx, true) },
	}
	t.ed = ed
	t.model = ed.entry(newTextField())
	t.model.SetPlaceHolder("e.g. Dermapen 4")
	var kinds []string
	for _, k := range data.DeviceKinds {
		kinds = append(kinds, settingsDeviceKinds[k])
	}
	t.kind = newSelect(kinds, func(string) { ed.changed() })
	t.speed = newSelect(nil, func(string) { ed.changed() })
	t.speed.PlaceHolder = "Choose a unit"
	t.maxDepth = ed.entry(newTextField())
	t.maxDepth.SetPlaceHolder("e.g. 2.5")
	t.evaluated = ed.entry(newTextField())
	t.evaluated.SetPlaceHolder("e.g. 1.5")
	t.depthStep = ed.entry(newTextField())
	t.depthStep.SetPlaceHolder("e.g. 0.25")
	ed.first = t.model
	ed.build(nil, container.NewVBox(
		ed.notes.field("Model", "model", t.model),
		settingsRow(ed.notes,
			settingsField{"Kind", "kind", t.kind},
			settingsField{"Speed unit", "speed_unit", t.speed}),
		settingsRow(ed.notes,
			settingsField{"Maximum depth (mm)", "max_depth", t.maxDepth},
			settingsField{"Evaluated up to (mm)", "evaluated_depth", t.evaluated},
			settingsField{"Depth step (mm)", "depth_step", t.depthStep}),
		settingsHint("“Evaluated up to” is the depth the maker's safety data covers (SkinPen: 1.5 mm of 2.5 mm). "+
			"A session deeper than that gets a warning. Leave the step empty when the depth is set freely."),
	))
	return t
}

// ---- Cartridges

type cartridgeTab struct {
	ed            *settingsEditor[data.Cartridge]
	name, needles *textField
	lots          *settingsLots
}

func newCartridgeTab(s *settingsWindow) *cartridgeTab {
	t := &cartridgeTab{}
	t.lots = newSettingsLots(s, "cartridge", s.store.CartridgeLots, s.store.SaveCartridgeLot)
	ed := &settingsEditor[data.Cartridge]{s: s, noun: "cartridge", nameField: "name", notes: newReservedNotes(),
		id: func(c data.Cartridge) string { return c.ID },
		row: func(c data.Cartridge) (string, string, widget.Importance) {
			if c.Needles == 0 {
				return c.Name, "", widget.MediumImportance
			}
			return c.Name, fmt.Sprintf("%d needles", c.Needles), widget.MediumImportance
		},
		retired:    func(c data.Cartridge) bool { return c.Retired },
		setRetired: func(c *data.Cartridge, r bool) { c.Retired = r },
		fresh:      func() data.Cartridge { return data.Cartridge{} },
		show: func(c data.Cartridge) {
			t.name.SetText(c.Name)
			t.needles.SetText("")
			if c.Needles > 0 {
				t.needles.SetText(strconv.Itoa(c.Needles))
			}
		},
		read: func(c data.Cartridge) (data.Cartridge, error) {
			var p settingsParser
			c.Name = t.name.Text
			c.Needles = p.count("needles", "Needle count", t.needles)
			return c, p.err()
		},
		save:    s.store.SaveCartridge,
		load:    func(ctx context.Context) ([]data.Cartridge, error) { return s.store.Cartridges(ctx, true) },
		opened:  func(c data.Cartridge) { t.lots.setItem(c.ID) },
		pending: func() bool { return t.lots.pending() },
	}
	t.ed = ed
	t.name = ed.entry(newTextField())
	t.name.SetPlaceHolder("e.g. 12-pin")
	t.needles = ed.entry(newTextField())
	t.needles.SetPlaceHolder("Empty for nano or unknown")
	ed.first = t.name
	ed.build(nil, container.NewVBox(
		settingsRow(ed.notes,
			settingsField{"Name", "name", t.name},
			settingsField{"Needle count", "needles", t.needles}),
		widget.NewSeparator(),
		t.lots.content,
	))
	return t
}

// ---- Products

type productTab struct {
	ed          *settingsEditor[data.Product]
	name, notes *textField
	kind        *pickSelect
	needledOK   *widget.Check
	flag        *fyne.Container // says loudly that the product is not made for needled skin
	lots        *settingsLots
	kinds       []data.ListItem
}

func newProductTab(s *settingsWindow) *productTab {
	t := &productTab{}
	t.lots = newSettingsLots(s, "product", s.store.ProductLots, s.store.SaveProductLot)
	ed := &settingsEditor[data.Product]{s: s, noun: "product", nameField: "name", notes: newReservedNotes(),
		id: func(p data.Product) string { return p.ID },
		row: func(p data.Product) (string, string, widget.Importance) {
			if !p.NeedledSkinOK {
				return p.Name, "Not for needled skin", widget.WarningImportance
			}
			return p.Name, p.Kind, widget.MediumImportance
		},
		retired:    func(p data.Product) bool { return p.Retired },
		setRetired: func(p *data.Product, r bool) { p.Retired = r },
		fresh:      func() data.Product { return data.Product{} }, // not for needled skin until someone says it is
		show: func(p data.Product) {
			t.name.SetText(p.Name)
			settingsSelect(t.kind, settingsOptions(t.kinds, p.Kind), p.Kind)
			t.needledOK.SetChecked(p.NeedledSkinOK)
			t.notes.SetText(p.Notes)
			t.showFlag()
		},
		read: func(p data.Product) (data.Product, error) {
			p.Name, p.Kind, p.NeedledSkinOK, p.Notes = t.name.Text, t.kind.Selected, t.needledOK.Checked, t.notes.Text
			return p, nil
		},
		save:    s.store.SaveProduct,
		load:    func(ctx context.Context) ([]data.Product, error) { return s.store.Products(ctx, "", true) },
		opened:  func(p data.Product) { t.lots.setItem(p.ID) },
		pending: func() bool { return t.lots.pending() },
	}
	t.ed = ed
	t.name = ed.entry(newTextField())
	t.name.SetPlaceHolder("e.g. Hyaluronic acid serum (sterile)")
	t.kind = newSelect(nil, func(string) { ed.changed() })
	t.kind.PlaceHolder = "Choose a kind"
	t.needledOK = widget.NewCheck("Made for use on needled skin", func(bool) {
		t.showFlag()
		ed.changed()
	})
	t.notes = ed.entry(newMultiLineField())
	t.notes.SetMinRowsVisible(3)
	t.notes.Wrapping = fyne.TextWrapWord
	t.notes.SetPlaceHolder("Instructions, ingredients to watch, supplier")
	flagText := widget.NewLabel("Not made for use on needled skin. Products pushed into the dermis that were " +
		"not made for it have caused granulomas: apply it to intact skin only.")
	flagText.Wrapping = fyne.TextWrapWord
	flagText.Importance = widget.WarningImportance
	t.flag = container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())), nil, flagText)
	ed.first = t.name
	ed.build(nil, container.NewVBox(
		settingsRow(ed.notes,
			settingsField{"Name", "name", t.name},
			settingsField{"Kind", "kind", t.kind}),
		t.needledOK,
		t.flag,
		ed.notes.field("Notes", "notes", t.notes),
		widget.NewSeparator(),
		t.lots.content,
	))
	return t
}

func (t *productTab) showFlag() {
	if t.needledOK.Checked {
		t.flag.Hide()
	} else {
		t.flag.Show()
	}
}

// ---- Lots of a product or cartridge

// settingsLots lists the lots of one product or cartridge and adds or corrects them.
type settingsLots struct {
	s           *settingsWindow
	noun        string
	load        func(context.Context, string) ([]data.Lot, error)
	save        func(context.Context, *data.Lot) error
	byItem      map[string][]data.Lot
	itemID      string
	editing     data.Lot // the lot in the inputs; an empty ID when adding one
	rows        *fyne.Container
	lot, expiry *textField
	add, cancel *widget.Button
	notes       *fieldNotes
	saving      bool
	content     fyne.CanvasObject
}

func newSettingsLots(s *settingsWindow, noun string, load func(context.Context, string) ([]data.Lot, error),
	save func(context.Context, *data.Lot) error) *settingsLots {
	l := &settingsLots{s: s, noun: noun, load: load, save: save, byItem: map[string][]data.Lot{}, notes: newReservedNotes()}
	l.rows = container.NewVBox()
	l.lot = newTextField()
	l.lot.SetPlaceHolder("As printed on the box")
	l.expiry = newTextField()
	l.expiry.SetPlaceHolder(data.DatePattern(data.CurrentDateOrder()) + " or YYYY-MM")
	for _, e := range []*textField{l.lot, l.expiry} {
		e.OnSubmitted = func(string) { l.commit() }
	}
	l.add = widget.NewButtonWithIcon("Add lot", theme.ContentAddIcon(), l.commit)
	l.cancel = widget.NewButton("Cancel", func() { l.edit(data.Lot{}) })
	l.cancel.Hide()
	// The inputs come first, so that adding a lot never needs scrolling past a long stock list.
	l.content = container.NewVBox(
		widget.NewLabelWithStyle("Lots in stock", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		settingsRow(l.notes,
			settingsField{"Lot number", "lot", l.lot},
			settingsField{"Expiry", "expiry", l.expiry}),
		l.notes.general,
		container.NewHBox(l.add, l.cancel),
		l.rows,
	)
	return l
}

// setItem shows the lots of a product or cartridge; "" for one not saved yet.
func (l *settingsLots) setItem(id string) {
	l.itemID = id
	l.edit(data.Lot{})
	l.showRows()
}

// edit puts a lot in the inputs: an existing one to correct, or an empty one to add.
func (l *settingsLots) edit(lot data.Lot) {
	l.editing = lot
	l.lot.SetText(lot.Lot)
	l.expiry.SetText(lot.Expiry.String())
	l.notes.show(nil)
	if lot.ID == "" {
		l.add.SetText("Add lot")
		l.cancel.Hide()
	} else {
		l.add.SetText("Save lot")
		l.cancel.Show()
	}
	if l.itemID == "" {
		l.lot.Disable()
		l.expiry.Disable()
		l.add.Disable()
	} else {
		l.lot.Enable()
		l.expiry.Enable()
		l.add.Enable()
	}
}

func (l *settingsLots) pending() bool {
	return l.itemID != "" && (strings.TrimSpace(l.lot.Text) != l.editing.Lot ||
		strings.TrimSpace(l.expiry.Text) != l.editing.Expiry.String())
}

func (l *settingsLots) showRows() {
	l.rows.RemoveAll()
	lots := l.byItem[l.itemID]
	switch {
	case l.itemID == "":
		l.rows.Add(settingsHint("Save the " + l.noun + " first, then add its lots."))
	case len(lots) == 0:
		l.rows.Add(settingsHint("No lots recorded yet."))
	}
	today := data.DateOf(l.s.store.Now())
	for _, lot := range lots {
		expiry := widget.NewLabel("no expiry recorded")
		switch {
		case lot.Expiry.IsZero():
			expiry.Importance = widget.LowImportance
		case lot.Expiry.Before(today):
			expiry.SetText("expired " + lot.Expiry.String())
			expiry.Importance = widget.DangerImportance
		default:
			expiry.SetText("expires " + lot.Expiry.String())
		}
		edit := widget.NewButtonWithIcon("Edit", theme.DocumentCreateIcon(), func() { l.edit(lot) })
		edit.Importance = widget.LowImportance
		name := widget.NewLabelWithStyle(lot.Lot, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		l.rows.Add(container.NewBorder(nil, nil, nil, edit, container.NewHBox(name, expiry)))
	}
}

// commit adds or corrects the lot in the inputs.
func (l *settingsLots) commit() {
	if l.saving || l.itemID == "" {
		return
	}
	lot := l.editing
	lot.ItemID, lot.Lot = l.itemID, l.lot.Text
	expiry, err := data.ParseExpiry(l.expiry.Text)
	if err != nil {
		msg := "Write the expiry as YYYY-MM-DD, or YYYY-MM for the end of that month."
		l.notes.show(&data.ValidationError{Fields: []data.FieldError{{Field: "expiry", Message: msg}}})
		return
	}
	lot.Expiry = expiry
	l.saving = true
	l.add.Disable()
	var lots []data.Lot
	saved := false
	l.s.background(func(ctx context.Context) error {
		if err := l.save(ctx, &lot); err != nil {
			return err
		}
		saved = true
		var err error
		lots, err = l.load(ctx, lot.ItemID)
		return err
	}, func(err error) {
		l.saving = false
		l.add.Enable()
		if err != nil && !saved {
			if errors.Is(err, data.ErrDuplicate) {
				err = &data.ValidationError{Fields: []data.FieldError{{Field: "lot", Message: "This lot is already recorded."}}}
			}
			if !l.notes.show(err) {
				showError(l.s.win, "save the lot", err)
			}
			return
		}
		if err != nil {
			showError(l.s.win, "read the lots again", err)
			return
		}
		l.byItem[lot.ItemID] = lots
		if l.itemID == lot.ItemID {
			l.edit(data.Lot{})
			l.showRows()
		}
	})
}

// ---- Zones

type zoneTab struct {
	ed                  *settingsEditor[data.Zone]
	name                *textField
	region              *pickSelect
	min, max, warnAbove *textField
}

var (
	settingsRegions     = []data.Region{data.RegionFace, data.RegionNeck, data.RegionScalp, data.RegionBody}
	settingsRegionNames = []string{"Face", "Neck", "Scalp", "Body"}
)

func newZoneTab(s *settingsWindow) *zoneTab {
	t := &zoneTab{}
	ed := &settingsEditor[data.Zone]{s: s, noun: "zone", nameField: "name", notes: newReservedNotes(),
		id: func(z data.Zone) string { return z.ID },
		row: func(z data.Zone) (string, string, widget.Importance) {
			return z.Name, fmt.Sprintf("%s · %s–%s mm", z.Region, settingsMM(z.TypicalMin), settingsMM(z.TypicalMax)),
				widget.MediumImportance
		},
		retired:    func(z data.Zone) bool { return z.Retired },
		setRetired: func(z *data.Zone, r bool) { z.Retired = r },
		fresh: func() data.Zone {
			z := data.Zone{Region: data.RegionFace}
			for _, o := range t.ed.items {
				z.Position = max(z.Position, o.Position+1)
			}
			return z
		},
		show: func(z data.Zone) {
			t.name.SetText(z.Name)
			t.region.SetSelectedIndex(slices.Index(settingsRegions, z.Region))
			t.min.SetText(settingsMM(z.TypicalMin))
			t.max.SetText(settingsMM(z.TypicalMax))
			t.warnAbove.SetText(settingsMM(z.WarnAbove))
		},
		read: func(z data.Zone) (data.Zone, error) {
			var p settingsParser
			z.Name = t.name.Text
			if i := t.region.SelectedIndex(); i >= 0 {
				z.Region = settingsRegions[i]
			}
			z.TypicalMin = p.mm("typical_min", "Typical minimum", t.min)
			z.TypicalMax = p.mm("typical_max", "Typical maximum", t.max)
			z.WarnAbove = p.mm("warn_above", "Warning depth", t.warnAbove)
			return z, p.err()
		},
		save: s.store.SaveZone,
		load: func(ctx context.Context) ([]data.Zone, error) { return s.store.Zones(ctx, true) },
	}
	t.ed = ed
	t.name = ed.entry(newTextField())
	t.name.SetPlaceHolder("e.g. Hands")
	t.region = newSelect(settingsRegionNames, func(string) { ed.changed() })
	t.min = ed.entry(newTextField())
	t.min.SetPlaceHolder("e.g. 0.25")
	t.max = ed.entry(newTextField())
	t.max.SetPlaceHolder("e.g. 0.5")
	t.warnAbove = ed.entry(newTextField())
	t.warnAbove.SetPlaceHolder("e.g. 1.0")
	ed.first = t.name
	ed.build(nil, container.NewVBox(
		settingsRow(ed.notes,
			settingsField{"Name", "name", t.name},
			settingsField{"Region", "region", t.region}),
		settingsRow(ed.notes,
			settingsField{"Typical from (mm)", "typical_min", t.min},
			settingsField{"Typical to (mm)", "typical_max", t.max},
			settingsField{"Warn above (mm)", "warn_above", t.warnAbove}),
		settingsHint(fmt.Sprintf("Depths are %.1f to %.1f mm. A session deeper than “warn above” gets a warning.",
			data.MinDepthMM, data.MaxDepthMM)),
	))
	return t
}

// ---- Safety rules

// ruleTab edits the contraindication rules the session editor checks a client's history against.
type ruleTab struct {
	ed        *settingsEditor[data.Rule]
	condition *textField
	action    *pickSelect
	window    *textField
	message   *textField
}

var (
	settingsRuleActions     = []data.RuleAction{data.RuleBlock, data.RuleWarn}
	settingsRuleActionNames = []string{"Block: treat only with a written reason", "Warn"}
)

func newRuleTab(s *settingsWindow) *ruleTab {
	t := &ruleTab{}
	ed := &settingsEditor[data.Rule]{s: s, noun: "rule", nameField: "condition", notes: newReservedNotes(),
		id: func(r data.Rule) string { return r.ID },
		row: func(r data.Rule) (string, string, widget.Importance) {
			what, imp := "warns", widget.WarningImportance
			if r.Action == data.RuleBlock {
				what, imp = "blocks", widget.DangerImportance
			}
			if r.WindowDays > 0 {
				what += fmt.Sprintf(" · %d days after", r.WindowDays)
			}
			return r.Condition, what, imp
		},
		retired:    func(r data.Rule) bool { return r.Retired },
		setRetired: func(r *data.Rule, v bool) { r.Retired = v },
		fresh: func() data.Rule {
			r := data.Rule{Action: data.RuleWarn}
			for _, o := range t.ed.items {
				r.Position = max(r.Position, o.Position+1)
			}
			return r
		},
		show: func(r data.Rule) {
			t.condition.SetText(r.Condition)
			t.action.SetSelectedIndex(slices.Index(settingsRuleActions, r.Action))
			t.window.SetText(optionalInt(r.WindowDays))
			t.message.SetText(r.Message)
		},
		read: func(r data.Rule) (data.Rule, error) {
			var p settingsParser
			r.Condition = t.condition.Text
			if i := t.action.SelectedIndex(); i >= 0 {
				r.Action = settingsRuleActions[i]
			}
			r.WindowDays = p.count("window_days", "The time window", t.window)
			r.Message = strings.TrimSpace(t.message.Text)
			return r, p.err()
		},
		save: s.store.SaveRule,
		load: func(ctx context.Context) ([]data.Rule, error) { return s.store.Rules(ctx, true) },
	}
	t.ed = ed
	t.condition = ed.entry(newTextField())
	t.condition.SetPlaceHolder("e.g. Isotretinoin (oral)")
	t.action = newSelect(settingsRuleActionNames, func(string) { ed.changed() })
	t.window = ed.entry(newTextField())
	t.window.SetPlaceHolder("0: only while current")
	t.message = ed.entry(newMultiLineField())
	t.message.Wrapping = fyne.TextWrapWord
	t.message.SetPlaceHolder("What the practitioner reads, e.g. wait 6 months after the last dose.")
	ed.first = t.condition
	ed.build(nil, container.NewVBox(
		settingsRow(ed.notes,
			settingsField{"Condition in the medical history", "condition", t.condition},
			settingsField{"When it applies", "action", t.action}),
		settingsRow(ed.notes, settingsField{"Days after it ended", "window_days", t.window}),
		settingsHint("A rule applies while the condition is current, and for this many days after its end date."),
		settingsRow(ed.notes, settingsField{"Message", "message", t.message}),
		settingsHint("The client's page and the session editor show it whenever a client's history matches the condition."),
	))
	return t
}

// ---- Lists

type listTab struct {
	ed       *settingsEditor[data.ListItem]
	kind     *pickSelect
	kindNow  data.ListKind
	name     *textField
	category *pickSelect
	catField fyne.CanvasObject
	up, down *widget.Button
}

var settingsListNames = map[data.ListKind]string{
	data.ListConcern: "Concerns", data.ListModality: "Modalities", data.ListEndpoint: "Endpoints",
	data.ListPattern: "Patterns", data.ListSideEffect: "Side effects", data.ListAftercare: "Aftercare items",
	data.ListProductKind: "Product kinds", data.ListPhotoView: "Photo views", data.ListSpeedUnit: "Speed units",
}

// settingsCategories names the categories that logic reads, for the lists that have them.
var settingsCategories = map[data.ListKind][]struct{ value, name string }{
	data.ListConcern: {{"", "Not pigment-related"}, {data.CategoryPigment, "Pigment: conservative depth"}},
	data.ListSideEffect: {{data.CategoryExpected, "Expected (usually gone within 72 h)"},
		{data.CategoryLessCommon, "Less common"}, {data.CategorySerious, "Rare and serious"}},
}

func settingsCategoryBadge(c string) (string, widget.Importance) {
	switch c {
	case data.CategoryPigment:
		return "pigment", widget.MediumImportance
	case data.CategoryExpected:
		return "expected", widget.MediumImportance
	case data.CategoryLessCommon:
		return "less common", widget.WarningImportance
	case data.CategorySerious:
		return "serious", widget.DangerImportance
	}
	return "", widget.MediumImportance
}

func newListTab(s *settingsWindow) *listTab {
	t := &listTab{kindNow: data.ListKinds[0]}
	ed := &settingsEditor[data.ListItem]{s: s, noun: "entry", nameField: "name", notes: newReservedNotes(),
		id: func(it data.ListItem) string { return it.ID },
		row: func(it data.ListItem) (string, string, widget.Importance) {
			b, look := settingsCategoryBadge(it.Category)
			return it.Name, b, look
		},
		retired:    func(it data.ListItem) bool { return it.Retired },
		setRetired: func(it *data.ListItem, r bool) { it.Retired = r },
		fresh: func() data.ListItem {
			it := data.ListItem{Kind: t.kindNow}
			for _, o := range t.ed.items {
				it.Position = max(it.Position, o.Position+1)
			}
			return it
		},
		show: func(it data.ListItem) {
			t.name.SetText(it.Name)
			t.showCategories(it.Category)
		},
		read: func(it data.ListItem) (data.ListItem, error) {
			it.Name = t.name.Text
			if cats := settingsCategories[it.Kind]; len(cats) > 0 {
				it.Category = ""
				if i := t.category.SelectedIndex(); i >= 0 && i < len(cats) {
					it.Category = cats[i].value
				} else if i >= len(cats) {
					it.Category = t.category.Selected // a category this version does not know, kept
				}
			}
			return it, nil
		},
		save: s.store.SaveListItem,
	}
	ed.load = t.loader(t.kindNow)
	ed.stateHook = t.stateChanged
	ed.loaded = func(items []data.ListItem) {
		// the Devices and Products tabs offer these lists' entries
		switch t.kindNow {
		case data.ListSpeedUnit:
			s.devices.speedUnits = items
		case data.ListProductKind:
			s.products.kinds = items
		}
	}
	t.ed = ed

	var names []string
	for _, k := range data.ListKinds {
		names = append(names, settingsListNames[k])
	}
	t.kind = newSelect(names, nil)
	t.kind.SetSelectedIndex(0)
	t.kind.OnChanged = func(string) {
		i := t.kind.SelectedIndex()
		if i < 0 || data.ListKinds[i] == t.kindNow {
			return
		}
		k := data.ListKinds[i]
		if ed.unsaved() {
			t.kind.SetSelectedIndex(slices.Index(data.ListKinds, t.kindNow)) // until the user agrees
			s.askDiscard(ed.title(), func() { t.switchTo(k) })
			return
		}
		t.switchTo(k)
	}
	t.name = ed.entry(newTextField())
	t.category = newSelect(nil, func(string) { ed.changed() })
	t.category.PlaceHolder = "Not set"
	t.catField = ed.notes.field("Category", "category", t.category)
	t.up = widget.NewButtonWithIcon("Move up", theme.MoveUpIcon(), func() { t.move(-1) })
	t.down = widget.NewButtonWithIcon("Move down", theme.MoveDownIcon(), func() { t.move(1) })
	ed.first = t.name
	ed.build(container.NewVBox(widget.NewLabelWithStyle("List", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), t.kind),
		container.NewVBox(
			ed.notes.field("Name", "name", t.name),
			t.catField,
			settingsHint("Renaming an entry leaves past records as they were written. Lists are offered in this order."),
		), t.up, t.down)
	return t
}

func (t *listTab) loader(kind data.ListKind) func(context.Context) ([]data.ListItem, error) {
	return func(ctx context.Context) ([]data.ListItem, error) { return t.ed.s.store.ListItems(ctx, kind, true) }
}

// switchTo shows another list.
func (t *listTab) switchTo(k data.ListKind) {
	t.kindNow = k
	t.kind.SetSelectedIndex(slices.Index(data.ListKinds, k))
	ed := t.ed
	ed.load = t.loader(k)
	ed.items, ed.chosen = nil, false
	ed.list.Refresh()
	ed.refreshState()
	load := ed.load
	var items []data.ListItem
	ed.s.background(func(ctx context.Context) (err error) {
		items, err = load(ctx)
		return err
	}, func(err error) {
		if err != nil {
			showError(ed.s.win, "read the list", err)
			return
		}
		if t.kindNow == k {
			ed.apply(items, false)
		}
	})
}

func (t *listTab) showCategories(current string) {
	cats := settingsCategories[t.kindNow]
	if len(cats) == 0 {
		t.catField.Hide()
		return
	}
	t.catField.Show()
	var opts []string
	choice := ""
	for _, c := range cats {
		opts = append(opts, c.name)
		if c.value == current {
			choice = c.name
		}
	}
	if current != "" && choice == "" {
		opts, choice = append(opts, current), current
	}
	settingsSelect(t.category, opts, choice)
}

func (t *listTab) stateChanged() {
	if t.up == nil {
		return // still being built
	}
	i := t.ed.indexOf(t.ed.current.ID)
	t.up.Disable()
	t.down.Disable()
	if !t.ed.chosen || t.ed.isNew() || t.ed.saving || i < 0 {
		return
	}
	if i > 0 {
		t.up.Enable()
	}
	if i < len(t.ed.items)-1 {
		t.down.Enable()
	}
}

// move swaps the current entry with its neighbour and numbers the list afresh. Only positions
// are saved: edits in the form stay in the form.
func (t *listTab) move(delta int) {
	ed := t.ed
	i := ed.indexOf(ed.current.ID)
	j := i + delta
	if ed.saving || i < 0 || j < 0 || j >= len(ed.items) {
		return
	}
	order := slices.Clone(ed.items)
	order[i], order[j] = order[j], order[i]
	var changed []data.ListItem
	for k := range order {
		if order[k].Position != k {
			order[k].Position = k
			changed = append(changed, order[k])
		}
	}
	ed.saving = true
	ed.refreshState()
	load := ed.load
	var items []data.ListItem
	ed.s.background(func(ctx context.Context) error {
		for k := range changed {
			if err := ed.s.store.SaveListItem(ctx, &changed[k]); err != nil {
				return err
			}
		}
		var err error
		items, err = load(ctx)
		return err
	}, func(err error) {
		ed.saving = false
		if err != nil {
			showError(ed.s.win, "move the entry", err)
		}
		if items != nil {
			ed.apply(items, false)
		}
		ed.refreshState()
	})
}
