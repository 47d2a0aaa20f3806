package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// clientLists holds what the client form's pickers offer.
type clientLists struct {
	Concerns   []string // from store.ListItems(ctx, data.ListConcern, false)
	Conditions []string // the contraindication rules' conditions, from store.Rules(ctx, false)
}

// loadClientLists reads clientLists from the store (call it off the UI goroutine).
func loadClientLists(ctx context.Context, store nlstore.Store) (clientLists, error) {
	var l clientLists
	items, err := store.ListItems(ctx, data.ListConcern, false)
	if err != nil {
		return l, err
	}
	for _, it := range items {
		l.Concerns = append(l.Concerns, it.Name)
	}
	rules, err := store.Rules(ctx, false)
	if err != nil {
		return l, err
	}
	for _, r := range rules {
		l.Conditions = append(l.Conditions, r.Condition)
	}
	return l, nil
}

// fitzpatrickChoices are the skin types as the select shows them; the index is the stored value.
var fitzpatrickChoices = []string{
	"Not recorded",
	"I – always burns, never tans",
	"II – usually burns, tans minimally",
	"III – sometimes burns mildly, tans gradually",
	"IV – burns minimally, tans easily",
	"V – rarely burns, tans darkly",
	"VI – never burns, deeply pigmented",
}

const (
	dateWidth = 170 // fits "DD/MM/YYYY" or "30 Sep 2026" and the calendar button
	pihNote   = "Higher risk of post-inflammatory hyperpigmentation: conservative depth, strict sun protection."
)

// clientForm edits one client's profile. It validates as the practitioner types and saves through the store.
type clientForm struct {
	win     fyne.Window
	store   nlstore.Store
	client  data.Client // as loaded or last saved: ID, version and what the form does not edit
	onSaved func(data.Client)
	life    life // ends when the form closes
	// run does the save's database work and hands its result back on the UI goroutine;
	// async in the app, a direct call in tests.
	run func(work func() (data.Client, error), done func(data.Client, error))

	notes                         *fieldNotes
	first, last, dob, phone, mail *nlwidget.TextField
	age                           *widget.Label
	fitz                          *nlwidget.PickSelect
	fitzNote                      *widget.Label
	concerns                      []*nlwidget.PickCheck
	medications, allergies        *nlwidget.TextField
	medicalNotes                  *nlwidget.TextField
	conditions                    []string // offered in history rows
	history                       []*historyRow
	historyBox                    *fyne.Container
	addHistory                    *widget.Button
	consentForm, consentVersion   *nlwidget.TextField
	consentSigned                 *nlwidget.TextField
	photo                         *nlwidget.PickSelect
	notesText                     *nlwidget.TextField
	scroll                        *container.Scroll

	tried    bool   // a save was attempted: every message shows from now on
	saving   bool   // a save is under way
	savedKey string // key() of what is saved, for changed()
}

// historyRow is one line of the medical history.
type historyRow struct {
	id                      string
	condition, since, until *nlwidget.TextField
	notes                   *nlwidget.TextField
	remove                  *widget.Button
	messages                *fyne.Container // the row's field notes, under it
	box                     fyne.CanvasObject
}

// newClientForm builds the form for c (a zero data.Client for a new client). lists holds what the
// pickers offer; onSaved runs on the UI goroutine with the saved client.
func newClientForm(win fyne.Window, store nlstore.Store, c data.Client, lists clientLists, onSaved func(data.Client)) *clientForm {
	if c.PhotoConsent == "" {
		c.PhotoConsent = data.PhotoConsentNone // what the store assumes too: no consent until recorded
	}
	f := &clientForm{win: win, store: store, client: c, onSaved: onSaved, life: newLife(nil), run: async[data.Client],
		notes: newReservedNotes(), conditions: lists.Conditions}
	// Messages about no field in particular get a reserved line at the top, as the fields do.
	f.notes.general.Truncation = fyne.TextTruncateEllipsis
	f.notes.general.Wrapping = fyne.TextWrapOff
	f.notes.general.Show()

	f.first = f.entry(c.FirstName, "")
	f.last = f.entry(c.LastName, "")
	f.dob = newDateField(c.DateOfBirth, "")
	f.age = widget.NewLabel("")
	f.phone = f.entry(c.Phone, "e.g. 07700 900123")
	f.mail = f.entry(c.Email, "name@example.com")

	f.fitz = nlwidget.NewPickSelect(fitzpatrickChoices)
	f.fitz.SetSelectedIndex(max(0, min(c.Fitzpatrick, 6)))
	f.fitzNote = widget.NewLabel(pihNote)
	f.fitzNote.Importance = widget.WarningImportance
	f.fitzNote.Wrapping = fyne.TextWrapWord

	// A concern the practice has since retired stays on the client, so it is offered too.
	options := slices.Clone(lists.Concerns)
	for _, name := range c.Concerns {
		if !slices.Contains(options, name) {
			options = append(options, name)
		}
	}
	for _, name := range options {
		ch := nlwidget.NewPickCheck(name)
		ch.Checked = slices.Contains(c.Concerns, name)
		f.concerns = append(f.concerns, ch)
	}

	f.medications = f.multiLine(c.Medications, "Current medications and doses")
	f.allergies = f.entry(strings.Join(c.Allergies, ", "), "e.g. lidocaine, nickel, vitamin C serum")
	f.medicalNotes = f.multiLine(c.MedicalNotes, "Anything else the practitioner should know")
	f.historyBox = container.NewVBox()
	f.addHistory = widget.NewButtonWithIcon("Add condition or medication", theme.ContentAddIcon(), func() {
		r := f.addHistoryRow(data.HistoryEntry{})
		for _, e := range []*nlwidget.TextField{r.condition, r.since, r.until, r.notes} {
			f.wireEntry(e)
		}
		f.layoutHistory()
		f.edited()
		f.win.Canvas().Focus(r.condition)
	})
	for _, h := range c.History {
		f.addHistoryRow(h)
	}

	f.consentForm = f.entry(c.Consent.Form, "e.g. Microneedling consent")
	f.consentVersion = f.entry(c.Consent.Version, "e.g. v3")
	f.consentSigned = newDateField(c.Consent.Signed, "")
	f.photo = nlwidget.NewPickSelect(wording.PhotoConsentChoices())
	if i := slices.Index(data.PhotoConsents, c.PhotoConsent); i >= 0 {
		f.photo.SetSelectedIndex(i)
	}
	f.notesText = f.multiLine(c.Notes, "Preferences, reminders, anything else")
	f.notesText.SetMinRowsVisible(7)

	// Both directions, so that a window too narrow for the two columns still reaches everything.
	f.scroll = nlwidget.FormScroll(container.NewScroll(f.layout()))
	f.layoutHistory()
	f.refreshDerived()
	f.savedKey = f.key()
	f.wire()
	return f
}

// entry makes a single-line entry holding text.
func (f *clientForm) entry(text, placeholder string) *nlwidget.TextField {
	e := nlwidget.NewTextField()
	e.SetText(text)
	e.SetPlaceHolder(placeholder)
	return e
}

func (f *clientForm) multiLine(text, placeholder string) *nlwidget.TextField {
	e := f.entry(text, placeholder)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(3)
	return e
}

// wire connects the change handlers once the fields hold the client, so filling them is no edit.
func (f *clientForm) wire() {
	for _, e := range f.entries() {
		f.wireEntry(e)
	}
	for _, s := range []*nlwidget.PickSelect{f.fitz, f.photo} {
		s.OnChanged = func(string) { f.edited() }
		s.OnFocus = func() { f.reveal(s) }
	}
	for _, ch := range f.concerns {
		ch.OnChanged = func(bool) { f.edited() }
		ch.OnFocus = func() { f.reveal(ch) }
	}
}

func (f *clientForm) wireEntry(e *nlwidget.TextField) {
	e.OnChanged = func(string) {
		e.Dirty = true
		f.edited()
	}
	e.OnLeave = func() {
		if e.Dirty {
			e.Touched = true
		}
		f.validate()
	}
	e.OnFocus = func() { f.reveal(e) }
}

// entries lists every text field in visual order.
func (f *clientForm) entries() []*nlwidget.TextField {
	es := []*nlwidget.TextField{f.first, f.last, f.dob, f.phone, f.mail, f.medications, f.allergies}
	for _, r := range f.history {
		es = append(es, r.condition, r.since, r.until, r.notes)
	}
	return append(es, f.medicalNotes, f.consentForm, f.consentVersion, f.consentSigned, f.notesText)
}

// edited runs after every change: it updates what depends on the values and re-validates.
func (f *clientForm) edited() {
	f.refreshDerived()
	f.validate()
}

// refreshDerived updates the age beside the date of birth and the skin type note.
func (f *clientForm) refreshDerived() {
	age := ""
	if d, err := data.ParseTypedDate(f.dob.Text); err == nil && !d.IsZero() {
		if today := data.DateOf(f.store.Now()); !d.After(today) {
			age = fmt.Sprintf("Age %d", today.YearsSince(d))
		}
	}
	f.age.SetText(age)
	if f.fitz.SelectedIndex() >= 4 {
		f.fitzNote.Show()
	} else {
		f.fitzNote.Hide()
	}
}

// read returns the client as typed, and a message for each date that does not parse.
func (f *clientForm) read() (data.Client, []data.FieldError) {
	var bad []data.FieldError
	// date reads one date field; what it is called prefixes the message when the field's label
	// alone would not say which date is meant.
	date := func(e *nlwidget.TextField, field, what string) data.Date {
		d, err := data.ParseTypedDate(e.Text)
		if err != nil {
			msg := "Type the date as " + data.DateForms(data.CurrentDateOrder()) + "."
			if what != "" {
				msg = what + ": type the date as " + data.DateForms(data.CurrentDateOrder()) + "."
			}
			bad = append(bad, data.FieldError{Field: field, Message: msg})
		}
		return d
	}
	c := f.client
	c.FirstName = f.first.Text
	c.LastName = f.last.Text
	c.DateOfBirth = date(f.dob, "date_of_birth", "")
	c.Phone = f.phone.Text
	c.Email = f.mail.Text
	c.Fitzpatrick = max(0, f.fitz.SelectedIndex())
	c.Concerns = nil
	for _, ch := range f.concerns {
		if ch.Checked {
			c.Concerns = append(c.Concerns, ch.Text)
		}
	}
	c.Medications = f.medications.Text
	c.Allergies = splitAllergies(f.allergies.Text)
	c.MedicalNotes = f.medicalNotes.Text
	c.History = nil
	for i, r := range f.history {
		line := fmt.Sprintf("Medical history line %d, ", i+1)
		field := fmt.Sprintf("history[%d].", i)
		c.History = append(c.History, data.HistoryEntry{
			ID:        r.id,
			Condition: r.condition.Text,
			Since:     date(r.since, field+"since", line+"since"),
			Until:     date(r.until, field+"until", line+"until"),
			Notes:     r.notes.Text,
		})
	}
	c.Consent = data.Consent{
		Form:    f.consentForm.Text,
		Version: f.consentVersion.Text,
		Signed:  date(f.consentSigned, "consent_signed", ""),
	}
	if i := f.photo.SelectedIndex(); i >= 0 {
		c.PhotoConsent = data.PhotoConsents[i]
	}
	c.Notes = f.notesText.Text
	return c, bad
}

// splitAllergies reads a list typed with commas, semicolons or one item a line.
func splitAllergies(s string) []string {
	var out []string
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// value returns the client as currently typed; a date that does not parse reads as not recorded.
func (f *clientForm) value() data.Client {
	c, _ := f.read()
	return c
}

// validate checks what is typed and shows the messages the practitioner should see now: those of
// fields they have worked on, or all of them once they tried to save. It returns every problem.
func (f *clientForm) validate() error {
	c, all := f.read()
	var ve *data.ValidationError
	if err := c.Validate(f.store.Now()); errors.As(err, &ve) {
		for _, fe := range ve.Fields {
			// A date that does not parse already has its own message; the rules saw no date.
			if !slices.ContainsFunc(all, func(b data.FieldError) bool { return b.Field == fe.Field }) {
				all = append(all, fe)
			}
		}
	}
	entries := f.fieldEntries()
	var shown []data.FieldError
	for _, fe := range all {
		e := entries[fe.Field]
		touched := e != nil && e.Touched
		if fe.Field == "last_name" { // "Enter the client's name" concerns both name fields
			touched = f.first.Touched || f.last.Touched
		}
		if f.tried || touched {
			shown = append(shown, fe)
		}
	}
	f.notes.show(&data.ValidationError{Fields: shown})
	if len(all) == 0 {
		return nil
	}
	return &data.ValidationError{Fields: all}
}

// fieldEntries maps validation field names onto the entries they concern.
func (f *clientForm) fieldEntries() map[string]*nlwidget.TextField {
	m := map[string]*nlwidget.TextField{
		"first_name": f.first, "last_name": f.last, "date_of_birth": f.dob, "phone": f.phone, "email": f.mail,
		"medications": f.medications, "medical_notes": f.medicalNotes, "consent_form": f.consentForm,
		"consent_signed": f.consentSigned, "notes": f.notesText,
	}
	for i, r := range f.history {
		m[fmt.Sprintf("history[%d].condition", i)] = r.condition
		m[fmt.Sprintf("history[%d].since", i)] = r.since
		m[fmt.Sprintf("history[%d].until", i)] = r.until
	}
	return m
}

// key sums up everything typed, to tell whether it differs from what is saved.
func (f *clientForm) key() string {
	parts := []string{f.fitz.Selected, f.photo.Selected}
	for _, e := range f.entries() {
		parts = append(parts, e.Text)
	}
	for _, ch := range f.concerns {
		parts = append(parts, strconv.FormatBool(ch.Checked))
	}
	return fmt.Sprintf("%d%q", len(f.history), parts)
}

// changed reports whether something was typed that is not saved.
func (f *clientForm) changed() bool { return f.key() != f.savedKey }

// save validates and saves; on a validation error, messages show beside the fields.
func (f *clientForm) save() {
	if f.saving {
		return
	}
	f.tried = true
	if err := f.validate(); err != nil {
		f.focusFirstProblem(err)
		return
	}
	c, key := f.value(), f.key() // what is typed while it saves stays unsaved
	f.saving = true
	ctx := f.life.lasting() // a save asked for finishes even if the form closes meanwhile
	f.run(func() (data.Client, error) {
		var err error
		if c.ID == "" {
			err = f.store.CreateClient(ctx, &c)
		} else {
			err = f.store.UpdateClient(ctx, &c)
		}
		return c, err
	}, func(c data.Client, err error) { f.saved(c, key, err) })
}

// saved takes the result of saving what key() was. On failure what was typed stays in the form.
func (f *clientForm) saved(c data.Client, key string, err error) {
	f.saving = false
	if err != nil {
		if !f.notes.show(err) {
			showError(f.win, "save the client", err)
		}
		return
	}
	f.client = c
	for i, r := range f.history {
		if i < len(c.History) {
			r.id = c.History[i].ID
		}
	}
	f.savedKey = key
	if f.onSaved != nil {
		f.onSaved(c)
	}
}

// focusFirstProblem puts the cursor in the first field, in visual order, that has a message.
func (f *clientForm) focusFirstProblem(err error) {
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		return
	}
	byEntry := map[*nlwidget.TextField]bool{}
	for field, e := range f.fieldEntries() {
		if ve.For(field) != "" {
			byEntry[e] = true
		}
	}
	for _, e := range f.entries() {
		if byEntry[e] {
			if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
				c.Focus(e)
			}
			return
		}
	}
}

// addHistoryRow adds a line to the medical history; layoutHistory shows it.
func (f *clientForm) addHistoryRow(h data.HistoryEntry) *historyRow {
	// A unique start of a listed condition is completed when left, so that screening, which
	// matches listed conditions, never misses a half-typed "isotre".
	condition := nlwidget.NewPicker(f.conditions, "Type, or press ↓ to choose", true)
	condition.SetText(h.Condition)
	r := &historyRow{
		id:        h.ID,
		condition: condition,
		since:     newDateField(h.Since, ""),
		until:     newDateField(h.Until, "empty if current"),
		notes:     f.entry(h.Notes, "Notes: dose, area, prescriber…"),
		messages:  container.NewVBox(),
	}
	r.remove = widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() { f.removeHistoryRow(r) })
	r.remove.Importance = widget.LowImportance
	// The condition has a line of its own, so that a long one ("Keloid or hypertrophic
	// scarring") is read whole; its notes share the next line with the dates.
	r.box = container.NewVBox(
		container.NewBorder(nil, nil, nil, r.remove, r.condition),
		historyLine(r.notes, r.since, r.until),
		r.messages)
	f.history = append(f.history, r)
	return r
}

func (f *clientForm) removeHistoryRow(r *historyRow) {
	i := slices.Index(f.history, r)
	if i < 0 {
		return
	}
	f.history = slices.Delete(f.history, i, i+1)
	f.layoutHistory()
	f.edited()
}

// historyLine lays out a condition beside its two dates; the header uses it too, so they align.
func historyLine(condition, since, until fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil,
		container.NewHBox(nlwidget.AtLeastWide(dateWidth, since), nlwidget.AtLeastWide(dateWidth, until)), condition)
}

// layoutHistory shows the rows, numbering their messages by their new positions.
func (f *clientForm) layoutHistory() {
	for field := range f.notes.notes {
		if strings.HasPrefix(field, "history[") {
			delete(f.notes.notes, field)
		}
	}
	var objs []fyne.CanvasObject
	if len(f.history) == 0 {
		none := widget.NewLabel("None recorded. Add what screening should check: isotretinoin, pregnancy, fillers…")
		none.Wrapping = fyne.TextWrapWord
		none.Importance = widget.LowImportance
		objs = append(objs, none)
	} else {
		// The header may shorten rather than widen the form.
		var head []fyne.CanvasObject
		for _, text := range []string{"Condition or medication, notes", "Since", "Until / last dose"} {
			l := boldLabel(text)
			l.Truncation = fyne.TextTruncateEllipsis
			head = append(head, l)
		}
		objs = append(objs, historyLine(head[0], head[1], head[2]))
	}
	for i, r := range f.history {
		// One reserved line under the row holds the messages of its condition and dates.
		line := f.notes.note(fmt.Sprintf("history[%d].condition", i))
		f.notes.share(fmt.Sprintf("history[%d].since", i), line)
		f.notes.share(fmt.Sprintf("history[%d].until", i), line)
		r.messages.Objects = []fyne.CanvasObject{line}
		if i > 0 {
			objs = append(objs, widget.NewSeparator())
		}
		objs = append(objs, r.box)
	}
	f.historyBox.Objects = append(objs, container.NewHBox(f.addHistory))
	f.historyBox.Refresh()
}

// layout places the sections: identity and skin on the left, medical on the right, consent and
// notes across the bottom.
func (f *clientForm) layout() fyne.CanvasObject {
	n := f.notes
	// Concerns flow into as many columns as fit, so a narrow window does not cut them off.
	var cell fyne.Size
	var checks []fyne.CanvasObject
	for _, ch := range f.concerns {
		cell = cell.Max(ch.MinSize())
		checks = append(checks, ch)
	}
	concerns := container.NewGridWrap(cell, checks...)
	left := container.NewVBox(
		profileHeading("Client"),
		container.NewGridWithColumns(2, n.field("First name", "first_name", f.first), n.field("Last name", "last_name", f.last)),
		n.field("Date of birth", "date_of_birth", container.NewHBox(nlwidget.AtLeastWide(dateWidth, f.dob), f.age)),
		container.NewGridWithColumns(2, n.field("Phone", "phone", f.phone), n.field("Email", "email", f.mail)),
		profileHeading("Skin"),
		n.field("Fitzpatrick skin type", "fitzpatrick", container.NewVBox(f.fitz, f.fitzNote)),
		boldLabel("Concerns"),
		concerns,
	)
	right := container.NewVBox(
		profileHeading("Medical"),
		n.field("Medications", "medications", f.medications),
		n.field("Allergies (separate with commas)", "allergies", f.allergies),
		boldLabel("Medical history"),
		f.historyBox,
		n.field("Medical notes", "medical_notes", f.medicalNotes),
	)
	signed := container.NewHBox(nlwidget.AtLeastWide(dateWidth, f.consentSigned), widget.NewButton("Today", func() {
		f.consentSigned.SetText(data.DateText(data.DateOf(f.store.Now())))
	}))
	consent := container.NewVBox(
		profileHeading("Consent"),
		container.NewBorder(nil, nil, nil, nlwidget.AtLeastWide(160, n.field("Form version", "consent_version", f.consentVersion)),
			n.field("Consent form", "consent_form", f.consentForm)),
		n.field("Date signed", "consent_signed", signed),
		n.field("Photo consent", "photo_consent", f.photo),
	)
	notes := container.NewVBox(profileHeading("Notes"), f.notesText, n.note("notes"))
	return container.NewPadded(container.NewVBox(
		n.general,
		container.NewGridWithColumns(2, left, right),
		container.NewGridWithColumns(2, consent, notes)))
}

// content returns the form, scrollable, to place in a window, dialog or page.
func (f *clientForm) content() fyne.CanvasObject { return f.scroll }

// reveal scrolls the form so that o, which just got the focus, is in view.
func (f *clientForm) reveal(o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(f.scroll) == nil {
		return
	}
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(f.scroll.Content).Y
	bottom := top + o.Size().Height
	pad := o.Size().Height * 1.5 // room for the field's label above and its message below
	view := f.scroll.Size().Height
	switch off := f.scroll.Offset.Y; {
	case top-pad < off:
		y := top - pad
		if y < pad { // near the top: show the section heading too
			y = 0
		}
		f.scroll.ScrollToOffset(fyne.NewPos(f.scroll.Offset.X, y))
	case bottom+pad > off+view:
		f.scroll.ScrollToOffset(fyne.NewPos(f.scroll.Offset.X, bottom+pad-view))
	}
}

func profileHeading(text string) fyne.CanvasObject {
	return widget.NewRichText(&widget.TextSegment{Text: text, Style: widget.RichTextStyleSubHeading})
}

func boldLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// showClientDialog opens the form in a dialog (Save / Cancel) over win: Cancel with unsaved changes asks first.
func showClientDialog(win fyne.Window, store nlstore.Store, c data.Client, onSaved func(data.Client)) {
	async(func() (clientLists, error) { return loadClientLists(context.Background(), store) },
		func(lists clientLists, err error) {
			if err != nil {
				showError(win, "open the client form", err)
				return
			}
			openClientDialog(win, store, c, lists, onSaved)
		})
}

// openClientDialog shows the form in a dialog once the lists are loaded. Ctrl+S saves and
// Escape cancels while it is open.
func openClientDialog(win fyne.Window, store nlstore.Store, c data.Client, lists clientLists, onSaved func(data.Client)) (*clientForm, *dialog.CustomDialog) {
	var d *dialog.CustomDialog
	f := newClientForm(win, store, c, lists, func(saved data.Client) {
		d.Hide()
		if onSaved != nil {
			onSaved(saved)
		}
	})
	title := "New client"
	if c.ID != "" {
		title = "Edit client: " + c.Name()
	}
	d = dialog.NewCustomWithoutButtons(title, f.content(), win)

	asking := false
	cancel := func() {
		if !f.changed() {
			d.Hide()
			return
		}
		if asking {
			return
		}
		asking = true
		ask := dialog.NewConfirm("Discard changes?", "What you typed for this client has not been saved.", func(ok bool) {
			asking = false
			if ok {
				d.Hide()
			}
		}, win)
		ask.SetConfirmText("Discard")
		ask.SetDismissText("Keep editing")
		showDialog(win, ask) // Escape here keeps editing
	}
	save := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), f.save)
	save.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{widget.NewButton("Cancel", cancel), save})

	cv := win.Canvas()
	saveKey := &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	cv.AddShortcut(saveKey, func(fyne.Shortcut) { f.save() })
	restoreMenu := borrowMenuShortcut(win, saveKey, f.save)
	d.SetOnClosed(func() {
		f.life.end()
		restoreMenu()
		cv.RemoveShortcut(saveKey)
	})

	size := cv.Size()
	d.Resize(fyne.NewSize(min(1180, size.Width-40), min(780, size.Height-40)))
	d.Show()
	onEscape(cv, cv.Overlays().Top(), cancel) // as Cancel: asks before throwing edits away
	cv.Focus(f.first)
	return f, d
}

// borrowMenuShortcut makes the window's menu items with shortcut sc run fn until restore is
// called. Fyne runs menu shortcuts before the canvas's, so without this the main window's
// Ctrl+S item would act behind the dialog and the dialog's own Ctrl+S would never fire.
func borrowMenuShortcut(win fyne.Window, sc fyne.Shortcut, fn func()) (restore func()) {
	var items []*fyne.MenuItem
	var actions []func()
	var walk func(m *fyne.Menu)
	walk = func(m *fyne.Menu) {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() {
				items, actions = append(items, it), append(actions, it.Action)
				it.Action = fn
			}
			if it.ChildMenu != nil {
				walk(it.ChildMenu)
			}
		}
	}
	if mm := win.MainMenu(); mm != nil {
		for _, m := range mm.Items {
			walk(m)
		}
	}
	return func() {
		for i, it := range items {
			it.Action = actions[i]
		}
	}
}
