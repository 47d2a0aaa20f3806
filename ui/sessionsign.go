package ui

import (
	"errors"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
	"needlelog.app/needlelog/wording"
)

// showSignature says whether the session is signed, lists its amendments, and offers Sign only
// for a saved, unsigned session.
func (e *sessionEditor) showSignature() {
	e.amendBox.RemoveAll()
	if e.base.Status != data.StatusSigned {
		e.signBtn.Show()
		e.saveBtn.SetText("Save")
		e.showMissing()
		note := widget.NewLabel("Not signed yet. Once the record is complete, the practitioner signs it (Sign…); a signed session can no longer be edited, only amended with a reason.")
		note.Wrapping = fyne.TextWrapWord
		e.amendBox.Add(note)
		return
	}
	e.signBtn.Hide()
	e.checkBox.Hide()
	if e.locked {
		e.saveBtn.SetText("Amend…")
	} else {
		e.saveBtn.SetText("Save amendment")
	}
	signer := nameOf(e.ed.catalog.practitioners, e.base.SignedBy, practitionerName, practitionerID)
	e.amendBox.Add(alert(theme.ColorNamePrimary, fmt.Sprintf("Signed by %s on %s. It opens read-only: Amend… asks for the reason, then lets you change it; the signed values stay on record.",
		signer, wording.DateTime(e.base.SignedAt))))
	for _, a := range e.ed.amends {
		who := nameOf(e.ed.catalog.practitioners, a.PractitionerID, practitionerName, practitionerID)
		l := widget.NewLabel(strings.Join(wording.AmendmentLines(a, who), "\n"))
		l.Wrapping = fyne.TextWrapWord
		e.amendBox.Add(l)
	}
}

// signerID is who signs and amends: the practitioner signed in, or, in a practice without
// passphrases, the session's practitioner.
func (e *sessionEditor) signerID() string {
	if id := e.signedInID(); id != "" {
		return id
	}
	return e.base.PractitionerID
}

// checkMissing works out what signing still needs, from the session as typed: the practice's
// rule (data.SigningCheck), and that the session is saved as it shows.
func (e *sessionEditor) checkMissing(s data.Session) {
	e.missing = nil
	if e.base.Status == data.StatusSigned {
		return
	}
	if e.base.ID == "" {
		e.missing = append(e.missing, "Save the session (Ctrl+S), then sign it.")
	} else if e.changed() {
		e.missing = append(e.missing, "Save the changes (Ctrl+S), then sign.")
	}
	in := e.ed.safety
	in.Session = s
	names := map[string]string{}
	for _, p := range e.ed.catalog.practitioners {
		names[p.ID] = p.Name
	}
	e.missing = append(e.missing, data.SigningCheck{In: in, BeforePhotos: e.beforePhotos, SignerID: e.signedInID(),
		Names: names, Now: e.store.Now()}.Missing()...)
}

// showMissing shows the checklist, and offers Sign… only when signing can succeed.
func (e *sessionEditor) showMissing() {
	if e.base.Status == data.StatusSigned || e.store.ReadOnly() {
		e.checkBox.Hide()
		return
	}
	e.checkBox.Show()
	if len(e.missing) == 0 {
		e.checkSummary.SetText("Ready to sign: the record is complete.")
		e.checkSummary.Importance = widget.SuccessImportance
		e.checkMore.Hide()
		e.checkList.Hide()
		e.signBtn.Enable()
	} else {
		e.checkSummary.SetText(fmt.Sprintf("To sign, still needed (%d): %s", len(e.missing), strings.Join(e.missing, "  ·  ")))
		e.checkSummary.Importance = widget.WarningImportance
		if list := "• " + strings.Join(e.missing, "\n• "); list != e.checkList.Text {
			e.checkList.SetText(list)
			if e.checkList.Visible() {
				defer e.relayout() // the list's height changed
			}
		}
		e.checkMore.Show()
		e.signBtn.Disable()
	}
	e.checkSummary.Refresh()
	e.checkBox.Refresh()
}

// relayout fits the editor to its header's height, which the checklist changes.
func (e *sessionEditor) relayout() {
	if r, ok := e.root.(*fyne.Container); ok {
		r.Layout.Layout(r.Objects, r.Size())
	}
}

// setBeforePhotos takes in how many before photos the session has now, as photos are added.
func (e *sessionEditor) setBeforePhotos(n int) {
	e.beforePhotos = n
	e.validate()
}

// sign signs the saved session, or lists what the record still lacks.
func (e *sessionEditor) sign() {
	if e.base.ID == "" || e.changed() {
		dialog.ShowInformation("Save the session first", "What is signed is the session as saved: save it with Ctrl+S, then sign.", e.win)
		return
	}
	signer := e.signerID()
	if signer == "" {
		dialog.ShowInformation("Who signs?", "Choose the practitioner who treated, save, then sign.", e.win)
		return
	}
	if e.validate(); len(e.missing) > 0 {
		e.showNotSigned(e.missing)
		return
	}
	name := nameOf(e.ed.catalog.practitioners, signer, practitionerName, practitionerID)
	confirm(e.win, "Sign this session?", "Signed by "+name+". A signed session can no longer be edited: any later change is an amendment with a reason.",
		"Sign", func() {
			id, version := e.base.ID, e.base.Version
			async(func() (editorData, error) {
				// Signing, confirmed, finishes even if the editor closes; reading it back need not.
				ctx := data.WithActor(e.life.lasting(), signer)
				if err := e.store.SignSession(ctx, id, version); err != nil {
					return editorData{}, err
				}
				return loadEditorData(e.life.ctx, e.store, e.ed.client, id)
			}, func(ed editorData, err error) {
				var inc *data.IncompleteError
				var wrong *data.WrongSignerError
				switch {
				case e.life.gone(err): // signed, and the editor closed before it was read back
				case errors.As(err, &inc):
					e.showNotSigned(inc.Missing)
				case errors.As(err, &wrong):
					e.showNotSigned([]string{wrong.Sentence})
				case err != nil:
					showError(e.win, "sign the session", err)
				default:
					e.reloaded(ed)
					e.status.SetText("Signed at " + wording.ClockSeconds(time.Now()))
				}
			})
		})
}

// showNotSigned lists what keeps the session from being signed.
func (e *sessionEditor) showNotSigned(missing []string) {
	msg := widget.NewLabel("To sign, the record still needs:\n\n• " + strings.Join(missing, "\n• "))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Not signed yet", "OK", container.NewVScroll(msg), e.win)
	d.Resize(fyne.NewSize(560, 360))
	d.Show()
}

// reloaded takes the session as now stored (signed or amended) into the editor.
func (e *sessionEditor) reloaded(ed editorData) {
	e.ed.session, e.ed.amends = ed.session, ed.amends
	e.base = ed.session
	form := formOf(ed.session, &e.ed.catalog)
	e.fill(form)
	e.saved = e.encode(e.form())
	e.drafted = e.saved
	e.amendWhy = ""
	e.setLocked(e.store.ReadOnly() || e.base.Status == data.StatusSigned)
	e.setTitle()
	e.validate()
}

// startAmend asks why the signed session is to be changed and only then makes the form editable:
// the reason comes first, so that nothing is changed without one.
func (e *sessionEditor) startAmend() {
	e.askAmendReason(func(why string) {
		e.amendWhy = why
		e.setLocked(false)
		e.setTitle()
		// No field takes the focus: a keystroke must not replace a signed value unseen.
		e.status.SetText("Amending: " + why + ". Ctrl+S saves the amendment; Close discards it.")
	})
}

// askAmendReason asks why a signed session is changed, then runs then with the reason.
func (e *sessionEditor) askAmendReason(then func(why string)) {
	reason := nlwidget.NewTextField()
	reason.SetPlaceHolder("e.g. depth for Cheeks was typed as 2.5, the device log says 1.5")
	var d *dialog.FormDialog
	d = dialog.NewForm("Amend the signed session", "Amend", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Reason", reason),
	}, func(ok bool) {
		if !ok {
			return
		}
		why := strings.TrimSpace(reason.Text)
		if why == "" {
			d.Show()
			return
		}
		then(why)
	}, e.win)
	reason.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	e.win.Canvas().Focus(reason)
}

// amend saves the form as an amendment of the signed session, with its reason.
func (e *sessionEditor) amend(s data.Session, why string, done func()) {
	actor := e.signerID()
	e.saving = true
	e.saveBtn.Disable()
	draftID := e.draftID
	async(func() (editorData, error) {
		// The amendment, asked for, finishes even if the editor closes; reading it back need not.
		ctx := data.WithActor(e.life.lasting(), actor)
		// The draft goes in the amendment's own transaction, as it does when a session is saved.
		err := e.store.Batch(ctx, func(b nlstore.Batch) error {
			if _, err := b.AmendSession(s, why); err != nil {
				return err
			}
			return b.DeleteDraft(draftID)
		})
		if err != nil {
			return editorData{}, err
		}
		return loadEditorData(e.life.ctx, e.store, e.ed.client, s.ID)
	}, func(ed editorData, err error) {
		e.saving = false
		e.saveBtn.Enable()
		if e.life.gone(err) {
			return // amended, and the editor closed before it was read back
		}
		if err != nil {
			if !e.notes.show(err) {
				showError(e.win, "amend the session", err)
			}
			return
		}
		e.draftID = ""
		e.reloaded(ed)
		e.status.SetText("Amended at " + wording.ClockSeconds(time.Now()))
		if done != nil {
			done()
		}
	})
}

// setLocked makes the form read-only (every field disabled, the map deaf) or editable again.
func (e *sessionEditor) setLocked(locked bool) {
	e.locked = locked // first: the widgets enabled below redraw with the theme of the unlocked form
	if !locked {
		for _, w := range e.lockedOff {
			w.Enable()
		}
		for _, w := range e.lockedHidden {
			w.Show()
		}
		for w, hint := range e.lockedHints {
			switch v := w.(type) {
			case *widget.Entry:
				v.SetPlaceHolder(hint)
			case *widget.Select:
				v.PlaceHolder = hint
				v.Refresh()
			}
		}
		e.lockedOff, e.lockedHidden, e.lockedHints = nil, nil, nil
	}
	e.applyLock()
	hint := ""
	if locked {
		hint = "Read-only: the zones cannot be changed here."
		if e.base.Status == data.StatusSigned {
			hint = "Signed: read-only."
		}
	}
	e.zoneMap.SetReadOnly(hint)
	for _, o := range e.readable {
		o.Refresh() // the values' colour follows the lock
	}
	if e.base.Status == data.StatusSigned {
		e.showSignature()
	}
}

// applyLock disables what the form shows while it is locked, rows built since included.
func (e *sessionEditor) applyLock() {
	if !e.locked || e.formBox == nil {
		return
	}
	for _, root := range []fyne.CanvasObject{e.formBox, e.zoneArea.tools, e.zoneArea.scroll} {
		// What only adds, removes or fills in goes out of sight; the values stay, disabled.
		e.hideActions(root, func(w fyne.CanvasObject) { e.lockedHidden = append(e.lockedHidden, w) })
		disableAll(root, func(w fyne.Disableable) { e.lockedOff = append(e.lockedOff, w) })
		e.quietHints(root)
	}
	if f, ok := e.win.Canvas().Focused().(fyne.Disableable); ok && f.Disabled() {
		e.win.Canvas().Unfocus()
	}
}

// hideActions hides every visible button under o, and the select that adds a zone, telling
// hidden about each.
func (e *sessionEditor) hideActions(o fyne.CanvasObject, hidden func(fyne.CanvasObject)) {
	if !o.Visible() {
		return
	}
	switch v := o.(type) {
	case *widget.Button:
		v.Hide()
		hidden(v)
	case *widget.Select:
		if v == e.addZone {
			v.Hide()
			hidden(v)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			e.hideActions(c, hidden)
		}
	case *container.Scroll:
		e.hideActions(v.Content, hidden)
	}
}

// quietHints replaces the hint of every empty field under o by "—", as the printed record has it:
// a locked field is drawn in the text colour, where a hint such as "level" would read as a value.
func (e *sessionEditor) quietHints(o fyne.CanvasObject) {
	if e.lockedHints == nil {
		e.lockedHints = map[any]string{}
	}
	var en *widget.Entry
	var sel *widget.Select
	switch v := o.(type) {
	case *widget.Entry:
		en = v
	case *nlwidget.TextField:
		en = &v.Entry
	case *widget.Select:
		sel = v
	case *nlwidget.PickSelect:
		sel = &v.Select
	case *fyne.Container:
		for _, c := range v.Objects {
			e.quietHints(c)
		}
	case *container.Scroll:
		e.quietHints(v.Content)
	}
	if _, done := e.lockedHints[en]; en != nil && !done && en.Text == "" && en.PlaceHolder != "—" {
		e.lockedHints[en] = en.PlaceHolder
		en.SetPlaceHolder("—")
	}
	if _, done := e.lockedHints[sel]; sel != nil && !done && sel.Selected == "" && sel.PlaceHolder != "—" {
		e.lockedHints[sel] = sel.PlaceHolder
		sel.PlaceHolder = "—"
		sel.Refresh()
	}
}

// readOnlyTheme shows disabled values in the normal text colour while the form is locked:
// a signed record is there to be read, not greyed out.
type readOnlyTheme struct{ locked *bool }

func (t readOnlyTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t readOnlyTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if *t.locked && n == theme.ColorNameDisabled {
		n = theme.ColorNameForeground
	}
	return t.base().Color(n, v)
}
func (t readOnlyTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base().Font(s) }

// Icon draws no drop-down arrow while the form is locked: a locked picker offers nothing to pick.
func (t readOnlyTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	if *t.locked && n == theme.IconNameArrowDropDown {
		return noIcon
	}
	return t.base().Icon(n)
}

var noIcon = fyne.NewStaticResource("none.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"/>`))

func (t readOnlyTheme) Size(n fyne.ThemeSizeName) float32 { return t.base().Size(n) }

// disableAll disables every enabled widget under o, telling off about each.
func disableAll(o fyne.CanvasObject, off func(fyne.Disableable)) {
	if d, ok := o.(fyne.Disableable); ok {
		if !d.Disabled() {
			d.Disable()
			off(d)
		}
		return
	}
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			disableAll(c, off)
		}
	case *container.Scroll:
		disableAll(v.Content, off)
	}
}
