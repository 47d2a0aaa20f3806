package ui

import (
	"context"
	"slices"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

type zoneTab struct {
	ed                  *settingsEditor[data.Zone]
	name                *nlwidget.TextField
	region              *nlwidget.PickSelect
	min, max, warnAbove *nlwidget.TextField
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
			return z.Name, string(z.Region) + " · " + wording.MMRange(z.TypicalMin, z.TypicalMax),
				widget.MediumImportance
		},
		retired:    func(z data.Zone) bool { return z.Retired },
		setRetired: func(z *data.Zone, r bool) { z.Retired = r },
		fresh: func() data.Zone {
			return data.Zone{Region: data.RegionFace,
				Position: settingsNextPosition(t.ed.items, func(z data.Zone) int { return z.Position })}
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
	t.name = ed.textEntry("e.g. Hands")
	t.region = nlwidget.NewSelect(settingsRegionNames, func(string) { ed.changed() })
	t.min = ed.textEntry("e.g. 0.25")
	t.max = ed.textEntry("e.g. 0.5")
	t.warnAbove = ed.textEntry("e.g. 1.0")
	ed.first = t.name
	ed.build(nil, container.NewVBox(
		settingsRow(ed.notes,
			settingsField{"Name", "name", t.name},
			settingsField{"Region", "region", t.region}),
		settingsRow(ed.notes,
			settingsField{"Typical from (mm)", "typical_min", t.min},
			settingsField{"Typical to (mm)", "typical_max", t.max},
			settingsField{"Warn above (mm)", "warn_above", t.warnAbove}),
		settingsHint("Depths are "+wording.Number(data.MinDepthMM)+" to "+wording.MM(data.MaxDepthMM)+
			". A session deeper than “warn above” gets a warning."),
	))
	return t
}
