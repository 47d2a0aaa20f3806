package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

var escapeKey = &fyne.KeyEvent{Name: fyne.KeyEscape}

// pressEscape presses Escape as the window sees it with no field focused.
func pressEscape(w fyne.Window) { w.Canvas().OnTypedKey()(escapeKey) }

// Escape closes the dialog on top, as its dismissing button would: the app's own confirmations
// and error messages, and a dialog opened with Fyne's calls directly.
func TestEscapeClosesDialogs(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("behind"))
	w.Resize(fyne.NewSize(900, 600))
	watchEscape(w.Canvas())

	answered := false
	confirm(w, "Delete?", "Really?", "Delete", func() { answered = true })
	showError(w, "save the client", errors.New("disk on fire"))
	if n := len(w.Canvas().Overlays().List()); n != 2 {
		t.Fatalf("%d overlays, want the question and the error over it", n)
	}
	pressEscape(w)
	if n := len(w.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("Escape left %d overlays, want the question only", n)
	}
	pressEscape(w)
	if w.Canvas().Overlays().Top() != nil || answered {
		t.Fatalf("Escape on the question: overlay %v, answered yes %v", w.Canvas().Overlays().Top(), answered)
	}

	closed := false
	d := dialog.NewInformation("Exported", "The file is written.", w)
	d.SetOnClosed(func() { closed = true })
	d.Show()
	pressEscape(w)
	if w.Canvas().Overlays().Top() != nil || !closed {
		t.Fatal("Escape does not close a dialog opened with Fyne's own call")
	}
	kept := false
	c := dialog.NewConfirm("Discard changes?", "Not saved.", func(ok bool) { kept = !ok }, w)
	c.SetDismissText("Cancel")
	c.Show()
	pressEscape(w)
	if w.Canvas().Overlays().Top() != nil || !kept {
		t.Fatal("Escape does not answer a confirmation's Cancel")
	}
	fileChosen := false
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, _ error) { fileChosen = r != nil }, w)
	fd.Show()
	pressEscape(w)
	if w.Canvas().Overlays().Top() != nil || fileChosen {
		t.Fatal("Escape does not cancel a file dialog")
	}
	pressEscape(w) // no dialog: nothing happens, nothing breaks
}

// A field in a dialog passes Escape on to the window, which closes the dialog.
func TestEscapeInADialogsFieldClosesIt(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("behind"))
	w.Resize(fyne.NewSize(900, 600))
	e := nlwidget.NewTextField()
	d := dialog.NewCustomConfirm("Reason", "Save", "Cancel", e, func(bool) {}, w)
	showDialog(w, d)
	w.Canvas().Focus(e)
	e.TypedKey(escapeKey)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape typed in a dialog's field left the dialog open")
	}
}

// Tab leaves every multi-line field of Settings and the client form: an address never takes a tab
// and the phone number typed after it.
func TestTabLeavesMultiLineFields(t *testing.T) {
	s, store := newTestSettings(t)
	lists, _ := loadClientLists(context.Background(), store)
	f := newClientForm(s.win, store, data.Client{}, lists, nil)
	roots := []fyne.CanvasObject{f.content()}
	for _, item := range s.tabs.Items {
		roots = append(roots, item.Content)
	}
	multi := 0
	for _, root := range roots {
		walk(root, func(o fyne.CanvasObject) {
			if tab, ok := o.(fyne.Tabbable); ok && multiLine(o) {
				multi++
				if tab.AcceptsTab() {
					t.Errorf("a multi-line field (%T) keeps Tab for itself", o)
				}
			}
		})
	}
	if multi < 4 {
		t.Fatalf("found %d multi-line fields, want the address, product notes, rule message and the client's", multi)
	}
	// The address in particular.
	var addr fyne.CanvasObject = s.clinic.address
	if tab, ok := addr.(fyne.Tabbable); !ok || tab.AcceptsTab() {
		t.Fatal("the clinic's address takes Tab")
	}
}

func multiLine(o fyne.CanvasObject) bool {
	switch e := o.(type) {
	case *widget.Entry:
		return e.MultiLine
	case *nlwidget.TextField:
		return e.MultiLine
	}
	return false
}

// Ctrl+S saves the Settings tab shown, typed in one of its fields.
func TestCtrlSSavesSettings(t *testing.T) {
	s, store := newTestSettings(t)
	c := s.clinic
	s.win.Resize(fyne.NewSize(1000, 680))
	s.win.Canvas().Focus(c.name)
	test.Type(c.name, "Skin Studio")
	c.name.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	s.wait()
	if got, _ := store.Setting(context.Background(), data.SettingClinicName); got != "Skin Studio" {
		t.Fatalf("after Ctrl+S the clinic's name is %q", got)
	}
	if !c.save.Disabled() {
		t.Fatal("Save is still enabled after Ctrl+S saved")
	}
}

// Pickers open their list on Space or Enter, as Help › Keyboard shortcuts says.
func TestPickersOpenOnSpaceAndEnter(t *testing.T) {
	test.NewTempApp(t)
	sel := nlwidget.NewPickSelect([]string{"I", "II", "III"})
	picker := nlwidget.NewPicker([]string{"Isotretinoin (Accutane)", "Pregnancy"}, "", true)
	w := test.NewTempWindow(t, widget.NewForm(widget.NewFormItem("Type", sel), widget.NewFormItem("Condition", picker)))
	w.Resize(fyne.NewSize(600, 400))
	for _, c := range []struct {
		what string
		key  func()
	}{
		{"Enter on a select", func() { sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }},
		{"Space on a select", func() { sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace}) }},
		{"Space on an empty picker", func() { w.Canvas().Focus(picker); picker.TypedRune(' ') }},
		{"Enter on a half-typed picker", func() {
			picker.SetText("preg")
			w.Canvas().Focus(picker)
			picker.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		}},
	} {
		c.key()
		top := w.Canvas().Overlays().Top()
		if top == nil {
			t.Errorf("%s opens no list", c.what)
			continue
		}
		top.Hide()
		w.Canvas().Overlays().Remove(top)
	}
	if picker.Text != "preg" {
		t.Errorf("the picker's text became %q", picker.Text)
	}
	picker.SetText("")
	w.Canvas().Focus(picker)
	test.Type(picker, "a b")
	if picker.Text != "a b" || w.Canvas().Overlays().Top() != nil {
		t.Errorf("a space after text is typed, not a list: %q", picker.Text)
	}
}

// Every date field reads the practice's order, ISO and "14 Mar 1988", and its calendar button
// picks a day.
func TestDateFieldsReadThePracticesOrder(t *testing.T) {
	s, store := newTestSettings(t)
	defer data.SetDateOrder(data.SystemDateOrder())
	lists, _ := loadClientLists(context.Background(), store)
	c := s.clinic
	c.dateOrder.SetSelectedIndex(1) // month first
	c.commit()
	s.wait()
	if got, _ := store.Setting(context.Background(), data.SettingDateOrder); got != "mdy" {
		t.Fatalf("date order stored as %q", got)
	}
	f := newClientForm(s.win, store, data.Client{FirstName: "Ann", LastName: "Lee"}, lists, nil)
	s.win.SetContent(f.content())
	s.win.Resize(fyne.NewSize(1280, 800))
	for typed, want := range map[string]string{"03/14/1988": "1988-03-14", "1988-03-14": "1988-03-14",
		"14 Mar 1988": "1988-03-14", "Mar 14, 1988": "1988-03-14"} {
		f.dob.SetText(typed)
		if got := f.value().DateOfBirth.String(); got != want {
			t.Errorf("month first, %q reads as %q", typed, got)
		}
	}
	if f.dob.PlaceHolder != "MM/DD/YYYY" {
		t.Errorf("placeholder %q", f.dob.PlaceHolder)
	}
	// Opened again by the app, a practice's order comes back with it; a file merely read, such as
	// a backup listed, changes nothing.
	data.SetDateOrder(data.DayMonthYear)
	peek, err := sqlite.Open(context.Background(), store.Path(), sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	peek.Close()
	if data.CurrentDateOrder() != data.DayMonthYear {
		t.Fatal("reading a file changed the order typed dates are read in")
	}
	store.Close()
	reopened, err := openPractice(context.Background(), store.Path(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reopened.store.Close()
	reopened.claim.Release()
	if data.CurrentDateOrder() != data.MonthDayYear {
		t.Fatal("opening the practice does not bring back its date order")
	}

	// Tab goes from the date to the next field, not to the calendar button.
	s.win.Canvas().Focus(f.dob)
	s.win.Canvas().FocusNext()
	if s.win.Canvas().Focused() != f.phone {
		t.Errorf("Tab from the date of birth goes to %T", s.win.Canvas().Focused())
	}

	// The calendar beside the field.
	f.dob.SetText("14 Mar 1988")
	test.Tap(f.dob.ActionItem.(*nlwidget.TapIcon))
	var cal *widget.Calendar
	if top := s.win.Canvas().Overlays().Top(); top != nil {
		walk(top, func(o fyne.CanvasObject) {
			if v, ok := o.(*widget.Calendar); ok {
				cal = v
			}
		})
	}
	if cal == nil {
		t.Fatal("the calendar button shows no calendar")
	}
	var day21 *widget.Button
	walk(cal, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "21" {
			day21 = b
		}
	})
	if day21 == nil {
		t.Fatal("the calendar shows no 21st")
	}
	test.Tap(day21)
	if got := f.value().DateOfBirth; got != data.NewDate(1988, time.March, 21) || s.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("choosing the 21st gives %s (%q); calendar still open: %v", got, f.dob.Text, s.win.Canvas().Overlays().Top() != nil)
	}
	test.Tap(f.dob.ActionItem.(*nlwidget.TapIcon))
	pressEscape(s.win)
	if s.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape does not close the calendar")
	}
}

// The currency is the practice's ISO code, shown with its sign wherever a price is.
func TestCurrencySetting(t *testing.T) {
	s, store := newTestSettings(t)
	c := s.clinic
	c.currency.SetText("euro")
	c.commit()
	s.wait()
	if msg := c.notes.note(data.SettingCurrency).Text; !strings.Contains(msg, "three letters") {
		t.Fatalf("an unreadable currency says %q", msg)
	}
	c.currency.SetText("gbp")
	if !strings.Contains(c.currencyShown.Text, "£350.00") {
		t.Errorf("beside the currency: %q", c.currencyShown.Text)
	}
	c.commit()
	s.wait()
	if got, _ := store.Setting(context.Background(), data.SettingCurrency); got != "GBP" || c.notes.note(data.SettingCurrency).Text != "" {
		t.Fatalf("currency stored as %q, note %q", got, c.notes.note(data.SettingCurrency).Text)
	}
}

// menuItem finds the main menu's item with the given shortcut.
func menuItem(t *testing.T, w fyne.Window, sc fyne.Shortcut) *fyne.MenuItem {
	t.Helper()
	for _, menu := range w.MainMenu().Items {
		for _, it := range menu.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() {
				return it
			}
		}
	}
	t.Fatalf("no menu item has %s", sc.ShortcutName())
	return nil
}

// Ctrl+Q quits the way the window's close button does: what would be lost is asked about first
// (here, a backup that could not be made), and Help › Keyboard shortcuts lists it.
func TestCtrlQQuitsThroughTheWindowsClosePath(t *testing.T) {
	m, _ := backupWindow(t)
	m.autoBackup = true
	blocked := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(blocked, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	setBackupFolder(m.app, m.store.Path(), blocked)
	closed := false
	m.win.SetOnClosed(func() { closed = true })

	q := menuItem(t, m.win, &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault})
	if q.Label != "Quit" || !q.IsQuit {
		t.Fatalf("Ctrl+Q is on %q (quit item %v)", q.Label, q.IsQuit)
	}
	q.Action()
	if closed || !strings.Contains(overlayText(m.win), "The backup could not be made") {
		t.Fatalf("Ctrl+Q did not ask first: closed %v, shows %q", closed, overlayText(m.win))
	}
	test.Tap(overlayButton(t, m.win, "Stay"))

	m.showShortcuts()
	t.Cleanup(func() { m.shortcuts.Close() })
	var listed []string
	walk(m.shortcuts.Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			listed = append(listed, l.Text)
		}
	})
	if i := slices.Index(listed, "Ctrl+Q"); i < 1 || !strings.HasPrefix(listed[i-1], "Quit") {
		t.Fatalf("Help › Keyboard shortcuts lists %q", listed)
	}
}

// Escape goes back from the close prompt of a session, cancels the passphrase dialog from its
// focused field, and closes Settings (asking first when something is unsaved); Ctrl+W closes
// Settings too.
func TestEscapeLeavesTheWorkingDaysPrompts(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	e, w := openEditor(t, s, newTestClient(t, s), "", nil)
	e.notesEntry.SetText("changed")
	went := false
	e.askUnsaved("Close the session?", func() { went = true })
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no close prompt")
	}
	pressEscape(w)
	if w.Canvas().Overlays().Top() != nil || went || !e.changed() {
		t.Fatalf("Escape on the close prompt: overlay %v, went on %v, changes kept %v", w.Canvas().Overlays().Top(), went, e.changed())
	}

	p := data.Practitioner{Name: "Léa Fontaine", Role: data.RoleAdmin}
	if err := s.SavePractitioner(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	newChangeDialog(w, s, &throttle{}, p, false, nil)
	focused, ok := w.Canvas().Focused().(*lockEntry)
	if !ok {
		t.Fatalf("the passphrase dialog focuses %T", w.Canvas().Focused())
	}
	focused.TypedKey(escapeKey)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape in the passphrase field left the dialog open")
	}

	// Settings made here, not by newTestSettings, whose clean-up would close them a second time.
	openSettings := func() (*settingsWindow, *bool) {
		sw := newSettingsWindow(fyne.CurrentApp(), s, settingsLinks{})
		if err := sw.update(context.Background()); err != nil {
			t.Fatal(err)
		}
		closed := false
		sw.win.SetOnClosed(func() { closed = true })
		return sw, &closed
	}
	settings, closed := openSettings()
	pressEscape(settings.win)
	if !*closed {
		t.Fatal("Escape does not close Settings")
	}
	settings, closed = openSettings()
	settings.win.Canvas().Focus(settings.clinic.name) // a field has the focus: Ctrl+W reaches the window
	settings.clinic.name.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault})
	if !*closed {
		t.Fatal("Ctrl+W does not close Settings")
	}
}
