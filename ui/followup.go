package ui

import (
	"context"
	"fmt"
	"log/slog"
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

// sideEffectForm logs a side effect against a past session, as a follow-up call or visit
// reports it, and marks earlier ones resolved.
type sideEffectForm struct {
	store    nlstore.Store
	session  data.TimelineEntry
	existing []data.SideEffect
	kinds    []string

	kind      *nlwidget.TextField
	severity  *widget.RadioGroup
	onset     *nlwidget.TextField
	resolved  *nlwidget.TextField
	treatment *nlwidget.TextField
	notes     *nlwidget.TextField
	list      *fyne.Container
	fields    *fieldNotes
	saving    bool // a save is under way: a second click does not log the side effect twice
	life      life // ends when the follow-up closes
}

func newSideEffectForm(store nlstore.Store, session data.TimelineEntry, existing []data.SideEffect, kinds []string) *sideEffectForm {
	f := &sideEffectForm{store: store, session: session, existing: existing, kinds: kinds, fields: newFieldNotes(), life: newLife(nil)}
	f.kind = nlwidget.NewPicker(kinds, "e.g. Post-inflammatory hyperpigmentation", true)
	f.severity = widget.NewRadioGroup([]string{"mild", "moderate", "severe"}, nil)
	f.severity.Horizontal = true
	f.severity.SetSelected("mild")
	f.onset = newDateField(data.DateOf(store.Now()), "")
	f.resolved = newDateField(data.Date{}, "Empty while it lasts")
	f.treatment = nlwidget.NewTextField()
	f.treatment.SetPlaceHolder("What was advised or given")
	f.notes = nlwidget.NewTextField()
	f.notes.MultiLine = true
	f.notes.Wrapping = fyne.TextWrapWord
	f.notes.SetMinRowsVisible(2)
	f.list = container.NewVBox()
	f.showExisting()
	return f
}

func (f *sideEffectForm) content() fyne.CanvasObject {
	heading := widget.NewLabel(fmt.Sprintf("Session of %s", wording.WeekdayTime(f.session.StartedAt)))
	form := container.NewVBox(
		f.fields.field("Side effect", "side_effect.kind", f.kind),
		f.fields.field("Severity", "side_effect.severity", f.severity),
		container.NewGridWithColumns(2,
			f.fields.field("Started on", "side_effect.onset", f.onset),
			f.fields.field("Resolved on", "side_effect.resolved", f.resolved)),
		f.fields.field("Treatment", "side_effect.treatment", f.treatment),
		f.fields.field("Notes", "side_effect.notes", f.notes),
		f.fields.general,
	)
	recorded := widget.NewLabelWithStyle("Already recorded for this session", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(heading, widget.NewSeparator(), recorded, f.list, widget.NewSeparator(), form)
}

// showExisting lists the side effects already logged, each with a way to mark it resolved today.
func (f *sideEffectForm) showExisting() {
	f.list.RemoveAll()
	if len(f.existing) == 0 {
		f.list.Add(widget.NewLabel("None recorded."))
	}
	for _, e := range f.existing {
		e := e
		text := fmt.Sprintf("%s (%s), from %s", e.Kind, e.Severity, wording.Date(e.Onset))
		if !e.Resolved.IsZero() {
			text += ", resolved " + wording.Date(e.Resolved)
			f.list.Add(widget.NewLabel(text))
			continue
		}
		resolve := widget.NewButton("Resolved today", func() { f.resolve(e) })
		f.list.Add(container.NewBorder(nil, nil, nil, resolve, widget.NewLabel(text+", ongoing")))
	}
}

func (f *sideEffectForm) resolve(e data.SideEffect) {
	e.Resolved = data.DateOf(f.store.Now())
	lastingWrite(f.life, f.store, func(ctx context.Context) (data.SideEffect, error) { return e, f.store.UpdateSideEffect(ctx, &e) },
		func(saved data.SideEffect, err error) {
			if err != nil {
				slog.Error("mark a side effect resolved", "err", err)
				f.fields.general.SetText(errorSentence("mark it resolved", err))
				f.fields.general.Show()
				return
			}
			for i := range f.existing {
				if f.existing[i].ID == saved.ID {
					f.existing[i] = saved
				}
			}
			f.showExisting()
		})
}

// value reads the typed side effect; dates that do not parse are reported beside their fields.
func (f *sideEffectForm) value() (data.SideEffect, error) {
	e := data.SideEffect{SessionID: f.session.SessionID, Kind: strings.TrimSpace(f.kind.Text),
		Severity: data.Severity(f.severity.Selected), Treatment: f.treatment.Text, Notes: f.notes.Text}
	var c []data.FieldError
	var err error
	if e.Onset, err = data.ParseTypedDate(f.onset.Text); err != nil {
		c = append(c, data.FieldError{Field: "side_effect.onset", Message: "Type the day it started as " + data.DateForms(data.CurrentDateOrder()) + "."})
	}
	if e.Resolved, err = data.ParseTypedDate(f.resolved.Text); err != nil {
		c = append(c, data.FieldError{Field: "side_effect.resolved", Message: "Type the day it resolved as " + data.DateForms(data.CurrentDateOrder()) + "."})
	}
	if len(c) > 0 {
		return e, &data.ValidationError{Fields: c}
	}
	return e, data.ValidateSideEffect(e, data.DateOf(f.session.StartedAt), f.store.Now())
}

// save validates and stores the new side effect; done runs after it is saved.
func (f *sideEffectForm) save(done func()) {
	if f.saving {
		return
	}
	e, err := f.value()
	if !f.fields.show(err) || err != nil {
		return
	}
	saveDialogRecord(f.life, f.store, f.fields, &f.saving, "the side effect",
		func(ctx context.Context) error { return f.store.AddSideEffect(ctx, &e) }, done)
}

// saveDialogRecord stores a dialog form's record off the UI goroutine, one save at a time
// (*saving): write saves it, done runs once it is saved, and a refusal is shown beside its field
// or as one sentence under the form, which stays as typed. what names the record ("the result").
func saveDialogRecord(l life, store nlstore.Store, fields *fieldNotes, saving *bool, what string,
	write func(context.Context) error, done func()) {
	*saving = true
	lastingWrite(l, store, func(ctx context.Context) (struct{}, error) { return struct{}{}, write(ctx) },
		func(_ struct{}, err error) {
			*saving = false
			if err != nil {
				if !fields.show(err) {
					slog.Error("save "+what, "err", err)
					fields.general.SetText(errorSentence("save "+what, err))
					fields.general.Show()
				}
				return
			}
			done()
		})
}

// showSideEffectDialog opens the follow-up form for a past session of a client.
func showSideEffectDialog(win fyne.Window, store nlstore.Store, c data.Client, session data.TimelineEntry, onSaved func()) {
	type loaded struct {
		existing []data.SideEffect
		kinds    []string
	}
	lf := newLife(nil) // the follow-up's life begins with its loading
	async(func() (loaded, error) {
		var l loaded
		var err error
		if l.existing, err = store.SideEffects(lf.ctx, session.SessionID); err != nil {
			return l, err
		}
		items, err := store.ListItems(lf.ctx, data.ListSideEffect, false)
		for _, it := range items {
			l.kinds = append(l.kinds, it.Name)
		}
		return l, err
	}, func(l loaded, err error) {
		if err != nil {
			lf.end()
			showError(win, "open the session's side effects", err)
			return
		}
		f := newSideEffectForm(store, session, l.existing, l.kinds)
		f.life.end()
		f.life = lf
		var d *dialog.CustomDialog
		save := widget.NewButton("Save side effect", func() { f.save(func() { d.Hide(); onSaved() }) })
		save.Importance = widget.HighImportance
		closeBtn := widget.NewButton("Close", func() { d.Hide(); onSaved() })
		d = dialog.NewCustomWithoutButtons("Side effects — "+c.Name(), f.content(), win)
		d.SetButtons([]fyne.CanvasObject{closeBtn, save})
		d.SetOnClosed(f.life.end)
		d.Resize(fyne.NewSize(640, 640))
		d.Show()
		win.Canvas().Focus(f.kind)
	})
}
