package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The app's keyboard shortcuts. They hang on menu items, which Fyne triggers before the focused
// field sees the keys, so they work while typing in any field.
var (
	scNewClient    = shortcut(fyne.KeyN, fyne.KeyModifierShift)
	scNewSession   = shortcut(fyne.KeyN, 0)
	scFind         = shortcut(fyne.KeyF, 0)
	scSave         = shortcut(fyne.KeyS, 0)
	scEditProfile  = shortcut(fyne.KeyE, 0)
	scCloseSession = shortcut(fyne.KeyW, 0)
	scSettings     = shortcut(fyne.KeyComma, 0)
	scAll          = shortcut(fyne.Key1, 0)
	scDue          = shortcut(fyne.Key2, 0)
	scRecent       = shortcut(fyne.Key3, 0)
	scInsights     = shortcut(fyne.KeyI, 0)
	scLock         = shortcut(fyne.KeyL, 0)
	scQuit         = shortcut(fyne.KeyQ, 0)
)

// shortcut is Ctrl (Cmd on macOS) with the given key and any extra modifiers.
func shortcut(key fyne.KeyName, extra fyne.KeyModifier) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault | extra}
}

// shortcutList is what Help › Keyboard shortcuts lists, in the order a practitioner meets them.
var shortcutList = []struct {
	what string
	sc   fyne.Shortcut
	keys string // for keys that are not menu shortcuts
}{
	{what: "Find a client", sc: scFind},
	{what: "New client", sc: scNewClient},
	{what: "Edit the client's profile", sc: scEditProfile},
	{what: "New session for the client", sc: scNewSession},
	{what: "Save", sc: scSave},
	{what: "Lock the window", sc: scLock},
	{what: "Close the session", sc: scCloseSession},
	{what: "All clients", sc: scAll},
	{what: "Clients due or overdue", sc: scDue},
	{what: "Clients seen recently", sc: scRecent},
	{what: "Insights: what the records teach", sc: scInsights},
	{what: "Settings", sc: scSettings},
	{what: "Quit (asks about unsaved work first)", sc: scQuit},
	{what: "Next / previous field", keys: "Tab / Shift+Tab"},
	{what: "Open a picker list", keys: "Space or Enter on it"},
}

// keysLabel spells a shortcut as the keyboard shows it: "Ctrl+Shift+N".
func keysLabel(sc fyne.Shortcut) string {
	cs, ok := sc.(*desktop.CustomShortcut)
	if !ok {
		return sc.ShortcutName()
	}
	var s string
	if cs.Modifier&fyne.KeyModifierSuper != 0 {
		s += "Cmd+"
	}
	if cs.Modifier&fyne.KeyModifierControl != 0 {
		s += "Ctrl+"
	}
	if cs.Modifier&fyne.KeyModifierShift != 0 {
		s += "Shift+"
	}
	if cs.KeyName == fyne.KeyComma {
		return s + ","
	}
	return s + string(cs.KeyName)
}

// showShortcuts opens Help › Keyboard shortcuts, or brings it forward when it is open.
func (m *mainWindow) showShortcuts() {
	if m.shortcuts != nil {
		m.shortcuts.RequestFocus()
		return
	}
	grid := container.NewGridWithColumns(2)
	for _, s := range shortcutList {
		keys := s.keys
		if s.sc != nil {
			keys = keysLabel(s.sc)
		}
		grid.Add(widget.NewLabel(s.what))
		grid.Add(widget.NewLabelWithStyle(keys, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
	}
	w := m.app.NewWindow("Keyboard shortcuts")
	w.SetContent(container.NewPadded(grid))
	w.SetOnClosed(func() { m.shortcuts = nil })
	m.shortcuts = w
	w.Show()
}
