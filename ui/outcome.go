package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// notGraded is the scar grade pickers' choice for no grade.
const notGraded = "not graded"

// outcomeForm records the result of a series at a follow-up or a later session: the improvement
// since the series' first session (GAIS), the client's satisfaction and, for acne scars, the
// Goodman and Baron grade before and now.
type outcomeForm struct {
	store    nlstore.Store
	clientID string
	session  data.TimelineEntry

	gais         *widget.RadioGroup
	satisfaction *nlwidget.TextField
	scarBaseline *widget.Select
	scarNow      *widget.Select
	assessed     *nlwidget.TextField
	fromPhotos   *widget.Check
	notes        *nlwidget.TextField
	// pick chooses the session among sessions, for a result assessed from photos (see
	// choosingSession); nil when the form is for the one session it was opened from.
	pick     *widget.Select
	sessions []data.TimelineEntry
	pickHint *widget.Label // what to do when the photos say no session
	fields   *fieldNotes
	saving   bool // a save is under way: a second click does not record the result twice
	life     life // ends when the dialog closes
}

func newOutcomeForm(store nlstore.Store, clientID string, session data.TimelineEntry) *outcomeForm {
	f := &outcomeForm{store: store, clientID: clientID, session: session, fields: newFieldNotes(), life: newLife(nil)}
	words := make([]string, len(data.GAISGrades))
	for i, g := range data.GAISGrades {
		words[i] = g.Words()
	}
	f.gais = widget.NewRadioGroup(words, nil)
	f.satisfaction = nlwidget.NewTextField()
	f.satisfaction.SetPlaceHolder("0 to 10; empty if not asked")
	grades := []string{notGraded}
	for g := data.MinScarGrade; g <= data.MaxScarGrade; g++ {
		grades = append(grades, data.ScarGradeWords(g))
	}
	f.scarBaseline = widget.NewSelect(grades, nil)
	f.scarBaseline.SetSelected(notGraded)
	f.scarNow = widget.NewSelect(grades, nil)
	f.scarNow.SetSelected(notGraded)
	f.assessed = newDateField(data.DateOf(store.Now()), "")
	f.fromPhotos = widget.NewCheck("Assessed from photos (before and after compared)", nil)
	f.notes = nlwidget.NewTextField()
	f.notes.MultiLine = true
	f.notes.Wrapping = fyne.TextWrapWord
	f.notes.SetMinRowsVisible(2)
	return f
}

func (f *outcomeForm) content() fyne.CanvasObject {
	text := fmt.Sprintf("Improvement since the series' first session, assessed after the session of %s.",
		wording.WeekdayTime(f.session.StartedAt))
	if f.pick != nil {
		text = "Improvement since the series' first session."
	}
	heading := widget.NewLabel(text)
	heading.Wrapping = fyne.TextWrapWord
	parts := []fyne.CanvasObject{heading, widget.NewSeparator()}
	if f.pick != nil {
		parts = append(parts, f.fields.field("After the session", "session", container.NewVBox(f.pick, f.pickHint)))
	}
	return container.NewVBox(append(parts,
		f.fields.field("Improvement (GAIS)", "gais", f.gais),
		container.NewGridWithColumns(2,
			f.fields.field("Assessed on", "assessed_at", f.assessed),
			f.fields.field("Client's satisfaction", "satisfaction", f.satisfaction)),
		widget.NewLabel("Acne scars, Goodman and Baron grade:"),
		container.NewGridWithColumns(2,
			f.fields.field("Before the series", "scar_baseline", f.scarBaseline),
			f.fields.field("Now", "scar_now", f.scarNow)),
		f.fromPhotos,
		f.fields.field("Notes", "notes", f.notes),
		f.fields.general,
	)...)
}

// newPhotoOutcomeForm is the result form as the photo comparison opens it: assessed from
// photos, today, after session (none when the photos say none), which any of the client's
// sessions (newest first) may replace.
func newPhotoOutcomeForm(store nlstore.Store, clientID string, sessions []data.TimelineEntry, session data.TimelineEntry) *outcomeForm {
	f := newOutcomeForm(store, clientID, session)
	f.fromPhotos.SetChecked(true)
	now := store.Now()
	var labels []string
	for _, s := range sessions {
		if !s.StartedAt.After(now) { // a result is never assessed before its session
			f.sessions = append(f.sessions, s)
			labels = append(labels, sessionLabel(s))
		}
	}
	f.pickHint = widget.NewLabel("Neither photo belongs to a session: choose the session this result follows.")
	f.pickHint.Wrapping = fyne.TextWrapWord
	f.pickHint.Importance = widget.WarningImportance
	f.pick = widget.NewSelect(labels, func(string) {
		if i := f.pick.SelectedIndex(); i >= 0 {
			f.session = f.sessions[i]
			f.pickHint.Hide()
		}
	})
	f.pick.PlaceHolder = "Choose the session the result follows"
	if i := slices.IndexFunc(f.sessions, func(s data.TimelineEntry) bool { return s.SessionID == session.SessionID }); i >= 0 {
		f.pick.SetSelectedIndex(i)
	}
	f.pickHint.Hidden = f.pick.SelectedIndex() >= 0
	return f
}

// started says whether anything of the result has been given yet: leaving the form then loses it.
func (f *outcomeForm) started() bool {
	return f.gais.Selected != "" || strings.TrimSpace(f.satisfaction.Text) != "" || f.scarBaseline.Selected != notGraded ||
		f.scarNow.Selected != notGraded || strings.TrimSpace(f.notes.Text) != ""
}

// value reads the typed result; what does not parse is reported beside its field.
func (f *outcomeForm) value() (data.Outcome, error) {
	o := data.Outcome{ClientID: f.clientID, SessionID: f.session.SessionID, FromPhotos: f.fromPhotos.Checked, Notes: f.notes.Text}
	o.GAIS, _ = data.GAISFromWords(f.gais.Selected)
	o.ScarBaseline = scarGrade(f.scarBaseline.Selected)
	o.ScarNow = scarGrade(f.scarNow.Selected)
	var bad []data.FieldError
	if s := strings.TrimSpace(f.satisfaction.Text); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			bad = append(bad, data.FieldError{Field: "satisfaction", Message: "Type the client's satisfaction as a whole number from 0 to 10, or leave it empty."})
		}
		o.Satisfaction = data.Optional[int]{V: n, Valid: true}
	}
	day, err := data.ParseTypedDate(f.assessed.Text)
	switch {
	case err != nil:
		bad = append(bad, data.FieldError{Field: "assessed_at", Message: "Type the day of the assessment as " + data.DateForms(data.CurrentDateOrder()) + "."})
	case !day.IsZero():
		o.AssessedAt = data.AssessedOn(day, f.session.StartedAt, f.store.Now())
	}
	if len(bad) > 0 {
		return o, &data.ValidationError{Fields: bad}
	}
	return o, data.ValidateOutcome(o, f.session.StartedAt, f.store.Now())
}

// scarGrade reads a scar grade picker's choice ("3 moderate").
func scarGrade(choice string) data.Optional[int] {
	for g := data.MinScarGrade; g <= data.MaxScarGrade; g++ {
		if choice == data.ScarGradeWords(g) {
			return data.Optional[int]{V: g, Valid: true}
		}
	}
	return data.Optional[int]{}
}

// save validates and stores the result; done runs after it is saved.
func (f *outcomeForm) save(done func()) {
	if f.saving {
		return
	}
	o, err := f.value()
	if !f.fields.show(err) || err != nil {
		return
	}
	saveDialogRecord(f.life, f.store, f.fields, &f.saving, "the result",
		func(ctx context.Context) error { return f.store.SaveOutcome(ctx, &o) }, done)
}

// showOutcomeDialog opens the result form for a past session of a client.
func showOutcomeDialog(win fyne.Window, store nlstore.Store, c data.Client, session data.TimelineEntry, onSaved func()) {
	f := newOutcomeForm(store, c.ID, session)
	var d *dialog.CustomDialog
	save := widget.NewButton("Save result", func() { f.save(func() { d.Hide(); onSaved() }) })
	save.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons("Result — "+c.Name(), f.content(), win)
	d.SetButtons([]fyne.CanvasObject{cancel, save})
	d.SetOnClosed(f.life.end)
	d.Resize(fyne.NewSize(600, 640))
	d.Show()
}

// outcomeSaid sums a result up for the timeline: "much improved, satisfaction 8/10, scars 3 → 2".
func outcomeSaid(o data.Outcome) string {
	parts := []string{o.GAIS.Words()}
	if o.Satisfaction.Valid {
		parts = append(parts, "satisfaction "+wording.Satisfaction(o.Satisfaction.V))
	}
	if o.ScarBaseline.Valid && o.ScarNow.Valid {
		parts = append(parts, fmt.Sprintf("scars %d → %d", o.ScarBaseline.V, o.ScarNow.V))
	} else if o.ScarNow.Valid {
		parts = append(parts, fmt.Sprintf("scars %d", o.ScarNow.V))
	}
	return strings.Join(parts, ", ")
}
