package ui

import (
	"context"
	"errors"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	"needlelog.app/needlelog/wording"
)

// The Conflicts view: the values that lost a merge when a bundle was brought in, per record, each
// with this computer's value and the other's, which one the record holds now, and a button to keep
// either. Settled ones go from the list (a tick shows them again).

// conflictGroup is one record's conflicts, under a heading naming it.
type conflictGroup struct {
	title     string
	name      string // whose record: the client's name, or the list entry's; "" for none
	conflicts []ondisk.Conflict
}

// conflictsView is the Conflicts view over the main window.
type conflictsView struct {
	m        *mainWindow
	d        *dialog.CustomDialog
	settled  *widget.Check
	status   *widget.Label
	done     *widget.Label   // what the last Keep… did, until the next action
	body     *fyne.Container // the lines above, and the groups under them
	box      *fyne.Container // the groups
	scroll   *container.Scroll
	groups   []conflictGroup
	readOnly bool
}

// showConflicts opens the Conflicts view.
func (m *mainWindow) showConflicts() *conflictsView {
	v := &conflictsView{m: m, readOnly: m.store.ReadOnly()}
	v.status = wrapLabel("")
	v.done = wrapLabel("")
	v.done.Importance = widget.SuccessImportance
	v.done.Hide()
	v.settled = widget.NewCheck("Show settled ones too", func(bool) { v.say(""); v.load() })
	v.box = container.NewVBox()
	v.scroll = container.NewVScroll(v.box)
	top := container.NewVBox(v.done, v.status, v.settled, widget.NewSeparator())
	v.body = container.NewBorder(top, nil, nil, nil, v.scroll)
	v.d = dialog.NewCustomWithoutButtons("Conflicts", v.body, m.win)
	v.d.SetButtons([]fyne.CanvasObject{widget.NewButton("Close", func() { v.d.Hide() })})
	size := m.win.Canvas().Size()
	v.d.Resize(fyne.NewSize(min(820, size.Width-40), min(680, size.Height-40)))
	showDialog(m.win, v.d)
	v.load()
	return v
}

// load reads the conflicts off the UI goroutine and shows them.
func (v *conflictsView) load() {
	open := !v.settled.Checked
	async(func() ([]conflictGroup, error) {
		return readConflictGroups(context.Background(), v.m.store, v.m.copyStore(), open)
	},
		func(groups []conflictGroup, err error) {
			if err != nil {
				showError(v.m.win, "read the conflicts", err)
				return
			}
			v.groups = groups
			v.show()
		})
}

// readConflictGroups reads the conflicts (open ones, or all) grouped per record, each group named
// after its client where it has one.
func readConflictGroups(ctx context.Context, s practiceStore, cs ondisk.CopyStore, open bool) ([]conflictGroup, error) {
	list, err := ondisk.Conflicts(ctx, cs, open)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	lists := map[string]map[string]string{}
	byKey := map[string]*conflictGroup{}
	var order []string
	for _, c := range list {
		key := c.Entity + "/" + c.EntityID
		g, ok := byKey[key]
		if !ok {
			title, name, err := conflictTitle(ctx, s, c, names, lists)
			if err != nil {
				return nil, err
			}
			g = &conflictGroup{title: title, name: name}
			byKey[key] = g
			order = append(order, key)
		}
		g.conflicts = append(g.conflicts, c)
	}
	out := make([]conflictGroup, 0, len(order))
	for _, k := range order {
		g := byKey[k]
		sort.SliceStable(g.conflicts, func(i, j int) bool { return g.conflicts[i].Field < g.conflicts[j].Field })
		out = append(out, *g)
	}
	return out, nil
}

// conflictTitle names the record a conflict is about: "Maria Lopez · Client details",
// "Maria Lopez · Session of 3 Mar 2026, 10:00", "Zone · Décolleté"; and whose it is ("Maria
// Lopez", "Décolleté", "" for none). names keeps the clients' names read, lists the practice
// lists' entries by kind.
func conflictTitle(ctx context.Context, s practiceStore, c ondisk.Conflict, names map[string]string, lists map[string]map[string]string) (title, whose string, err error) {
	what := wording.TransferEntity(c.Entity)
	if entries, err := listEntries(ctx, s, c.Entity, lists); err != nil {
		return "", "", err
	} else if name := entries[c.EntityID]; name != "" {
		return what + " · " + name, name, nil
	}
	if c.Entity == "session" {
		switch se, err := s.Session(ctx, c.EntityID); {
		case err == nil:
			what = "Session of " + wording.DateTime(se.StartedAt)
		case !errors.Is(err, data.ErrNotFound):
			return "", "", err
		}
	}
	if c.ClientID == "" {
		return what, "", nil
	}
	name, ok := names[c.ClientID]
	if !ok {
		switch cl, err := s.Client(ctx, c.ClientID); {
		case err == nil:
			name = cl.Name()
		case errors.Is(err, data.ErrNotFound):
			name = "A client no longer in this practice"
		default:
			return "", "", err
		}
		names[c.ClientID] = name
	}
	return name + " · " + what, name, nil
}

// listEntries are the names of a practice list's entries by ID, for the lists a conflict can be
// about (nil for other records), read once per kind into lists.
func listEntries(ctx context.Context, s practiceStore, entity string, lists map[string]map[string]string) (map[string]string, error) {
	if m, ok := lists[entity]; ok {
		return m, nil
	}
	m := map[string]string{}
	var err error
	switch entity {
	case "zone":
		var l []data.Zone
		if l, err = s.Zones(ctx, true); err == nil {
			for _, e := range l {
				m[e.ID] = e.Name
			}
		}
	case "device":
		var l []data.Device
		if l, err = s.Devices(ctx, true); err == nil {
			for _, e := range l {
				m[e.ID] = e.Model
			}
		}
	case "cartridge":
		var l []data.Cartridge
		if l, err = s.Cartridges(ctx, true); err == nil {
			for _, e := range l {
				m[e.ID] = e.Name
			}
		}
	case "product":
		var l []data.Product
		if l, err = s.Products(ctx, "", true); err == nil {
			for _, e := range l {
				m[e.ID] = e.Name
			}
		}
	case "practitioner":
		var l []data.Practitioner
		if l, err = s.Practitioners(ctx, true); err == nil {
			for _, e := range l {
				m[e.ID] = e.Name
			}
		}
	case "rule":
		var l []data.Rule
		if l, err = s.Rules(ctx, true); err == nil {
			for _, e := range l {
				m[e.ID] = e.Condition
			}
		}
	default:
		m = nil
	}
	if err != nil {
		return nil, err
	}
	lists[entity] = m
	return m, nil
}

// show lays out the groups read.
func (v *conflictsView) show() {
	n := 0
	for _, g := range v.groups {
		n += len(g.conflicts)
	}
	switch {
	case n == 0 && v.settled.Checked:
		v.status.SetText("No bundle brought in has left a conflict.")
	case n == 0:
		v.status.SetText("Nothing to settle: every value brought in from other computers agrees with this one's, or was settled.")
	case v.settled.Checked:
		v.status.SetText(wording.Count(n, "conflict", "conflicts") + ", settled ones included.")
	default:
		v.status.SetText(wording.Count(n, "value differs", "values differ") + " between this computer and another. " +
			"Each record holds the later change now; keep the other where it is the right one.")
	}
	var objs []fyne.CanvasObject
	for _, g := range v.groups {
		head := widget.NewLabelWithStyle(g.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Wrapping = fyne.TextWrapWord
		objs = append(objs, head)
		for i, c := range g.conflicts {
			if i > 0 {
				objs = append(objs, indentedSeparator())
			}
			objs = append(objs, v.card(c, g.name))
		}
		objs = append(objs, widget.NewSeparator())
	}
	v.box.Objects = objs
	v.body.Refresh() // the status's lines
	// Twice: wrapped values know how many lines they take only once laid out at their width.
	v.scroll.Refresh()
	v.scroll.Refresh()
}

// card is one conflict: the field, both values, which one the record holds, and the choice.
func (v *conflictsView) card(c ondisk.Conflict, whose string) fyne.CanvasObject {
	other := wording.DeviceOrUnnamed(c.DeviceName)
	field := widget.NewLabelWithStyle(wording.TransferField(c.Field), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	value := func(raw string) *widget.Label {
		l := wrapLabel(wording.TransferValue(c.Field, raw))
		l.Selectable = true
		return l
	}
	values := container.New(layout.NewFormLayout(),
		widget.NewLabel("This computer"), value(c.Ours),
		widget.NewLabel(other), value(c.Theirs))
	found := settingsHint(wording.ConflictFound(c.FoundAt, other))
	found.SizeName = theme.SizeNameCaptionText
	rows := []fyne.CanvasObject{container.NewBorder(nil, nil, field, nil, found), values}
	if c.ResolvedAt != "" {
		rows = append(rows, settingsHint(wording.ConflictSettled(c.Resolution, other, c.ResolvedAt)))
		return container.NewPadded(container.NewVBox(rows...))
	}
	kept := settingsHint(wording.ConflictKept(c.Field, c.Kept, other))
	var buttons []fyne.CanvasObject
	if !wording.ConflictToChoose(c.Field, c.Kept) {
		buttons = append(buttons, v.button("Seen", c, whose, ondisk.Seen))
	} else {
		buttons = append(buttons, v.button("Keep this computer's", c, whose, ondisk.KeepOurs),
			v.button("Keep "+wording.Possessive(other), c, whose, ondisk.KeepTheirs))
	}
	rows = append(rows, container.NewBorder(nil, nil, nil, container.NewHBox(buttons...), kept))
	return container.NewPadded(container.NewVBox(rows...))
}

// button settles conflict c, about whose record, with pick.
func (v *conflictsView) button(label string, c ondisk.Conflict, whose, pick string) *widget.Button {
	b := widget.NewButtonWithIcon(label, theme.ConfirmIcon(), func() {
		v.say("")
		v.resolve(c.ID, pick, wording.ConflictJustSettled(pick, c.Field, wording.DeviceOrUnnamed(c.DeviceName), whose))
	})
	if v.readOnly {
		b.Disable()
	}
	return b
}

// say shows what the last action did, or nothing.
func (v *conflictsView) say(done string) {
	v.done.SetText(done)
	if done == "" {
		v.done.Hide()
	} else {
		v.done.Show()
	}
	v.body.Refresh() // the line's room, taken or given back
}

// resolve settles a conflict off the UI goroutine, says so with done, then reads the list again
// and tells the window.
func (v *conflictsView) resolve(id, pick, done string) {
	cs := v.m.copyStore()
	async(func() (struct{}, error) {
		return struct{}{}, ondisk.ResolveConflict(context.Background(), cs, id, pick)
	}, func(_ struct{}, err error) {
		if err != nil {
			showError(v.m.win, "settle the conflict", err)
		} else {
			v.say(done)
		}
		v.load()
		// The client page beside it shows the value kept, and an edit started from it saves.
		v.m.reloadClient()
	})
}

// conflictNotice is the main window's line about conflicts still to settle, nil when there are none.
func (m *mainWindow) conflictNotice() fyne.CanvasObject {
	if m.openConflicts == "" {
		return nil
	}
	return noticeRow(theme.WarningIcon(), m.openConflicts, widget.NewButton("Settle…", func() {
		if !m.browsing() {
			m.sayWhatToCloseFirst("The conflicts open from the client list", "File › Transfer › Conflicts…")
			return
		}
		m.showConflicts()
	}))
}

// readOpenConflicts words the conflicts still to settle for the window's notices: "2 conflicts
// from Anna's laptop to settle — File › Transfer › Conflicts…"; "" when there are none.
func readOpenConflicts(ctx context.Context, cs ondisk.CopyStore) (string, error) {
	list, err := ondisk.Conflicts(ctx, cs, true)
	if err != nil || len(list) == 0 {
		return "", err
	}
	from := wording.DeviceOrUnnamed(list[0].DeviceName)
	for _, c := range list {
		if c.DeviceName != list[0].DeviceName {
			from = "other computers"
		}
	}
	return wording.Count(len(list), "conflict", "conflicts") + " from " + from + " to settle — File › Transfer › Conflicts…", nil
}

// refreshConflicts reads the conflicts still to settle and shows the line about them.
func (m *mainWindow) refreshConflicts() {
	s, l := m.store, m.life
	cs, ok := s.(ondisk.CopyStore)
	if !ok {
		return
	}
	async(func() (string, error) { return readOpenConflicts(l.ctx, cs) }, func(text string, err error) {
		if m.store != s || l.gone(err) {
			return
		}
		if err != nil {
			text = "" // the line is a reminder: the Conflicts view says what is wrong
		}
		if text != m.openConflicts {
			m.openConflicts = text
			m.showNotices()
		}
	})
}

// indentedSeparator parts two conflicts of one record, less strongly than two records are parted.
func indentedSeparator() fyne.CanvasObject {
	return container.New(layout.NewCustomPaddedLayout(0, 0, 2*theme.Padding(), 2*theme.Padding()), widget.NewSeparator())
}
