package widget

import (
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
)

// The input widgets every form of the app uses, so that they all behave alike at the keyboard.

// TextField is a text entry that:
//   - selects what it holds when the focus arrives by keyboard, so typing 25 over 3 gives 25;
//   - passes Escape and the Ctrl+letter shortcuts it has no use for on to the window, so that
//     Ctrl+S and Escape work while typing;
//   - can suggest options: Down or its button lists those matching what is typed; with complete
//     set, leaving it with the start of exactly one option fills in the rest, so that a half-typed
//     "isotre" is not kept as a condition of its own;
//   - knows whether the practitioner has worked on it (dirty, then touched once left), so that
//     a form shows a field's messages only from then on.
type TextField struct {
	widget.Entry
	options  []string
	picker   bool // has a suggestion button, even while options is empty (lots not known yet)
	complete bool
	Dirty    bool   // changed since the form was filled; the form sets it
	Touched  bool   // changed and then left: its messages may show; the form sets it
	OnLeave  func() // the focus left the field
	OnFocus  func() // the focus arrived
	// OnPopUp is told of a pop-up the field shows (a date field's calendar) and how to close it,
	// so that the window can close it on Escape.
	OnPopUp  func(c fyne.Canvas, pop fyne.CanvasObject, hide func())
	calendar *widget.PopUp // a date field's calendar, once shown
}

// NewTextField is a one-line TextField.
func NewTextField() *TextField {
	e := &TextField{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewEntry: long text scrolls inside
	e.ExtendBaseWidget(e)
	return e
}

// NewMultiLineField is a TextField for several lines (an address, notes). Tab still moves to the
// next field, as in every field: a tab typed into an address is never wanted, and the phone
// number typed after it would land in the address.
func NewMultiLineField() *TextField {
	e := NewTextField()
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

// NewDateField is the one date input of the app. It reads what ParseTypedDate reads (the
// practice's order, 14/03/1988 or 03/14/1988, ISO 1988-03-14 and 14 Mar 1988), shows a date as
// 14 Mar 1988, and has a calendar button beside it for choosing a day with the mouse.
func NewDateField(d data.Date, placeholder string) *TextField {
	e := NewTextField()
	e.ActionItem = newTapIcon(theme.CalendarIcon(), func() { showCalendar(e) }) // before the entry is drawn
	e.SetText(data.DateText(d))
	if placeholder == "" {
		placeholder = data.DatePattern(data.CurrentDateOrder())
	}
	e.SetPlaceHolder(placeholder)
	return e
}

// showCalendar opens a month calendar under a date field, on the field's date or today's
// month; a day chosen is typed into the field, which keeps the focus.
func showCalendar(e *TextField) {
	c := fyne.CurrentApp().Driver().CanvasForObject(e)
	if c == nil {
		return
	}
	start := time.Now()
	if d, err := data.ParseTypedDate(e.Text); err == nil && !d.IsZero() {
		start = d.Start()
	}
	var pop *widget.PopUp
	cal := widget.NewCalendar(start, func(t time.Time) {
		pop.Hide()
		e.SetText(data.DateText(data.NewDate(t.Year(), t.Month(), t.Day())))
		c.Focus(e)
	})
	pop = widget.NewPopUp(cal, c)
	e.calendar = pop
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(e).AddXY(0, e.Size().Height)
	if size := pop.MinSize(); pos.Y+size.Height > c.Size().Height {
		pos.Y = max(0, c.Size().Height-size.Height)
	}
	pop.ShowAtPosition(pos)
	if e.OnPopUp != nil {
		e.OnPopUp(c, pop, pop.Hide)
	}
}

// NewPicker is a TextField that offers options; complete fills in a unique start when left.
func NewPicker(options []string, placeholder string, complete bool) *TextField {
	e := NewTextField()
	e.options, e.picker, e.complete = options, true, complete
	e.SetPlaceHolder(placeholder)
	return e
}

// SetText replaces the text and drops a selection of the old one, which the entry would
// otherwise keep and let the next keystroke eat a character of the new text.
func (e *TextField) SetText(text string) {
	selected := e.SelectedText() != ""
	e.Entry.SetText(text)
	if selected {
		e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
	}
}

// SetOptions replaces what the field suggests.
func (e *TextField) SetOptions(options []string) { e.options = options }

// CreateRenderer adds the suggestion button when the entry has options.
func (e *TextField) CreateRenderer() fyne.WidgetRenderer {
	if (e.picker || len(e.options) > 0) && e.ActionItem == nil {
		b := widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), e.suggest)
		b.Importance = widget.LowImportance
		b.Hidden = e.Disabled()
		e.ActionItem = b
	}
	return e.Entry.CreateRenderer()
}

// Disable also hides the suggestion button: a read-only value offers nothing to pick.
func (e *TextField) Disable() {
	e.Entry.Disable()
	if e.ActionItem != nil {
		e.ActionItem.Hide()
	}
}

// Enable shows the suggestion button again.
func (e *TextField) Enable() {
	e.Entry.Enable()
	if e.ActionItem != nil {
		e.ActionItem.Show()
	}
}

// AcceptsTab is false even for multi-line entries, so Tab always moves to the next field.
func (e *TextField) AcceptsTab() bool { return false }

// FocusGained selects the text. A click then places the cursor where it was pressed (the entry
// drops the selection on mouse down), so only focus that came by keyboard keeps it.
func (e *TextField) FocusGained() {
	e.Entry.FocusGained()
	if !e.MultiLine && e.Text != "" {
		e.Entry.TypedShortcut(&fyne.ShortcutSelectAll{})
	}
	if e.OnFocus != nil {
		e.OnFocus()
	}
}

// FocusLost completes a half-typed option, if the field does, and tells OnLeave.
func (e *TextField) FocusLost() {
	e.Entry.FocusLost()
	if e.complete {
		if o, ok := completion(e.options, e.Text); ok && o != e.Text {
			e.SetText(o)
		}
	}
	if e.OnLeave != nil {
		e.OnLeave()
	}
}

// completion returns the option text stands for: the option itself in any letter case, or the
// only option that starts with it.
func completion(options []string, text string) (string, bool) {
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "" {
		return "", false
	}
	if i := slices.IndexFunc(options, func(o string) bool { return strings.ToLower(o) == t }); i >= 0 {
		return options[i], true
	}
	found := ""
	for _, o := range options {
		if strings.HasPrefix(strings.ToLower(o), t) {
			if found != "" {
				return "", false
			}
			found = o
		}
	}
	return found, found != ""
}

// TypedKey opens a picker's list on Down, and on Enter while what is typed is not yet one of
// its options (a whole option typed, Enter does what it does in any field).
func (e *TextField) TypedKey(k *fyne.KeyEvent) {
	enter := k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter
	switch {
	case k.Name == fyne.KeyEscape:
		PassKeyToWindow(e, k)
	case k.Name == fyne.KeyDown && len(e.options) > 0 && !e.MultiLine:
		e.suggest()
	case enter && len(e.options) > 0 && !e.MultiLine && !slices.ContainsFunc(e.options, func(o string) bool {
		return strings.EqualFold(o, strings.TrimSpace(e.Text))
	}):
		e.suggest()
	default:
		e.Entry.TypedKey(k)
	}
}

// TypedRune opens a picker's list on Space while it is empty: no option starts with a space.
func (e *TextField) TypedRune(r rune) {
	if r == ' ' && e.Text == "" && len(e.options) > 0 && !e.MultiLine {
		e.suggest()
		return
	}
	e.Entry.TypedRune(r)
}

// TypedShortcut passes on Ctrl+letter shortcuts the entry has no use for, such as Ctrl+S.
func (e *TextField) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && len(cs.KeyName) == 1 {
		if c, ok := fyne.CurrentApp().Driver().CanvasForObject(e).(fyne.Shortcutable); ok {
			c.TypedShortcut(s)
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

// matches returns the options containing what is typed, or all of them when none does.
func (e *TextField) matches() []string {
	text := strings.ToLower(strings.TrimSpace(e.Text))
	var out []string
	for _, o := range e.options {
		if strings.Contains(strings.ToLower(o), text) {
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return e.options
	}
	return out
}

// suggest opens the matching options under the entry; choosing one fills it in.
func (e *TextField) suggest() {
	c := fyne.CurrentApp().Driver().CanvasForObject(e)
	if c == nil || len(e.options) == 0 || e.Disabled() {
		return
	}
	var items []*fyne.MenuItem
	for _, o := range e.matches() {
		items = append(items, fyne.NewMenuItem(o, func() { e.SetText(o) }))
	}
	pop := widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
	pop.OnDismiss = func() { // chosen or not, typing goes on in the entry
		pop.Hide()
		c.Focus(e)
	}
	// Below the entry, scrolling if the list is long. With little room below, Fyne moves the
	// menu up (a menu always reaches down to the window's bottom edge when it scrolls).
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(e).AddXY(0, e.Size().Height)
	h := pop.MinSize().Height
	if below := c.Size().Height - pos.Y; below >= 200 {
		h = min(h, below)
	}
	pop.Resize(fyne.NewSize(e.Size().Width, h))
	pop.ShowAtPosition(pos)
}

// PickSelect is a select that passes Escape on to the window.
type PickSelect struct {
	widget.Select
	OnFocus func() // the focus arrived
}

// NewPickSelect is a PickSelect of options.
func NewPickSelect(options []string) *PickSelect {
	s := &PickSelect{}
	s.Options = options
	s.ExtendBaseWidget(s)
	return s
}

// NewSelect is a PickSelect calling changed with each choice, as widget.NewSelect.
func NewSelect(options []string, changed func(string)) *PickSelect {
	s := NewPickSelect(options)
	s.OnChanged = changed
	return s
}

// TypedKey opens the list on Enter as on Space (Fyne's Select opens on Space, Up and Down only).
func (s *PickSelect) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyEscape:
		PassKeyToWindow(s, k)
	case fyne.KeyReturn, fyne.KeyEnter:
		s.Select.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	default:
		s.Select.TypedKey(k)
	}
}

// FocusGained tells OnFocus.
func (s *PickSelect) FocusGained() {
	s.Select.FocusGained()
	if s.OnFocus != nil {
		s.OnFocus()
	}
}

// PickCheck is a check box that passes Escape on to the window.
type PickCheck struct {
	widget.Check
	OnFocus func() // the focus arrived
}

// NewPickCheck is a PickCheck with label beside it.
func NewPickCheck(label string) *PickCheck {
	c := &PickCheck{}
	c.Text = label
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey passes Escape on to the window.
func (c *PickCheck) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		PassKeyToWindow(c, k)
		return
	}
	c.Check.TypedKey(k)
}

// FocusGained tells OnFocus.
func (c *PickCheck) FocusGained() {
	c.Check.FocusGained()
	if c.OnFocus != nil {
		c.OnFocus()
	}
}

// PassKeyToWindow hands a key a widget does not use to its window's handler.
func PassKeyToWindow(o fyne.CanvasObject, k *fyne.KeyEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(o); c != nil && c.OnTypedKey() != nil {
		c.OnTypedKey()(k)
	}
}

// FormScroll makes the mouse wheel move a form's scroll wherever the pointer is over the form.
// Fyne gives a wheel event to the innermost scrollable thing under the pointer, and every text
// entry scrolls its own text, so over a field the form would not move. A transparent layer over
// the whole form catches the wheel for s; clicks and typing pass through it, as it takes
// nothing but the wheel.
func FormScroll(s *container.Scroll) *container.Scroll {
	s.Content = container.NewStack(s.Content, newWheelCatcher(s))
	return s
}

type wheelCatcher struct {
	widget.BaseWidget
	target *container.Scroll
}

func newWheelCatcher(target *container.Scroll) *wheelCatcher {
	w := &wheelCatcher{target: target}
	w.ExtendBaseWidget(w)
	return w
}

func (w *wheelCatcher) Scrolled(ev *fyne.ScrollEvent) { w.target.Scrolled(ev) }

func (w *wheelCatcher) MinSize() fyne.Size { return fyne.Size{} }

func (w *wheelCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// AtLeastWide lays o out at least w wide.
func AtLeastWide(w float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(minWidthLayout(w), o)
}

type minWidthLayout float32

func (w minWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := objs[0].MinSize()
	return fyne.NewSize(max(s.Width, float32(w)), s.Height)
}

func (w minWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.Position{})
	objs[0].Resize(size)
}

// TapIcon is an icon that acts when clicked. Unlike a button it takes no focus, so Tab goes from
// a date field straight to the next field, not to the field's calendar button.
type TapIcon struct {
	widget.BaseWidget
	icon  fyne.Resource
	onTap func()
}

func newTapIcon(icon fyne.Resource, onTap func()) *TapIcon {
	t := &TapIcon{icon: icon, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped acts.
func (t *TapIcon) Tapped(*fyne.PointEvent) { t.onTap() }

// Cursor is a pointing hand: the icon acts when clicked.
func (t *TapIcon) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer draws the icon with padding around it.
func (t *TapIcon) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewPadded(widget.NewIcon(t.icon)))
}
