package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

type productTab struct {
	ed          *settingsEditor[data.Product]
	name, notes *nlwidget.TextField
	kind        *nlwidget.PickSelect
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
	t.name = ed.textEntry("e.g. Hyaluronic acid serum (sterile)")
	t.kind = nlwidget.NewSelect(nil, func(string) { ed.changed() })
	t.kind.PlaceHolder = "Choose a kind"
	t.needledOK = widget.NewCheck("Made for use on needled skin", func(bool) {
		t.showFlag()
		ed.changed()
	})
	t.notes = ed.entry(nlwidget.NewMultiLineField())
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
