package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

type cartridgeTab struct {
	ed            *settingsEditor[data.Cartridge]
	name, needles *nlwidget.TextField
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
	t.name = ed.textEntry("e.g. 12-pin")
	t.needles = ed.textEntry("Empty for nano or unknown")
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
