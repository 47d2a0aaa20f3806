package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// settingsSlot holds the main window's open Settings window, if any. Only touched on the UI
// goroutine.
type settingsSlot struct{ open *settingsWindow }

// settingsLinks are the parts of the main window that Settings acts on; nil ones are left alone
// (tests of Settings by itself).
type settingsLinks struct {
	lock    *locker          // who is signed in, and the idle lock
	backups *backupKeeper    // the practice's backups
	changed func()           // after an entry is saved: the main window's first-day list reads it
	tab     string           // the tab to show ("Clinic", "Devices"…); "" leaves it as it is
	shown   func(string)     // a tab was shown, by its title
	closed  func()           // the window was closed
	disk    func() diskCheck // what the main window found of the drive's encryption
	notices func()           // shows the main window's notices again (one dismissed for good, brought back)
	// connected shows a practice on the clinic's server in the main window, once Settings
	// › Database connected to it; useFile goes back to the practice file on this PC.
	connected func(*openedPractice)
	useFile   func()
}

// show opens the practice's settings in a window of their own (one at a time: a second
// call focuses the open one).
func (slot *settingsSlot) show(a fyne.App, store practiceStore, links settingsLinks) fyne.Window {
	if slot.open != nil && slot.open.store != store {
		slot.open.win.Close() // it belongs to a practice that is no longer open
	}
	if slot.open != nil {
		slot.open.showTab(links.tab)
		slot.open.win.Show()
		slot.open.win.RequestFocus()
		return slot.open.win
	}
	s := newSettingsWindow(a, store, links)
	slot.open = s
	s.win.SetOnClosed(func() {
		s.life.end()
		if slot.open == s {
			slot.open = nil
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
	store   practiceStore
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
	backupCrypt   *backupCrypt
	changed       func() // see settingsLinks
	disk          func() diskCheck
	notices       func()
	connected     func(*openedPractice)
	useFile       func()
	ownThrottle   throttle // wrong passphrases, when no lock screen counts them (Settings alone)
	life          life     // ends when the window closes
}

// throttle counts wrong passphrases typed in Settings, with the lock screen's when there is one.
func (s *settingsWindow) throttle() *throttle {
	if s.lock != nil {
		return &s.lock.throttle
	}
	return &s.ownThrottle
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

func newSettingsWindow(a fyne.App, store practiceStore, links settingsLinks) *settingsWindow {
	s := &settingsWindow{win: a.NewWindow("Settings — Needlelog"), store: store, lock: links.lock, backups: links.backups,
		changed: links.changed, disk: links.disk, notices: links.notices, life: newLife(nil),
		connected: links.connected, useFile: links.useFile}
	s.win.SetOnClosed(s.life.end)
	if f := fileOf(store); s.backups == nil && f != nil {
		s.backups = newBackupKeeper(a, f)
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
	s.read(func(ctx context.Context) (err error) {
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

// background runs work off the UI goroutine, then done on it. The work is an entry saved or a
// change asked for: it finishes even when the window closes meanwhile.
func (s *settingsWindow) background(work func(context.Context) error, done func(error)) {
	s.pending.Add(1)
	lastingWrite(s.life, s.store, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) },
		func(_ struct{}, err error) {
			defer s.pending.Done()
			done(err)
		})
}

// read runs a read off the UI goroutine, then done on it, unless the window closed meanwhile:
// then the read stops, and there is no one to show it to.
func (s *settingsWindow) read(work func(context.Context) error, done func(error)) {
	s.pending.Add(1)
	l := s.life
	async(func() (struct{}, error) { return struct{}{}, work(l.ctx) },
		func(_ struct{}, err error) {
			defer s.pending.Done()
			if !l.gone(err) {
				done(err)
			}
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
		{"Safety rules", s.rules.ed.unsaved()},
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

func (p *settingsParser) mm(field, label string, e *nlwidget.TextField) float64 {
	if strings.TrimSpace(e.Text) == "" {
		return 0
	}
	v, err := data.ParseDecimal(e.Text)
	if err != nil {
		p.errs = append(p.errs, data.FieldError{Field: field, Message: label + " must be a number of millimetres, such as 1.5."})
	}
	return v
}

func (p *settingsParser) count(field, label string, e *nlwidget.TextField) int {
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
	return wording.Number(v)
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
func settingsSelect(sel *nlwidget.PickSelect, options []string, choice string) {
	sel.Options = options
	if choice == "" {
		sel.ClearSelected()
	} else {
		sel.SetSelected(choice)
	}
	sel.Refresh()
}
