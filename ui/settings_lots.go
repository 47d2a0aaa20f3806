package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

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
	lot, expiry *nlwidget.TextField
	add, cancel *widget.Button
	notes       *fieldNotes
	saving      bool
	content     fyne.CanvasObject
}

func newSettingsLots(s *settingsWindow, noun string, load func(context.Context, string) ([]data.Lot, error),
	save func(context.Context, *data.Lot) error) *settingsLots {
	l := &settingsLots{s: s, noun: noun, load: load, save: save, byItem: map[string][]data.Lot{}, notes: newReservedNotes()}
	l.rows = container.NewVBox()
	l.lot = nlwidget.NewTextField()
	l.lot.SetPlaceHolder("As printed on the box")
	l.expiry = nlwidget.NewTextField()
	l.expiry.SetPlaceHolder(data.DatePattern(data.CurrentDateOrder()) + " or YYYY-MM")
	for _, e := range []*nlwidget.TextField{l.lot, l.expiry} {
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
