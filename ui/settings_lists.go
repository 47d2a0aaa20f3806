package ui

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

type listTab struct {
	ed       *settingsEditor[data.ListItem]
	kind     *nlwidget.PickSelect
	kindNow  data.ListKind
	name     *nlwidget.TextField
	category *nlwidget.PickSelect
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
			return data.ListItem{Kind: t.kindNow,
				Position: settingsNextPosition(t.ed.items, func(it data.ListItem) int { return it.Position })}
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
	t.kind = nlwidget.NewSelect(names, nil)
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
	t.name = ed.entry(nlwidget.NewTextField())
	t.category = nlwidget.NewSelect(nil, func(string) { ed.changed() })
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
	ed.s.read(func(ctx context.Context) (err error) {
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
