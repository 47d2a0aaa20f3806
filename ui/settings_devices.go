package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

type deviceTab struct {
	ed                             *settingsEditor[data.Device]
	model                          *nlwidget.TextField
	kind, speed                    *nlwidget.PickSelect
	maxDepth, evaluated, depthStep *nlwidget.TextField
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
			return d.Model, strings.ToLower(settingsDeviceKinds[d.Kind]) + " · max " + wording.MM(d.MaxDepth),
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
	t.model = ed.textEntry("e.g. Dermapen 4")
	var kinds []string
	for _, k := range data.DeviceKinds {
		kinds = append(kinds, settingsDeviceKinds[k])
	}
	t.kind = nlwidget.NewSelect(kinds, func(string) { ed.changed() })
	t.speed = nlwidget.NewSelect(nil, func(string) { ed.changed() })
	t.speed.PlaceHolder = "Choose a unit"
	t.maxDepth = ed.textEntry("e.g. 2.5")
	t.evaluated = ed.textEntry("e.g. 1.5")
	t.depthStep = ed.textEntry("e.g. 0.25")
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
