package ui

import (
	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// newDateField is the app's date input (nlwidget.NewDateField) with its calendar closed by
// Escape, as every pop-up of the app is.
func newDateField(d data.Date, placeholder string) *nlwidget.TextField {
	e := nlwidget.NewDateField(d, placeholder)
	e.OnPopUp = onEscape
	return e
}
