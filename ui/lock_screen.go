package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	nlstore "needlelog.app/needlelog/store"
	nlwidget "needlelog.app/needlelog/ui/widget"
)

// lockScreen is what the locked window shows.
type lockScreen struct {
	l        *locker
	accounts []data.Account
	people   *chooser
	chosen   data.Account

	note    *widget.Label // what the screen is for
	list    *fyne.Container
	prompt  *widget.Label // what to type, for whom
	pass    *lockEntry
	unlock  *lockButton
	forgot  *lockButton
	newPass *lockEntry
	repeat  *lockEntry
	set     *lockButton
	// Once the practice uses passphrases, an admin confirms a first one with their own.
	admins    []data.Account
	admin     data.Account
	adminBox  *fyne.Container
	adminNote *widget.Label
	adminPick *fyne.Container
	adminPass *lockEntry
	message   *widget.Label
	retry     *lockButton
	back      *lockButton
	quit      *lockButton     // closes the window, as File › Quit does
	signIn    *fyne.Container // for a practitioner with a passphrase
	setUp     *fyne.Container // for one without
	box       *fyne.Container // all of the above
	center    *fyne.Container // laid out again as parts show and hide
	busy      bool
	content   fyne.CanvasObject
	life      life // ends when the screen is unlocked or replaced
}

func newLockScreen(l *locker) *lockScreen {
	ls := &lockScreen{l: l, life: newLife(nil)}
	icon := canvas.NewImageFromResource(appIcon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(64, 64))
	title := widget.NewLabelWithStyle("Needlelog", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	ls.note = wrapLabel("Opening…")
	ls.note.Alignment = fyne.TextAlignCenter
	ls.list = container.NewVBox()
	ls.prompt = wrapLabel("")
	ls.prompt.TextStyle.Bold = true
	ls.pass = newLockEntry("Passphrase")
	ls.pass.OnSubmitted = func(string) { ls.submit() }
	ls.unlock = newLockButton("Unlock", ls.submit)
	ls.unlock.Importance = widget.HighImportance
	ls.unlock.Icon = theme.LoginIcon()
	ls.forgot = newLockButton("Forgot your passphrase?", ls.forgotten)
	ls.forgot.Importance = widget.LowImportance
	ls.signIn = container.NewVBox(ls.pass, ls.unlock, ls.forgot)
	ls.newPass = newLockEntry(fmt.Sprintf("New passphrase, at least %d characters", data.MinPassphraseLength))
	ls.repeat = newLockEntry("The same passphrase again")
	ls.newPass.OnSubmitted = func(string) { l.win.Canvas().Focus(ls.repeat) }
	ls.adminNote = wrapLabel("")
	ls.adminPick = container.NewVBox()
	ls.adminPass = newLockEntry("Admin's passphrase")
	ls.adminPass.OnSubmitted = func(string) { ls.setAndSignIn() }
	ls.adminBox = container.NewVBox(ls.adminNote, ls.adminPick, ls.adminPass)
	ls.repeat.OnSubmitted = func(string) {
		if ls.adminBox.Visible() && ls.adminPass.Visible() {
			l.win.Canvas().Focus(ls.adminPass)
			return
		}
		ls.setAndSignIn()
	}
	ls.set = newLockButton("Set passphrase and sign in", ls.setAndSignIn)
	ls.set.Importance = widget.HighImportance
	ls.setUp = container.NewVBox(ls.newPass, ls.repeat, ls.adminBox, ls.set)
	ls.message = wrapLabel("")
	ls.message.Importance = widget.DangerImportance
	ls.retry = newLockButton("Try again", ls.load)
	ls.back = newLockButton("Back to the practice", func() { l.unlock(l.user) })
	// The lock hides the menu, and with it File › Quit: the screen offers its own way out.
	ls.quit = newLockButton("Quit", l.quit)
	ls.quit.Importance = widget.LowImportance
	ls.quit.Hidden = l.onQuit == nil
	for _, o := range []fyne.CanvasObject{ls.prompt, ls.signIn, ls.setUp, ls.message, ls.retry, ls.back} {
		o.Hide()
	}
	ls.box = container.NewVBox(container.NewCenter(icon), title, ls.note, ls.list, ls.prompt, ls.signIn, ls.setUp,
		ls.message, ls.retry, ls.back, ls.quit)
	ls.center = container.NewCenter(nlwidget.AtLeastWide(380, container.NewPadded(ls.box)))
	ls.content = container.NewStack(newTapCatcher(ls.focus), ls.center)
	return ls
}

func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// lockState is what the lock screen needs from the database.
type lockState struct {
	accounts []data.Account
	minutes  int
}

// load reads who can sign in, and shows them.
func (ls *lockScreen) load() {
	l, s, ctx := ls.l, ls.l.store, ls.life.ctx
	async(func() (lockState, error) {
		accounts, err := s.Accounts(ctx)
		if err != nil {
			return lockState{}, err
		}
		minutes, err := s.IdleLockMinutes(ctx)
		return lockState{accounts, minutes}, err
	}, func(st lockState, err error) {
		if l.screen != ls || l.store != s {
			return // unlocked, or another practice opened, meanwhile
		}
		ls.apply(st, err)
	})
}

func (ls *lockScreen) apply(st lockState, err error) {
	l := ls.l
	ls.retry.Hide()
	ls.message.Hide()
	if err != nil {
		ls.retry.Show()
		ls.show(errorSentence("read who can sign in", err))
		return
	}
	l.minutes = st.minutes
	anySet := slices.ContainsFunc(st.accounts, func(a data.Account) bool { return a.HasPassphrase })
	if !anySet && l.checking {
		l.unlock(data.Practitioner{}) // nothing to lock with
		return
	}
	l.checking = false
	ls.accounts = st.accounts
	ls.back.Hidden = anySet
	ls.back.Refresh()
	switch {
	case len(st.accounts) == 0:
		ls.note.SetText("There is no practitioner to sign in as. Add practitioners in File › Settings… › Practitioners.")
	case !anySet:
		ls.note.SetText("No practitioner has a passphrase yet, so Needlelog cannot lock. Choose your name to set one.")
	default:
		ls.note.SetText("Needlelog is locked. Choose your name to sign in.")
	}
	ls.people = newChooser(uniqueLabels(st.accounts), ls.choose)
	var list fyne.CanvasObject = ls.people.box
	if len(st.accounts) > 6 { // a long list scrolls rather than push the passphrase off the window
		sc := container.NewVScroll(list)
		sc.SetMinSize(fyne.NewSize(0, 6*ls.people.buttons[0].MinSize().Height))
		list = sc
	}
	ls.list.Objects = []fyne.CanvasObject{list}
	ls.list.Refresh()
	// The one chosen before a reload, the one who was signed in, or the only practitioner.
	want := ls.chosen.ID
	if want == "" {
		want = l.user.ID
	}
	ls.chosen = data.Account{}
	ls.prompt.Hide()
	ls.signIn.Hide()
	ls.setUp.Hide()
	for i, a := range st.accounts {
		if a.ID == want || len(st.accounts) == 1 {
			ls.people.choose(i)
		}
	}
	ls.relayout()
	ls.focus()
}

// choose shows what the chosen practitioner types: their passphrase, or a new one.
func (ls *lockScreen) choose(i int) {
	a := ls.accounts[i]
	ls.chosen = a
	ls.message.Hide()
	ls.pass.SetText("")
	ls.newPass.SetText("")
	ls.repeat.SetText("")
	if a.HasPassphrase {
		ls.prompt.SetText("Passphrase for " + a.Name)
		// Only another admin with a passphrase can help.
		ls.forgot.Hidden = !slices.ContainsFunc(ls.accounts, func(o data.Account) bool {
			return o.Role == data.RoleAdmin && o.HasPassphrase && o.ID != a.ID
		})
		ls.forgot.Refresh()
		ls.setUp.Hide()
		ls.signIn.Show()
	} else {
		ls.prompt.SetText(fmt.Sprintf("%s has no passphrase yet. Choose one of at least %d characters: you will "+
			"type it each time Needlelog is locked. A few words are easier to remember than symbols.",
			a.Name, data.MinPassphraseLength))
		ls.showAdmins(a)
		ls.signIn.Hide()
		ls.setUp.Show()
	}
	ls.prompt.Show()
	ls.relayout()
	ls.focus()
}

// showAdmins asks for an admin's confirmation of a's first passphrase once someone else has one:
// otherwise whoever reaches the lock screen could choose it and sign in as a.
func (ls *lockScreen) showAdmins(a data.Account) {
	ls.admins, ls.admin = nil, data.Account{}
	ls.adminPass.SetText("")
	ls.adminPick.RemoveAll()
	ls.set.Enable()
	if !slices.ContainsFunc(ls.accounts, func(o data.Account) bool { return o.HasPassphrase && o.ID != a.ID }) {
		ls.adminBox.Hide() // the practice's first passphrase
		return
	}
	ls.adminBox.Show()
	for _, o := range ls.accounts {
		if o.Role == data.RoleAdmin && o.HasPassphrase && o.ID != a.ID {
			ls.admins = append(ls.admins, o)
		}
	}
	switch len(ls.admins) {
	case 0:
		ls.adminNote.SetText("An admin confirms a first passphrase with their own, and no admin has one yet: " +
			"ask a colleague who signs in to make an admin in Settings.")
		ls.adminPass.Hide()
		ls.set.Disable()
	case 1:
		ls.admin = ls.admins[0]
		ls.adminNote.SetText(ls.admin.Name + ", an admin, confirms with their passphrase:")
		ls.adminPass.Show()
	default:
		ls.adminNote.SetText("An admin confirms with their passphrase:")
		pick := newChooser(uniqueLabels(ls.admins), func(i int) {
			ls.admin = ls.admins[i]
			ls.l.win.Canvas().Focus(ls.adminPass)
		})
		ls.adminPick.Add(pick.box)
		ls.adminPass.Show()
	}
}

// relayout fits the screen to what it shows now.
func (ls *lockScreen) relayout() {
	ls.box.Refresh()
	ls.center.Refresh()
}

// focus puts the keyboard where the practitioner types next.
func (ls *lockScreen) focus() {
	cv := ls.l.win.Canvas()
	switch {
	case ls.chosen.ID != "" && ls.chosen.HasPassphrase:
		cv.Focus(ls.pass)
	case ls.chosen.ID != "":
		cv.Focus(ls.newPass)
	case ls.people != nil && len(ls.people.buttons) > 0:
		cv.Focus(ls.people.buttons[0])
	case ls.retry.Visible():
		cv.Focus(ls.retry)
	}
}

func (ls *lockScreen) show(message string) {
	ls.message.SetText(message)
	ls.message.Show()
	ls.relayout()
}

// submit signs the chosen practitioner in with the passphrase typed.
func (ls *lockScreen) submit() {
	l, s, a, pass := ls.l, ls.l.store, ls.chosen, ls.pass.Text
	if ls.busy || a.ID == "" || !a.HasPassphrase {
		return
	}
	if d := l.throttle.wait(l.now()); d > 0 {
		ls.show(waitSentence(d))
		return
	}
	if pass == "" {
		ls.show("Type your passphrase.")
		return
	}
	ls.setBusy(true)
	// A sign-in under way is finished (and logged) even if the screen goes meanwhile.
	async(func() (struct{}, error) { return struct{}{}, signIn(ls.life.lasting(), s, a.ID, pass) },
		func(_ struct{}, err error) {
			if l.screen != ls || l.store != s {
				return
			}
			ls.setBusy(false)
			switch {
			case err == nil:
				l.throttle.succeed()
				l.unlock(a.Practitioner)
			case errors.Is(err, data.ErrWrongPassphrase):
				l.throttle.fail(l.now())
				ls.pass.SetText("")
				msg := "That passphrase is not right for " + a.Name + ". Check Caps Lock and try again."
				if d := l.throttle.wait(l.now()); d > 0 {
					msg = "That passphrase is not right for " + a.Name + ". " + waitSentence(d)
				}
				ls.show(msg)
				ls.focus()
			case errors.Is(err, data.ErrNoPassphrase):
				ls.load() // reset by an admin meanwhile
			default:
				ls.show(errorSentence("sign in", err))
			}
		})
}

// signIn checks the passphrase and signs the practitioner in. A practice open read-only takes no
// write, so there the passphrase is only checked: no audit entry, no rehash, no key made.
func signIn(ctx context.Context, s nlstore.Store, id, pass string) error {
	if !s.ReadOnly() {
		return s.SignIn(ctx, id, pass)
	}
	ok, err := s.CheckPassphrase(ctx, id, pass)
	switch {
	case err != nil:
		return err
	case !ok:
		return data.ErrWrongPassphrase
	}
	return nil
}

// setAndSignIn sets a first passphrase for the chosen practitioner and signs them in.
func (ls *lockScreen) setAndSignIn() {
	l, s, a := ls.l, ls.l.store, ls.chosen
	pass, again := ls.newPass.Text, ls.repeat.Text
	admin, adminPass := ls.admin, ls.adminPass.Text
	needAdmin := ls.adminBox.Visible()
	if ls.busy || a.ID == "" || a.HasPassphrase {
		return
	}
	if pass != again {
		ls.show("The two passphrases differ: type the same one in both fields.")
		ls.repeat.SetText("")
		l.win.Canvas().Focus(ls.repeat)
		return
	}
	if needAdmin {
		switch {
		case len(ls.admins) == 0:
			return
		case admin.ID == "":
			ls.show("Choose the admin who confirms.")
			return
		case adminPass == "":
			ls.show(admin.Name + " types their passphrase to confirm.")
			l.win.Canvas().Focus(ls.adminPass)
			return
		}
		if d := l.throttle.wait(l.now()); d > 0 {
			ls.show(waitSentence(d))
			return
		}
	}
	ls.setBusy(true)
	adminWrong := false
	// The passphrase asked for, and its sign-in, are written even if the screen goes meanwhile.
	lasting := ls.life.lasting()
	async(func() (struct{}, error) {
		ctx := data.WithActor(lasting, a.ID)
		if needAdmin {
			// The admin's sign-in checks their passphrase and unseals their key, which signs the entry.
			if err := s.SignIn(lasting, admin.ID, adminPass); err != nil {
				adminWrong = errors.Is(err, data.ErrWrongPassphrase)
				return struct{}{}, err
			}
			ctx = data.WithActor(lasting, admin.ID)
		}
		if err := s.SetPassphrase(ctx, a.ID, "", pass); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.SignIn(data.WithActor(lasting, a.ID), a.ID, pass)
	}, func(_ struct{}, err error) {
		if needAdmin {
			// The admin's key is not kept; the practitioner's, unsealed by their sign-in, is.
			if err == nil {
				s.SetActor(a.ID)
			} else {
				s.SetActor("")
			}
		}
		if l.screen != ls || l.store != s {
			return
		}
		ls.setBusy(false)
		var ve *data.ValidationError
		switch {
		case err == nil:
			l.throttle.succeed()
			l.unlock(a.Practitioner)
		case adminWrong:
			l.throttle.fail(l.now())
			ls.adminPass.SetText("")
			msg := "That passphrase is not right for " + admin.Name + "."
			if d := l.throttle.wait(l.now()); d > 0 {
				msg += " " + waitSentence(d)
			}
			ls.show(msg)
			l.win.Canvas().Focus(ls.adminPass)
		case errors.As(err, &ve):
			ls.show(ve.Error())
			l.win.Canvas().Focus(ls.newPass)
		case errors.Is(err, data.ErrFirstPassphraseNeedsAdmin):
			ls.load() // someone set a passphrase meanwhile: an admin must confirm
		case errors.Is(err, data.ErrWrongPassphrase):
			ls.load() // someone set one meanwhile
		default:
			ls.show(errorSentence("set the passphrase", err))
		}
	})
}

func (ls *lockScreen) setBusy(busy bool) {
	ls.busy = busy
	for _, b := range []*lockButton{ls.unlock, ls.set} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// forgotten asks an admin to reset the chosen practitioner's passphrase.
func (ls *lockScreen) forgotten() {
	l, a := ls.l, ls.chosen
	l.dialogs++
	s := l.store
	showResetPassphrase(l.win, s, &l.throttle, data.Practitioner{}, a.ID, func(reset bool) {
		l.dialogs--
		// The admin's passphrase unsealed their signing key to sign the reset; no one is signed
		// in at the lock screen, so it is forgotten at once.
		s.SetActor("")
		if reset && l.screen == ls {
			ls.load()
		}
	})
}
