// Package widget holds Needlelog's reusable widgets: the zone map (a clickable drawing of face
// and body coloured by depth), the photo view (zoom, pan and pinned notes, shared between the
// views of one comparison) and the form fields (text, date, picker, select and check fields that
// behave alike at the keyboard). It knows no screen, no store and no SQL; screens import it as
// nlwidget, beside Fyne's own widget package.
package widget
