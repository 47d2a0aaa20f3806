package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestZoneLabelsAreWholeInTheEditorAt1280x800(t *testing.T) {
	e, w := openZones(t, 3)
	for _, size := range []fyne.Size{{Width: 1280, Height: 800 - 70}, {Width: 1440, Height: 900 - 70}} {
		w.Resize(size)
		test.WidgetRenderer(e.zoneMap).Layout(e.zoneMap.Size())
		for _, l := range e.zoneMap.Labels() {
			if l.Text != l.Whole {
				t.Errorf("at %v, with the map %v, the %q label reads %q", size, e.zoneMap.Size(), l.Whole, l.Text)
			}
			if l.Pos.X < 0 || l.Pos.X+l.Size.Width > e.zoneMap.Size().Width+0.5 {
				t.Errorf("at %v the %q label runs out of the map", size, l.Whole)
			}
		}
	}
}
