package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"needlelog.app/needlelog/data"
	"needlelog.app/needlelog/store/sqlite"
)

// lockFixture is a window showing a client's record, with a menu, under a locker on a fake clock.
type lockFixture struct {
	app    fyne.App
	store  *sqlite.Store
	win    fyne.Window
	secret *widget.Label
	field  *widget.Entry
	l      *locker
	now    time.Time
	locks  int
	users  []string // who unlocked, in order
	// admin is an admin with a passphrase, who confirms the first passphrases set after theirs.
	admin     data.Practitioner
	adminPass string
}

func newLockFixture(t *testing.T) *lockFixture {
	t.Helper()
	f := &lockFixture{app: test.NewTempApp(t), store: openStore(t), now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	f.secret = widget.NewLabel("Zoë Ångström: isotretinoin until March")
	f.field = widget.NewEntry()
	f.win = f.app.NewWindow("Needlelog")
	f.win.SetContent(container.NewVBox(f.secret, f.field))
	f.win.Resize(fyne.NewSize(1000, 700))
	f.l = newLocker(f.app, f.win)
	f.l.pollEvery = 0 // no polling goroutine: the tests call tick, on their own goroutine
	f.l.now = func() time.Time { return f.now }
	f.l.onLock = func() { f.locks++ }
	f.l.onUnlock = func(p data.Practitioner) { f.users = append(f.users, p.Name) }
	f.l.setMenu(fyne.NewMainMenu(fyne.NewMenu("File", fyne.NewMenuItem("Settings…", func() {}))))
	t.Cleanup(f.l.close)
	return f
}

func (f *lockFixture) practitioner(t *testing.T, name string, role data.Role, passphrase string) data.Practitioner {
	t.Helper()
	p := data.Practitioner{Name: name, Role: role}
	if err := f.store.SavePractitioner(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	if passphrase != "" {
		ctx := context.Background()
		if set, _ := f.store.AnyPassphraseSet(ctx); set {
			if f.admin.ID == "" {
				t.Fatal("a first passphrase once others have one needs an admin with one: add the admin first")
			}
			if err := f.store.SignIn(ctx, f.admin.ID, f.adminPass); err != nil {
				t.Fatal(err)
			}
			ctx = data.WithActor(ctx, f.admin.ID)
		}
		err := f.store.SetPassphrase(ctx, p.ID, "", passphrase)
		f.store.SetActor("") // no one stays signed in
		if err != nil {
			t.Fatal(err)
		}
		if role == data.RoleAdmin && f.admin.ID == "" {
			f.admin, f.adminPass = p, passphrase
		}
	}
	return p
}

// walkVisible visits o and everything visible inside it.
func walkVisible(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walkVisible(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walkVisible(c, visit)
		}
	}
}

// texts is every visible label's and button's text under o, joined.
func texts(o fyne.CanvasObject) string {
	var out []string
	walkVisible(o, func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *lockButton:
			out = append(out, "["+v.Text+"]")
		case *widget.Button:
			out = append(out, "["+v.Text+"]")
		}
	})
	return strings.Join(out, " | ")
}

// whatShows is everything the window shows: its content and its dialogs.
func (f *lockFixture) whatShows() string {
	s := texts(f.win.Canvas().Content())
	for _, o := range f.win.Canvas().Overlays().List() {
		s += " || " + texts(o)
	}
	return s
}

func lockButtonIn(t *testing.T, o fyne.CanvasObject, text string) *lockButton {
	t.Helper()
	var found *lockButton
	walkVisible(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*lockButton); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button in %s", text, texts(o))
	}
	return found
}

func entriesIn(o fyne.CanvasObject) []*lockEntry {
	var out []*lockEntry
	walkVisible(o, func(o fyne.CanvasObject) {
		if e, ok := o.(*lockEntry); ok {
			out = append(out, e)
		}
	})
	return out
}

func (f *lockFixture) tap(t *testing.T, text string) {
	t.Helper()
	test.Tap(lockButtonIn(t, f.win.Canvas().Content(), text))
}

func enter(e *lockEntry, text string) {
	e.SetText("")
	test.Type(e, text)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// signIn unlocks as name through the lock screen.
func (f *lockFixture) signIn(t *testing.T, name, passphrase string) {
	t.Helper()
	f.tap(t, name)
	enter(f.l.screen.pass, passphrase)
	if f.l.locked() {
		t.Fatalf("%s could not sign in: %s", name, f.whatShows())
	}
}

func TestLockScreenHidesThePractice(t *testing.T) {
	f := newLockFixture(t)
	gone := f.practitioner(t, "Retired Person", data.RolePractitioner, "correct horse")
	gone.Retired = true
	if err := f.store.SavePractitioner(context.Background(), &gone); err != nil {
		t.Fatal(err)
	}
	f.practitioner(t, "Anna Smith", data.RolePractitioner, "correct horse")
	f.practitioner(t, "Ben Jones", data.RolePractitioner, "")

	f.l.useStore(f.store)
	if !f.l.locked() || f.locks != 1 {
		t.Fatal("a practice with a passphrase did not open locked")
	}
	shows := f.whatShows()
	if m := f.win.MainMenu(); strings.Contains(shows, "Zoë") || m != nil && len(m.Items) > 0 {
		t.Fatalf("the lock screen lets the practice show: %s (menu %v)", shows, f.win.MainMenu())
	}
	for _, want := range []string{"Needlelog", "Needlelog is locked", "[Anna Smith]", "[Ben Jones]"} {
		if !strings.Contains(shows, want) {
			t.Errorf("the lock screen lacks %q: %s", want, shows)
		}
	}
	if strings.Contains(shows, "Retired Person") {
		t.Errorf("a retired practitioner is offered: %s", shows)
	}
	if strings.Contains(shows, "Back to the practice") {
		t.Error("a locked practice offers a way back without a passphrase")
	}
	if f.l.signedIn().ID != "" {
		t.Errorf("someone is signed in before unlocking: %+v", f.l.signedIn())
	}
}

func TestWrongPassphraseIsRefusedThenTheRightOneUnlocks(t *testing.T) {
	f := newLockFixture(t)
	anna := f.practitioner(t, "Anna Smith", data.RoleAdmin, "correct horse")
	f.practitioner(t, "Ben Jones", data.RolePractitioner, "battery staple")
	f.l.useStore(f.store)
	f.tap(t, "Anna Smith")
	if f.win.Canvas().Focused() != f.l.screen.pass {
		t.Error("choosing a practitioner does not put the keyboard in the passphrase field")
	}

	enter(f.l.screen.pass, "correct hose")
	if !f.l.locked() || f.l.signedIn().ID != "" {
		t.Fatal("a wrong passphrase unlocked")
	}
	if !strings.Contains(f.whatShows(), "That passphrase is not right for Anna Smith. Check Caps Lock and try again.") {
		t.Fatalf("a wrong passphrase is not explained: %s", f.whatShows())
	}
	if f.l.screen.pass.Text != "" {
		t.Error("the wrong passphrase stays in the field")
	}
	// Ben's passphrase is not Anna's.
	enter(f.l.screen.pass, "battery staple")
	enter(f.l.screen.pass, "correct horse!")
	if !strings.Contains(f.whatShows(), "Wait a second before trying again.") {
		t.Fatalf("the third wrong passphrase in a row does not slow down: %s", f.whatShows())
	}
	enter(f.l.screen.pass, "correct horse")
	if !f.l.locked() {
		t.Fatal("a passphrase was checked during the wait")
	}
	f.now = f.now.Add(2 * time.Second)
	enter(f.l.screen.pass, "correct horse")
	if f.l.locked() {
		t.Fatalf("the right passphrase did not unlock: %s", f.whatShows())
	}
	if got := f.l.signedIn(); got.ID != anna.ID || !slices.Equal(f.users, []string{"Anna Smith"}) {
		t.Fatalf("signed in: %+v, unlocks reported %q", got, f.users)
	}
	if !strings.Contains(f.whatShows(), "Zoë Ångström") || f.win.MainMenu() == nil {
		t.Fatalf("the practice did not come back: %s", f.whatShows())
	}
	if ctxActor := f.l.actor(context.Background()); ctxActor == nil {
		t.Fatal("no actor context")
	}

	log, err := f.store.AuditLog(context.Background(), anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+" by "+e.PractitionerID)
	}
	want := []string{"sign-in-failed by ", "sign-in-failed by ", "sign-in-failed by ", "sign-in by " + anna.ID}
	if got := actions[len(actions)-4:]; !slices.Equal(got, want) {
		t.Errorf("audit log: %q", actions)
	}
}

func TestLockOnDemandKeepsTheWorkBehindIt(t *testing.T) {
	f := newLockFixture(t)
	f.practitioner(t, "Anna Smith", data.RolePractitioner, "correct horse")
	f.l.useStore(f.store)
	f.signIn(t, "Anna Smith", "correct horse")

	f.win.Canvas().Focus(f.field)
	test.Type(f.field, "half-typed note")
	dialog.ShowInformation("Unsaved changes", "Zoë's notes are not saved yet.", f.win)
	f.l.lockNow()
	if !f.l.locked() || f.win.Canvas().Overlays().Top() != nil || strings.Contains(f.whatShows(), "Zoë") {
		t.Fatalf("Ctrl+L left the practice readable: %s", f.whatShows())
	}
	if f.win.Canvas().Focused() != f.l.screen.pass {
		t.Error("the signed-in practitioner is not chosen for the unlock")
	}
	// A dialog that background work opens while locked is put away too.
	dialog.ShowInformation("Export finished", "Zoë's history is saved.", f.win)
	f.l.tick()
	if f.win.Canvas().Overlays().Top() != nil {
		t.Fatal("a dialog opened while locked shows over the lock screen")
	}
	enter(f.l.screen.pass, "correct horse")
	if f.l.locked() {
		t.Fatal("did not unlock")
	}
	if n := len(f.win.Canvas().Overlays().List()); n != 2 || !strings.Contains(f.whatShows(), "Unsaved changes") {
		t.Errorf("the dialogs did not come back (%d): %s", n, f.whatShows())
	}
	if f.field.Text != "half-typed note" {
		t.Errorf("the field now holds %q", f.field.Text)
	}
}

func TestIdleLock(t *testing.T) {
	f := newLockFixture(t)
	f.practitioner(t, "Anna Smith", data.RolePractitioner, "correct horse")
	if err := f.store.SetIdleLockMinutes(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	f.l.useStore(f.store)
	f.signIn(t, "Anna Smith", "correct horse")
	f.win.Canvas().Focus(f.field)
	f.l.tick()

	f.now = f.now.Add(9 * time.Minute)
	f.l.tick()
	if f.l.locked() {
		t.Fatal("locked after 9 idle minutes of 10")
	}
	// Typing counts as activity, though Fyne tells no one but the field.
	test.Type(f.field, "Tolerated well")
	f.now = f.now.Add(9 * time.Minute)
	f.l.tick()
	f.now = f.now.Add(9 * time.Minute)
	f.l.tick()
	if f.l.locked() {
		t.Fatal("locked 9 minutes after typing")
	}
	// So does the pointer over the window.
	f.l.layer.MouseMoved(nil)
	f.now = f.now.Add(9*time.Minute + 59*time.Second)
	f.l.tick()
	if f.l.locked() {
		t.Fatal("locked 9 minutes after the pointer moved")
	}
	f.now = f.now.Add(time.Second)
	f.l.tick()
	if !f.l.locked() || strings.Contains(f.whatShows(), "Zoë") {
		t.Fatalf("not locked after 10 idle minutes: %s", f.whatShows())
	}
	enter(f.l.screen.pass, "correct horse")
	if f.l.locked() || f.win.Canvas().Focused() != f.field {
		t.Fatal("after the unlock, the keyboard is not back in the field it was in")
	}

	// A shorter time from Settings applies at once.
	f.l.setIdleMinutes(1)
	f.now = f.now.Add(time.Minute)
	f.l.tick()
	if !f.l.locked() {
		t.Fatal("not locked after the new idle time")
	}
}

func TestIdleLockFiresOnItsOwn(t *testing.T) {
	f := newLockFixture(t)
	f.practitioner(t, "Anna Smith", data.RolePractitioner, "correct horse")
	f.l.useStore(f.store)
	f.signIn(t, "Anna Smith", "correct horse")

	locked := make(chan struct{}, 1)
	f.l.onLock = func() {
		select {
		case locked <- struct{}{}:
		default:
		}
	}
	f.l.now = func() time.Time { return time.Now().Round(0) }
	f.l.idleAfter = 50 * time.Millisecond // test-shortened: Settings allows whole minutes
	f.l.touch()
	f.l.pollEvery = 5 * time.Millisecond
	f.l.startPoll()
	select {
	case <-locked:
	case <-time.After(10 * time.Second):
		t.Fatal("the idle lock did not fire")
	}
	f.l.close() // the poll runs the UI on its own goroutine in tests: stop it before looking
	if !f.l.locked() || strings.Contains(f.whatShows(), "Zoë") {
		t.Fatalf("not locked: %s", f.whatShows())
	}
}

func TestNoPassphraseNoLockUntilOneIsSet(t *testing.T) {
	f := newLockFixture(t)
	f.practitioner(t, "Anna Smith", data.RolePractitioner, "")
	ben := f.practitioner(t, "Ben Jones", data.RolePractitioner, "")
	f.l.useStore(f.store)
	if f.l.locked() || f.locks != 1 || len(f.users) != 1 || f.win.MainMenu() == nil {
		t.Fatalf("a practice without passphrases is locked: %v, %d locks, unlocks %q", f.l.locked(), f.locks, f.users)
	}
	f.now = f.now.Add(time.Hour)
	f.l.tick()
	if f.l.locked() {
		t.Fatal("idle lock without any passphrase")
	}

	f.l.lockNow()
	if !strings.Contains(f.whatShows(), "No practitioner has a passphrase yet") {
		t.Fatalf("Ctrl+L without passphrases does not say why it cannot lock: %s", f.whatShows())
	}
	f.tap(t, "Back to the practice")
	if f.l.locked() {
		t.Fatal("Back did not return to the practice")
	}

	f.l.changePassphrase(nil) // no one signed in: the lock screen, to choose whose
	f.tap(t, "Ben Jones")
	fields := entriesIn(f.win.Canvas().Content())
	if len(fields) != 2 {
		t.Fatalf("setting a passphrase shows %d fields: %s", len(fields), f.whatShows())
	}
	for _, c := range []struct{ pass, again, want string }{
		{"short", "short", "at least 8 characters"},
		{"correct horse", "correct hose", "The two passphrases differ"},
	} {
		fields[0].SetText(c.pass)
		enter(fields[1], c.again)
		if !strings.Contains(f.whatShows(), c.want) || !f.l.locked() {
			t.Fatalf("%q/%q: %s", c.pass, c.again, f.whatShows())
		}
	}
	fields[0].SetText("correct horse")
	fields[1].SetText("correct horse")
	f.tap(t, "Set passphrase and sign in")
	if f.l.locked() || f.l.signedIn().ID != ben.ID {
		t.Fatalf("setting a passphrase did not sign in: %s", f.whatShows())
	}
	if set, _ := f.store.AnyPassphraseSet(context.Background()); !set {
		t.Fatal("the passphrase was not stored")
	}
	if f.l.idleAfter != 10*time.Minute {
		t.Errorf("idle lock after %v, want the default 10 minutes", f.l.idleAfter)
	}
}

// Once someone has a passphrase, no one at the lock screen can choose a colleague without one,
// set theirs and sign in as them: an admin confirms in the same place, with their passphrase.
func TestFirstPassphraseNeedsAnAdminAtTheLockScreen(t *testing.T) {
	f := newLockFixture(t)
	ada := f.practitioner(t, "Ada Admin", data.RoleAdmin, "admin passphrase")
	f.practitioner(t, "Anna Smith", data.RolePractitioner, "correct horse")
	ben := f.practitioner(t, "Ben Jones", data.RolePractitioner, "")
	f.l.useStore(f.store)
	f.tap(t, "Ben Jones")
	shows := f.whatShows()
	if !strings.Contains(shows, "Ben Jones has no passphrase yet") || !strings.Contains(shows, "Ada Admin, an admin, confirms with their passphrase:") {
		t.Fatalf("no admin's confirmation asked: %s", shows)
	}
	fields := entriesIn(f.win.Canvas().Content())
	if len(fields) != 3 {
		t.Fatalf("setting a first passphrase shows %d fields: %s", len(fields), shows)
	}
	fields[0].SetText("battery staple")
	enter(fields[1], "battery staple") // on to the admin's field
	f.tap(t, "Set passphrase and sign in")
	if !f.l.locked() || !strings.Contains(f.whatShows(), "Ada Admin types their passphrase to confirm.") {
		t.Fatalf("signed in as Ben without an admin: %s", f.whatShows())
	}
	enter(fields[2], "correct horse") // Anna's is no admin's
	if !f.l.locked() || !strings.Contains(f.whatShows(), "That passphrase is not right for Ada Admin.") {
		t.Fatalf("a wrong admin passphrase: %s", f.whatShows())
	}
	if ok, _ := f.store.CheckPassphrase(context.Background(), ben.ID, "battery staple"); ok {
		t.Fatal("Ben's passphrase was set without the admin")
	}
	enter(fields[2], "admin passphrase")
	if f.l.locked() || f.l.signedIn().ID != ben.ID {
		t.Fatalf("not signed in as Ben after Ada confirmed: %s", f.whatShows())
	}
	log, _ := f.store.AuditLog(context.Background(), ben.ID)
	if last := log[len(log)-2]; last.Action != data.ActionPassphraseSet || last.PractitionerID != ada.ID {
		t.Fatalf("the passphrase is not logged as confirmed by Ada: %+v", last)
	}
	// Ada's key, unsealed to confirm, is not kept: only Ben is signed in.
	if err := f.store.CreateClient(data.WithActor(context.Background(), ada.ID), &data.Client{FirstName: "Not", LastName: "Ada"}); !errors.Is(err, data.ErrNotSignedIn) {
		t.Fatalf("Ada's key stayed in memory: %v", err)
	}
	// Ben's is kept: he works as himself from the moment he is in.
	if err := f.store.CreateClient(data.WithActor(context.Background(), ben.ID), &data.Client{FirstName: "By", LastName: "Ben"}); err != nil {
		t.Fatalf("Ben, signed in, cannot save: %v", err)
	}
}

// Without an admin who has a passphrase, no one can confirm: the lock screen says so.
func TestFirstPassphraseWithoutAnyAdmin(t *testing.T) {
	f := newLockFixture(t)
	f.practitioner(t, "Anna Smith", data.RolePractitioner, "correct horse")
	f.practitioner(t, "Ben Jones", data.RolePractitioner, "")
	f.l.useStore(f.store)
	f.tap(t, "Ben Jones")
	if !strings.Contains(f.whatShows(), "no admin has one yet") {
		t.Fatalf("the lock screen does not say who can confirm: %s", f.whatShows())
	}
	if b := lockButtonIn(t, f.win.Canvas().Content(), "Set passphrase and sign in"); !b.Disabled() {
		t.Fatal("Set passphrase is offered with no admin to confirm")
	}
}

func TestAdminResetsAForgottenPassphrase(t *testing.T) {
	f := newLockFixture(t)
	ada := f.practitioner(t, "Ada Admin", data.RoleAdmin, "admin passphrase")
	anna := f.practitioner(t, "Anna Smith", data.RolePractitioner, "correct horse")
	f.l.useStore(f.store)
	ctx := context.Background()

	// From the lock screen: Anna forgot hers; Ada, the only other admin, confirms with her own.
	f.tap(t, "Anna Smith")
	f.tap(t, "Forgot your passphrase?")
	d := f.win.Canvas().Overlays().Top()
	if d == nil || !strings.Contains(texts(d), "Reset the passphrase of Anna Smith?") {
		t.Fatalf("no reset dialog: %s", f.whatShows())
	}
	pass := entriesIn(d)
	if len(pass) != 1 || !strings.Contains(texts(d), "Passphrase of Ada Admin") {
		t.Fatalf("the dialog does not ask the admin's passphrase: %s", texts(d))
	}
	enter(pass[0], "correct horse") // Anna's own is no use
	if !strings.Contains(texts(d), "That passphrase is not right for Ada Admin.") {
		t.Fatalf("a wrong admin passphrase is not explained: %s", texts(d))
	}
	if ok, _ := f.store.CheckPassphrase(ctx, anna.ID, "correct horse"); !ok {
		t.Fatal("a wrong admin passphrase reset the passphrase")
	}
	// Background work's dialogs stay away while the admin works in hers.
	f.l.tick()
	if f.win.Canvas().Overlays().Top() != d {
		t.Fatal("the sweep took the reset dialog away")
	}
	enter(pass[0], "admin passphrase")
	if top := f.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("the dialog stays after the reset: %s", texts(top))
	}
	if ok, _ := f.store.CheckPassphrase(ctx, anna.ID, "correct horse"); ok {
		t.Fatal("the passphrase was not reset")
	}
	if !f.l.locked() || !strings.Contains(f.whatShows(), "Anna Smith has no passphrase yet") {
		t.Fatalf("after the reset, Anna is not offered to choose a new one: %s", f.whatShows())
	}
	log, _ := f.store.AuditLog(ctx, anna.ID)
	if last := log[len(log)-1]; last.Action != data.ActionPassphraseReset || last.PractitionerID != ada.ID {
		t.Fatalf("last audit entry: %+v", last)
	}
	// Ada's passphrase unsealed her signing key for the reset; at the lock screen it is forgotten at once.
	if err := f.store.CreateClient(data.WithActor(ctx, ada.ID), &data.Client{FirstName: "Not", LastName: "Ada"}); !errors.Is(err, data.ErrNotSignedIn) {
		t.Fatalf("Ada's key stayed in memory after the reset: %v", err)
	}
	fields := entriesIn(f.win.Canvas().Content())
	fields[0].SetText("a new start")
	fields[1].SetText("a new start")
	enter(fields[2], "admin passphrase") // Ada, the admin, confirms Anna's new passphrase
	if f.l.signedIn().ID != anna.ID {
		t.Fatalf("Anna could not set her new passphrase: %s", f.whatShows())
	}

	// From Settings: only an admin may, and confirms with her passphrase.
	showResetPassphrase(f.win, f.store, &f.l.throttle, f.l.signedIn(), "", nil)
	if !strings.Contains(f.whatShows(), "Only a practitioner with the admin role can reset a passphrase.") {
		t.Fatalf("a practitioner was offered to reset: %s", f.whatShows())
	}
	f.win.Canvas().Overlays().Top().Hide()
	f.l.lockNow()
	f.signIn(t, "Ada Admin", "admin passphrase")
	var closed []bool
	showResetPassphrase(f.win, f.store, &f.l.throttle, f.l.signedIn(), "", func(reset bool) { closed = append(closed, reset) })
	d = f.win.Canvas().Overlays().Top()
	if strings.Contains(texts(d), "[Ada Admin]") {
		t.Errorf("an admin is offered to reset her own: %s", texts(d))
	}
	test.Tap(lockButtonIn(t, d, "Anna Smith"))
	enter(entriesIn(d)[0], "admin passphrase")
	if !slices.Equal(closed, []bool{true}) || !strings.Contains(f.whatShows(), "Passphrase reset") {
		t.Fatalf("reset from Settings: closed %v, shows %s", closed, f.whatShows())
	}
	if set, _ := f.store.CheckPassphrase(ctx, anna.ID, "a new start"); set {
		t.Fatal("the passphrase was not reset from Settings")
	}
	// Every entry of Ada and Anna is signed with the key their passphrase then sealed.
	if rep, err := f.store.Verify(ctx); err != nil || !rep.OK() || rep.SignedEntries == 0 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

func TestChangeOwnPassphrase(t *testing.T) {
	f := newLockFixture(t)
	anna := f.practitioner(t, "Anna Smith", data.RolePractitioner, "correct horse")
	f.l.useStore(f.store)
	f.signIn(t, "Anna Smith", "correct horse")
	f.l.changePassphrase(nil)
	d := f.win.Canvas().Overlays().Top()
	fields := entriesIn(d)
	if len(fields) != 3 {
		t.Fatalf("change dialog has %d fields: %s", len(fields), texts(d))
	}
	fields[0].SetText("wrong one")
	fields[1].SetText("battery staple")
	enter(fields[2], "battery staple")
	if !strings.Contains(texts(d), "Your current passphrase is not right.") {
		t.Fatalf("a wrong current passphrase: %s", texts(d))
	}
	fields[0].SetText("correct horse")
	test.Tap(lockButtonIn(t, d, "Change passphrase"))
	if f.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("the dialog stays: %s", f.whatShows())
	}
	if ok, _ := f.store.CheckPassphrase(context.Background(), anna.ID, "battery staple"); !ok {
		t.Fatal("the passphrase did not change")
	}
}

func TestThrottleGrows(t *testing.T) {
	var th throttle
	now := time.Now()
	var waits []time.Duration
	for range 10 {
		th.fail(now)
		waits = append(waits, th.wait(now))
	}
	want := []time.Duration{0, 0, 1, 2, 4, 8, 16, 30, 30, 30}
	for i := range want {
		if waits[i] != want[i]*time.Second {
			t.Fatalf("waits %v, want %v seconds", waits, want)
		}
	}
	th.succeed()
	if th.wait(now) != 0 {
		t.Fatal("a success does not end the wait")
	}
}
