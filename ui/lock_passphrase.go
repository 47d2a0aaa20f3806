package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// showResetPassphrase lets a practitioner with the admin role clear another's forgotten
// passphrase; its owner chooses a new one at their next sign-in. The admin confirms with
// their own passphrase, which is logged as a sign-in, and the reset is logged as theirs.
//
// admin is the admin signed in (from Settings), or zero to choose one in the dialog (from the
// lock screen); target is whose passphrase, or "" to choose. closed runs when the dialog
// closes, telling whether a passphrase was reset.
func showResetPassphrase(win fyne.Window, s nlstore.Store, th *throttle, admin data.Practitioner, target string, closed func(reset bool)) {
	done := func(reset bool) {
		if closed != nil {
			closed(reset)
		}
	}
	if admin.ID != "" && admin.Role != data.RoleAdmin {
		d := dialog.NewInformation("Reset a passphrase",
			"Only a practitioner with the admin role can reset a passphrase.", win)
		d.SetOnClosed(func() { done(false) })
		d.Show()
		return
	}
	async(func() ([]data.Account, error) { return s.Accounts(context.Background()) },
		func(accounts []data.Account, err error) {
			if err != nil {
				showError(win, "read who can sign in", err)
				done(false)
				return
			}
			newResetDialog(win, s, th, accounts, admin, target, func(reset bool, who data.Account) {
				if reset && admin.ID != "" { // from Settings; the lock screen shows it itself
					dialog.ShowInformation("Passphrase reset", who.Name+" chooses a new passphrase when they next sign in.", win)
				}
				done(reset)
			})
		})
}

// resetDialog is showResetPassphrase's dialog.
type resetDialog struct {
	win      fyne.Window
	store    nlstore.Store
	throttle *throttle // wrong passphrases, counted with the lock screen's
	d        *dialog.CustomDialog
	targets  []data.Account // whose passphrase may be reset
	admins   []data.Account // who may reset it
	target   data.Account
	admin    data.Account
	pass     *lockEntry
	prompt   *widget.Label
	message  *widget.Label
	reset    *lockButton
	done     func(reset bool, who data.Account)
	finished bool
}

func newResetDialog(win fyne.Window, s nlstore.Store, th *throttle, accounts []data.Account, admin data.Practitioner, targetID string,
	done func(reset bool, who data.Account)) {
	adminID := admin.ID
	r := &resetDialog{win: win, store: s, throttle: th, done: done}
	for _, a := range accounts {
		if a.HasPassphrase && a.ID != adminID && (targetID == "" || a.ID == targetID) {
			r.targets = append(r.targets, a)
		}
		// Chosen in the dialog, an admin confirms with a passphrase, so needs one.
		if a.Role == data.RoleAdmin && (a.ID == adminID || adminID == "" && a.HasPassphrase) {
			r.admins = append(r.admins, a)
		}
	}
	if adminID != "" && len(r.admins) == 0 {
		r.admins = []data.Account{{Practitioner: admin}} // retired meanwhile: the reset will be refused
	}
	r.pass = newLockEntry("Passphrase")
	r.pass.OnSubmitted = func(string) { r.submit() }
	r.prompt = wrapLabel("")
	r.prompt.TextStyle.Bold = true
	r.message = wrapLabel("")
	r.message.Importance = widget.DangerImportance // shown empty: a dialog does not grow to fit
	r.reset = newLockButton("Reset passphrase", r.submit)
	r.reset.Importance = widget.DangerImportance

	box := container.NewVBox()
	switch {
	case len(r.targets) == 0:
		box.Add(wrapLabel("No other practitioner has a passphrase to reset."))
		r.reset.Disable()
	case targetID != "":
		r.target = r.targets[0]
		box.Add(wrapLabel("Reset the passphrase of " + r.target.Name + "?"))
	default:
		box.Add(widget.NewLabelWithStyle("Whose passphrase?", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		who := newChooser(uniqueLabels(r.targets), func(i int) { r.target = r.targets[i] })
		box.Add(container.NewVScroll(who.box))
	}
	box.Add(wrapLabel("They choose a new passphrase when they next sign in, an admin confirming it. No record changes: the passphrase " +
		"does not lock any data away. The reset is written in the audit log."))
	// A practitioner may not reset their own: they would not need to.
	admins := slices.DeleteFunc(slices.Clone(r.admins), func(a data.Account) bool { return a.ID == r.target.ID })
	switch {
	case len(r.targets) == 0:
	case adminID != "":
		r.admin = r.admins[0]
		r.prompt.SetText("Your passphrase, to confirm")
		box.Add(r.prompt)
		box.Add(r.pass)
	case len(admins) == 0:
		box.Add(wrapLabel("Only a practitioner with the admin role can reset a passphrase, and there is no other."))
		r.reset.Disable()
	default:
		box.Add(widget.NewLabelWithStyle("Admin", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		adminChooser := newChooser(uniqueLabels(admins), func(i int) {
			r.admin = admins[i]
			r.prompt.SetText("Passphrase of " + r.admin.Name)
			r.win.Canvas().Focus(r.pass)
		})
		r.prompt.SetText("Passphrase of the admin")
		box.Add(adminChooser.box)
		box.Add(r.prompt)
		box.Add(r.pass)
		if len(admins) == 1 {
			adminChooser.choose(0)
		}
	}
	box.Add(r.message)
	r.d = dialog.NewCustomWithoutButtons("Reset a passphrase", nlwidget.AtLeastWide(420, box), win)
	r.d.SetButtons([]fyne.CanvasObject{newLockButton("Cancel", func() { r.close(false) }), r.reset})
	r.d.SetOnClosed(func() { r.close(false) })
	r.d.Show()
	if r.admin.ID != "" {
		win.Canvas().Focus(r.pass)
	}
}

func (r *resetDialog) close(reset bool) {
	if r.finished {
		return
	}
	r.finished = true
	r.d.Hide()
	r.done(reset, r.target)
}

func (r *resetDialog) show(message string) {
	r.message.SetText(message)
}

func (r *resetDialog) submit() {
	s, target, admin, pass := r.store, r.target, r.admin, r.pass.Text
	switch {
	case target.ID == "":
		r.show("Choose whose passphrase to reset.")
		return
	case admin.ID == "":
		r.show("Choose the admin who resets it.")
		return
	}
	if d := r.throttle.wait(time.Now()); d > 0 {
		r.show(waitSentence(d))
		return
	}
	r.reset.Disable()
	async(func() (struct{}, error) {
		ctx := data.WithActor(context.Background(), admin.ID)
		if err := s.SignIn(ctx, admin.ID, pass); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.ResetPassphrase(ctx, target.ID)
	}, func(_ struct{}, err error) {
		if r.finished {
			return
		}
		r.reset.Enable()
		switch {
		case err == nil:
			r.throttle.succeed()
			r.close(true)
		case errors.Is(err, data.ErrWrongPassphrase):
			r.throttle.fail(time.Now())
			r.pass.SetText("")
			msg := "That passphrase is not right for " + admin.Name + "."
			if d := r.throttle.wait(time.Now()); d > 0 {
				msg += " " + waitSentence(d)
			}
			r.show(msg)
		case errors.Is(err, data.ErrNoPassphrase):
			r.show(admin.Name + " has no passphrase: set one first, to confirm resets with it.")
		case errors.Is(err, data.ErrResetNotAllowed):
			r.show("Only another practitioner with the admin role can reset this passphrase.")
		default:
			r.show(errorSentence("reset the passphrase", err))
		}
	})
}

// showChangePassphrase lets a practitioner set or change their own passphrase: the current one
// first when they have one. done runs after a change.
func showChangePassphrase(win fyne.Window, s nlstore.Store, th *throttle, p data.Practitioner, done func()) {
	async(func() ([]data.Account, error) { return s.Accounts(context.Background()) },
		func(accounts []data.Account, err error) {
			if err != nil {
				showError(win, "read who can sign in", err)
				return
			}
			has := slices.ContainsFunc(accounts, func(a data.Account) bool { return a.ID == p.ID && a.HasPassphrase })
			newChangeDialog(win, s, th, p, has, done)
		})
}

func newChangeDialog(win fyne.Window, s nlstore.Store, th *throttle, p data.Practitioner, has bool, done func()) {
	old := newLockEntry("Current passphrase")
	pass := newLockEntry(fmt.Sprintf("New passphrase, at least %d characters", data.MinPassphraseLength))
	again := newLockEntry("The same passphrase again")
	message := wrapLabel("")
	message.Importance = widget.DangerImportance // shown empty: a dialog does not grow to fit
	show := message.SetText
	box := container.NewVBox(wrapLabel("Your passphrase unlocks Needlelog as " + p.Name + ". If you forget it, " +
		"a practitioner with the admin role can reset it; no record is lost."))
	if has {
		box.Add(old)
	}
	box.Add(pass)
	box.Add(again)
	box.Add(message)
	var d *dialog.CustomDialog
	var save *lockButton
	submit := func() {
		if pass.Text != again.Text {
			show("The two new passphrases differ: type the same one in both fields.")
			again.SetText("")
			win.Canvas().Focus(again)
			return
		}
		if d := th.wait(time.Now()); d > 0 {
			show(waitSentence(d))
			return
		}
		save.Disable()
		oldText, newText := old.Text, pass.Text
		async(func() (struct{}, error) {
			return struct{}{}, s.SetPassphrase(data.WithActor(context.Background(), p.ID), p.ID, oldText, newText)
		}, func(_ struct{}, err error) {
			save.Enable()
			var ve *data.ValidationError
			switch {
			case err == nil:
				th.succeed()
				d.Hide()
				if done != nil {
					done()
				}
			case errors.Is(err, data.ErrWrongPassphrase):
				th.fail(time.Now())
				old.SetText("")
				show("Your current passphrase is not right.")
				win.Canvas().Focus(old)
			case errors.As(err, &ve):
				show(ve.Error())
			default:
				show(errorSentence("change the passphrase", err))
			}
		})
	}
	old.OnSubmitted = func(string) { win.Canvas().Focus(pass) }
	pass.OnSubmitted = func(string) { win.Canvas().Focus(again) }
	again.OnSubmitted = func(string) { submit() }
	title := "Set your passphrase"
	if has {
		title = "Change your passphrase"
	}
	save = newLockButton("Set passphrase", submit)
	if has {
		save.Text = "Change passphrase"
	}
	save.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(title, nlwidget.AtLeastWide(420, box), win)
	d.SetButtons([]fyne.CanvasObject{newLockButton("Cancel", func() { d.Hide() }), save})
	showDialog(win, d) // Escape cancels, from the passphrase fields too
	if has {
		win.Canvas().Focus(old)
	} else {
		win.Canvas().Focus(pass)
	}
}
