package ui

import (
	"context"
	"errors"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

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
		nlwidget.FormScroll(container.NewVScroll(form)))
	split := container.NewHSplit(container.NewPadded(left), container.NewPadded(right))
	split.Offset = 0.36
	ed.content = split
	ed.refreshState()
}

// entry wires a text input: edits show as unsaved, and Enter saves a one-line one.
func (ed *settingsEditor[T]) entry(e *nlwidget.TextField) *nlwidget.TextField {
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

// textEntry is a one-line field of the form, showing placeholder while empty.
func (ed *settingsEditor[T]) textEntry(placeholder string) *nlwidget.TextField {
	e := ed.entry(nlwidget.NewTextField())
	e.SetPlaceHolder(placeholder)
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

// settingsNextPosition is the position that puts a new entry after all of items, for the tabs
// whose entries keep the order they are given.
func settingsNextPosition[T any](items []T, position func(T) int) int {
	next := 0
	for _, o := range items {
		next = max(next, position(o)+1)
	}
	return next
}
