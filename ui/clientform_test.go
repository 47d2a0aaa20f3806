package ui

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// runNow does a form's save work in the test's goroutine, so tests see its result at once.
func runNow(work func() (data.Client, error), done func(data.Client, error)) { done(work()) }

// clientFormFixture is a form in a window at the size of a clinic screen, with what it saved.
type clientFormFixture struct {
	f     *clientForm
	w     fyne.Window
	saved []data.Client
}

func newClientFormFixture(t *testing.T, s practiceStore, c data.Client) *clientFormFixture {
	t.Helper()
	lists, err := loadClientLists(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(lists.Concerns) == 0 || len(lists.Conditions) == 0 {
		t.Fatalf("lists are empty: %+v", lists)
	}
	fx := &clientFormFixture{}
	fx.w = test.NewTempWindow(t, widget.NewLabel(""))
	fx.f = newClientForm(fx.w, s, c, lists, func(c data.Client) { fx.saved = append(fx.saved, c) })
	fx.f.run = runNow
	fx.w.SetContent(fx.f.content())
	fx.w.Resize(fyne.NewSize(1280, 800))
	return fx
}

// typeIn types into an entry as a person does: focus it, type, move on.
func (fx *clientFormFixture) typeIn(e *nlwidget.TextField, text string) {
	fx.w.Canvas().Focus(e)
	test.Type(e, text)
	fx.w.Canvas().Unfocus()
}

// retype replaces what an entry holds.
func (fx *clientFormFixture) retype(e *nlwidget.TextField, text string) {
	fx.w.Canvas().Focus(e)
	e.SetText("")
	test.Type(e, text)
	fx.w.Canvas().Unfocus()
}

// shownNotes returns the validation messages on screen, by field.
func (fx *clientFormFixture) shownNotes() map[string]string {
	// A note several fields share (a history row's) is listed once, under the first of them.
	out := map[string]string{}
	seen := map[*widget.Label]bool{}
	for _, field := range slices.Sorted(maps.Keys(fx.f.notes.notes)) {
		if l := fx.f.notes.notes[field]; l.Visible() && l.Text != "" && !seen[l] {
			out[field], seen[l] = l.Text, true
		}
	}
	if g := fx.f.notes.general; g.Visible() && g.Text != "" {
		out["(general)"] = g.Text
	}
	return out
}

// walkOverlay calls fn with every visible object of the window's top overlay (a dialog or menu).
func walkOverlay(w fyne.Window, fn func(fyne.CanvasObject)) {
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		fn(o)
		switch o := o.(type) {
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	if top := w.Canvas().Overlays().Top(); top != nil {
		walk(top)
	}
}

// overlayText returns the visible text of the window's top overlay.
func overlayText(w fyne.Window) string {
	var b strings.Builder
	walkOverlay(w, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok {
			b.WriteString(t.Text + " ")
		}
	})
	return b.String()
}

// overlayButton finds a button of the window's top overlay by its text.
func overlayButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walkOverlay(w, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button in %q", text, overlayText(w))
	}
	return found
}

func clientCount(t *testing.T, s practiceStore) int {
	t.Helper()
	list, err := s.ListClients(context.Background(), data.ClientQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestClientFormCreatesClientWithEveryField(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	fx := newClientFormFixture(t, s, data.Client{})
	f := fx.f
	if f.changed() {
		t.Fatal("a fresh form reports changes")
	}
	if notes := fx.shownNotes(); len(notes) != 0 {
		t.Fatalf("an empty new form shows %v", notes)
	}

	fx.typeIn(f.first, "Zoë")
	if !f.changed() {
		t.Fatal("changed() is false after typing")
	}
	fx.typeIn(f.last, "Ångström")
	fx.typeIn(f.dob, "1988-05-17")
	if want := fmt.Sprintf("Age %d", data.DateOf(time.Now()).YearsSince(data.NewDate(1988, 5, 17))); f.age.Text != want {
		t.Fatalf("age reads %q, want %q", f.age.Text, want)
	}
	fx.typeIn(f.phone, "07700 900123")
	fx.typeIn(f.mail, "zoe@example.com")
	if f.fitzNote.Visible() {
		t.Fatal("the PIH note shows with no skin type")
	}
	f.fitz.SetSelectedIndex(5)
	if !f.fitzNote.Visible() {
		t.Fatal("the PIH note is hidden for type V")
	}
	test.Tap(f.concerns[0])
	test.Tap(f.concerns[4])
	fx.typeIn(f.medications, "Spironolactone 50 mg daily")
	fx.typeIn(f.allergies, "lidocaine, nickel ,")
	fx.typeIn(f.medicalNotes, "Cold sores twice a year")

	// A history row, its condition picked from the rules by typing part of it and pressing Down.
	test.Tap(f.addHistory)
	if len(f.history) != 1 || fx.w.Canvas().Focused() != f.history[0].condition {
		t.Fatalf("adding a row gives %d rows, focus on %T", len(f.history), fx.w.Canvas().Focused())
	}
	r := f.history[0]
	test.Type(r.condition, "isotret")
	r.condition.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	menu, ok := fx.w.Canvas().Focused().(*widget.PopUpMenu)
	if !ok {
		t.Fatalf("after Down the focus is on %T, want the suggestions", fx.w.Canvas().Focused())
	}
	if got := overlayText(fx.w); !strings.Contains(got, "Isotretinoin (Accutane)") || strings.Contains(got, "Pregnancy") {
		t.Fatalf("suggestions for isotret: %q", got)
	}
	menu.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	menu.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	if r.condition.Text != "Isotretinoin (Accutane)" || fx.w.Canvas().Focused() != r.condition {
		t.Fatalf("picked %q, focus on %T", r.condition.Text, fx.w.Canvas().Focused())
	}
	fx.w.Canvas().Unfocus()
	fx.typeIn(r.since, "2023-01-10")
	fx.typeIn(r.until, "2023-07-01")
	fx.typeIn(r.notes, "20 mg daily")

	fx.typeIn(f.consentForm, "Microneedling consent")
	fx.typeIn(f.consentVersion, "v3")
	fx.typeIn(f.consentSigned, "2024-03-01")
	f.photo.SetSelectedIndex(2)
	fx.typeIn(f.notesText, "Prefers morning appointments")

	f.save()
	if len(fx.saved) != 1 || fx.saved[0].ID == "" {
		t.Fatalf("onSaved got %+v; notes %v", fx.saved, fx.shownNotes())
	}
	if f.changed() {
		t.Fatal("changed() is true right after saving")
	}
	got, err := s.Client(context.Background(), fx.saved[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := data.Client{
		FirstName: "Zoë", LastName: "Ångström", DateOfBirth: data.NewDate(1988, 5, 17),
		Phone: "07700 900123", Email: "zoe@example.com", Fitzpatrick: 5,
		Concerns:    []string{f.concerns[0].Text, f.concerns[4].Text},
		Medications: "Spironolactone 50 mg daily", Allergies: []string{"lidocaine", "nickel"},
		MedicalNotes: "Cold sores twice a year",
		History: []data.HistoryEntry{{Condition: "Isotretinoin (Accutane)", Since: data.NewDate(2023, 1, 10),
			Until: data.NewDate(2023, 7, 1), Notes: "20 mg daily"}},
		Consent:      data.Consent{Form: "Microneedling consent", Version: "v3", Signed: data.NewDate(2024, 3, 1)},
		PhotoConsent: data.PhotoConsentEducation, Notes: "Prefers morning appointments",
	}
	if len(got.History) == 1 {
		want.History[0].ID = got.History[0].ID
	}
	if g, w := fmt.Sprintf("%+v", clientFields(got)), fmt.Sprintf("%+v", clientFields(want)); g != w {
		t.Fatalf("stored\n%s\nwant\n%s", g, w)
	}
	if r.id != got.History[0].ID {
		t.Fatal("the row did not take the saved history ID, so the next save would replace it")
	}

	// Saving again updates the same client rather than creating a second one.
	fx.retype(f.phone, "07700 900999")
	f.save()
	if n := clientCount(t, s); n != 1 || len(fx.saved) != 2 || fx.saved[1].Version != 2 {
		t.Fatalf("second save: %d clients, saved %+v", n, fx.saved)
	}
}

// clientFields is what the form edits, without the store's bookkeeping.
func clientFields(c data.Client) data.Client {
	c.ID, c.CreatedAt, c.UpdatedAt, c.Version = "", time.Time{}, time.Time{}, 0
	return c
}

func TestClientFormShowsMessagesBesideTouchedFields(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	fx := newClientFormFixture(t, s, data.Client{})
	f := fx.f

	fx.typeIn(f.first, "Ann")
	fx.typeIn(f.last, "Lee")
	fx.typeIn(f.mail, "ann@example")
	fx.typeIn(f.dob, "2999-01-01")
	fx.typeIn(f.consentForm, "Microneedling consent") // needs a date, but that field is untouched
	notes := fx.shownNotes()
	if len(notes) != 2 || !strings.Contains(notes["email"], "not an address") ||
		notes["date_of_birth"] != "Date of birth cannot be in the future." {
		t.Fatalf("messages shown: %v", notes)
	}
	if f.age.Text != "" {
		t.Fatalf("age %q for a future date of birth", f.age.Text)
	}

	f.save()
	if len(fx.saved) != 0 || clientCount(t, s) != 0 {
		t.Fatal("an invalid client was saved")
	}
	notes = fx.shownNotes()
	if len(notes) != 3 || notes["consent_signed"] != "Enter the date the consent form was signed." {
		t.Fatalf("after Save: %v", notes)
	}
	if fx.w.Canvas().Focused() != f.dob {
		t.Fatalf("focus after a failed save is on %T, want the first field in error", fx.w.Canvas().Focused())
	}

	// Fixing a field clears its message as soon as it is right.
	f.mail.SetText("ann@example.com")
	if _, ok := fx.shownNotes()["email"]; ok {
		t.Fatal("the email message stays after fixing it")
	}
	data.SetDateOrder(data.DayMonthYear)
	fx.retype(f.dob, "17/05/90")
	if got := fx.shownNotes()["date_of_birth"]; got != "Type the date as 14/03/1988, 1988-03-14 or 14 Mar 1988." {
		t.Fatalf("a date in another format reads %q", got)
	}
	fx.retype(f.dob, "1990-05-17")
	fx.typeIn(f.consentSigned, "2024-03-01")
	if notes := fx.shownNotes(); len(notes) != 0 {
		t.Fatalf("messages remain after fixing: %v", notes)
	}
	f.save()
	if len(fx.saved) != 1 || clientCount(t, s) != 1 {
		t.Fatalf("saving the fixed client: %+v", fx.saved)
	}
}

func TestClientFormEmptySaveAsksForName(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	fx := newClientFormFixture(t, s, data.Client{})
	fx.f.save()
	if notes := fx.shownNotes(); len(notes) != 1 || notes["last_name"] != "Enter the client's name." {
		t.Fatalf("saving an empty form shows %v", notes)
	}
	if len(fx.saved) != 0 || clientCount(t, s) != 0 {
		t.Fatal("an empty client was saved")
	}
}

func TestClientFormHistoryEndsBeforeItStarts(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	fx := newClientFormFixture(t, s, data.Client{FirstName: "Ann", LastName: "Lee"})
	f := fx.f
	test.Tap(f.addHistory)
	test.Tap(f.addHistory)
	r := f.history[1]
	fx.typeIn(r.condition, "Chemical peel")
	fx.typeIn(r.since, "2024-05-01")
	fx.typeIn(r.until, "2024-04-01")
	if got := fx.shownNotes(); len(got) != 1 || got["history[1].condition"] != "Medical history line 2 ends before it starts." {
		t.Fatalf("messages: %v", got)
	}
	if !slices.Contains(r.messages.Objects, fyne.CanvasObject(f.notes.note("history[1].until"))) {
		t.Fatal("the message is not under its row")
	}

	// Removing the empty first row renumbers the other: its message now concerns line 1.
	test.Tap(f.history[0].remove)
	if len(f.history) != 1 || f.history[0] != r {
		t.Fatalf("after removing: %d rows", len(f.history))
	}
	if got := fx.shownNotes(); len(got) != 1 || got["history[0].condition"] != "Medical history line 1 ends before it starts." {
		t.Fatalf("messages after removing a row: %v", got)
	}
	if !slices.Contains(r.messages.Objects, fyne.CanvasObject(f.notes.note("history[0].until"))) {
		t.Fatal("the renumbered message is not under its row")
	}
	fx.retype(r.until, "2024-06-01")
	if got := fx.shownNotes(); len(got) != 0 {
		t.Fatalf("messages after fixing: %v", got)
	}
}

func TestClientFormEditsExistingClient(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	c := data.Client{FirstName: "Ann", LastName: "Lee", Phone: "07700 900123", Concerns: []string{"Retired concern"},
		History: []data.HistoryEntry{{Condition: "Dermal filler", Since: data.NewDate(2024, 1, 5)}}}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	loaded, err := s.Client(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	fx := newClientFormFixture(t, s, loaded)
	f := fx.f
	if f.changed() {
		t.Fatal("a form just loaded reports changes")
	}
	if f.phone.Text != "07700 900123" || len(f.history) != 1 || f.history[0].since.Text != "5 Jan 2024" {
		t.Fatalf("form shows phone %q and %d history rows", f.phone.Text, len(f.history))
	}
	last := f.concerns[len(f.concerns)-1]
	if last.Text != "Retired concern" || !last.Checked {
		t.Fatalf("a concern no longer on the list is not kept: %q %v", last.Text, last.Checked)
	}

	fx.retype(f.phone, "+44 20 7946 0000")
	test.Tap(f.addHistory)
	fx.typeIn(f.history[1].condition, "Pregnancy")
	fx.typeIn(f.history[1].since, "2025-01-01")
	f.save()
	if len(fx.saved) != 1 {
		t.Fatalf("not saved; messages %v", fx.shownNotes())
	}
	got, err := s.Client(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Phone != "+44 20 7946 0000" || len(got.History) != 2 ||
		got.History[0].ID != c.History[0].ID || got.History[1].Condition != "Pregnancy" ||
		!slices.Equal(got.Concerns, []string{"Retired concern"}) {
		t.Fatalf("stored %+v", got)
	}
}

func TestClientFormConflictKeepsWhatWasTyped(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	ctx := context.Background()
	c := data.Client{FirstName: "Ann", LastName: "Lee"}
	if err := s.CreateClient(ctx, &c); err != nil {
		t.Fatal(err)
	}
	fx := newClientFormFixture(t, s, c)
	f := fx.f

	// Someone else changes the client while the form is open.
	other := c
	other.Notes = "Changed at reception"
	if err := s.UpdateClient(ctx, &other); err != nil {
		t.Fatal(err)
	}

	fx.typeIn(f.phone, "07700 900123")
	f.save()
	if len(fx.saved) != 0 {
		t.Fatal("onSaved ran after a conflict")
	}
	if msg := overlayText(fx.w); !strings.Contains(msg, "changed elsewhere") {
		t.Fatalf("the error reads %q", msg)
	}
	if f.phone.Text != "07700 900123" || !f.changed() {
		t.Fatalf("the form lost what was typed: phone %q", f.phone.Text)
	}
	got, err := s.Client(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Phone != "" || got.Notes != "Changed at reception" || got.Version != 2 {
		t.Fatalf("stored %+v", got)
	}
}

func TestClientDialogKeyboard(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	lists, err := loadClientLists(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, widget.NewLabel("Clients"))
	w.Resize(fyne.NewSize(1280, 800))
	var saved []data.Client
	open := func() *clientForm {
		f, _ := openClientDialog(w, s, data.Client{}, lists, func(c data.Client) { saved = append(saved, c) })
		f.run = runNow
		if w.Canvas().Focused() != f.first {
			t.Fatalf("the dialog opens with focus on %T", w.Canvas().Focused())
		}
		return f
	}
	escape := &fyne.KeyEvent{Name: fyne.KeyEscape}

	// Escape on an untouched form closes it at once.
	f := open()
	f.first.TypedKey(escape)
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Fatal("Escape did not close an unchanged form")
	}

	// With something typed, Escape asks first, and the form stays.
	f = open()
	test.Type(f.first, "Ann")
	f.first.TypedKey(escape)
	if msg := overlayText(w); !strings.Contains(msg, "Discard changes?") {
		t.Fatalf("Escape with changes shows %q", msg)
	}
	if n := len(w.Canvas().Overlays().List()); n != 2 {
		t.Fatalf("%d overlays, want the form and one question", n)
	}
	f.first.TypedKey(escape) // a second Escape answers the question: keep editing
	if n := len(w.Canvas().Overlays().List()); n != 1 || f.first.Text != "Ann" {
		t.Fatalf("%d overlays after a second Escape, want the form with what was typed (%q)", n, f.first.Text)
	}
	f.first.TypedKey(escape)
	test.Tap(overlayButton(t, w, "Keep editing"))
	if n := len(w.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("%d overlays after Keep editing, want the form", n)
	}

	// Tab moves from first name to last name; Ctrl+S saves from inside an entry and closes.
	w.Canvas().Focus(f.first)
	w.Canvas().FocusNext()
	if w.Canvas().Focused() != f.last {
		t.Fatalf("Tab from first name goes to %T", w.Canvas().Focused())
	}
	test.Type(f.last, "Lee")
	f.last.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	if len(saved) != 1 || saved[0].Name() != "Ann Lee" || clientCount(t, s) != 1 {
		t.Fatalf("Ctrl+S saved %+v", saved)
	}
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Fatal("the dialog stays open after saving")
	}
	// The dialog's keys are gone with it.
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	w.Canvas().OnTypedKey()(escape)
	if len(saved) != 1 || w.Canvas().Overlays().Top() != nil {
		t.Fatal("Ctrl+S or Escape still acts after the dialog closed")
	}
}

func TestClientDialogTakesTheMenuSave(t *testing.T) {
	test.NewTempApp(t)
	s := openStore(t)
	lists, err := loadClientLists(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, widget.NewLabel("Clients"))
	w.Resize(fyne.NewSize(1280, 800))
	menuSaves := 0
	save := &fyne.MenuItem{Label: "Save", Action: func() { menuSaves++ },
		Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}}
	w.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu("Session", save)))

	var saved []data.Client
	f, _ := openClientDialog(w, s, data.Client{}, lists, func(c data.Client) { saved = append(saved, c) })
	f.run = runNow
	test.Type(f.first, "Ann")
	save.Action() // what Fyne runs for Ctrl+S before any widget sees it
	if menuSaves != 0 || len(saved) != 1 || clientCount(t, s) != 1 {
		t.Fatalf("Ctrl+S with the dialog open: menu action ran %d times, form saved %d", menuSaves, len(saved))
	}
	save.Action() // the dialog is closed: the menu has its own action back
	if menuSaves != 1 || len(saved) != 1 {
		t.Fatalf("after closing: menu action ran %d times, form saved %d", menuSaves, len(saved))
	}
}
