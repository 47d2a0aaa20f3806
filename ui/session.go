package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	ondisk "needlelog.app/needlelog/practice"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// draftDelay is how long after the last keystroke the form is saved as a draft: a crash or a
// power cut loses at most about this much typing. Tests save drafts themselves.
const draftDelay = 2 * time.Second

// sessionEditor logs one session: header, anaesthetic, device and cartridge, the zone map and
// grid, products, side effects, pain, aftercare, price and next due date.
type sessionEditor struct {
	win   fyne.Window
	store practiceStore
	ed    editorData
	life  life // ends when the editor closes
	// draftDelay is how long after the last change the form is drafted (draftDelay, unless the
	// window that opened it says otherwise).
	draftDelay time.Duration
	// chooseFolder asks for the folder of photos to add (chooseImportFolder; tests answer it).
	chooseFolder func(a fyne.App, win fyne.Window, then func([]string, ...ondisk.SkippedFile))
	base         data.Session // the session as last loaded or saved; the form edits on top of it
	draftID      string
	saved        string // the form, as JSON, when it was last saved (or opened): changed() compares
	drafted      string // the form, as JSON, when it was last saved as a draft
	timer        *time.Timer
	filling      bool // widgets are being set from a form: not a change by the practitioner
	closed       bool
	saving       bool // a save is under way: no second save, and no draft that could outlive it
	// fresh holds rows just added ("products[1]") whose messages wait until the practitioner
	// leaves the row's first field or tries to save: an empty row is not yet a mistake.
	fresh   map[string]bool
	saveBtn *widget.Button

	notes     *fieldNotes
	safety    map[string]*fyne.Container // warnings beside each section, by data.Section*
	checks    []data.SafetyWarning       // as last found
	overrides map[string]string          // reasons typed to treat despite a block, by rule
	status    *widget.Label
	title     *widget.Label // what and whose, shortened to fit
	facts     *widget.Label // skin type and allergies, never shortened

	startedAt, seriesN, seriesOf, interval *nlwidget.TextField
	practitioner, modality                 *widget.Select
	concerns                               *checkGrid
	anaesthetic, anaestheticLot            *nlwidget.TextField
	anaestheticMinutes                     *nlwidget.TextField
	device, cartridge, cartridgeLot        *nlwidget.TextField
	serial, cartridgeExpiry                *nlwidget.TextField
	zoneMap                                *nlwidget.ZoneMap
	zoneArea                               *zoneArea
	zoneBox, productBox, sideEffectBox     *fyne.Container
	zones                                  []*zoneRowWidgets
	products                               []*productRowWidgets
	sideEffects                            []*sideEffectRowWidgets
	noSideEffects                          *widget.Check
	pain                                   *widget.Select
	aftercare                              *checkGrid
	aftercareSheet, price, nextDue         *nlwidget.TextField
	notesEntry, photoRefusal               *nlwidget.TextField
	amendBox                               *fyne.Container
	signBtn                                *widget.Button
	actor                                  func() string // the practitioner signing in, "" without accounts
	addZone                                *widget.Select
	root                                   fyne.CanvasObject
	onClose                                func()

	// A signed session opens read-only: locked, every field disabled and the map deaf, until
	// Amend… has the reason and unlocks it for the amendment.
	formBox      fyne.CanvasObject // with the zone area's tools and rows, what the lock disables
	locked       bool
	lockedOff    []fyne.Disableable  // what the lock disabled, enabled again when it lifts
	lockedHidden []fyne.CanvasObject // the buttons the lock hid, shown again when it lifts
	lockedHints  map[any]string      // the hints of empty fields the lock replaced by "—", put back when it lifts
	readable     []fyne.CanvasObject // the form's halves, drawn with readOnlyTheme
	amendWhy     string              // the amendment's reason, asked before the form unlocks
	beforePhotos int                 // the session's before photos, as signing needs one

	// What signing still needs, as the practice's rule says it (data.SigningCheck), kept up to date.
	missing      []string
	checkSummary *widget.Label
	checkList    *widget.Label
	checkMore    *widget.Button
	checkBox     *fyne.Container
	suggestWhy   *widget.Label // why Suggest has no next due date to give
}

// newSessionEditor builds the editor for ed.session, or for a recovered draft when d is set.
func newSessionEditor(win fyne.Window, store practiceStore, ed editorData, d *data.Draft) *sessionEditor {
	e := &sessionEditor{win: win, store: store, ed: ed, life: newLife(nil), draftDelay: draftDelay, chooseFolder: chooseImportFolder,
		base: ed.session, notes: newFieldNotes(),
		safety: map[string]*fyne.Container{}, overrides: map[string]string{}}
	e.build()
	form := formOf(ed.session, &e.ed.catalog)
	e.saved = e.encode(form)
	status := ""
	if d != nil {
		var recovered sessionForm
		if err := json.Unmarshal(d.Form, &recovered); err != nil {
			// Keep the draft as it is (draftID stays empty, so saving does not remove it).
			slog.Error("read draft", "id", d.ID, "err", err)
			status = "The draft kept at " + wording.Clock(d.UpdatedAt) + " could not be read; it is kept untouched."
		} else {
			e.draftID = d.ID
			form = recovered
			e.base.Version = recovered.Version
			status = "Recovered what was typed at " + wording.ClockSeconds(d.UpdatedAt) + ": check it and save."
		}
	}
	if e.base.ID == "" && d == nil {
		// Who treats is who is signed in (or, without passphrases, who used this computer last),
		// never whoever treated the client last time.
		if name := nameOf(e.ed.catalog.practitioners, e.defaultPractitioner(), practitionerName, practitionerID); name != "" {
			form.Practitioner = name
		}
	}
	e.fill(form)
	if d == nil {
		// What the editor filled in itself (the practitioner, a value normalised by its widget)
		// is no change: the baseline is the form as it stands once opened.
		e.saved = e.encode(e.form())
	}
	e.drafted = e.encode(e.form())
	e.beforePhotos = ed.beforePhotos
	e.setLocked(e.store.ReadOnly() || e.base.Status == data.StatusSigned && d == nil)
	e.validate()
	if e.locked && e.base.Status == data.StatusSigned {
		status = "Signed, so read-only: Amend… asks for the reason, then lets you change it."
	}
	if e.store.ReadOnly() {
		// Nothing typed here could be saved: the session is there to be read and printed.
		status = "Open read-only: this session can be read and printed here, not changed."
	}
	e.status.SetText(status)
	return e
}

func (e *sessionEditor) content() fyne.CanvasObject { return e.root }

// focus puts the keyboard in the date, unless the form is read-only: a keystroke must not
// replace a signed value.
func (e *sessionEditor) focus() {
	if !e.locked {
		e.win.Canvas().Focus(e.startedAt)
	}
}

// defaultPractitioner is who a new session is by: the practitioner signed in, or, in a practice
// without passphrases, the one last recorded on this computer, or the only one there is.
func (e *sessionEditor) defaultPractitioner() string {
	current := current(e.ed.catalog.practitioners, func(p data.Practitioner) bool { return p.Retired })
	known := func(id string) bool {
		return id != "" && slices.ContainsFunc(current, func(p data.Practitioner) bool { return p.ID == id })
	}
	if id := e.signedInID(); id != "" {
		return id
	}
	if id := lastPractitioner(e.store); known(id) {
		return id
	}
	if len(current) == 1 {
		return current[0].ID
	}
	return ""
}

// signedInID is the practitioner signed in at the lock screen; "" in a practice without passphrases.
func (e *sessionEditor) signedInID() string {
	if e.actor != nil {
		if id := e.actor(); id != "" {
			return id
		}
	}
	return e.store.Actor()
}

// The practitioner last recorded on a session on this computer, kept per practice file.
func lastPractitionerKey(s practiceStore) string { return "session.last_practitioner." + s.Path() }

func lastPractitioner(s practiceStore) string {
	if a := fyne.CurrentApp(); a != nil {
		return a.Preferences().String(lastPractitionerKey(s))
	}
	return ""
}

func rememberPractitioner(s practiceStore, id string) {
	if a := fyne.CurrentApp(); a != nil && id != "" {
		a.Preferences().SetString(lastPractitionerKey(s), id)
	}
}

// form reads the widgets into a form.
func (e *sessionEditor) form() sessionForm {
	f := sessionForm{
		SessionID: e.base.ID, Version: e.base.Version,
		StartedAt: e.startedAt.Text, Practitioner: e.practitioner.Selected,
		SeriesN: e.seriesN.Text, SeriesOf: e.seriesOf.Text, IntervalDays: e.interval.Text,
		Concerns: e.concerns.selected(), Modality: e.modality.Selected,
		Anaesthetic: e.anaesthetic.Text, AnaestheticLot: e.anaestheticLot.Text, AnaestheticMinutes: e.anaestheticMinutes.Text,
		Device: e.device.Text, HandpieceSerial: e.serial.Text,
		Cartridge: e.cartridge.Text, CartridgeLot: e.cartridgeLot.Text, CartridgeExpiry: e.cartridgeExpiry.Text,
		NoSideEffects: e.noSideEffects.Checked, Aftercare: e.aftercare.selected(), AftercareSheet: e.aftercareSheet.Text,
		Price: e.price.Text, NextDue: e.nextDue.Text, Notes: e.notesEntry.Text, PhotoRefusal: e.photoRefusal.Text,
	}
	if len(e.overrides) > 0 {
		f.Overrides = maps.Clone(e.overrides)
	}
	if e.pain.Selected != "not recorded" {
		f.Pain = e.pain.Selected
	}
	for _, r := range e.zones {
		f.Zones = append(f.Zones, r.value())
	}
	for _, r := range e.products {
		f.Products = append(f.Products, r.value())
	}
	for _, r := range e.sideEffects {
		f.SideEffects = append(f.SideEffects, r.value())
	}
	return f
}

// fill sets the widgets from a form.
func (e *sessionEditor) fill(f sessionForm) {
	e.filling = true
	defer func() { e.filling = false }()
	e.startedAt.SetText(f.StartedAt)
	offer(e.practitioner, f.Practitioner)
	e.practitioner.SetSelected(f.Practitioner)
	e.seriesN.SetText(f.SeriesN)
	e.seriesOf.SetText(f.SeriesOf)
	e.interval.SetText(f.IntervalDays)
	e.concerns.set(f.Concerns)
	offer(e.modality, f.Modality)
	e.modality.SetSelected(f.Modality)
	e.anaesthetic.SetText(f.Anaesthetic)
	e.anaestheticLot.SetText(f.AnaestheticLot)
	e.anaestheticMinutes.SetText(f.AnaestheticMinutes)
	e.device.SetText(f.Device)
	e.serial.SetText(f.HandpieceSerial)
	e.cartridge.SetText(f.Cartridge)
	e.cartridgeLot.SetText(f.CartridgeLot)
	e.cartridgeExpiry.SetText(f.CartridgeExpiry)
	e.setZones(f.Zones)
	e.setProducts(f.Products)
	e.setSideEffects(f.SideEffects)
	e.noSideEffects.SetChecked(f.NoSideEffects)
	if f.Pain == "" {
		e.pain.SetSelected("not recorded")
	} else {
		e.pain.SetSelected(f.Pain)
	}
	e.aftercare.set(f.Aftercare)
	e.aftercareSheet.SetText(f.AftercareSheet)
	e.price.SetText(f.Price)
	e.nextDue.SetText(f.NextDue)
	e.notesEntry.SetText(f.Notes)
	e.photoRefusal.SetText(f.PhotoRefusal)
	e.overrides = maps.Clone(f.Overrides)
	if e.overrides == nil {
		e.overrides = map[string]string{}
	}
}

func (e *sessionEditor) encode(f sessionForm) string {
	b, err := json.Marshal(f)
	if err != nil {
		panic(err) // a form of strings always marshals
	}
	return string(b)
}

// changed reports whether the form holds something that is not saved as a session.
func (e *sessionEditor) changed() bool {
	return !e.store.ReadOnly() && e.encode(e.form()) != e.saved // read-only: nothing can be saved
}

// changed_ reacts to a change made by the practitioner: validate, recolour the map, and save a
// draft a moment after typing stops.
func (e *sessionEditor) changed_() {
	if e.filling || e.root == nil || e.closed {
		return
	}
	e.validate()
	if e.store.ReadOnly() {
		return // no draft can be kept
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	e.timer = time.AfterFunc(e.draftDelay, func() { fyne.Do(e.saveDraft) })
}

// draftLater tries again to draft the form a while from now: the clinic's server could not be
// reached, and the draft is kept once it is back.
func (e *sessionEditor) draftLater() {
	if e.closed {
		return
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	e.timer = time.AfterFunc(max(e.draftDelay, draftRetry), func() { fyne.Do(e.saveDraft) })
}

// draftRetry is how long after the server could not be reached a draft is tried again.
const draftRetry = 5 * time.Second

// validate shows every problem of the form beside its field, and colours the zone map.
func (e *sessionEditor) validate() error {
	s, err := e.form().check(e.base, &e.ed.catalog, e.store.Now())
	shown := e.withoutFresh(err)
	e.notes.show(shown)
	e.checkSafety(s)
	e.checkMissing(s)
	// Values that cannot be read are the first thing signing needs put right. Only marks on
	// show are spoken of, and not those the checklist already says in words.
	var ve *data.ValidationError
	if errors.As(shown, &ve) && e.base.Status != data.StatusSigned {
		n := 0
		for _, f := range ve.Fields {
			if !slices.Contains(e.missing, f.Message) {
				n++
			}
		}
		if n > 0 {
			e.missing = append([]string{"Put right " + wording.Count(n, "value", "values") + " marked beside " +
				map[bool]string{true: "its field", false: "their fields"}[n == 1] + "."}, e.missing...)
		}
	}
	e.showMissing()
	depths := map[string]float64{}
	for _, z := range s.Zones {
		depths[z.Zone] = z.DepthMM
	}
	e.zoneMap.SetDepths(depths)
	return err
}

// currentOverrides keeps the overrides of blocks that still apply, with who decided and when, as
// first recorded.
func (e *sessionEditor) currentOverrides(typed []data.Override) []data.Override {
	var out []data.Override
	for _, o := range typed {
		if !slices.ContainsFunc(e.checks, func(w data.SafetyWarning) bool { return w.Block && w.Rule == o.Rule }) {
			continue
		}
		if i := slices.IndexFunc(e.base.Overrides, func(b data.Override) bool { return b.Rule == o.Rule && b.Reason == o.Reason }); i >= 0 {
			o = e.base.Overrides[i]
		}
		out = append(out, o)
	}
	return out
}

// checkSafety runs the safety checks on the session as typed and shows each warning beside its
// section: a block with a way to treat anyway, given a written reason. It reads no database.
func (e *sessionEditor) checkSafety(s data.Session) {
	in := e.ed.safety
	in.Session = s
	e.checks = data.CheckSafety(in)
	for _, box := range e.safety {
		box.RemoveAll()
		if rw, ok := box.Layout.(*rowWarnings); ok {
			rw.shown = nil
		}
	}
	for _, w := range e.checks {
		box := e.safety[rowOf(w.Field)] // a zone's own warnings go under its row
		if box == nil {
			box = e.safety[w.Section]
		}
		if box == nil {
			box = e.safety[data.SectionHeader]
		}
		box.Add(e.safetyLine(w))
		if rw, ok := box.Layout.(*rowWarnings); ok { // folded to one line, it says what they are
			rw.shown = append(rw.shown, shownWarning{w.Message, e.blocked(w)})
		}
	}
	for _, box := range e.safety {
		box.Refresh()
	}
	e.applyLock()
	e.zoneArea.relayout() // rows grow and shrink with their warnings
}

// blocked reports whether w stops the session being saved: a block not passed with a reason.
func (e *sessionEditor) blocked(w data.SafetyWarning) bool {
	return w.Block && strings.TrimSpace(e.overrides[w.Rule]) == ""
}

// safetyLine shows one warning. A block can be passed only with a written reason, kept with the
// session and in the audit log.
func (e *sessionEditor) safetyLine(w data.SafetyWarning) fyne.CanvasObject {
	if !w.Block {
		return alert(theme.ColorNameWarning, w.Message)
	}
	if !e.blocked(w) {
		reason := e.overrides[w.Rule]
		withdraw := widget.NewButton("Withdraw", func() {
			delete(e.overrides, w.Rule)
			e.changed_()
		})
		return alert(theme.ColorNameWarning, w.Message+" Treated anyway: "+reason, withdraw)
	}
	anyway := widget.NewButton("Treat anyway…", func() { e.askOverride(w) })
	return alert(theme.ColorNameError, "Blocked: "+w.Message, anyway)
}

// askOverride asks for the reason to treat despite a block.
func (e *sessionEditor) askOverride(w data.SafetyWarning) {
	reason := nlwidget.NewTextField()
	reason.MultiLine = true
	reason.Wrapping = fyne.TextWrapWord
	reason.SetMinRowsVisible(3)
	reason.SetPlaceHolder("Why it is safe to treat today, e.g. the prescriber confirmed the course ended in March")
	msg := widget.NewLabel(w.Message)
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.FormDialog
	d = dialog.NewForm("Treat despite the block?", "Treat anyway", "Cancel", []*widget.FormItem{
		widget.NewFormItem("", msg),
		widget.NewFormItem("Reason", reason),
	}, func(ok bool) {
		if !ok {
			return
		}
		if strings.TrimSpace(reason.Text) == "" {
			d.Show() // a reason is what makes the decision accountable
			return
		}
		e.overrides[w.Rule] = strings.TrimSpace(reason.Text)
		e.changed_()
	}, e.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	e.win.Canvas().Focus(reason)
}

// blocking counts the blocks not passed with a reason.
func (e *sessionEditor) blocking() int {
	n := 0
	for _, w := range e.checks {
		if w.Block && strings.TrimSpace(e.overrides[w.Rule]) == "" {
			n++
		}
	}
	return n
}

// withoutFresh leaves out the messages about rows just added.
func (e *sessionEditor) withoutFresh(err error) error {
	var ve *data.ValidationError
	if len(e.fresh) == 0 || !errors.As(err, &ve) {
		return err
	}
	kept := &data.ValidationError{}
	for _, f := range ve.Fields {
		row, _, _ := strings.Cut(f.Field, ".")
		if !e.fresh[row] {
			kept.Fields = append(kept.Fields, f)
		}
	}
	if len(kept.Fields) == 0 {
		return nil
	}
	return kept
}

// settle ends a row's grace: its messages show from now on.
func (e *sessionEditor) settle(prefix string, i int) {
	if i >= 0 && e.fresh[fmt.Sprintf("%s[%d]", prefix, i)] {
		delete(e.fresh, fmt.Sprintf("%s[%d]", prefix, i))
		e.validate()
	}
}

// saveDraft stores the form as typed, unless nothing changed since the last draft.
func (e *sessionEditor) saveDraft() { e.saveDraftThen(nil) }

// saveDraftThen stores the draft and runs done once it is on disk. When it cannot be written,
// the practitioner is told and done does not run: the editor stays open with what was typed.
func (e *sessionEditor) saveDraftThen(done func()) {
	text := e.encode(e.form())
	if e.closed || e.saving || text == e.drafted || text == e.saved {
		if done != nil && !e.saving {
			done()
		}
		return
	}
	d := data.Draft{ID: e.draftID, ClientID: e.ed.client.ID, SessionID: e.base.ID, Form: []byte(text)}
	base := e.base.Version
	// A draft started is written even when the editor closes meanwhile: it is what was typed.
	lastingWrite(e.life, e.store, func(ctx context.Context) (data.Draft, error) { return d, e.store.SaveDraft(ctx, &d) },
		func(d data.Draft, err error) {
			if err != nil {
				slog.Error("keep a draft", "err", err)
				e.status.SetText(errorSentence("keep a draft", err) + " What is typed is still here: save it with Ctrl+S.")
				if serverDown(err) {
					e.status.SetText("Draft not kept: the clinic's server cannot be reached. What you typed is still here, " +
						"and is kept as soon as the server is back (or press Save then).")
					e.draftLater()
				}
				if done != nil {
					showError(e.win, "keep a draft of the session", err)
				}
				return
			}
			if e.saving || e.base.Version != base || e.base.ID != d.SessionID {
				// The session was saved while this draft was written: it is out of date.
				e.deleteDraft(d.ID)
				return
			}
			e.draftID, e.drafted = d.ID, text
			e.status.SetText("Draft kept at " + wording.ClockSeconds(d.UpdatedAt) + " (not saved yet: Ctrl+S saves)")
			if done != nil {
				done()
			}
		})
}

func (e *sessionEditor) deleteDraft(id string) {
	lastingWrite(e.life, e.store, func(ctx context.Context) (struct{}, error) { return struct{}{}, e.store.DeleteDraft(ctx, id) },
		func(_ struct{}, err error) {
			if err != nil {
				slog.Error("remove outdated draft", "id", id, "err", err)
			}
		})
}

// save validates and saves the session, removing its draft in the same transaction.
func (e *sessionEditor) save() { e.saveThen(nil) }

func (e *sessionEditor) saveThen(done func()) {
	if e.saving {
		return
	}
	if e.base.Status == data.StatusSigned && e.locked && !e.store.ReadOnly() {
		e.startAmend() // read-only until the reason is given
		return
	}
	form := e.form()
	s, err := form.check(e.base, &e.ed.catalog, e.store.Now())
	e.fresh = nil // trying to save shows every message
	e.notes.show(err)
	if err != nil {
		e.status.SetText("Not saved: " + wording.Count(len(err.(*data.ValidationError).Fields), "problem", "problems") + " to fix, shown beside the fields.")
		return
	}
	e.checkSafety(s)
	if n := e.blocking(); n > 0 {
		e.status.SetText("Not saved: " + wording.Count(n, "safety block", "safety blocks") + " to resolve, or to pass with a written reason (Treat anyway).")
		return
	}
	s.Overrides = e.currentOverrides(s.Overrides)
	if e.base.Status == data.StatusSigned {
		switch {
		case e.encode(form) == e.saved:
			e.status.SetText("Nothing is changed yet: the amendment is saved once a value differs from the signed one.")
		case e.amendWhy == "": // a kept draft of an amendment: its reason was not kept
			e.askAmendReason(func(why string) { e.amend(s, why, done) })
		default:
			e.amend(s, e.amendWhy, done)
		}
		return
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	e.saving = true
	e.saveBtn.Disable()
	draftID := e.draftID
	lastingWrite(e.life, e.store, func(ctx context.Context) (data.Session, error) {
		// A save asked for finishes even if the editor closes meanwhile. The draft goes in the
		// save's own transaction: a crash leaves one or the other, never both.
		err := e.store.SaveSession(ctx, &s, draftID)
		return s, err
	}, func(saved data.Session, err error) {
		e.saving = false
		e.saveBtn.Enable()
		if err != nil {
			if serverDown(err) {
				// The form stays as typed; its draft is kept on the server's next tick.
				e.status.SetText("Not saved: the clinic's server cannot be reached. What you typed is still here: press Save again once it is back.")
				e.draftLater()
			}
			if !e.notes.show(err) {
				showError(e.win, "save the session", err)
			}
			return
		}
		e.base, e.draftID = saved, ""
		e.saved = e.encode(e.form())
		e.drafted = e.saved
		rememberPractitioner(e.store, saved.PractitionerID)
		e.setTitle()
		e.validate()
		e.status.SetText("Saved at " + wording.ClockSeconds(time.Now()))
		if done != nil {
			done()
		}
	})
}

// close leaves the editor, asking first when there is something unsaved.
func (e *sessionEditor) close() {
	if !e.changed() {
		e.finish()
		return
	}
	e.askUnsaved("Close the session?", e.finish)
}

func (e *sessionEditor) finish() {
	e.closed = true
	e.life.end()
	if e.timer != nil {
		e.timer.Stop()
	}
	if e.onClose != nil {
		e.onClose()
	}
}

// askUnsaved offers to save, keep the changes as a draft, or go back, before then runs.
func (e *sessionEditor) askUnsaved(title string, then func()) {
	var d *dialog.CustomDialog
	msg := widget.NewLabel("This session has changes that are not saved. A draft is kept on this computer, so they can be resumed from the client's page.")
	msg.Wrapping = fyne.TextWrapWord
	save := widget.NewButton("Save", func() { d.Hide(); e.saveThen(func() { e.finishThen(then) }) })
	save.Importance = widget.HighImportance
	keep := widget.NewButton("Keep as draft", func() {
		d.Hide()
		e.saveDraftThen(func() { e.finishThen(then) })
	})
	back := widget.NewButton("Go back", func() { d.Hide() })
	discard := widget.NewButton("Discard", func() {
		d.Hide()
		e.discard()
		e.finishThen(then)
	})
	discard.Importance = widget.DangerImportance
	if e.base.Status == data.StatusSigned {
		save.SetText("Save amendment")
	}
	d = dialog.NewCustomWithoutButtons(title, msg, e.win)
	d.SetButtons([]fyne.CanvasObject{back, discard, keep, save})
	d.Resize(fyne.NewSize(600, 200))
	showDialog(e.win, d) // Escape goes back
}

// discard throws away what is not saved: the form goes back to the session as saved, and a
// draft kept of it is removed, so nothing of it comes back.
func (e *sessionEditor) discard() {
	if e.timer != nil {
		e.timer.Stop()
	}
	if e.draftID != "" {
		e.deleteDraft(e.draftID)
		e.draftID = ""
	}
	e.fill(formOf(e.base, &e.ed.catalog))
	e.drafted = e.saved
}

func (e *sessionEditor) finishThen(then func()) {
	e.finish()
	then()
}

// toggleZone adds a zone's row, or removes it when it is there.
func (e *sessionEditor) toggleZone(name string) {
	f := e.form()
	i := slices.IndexFunc(f.Zones, func(z zoneRow) bool { return strings.EqualFold(z.Zone, name) })
	if i >= 0 {
		f.Zones = slices.Delete(f.Zones, i, i+1)
	} else {
		row := zoneRow{Zone: name, Passes: "3"}
		if z, ok := e.ed.catalog.zone(name); ok {
			row.Depth = wording.Number(z.TypicalMin)
		}
		f.Zones = append(f.Zones, row)
	}
	e.setZones(f.Zones)
	e.changed_()
	if i < 0 && len(e.zones) > 0 {
		e.win.Canvas().Focus(e.zones[len(e.zones)-1].depth)
	}
}

// copyLast fills the grid, device, cartridge and products from the client's last session.
func (e *sessionEditor) copyLast() {
	if e.ed.last == nil {
		return
	}
	apply := func() {
		last := formOf(*e.ed.last, &e.ed.catalog)
		f := e.form()
		f.Zones, f.Device, f.Cartridge, f.Modality = last.Zones, last.Device, last.Cartridge, last.Modality
		f.Products = nil
		for _, p := range last.Products {
			f.Products = append(f.Products, productRow{Product: p.Product, Phase: p.Phase, Amount: p.Amount})
		}
		e.fill(f)
		e.changed_()
		e.status.SetText("Copied from the session of " + wording.Date(data.DateOf(e.ed.last.StartedAt)) +
			": check the lots, they are not copied.")
	}
	if len(e.zones) == 0 {
		apply()
		return
	}
	confirm(e.win, "Replace the zones?", "The zone grid, device, cartridge and products will be replaced by those of the last session.",
		"Replace", apply)
}

func (e *sessionEditor) setZones(rows []zoneRow) {
	defer e.applyLock()
	e.zones = buildRows(e, e.zoneBox, "zones", []string{"zone", "depth_mm", "speed", "passes"}, rows,
		func(r zoneRow) *zoneRowWidgets { return newZoneRowWidgets(e, r) })
	e.keepRowWarnings()
	if len(rows) == 0 {
		empty := widget.NewLabel("No zones yet.")
		empty.Importance = widget.LowImportance
		e.zoneBox.Add(empty)
	}
}

// editorRow is one editable row of the session editor, with the note its messages go to.
type editorRow interface {
	content() fyne.CanvasObject
	noteLabel() *widget.Label
}

// buildRows makes the widgets for rows, lays them out in box, and sends the messages about
// each row's fields (prefix[i].field) to the row's note.
func buildRows[R any, W editorRow](e *sessionEditor, box *fyne.Container, prefix string, fields []string, rows []R,
	newRow func(R) W) []W {
	box.RemoveAll()
	e.notes.forget(prefix + "[")
	out := make([]W, 0, len(rows))
	for i, r := range rows {
		w := newRow(r)
		for _, f := range fields {
			e.notes.share(fmt.Sprintf("%s[%d].%s", prefix, i, f), w.noteLabel())
		}
		box.Add(w.content())
		out = append(out, w)
	}
	return out
}

func (e *sessionEditor) removeZone(w *zoneRowWidgets) { e.toggleZone(w.zone.Text) }

func (e *sessionEditor) addProductRow(r productRow) {
	f := e.form()
	e.setProducts(append(f.Products, r))
	e.markFresh("products", len(e.products)-1)
	e.changed_()
	e.win.Canvas().Focus(e.products[len(e.products)-1].product)
}

func (e *sessionEditor) setProducts(rows []productRow) {
	defer e.applyLock()
	e.products = buildRows(e, e.productBox, "products", []string{"product", "phase", "expiry"}, rows,
		func(r productRow) *productRowWidgets { return newProductRowWidgets(e, r) })
}

// markFresh holds back the messages of a row just added; removing a row shows them all again,
// as the rows below it move up.
func (e *sessionEditor) markFresh(prefix string, i int) {
	if e.fresh == nil {
		e.fresh = map[string]bool{}
	}
	e.fresh[fmt.Sprintf("%s[%d]", prefix, i)] = true
}

func (e *sessionEditor) removeProduct(w *productRowWidgets) {
	e.fresh = nil
	i := slices.Index(e.products, w)
	f := e.form()
	e.setProducts(slices.Delete(f.Products, i, i+1))
	e.changed_()
}

func (e *sessionEditor) addSideEffectRow(r sideEffectRow) {
	f := e.form()
	e.noSideEffects.SetChecked(false)
	e.setSideEffects(append(f.SideEffects, r))
	e.markFresh("side_effects", len(e.sideEffects)-1)
	e.changed_()
	e.win.Canvas().Focus(e.sideEffects[len(e.sideEffects)-1].kind)
}

func (e *sessionEditor) setSideEffects(rows []sideEffectRow) {
	defer e.applyLock()
	e.sideEffects = buildRows(e, e.sideEffectBox, "side_effects", []string{"kind", "severity", "onset", "resolved"}, rows,
		func(r sideEffectRow) *sideEffectRowWidgets { return newSideEffectRowWidgets(e, r) })
}

func (e *sessionEditor) removeSideEffect(w *sideEffectRowWidgets) {
	e.fresh = nil
	i := slices.Index(e.sideEffects, w)
	f := e.form()
	e.setSideEffects(slices.Delete(f.SideEffects, i, i+1))
	e.changed_()
}

// export writes a document of the session as saved; with changes not yet saved, it asks to save
// first, so that the paper never differs from the record.
func (e *sessionEditor) export(write func(a fyne.App, win fyne.Window, store practiceStore, c data.Client, id, day string)) {
	if e.base.ID == "" || e.changed() {
		dialog.ShowInformation("Save the session first",
			"The document shows the session as saved: save it with Ctrl+S, then print or export it.", e.win)
		return
	}
	write(fyne.CurrentApp(), e.win, e.store, e.ed.client, e.base.ID, e.base.StartedAt.Local().Format("2006-01-02"))
}
