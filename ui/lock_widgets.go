package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// The lock screen's widgets take every keyboard shortcut themselves. Fyne hands a shortcut the
// focused widget does not take to the window's canvas, where a dialog hidden by the lock (the
// client form's Ctrl+S) may still listen.

type lockButton struct{ widget.Button }

func newLockButton(label string, tapped func()) *lockButton {
	b := &lockButton{}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *lockButton) TypedShortcut(s fyne.Shortcut) { passQuitToWindow(b, s) }

// passQuitToWindow hands Ctrl+Q to the window's canvas, where the lock screen listens for it
// (the menu that has it is hidden while locked). Other shortcuts stay with the widget.
func passQuitToWindow(o fyne.CanvasObject, s fyne.Shortcut) {
	if s.ShortcutName() != scQuit.ShortcutName() {
		return
	}
	if c, ok := fyne.CurrentApp().Driver().CanvasForObject(o).(fyne.Shortcutable); ok {
		c.TypedShortcut(s)
	}
}

// lockEntry is a passphrase field: hidden text with a button to show it, and the clipboard.
type lockEntry struct{ widget.Entry }

func newLockEntry(placeholder string) *lockEntry {
	e := &lockEntry{}
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.PlaceHolder = placeholder
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey hands Escape to the window, which closes the dialog the field is in (a passphrase
// dialog); the lock screen itself has nothing that Escape closes.
func (e *lockEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		nlwidget.PassKeyToWindow(e, k)
		return
	}
	e.Entry.TypedKey(k)
}

// TappedSecondary opens no menu: a menu is a dialog of its own, which the lock would sweep away.
func (e *lockEntry) TappedSecondary(*fyne.PointEvent) {}

func (e *lockEntry) TypedShortcut(s fyne.Shortcut) {
	switch s.(type) {
	case *fyne.ShortcutPaste, *fyne.ShortcutCut, *fyne.ShortcutCopy, *fyne.ShortcutSelectAll,
		*fyne.ShortcutUndo, *fyne.ShortcutRedo:
		e.Entry.TypedShortcut(s)
	default:
		passQuitToWindow(e, s)
	}
}

// tapCatcher lies behind the lock screen: a click on empty space gives the focus back to the
// screen instead of leaving no widget focused (when the canvas gets the keys).
type tapCatcher struct {
	widget.BaseWidget
	tapped func()
}

func newTapCatcher(tapped func()) *tapCatcher {
	c := &tapCatcher{tapped: tapped}
	c.ExtendBaseWidget(c)
	return c
}

func (c *tapCatcher) Tapped(*fyne.PointEvent) { c.tapped() }
func (c *tapCatcher) MinSize() fyne.Size      { return fyne.Size{} }

func (c *tapCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// chooser is a column of buttons of which one may be chosen: the practitioners. Buttons rather
// than a select, whose list would open as a dialog of its own.
type chooser struct {
	box      *fyne.Container
	buttons  []*lockButton
	chosen   int
	onChoose func(int)
}

func newChooser(labels []string, onChoose func(int)) *chooser {
	c := &chooser{box: container.NewVBox(), chosen: -1, onChoose: onChoose}
	for i, label := range labels {
		b := newLockButton(label, func() { c.choose(i) })
		b.Alignment = widget.ButtonAlignLeading
		b.Icon = theme.AccountIcon()
		c.buttons = append(c.buttons, b)
		c.box.Add(b)
	}
	return c
}

func (c *chooser) choose(i int) {
	for j, b := range c.buttons {
		imp := widget.MediumImportance
		if j == i {
			imp = widget.HighImportance
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
	c.chosen = i
	if c.onChoose != nil {
		c.onChoose(i)
	}
}

// uniqueLabels names accounts for choosing between them; two practitioners may share a name.
func uniqueLabels(accounts []data.Account) []string {
	seen := map[string]int{}
	out := make([]string, len(accounts))
	for i, a := range accounts {
		label := a.Name
		if a.Credentials != "" {
			label += ", " + a.Credentials
		}
		seen[label]++
		if n := seen[label]; n > 1 {
			label = fmt.Sprintf("%s (%d)", label, n)
		}
		out[i] = label
	}
	return out
}
